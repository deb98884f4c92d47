// Why this file exists: hop, window and convention show in the time domain. Under a geometry
// hypothesis (layout, bins, n_fft, sidedness, phase reference) this turns stored cells into
// one-sided complex frames in the frame-start convention, and inverse-transforms a subset of
// consecutive frame pairs, chosen among the loudest frames spread over the whole dump, for the
// consistency tests.
//
// Phase reference: frame m as stored is y_stored[j] = y[(j - R_m) mod n_fft] where y is the
// frame-start frame and R_m = ref_sign * m * hop + ref_const. frame_start: R = 0; frame_center
// (the frame rotated so its centre is at index 0): ref_const = n_fft/2; absolute time (LTFAT
// 'timeinv'): ref_sign = +-1.
#pragma once

#include <complex>
#include <vector>

#include "inference/layout.h"

namespace specrecon {

struct Geometry {
  LayoutHypothesis layout;
  int n_fft = 0;
  bool nyquist_dropped = false;  // bins == n_fft/2: the producer kept only n_fft/2 bins
  bool two_sided = false;        // bins == n_fft, Hermitian
  bool fftshift = false;         // two-sided with DC in the middle
  int ref_sign = 0;              // absolute-time phase reference: +-1
  int ref_const = 0;             // constant rotation (frame_center: n_fft/2)
  int hop = 0;                   // needed when ref_sign != 0
  bool detrended = false;        // each segment's mean removed before windowing

  // Stored bin index of frequency k (0 <= k <= n_fft/2).
  int StoredBin(int k) const { return fftshift ? (k + n_fft / 2) % n_fft : k; }
  const char* PhaseReferenceName() const {
    return ref_sign != 0 ? "absolute_time" : ref_const != 0 ? "frame_center" : "frame_start";
  }
};

// Frame m's one-sided spectrum (n_fft/2+1 bins), frame-start convention, from linear magnitude
// and phase in radians.
void ComplexFrame(const std::vector<double>& magnitude, const std::vector<double>& phase,
                  const Geometry& g, size_t m, std::complex<double>* out);

// Every frame into `out` (frames x (n_fft/2+1), frame-major), reading the stored cells in blocks
// of frames so that a bins_x_frames stream is read in runs, not with a stride per cell.
void AllComplexFrames(const std::vector<double>& magnitude, const std::vector<double>& phase,
                      const Geometry& g, std::complex<double>* out);

// Time-domain frame pairs y_m, y_{m+1}, each of n_fft samples, as stored (no rotation applied
// when `rotate` is false; the hop test then applies the reference itself).
struct FramePairs {
  int n_fft = 0;
  std::vector<size_t> first;                // m of each pair
  std::vector<std::vector<double>> a, b;    // y_m and y_{m+1}
};

// Up to `max_pairs` pairs of consecutive frames, the loudest of evenly spaced stretches. With
// rotate = true the frames are in the frame-start convention (needs g.hop when ref_sign != 0).
FramePairs SampleFramePairs(const std::vector<double>& magnitude, const std::vector<double>& phase,
                            const Geometry& g, int max_pairs, bool rotate = true);

}  // namespace specrecon
