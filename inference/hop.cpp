#include "inference/hop.h"

#include <algorithm>
#include <cmath>

#include "inference/evidence.h"

namespace specrecon {
namespace {

// Frames transposed to position-major order: t[n * pairs + p], so the inner loop over frame
// pairs reads contiguous memory.
struct Transposed {
  int n = 0;
  size_t pairs = 0;
  std::vector<double> a, b;
  std::vector<double> energy;  // per position, both frames, all pairs
  int active_begin = 0, active_end = 0;  // positions with energy
};

Transposed Transpose(const FramePairs& fp) {
  Transposed t;
  t.n = fp.n_fft;
  t.pairs = fp.a.size();
  t.a.resize(static_cast<size_t>(t.n) * t.pairs);
  t.b.resize(t.a.size());
  t.energy.assign(t.n, 0.0);
  for (size_t p = 0; p < t.pairs; ++p)
    for (int i = 0; i < t.n; ++i) {
      t.a[static_cast<size_t>(i) * t.pairs + p] = fp.a[p][i];
      t.b[static_cast<size_t>(i) * t.pairs + p] = fp.b[p][i];
      t.energy[i] += fp.a[p][i] * fp.a[p][i] + fp.b[p][i] * fp.b[p][i];
    }
  const double emax = t.n ? *std::max_element(t.energy.begin(), t.energy.end()) : 0.0;
  t.active_begin = 0;
  t.active_end = t.n;
  while (t.active_begin < t.n && t.energy[t.active_begin] <= 1e-12 * emax) ++t.active_begin;
  while (t.active_end > t.active_begin && t.energy[t.active_end - 1] <= 1e-12 * emax) --t.active_end;
  return t;
}

// The inconsistency over positions pos in [lo, hi) stepping by `step`, frame-start reference.
double Inconsistency(const Transposed& t, int a, int lo, int hi, int step) {
  double num = 0.0, den = 0.0, total = 0.0;
  const size_t np = t.pairs;
  for (int pos = lo; pos < hi; pos += step) {
    const double* u = t.b.data() + static_cast<size_t>(pos) * np;
    const double* v = t.a.data() + static_cast<size_t>(pos + a) * np;
    double uu = 0.0, vv = 0.0, uv = 0.0;
    for (size_t p = 0; p < np; ++p) {
      uu += u[p] * u[p];
      vv += v[p] * v[p];
      uv += u[p] * v[p];
    }
    total += uu + vv;
    num += uu * vv - uv * uv;
    den += uu * vv;
  }
  if (!(den > 0.0) || total == 0.0) return 1.0;
  return std::max(0.0, num / den);
}

// Positions for hop a: inside the frames' active span, with pos + a inside the frame.
void Span(const Transposed& t, int a, int max_positions, int* lo, int* hi, int* step) {
  *lo = std::max(0, t.active_begin - a);
  *hi = std::min(t.n - a, t.active_end);
  const int span = std::max(0, *hi - *lo);
  *step = std::max(1, span / std::max(1, max_positions));
}

}  // namespace

double HopInconsistency(const FramePairs& pairs, int a, int max_positions, int abs_sign) {
  const int n = pairs.n_fft;
  if (a < 1 || a >= n || pairs.a.empty()) return 1.0;
  if (abs_sign == 0) {
    const Transposed t = Transpose(pairs);
    int lo, hi, step;
    Span(t, a, max_positions, &lo, &hi, &step);
    return Inconsistency(t, a, lo, hi, step);
  }
  const int span = n - a;
  const int step = std::max(1, span / max_positions);
  double num = 0.0, den = 0.0, total = 0.0;
  for (int pos = 0; pos < span; pos += step) {
    double uu = 0.0, vv = 0.0, uv = 0.0;
    for (size_t p = 0; p < pairs.a.size(); ++p) {
      // y_m[j] = stored_m[(j + s m a) mod n]
      const long m = static_cast<long>(pairs.first[p] % static_cast<size_t>(n));
      long iu = (pos + abs_sign * ((m + 1) * a % n)) % n;
      long iv = (pos + a + abs_sign * (m * a % n)) % n;
      if (iu < 0) iu += n;
      if (iv < 0) iv += n;
      const double u = pairs.b[p][iu], v = pairs.a[p][iv];
      uu += u * u;
      vv += v * v;
      uv += u * v;
    }
    total += uu + vv;
    num += uu * vv - uv * uv;
    den += uu * vv;
  }
  if (!(den > 0.0) || total == 0.0) return 1.0;
  return std::max(0.0, num / den);
}

HopScan ScanHops(const FramePairs& pairs, int max_hop, int max_positions, int abs_sign) {
  HopScan s;
  max_hop = std::min(max_hop, pairs.n_fft - 1);
  s.digits.assign(std::max(0, max_hop) + 1, 0.0);
  if (max_hop < 1 || pairs.a.empty()) return s;
  // Stage 1: every hop on 16 positions; stage 2: the best 8 on max_positions.
  const int coarse = std::min(16, max_positions);
  if (abs_sign == 0) {
    const Transposed t = Transpose(pairs);
    for (int a = 1; a <= max_hop; ++a) {
      int lo, hi, step;
      Span(t, a, coarse, &lo, &hi, &step);
      s.digits[a] = Digits(Inconsistency(t, a, lo, hi, step));
    }
    std::vector<int> order(max_hop);
    for (int a = 1; a <= max_hop; ++a) order[a - 1] = a;
    const size_t top = std::min<size_t>(8, order.size());
    std::partial_sort(order.begin(), order.begin() + top, order.end(),
                      [&](int x, int y) { return s.digits[x] > s.digits[y]; });
    std::vector<double> sorted(s.digits.begin() + 1, s.digits.end());
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    s.median_digits = sorted[sorted.size() / 2];
    for (size_t i = 0; i < top; ++i) {
      const int a = order[i];
      int lo, hi, step;
      Span(t, a, max_positions, &lo, &hi, &step);
      s.digits[a] = Digits(Inconsistency(t, a, lo, hi, step));
    }
  } else {
    for (int a = 1; a <= max_hop; ++a) s.digits[a] = Digits(HopInconsistency(pairs, a, coarse, abs_sign));
    std::vector<double> sorted(s.digits.begin() + 1, s.digits.end());
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    s.median_digits = sorted[sorted.size() / 2];
    std::vector<int> order(max_hop);
    for (int a = 1; a <= max_hop; ++a) order[a - 1] = a;
    const size_t top = std::min<size_t>(8, order.size());
    std::partial_sort(order.begin(), order.begin() + top, order.end(),
                      [&](int x, int y) { return s.digits[x] > s.digits[y]; });
    for (size_t i = 0; i < top; ++i)
      s.digits[order[i]] = Digits(HopInconsistency(pairs, order[i], max_positions, abs_sign));
  }
  PickBestHops(&s);
  return s;
}

void PickBestHops(HopScan* s) {
  const int max_hop = static_cast<int>(s->digits.size()) - 1;
  for (int a = 1; a <= max_hop; ++a)
    if (s->best == 0 || s->digits[a] > s->best_digits) {
      s->best = a;
      s->best_digits = s->digits[a];
    }
  for (int a = 1; a <= max_hop; ++a)
    if (a != s->best && (s->runner_up == 0 || s->digits[a] > s->runner_up_digits)) {
      s->runner_up = a;
      s->runner_up_digits = s->digits[a];
    }
}

}  // namespace specrecon
