#include "src/window.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace specrecon {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct FamilyName {
  WindowFamily family;
  const char* name;
};

constexpr FamilyName kNames[] = {
    {WindowFamily::kHann, "hann"},
    {WindowFamily::kHamming, "hamming"},
    {WindowFamily::kBlackman, "blackman"},
    {WindowFamily::kBlackmanHarris, "blackman_harris"},
    {WindowFamily::kNuttall, "nuttall"},
    {WindowFamily::kFlattop, "flattop"},
    {WindowFamily::kKaiser, "kaiser"},
    {WindowFamily::kGaussian, "gaussian"},
    {WindowFamily::kTukey, "tukey"},
    {WindowFamily::kSine, "sine"},
    {WindowFamily::kTriangular, "triangular"},
    {WindowFamily::kRectangular, "rectangular"},
    {WindowFamily::kSqrtHann, "sqrt_hann"},
    {WindowFamily::kCustom, "custom"},
};

// Generalised cosine window, symmetric of length m: sum_k (-1)^k a_k cos(2 pi k n / (m-1)).
// The modified Bessel function I0 by its power series sum (x^2/4)^k / (k!)^2: every term is
// positive, so it is accurate to a few ulp, and for Kaiser's arguments (x < 100) it is some 20
// times faster than std::cyl_bessel_i, which the window fit calls for every sample of every trial.
double BesselI0(double x) {
  const double q = 0.25 * x * x;
  double term = 1.0, sum = 1.0;
  for (int k = 1; k < 1000; ++k) {
    term *= q / (static_cast<double>(k) * k);
    sum += term;
    if (term <= 1e-17 * sum) break;
  }
  return sum;
}

std::vector<double> GeneralCosine(int m, const std::vector<double>& a) {
  std::vector<double> w(m, 1.0);
  if (m == 1) return w;
  for (int n = 0; n < m; ++n) {
    const double x = 2.0 * kPi * n / (m - 1);
    double v = 0.0;
    double sign = 1.0;
    for (size_t k = 0; k < a.size(); ++k) {
      v += sign * a[k] * std::cos(k * x);
      sign = -sign;
    }
    w[n] = v;
  }
  return w;
}

// scipy.signal.windows.triang, symmetric of length m.
std::vector<double> Triangular(int m) {
  std::vector<double> w(m);
  const int half = (m + 1) / 2;
  for (int i = 0; i < half; ++i) {
    const double n = i + 1;
    w[i] = (m % 2 == 0) ? (2.0 * n - 1.0) / m : 2.0 * n / (m + 1.0);
    w[m - 1 - i] = w[i];
  }
  return w;
}

// scipy.signal.windows.tukey, symmetric of length m.
std::vector<double> Tukey(int m, double alpha) {
  std::vector<double> w(m, 1.0);
  if (alpha <= 0.0 || m == 1) return w;
  if (alpha >= 1.0) return GeneralCosine(m, {0.5, 0.5});
  const int width = static_cast<int>(std::floor(alpha * (m - 1) / 2.0));
  for (int n = 0; n <= width && n < m; ++n)
    w[n] = 0.5 * (1.0 + std::cos(kPi * (-1.0 + 2.0 * n / alpha / (m - 1))));
  for (int n = m - width - 1; n < m; ++n)
    if (n >= 0) w[n] = 0.5 * (1.0 + std::cos(kPi * (-2.0 / alpha + 1.0 + 2.0 * n / alpha / (m - 1))));
  return w;
}

std::vector<double> Symmetric(WindowFamily family, double param, int m) {
  switch (family) {
    case WindowFamily::kHann: return GeneralCosine(m, {0.5, 0.5});
    case WindowFamily::kHamming: return GeneralCosine(m, {0.54, 0.46});
    case WindowFamily::kBlackman: return GeneralCosine(m, {0.42, 0.50, 0.08});
    case WindowFamily::kBlackmanHarris:
      return GeneralCosine(m, {0.35875, 0.48829, 0.14128, 0.01168});
    case WindowFamily::kNuttall:
      return GeneralCosine(m, {0.3635819, 0.4891775, 0.1365995, 0.0106411});
    case WindowFamily::kFlattop:
      return GeneralCosine(m, {0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368});
    case WindowFamily::kKaiser: {
      std::vector<double> w(m, 1.0);
      if (m == 1) return w;
      const double alpha = (m - 1) / 2.0;
      const double denom = BesselI0(param);
      for (int n = 0; n < m; ++n) {
        const double r = (n - alpha) / alpha;
        w[n] = BesselI0(param * std::sqrt(std::max(0.0, 1.0 - r * r))) / denom;
      }
      return w;
    }
    case WindowFamily::kGaussian: {
      std::vector<double> w(m);
      for (int n = 0; n < m; ++n) {
        const double x = n - (m - 1) / 2.0;
        w[n] = std::exp(-0.5 * x * x / (param * param));
      }
      return w;
    }
    case WindowFamily::kTukey: return Tukey(m, param);
    case WindowFamily::kSine: {
      std::vector<double> w(m);
      for (int n = 0; n < m; ++n) w[n] = std::sin(kPi / m * (n + 0.5));
      return w;
    }
    case WindowFamily::kTriangular: return Triangular(m);
    case WindowFamily::kRectangular: return std::vector<double>(m, 1.0);
    case WindowFamily::kSqrtHann: {
      std::vector<double> w = GeneralCosine(m, {0.5, 0.5});
      for (double& v : w) v = std::sqrt(std::max(0.0, v));
      return w;
    }
    case WindowFamily::kCustom: break;
  }
  throw std::invalid_argument("window family 'custom' has no formula");
}

}  // namespace

const char* WindowFamilyName(WindowFamily family) {
  for (const auto& entry : kNames)
    if (entry.family == family) return entry.name;
  return "custom";
}

std::optional<WindowFamily> ParseWindowFamily(const std::string& name) {
  for (const auto& entry : kNames)
    if (name == entry.name) return entry.family;
  // Common aliases users type.
  if (name == "hanning") return WindowFamily::kHann;
  if (name == "boxcar" || name == "rect" || name == "ones") return WindowFamily::kRectangular;
  if (name == "blackmanharris") return WindowFamily::kBlackmanHarris;
  if (name == "cosine") return WindowFamily::kSine;
  if (name == "triang") return WindowFamily::kTriangular;
  return std::nullopt;
}

bool WindowFamilyHasParam(WindowFamily family) {
  return family == WindowFamily::kKaiser || family == WindowFamily::kGaussian ||
         family == WindowFamily::kTukey;
}

const std::vector<WindowFamily>& AllWindowFamilies() {
  static const std::vector<WindowFamily> kAll = {
      WindowFamily::kHann,     WindowFamily::kHamming,     WindowFamily::kBlackman,
      WindowFamily::kBlackmanHarris, WindowFamily::kNuttall, WindowFamily::kFlattop,
      WindowFamily::kSine,     WindowFamily::kTriangular,  WindowFamily::kRectangular,
      WindowFamily::kSqrtHann, WindowFamily::kKaiser,      WindowFamily::kGaussian,
      WindowFamily::kTukey,
  };
  return kAll;
}

std::vector<double> MakeWindow(const WindowSpec& spec) {
  if (spec.length < 1)
    throw std::invalid_argument("window length = " + std::to_string(spec.length) +
                                ". Violated: length >= 1");
  if (spec.family == WindowFamily::kGaussian && !(spec.param > 0.0))
    throw std::invalid_argument("gaussian sigma must be > 0");
  if (spec.family == WindowFamily::kKaiser && !(spec.param >= 0.0))
    throw std::invalid_argument("kaiser beta must be >= 0");
  const int m = spec.length;
  if (spec.open_ends) {
    std::vector<double> w = Symmetric(spec.family, spec.param, m + 2);
    return std::vector<double>(w.begin() + 1, w.end() - 1);
  }
  if (spec.symmetric) return Symmetric(spec.family, spec.param, m);
  std::vector<double> w = Symmetric(spec.family, spec.param, m + 1);
  w.pop_back();
  return w;
}

std::string DescribeWindow(const WindowSpec& spec) {
  std::string s = WindowFamilyName(spec.family);
  if (WindowFamilyHasParam(spec.family)) {
    char buf[64];
    const char* pname = spec.family == WindowFamily::kKaiser     ? "beta"
                        : spec.family == WindowFamily::kGaussian ? "sigma"
                                                                 : "alpha";
    std::snprintf(buf, sizeof buf, " %s=%.4g", pname, spec.param);
    s += buf;
  }
  s += spec.open_ends ? " (symmetric, no zero ends, " : spec.symmetric ? " (symmetric, " : " (periodic, ";
  s += std::to_string(spec.length) + ")";
  return s;
}

}  // namespace specrecon
