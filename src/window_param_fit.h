// Why this file exists: the window's shape shows in the data only through ratios: for the true
// hop a, y_{m+1}[n] w[n+a] = y_m[n+a] w[n] for every frame pair. Given the per-position sums
// over frame pairs (RatioStats), the relative inconsistency of a candidate window w is
//   R(w) = sum_n (w1^2 Suu - 2 w1 w0 Suv + w0^2 Svv) / sum_n (w1^2 Suu + w0^2 Svv),
// w0 = w[n], w1 = w[n+a], which is scale-free. This file evaluates R and fits a window family's
// parameter (Kaiser beta, Gaussian sigma, Tukey alpha) to minimise it with Ceres Solver.
#pragma once

#include <functional>
#include <vector>

namespace specrecon {

struct RatioStats {
  int n_fft = 0;
  int hop = 0;
  // For n = 0 .. n_fft-hop-1: sums over frame pairs of u^2, u v, v^2 with u = y_{m+1}[n],
  // v = y_m[n+hop].
  std::vector<double> suu, suv, svv;
};

// R(w) for a window placed in the n_fft frame (length n_fft). 1.0 if the denominator is zero.
double RatioInconsistency(const RatioStats& stats, const std::vector<double>& frame_window);

struct ParamFitResult {
  double param = 0.0;
  double inconsistency = 1.0;
  int iterations = 0;
  double seconds = 0.0;
  bool converged = false;
};

// Minimises R(make_window(p)) over p in [lo, hi], starting from `initial`, with Ceres
// (trust region, numeric derivatives). make_window returns the placed window (length n_fft).
ParamFitResult FitWindowParam(const RatioStats& stats,
                              const std::function<std::vector<double>(double)>& make_window,
                              double initial, double lo, double hi);

}  // namespace specrecon
