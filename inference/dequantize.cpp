#include "inference/dequantize.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

#include "inference/frames.h"

namespace specrecon {
namespace {
constexpr double kPi = 3.14159265358979323846;
// Extrapolation of each projection along its last step (as fast Griffin-Lim does).
constexpr double kMomentum = 0.9;

// Half the spacing of float16 values around v (subnormals: 2^-24 apart).
// Half the spacing of the values a 16-bit float holds around `v`: float16 (10 fraction bits,
// normal from 2^-14) or bfloat16 (7 fraction bits, float32's range).
double HalfStep16(double v, bool brain) {
  const double a = std::abs(v);
  if (brain) return a >= 0x1p-126 ? std::ldexp(1.0, std::ilogb(a) - 8) : std::ldexp(1.0, -134);
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
  const bool half = array.info.dtype == "float16" || array.info.dtype == "bfloat16";
  const bool brain = array.info.dtype == "bfloat16";
  if (half) c.quantization = array.info.dtype;
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
    const double h = half ? HalfStep16(v, brain) : 0.5 * c.step;
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
  const bool half = array.info.dtype == "float16" || array.info.dtype == "bfloat16";
  const bool brain = array.info.dtype == "bfloat16";
  if (half) *quantization = array.info.dtype;
  else if (IntegerCodes(raw, 8)) *quantization = "integer codes";
  else return {};
  std::vector<double> hw(raw.size());
  const double r = std::abs(radians_per_unit);
  for (size_t i = 0; i < raw.size(); ++i)
    hw[i] = !std::isfinite(raw[i]) ? kPi : half ? HalfStep16(raw[i], brain) * r : 0.5 * r;
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
    r.inverse = Istft(cur, frame_window, hop);
    const Spectrogram y = Stft(r.inverse.signal, frame_window, hop);
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

bool DequantizeDump(const NdArray& mag_array, const std::vector<double>& magnitude, const std::string& scale,
                    const NdArray& phase_array, const std::vector<double>& phase, double phase_radians_per_unit,
                    const Geometry& g, int max_iterations, double tolerance, InferenceResult* r,
                    IstftResult* inverse) {
  const int n = g.n_fft, hop = g.hop;
  const MagnitudeMap map = MakeMagnitudeMap(magnitude, scale);
  MagnitudeCells mc = CellsOfMagnitude(mag_array, magnitude, map);
  std::string phase_q;
  std::vector<double> phase_hw = CellsOfPhase(phase_array, phase_array.values,
                                              phase_radians_per_unit, &phase_q);
  if (!mc.any() && phase_q.empty()) return false;
  {
    const size_t cells = r->spectrogram.data.size();
    std::vector<float> lo(cells, 0.0f), hi(cells, INFINITY), hw;
    std::vector<std::complex<double>> tmp(cells), unit(cells);
    // Each cell's stored phase as a unit phasor (also where the stored magnitude is 0).
    AllComplexFrames(std::vector<double>(phase.size(), 1.0), phase, g, unit.data());
    const std::vector<double> zeros(phase.size(), 0.0);  // bounds are mapped like magnitudes
    if (mc.any()) {
      AllComplexFrames(mc.lo, zeros, g, tmp.data());
      for (size_t i = 0; i < cells; ++i) lo[i] = static_cast<float>(std::abs(tmp[i]));
      AllComplexFrames(mc.hi, zeros, g, tmp.data());
      for (size_t i = 0; i < cells; ++i) hi[i] = std::isfinite(tmp[i].real()) ? static_cast<float>(std::abs(tmp[i])) : INFINITY;
      // Start from the middle of each cell, not its code's value: a code of 0 stands for
      // magnitudes from 0 to half a step, a clipped floor for anything below it.
      for (size_t i = 0; i < cells; ++i)
        if (std::isfinite(hi[i])) r->spectrogram.data[i] = unit[i] * (0.5 * (static_cast<double>(lo[i]) + hi[i]));
    } else {
      for (size_t i = 0; i < cells; ++i) lo[i] = hi[i] = static_cast<float>(std::abs(r->spectrogram.data[i]));
    }
    if (!phase_q.empty()) {
      AllComplexFrames(phase_hw, zeros, g, tmp.data());
      hw.resize(cells);
      for (size_t i = 0; i < cells; ++i) hw[i] = static_cast<float>(std::abs(tmp[i]));
    }
    // Cells the dump did not store or that were rebuilt (a dropped Nyquist bin, the DC of
    // detrended frames) are free: no magnitude bound, a phase width beyond pi.
    const bool free_nyquist = g.nyquist_dropped && n % 2 == 0;
    if (hw.empty() && (free_nyquist || g.detrended)) hw.assign(cells, 0.0f);
    auto set_free = [&](size_t i) {
      lo[i] = 0.0f;
      hi[i] = INFINITY;
      hw[i] = 4.0f;
    };
    const int fb = r->spectrogram.bins;
    for (int m = 0; m < r->spectrogram.frames; ++m) {
      const size_t base = static_cast<size_t>(m) * fb;
      if (free_nyquist) set_free(base + fb - 1);
      if (g.detrended) set_free(base);
    }
    DequantizeResult dq = ConsistentDequantize(&r->spectrogram, unit, lo, hi, hw, r->frame_window, hop,
                                                     max_iterations, tolerance);
    std::string what;
    if (!mc.quantization.empty()) what = "magnitude " + mc.quantization;
    if (!phase_q.empty()) what += (what.empty() ? "" : ", ") + std::string("phase ") + phase_q;
    if (mc.floored > 0) {
      char buf[120];
      std::snprintf(buf, sizeof buf, "%s%zu cells at a floor %.1f dB below the maximum (upper bounds)",
                    what.empty() ? "" : ", ", mc.floored, map.clip_depth_db);
      what += buf;
      r->floor_db = -map.clip_depth_db;
      r->floored_cells = mc.floored;
    }
    r->dequantization = what;
    r->magnitude_quantization = mc.quantization;
    r->magnitude_step = mc.step;
    r->phase_quantization = phase_q;
    r->dequantization_iterations = dq.iterations;
    r->dequantization_seconds = dq.seconds;
    r->log.Addf("dequantisation: %s: %d alternating projections in %.3f s; distance of the consistent "
             "spectrogram from the cells %.3g -> %.3g (relative), consistency %.1f -> %.1f dB",
             what.c_str(), dq.iterations, dq.seconds, dq.outside_before, dq.outside_after,
             dq.consistency_before_db, dq.consistency_after_db);
    *inverse = std::move(dq.inverse);
  }
  return true;
}

}  // namespace specrecon
