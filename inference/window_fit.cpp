#include "inference/window_fit.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "inference/detrend.h"
#include "inference/evidence.h"
#include "src/stft.h"

namespace specrecon {

RatioStats ComputeRatioStats(const FramePairs& pairs, int hop) {
  RatioStats s;
  s.n_fft = pairs.n_fft;
  s.hop = hop;
  const int span = std::max(0, pairs.n_fft - hop);
  s.suu.assign(span, 0.0);
  s.suv.assign(span, 0.0);
  s.svv.assign(span, 0.0);
  for (size_t p = 0; p < pairs.a.size(); ++p) {
    const std::vector<double>& ya = pairs.a[p];
    const std::vector<double>& yb = pairs.b[p];
    for (int n = 0; n < span; ++n) {
      const double u = yb[n], v = ya[n + hop];
      s.suu[n] += u * u;
      s.suv[n] += u * v;
      s.svv[n] += v * v;
    }
  }
  return s;
}

void MeasureSupport(const FramePairs& pairs, double rel_threshold, int* begin, int* end) {
  const int n = pairs.n_fft;
  std::vector<double> e(n, 0.0);
  for (size_t p = 0; p < pairs.a.size(); ++p)
    for (int i = 0; i < n; ++i) e[i] += pairs.a[p][i] * pairs.a[p][i] + pairs.b[p][i] * pairs.b[p][i];
  const double emax = *std::max_element(e.begin(), e.end());
  *begin = 0;
  *end = n;
  if (!(emax > 0.0)) return;
  int b = 0, en = n;
  while (b < n && e[b] <= rel_threshold * emax) ++b;
  while (en > b && e[en - 1] <= rel_threshold * emax) --en;
  *begin = b;
  *end = en;
}

namespace {

int TrailingZeros(int v) {
  int z = 0;
  while (v > 0 && (v & 1) == 0 && z < 16) {
    v >>= 1;
    ++z;
  }
  return z;
}

// Prior preference among candidates that fit equally well: lower is better.
std::vector<int> PriorKey(const WindowCandidate& c, int n_fft) {
  const int l = c.spec.length;
  // Centred in the frame is torch's placement, and torch makes no open-ended (MATLAB 'hanning')
  // windows: scipy's periodic Hann 255 in nfft 256 (offset 0) was read as the same samples
  // described as an open-ended 254 centred at offset 1, the even length winning the tie.
  const bool conventional_offset = c.offset == 0 || (c.offset == (n_fft - l) / 2 && !c.spec.open_ends);
  const int variant = c.spec.open_ends ? 2 : c.spec.symmetric ? 1 : 0;
  return {WindowFamilyHasParam(c.spec.family) ? 1 : 0, conventional_offset ? 0 : 1,
          l == n_fft ? 0 : 1, -TrailingZeros(l), variant,
          static_cast<int>(c.spec.family)};
}

struct ParamRange {
  double lo, hi;
  std::vector<double> grid;
};

ParamRange RangeFor(WindowFamily f, int length) {
  ParamRange r;
  if (f == WindowFamily::kKaiser) {
    r.lo = 0.0;
    r.hi = 40.0;
    for (double b = 0.0; b <= 40.0; b += 2.0) r.grid.push_back(b);
  } else if (f == WindowFamily::kGaussian) {
    r.lo = 0.01 * length;
    r.hi = 2.0 * length;
    for (double q = 0.02; q <= 1.0; q *= 1.3) r.grid.push_back(q * length);
  } else {
    r.lo = 0.0;
    r.hi = 1.0;
    // Tukey's taper width floor(alpha (L-1)/2) is a step function of alpha: a fine grid, no
    // derivatives.
    for (double a = 0.01; a < 1.0; a += 0.01) r.grid.push_back(a);
  }
  return r;
}

bool SamePlacedWindow(const WindowCandidate& a, const WindowCandidate& b, int n_fft) {
  const std::vector<double> wa = PlaceWindow(MakeWindow(a.spec), n_fft, a.offset);
  const std::vector<double> wb = PlaceWindow(MakeWindow(b.spec), n_fft, b.offset);
  double peak = 0.0, diff = 0.0;
  for (int i = 0; i < n_fft; ++i) {
    peak = std::max(peak, std::abs(wa[i]));
    diff = std::max(diff, std::abs(wa[i] - wb[i]));
  }
  return diff <= 1e-9 * peak;
}

}  // namespace

WindowFit FitWindow(const FramePairs& pairs, int hop, const WindowFitOptions& options) {
  WindowFit fit;
  const int n = pairs.n_fft;
  const RatioStats stats = ComputeRatioStats(pairs, hop);
  MeasureSupport(pairs, 1e-10, &fit.support_begin, &fit.support_end);

  std::vector<WindowFamily> families = AllWindowFamilies();
  if (options.family_given) families = {options.given.family};

  std::vector<WindowCandidate> all;
  auto evaluate = [&](WindowCandidate c) {
    if (c.offset < 0 || c.offset + c.spec.length > n || c.spec.length < 2) return;
    const std::vector<double> placed = PlaceWindow(MakeWindow(c.spec), n, c.offset);
    c.inconsistency = options.detrended ? DetrendedWindowInconsistency(pairs, hop, placed)
                                        : RatioInconsistency(stats, placed);
    c.digits = Digits(c.inconsistency);
    all.push_back(c);
  };

  const int margin = 4;
  // Each (length, family, variant, parameter) window is made once and tried at every offset.
  std::vector<std::pair<int, int>> placements;  // (offset, length)
  for (int off = fit.support_begin - margin; off <= fit.support_begin; ++off)
    for (int end = fit.support_end; end <= fit.support_end + margin; ++end) {
      const int len = end - off;
      if (off < 0 || end > n || len < 2) continue;
      if (options.win_length > 0 && len != options.win_length) continue;
      placements.push_back({off, len});
    }
  // The tails of long, smooth windows are below the threshold for more than the margin (Blackman
  // 1536 in float32: the measured support began 5 samples in, so torch's centred placement at
  // (n_fft - 1536)/2 was never tried and the same samples were read as a 1535-sample window one
  // sample later). The conventional placements, at the frame's start and centred, are tried
  // further out.
  const int wide = 3 * margin;
  const int measured = fit.support_end - fit.support_begin;
  for (int len = measured; len <= measured + 2 * wide; ++len)
    for (int off : {0, (n - len) / 2}) {
      const int end = off + len;
      if (off < 0 || end > n || off > fit.support_begin || off < fit.support_begin - wide ||
          end < fit.support_end || end > fit.support_end + wide)
        continue;
      if (options.win_length > 0 && len != options.win_length) continue;
      if (std::find(placements.begin(), placements.end(), std::make_pair(off, len)) == placements.end())
        placements.push_back({off, len});
    }
  std::vector<int> lengths;
  for (const auto& pl : placements)
    if (std::find(lengths.begin(), lengths.end(), pl.second) == lengths.end()) lengths.push_back(pl.second);
  for (int len : lengths)
    for (WindowFamily f : families)
      for (int variant = 0; variant < 3; ++variant) {
        WindowSpec spec;
        spec.family = f;
        spec.length = len;
        spec.symmetric = variant >= 1;
        spec.open_ends = variant == 2;
        std::vector<double> params = {0.0};
        if (WindowFamilyHasParam(f)) {
          if (options.family_given && options.given.param > 0) params = {options.given.param};
          else params = RangeFor(f, len).grid;
        }
        for (double prm : params) {
          spec.param = prm;
          const std::vector<double> w = MakeWindow(spec);
          for (const auto& [off, l] : placements) {
            if (l != len) continue;
            WindowCandidate c;
            c.spec = spec;
            c.offset = off;
            std::vector<double> placed(n, 0.0);
            std::copy(w.begin(), w.end(), placed.begin() + off);
            c.inconsistency = options.detrended ? DetrendedWindowInconsistency(pairs, hop, placed)
                                                : RatioInconsistency(stats, placed);
            c.digits = Digits(c.inconsistency);
            all.push_back(c);
          }
        }
      }
  // A window length given as a hint may lie outside the measured support's margins.
  if (all.empty() && options.win_length > 0) {
    for (WindowFamily f : families) {
      for (int off : {0, (n - options.win_length) / 2}) {
        WindowCandidate c;
        c.spec.family = f;
        c.spec.length = options.win_length;
        c.spec.param = options.given.param > 0 ? options.given.param : RangeFor(f, options.win_length).grid[RangeFor(f, options.win_length).grid.size() / 2];
        c.offset = off;
        evaluate(c);
      }
    }
  }
  if (all.empty()) return fit;

  // Refine the parameter of the best few parametric candidates with Ceres.
  std::sort(all.begin(), all.end(),
            [](const WindowCandidate& a, const WindowCandidate& b) { return a.inconsistency < b.inconsistency; });
  // The best two placements of each parametric family and variant (periodic, symmetric, open
  // ends) are refined: families look alike on a coarse grid, so each gets its own chance, and
  // between grid values a wrong variant can fit better than the right one (scipy's periodic
  // Kaiser 5.0 of 400 samples zero-padded to 512: at the grid's beta 6 the open-ended 404-409
  // fitted best, were refined to 2.6-3.4 digits, and a custom window was reported).
  std::map<std::pair<WindowFamily, int>, int> refined;
  std::vector<std::tuple<WindowFamily, int, int>> refined_support;  // family, variant, length - measured
  std::vector<WindowCandidate> extra;
  for (const WindowCandidate& c : all) {
    if (!WindowFamilyHasParam(c.spec.family)) continue;
    if (options.family_given && options.given.param > 0) continue;
    const std::pair<WindowFamily, int> kind{c.spec.family, c.spec.open_ends ? 2 : c.spec.symmetric ? 1 : 0};
    if (c.spec.family == WindowFamily::kTukey) continue;
    // And the best of each variant at the measured support's length and one or two more (a
    // window's zero end points lie outside the support), at the support's start.
    const int extra_len = c.spec.length - measured;
    const bool at_support = c.offset == fit.support_begin && extra_len >= 0 && extra_len <= 2;
    const auto support_kind = std::make_tuple(c.spec.family, kind.second, extra_len);
    const bool support_first = at_support && std::find(refined_support.begin(), refined_support.end(), support_kind) == refined_support.end();
    if (support_first) refined_support.push_back(support_kind);
    if (refined[kind] >= 2 && !support_first) continue;
    if (options.detrended) {
      // Golden-section search on the detrended score around the grid's best value.
      ++refined[kind];
      const ParamRange range = RangeFor(c.spec.family, c.spec.length);
      double lo = range.lo, hi = range.hi;
      for (size_t i = 0; i + 1 < range.grid.size(); ++i)
        if (std::abs(range.grid[i] - c.spec.param) < 1e-12) {
          lo = i > 0 ? range.grid[i - 1] : range.lo;
          hi = range.grid[i + 1];
        }
      auto score = [&](double p) {
        WindowSpec sp = c.spec;
        sp.param = p;
        return DetrendedWindowInconsistency(pairs, hop, PlaceWindow(MakeWindow(sp), n, c.offset));
      };
      const double gr = 0.6180339887498949;
      double x1 = hi - gr * (hi - lo), x2 = lo + gr * (hi - lo), f1 = score(x1), f2 = score(x2);
      for (int it = 0; it < 40; ++it) {
        if (f1 < f2) { hi = x2; x2 = x1; f2 = f1; x1 = hi - gr * (hi - lo); f1 = score(x1); }
        else { lo = x1; x1 = x2; f1 = f2; x2 = lo + gr * (hi - lo); f2 = score(x2); }
      }
      WindowCandidate r = c;
      r.spec.param = f1 < f2 ? x1 : x2;
      r.inconsistency = std::min(f1, f2);
      r.digits = Digits(r.inconsistency);
      if (r.inconsistency < c.inconsistency) extra.push_back(r);
      continue;
    }
    ++refined[kind];
    const ParamRange range = RangeFor(c.spec.family, c.spec.length);
    WindowSpec spec = c.spec;
    const int off = c.offset;
    const double lo = range.lo, hi = range.hi;
    auto make = [spec, off, n, lo, hi](double p) mutable {
      // Numeric differentiation may step just outside the bounds.
      spec.param = std::min(hi, std::max(lo, p));
      return PlaceWindow(MakeWindow(spec), n, off);
    };
    const ParamFitResult pf = FitWindowParam(stats, make, c.spec.param, range.lo, range.hi);
    WindowCandidate r = c;
    r.spec.param = pf.param;
    r.inconsistency = pf.inconsistency;
    r.digits = Digits(pf.inconsistency);
    if (r.inconsistency < c.inconsistency) {
      extra.push_back(r);
      if (fit.param_fit.iterations == 0 || pf.inconsistency < fit.param_fit.inconsistency) fit.param_fit = pf;
    }
  }
  all.insert(all.end(), extra.begin(), extra.end());
  std::sort(all.begin(), all.end(),
            [](const WindowCandidate& a, const WindowCandidate& b) { return a.inconsistency < b.inconsistency; });

  // Tie group: candidates within a factor of the best (the data's noise floor).
  const double best_r = all.front().inconsistency;
  const double tie_limit = 4.0 * best_r + 1e-15;
  std::vector<WindowCandidate> ties;
  for (const WindowCandidate& c : all)
    if (c.inconsistency <= tie_limit) ties.push_back(c);
  std::stable_sort(ties.begin(), ties.end(), [n](const WindowCandidate& a, const WindowCandidate& b) {
    return PriorKey(a, n) < PriorKey(b, n);
  });
  fit.best = ties.front();
  for (const WindowCandidate& c : ties)
    if (&c != &ties.front() && SamePlacedWindow(c, fit.best, n)) fit.tied.push_back(c);
  // Runner-up: the best candidate that is a different window (another family or shape).
  for (const WindowCandidate& c : all) {
    if (c.spec.family == fit.best.spec.family || SamePlacedWindow(c, fit.best, n)) continue;
    fit.runner_up = c;
    break;
  }
  for (const WindowCandidate& c : all) {
    if (c.spec.length == fit.best.spec.length) continue;
    bool tied = false;
    for (const WindowCandidate& t : fit.tied) tied = tied || (t.spec.length == c.spec.length && t.offset == c.offset);
    if (tied) continue;
    fit.length_runner_up = c;
    break;
  }
  for (size_t i = 0; i < all.size() && fit.ranked.size() < 12; ++i) {
    bool dup = false;
    for (const WindowCandidate& r : fit.ranked) dup = dup || r.spec.family == all[i].spec.family;
    if (!dup) fit.ranked.push_back(all[i]);
  }
  return fit;
}

}  // namespace specrecon

namespace specrecon {

WindowFit FitWindowToEnvelope(const FramePairs& pairs, const WindowFitOptions& options) {
  WindowFit fit;
  const int n = pairs.n_fft;
  std::vector<double> env(n, 0.0);
  for (size_t p = 0; p < pairs.a.size(); ++p)
    for (int i = 0; i < n; ++i) env[i] += pairs.a[p][i] * pairs.a[p][i] + pairs.b[p][i] * pairs.b[p][i];
  for (double& v : env) v = std::sqrt(v);
  MeasureSupport(pairs, 1e-10, &fit.support_begin, &fit.support_end);
  if (fit.support_begin <= 4) fit.support_begin = 0;
  if (fit.support_end >= n - 4) fit.support_end = n;
  std::vector<WindowFamily> families = AllWindowFamilies();
  if (options.family_given) families = {options.given.family};
  std::vector<WindowCandidate> all;
  for (int off = std::max(0, fit.support_begin - 2); off <= fit.support_begin; ++off)
    for (int end = fit.support_end; end <= std::min(n, fit.support_end + 2); ++end)
      for (WindowFamily f : families)
        for (int variant = 0; variant < 3; ++variant) {
          WindowCandidate c;
          c.spec.family = f;
          c.spec.length = end - off;
          c.spec.symmetric = variant >= 1;
          c.spec.open_ends = variant == 2;
          c.offset = off;
          if (c.spec.length < 2) continue;
          std::vector<double> params = {0.0};
          if (WindowFamilyHasParam(f)) {
            params.clear();
            if (f == WindowFamily::kKaiser) for (double b = 0.5; b <= 20; b += 0.5) params.push_back(b);
            else if (f == WindowFamily::kGaussian) for (double q = 0.05; q <= 0.6; q += 0.01) params.push_back(q * c.spec.length);
            else for (double a = 0.05; a < 1.0; a += 0.05) params.push_back(a);
          }
          for (double prm : params) {
            c.spec.param = prm;
            const std::vector<double> w = PlaceWindow(MakeWindow(c.spec), n, c.offset);
            // Misfit of env against g*w with the best gain g.
            double ew = 0.0, ww = 0.0, ee = 0.0;
            for (int i = 0; i < n; ++i) {
              ew += env[i] * w[i];
              ww += w[i] * w[i];
              ee += env[i] * env[i];
            }
            if (!(ww > 0.0) || !(ee > 0.0)) continue;
            c.inconsistency = std::max(0.0, 1.0 - ew * ew / (ww * ee));
            c.digits = Digits(c.inconsistency);
            all.push_back(c);
          }
        }
  if (all.empty()) return fit;
  std::sort(all.begin(), all.end(), [](const WindowCandidate& a, const WindowCandidate& b) { return a.inconsistency < b.inconsistency; });
  fit.best = all.front();
  for (const WindowCandidate& c : all)
    if (c.spec.family != fit.best.spec.family) {
      fit.runner_up = c;
      break;
    }
  for (size_t i = 0; i < all.size() && fit.ranked.size() < 8; ++i) {
    bool dup = false;
    for (const WindowCandidate& r : fit.ranked) dup = dup || r.spec.family == all[i].spec.family;
    if (!dup) fit.ranked.push_back(all[i]);
  }
  return fit;
}

}  // namespace specrecon
