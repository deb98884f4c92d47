#include "inference/layout.h"

#include <algorithm>
#include <cmath>

namespace specrecon {
namespace {
constexpr double kPi = 3.14159265358979323846;

double g_tol = 1e-5;

bool IsZeroPhase(double phi) {
  const double a = std::abs(phi);
  return a <= g_tol || std::abs(a - kPi) <= g_tol || std::abs(a - 2 * kPi) <= g_tol;
}

double WrapPi(double x) {
  x = std::fmod(x + kPi, 2 * kPi);
  if (x < 0) x += 2 * kPi;
  return x - kPi;
}

// Hermitian symmetry of sampled frames: cell i against its mirror.
double HermitianFraction(const std::vector<double>& phase, const std::vector<double>& magnitude,
                         double floor, const LayoutHypothesis& h, bool odd_shifted) {
  const size_t b = h.bins;
  const size_t fstep = std::max<size_t>(1, h.frames / 32);
  const size_t kstep = std::max<size_t>(1, b / 64);
  size_t hits = 0, total = 0;
  for (size_t m = 0; m < h.frames; m += fstep)
    for (size_t i = 1; i < b; i += kstep) {
      const size_t j = odd_shifted ? b - 1 - i : (b - i) % b;
      if (j == i || j >= b) continue;
      const double ma = magnitude[LayoutIndex(h, m, i)], mb = magnitude[LayoutIndex(h, m, j)];
      if (!(ma > floor) && !(mb > floor)) continue;
      ++total;
      const double pa = phase[LayoutIndex(h, m, i)], pb = phase[LayoutIndex(h, m, j)];
      if (std::abs(ma - mb) <= 1e-5 * (std::abs(ma) + std::abs(mb)) &&
          std::abs(WrapPi(pa + pb)) <= std::max(10 * g_tol, 1e-4))
        ++hits;
    }
  return total ? static_cast<double>(hits) / total : 0.0;
}

// Fraction of informative frames (sampled, up to 4000) whose bin k has a zero phase.
double BinZeroFraction(const std::vector<double>& phase, const std::vector<double>& magnitude,
                       double floor, const LayoutHypothesis& h, size_t k, size_t* tested) {
  // (k is a stored column index)
  const size_t step = std::max<size_t>(1, h.frames / 4000);
  size_t hits = 0, total = 0;
  for (size_t m = 0; m < h.frames; m += step) {
    const size_t i = LayoutIndex(h, m, k);
    if (!(magnitude[i] > floor)) continue;
    ++total;
    if (IsZeroPhase(phase[i])) ++hits;
  }
  if (tested) *tested = total;
  return total ? static_cast<double>(hits) / total : 0.0;
}
}  // namespace

const char* LayoutName(Layout layout) {
  return layout == Layout::kFramesXBins ? "frames_x_bins" : "bins_x_frames";
}

bool ParseLayout(const std::string& name, Layout* out) {
  if (name == "frames_x_bins" || name == "frames-major" || name == "time_major") {
    *out = Layout::kFramesXBins;
    return true;
  }
  if (name == "bins_x_frames" || name == "bins-major" || name == "freq_major") {
    *out = Layout::kBinsXFrames;
    return true;
  }
  return false;
}

double ZeroPhaseTolerance(const std::vector<double>& phase) {
  double amax = 0.0;
  const size_t step = std::max<size_t>(1, phase.size() / 1000000);
  for (size_t i = 0; i < phase.size(); i += step)
    if (std::isfinite(phase[i])) amax = std::max(amax, std::abs(phase[i]));
  const double gap = std::abs(kPi - amax);
  if (gap > 0.01) return 1e-5;  // no +-pi values at all: only exact zeros count
  return std::min(0.01, std::max(1e-5, 2.0 * gap));
}

std::vector<LayoutHypothesis> FindLayouts(const std::vector<double>& phase,
                                          const std::vector<double>& magnitude,
                                          double zero_tolerance) {
  g_tol = zero_tolerance;
  std::vector<LayoutHypothesis> out;
  const size_t count = phase.size();
  double floor = INFINITY;
  for (double v : magnitude)
    if (std::isfinite(v)) floor = std::min(floor, v);
  for (size_t bins = 2; bins * 2 <= count; ++bins) {
    if (count % bins != 0) continue;
    for (Layout layout : {Layout::kFramesXBins, Layout::kBinsXFrames}) {
      LayoutHypothesis h;
      h.layout = layout;
      h.bins = bins;
      h.frames = count / bins;
      h.dc_zero_fraction = BinZeroFraction(phase, magnitude, floor, h, 0, &h.tested_frames);
      if (h.dc_zero_fraction < 0.9 && bins % 2 == 1 && bins >= 3) {
        // An fftshifted two-sided spectrum of odd length keeps DC in the middle.
        size_t tested = 0;
        const double mid = BinZeroFraction(phase, magnitude, floor, h, bins / 2, &tested);
        if (mid >= 0.9 && tested >= 2 && HermitianFraction(phase, magnitude, floor, h, true) >= 0.9) {
          h.dc_zero_fraction = mid;
          h.tested_frames = tested;
          h.zero_column = static_cast<int>(bins / 2);
        }
      }
      if (h.dc_zero_fraction < 0.9 || h.tested_frames < 2) continue;
      h.nyquist_zero_fraction = h.zero_column ? 0.0 : BinZeroFraction(phase, magnitude, floor, h, bins - 1, &h.nyquist_tested);
      double interior = 0.0;
      int tested_bins = 0;
      for (size_t k : {bins / 3, bins / 2, (2 * bins) / 3}) {
        if (k == 0 || k + 1 >= bins) continue;
        interior += BinZeroFraction(phase, magnitude, floor, h, k, nullptr);
        ++tested_bins;
      }
      h.interior_zero_fraction = tested_bins ? interior / tested_bins : 0.0;
      if (h.interior_zero_fraction > 0.5 && !h.zero_column) {
        // bins/2 is the Nyquist (or DC) column of an even two-sided spectrum; it is allowed to
        // be zero-phase, so judge the interior by the other columns.
        interior = 0.0;
        tested_bins = 0;
        for (size_t k : {bins / 3, (2 * bins) / 3}) {
          if (k == 0 || k + 1 >= bins) continue;
          interior += BinZeroFraction(phase, magnitude, floor, h, k, nullptr);
          ++tested_bins;
        }
        h.interior_zero_fraction = tested_bins ? interior / tested_bins : 0.0;
      }
      if (h.zero_column) {
        h.two_sided = h.fftshift = true;
        h.hermitian_fraction = 1.0;
      } else if (bins >= 3) {
        h.hermitian_fraction = HermitianFraction(phase, magnitude, floor, h, false);
        h.two_sided = h.hermitian_fraction >= 0.9;
      }
      if (h.two_sided && !h.zero_column && bins % 2 == 0) {
        // Even length: DC and Nyquist are both zero-phase; DC is on the louder side.
        double edge = 0.0, middle = 0.0;
        const size_t fstep = std::max<size_t>(1, h.frames / 64);
        const size_t w = std::max<size_t>(1, bins / 8);
        for (size_t m = 0; m < h.frames; m += fstep)
          for (size_t i = 0; i < w; ++i) {
            const double e0 = magnitude[LayoutIndex(h, m, i)], e1 = magnitude[LayoutIndex(h, m, (bins - i) % bins)];
            const double c0 = magnitude[LayoutIndex(h, m, bins / 2 + i)], c1 = magnitude[LayoutIndex(h, m, bins / 2 - i)];
            edge += e0 * e0 + e1 * e1;
            middle += c0 * c0 + c1 * c1;
          }
        h.fftshift = middle > edge;
        h.dc_side_evidence = std::log10((std::max(edge, middle) + 1e-300) / (std::min(edge, middle) + 1e-300));
      }
      // DC must be zero-phase in every frame; interior bins must not be.
      if (h.interior_zero_fraction > 0.5) continue;
      if (h.two_sided) h.nyquist_zero_fraction = std::max(h.nyquist_zero_fraction, bins % 2 == 0 ? 1.0 : 0.0);
      h.score = h.dc_zero_fraction;
      out.push_back(h);
    }
  }
  // Multiples of the true bin count also pass the DC test in frames_x_bins order (and
  // divisors in bins_x_frames); a frame that is symmetric about its centre (reflect padding at
  // the start) has zero phase in every bin. So: DC evidence first (a real dump is exact at DC;
  // a few tiny-magnitude cells may miss), then a zero-phase last bin (even n_fft, the common
  // case), then the smaller bin count (more frames, a finer check). The hop test decides among
  // the survivors.
  std::stable_sort(out.begin(), out.end(), [](const LayoutHypothesis& a, const LayoutHypothesis& b) {
    if (std::abs(a.score - b.score) > 0.005) return a.score > b.score;
    const bool na = a.nyquist_zero_fraction >= 0.99, nb = b.nyquist_zero_fraction >= 0.99;
    if (na != nb) return na;
    return a.bins < b.bins;
  });
  return out;
}

}  // namespace specrecon
