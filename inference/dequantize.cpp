#include "inference/dequantize.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace specrecon {
namespace {
constexpr double kPi = 3.14159265358979323846;
// Extrapolation of each projection along its last step (as fast Griffin-Lim does).
constexpr double kMomentum = 0.9;

// Half the spacing of float16 values around v (subnormals: 2^-24 apart).
double HalfFloat16Step(double v) {
  const double a = std::abs(v);
  if (!(a >= 6.103515625e-05)) return std::ldexp(1.0, -25);
  return std::ldexp(1.0, std::ilogb(a) - 11);
}

bool IntegerCodes(const std::vector<double>& raw, size_t min_levels) {
  double lo = INFINITY, hi = -INFINITY;
  size_t finite = 0;
  for (double v : raw) {
    if (!std::isfinite(v)) continue;
    if (v != std::nearbyint(v)) return false;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    ++finite;
  }
  return finite > 0 && hi - lo + 1 >= static_cast<double>(min_levels);
}

double RelNormDb(double num2, double den2) {
  if (den2 <= 0.0) return 0.0;
  if (num2 <= 0.0) return -INFINITY;
  return 10.0 * std::log10(num2 / den2);
}
}  // namespace

MagnitudeCells CellsOfMagnitude(const NdArray& array, const std::vector<double>& raw, const MagnitudeMap& map) {
  MagnitudeCells c;
  const bool half = array.info.dtype == "float16";
  if (half) c.quantization = "float16";
  else if (IntegerCodes(raw, 8)) {
    c.quantization = "integer codes";
    c.step = 1.0;
  }
  const bool floor = std::isfinite(map.clip_floor);
  if (c.quantization.empty() && !floor) return c;
  c.lo.resize(raw.size());
  c.hi.resize(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const double v = raw[i];
    if (!std::isfinite(v)) {  // unknown value: any magnitude
      c.lo[i] = 0.0;
      c.hi[i] = INFINITY;
      continue;
    }
    const double h = half ? HalfFloat16Step(v) : 0.5 * c.step;
    if (floor && v == map.clip_floor) {
      c.lo[i] = 0.0;
      c.hi[i] = map(v + h);
      ++c.floored;
      continue;
    }
    const double a = map(v - h), b = map(v + h);
    c.lo[i] = std::max(0.0, std::min(a, b));
    c.hi[i] = std::max(0.0, std::max(a, b));
  }
  return c;
}

std::vector<double> CellsOfPhase(const NdArray& array, const std::vector<double>& raw, double radians_per_unit,
                                 std::string* quantization) {
  quantization->clear();
  const bool half = array.info.dtype == "float16";
  if (half) *quantization = "float16";
  else if (IntegerCodes(raw, 8)) *quantization = "integer codes";
  else return {};
  std::vector<double> hw(raw.size());
  const double r = std::abs(radians_per_unit);
  for (size_t i = 0; i < raw.size(); ++i)
    hw[i] = !std::isfinite(raw[i]) ? kPi : half ? HalfFloat16Step(raw[i]) * r : 0.5 * r;
  return hw;
}

DequantizeResult ConsistentDequantize(Spectrogram* spec, const std::vector<std::complex<double>>& centre,
                                      const std::vector<float>& lo, const std::vector<float>& hi,
                                      const std::vector<float>& phase_half_width,
                                      const std::vector<double>& frame_window, int hop, int max_iterations,
                                      double tolerance) {
  const auto t0 = std::chrono::steady_clock::now();
  DequantizeResult r;
  const size_t cells = spec->data.size();
  const bool phase_free = !phase_half_width.empty();
  Spectrogram cur = *spec;   // the point projected next (extrapolated)
  Spectrogram cells_now = *spec;  // the last projection onto the cells
  const double alpha = kMomentum;
  for (int it = 0; it < max_iterations; ++it) {
    const IstftResult inv = Istft(cur, frame_window, hop);
    const Spectrogram y = Stft(inv.signal, frame_window, hop);
    if (y.frames != cur.frames || y.bins != cur.bins) break;  // cannot happen: same framing
    double inconsistency = 0.0, norm = 0.0, outside = 0.0, change = 0.0;
    for (size_t i = 0; i < cells; ++i) {
      const std::complex<double> yi = y.data[i];
      const std::complex<double> c = centre[i];
      // Angle of y from the centre, clamped to the cell's half width; then the projection of y
      // onto that ray, clamped to the magnitude bounds.
      const std::complex<double> rel = yi * std::conj(c);
      double d = std::abs(yi) > 0.0 ? std::arg(rel) : 0.0;
      double dc = 0.0;
      if (phase_free) {
        const double hw = phase_half_width[i];
        dc = std::clamp(d, -hw, hw);
      }
      double rad = std::abs(yi) * std::cos(d - dc);
      rad = std::clamp(rad, static_cast<double>(lo[i]), static_cast<double>(hi[i]));
      const std::complex<double> p = dc == 0.0 ? rad * c : std::polar(rad, std::arg(c) + dc);
      inconsistency += std::norm(cur.data[i] - yi);
      norm += std::norm(p);
      outside += std::norm(p - yi);
      change += std::norm(p - cells_now.data[i]);
      cur.data[i] = p + alpha * (p - cells_now.data[i]);
      cells_now.data[i] = p;
    }
    if (it == 0) {
      r.consistency_before_db = RelNormDb(inconsistency, norm);
      r.outside_before = norm > 0.0 ? std::sqrt(outside / norm) : 0.0;
    }
    r.outside_after = norm > 0.0 ? std::sqrt(outside / norm) : 0.0;
    r.iterations = it + 1;
    if (norm <= 0.0 || std::sqrt(change / norm) < tolerance) break;
  }
  cur = std::move(cells_now);
  {
    const IstftResult inv = Istft(cur, frame_window, hop);
    const Spectrogram y = Stft(inv.signal, frame_window, hop);
    double inconsistency = 0.0, norm = 0.0;
    for (size_t i = 0; i < cells && y.data.size() == cells; ++i) {
      inconsistency += std::norm(cur.data[i] - y.data[i]);
      norm += std::norm(cur.data[i]);
    }
    r.consistency_after_db = RelNormDb(inconsistency, norm);
  }
  *spec = std::move(cur);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace specrecon
