#include "inference/layout.h"

#include <algorithm>
#include <cmath>

namespace specrecon {
namespace {
constexpr double kPi = 3.14159265358979323846;

bool IsZeroPhase(double phi) {
  const double a = std::abs(phi);
  return a <= 1e-5 || std::abs(a - kPi) <= 1e-5 || std::abs(a - 2 * kPi) <= 1e-5;
}

// Fraction of informative frames (sampled, up to 4000) whose bin k has a zero phase.
double BinZeroFraction(const std::vector<double>& phase, const std::vector<double>& magnitude,
                       double floor, const LayoutHypothesis& h, size_t k, size_t* tested) {
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

std::vector<LayoutHypothesis> FindLayouts(const std::vector<double>& phase,
                                          const std::vector<double>& magnitude) {
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
      if (h.dc_zero_fraction < 0.9 || h.tested_frames < 2) continue;
      h.nyquist_zero_fraction = BinZeroFraction(phase, magnitude, floor, h, bins - 1, nullptr);
      double interior = 0.0;
      int tested_bins = 0;
      for (size_t k : {bins / 3, bins / 2, (2 * bins) / 3}) {
        if (k == 0 || k + 1 >= bins) continue;
        interior += BinZeroFraction(phase, magnitude, floor, h, k, nullptr);
        ++tested_bins;
      }
      h.interior_zero_fraction = tested_bins ? interior / tested_bins : 0.0;
      // DC must be zero-phase in every frame; interior bins must not be.
      if (h.interior_zero_fraction > 0.5) continue;
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
