// Why this file exists: hop, window and convention show in the time domain. Under a geometry
// hypothesis (layout, bins, n_fft) this combines magnitude and phase into complex frames and
// inverse-transforms a subset of consecutive frame pairs, chosen among the loudest frames
// spread over the whole dump, for the consistency tests.
#pragma once

#include <complex>
#include <vector>

#include "inference/layout.h"

namespace specrecon {

struct Geometry {
  LayoutHypothesis layout;
  int n_fft = 0;
  bool nyquist_dropped = false;  // bins == n_fft/2: the producer kept only n_fft/2 bins
};

// Frame m's one-sided spectrum (n_fft/2+1 bins) from linear magnitude and phase in radians.
void ComplexFrame(const std::vector<double>& magnitude, const std::vector<double>& phase,
                  const Geometry& g, size_t m, std::complex<double>* out);

// Time-domain frame pairs y_m, y_{m+1}, each of n_fft samples.
struct FramePairs {
  int n_fft = 0;
  std::vector<size_t> first;                // m of each pair
  std::vector<std::vector<double>> a, b;    // y_m and y_{m+1}
};

// Up to `max_pairs` pairs of consecutive frames, the loudest of evenly spaced stretches.
FramePairs SampleFramePairs(const std::vector<double>& magnitude, const std::vector<double>& phase,
                            const Geometry& g, int max_pairs);

}  // namespace specrecon
