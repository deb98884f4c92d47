#include "inference/hypotheses.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "inference/detrend.h"
#include "inference/roles.h"

namespace specrecon {
namespace {
constexpr double kPi = 3.14159265358979323846;

struct Units {
  const char* name;
  double scale;      // radians per unit
  double half_turn;  // in units
  bool codes;        // integer codes
};

const Units kUnits[] = {
    {"radians", 1.0, kPi, false},
    {"degrees", kPi / 180.0, 180.0, false},
    {"cycles", 2 * kPi, 0.5, false},
    {"int16_codes", kPi / 32767.0, 32767.0, true},
    {"int16_codes", kPi / 32768.0, 32768.0, true},
};

bool AllIntegers(const std::vector<double>& v) {
  const size_t step = std::max<size_t>(1, v.size() / 100000);
  for (size_t i = 0; i < v.size(); i += step)
    if (!std::isfinite(v[i]) || v[i] != std::floor(v[i])) return false;
  return true;
}

}  // namespace

// Geometries a layout allows: one-sided even / odd / dropped Nyquist, or two-sided.
std::vector<Geometry> GeometriesFor(const LayoutHypothesis& l, const SearchHints& hints) {
  std::vector<Geometry> out;
  const int k = static_cast<int>(l.bins);
  auto add = [&](int n, bool dropped, bool two_sided) {
    if (n < 2 || n > (1 << 20)) return;
    if (hints.n_fft && *hints.n_fft != n) return;
    Geometry g;
    g.layout = l;
    g.n_fft = n;
    g.nyquist_dropped = dropped;
    g.two_sided = two_sided;
    g.fftshift = two_sided && l.fftshift;
    out.push_back(g);
  };
  if (l.two_sided) {
    add(k, false, true);
  } else if (l.nyquist_tested == 0 && !l.zero_column) {
    // No cell of the last bin is above the magnitude floor (int16 codes of speech at 16 kHz
    // quantise it to 0), so its phase says nothing: all three sizes are tried (once read as odd,
    // n_fft 513 for 512, and then 21073).
    add(2 * (k - 1), false, false);
    add(2 * k - 1, false, false);
    add(2 * k, true, false);
  } else if (l.nyquist_zero_fraction >= 0.9) {
    add(2 * (k - 1), false, false);
  } else {
    add(2 * k - 1, false, false);
    add(2 * k, true, false);
  }
  return out;
}

std::string Hypothesis::Describe() const {
  char buf[320];
  std::snprintf(buf, sizeof buf, "%s magnitude, %s %zux%zu, n_fft %d%s%s%s, %s, hop %d: %.2f digits (best %.2f, median %.2f)",
                scale.c_str(), LayoutName(geometry.layout.layout), geometry.layout.frames,
                geometry.layout.bins, geometry.n_fft, geometry.nyquist_dropped ? " (Nyquist dropped)" : "",
                geometry.detrended ? " detrended" : "",
                geometry.two_sided ? (geometry.fftshift ? " two-sided fftshifted" : " two-sided") : "",
                geometry.PhaseReferenceName(), scan.best, digits, scan.best_digits, scan.median_digits);
  return buf;
}

std::vector<double> WrappedPhase(const std::vector<double>& values, double scale) {
  std::vector<double> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    double x = values[i] * scale;
    if (x > kPi || x < -kPi) {
      x = std::fmod(x + kPi, 2 * kPi);
      if (x < 0) x += 2 * kPi;
      x -= kPi;
    }
    out[i] = x;
  }
  return out;
}

std::vector<PhaseReading> FindPhaseReadings(const std::vector<double>& a0, const std::vector<double>& a1,
                                            std::optional<int> forced_magnitude,
                                            std::optional<int> forced_phase,
                                            const std::optional<std::string>& units_hint,
                                            InferenceLog* log) {
  std::vector<PhaseReading> out;
  for (int phase_index : {1, 0}) {
    if (forced_phase && *forced_phase != phase_index) continue;
    if (forced_magnitude && *forced_magnitude == phase_index) continue;
    const std::vector<double>& ph = phase_index == 1 ? a1 : a0;
    const std::vector<double>& mag = phase_index == 1 ? a0 : a1;
    const ValueStats st = ComputeStats(ph);
    if (st.finite < st.count) continue;  // a phase has no NaN
    const bool integers = AllIntegers(ph);
    const PhaseLikeness like = ScorePhase(ph);
    for (const Units& u : kUnits) {
      if (u.codes && (!integers || std::max(std::abs(st.min), std::abs(st.max)) > u.half_turn)) continue;
      std::string name = u.name;
      if (units_hint) {
        std::string base = *units_hint;
        if (base == "radians_0_2pi") base = "radians";
        if (base.rfind("unwrapped", 0) == 0) base = "radians";
        if (base != name) continue;
      }
      PhaseReading r;
      r.magnitude_index = 1 - phase_index;
      r.phase_index = phase_index;
      r.scale = u.scale;
      r.units = name;
      const double lo = st.min / u.half_turn, hi = st.max / u.half_turn;  // in half turns
      if (!u.codes) {
        if (lo >= -1.0 - 1e-5 && hi <= 1.0 + 1e-5) r.units = name;
        else if (lo >= -1e-5 && hi <= 2.0 + 1e-5) r.units = name == "radians" ? "radians_0_2pi" : name + "_0_360";
        else r.unwrapped = true;
        if (name == "degrees" && r.units == "degrees_0_360") r.units = "degrees";
        if (name == "cycles" && r.units == "cycles_0_360") r.units = "cycles";
      }
      const std::vector<double> wrapped = WrappedPhase(ph, u.scale);
      r.tolerance = ZeroPhaseTolerance(wrapped);
      r.layouts = FindLayouts(wrapped, mag, r.tolerance);
      if (r.layouts.empty()) continue;
      r.score = r.layouts.front().score;
      r.range_score = like.units == name || (like.units == "radians_0_2pi" && name == "radians") ||
                              (like.units == "degrees_0_360" && name == "degrees")
                          ? like.score
                          : 0.0;
      if (log)
        log->Addf("phase reading: array %d as phase in %s%s: DC zero-phase %.3f, range fit %.3f, %zu layouts",
                  phase_index, r.units.c_str(), r.unwrapped ? " (unwrapped)" : "", r.score, r.range_score,
                  r.layouts.size());
      out.push_back(std::move(r));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const PhaseReading& a, const PhaseReading& b) {
    if (std::abs(a.score - b.score) > 0.005) return a.score > b.score;
    if (a.unwrapped != b.unwrapped) return !a.unwrapped;  // wrapped data fitting a range is stronger
    return a.range_score > b.range_score;
  });
  return out;
}

std::vector<Hypothesis> SearchHypotheses(const std::vector<double>& magnitude,
                                         const std::vector<double>& phase,
                                         const std::vector<LayoutHypothesis>& layouts,
                                         const std::vector<std::string>& scales,
                                         const SearchHints& hints,
                                         std::map<std::string, std::vector<double>>* linear_by_scale,
                                         InferenceLog* log) {
  auto linear = [&](const std::string& scale) -> const std::vector<double>& {
    auto it = linear_by_scale->find(scale);
    if (it == linear_by_scale->end())
      it = linear_by_scale->emplace(scale, MagnitudeToLinear(magnitude, scale)).first;
    return it->second;
  };
  // refs: bit r set = try reference r (0 frame start, 1 frame centre, 2/3 absolute time +-).
  auto screen = [&](const std::string& scale, const Geometry& g0, int max_pairs, int positions, int only_ref = -1,
                    int refs = 15) {
    std::vector<Hypothesis> out;
    // Frame-start and frame-centre references rotate frames by a constant; absolute time
    // rotates by m*hop, tested inside the hop scan (the slow path: only when the frame-start
    // reference is not already convincing).
    for (int ref = 0; ref < 4; ++ref) {
      if (!(refs & (1 << ref))) continue;
      if (only_ref >= 0 && ref != only_ref) continue;
      Geometry g = g0;
      g.ref_const = ref == 1 ? g.n_fft / 2 : 0;
      const int abs_sign = ref == 2 ? 1 : ref == 3 ? -1 : 0;
      const FramePairs pairs = SampleFramePairs(linear(scale), phase, g, max_pairs, true);
      if (pairs.a.size() < 2) continue;
      Hypothesis h;
      h.scale = scale;
      h.geometry = g;
      h.geometry.ref_sign = abs_sign;
      // The whole scan even when the hop is given: its median is what a wrong hop scores.
      h.scan = ScanHops(pairs, g.n_fft - 1, positions, abs_sign);
      if (hints.hop) {
        h.scan.best = *hints.hop;
        h.scan.best_digits = Digits(HopInconsistency(pairs, *hints.hop, positions, abs_sign));
      }
      h.digits = h.scan.margin();
      h.geometry.hop = h.scan.best;
      out.push_back(h);
    }
    return out;
  };

  std::vector<Hypothesis> screened;
  // Stage A: geometry and reference under the first (most plausible) scale.
  const std::string first_scale = scales.front();
  for (const LayoutHypothesis& l : layouts)
    for (const Geometry& g : GeometriesFor(l, hints))
      for (Hypothesis& h : screen(first_scale, g, 12, 64, -1, 3)) screened.push_back(h);
  // Absolute-time references (a slower scan) only when neither frame-start nor frame-centre fits.
  double best_a = -1.0;
  for (const Hypothesis& h : screened) best_a = std::max(best_a, h.digits);
  if (best_a < 8.0)
    for (const LayoutHypothesis& l : layouts)
      for (const Geometry& g : GeometriesFor(l, hints))
        for (Hypothesis& h : screen(first_scale, g, 12, 64, -1, 12)) screened.push_back(h);
  auto by_digits = [](const Hypothesis& a, const Hypothesis& b) { return a.digits > b.digits; };
  std::stable_sort(screened.begin(), screened.end(), by_digits);
  // Stage B: other scales on the best geometries of stage A; if stage A found nothing
  // convincing, on every geometry.
  const bool convincing = !screened.empty() && screened.front().digits >= 6.0;
  // Geometries for the other scales, each with the phase reference its best screening chose
  // when stage A was convincing (-1: every reference).
  std::vector<std::pair<Geometry, int>> geoms;
  auto ref_of = [](const Geometry& g) { return g.ref_sign == 1 ? 2 : g.ref_sign == -1 ? 3 : g.ref_const != 0 ? 1 : 0; };
  if (convincing) {
    auto add = [&](const Geometry& g0, bool every_ref = false) {
      Geometry g = g0;
      g.ref_sign = 0;
      g.ref_const = 0;
      for (const auto& e : geoms)
        if (e.first.n_fft == g.n_fft && e.first.layout.bins == g.layout.bins && e.first.layout.layout == g.layout.layout)
          return;
      geoms.push_back({g, every_ref ? -1 : ref_of(g0)});
    };
    for (size_t i = 0; i < screened.size() && geoms.size() < 2; ++i) add(screened[i].geometry);
    // And the best geometry of every layout with more frames than those: under a wrong first
    // scale a layout of 3 frames (2 pairs, a chance margin of 8 digits) once took both places,
    // and the power reading of the true 1707 x 257 layout (torch, frames x bins) was never tried.
    // (Layouts with fewer frames hold less evidence; trying them all let a 7-frame layout win by
    // chance under another scale.)
    size_t most_frames = 0;
    for (const auto& e : geoms) most_frames = std::max(most_frames, e.first.layout.frames);
    for (size_t li = 0; li < layouts.size(); ++li) {
      const LayoutHypothesis& l = layouts[li];
      // And the layout the phase's evidence ranks first (DC and Nyquist zero phase, Hermitian
      // symmetry), whatever its frame count: a two-sided scipy dump of power (Kaiser 12, 217
      // frames x 512 bins) was never read as power, a chance 6-digit screening of 434 x 256
      // under the linear reading having taken both places.
      // (Under each phase reference: the wrong scale's choice of reference is noise.)
      if (l.frames <= most_frames && li != 0) continue;
      for (const Hypothesis& h : screened)
        if (h.geometry.layout.bins == l.bins && h.geometry.layout.layout == l.layout) {
          add(h.geometry, li == 0);
          break;
        }
    }
  } else {
    for (const LayoutHypothesis& l : layouts)
      for (const Geometry& g : GeometriesFor(l, hints)) geoms.push_back({g, -1});
  }
  for (size_t s = 1; s < scales.size(); ++s)
    for (const auto& [g, ref] : geoms)
      for (Hypothesis& h : screen(scales[s], g, 12, 64, ref)) screened.push_back(h);
  std::stable_sort(screened.begin(), screened.end(), by_digits);

  // Confirmation on more frame pairs and positions, best screened first, until the best
  // confirmed score beats every unconfirmed screening score (at most 8 confirmations).
  auto confirm = [&](Hypothesis& h) {
    const Geometry g = h.geometry;
    // Absolute-time frames are read at rotated positions by the hop test itself.
    const FramePairs pairs = SampleFramePairs(linear(h.scale), phase, g, 48, g.ref_sign == 0);
    h.scan = ScanHops(pairs, g.n_fft - 1, 256, g.ref_sign);
    if (hints.hop) {
      h.scan.best = *hints.hop;
      h.scan.best_digits = Digits(HopInconsistency(pairs, *hints.hop, 256, g.ref_sign));
    }
    h.digits = h.scan.margin();
    h.geometry.hop = h.scan.best;
  };
  std::vector<Hypothesis> ranked;
  size_t next = 0;
  double best_confirmed = -1.0;
  while (next < screened.size() && ranked.size() < 8 &&
         (ranked.size() < 2 || screened[next].digits > best_confirmed)) {
    Hypothesis h = screened[next++];
    confirm(h);
    best_confirmed = std::max(best_confirmed, h.digits);
    if (log) log->Add("hypothesis: " + h.Describe());
    ranked.push_back(h);
  }
  std::stable_sort(ranked.begin(), ranked.end(), by_digits);
  const size_t confirmed = ranked.size();
  for (; next < screened.size(); ++next) {
    if (log) log->Add("screened: " + screened[next].Describe());
    ranked.push_back(screened[next]);
  }
  // Nothing consistent: try detrended frames (each segment's mean removed before windowing,
  // scipy.signal.spectrogram's default), frame-start reference, on the best layouts.
  if (ranked.empty() || ranked.front().digits < 3.0) {
    std::vector<Hypothesis> detrended;
    for (size_t li = 0; li < layouts.size() && li < 3; ++li)
      for (const Geometry& g0 : GeometriesFor(layouts[li], hints))
        for (size_t si = 0; si < scales.size() && si < 3; ++si) {
          Geometry g = g0;
          g.detrended = true;
          const FramePairs pairs = SampleFramePairs(linear(scales[si]), phase, g, 16, true);
          if (pairs.a.size() < 3) continue;
          Hypothesis h;
          h.scale = scales[si];
          h.geometry = g;
          h.scan = ScanDetrendedHops(pairs, g.n_fft - 1, 32);
          if (hints.hop) {
            h.scan.best = *hints.hop;
            h.scan.best_digits = Digits(DetrendedHopInconsistency(pairs, *hints.hop, 64));
          }
          h.digits = h.scan.margin();
          h.geometry.hop = h.scan.best;
          detrended.push_back(h);
        }
    std::stable_sort(detrended.begin(), detrended.end(), by_digits);
    for (size_t i = 0; i < detrended.size(); ++i) {
      Hypothesis h = detrended[i];
      if (i < 3) {
        const FramePairs pairs = SampleFramePairs(linear(h.scale), phase, h.geometry, 48, true);
        h.scan = ScanDetrendedHops(pairs, h.geometry.n_fft - 1, 64);
        if (hints.hop) {
          h.scan.best = *hints.hop;
          h.scan.best_digits = Digits(DetrendedHopInconsistency(pairs, *hints.hop, 64));
        }
        h.digits = h.scan.margin();
        h.geometry.hop = h.scan.best;
      }
      if (log) log->Add("detrended hypothesis: " + h.Describe());
      detrended[i] = h;
    }
    std::stable_sort(detrended.begin(), detrended.begin() + std::min<size_t>(3, detrended.size()), by_digits);
    if (!detrended.empty() && (ranked.empty() || detrended.front().digits > ranked.front().digits)) {
      ranked.insert(ranked.begin(), detrended.begin(), detrended.end());
      return ranked;
    }
  }

  // Among the confirmed, close scores are a tie (a constant rotation only moves the
  // wrap-around point); prefer the plainer phase reference.
  auto ref_rank = [](const Geometry& g) { return g.ref_sign != 0 ? 2 : g.ref_const != 0 ? 1 : 0; };
  // Scales are listed in order of prior plausibility; a tie goes to the earlier one.
  auto scale_rank = [&](const std::string& sc) {
    return static_cast<int>(std::find(scales.begin(), scales.end(), sc) - scales.begin());
  };
  std::stable_sort(ranked.begin(), ranked.begin() + confirmed,
                   [&](const Hypothesis& a, const Hypothesis& b) {
                     // Near the precision floor digits differ by noise: a tie is within a
                     // quarter of the larger score (or one digit).
                     const double hi = std::max(a.digits, b.digits);
                     if (std::abs(a.digits - b.digits) > std::max(1.0, 0.25 * hi)) return a.digits > b.digits;
                     if (ref_rank(a.geometry) != ref_rank(b.geometry)) return ref_rank(a.geometry) < ref_rank(b.geometry);
                     if (a.scale != b.scale) return scale_rank(a.scale) < scale_rank(b.scale);
                     return a.digits > b.digits;
                   });
  return ranked;
}

}  // namespace specrecon
