#include "src/window_free_fit.h"

#include <ceres/ceres.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace specrecon {
namespace {

// Ratio residuals at position n for w0 = w[n], w1 = w[n+a] (see RatioResidual in
// window_param_fit.cpp), divided by sqrt of a fixed normaliser.
struct RatioPair {
  double su, suv_over_su, rest, inv;
  template <typename T>
  bool operator()(const T* w0, const T* w1, T* r) const {
    r[0] = (w1[0] * su - w0[0] * suv_over_su) * inv;
    r[1] = w0[0] * rest * inv;
    return true;
  }
};
// Same with w[n+a] outside the support (zero).
struct RatioLeft {
  double suv_over_su, rest, inv;
  template <typename T>
  bool operator()(const T* w0, T* r) const {
    r[0] = -w0[0] * suv_over_su * inv;
    r[1] = w0[0] * rest * inv;
    return true;
  }
};
// Same with w[n] outside the support.
struct RatioRight {
  double su, inv;
  template <typename T>
  bool operator()(const T* w1, T* r) const {
    r[0] = w1[0] * su * inv;
    return true;
  }
};
struct Near {
  double weight, target;
  template <typename T>
  bool operator()(const T* a, T* r) const {
    r[0] = weight * (a[0] - target);
    return true;
  }
};
struct Smooth {
  double lambda;
  template <typename T>
  bool operator()(const T* a, const T* b, const T* c, T* r) const {
    r[0] = lambda * (a[0] - 2.0 * b[0] + c[0]);
    return true;
  }
};

}  // namespace

namespace {
// cos(pi k (n - c) / L) for k = 0..k_max-1 and sin(pi k (n - c) / L) for k = 1..k_max-1 on [begin, end).
std::vector<std::vector<double>> SeriesBasis(int begin, int end, int k_max) {
  const int len = end - begin;
  const double c = 0.5 * (begin + end - 1);
  std::vector<std::vector<double>> basis;
  for (int k = 0; k < k_max; ++k) {
    std::vector<double> b(len), d(len);
    for (int i = 0; i < len; ++i) {
      const double x = M_PI * k * (begin + i - c) / len;
      b[i] = std::cos(x);
      d[i] = std::sin(x);
    }
    basis.push_back(b);
    if (k > 0) basis.push_back(d);
  }
  return basis;
}
}  // namespace

std::vector<double> SmoothProjection(const std::vector<double>& w, int begin, int end, int k_max) {
  const int len = end - begin;
  const std::vector<std::vector<double>> basis = SeriesBasis(begin, end, k_max);
  const size_t nb = basis.size();
  // Normal equations, solved by Cholesky (with a tiny ridge).
  std::vector<double> a(nb * nb, 0.0), rhs(nb, 0.0);
  for (size_t p = 0; p < nb; ++p) {
    for (int i = 0; i < len; ++i) rhs[p] += basis[p][i] * w[begin + i];
    for (size_t q = 0; q < nb; ++q) {
      double acc = 0.0;
      for (int i = 0; i < len; ++i) acc += basis[p][i] * basis[q][i];
      a[p * nb + q] = acc;
    }
    a[p * nb + p] += 1e-12 * len;
  }
  for (size_t j = 0; j < nb; ++j) {
    double d = a[j * nb + j];
    for (size_t k = 0; k < j; ++k) d -= a[j * nb + k] * a[j * nb + k];
    d = std::sqrt(std::max(d, 1e-300));
    a[j * nb + j] = d;
    for (size_t i = j + 1; i < nb; ++i) {
      double v = a[i * nb + j];
      for (size_t k = 0; k < j; ++k) v -= a[i * nb + k] * a[j * nb + k];
      a[i * nb + j] = v / d;
    }
  }
  std::vector<double> y(nb), x(nb);
  for (size_t i = 0; i < nb; ++i) {
    double v = rhs[i];
    for (size_t k = 0; k < i; ++k) v -= a[i * nb + k] * y[k];
    y[i] = v / a[i * nb + i];
  }
  for (size_t i = nb; i-- > 0;) {
    double v = y[i];
    for (size_t k = i + 1; k < nb; ++k) v -= a[k * nb + i] * x[k];
    x[i] = v / a[i * nb + i];
  }
  std::vector<double> out(w.size(), 0.0);
  for (int i = 0; i < len; ++i) {
    double v = 0.0;
    for (size_t p = 0; p < nb; ++p) v += x[p] * basis[p][i];
    out[begin + i] = v;
  }
  return out;
}

namespace {


// min || A_rest c + A_0 || over c (column 0 of each row is the fixed c_0 = 1 term), by
// Householder QR of the rows.
bool LeastSquaresQr(std::vector<std::vector<double>> rows, size_t nb, std::vector<double>* c) {
  const size_t m = rows.size(), nr = nb - 1;
  if (m < nr || nr == 0) return false;
  // Column-major copy of A_rest and b = -A_0.
  std::vector<std::vector<double>> col(nr, std::vector<double>(m));
  std::vector<double> b(m);
  for (size_t i = 0; i < m; ++i) {
    b[i] = -rows[i][0];
    for (size_t j = 0; j < nr; ++j) col[j][i] = rows[i][j + 1];
  }
  std::vector<double> diag(nr);
  for (size_t j = 0; j < nr; ++j) {
    double norm = 0.0;
    for (size_t i = j; i < m; ++i) norm += col[j][i] * col[j][i];
    norm = std::sqrt(norm);
    if (!(norm > 0.0)) return false;
    const double alpha = col[j][j] > 0 ? -norm : norm;
    std::vector<double> v(m, 0.0);
    for (size_t i = j; i < m; ++i) v[i] = col[j][i];
    v[j] -= alpha;
    double vv = 0.0;
    for (size_t i = j; i < m; ++i) vv += v[i] * v[i];
    if (!(vv > 0.0)) return false;
    for (size_t k = j; k < nr; ++k) {
      double dot = 0.0;
      for (size_t i = j; i < m; ++i) dot += v[i] * col[k][i];
      const double f = 2.0 * dot / vv;
      for (size_t i = j; i < m; ++i) col[k][i] -= f * v[i];
    }
    double dot = 0.0;
    for (size_t i = j; i < m; ++i) dot += v[i] * b[i];
    const double f = 2.0 * dot / vv;
    for (size_t i = j; i < m; ++i) b[i] -= f * v[i];
    diag[j] = col[j][j];
  }
  c->assign(nr, 0.0);
  for (size_t j = nr; j-- > 0;) {
    double v = b[j];
    for (size_t k = j + 1; k < nr; ++k) v -= col[k][j] * (*c)[k];
    if (!(std::abs(diag[j]) > 0.0)) return false;
    (*c)[j] = v / diag[j];
  }
  return true;
}

}  // namespace

FreeWindowFit FitSeriesWindow(const RatioStats& s, int begin, int end) {
  const auto t0 = std::chrono::steady_clock::now();
  FreeWindowFit best;
  const int n = s.n_fft, a = s.hop;
  begin = std::max(0, begin);
  end = std::min(n, end);
  const int len = end - begin;
  if (len < 4 || a < 1) return best;
  const int limit = std::max(2, std::min(40, 2 * len / a));
  for (int k_max = 2; k_max <= limit; ++k_max) {
    const std::vector<std::vector<double>> basis = SeriesBasis(begin, end, k_max);
    const size_t nb = basis.size();
    auto phi = [&](size_t p, int i) { return (i >= begin && i < end) ? basis[p][i - begin] : 0.0; };
    // Residual rows r1 = su w1 - (suv/su) w0, r2 = rest w0 (linear in c), solved with c_0 = 1
    // by Householder QR (normal equations would square the conditioning).
    std::vector<std::vector<double>> rows;
    for (int i = 0; i + a < n; ++i) {
      const bool l = i >= begin && i < end, r = i + a >= begin && i + a < end;
      if (!l && !r) continue;
      const double su = std::sqrt(std::max(0.0, s.suu[i]));
      const double q = su > 0 ? s.suv[i] / su : 0.0;
      const double rest = su > 0 ? std::sqrt(std::max(0.0, s.svv[i] - s.suv[i] * q / su)) : std::sqrt(std::max(0.0, s.svv[i]));
      std::vector<double> r1(nb), r2(nb);
      for (size_t p = 0; p < nb; ++p) {
        r1[p] = su * phi(p, i + a) - q * phi(p, i);
        r2[p] = rest * phi(p, i);
      }
      rows.push_back(std::move(r1));
      rows.push_back(std::move(r2));
    }
    const size_t nr = nb - 1;
    std::vector<double> c;
    if (!LeastSquaresQr(rows, nb, &c)) continue;
    std::vector<double> w(n, 0.0);
    double peak = 0.0;  // signed value of the largest sample: the window is made positive
    for (int i = begin; i < end; ++i) {
      double v = basis[0][i - begin];
      for (size_t p = 0; p < nr; ++p) v += c[p] * basis[p + 1][i - begin];  // c_0 = 1
      w[i] = v;
      if (std::abs(v) > std::abs(peak)) peak = v;
    }
    if (!(std::abs(peak) > 0.0)) continue;
    for (double& v : w) v /= peak;
    const double inc = RatioInconsistency(s, w);
    // A richer series must earn its terms: a tenth of the inconsistency per step.
    if (best.window.empty() || inc < 0.1 * best.inconsistency) {
      best.window = w;
      best.inconsistency = inc;
      best.iterations = k_max;
    }
  }
  best.converged = !best.window.empty();
  best.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return best;
}

namespace {
FreeWindowFit FitOnce(const RatioStats& s, int begin, int end, const std::vector<double>& initial);
}  // namespace

FreeWindowFit FitFreeWindow(const RatioStats& s, int begin, int end, const std::vector<double>& initial) {
  const auto t0 = std::chrono::steady_clock::now();
  FreeWindowFit first = FitOnce(s, begin, end, initial);
  if (first.window.empty()) return first;
  // The hop's period spans 2L/hop half-cycles; stay well below it. At most 64 terms: a window is
  // smooth, and the normal equations grow as the square of the terms (a wrong hypothesis of
  // n_fft 7180 at a small hop asked for 14000 terms and 8 GB).
  const int len = std::min(end, s.n_fft) - std::max(0, begin);
  const int k_max = std::min(64, std::max(3, 2 * len / std::max(1, s.hop) - 2));
  const std::vector<double> smooth = SmoothProjection(first.window, std::max(0, begin), std::min(end, s.n_fft), k_max);
  FreeWindowFit second = FitOnce(s, begin, end, smooth);
  FreeWindowFit& best = (!second.window.empty() && second.inconsistency <= 10 * first.inconsistency) ? second : first;
  best.iterations = first.iterations + second.iterations;
  best.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return best;
}

namespace {

FreeWindowFit FitOnce(const RatioStats& s, int begin, int end, const std::vector<double>& initial) {
  const auto t0 = std::chrono::steady_clock::now();
  FreeWindowFit out;
  const int n = s.n_fft, a = s.hop;
  begin = std::max(0, begin);
  end = std::min(n, end);
  if (end - begin < 4) return out;
  std::vector<double> w(initial);
  w.resize(n, 0.0);
  double peak = 0.0;
  int anchor = begin;
  for (int i = begin; i < end; ++i)
    if (std::abs(w[i]) > peak) {
      peak = std::abs(w[i]);
      anchor = i;
    }
  if (!(peak > 0.0)) {
    for (int i = begin; i < end; ++i) w[i] = 1.0;
    peak = 1.0;
    anchor = (begin + end) / 2;
  }
  for (double& v : w) v /= peak;  // (peak > 0: the initial window's sign is kept)
  // Normaliser: the ratio denominator of the initial window.
  double den = 0.0;
  for (int i = 0; i + a < n; ++i) den += w[i + a] * w[i + a] * s.suu[i] + w[i] * w[i] * s.svv[i];
  if (!(den > 0.0)) return out;
  const double inv = 1.0 / std::sqrt(den);
  auto inside = [&](int i) { return i >= begin && i < end; };

  ceres::Problem problem;
  for (int i = 0; i + a < n; ++i) {
    const bool l = inside(i), r = inside(i + a);
    if (!l && !r) continue;
    const double su = std::sqrt(std::max(0.0, s.suu[i]));
    const double suv_over_su = su > 0 ? s.suv[i] / su : 0.0;
    const double rest = su > 0 ? std::sqrt(std::max(0.0, s.svv[i] - s.suv[i] * s.suv[i] / s.suu[i]))
                               : std::sqrt(std::max(0.0, s.svv[i]));
    if (l && r)
      problem.AddResidualBlock(new ceres::AutoDiffCostFunction<RatioPair, 2, 1, 1>(new RatioPair{su, suv_over_su, rest, inv}),
                               nullptr, &w[i], &w[i + a]);
    else if (l)
      problem.AddResidualBlock(new ceres::AutoDiffCostFunction<RatioLeft, 2, 1>(new RatioLeft{suv_over_su, rest, inv}),
                               nullptr, &w[i]);
    else
      problem.AddResidualBlock(new ceres::AutoDiffCostFunction<RatioRight, 1, 1>(new RatioRight{su, inv}), nullptr, &w[i + a]);
  }
  // The ratios leave one scale per residue class n mod hop free. Settle it by staying near the
  // starting window (the best family fit, whose error is smooth, not periodic in the hop), with a
  // weight (1e-6 of the normalised ratio term) above the ratio term's noise (~1e-14) yet far too
  // small to bend what the ratios fix (a deviation d of the start moves the fit by ~1e-6 d).
  const std::vector<double> start = w;
  double norm2 = 0.0;
  for (int i = begin; i < end; ++i) norm2 += start[i] * start[i];
  const double mu = std::sqrt(1e-6 / std::max(norm2, 1e-30));
  for (int i = begin; i < end; ++i)
    problem.AddResidualBlock(new ceres::AutoDiffCostFunction<Near, 1, 1>(new Near{mu, start[i]}), nullptr, &w[i]);
  if (!problem.HasParameterBlock(&w[anchor])) return out;

  ceres::Solver::Options options;
  options.linear_solver_type = ceres::SPARSE_NORMAL_CHOLESKY;
  if (!ceres::IsSparseLinearAlgebraLibraryTypeAvailable(ceres::SUITE_SPARSE) &&
      !ceres::IsSparseLinearAlgebraLibraryTypeAvailable(ceres::EIGEN_SPARSE))
    options.linear_solver_type = ceres::CGNR;
  else if (!ceres::IsSparseLinearAlgebraLibraryTypeAvailable(ceres::SUITE_SPARSE))
    options.sparse_linear_algebra_library_type = ceres::EIGEN_SPARSE;
  options.max_num_iterations = 20;
  options.function_tolerance = 1e-16;
  options.gradient_tolerance = 1e-20;
  options.parameter_tolerance = 1e-14;
  options.logging_type = ceres::SILENT;
  ceres::Solver::Summary summary;
  ceres::Solve(options, &problem, &summary);
  for (int i = 0; i < n; ++i)
    if (!inside(i)) w[i] = 0.0;
  out.window = w;
  out.inconsistency = RatioInconsistency(s, w);
  out.iterations = static_cast<int>(summary.iterations.size());
  out.cost = summary.final_cost;
  out.converged = summary.termination_type == ceres::CONVERGENCE;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace
}  // namespace specrecon
