#include "src/window_param_fit.h"

#include <ceres/ceres.h>

#include <chrono>
#include <cmath>

namespace specrecon {

double RatioInconsistency(const RatioStats& s, const std::vector<double>& w) {
  double num = 0.0, den = 0.0;
  const int span = static_cast<int>(s.suu.size());
  for (int n = 0; n < span; ++n) {
    const double w0 = w[n], w1 = w[n + s.hop];
    num += w1 * w1 * s.suu[n] - 2.0 * w1 * w0 * s.suv[n] + w0 * w0 * s.svv[n];
    den += w1 * w1 * s.suu[n] + w0 * w0 * s.svv[n];
  }
  if (!(den > 0.0)) return 1.0;
  return std::max(0.0, num / den);
}

namespace {

// Residuals whose squared sum is R(w): per position, the numerator written as a sum of squares
//   w1^2 Suu - 2 w1 w0 Suv + w0^2 Svv = (w1 sqrt(Suu) - w0 Suv/sqrt(Suu))^2 + w0^2 (Svv - Suv^2/Suu)
// divided by the denominator.
struct RatioResidual {
  const RatioStats* stats;
  const std::function<std::vector<double>(double)>* make_window;
  bool operator()(double const* const* params, double* residuals) const {
    const std::vector<double> w = (*make_window)(params[0][0]);
    const RatioStats& s = *stats;
    const int span = static_cast<int>(s.suu.size());
    double den = 0.0;
    for (int n = 0; n < span; ++n) {
      const double w0 = w[n], w1 = w[n + s.hop];
      den += w1 * w1 * s.suu[n] + w0 * w0 * s.svv[n];
    }
    const double inv = den > 0.0 ? 1.0 / std::sqrt(den) : 0.0;
    for (int n = 0; n < span; ++n) {
      const double w0 = w[n], w1 = w[n + s.hop];
      if (s.suu[n] > 0.0) {
        const double r = std::sqrt(s.suu[n]);
        residuals[2 * n] = (w1 * r - w0 * s.suv[n] / r) * inv;
        residuals[2 * n + 1] = w0 * std::sqrt(std::max(0.0, s.svv[n] - s.suv[n] * s.suv[n] / s.suu[n])) * inv;
      } else {
        residuals[2 * n] = 0.0;
        residuals[2 * n + 1] = w0 * std::sqrt(s.svv[n]) * inv;
      }
    }
    return true;
  }
};

}  // namespace

ParamFitResult FitWindowParam(const RatioStats& stats,
                              const std::function<std::vector<double>(double)>& make_window,
                              double initial, double lo, double hi) {
  const auto t0 = std::chrono::steady_clock::now();
  ParamFitResult r;
  double p = std::min(hi, std::max(lo, initial));
  auto* cost = new ceres::DynamicNumericDiffCostFunction<RatioResidual, ceres::CENTRAL>(
      new RatioResidual{&stats, &make_window});
  cost->AddParameterBlock(1);
  cost->SetNumResiduals(2 * static_cast<int>(stats.suu.size()));
  ceres::Problem problem;
  problem.AddResidualBlock(cost, nullptr, &p);
  problem.SetParameterLowerBound(&p, 0, lo);
  problem.SetParameterUpperBound(&p, 0, hi);
  ceres::Solver::Options options;
  options.linear_solver_type = ceres::DENSE_QR;
  options.max_num_iterations = 50;
  options.function_tolerance = 1e-14;
  options.parameter_tolerance = 1e-12;
  options.logging_type = ceres::SILENT;
  ceres::Solver::Summary summary;
  ceres::Solve(options, &problem, &summary);
  r.param = p;
  r.inconsistency = RatioInconsistency(stats, make_window(p));
  r.iterations = static_cast<int>(summary.iterations.size());
  r.converged = summary.termination_type == ceres::CONVERGENCE;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace specrecon
