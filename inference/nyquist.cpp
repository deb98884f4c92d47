#include "inference/nyquist.h"

#include <algorithm>
#include <cmath>

#include "src/fft.h"

namespace specrecon {

int EstimateNyquistFromTails(FramePairs* pairs) {
  const int n = pairs->n_fft;
  if (n % 2 != 0 || pairs->a.empty()) return 0;
  std::vector<std::vector<double>*> frames;
  for (auto& f : pairs->a) frames.push_back(&f);
  for (auto& f : pairs->b) frames.push_back(&f);
  // s_n = (-1)^n / n. A silent region holds only the alternating component, so there
  // y[i] + y[i+1] = 0 in every frame; audio is smooth and does not cancel so.
  std::vector<double> pair_energy(n, 0.0);
  for (auto* f : frames)
    for (int i = 0; i + 1 < n; ++i) {
      const double v = (*f)[i] + (*f)[i + 1];
      pair_energy[i] += v * v;
      pair_energy[i + 1] += v * v;
    }
  const double pmax = *std::max_element(pair_energy.begin(), pair_energy.end());
  std::vector<char> silent(n, 0);
  int initial = 0;
  for (int i = 0; i < n; ++i) {
    silent[i] = pair_energy[i] <= 1e-9 * pmax;
    initial += silent[i];
  }
  if (initial < 4) return 0;
  std::vector<double> c(frames.size(), 0.0);
  int count = n;
  for (int iter = 0; iter < 4; ++iter) {
    for (size_t f = 0; f < frames.size(); ++f) {
      const std::vector<double>& y = *frames[f];
      double num = 0.0, den = 0.0;
      for (int i = 0; i < n; ++i) {
        if (!silent[i]) continue;
        const double s = (i % 2 ? -1.0 : 1.0) / n;
        num += y[i] * s;
        den += s * s;
      }
      c[f] = den > 0.0 ? -num / den : 0.0;
    }
    std::vector<double> e(n, 0.0);
    for (size_t f = 0; f < frames.size(); ++f)
      for (int i = 0; i < n; ++i) {
        const double v = (*frames[f])[i] + c[f] * (i % 2 ? -1.0 : 1.0) / n;
        e[i] += v * v;
      }
    const double emax = *std::max_element(e.begin(), e.end());
    count = 0;
    for (int i = 0; i < n; ++i) {
      silent[i] = e[i] <= 1e-9 * emax;
      count += silent[i];
    }
    if (count < 4) return 0;  // no zero padding: the tails say nothing
  }
  for (size_t f = 0; f < frames.size(); ++f)
    for (int i = 0; i < n; ++i) (*frames[f])[i] += c[f] * (i % 2 ? -1.0 : 1.0) / n;
  return count;
}

double RestoreNyquist(Spectrogram* spec, const std::vector<double>& w, int hop) {
  const int n = static_cast<int>(w.size());
  const int frames = spec->frames;
  if (n % 2 != 0 || frames < 1) return 0.0;
  const int ny = n / 2;
  RealFft fft(n);
  // Time-domain frames without the Nyquist bin.
  std::vector<std::vector<double>> y(frames, std::vector<double>(n));
  for (int m = 0; m < frames; ++m) {
    spec->frame(m)[ny] = 0.0;
    fft.Inverse(spec->frame(m), y[m].data());
  }
  auto s = [n](int i) { return (i % 2 ? -1.0 : 1.0) / n; };
  // Normal equations of a tridiagonal least-squares problem in c_0..c_{F-1}:
  // diag[m] c_m + off[m] c_{m+1} (+ off[m-1] c_{m-1}) = rhs[m].
  std::vector<double> diag(frames, 0.0), off(frames, 0.0), rhs(frames, 0.0);
  double wmax = 0.0;
  for (double v : w) wmax = std::max(wmax, std::abs(v));
  for (int m = 0; m < frames; ++m) {
    // Zeros of the window: y_m[i] + c_m s_i = 0.
    for (int i = 0; i < n; ++i) {
      if (std::abs(w[i]) > 1e-12 * wmax) continue;
      diag[m] += s(i) * s(i);
      rhs[m] -= y[m][i] * s(i);
    }
    if (m + 1 >= frames || hop >= n) continue;
    // Overlap: w1 (u0 + c_{m+1} s_i) = w0 (v0 + c_m s_{i+a})  =>  A c_{m+1} - B c_m = R.
    for (int i = 0; i + hop < n; ++i) {
      const double w0 = w[i], w1 = w[i + hop];
      if (w0 == 0.0 && w1 == 0.0) continue;
      const double a = w1 * s(i), b = w0 * s(i + hop);
      const double r = w0 * y[m][i + hop] - w1 * y[m + 1][i];
      // residual: a c_{m+1} - b c_m - r
      diag[m + 1] += a * a;
      diag[m] += b * b;
      off[m] += -a * b;
      rhs[m + 1] += a * r;
      rhs[m] += -b * r;
    }
  }
  // Thomas algorithm (symmetric tridiagonal), with a tiny ridge for frames nothing constrains.
  double dmax = 0.0;
  for (double d : diag) dmax = std::max(dmax, d);
  std::vector<double> cp(frames, 0.0), dp(frames, 0.0), c(frames, 0.0);
  for (int m = 0; m < frames; ++m) {
    const double d = diag[m] + 1e-12 * dmax + 1e-300;
    const double lower = m > 0 ? off[m - 1] : 0.0;
    const double denom = d - (m > 0 ? lower * cp[m - 1] : 0.0);
    cp[m] = off[m] / denom;
    dp[m] = (rhs[m] - (m > 0 ? lower * dp[m - 1] : 0.0)) / denom;
  }
  for (int m = frames - 1; m >= 0; --m) c[m] = dp[m] - (m + 1 < frames ? cp[m] * c[m + 1] : 0.0);
  double cs = 0.0, all = 0.0;
  for (int m = 0; m < frames; ++m) {
    spec->frame(m)[ny] = c[m];
    cs += c[m] * c[m];
    for (int k = 0; k < spec->bins; ++k) all += std::norm(spec->frame(m)[k]);
  }
  return all > 0 ? std::sqrt(cs / frames) / std::sqrt(all / (static_cast<double>(frames) * spec->bins)) : 0.0;
}

}  // namespace specrecon
