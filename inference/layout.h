// Why this file exists: a flat stream of frames x bins numbers does not say where one frame ends.
// The phase of a real signal's spectrum is 0 or +-pi at DC in every frame, and at Nyquist when
// n_fft is even (../shared/design/forensics.md section 2). Those exact values mark the bin count
// and the orientation (each frame contiguous, or each bin's time series contiguous) without
// knowing anything else. This file finds the hypotheses that fit and scores them.
#pragma once

#include <string>
#include <vector>

namespace specrecon {

// Orientation of the flat stream: frames_x_bins = frame m's bins contiguous (index m*bins + k);
// bins_x_frames = bin k's time series contiguous (index k*frames + m).
enum class Layout { kFramesXBins, kBinsXFrames };
const char* LayoutName(Layout layout);
bool ParseLayout(const std::string& name, Layout* out);

struct LayoutHypothesis {
  Layout layout = Layout::kFramesXBins;
  size_t bins = 0;
  size_t frames = 0;
  double dc_zero_fraction = 0.0;       // fraction of frames whose DC phase is 0 or +-pi
  double nyquist_zero_fraction = 0.0;  // same for the last bin
  size_t nyquist_tested = 0;           // last-bin cells above the magnitude floor (0: no evidence)
  double interior_zero_fraction = 0.0; // same for interior bins (should be low)
  size_t tested_frames = 0;            // frames whose DC cell was informative
  int zero_column = 0;                 // stored index of the zero-phase column (0, or bins/2)
  double hermitian_fraction = 0.0;     // cells with |X[k]| = |X[-k]|, phi[k] = -phi[-k]
  bool two_sided = false;              // hermitian_fraction >= 0.9: all n_fft bins stored
  bool fftshift = false;               // two-sided with DC in the middle
  double dc_side_evidence = 0.0;       // log10 energy ratio DC side / Nyquist side (two-sided)
  double score = 0.0;                  // in [0, 1]
};

// Every (layout, bins) consistent with `count` elements, best first. `phase` is in radians.
// Only cells whose magnitude is above the array's minimum (silence, a clipped floor) count as
// evidence: a zero magnitude has a zero phase in every bin. Hypotheses need at least 2 frames
// and 2 bins.
// `zero_tolerance` (radians) is how far from 0 or +-pi a stored DC phase may be: the phase's own
// rounding (float16 stores pi as 3.140625).
std::vector<LayoutHypothesis> FindLayouts(const std::vector<double>& phase,
                                          const std::vector<double>& magnitude,
                                          double zero_tolerance = 1e-5);

// The tolerance a phase array's precision allows: from how far its largest |value| lies from pi.
double ZeroPhaseTolerance(const std::vector<double>& phase_radians);

// The element index of (frame m, bin k) under a hypothesis.
inline size_t LayoutIndex(const LayoutHypothesis& h, size_t m, size_t k) {
  return h.layout == Layout::kFramesXBins ? m * h.bins + k : k * h.frames + m;
}

}  // namespace specrecon
