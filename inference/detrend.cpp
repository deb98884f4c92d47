#include "inference/detrend.h"

#include <algorithm>
#include <cmath>

#include "inference/evidence.h"
#include "inference/hop.h"
#include "src/fft.h"

namespace specrecon {

double DetrendedHopInconsistency(const FramePairs& pairs, int a, int max_positions) {
  const int n = pairs.n_fft;
  const size_t np = pairs.a.size();
  if (a < 1 || a >= n || np < 3) return 1.0;
  // S = sum_n c_n Q_n Q_n^T, Q_n an orthonormal basis of span(u_n, v_n), c_n the weaker
  // vector's energy (noise-only positions have random planes and little weight).
  std::vector<double> s(np * np, 0.0);
  double weight = 0.0;
  const int span = n - a;
  const int step = std::max(1, span / max_positions);
  std::vector<double> q1(np), q2(np);
  int used = 0;
  for (int pos = 0; pos < span; pos += step) {
    double uu = 0.0, vv = 0.0, uv = 0.0;
    for (size_t p = 0; p < np; ++p) {
      const double u = pairs.b[p][pos], v = pairs.a[p][pos + a];
      uu += u * u;
      vv += v * v;
      uv += u * v;
    }
    if (!(uu > 0.0) || !(vv > 0.0)) continue;
    // Gram-Schmidt.
    const double nu = std::sqrt(uu);
    for (size_t p = 0; p < np; ++p) q1[p] = pairs.b[p][pos] / nu;
    double proj = uv / nu, r2 = 0.0;
    for (size_t p = 0; p < np; ++p) {
      q2[p] = pairs.a[p][pos + a] - proj * q1[p];
      r2 += q2[p] * q2[p];
    }
    const double c = std::min(uu, vv);
    weight += c;
    ++used;
    const bool plane = r2 > 1e-20 * vv;
    const double nq2 = plane ? std::sqrt(r2) : 1.0;
    for (size_t i = 0; i < np; ++i)
      for (size_t j = 0; j < np; ++j) {
        double v = q1[i] * q1[j];
        if (plane) v += (q2[i] / nq2) * (q2[j] / nq2);
        s[i * np + j] += c * v;
      }
  }
  // A vector always lies in one plane, and nearly in a few: demand enough positions.
  if (!(weight > 0.0) || used < 8 || used * 2 < static_cast<int>(std::min<size_t>(np, 16))) return 1.0;
  // Largest eigenvalue by power iteration.
  std::vector<double> x(np, 1.0), y(np);
  double lambda = 0.0;
  for (int it = 0; it < 60; ++it) {
    double norm = 0.0;
    for (size_t i = 0; i < np; ++i) {
      double acc = 0.0;
      for (size_t j = 0; j < np; ++j) acc += s[i * np + j] * x[j];
      y[i] = acc;
      norm += acc * acc;
    }
    norm = std::sqrt(norm);
    if (!(norm > 0.0)) return 1.0;
    double change = 0.0;
    for (size_t i = 0; i < np; ++i) {
      const double nx = y[i] / norm;
      change += (nx - x[i]) * (nx - x[i]);
      x[i] = nx;
    }
    lambda = norm;
    if (change < 1e-24) break;
  }
  return std::max(0.0, 1.0 - lambda / weight);
}

HopScan ScanDetrendedHops(const FramePairs& pairs, int max_hop, int max_positions) {
  HopScan s;
  max_hop = std::min(max_hop, pairs.n_fft - 1);
  s.digits.assign(std::max(0, max_hop) + 1, 0.0);
  if (max_hop < 1) return s;
  for (int a = 1; a <= max_hop; ++a) s.digits[a] = Digits(DetrendedHopInconsistency(pairs, a, 8));
  std::vector<double> sorted(s.digits.begin() + 1, s.digits.end());
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  s.median_digits = sorted[sorted.size() / 2];
  std::vector<int> order(max_hop);
  for (int a = 1; a <= max_hop; ++a) order[a - 1] = a;
  const size_t top = std::min<size_t>(8, order.size());
  std::partial_sort(order.begin(), order.begin() + top, order.end(),
                    [&](int x, int y) { return s.digits[x] > s.digits[y]; });
  for (size_t i = 0; i < top; ++i) s.digits[order[i]] = Digits(DetrendedHopInconsistency(pairs, order[i], max_positions));
  PickBestHops(&s);
  return s;
}

double DetrendedWindowInconsistency(const FramePairs& pairs, int hop, const std::vector<double>& w) {
  const int n = pairs.n_fft;
  const int span = n - hop;
  if (span <= 0) return 1.0;
  double num = 0.0, den = 0.0;
  for (size_t p = 0; p < pairs.a.size(); ++p) {
    // r_n = w1 u - w0 v + delta w0 w1: delta by least squares.
    double rg = 0.0, gg = 0.0, rr = 0.0, d = 0.0;
    for (int i = 0; i < span; ++i) {
      const double w0 = w[i], w1 = w[i + hop];
      const double u = pairs.b[p][i], v = pairs.a[p][i + hop];
      const double r = w1 * u - w0 * v, g = w0 * w1;
      rg += r * g;
      gg += g * g;
      rr += r * r;
      d += w1 * w1 * u * u + w0 * w0 * v * v;
    }
    num += gg > 0.0 ? rr - rg * rg / gg : rr;
    den += d;
  }
  if (!(den > 0.0)) return 1.0;
  return std::max(0.0, num / den);
}

size_t UndoDetrend(Spectrogram* spec, const std::vector<double>& w, int hop, int win_length) {
  const int n = static_cast<int>(w.size());
  const int frames = spec->frames;
  if (frames < 2 || hop >= n) return 0;
  RealFft fft(n);
  std::vector<double> ya(n), yb(n);
  // delta_m = mu_m - mu_{m+1} from each consecutive pair.
  std::vector<double> mu(frames, 0.0);
  size_t estimated = 0;
  fft.Inverse(spec->frame(0), ya.data());
  for (int m = 0; m + 1 < frames; ++m) {
    fft.Inverse(spec->frame(m + 1), yb.data());
    double rg = 0.0, gg = 0.0;
    for (int i = 0; i + hop < n; ++i) {
      const double w0 = w[i], w1 = w[i + hop];
      const double r = w1 * yb[i] - w0 * ya[i + hop], g = w0 * w1;
      rg += r * g;
      gg += g * g;
    }
    // w1 u - w0 v = w0 w1 (mu_m - mu_{m+1}) with u = w0 (x - mu_{m+1}), v = w1 (x - mu_m).
    const double delta = gg > 0.0 ? rg / gg : 0.0;
    if (gg > 0.0) ++estimated;
    mu[m + 1] = mu[m] - delta;
    std::swap(ya, yb);
  }
  // The overall constant is lost with the segment means; take the one that gives the signal
  // zero mean: x = y/w + mu over each frame's support, mean of y/w is zero by construction.
  double mean = 0.0;
  for (double v : mu) mean += v;
  mean /= frames;
  // Add mu_m * W (the window's spectrum) to every frame.
  std::vector<std::complex<double>> wspec(n / 2 + 1);
  fft.Forward(w.data(), wspec.data());
  for (int m = 0; m < frames; ++m) {
    const double c = mu[m] - mean;
    std::complex<double>* f = spec->frame(m);
    for (int k = 0; k < spec->bins; ++k) f[k] += c * wspec[k];
  }
  (void)win_length;
  return estimated;
}

}  // namespace specrecon
