// Why this file exists: a window outside every named family (a DPSS/Slepian window, a cosine
// power, a producer's own taper) still shows in the frame ratios, w[n+a] u_n = w[n] v_n, which
// fix it up to one scale per residue class n mod hop. A smoothness prior closes that gap. This
// fits the window sample by sample with Ceres Solver: ratio residuals (as in window_param_fit.h)
// plus a small second-difference penalty, one sample held at 1.
#pragma once

#include <vector>

#include "src/window_param_fit.h"

namespace specrecon {

struct FreeWindowFit {
  std::vector<double> window;  // placed in the n_fft frame, zero outside [begin, end)
  double inconsistency = 1.0;  // RatioInconsistency of the result
  int iterations = 0;
  double cost = 0.0;
  double seconds = 0.0;
  bool converged = false;
};

// initial: a placed window (length n_fft) to start from, e.g. the best family fit. The freedom
// the ratios leave (one scale per residue class mod hop) is settled near `initial`; a second
// pass settles it near the first result's projection onto smooth half-cycle cosines
// cos(pi k (n - c) / L), too coarse to follow a modulation with the hop's period.
FreeWindowFit FitFreeWindow(const RatioStats& stats, int begin, int end, const std::vector<double>& initial);

// A smooth free-form window: w = sum_k c_k phi_k on [begin, end) with phi the half-cycle cosines
// and sines cos/sin(pi k (n - c) / L), k < k_max, fitted to the ratio residuals (linear in c)
// with c_0 = 1. With k_max <= 2L/hop the series cannot follow a modulation with the hop's period,
// so the ratios determine it uniquely. Tries k_max up to that limit and keeps the best.
FreeWindowFit FitSeriesWindow(const RatioStats& stats, int begin, int end);

// Least-squares projection of w[begin, end) onto cos/sin(pi k (n - c) / L), k < k_max.
std::vector<double> SmoothProjection(const std::vector<double>& w, int begin, int end, int k_max);

}  // namespace specrecon
