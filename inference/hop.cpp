#include "inference/hop.h"

#include <algorithm>
#include <cmath>

#include "inference/evidence.h"

namespace specrecon {

double HopInconsistency(const FramePairs& pairs, int a, int max_positions) {
  const int n = pairs.n_fft;
  if (a < 1 || a >= n || pairs.a.empty()) return 1.0;
  const int span = n - a;
  const int step = std::max(1, span / max_positions);
  double num = 0.0, den = 0.0;
  double total_uu = 0.0;
  const size_t count = pairs.a.size();
  for (int pos = 0; pos < span; pos += step) {
    double uu = 0.0, vv = 0.0, uv = 0.0;
    for (size_t p = 0; p < count; ++p) {
      const double u = pairs.b[p][pos];
      const double v = pairs.a[p][pos + a];
      uu += u * u;
      vv += v * v;
      uv += u * v;
    }
    total_uu += uu + vv;
    num += uu * vv - uv * uv;
    den += uu * vv;
  }
  // Nothing overlaps (or all silent): no evidence for this hop.
  if (!(den > 0.0) || total_uu == 0.0) return 1.0;
  return std::max(0.0, num / den);
}

HopScan ScanHops(const FramePairs& pairs, int max_hop, int max_positions) {
  HopScan s;
  max_hop = std::min(max_hop, pairs.n_fft - 1);
  s.digits.assign(std::max(0, max_hop) + 1, 0.0);
  for (int a = 1; a <= max_hop; ++a) {
    s.digits[a] = Digits(HopInconsistency(pairs, a, max_positions));
  }
  if (max_hop >= 1) {
    std::vector<double> sorted(s.digits.begin() + 1, s.digits.end());
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    s.median_digits = sorted[sorted.size() / 2];
  }
  for (int a = 1; a <= max_hop; ++a) {
    if (s.best == 0 || s.digits[a] > s.best_digits) {
      s.best = a;
      s.best_digits = s.digits[a];
    }
  }
  for (int a = 1; a <= max_hop; ++a) {
    if (a == s.best) continue;
    if (s.runner_up == 0 || s.digits[a] > s.runner_up_digits) {
      s.runner_up = a;
      s.runner_up_digits = s.digits[a];
    }
  }
  return s;
}

}  // namespace specrecon
