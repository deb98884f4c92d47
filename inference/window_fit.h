// Why this file exists: with the hop known, the frame ratios give the analysis window's shape
// (up to one scale per residue class n mod hop). This file measures the window's support in the
// n_fft frame (zero padding shows as exact zeros), then scores every family of the contract, in
// its periodic, symmetric and MATLAB-'hanning' variants, at every plausible length and offset,
// fitting Kaiser beta / Gaussian sigma / Tukey alpha with Ceres. Windows that place identical
// samples in the frame (periodic hann L = symmetric hann L+1) tie; the tie is broken by priors
// (simpler family, conventional offset, round length) and reported.
#pragma once

#include <string>
#include <vector>

#include "inference/frames.h"
#include "src/window.h"
#include "src/window_param_fit.h"

namespace specrecon {

struct WindowCandidate {
  WindowSpec spec;
  int offset = 0;
  double inconsistency = 1.0;
  double digits = 0.0;
};

struct WindowFit {
  WindowCandidate best;
  WindowCandidate runner_up;        // best candidate that places a different window
  WindowCandidate length_runner_up; // best candidate of another length that is a different window
  std::vector<WindowCandidate> tied;  // candidates placing the same window as `best`
  int support_begin = 0, support_end = 0;  // measured support [begin, end)
  ParamFitResult param_fit;         // Ceres refinement of the winner's parameter, if any
  std::vector<WindowCandidate> ranked;  // best few, for the report and plots
};

RatioStats ComputeRatioStats(const FramePairs& pairs, int hop);

// Support [begin, end) of the frames' energy profile (relative threshold).
void MeasureSupport(const FramePairs& pairs, double rel_threshold, int* begin, int* end);

struct WindowFitOptions {
  // Restrict to a family / length / offset (hints); nullopt-like: -1 or kCustom = free.
  int win_length = -1;
  bool family_given = false;
  WindowSpec given;  // used when family_given
  bool detrended = false;  // score under the detrended model (see detrend.h)
};

WindowFit FitWindow(const FramePairs& pairs, int hop, const WindowFitOptions& options);

// Without overlap the ratios say nothing; the frames' mean energy profile E[n] ~ sigma^2 w[n]^2
// still shows the window's shape. Scores families by the relative misfit of sqrt(E) (digits;
// a statistical fit, far from the ratio test's precision).
WindowFit FitWindowToEnvelope(const FramePairs& pairs, const WindowFitOptions& options);

}  // namespace specrecon
