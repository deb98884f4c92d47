#include "inference/roles.h"

#include <algorithm>
#include <cmath>

namespace specrecon {
namespace {
constexpr double kPi = 3.14159265358979323846;

// Fraction of values that are exactly a multiple of `half_turn` (0 or +-half_turn), as the DC
// and Nyquist phases of a real signal are.
double ZeroPhaseFraction(const std::vector<double>& v, double half_turn) {
  if (v.empty()) return 0.0;
  const size_t step = std::max<size_t>(1, v.size() / 200000);
  size_t hits = 0, total = 0;
  for (size_t i = 0; i < v.size(); i += step) {
    ++total;
    const double a = std::abs(v[i]);
    if (a <= half_turn * 1e-6 || std::abs(a - half_turn) <= half_turn * 1e-6 ||
        std::abs(a - 2 * half_turn) <= half_turn * 1e-6)
      ++hits;
  }
  return static_cast<double>(hits) / total;
}
}  // namespace

PhaseLikeness ScorePhase(const std::vector<double>& values) {
  PhaseLikeness p;
  const ValueStats s = ComputeStats(values);
  if (s.finite == 0 || s.finite < s.count) return p;
  struct Range {
    const char* units;
    double lo, hi, half_turn;
  };
  const double eps = 1e-5;
  const Range ranges[] = {
      {"cycles", -0.5, 0.5, 0.5},
      {"radians", -kPi, kPi, kPi},
      {"radians_0_2pi", 0.0, 2 * kPi, kPi},
      {"degrees", -180.0, 180.0, 180.0},
      {"degrees_0_360", 0.0, 360.0, 180.0},
  };
  for (const Range& r : ranges) {
    if (s.min < r.lo - eps * r.half_turn || s.max > r.hi + eps * r.half_turn) continue;
    // The range must be used: a phase spreads over most of its interval.
    const double spread = (s.max - s.min) / (r.hi - r.lo);
    if (spread < 0.5) continue;
    const double zero_frac = ZeroPhaseFraction(values, r.half_turn);
    // Phases fill their range roughly uniformly: rms about (hi-lo)/sqrt(12) around the middle.
    const double mid = 0.5 * (r.lo + r.hi);
    const double expected_rms = (r.hi - r.lo) / std::sqrt(12.0);
    const double centred_rms = std::sqrt(std::max(0.0, s.rms * s.rms - 2 * s.mean * mid + mid * mid));
    const double uniformity = std::exp(-std::abs(std::log(std::max(1e-12, centred_rms / expected_rms))) * 3);
    const double score = spread * uniformity * (zero_frac > 0.0 ? 1.0 : 0.7);
    if (score > p.score) {
      p.score = score;
      p.units = r.units;
    }
  }
  return p;
}

RoleAssignment AssignRoles(const std::vector<NdArray>& arrays, std::optional<int> forced_magnitude,
                           std::optional<int> forced_phase) {
  RoleAssignment r;
  const PhaseLikeness p0 = ScorePhase(arrays[0].values);
  const PhaseLikeness p1 = ScorePhase(arrays[1].values);
  if (forced_magnitude) {
    r.magnitude = *forced_magnitude;
    r.phase = 1 - r.magnitude;
  } else if (forced_phase) {
    r.phase = *forced_phase;
    r.magnitude = 1 - r.phase;
  } else if (p0.score > p1.score) {
    r.magnitude = 1;
    r.phase = 0;
  } else {
    r.magnitude = 0;
    r.phase = 1;
  }
  const PhaseLikeness& ph = r.phase == 0 ? p0 : p1;
  const PhaseLikeness& mg = r.phase == 0 ? p1 : p0;
  r.score = ph.score - mg.score;
  r.phase_units = ph.units.empty() ? "radians" : ph.units;
  return r;
}

std::vector<double> PhaseToRadians(const std::vector<double>& values, const std::string& units) {
  double scale = 1.0;
  if (units == "degrees" || units == "degrees_0_360") scale = kPi / 180.0;
  else if (units == "cycles") scale = 2 * kPi;
  std::vector<double> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) out[i] = values[i] * scale;
  return out;
}

constexpr double kLog1pMax = 345.0;  // expm1(345) = 1.2e149

std::vector<std::string> MagnitudeScaleCandidates(const ValueStats& stats) {
  // In order of prior plausibility. Non-negative data are most often linear or power (or
  // log1p, which is never negative); logarithmic values are mostly negative (relative to a
  // maximum or to full scale) but may all be positive (dB re a small reference).
  // log1p is left out where it maps the largest value beyond 1e150 (above 345): no magnitude
  // spans that, and the squares overflow (the log1p reading of a torch power dump whose largest
  // value was 692 won the magnitude-only patch ratio with infinities; int16 codes of |X| up to
  // 32767 read as log1p turned every loud cell to 0 in the phase path).
  // ln_power and log10_power are ln|X|^2 and log10|X|^2 (torch.log(spec + eps) of a power
  // spectrogram); 10*log10|X|^2 is db20 itself.
  if (stats.negative == 0 && stats.max > kLog1pMax)
    return {"linear", "power", "db20", "db10", "ln", "log10", "ln_power", "log10_power"};
  if (stats.negative == 0) return {"linear", "power", "log1p", "db20", "db10", "ln", "log10", "ln_power", "log10_power"};
  return {"db20", "db10", "ln", "log10", "ln_power", "log10_power"};
}

MagnitudeStats& MagnitudeStats::Add(const double* v, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    count += 1;
    if (!std::isfinite(v[i])) continue;
    vmax = std::max(vmax, v[i]);
    if (v[i] < vmin) {
      vmin = v[i];
      at_min = 0;
    }
    if (v[i] == vmin) ++at_min;
  }
  return *this;
}

MagnitudeMap MakeMagnitudeMap(const std::vector<double>& values, const std::string& scale) {
  return MakeMagnitudeMap(MagnitudeStats().Add(values.data(), values.size()), scale);
}

MagnitudeMap MakeMagnitudeMap(const MagnitudeStats& stats, const std::string& scale) {
  MagnitudeMap map;
  map.scale = scale;
  double vmax = stats.vmax;
  if (!std::isfinite(vmax)) vmax = 0.0;
  // Logarithmic values are converted with their own reference (20*log10|X| -> |X|), so a dump
  // written in absolute dB keeps its level; only values that would overflow are taken relative
  // to the maximum (which then sets an unknown gain).
  const bool relative = (scale == "db20" && vmax > 600) || (scale == "db10" && vmax > 300) ||
                        (scale == "ln" && vmax > 690) || (scale == "log10" && vmax > 300) ||
                        (scale == "ln_power" && vmax > 1380) || (scale == "log10_power" && vmax > 600);
  map.vmax = relative ? vmax : 0.0;
  // log(|X| + eps): the floor value, held by many cells (silence), is |X| = 0 plus eps; take
  // eps back off so silence is silent. For a clipped floor, as librosa's top_db, those cells
  // are upper bounds and zero is within them: the floor is recorded for the reconstruction.
  const double vmin = stats.vmin;
  const size_t at_min = stats.at_min;
  map.logarithmic = IsLogarithmicScale(scale);
  // A floor within 100 dB of the maximum is a clip (librosa's top_db: 80): keep it, those
  // cells are at most that. A deeper floor is an additive epsilon (log(|X| + 1e-10)).
  if (map.logarithmic && std::isfinite(vmin) && at_min * 1000 >= stats.count) {
    const double depth_db = 20.0 * std::log10(map.Convert(vmax) / std::max(1e-300, map.Convert(vmin)));
    if (depth_db > 100.0) {
      map.eps = map.Convert(vmin);
    } else if (depth_db > 0.0) {
      map.clip_floor = vmin;
      map.clip_depth_db = depth_db;
      map.clipped_cells = at_min;
    }
  }
  return map;
}

double MagnitudeMap::Convert(double v) const {
  if (scale == "db20") return std::pow(10.0, (v - vmax) / 20.0);
  if (scale == "db10") return std::pow(10.0, (v - vmax) / 10.0);
  if (scale == "ln") return std::exp(v - vmax);
  if (scale == "ln_power") return std::exp((v - vmax) / 2.0);
  if (scale == "log10_power") return std::pow(10.0, (v - vmax) / 2.0);
  return std::pow(10.0, v - vmax);
}

bool IsLogarithmicScale(const std::string& scale) {
  return scale == "db20" || scale == "db10" || scale == "ln" || scale == "log10" || scale == "ln_power" ||
         scale == "log10_power";
}

double MagnitudeMap::operator()(double v) const {
  double m;
  if (scale == "linear") m = v;
  else if (scale == "power") m = std::sqrt(std::max(0.0, v));
  else if (logarithmic) m = std::max(0.0, Convert(v) - eps);
  else if (scale == "log1p") m = std::expm1(std::max(0.0, v));
  else m = v;
  return std::isfinite(m) ? m : 0.0;
}

std::vector<double> MagnitudeToLinear(const std::vector<double>& values, const std::string& scale) {
  const MagnitudeMap map = MakeMagnitudeMap(values, scale);
  std::vector<double> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) out[i] = map(values[i]);
  return out;
}

}  // namespace specrecon
