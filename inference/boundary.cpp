#include "inference/boundary.h"

#include <algorithm>
#include <cmath>

namespace specrecon {
namespace {

// Relative mismatch of a mirror image about sample p, z[p-i] against z[p+i] for i = 1..n, over
// the samples begin..end-1 that v holds; pairs with an exact zero are skipped (samples no window
// covers, as at the ends of a padded signal whose window is shorter than the frame).
double ReflectMismatch(const SignalView& v, long p, long n) {
  double num = 0.0, den = 0.0;
  for (long i = 1; i <= n; ++i) {
    if (p - i < v.begin || p + i >= v.end) break;
    const double a = v[p - i], b = v[p + i];
    if (a == 0.0 || b == 0.0) continue;
    num += (a - b) * (a - b);
    den += a * a + b * b;
  }
  return den > 0.0 ? num / den : 1.0;
}

}  // namespace

BoundaryResult InferBoundary(const std::vector<double>& z, const std::vector<double>& coverage,
                             int n_fft, int hop, const std::vector<int>& win_lengths, int frames,
                             double data_digits, InferenceLog* log) {
  BoundaryResult r;
  int win_length = win_lengths.front();
  r.win_length_used = win_length;
  // Energies weighted by the window coverage: where only a taper covers a sample, the inverse
  // divides rounding noise by a tiny number, and those samples must not decide.
  auto weighted = [&](size_t b, size_t e) {
    double s = 0.0;
    for (size_t i = b; i < e && i < z.size(); ++i) s += z[i] * z[i] * coverage[i];
    return s;
  };
  double cov_total = 0.0;
  for (double c : coverage) cov_total += c;
  const double mean_energy = cov_total > 0 ? weighted(0, z.size()) / cov_total : 0.0;
  std::vector<int> pads = {n_fft / 2};
  for (int l : win_lengths) pads.push_back(l / 2);
  std::sort(pads.begin(), pads.end());
  pads.erase(std::unique(pads.begin(), pads.end()), pads.end());

  struct Option {
    int pad;
    std::string mode;
    double digits;
  };
  std::vector<Option> options;
  for (int p : pads) {
    if (p <= 0 || static_cast<size_t>(2 * p + 1) > z.size()) continue;
    // constant: the pad region is silent relative to the signal.
    double cov_head = 0.0;
    for (int i = 0; i < p; ++i) cov_head += coverage[i];
    // A head no window covers is zero in the inverse whatever the producer padded with (torch
    // centres a win_length < n_fft window in its frame, so the first (n_fft - win_length) / 2
    // samples of the padded signal are under no window): that is no evidence of zeros.
    const double head = cov_head > 0 ? weighted(0, p) / cov_head : mean_energy;
    options.push_back({p, "constant", Digits(mean_energy > 0 ? head / mean_energy : 1.0)});
    options.push_back({p, "reflect", Digits(ReflectMismatch(SignalView{z.data(), 0, static_cast<long>(z.size())}, p, p))});
    double edge_num = 0.0, edge_den = 0.0;
    for (int i = 0; i < p; ++i) {
      if (z[i] == 0.0) continue;
      edge_num += (z[i] - z[p]) * (z[i] - z[p]);
      edge_den += z[i] * z[i] + z[p] * z[p];
    }
    options.push_back({p, "edge", Digits(edge_den > 0 ? edge_num / edge_den : 1.0)});
  }
  for (const Option& o : options)
    if (log) log->Addf("boundary: pad %d %s: %.2f digits", o.pad, o.mode.c_str(), o.digits);
  std::stable_sort(options.begin(), options.end(), [&](const Option& a, const Option& b) {
    if (std::abs(a.digits - b.digits) > 0.5) return a.digits > b.digits;
    // A silent head fits every mode; prefer the specific evidence of a mirror, then zeros,
    // then the pad the inferred window length implies (scipy) or n_fft/2 (torch, librosa).
    auto rank = [](const std::string& m) { return m == "reflect" ? 0 : m == "constant" ? 1 : 2; };
    if (a.mode != b.mode) return rank(a.mode) < rank(b.mode);
    auto conventional = [&](int pad) { return pad == win_lengths.front() / 2 || pad == n_fft / 2; };
    if (conventional(a.pad) != conventional(b.pad)) return conventional(a.pad);
    return a.pad > b.pad;
  });
  // Digits of agreement required: 5, or a little under the data's own precision.
  const double accept = std::max(2.0, std::min(5.0, 0.6 * data_digits));
  r.center_evidence.metric = "digits of agreement of the head with the padding mode";
  if (!options.empty() && options.front().digits >= accept) {
    r.center = true;
    r.pad = options.front().pad;
    if (r.pad != win_length / 2 && r.pad != n_fft / 2)
      for (int l : win_lengths)
        if (l / 2 == r.pad) {
          win_length = l;
          r.win_length_used = l;
          break;
        }
    r.pad_mode = options.front().mode;
    r.center_evidence.value = {{"center", true}, {"pad", r.pad}, {"pad_mode", r.pad_mode}};
    r.center_evidence.score = options.front().digits;
    if (options.size() > 1) {
      r.center_evidence.has_runner_up = true;
      r.center_evidence.runner_up_value = {{"pad", options[1].pad}, {"pad_mode", options[1].mode}};
      r.center_evidence.runner_up_score = options[1].digits;
      if (options[1].digits >= accept)
        r.center_evidence.note = "the head is silent, so several pads or modes fit; took " +
                                 std::to_string(r.pad) + " " + r.pad_mode + " (the conventional one)";
    }
  } else {
    r.center_evidence.value = {{"center", false}, {"pad", 0}, {"pad_mode", "none"}};
    r.center_evidence.score = accept;
    if (!options.empty()) {
      r.center_evidence.has_runner_up = true;
      r.center_evidence.runner_up_value = {{"pad", options.front().pad},
                                           {"pad_mode", options.front().mode}};
      r.center_evidence.runner_up_score = options.front().digits;
    }
    r.center_evidence.note = "no padding mode fits the head above " + std::to_string(accept).substr(0, 4) +
                             " digits: frames start at sample 0";
  }

  // Length.
  TailView tail;
  tail.z = SignalView{z.data(), 0, static_cast<long>(z.size())};
  tail.coverage = SignalView{coverage.data(), 0, static_cast<long>(coverage.size())};
  for (double v : z) tail.peak = std::max(tail.peak, std::abs(v));
  for (long i = 0; i < r.pad && i < tail.z.end; ++i) tail.head_peak = std::max(tail.head_peak, std::abs(z[i]));
  for (double c : coverage) tail.coverage_max = std::max(tail.coverage_max, c);
  InferLength(tail, n_fft, hop, win_length, frames, &r);
  return r;
}

void InferLength(const TailView& tail, int n_fft, int hop, int win_length, int frames, BoundaryResult* out) {
  BoundaryResult* r = out;
  const long zlen = tail.z.end;
  const long p = r->pad;
  r->length_evidence.metric = "digits";
  if (!r->center) {
    r->length = static_cast<size_t>(zlen);
    r->length_min = r->length;
    r->length_max = r->length + hop - 1;
    r->length_evidence.value = r->length;
    r->length_evidence.score = 0.0;
    r->length_evidence.note = "samples after the last frame are not in the dump: the original may be up to " +
                              std::to_string(hop - 1) + " samples longer";
    return;
  }
  // Frame counts allow: torch/librosa style  F = 1 + (T + 2p - n_fft) / hop, and scipy style
  // (padded to whole frames) T + 2p in ((F-2) hop + L, (F-1) hop + L].
  const long f = frames;
  long lo_t = (f - 1) * hop + n_fft - 2 * p;
  long hi_t = f * hop + n_fft - 2 * p - 1;
  const long lo_s = (f - 2) * hop + win_length - 2 * p + 1;
  const long hi_s = (f - 1) * hop + win_length - 2 * p;
  lo_t = std::max(1L, std::min(lo_t, lo_s));
  hi_t = std::min(zlen - p, std::max(hi_t, hi_s));
  if (hi_t < lo_t) hi_t = lo_t;
  r->length_min = static_cast<size_t>(lo_t);
  r->length_max = static_cast<size_t>(hi_t);
  if (r->pad_mode == "reflect") {
    long best_t = lo_t;
    double best = 2.0, second = 2.0;
    for (long t = lo_t; t <= hi_t; ++t) {
      const double mm = ReflectMismatch(tail.z, p + t - 1, p);
      if (mm < best) {
        second = best;
        best = mm;
        best_t = t;
      } else if (mm < second) {
        second = mm;
      }
    }
    r->length = static_cast<size_t>(best_t);
    r->length_evidence.value = r->length;
    r->length_evidence.score = Digits(best);
    r->length_evidence.has_runner_up = hi_t > lo_t;
    r->length_evidence.runner_up_score = Digits(second);
    r->length_evidence.metric = "digits of mirror symmetry about the last sample";
    return;
  }
  // Zero (or edge) padding at the end: the last sample above the noise floor ends the signal.
  const double floor = std::max(1e-6 * tail.peak, 10.0 * tail.head_peak);
  long last = -1;
  for (long i = zlen - 1; i >= tail.z.begin; --i)
    if (tail.coverage[i] >= 1e-3 * tail.coverage_max && std::abs(tail.z[i]) > floor) {
      last = i;
      break;
    }
  long t = last + 1 - p;
  const bool silent_tail = t < lo_t;
  t = std::max(lo_t, std::min(hi_t, t));
  r->length = static_cast<size_t>(t);
  r->length_evidence.value = r->length;
  r->length_evidence.score = silent_tail ? 0.0 : 1.0;
  r->length_evidence.metric = "1 if the last non-silent sample fixes the length, 0 if the tail is silent";
  if (silent_tail || hi_t > lo_t)
    r->length_evidence.note = "the frame count allows " + std::to_string(lo_t) + ".." +
                              std::to_string(hi_t) + " samples" +
                              (silent_tail ? "; the tail is silent, took the shortest" : "");
}

}  // namespace specrecon
