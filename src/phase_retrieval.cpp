#include "src/phase_retrieval.h"

#include <algorithm>
#include <array>
#include <limits>
#include <cmath>
#include <complex>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <numeric>
#include <queue>
#include <stdexcept>
#include <string>
#include <thread>

#include "src/fft.h"

namespace specrecon {
namespace {

using cd = std::complex<double>;
constexpr double kPi = 3.14159265358979323846;

// Hot loops, each compiled for AVX2/FMA as well as for the baseline and chosen at run time
// (target_clones): written without branches so that they vectorise.
#define SPECRECON_HOT __attribute__((target_clones("arch=x86-64-v3", "default")))

SPECRECON_HOT void MultiplyInto(const double* x, const double* w, double* out, int n) {
  for (int i = 0; i < n; ++i) out[i] = x[i] * w[i];
}
SPECRECON_HOT void MultiplyAdd(const double* x, const double* w, double* y, int n) {
  for (int i = 0; i < n; ++i) y[i] += x[i] * w[i];
}
// sum_k (|c_k| - mag_k)^2 over interleaved (re, im) pairs.
SPECRECON_HOT double FrameErrorKernel(const double* c, const double* mag, int bins) {
  double e = 0.0;
  for (int k = 0; k < bins; ++k) {
    const double d = std::sqrt(c[2 * k] * c[2 * k] + c[2 * k + 1] * c[2 * k + 1]) - mag[k];
    e += d * d;
  }
  return e;
}

// Runs fn(begin, end, slot) over [0, n) in `threads` contiguous chunks; the caller runs chunk 0
// and one persistent worker per further chunk runs the others. Run() returns when all are done.
class WorkerPool {
 public:
  explicit WorkerPool(int threads) : slots_(std::max(1, threads)) {
    for (int i = 1; i < slots_; ++i) workers_.emplace_back([this, i] { Loop(i); });
  }
  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    start_.notify_all();
    for (std::thread& t : workers_) t.join();
  }
  int slots() const { return slots_; }

  void Run(int n, const std::function<void(int, int, int)>& fn) {
    if (workers_.empty() || n < 4 * slots_) {
      fn(0, n, 0);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      job_ = &fn;
      n_ = n;
      pending_ = static_cast<int>(workers_.size());
      ++generation_;
    }
    start_.notify_all();
    fn(0, Begin(n, 1), 0);
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [this] { return pending_ == 0; });
  }

 private:
  int Begin(int n, int slot) const { return static_cast<int>(static_cast<long long>(n) * slot / slots_); }
  void Loop(int slot) {
    unsigned long long seen = 0;
    for (;;) {
      const std::function<void(int, int, int)>* job;
      int n;
      {
        std::unique_lock<std::mutex> lock(mu_);
        start_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        job = job_;
        n = n_;
      }
      (*job)(Begin(n, slot), Begin(n, slot + 1), slot);
      std::lock_guard<std::mutex> lock(mu_);
      if (--pending_ == 0) done_.notify_one();
    }
  }

  int slots_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable start_, done_;
  const std::function<void(int, int, int)>* job_ = nullptr;
  int n_ = 0;
  int pending_ = 0;
  unsigned long long generation_ = 0;
  bool stop_ = false;
};

// The STFT pair of one geometry with reusable plans and buffers. Frames are processed in fixed
// blocks of kBlock consecutive frames; inverse frames (already multiplied by the window) are
// summed into their block's buffer, and OverlapAdd() sums the blocks, in block order, into `x`
// divided by sum_m w^2 (the canonical dual). The order of every sum is fixed by the blocks, not by
// the threads, so results do not depend on the thread count.
class Engine {
 public:
  static constexpr int kBlock = 32;
  static constexpr double kTaperRegularisation = 1e-4;  // relative to max sum_m w^2

  Engine(const std::vector<double>& window, int hop, int frames, int threads)
      : n_(static_cast<int>(window.size())), hop_(hop), frames_(frames), bins_(n_ / 2 + 1),
        w_(window), pool_(threads) {
    length_ = static_cast<size_t>(frames - 1) * hop + n_;
    inv_norm_.assign(length_, 0.0);
    for (int m = 0; m < frames; ++m)
      for (int i = 0; i < n_; ++i) inv_norm_[static_cast<size_t>(m) * hop + i] += w_[i] * w_[i];
    // Regularised dual: x = sum_m w y_m / (sum_m w^2 + eps). Where only window tapers reach,
    // the exact inverse divides by nearly zero and a retrieved phase leaves those samples free
    // to grow thousands of times louder than the signal; eps keeps them quiet (as the padding
    // of centred frames is) at a negligible cost in consistency elsewhere.
    double cmax = 0.0;
    for (double v : inv_norm_) cmax = std::max(cmax, v);
    const double eps = kTaperRegularisation * cmax;
    for (double& v : inv_norm_) v = v > 0.0 ? 1.0 / (v + eps) : 0.0;
    for (int s = 0; s < pool_.slots(); ++s) fft_.push_back(std::make_unique<RealFft>(n_));
    w_scaled_.resize(n_);
    for (int i = 0; i < n_; ++i) w_scaled_[i] = w_[i] / n_;  // the inverse FFT's 1/N folded in
    blocks_ = (frames + kBlock - 1) / kBlock;
    for (int b = 0; b < blocks_; ++b) {
      const int last = std::min(frames, (b + 1) * kBlock) - 1;
      acc_.emplace_back(static_cast<size_t>(last - b * kBlock) * hop + n_, 0.0);
    }
    x_.assign(length_, 0.0);
  }

  int n() const { return n_; }
  int bins() const { return bins_; }
  int frames() const { return frames_; }
  size_t length() const { return length_; }
  std::vector<double>& x() { return x_; }
  WorkerPool& pool() { return pool_; }

  // fn(m, slot) for every frame, in parallel over blocks, in frame order within a block. With
  // `inverse`, each block's buffer is cleared first (fn then calls InverseBuffer for each frame).
  void ForFrames(bool inverse, const std::function<void(int, int)>& fn) {
    pool_.Run(blocks_, [&](int b0, int b1, int slot) {
      for (int b = b0; b < b1; ++b) {
        if (inverse) std::fill(acc_[b].begin(), acc_[b].end(), 0.0);
        const int m1 = std::min(frames_, (b + 1) * kBlock);
        for (int m = b * kBlock; m < m1; ++m) fn(m, slot);
      }
    });
  }
  // The slot's spectrum buffer: ForwardFrame() leaves frame m's bins there, and InverseBuffer()
  // transforms what the caller left there (kernels work in place).
  cd* Buffer(int slot) { return fft_[slot]->freq_data(); }
  // Frame m of x into Buffer(slot).
  cd* ForwardFrame(int m, int slot) {
    RealFft& f = *fft_[slot];
    MultiplyInto(x_.data() + static_cast<size_t>(m) * hop_, w_.data(), f.time_data(), n_);
    f.ForwardInPlace();
    return f.freq_data();
  }
  void ForwardFrame(int m, cd* out, int slot) {
    const cd* c = ForwardFrame(m, slot);
    std::copy(c, c + bins_, out);
  }
  // Inverse of Buffer(slot), windowed, added to frame m's place in its block's buffer.
  void InverseBuffer(int m, int slot) {
    RealFft& f = *fft_[slot];
    f.InverseInPlace();
    const int b = m / kBlock;
    MultiplyAdd(f.time_data(), w_scaled_.data(), acc_[b].data() + static_cast<size_t>(m - b * kBlock) * hop_, n_);
  }
  void OverlapAdd() {
    const int segments = pool_.slots() * 4;
    const size_t span = static_cast<size_t>(kBlock) * hop_;
    pool_.Run(segments, [&](int s0, int s1, int) {
      for (int s = s0; s < s1; ++s) {
        const size_t t0 = length_ * s / segments, t1 = length_ * (s + 1) / segments;
        std::fill(x_.begin() + t0, x_.begin() + t1, 0.0);
        for (int b = 0; b < blocks_; ++b) {
          const size_t start = span * b, end = start + acc_[b].size();
          if (end <= t0) continue;
          if (start >= t1) break;
          const double* a = acc_[b].data() - start;
          for (size_t t = std::max(t0, start); t < std::min(t1, end); ++t) x_[t] += a[t];
        }
        for (size_t t = t0; t < t1; ++t) x_[t] *= inv_norm_[t];
      }
    });
  }

 private:
  int n_, hop_, frames_, bins_;
  size_t length_ = 0;
  int blocks_ = 0;
  std::vector<double> w_, w_scaled_, inv_norm_, x_;
  std::vector<std::vector<double>> acc_;
  WorkerPool pool_;
  std::vector<std::unique_ptr<RealFft>> fft_;
};

// P_B: the magnitude constraint on the stored bins; bins beyond them (a dropped Nyquist) free.
inline double Abs(cd t) { return std::sqrt(t.real() * t.real() + t.imag() * t.imag()); }  // not hypot: 5x faster
inline cd Project(cd t, double mag) {
  const double a = Abs(t);
  return a > 0.0 ? t * (mag / a) : cd(mag, 0.0);
}

// One frame of fast Griffin-Lim, in place: c holds the STFT frame of the last estimate and
// receives p: t = c + alpha (c - prev) (t = c on the first iteration), prev = c, p = P_B(t) on
// the `stored` bins and t beyond. Interleaved (re, im) doubles; a zero t projects to (mag, 0).
SPECRECON_HOT void FglaFrame(double* c, double* prev, const double* mag, int stored, int bins, double alpha, bool first) {
  const double a = first ? 0.0 : alpha;
  for (int k = 0; k < stored; ++k) {
    const double cr = c[2 * k], ci = c[2 * k + 1];
    const double tr = cr + a * (cr - prev[2 * k]), ti = ci + a * (ci - prev[2 * k + 1]);
    prev[2 * k] = cr;
    prev[2 * k + 1] = ci;
    const double n2 = tr * tr + ti * ti;
    const double zero = static_cast<double>(n2 <= 0.0);
    const double g = mag[k] / std::sqrt(n2 + zero);
    c[2 * k] = (tr + zero) * g;
    c[2 * k + 1] = ti * g;
  }
  for (int k = stored; k < bins; ++k) {
    const double cr = c[2 * k], ci = c[2 * k + 1];
    c[2 * k] = cr + a * (cr - prev[2 * k]);
    c[2 * k + 1] = ci + a * (ci - prev[2 * k + 1]);
    prev[2 * k] = cr;
    prev[2 * k + 1] = ci;
  }
}

// One frame of RAAR, in place: q holds the consistent frame (the STFT of the inverse of the
// reflection r = 2 P_B(z) - z) and receives the next reflection. With pb = P_B(z):
// z = beta/2 (2q - r + z) + (1 - beta) pb; then r_next = 2 P_B(z) - z. Interleaved doubles.
SPECRECON_HOT void RaarFrame(double* q, double* z, const double* mag, int stored, int bins, double beta) {
  for (int k = 0; k < stored; ++k) {
    double zr = z[2 * k], zi = z[2 * k + 1];
    double n2 = zr * zr + zi * zi;
    double zero = static_cast<double>(n2 <= 0.0);
    double g = mag[k] / std::sqrt(n2 + zero);
    const double pr = (zr + zero) * g, pi = zi * g;
    const double rr = 2.0 * pr - zr, ri = 2.0 * pi - zi;
    zr = 0.5 * beta * (2.0 * q[2 * k] - rr + zr) + (1.0 - beta) * pr;
    zi = 0.5 * beta * (2.0 * q[2 * k + 1] - ri + zi) + (1.0 - beta) * pi;
    z[2 * k] = zr;
    z[2 * k + 1] = zi;
    n2 = zr * zr + zi * zi;
    zero = static_cast<double>(n2 <= 0.0);
    g = mag[k] / std::sqrt(n2 + zero);
    q[2 * k] = 2.0 * (zr + zero) * g - zr;
    q[2 * k + 1] = 2.0 * zi * g - zi;
  }
  for (int k = stored; k < bins; ++k) {  // free bins: P_B is the identity
    z[2 * k] = beta * q[2 * k] + (1.0 - beta) * z[2 * k];
    z[2 * k + 1] = beta * q[2 * k + 1] + (1.0 - beta) * z[2 * k + 1];
    q[2 * k] = z[2 * k];
    q[2 * k + 1] = z[2 * k + 1];
  }
}

}  // namespace

double GaussianEquivalentLambda(const WindowSpec& spec) {
  const double l = spec.length;
  switch (spec.family) {
    case WindowFamily::kHann: return 0.25645 * l * l;
    case WindowFamily::kHamming: return 0.29794 * l * l;
    case WindowFamily::kBlackman: return 0.17954 * l * l;
    case WindowFamily::kRectangular: return 0.85732 * l * l;
    case WindowFamily::kTriangular: return 0.27561 * l * l;
    case WindowFamily::kSine:
    case WindowFamily::kSqrtHann: return 0.41207 * l * l;
    case WindowFamily::kGaussian: return 2.0 * kPi * spec.param * spec.param;
    default: break;
  }
  // 4 pi times the time variance of w^2 is exact for a Gaussian and within 2% of the published
  // values for Hann, Hamming and Blackman (it is 1.9% low for Hann; scale by that).
  const std::vector<double> w = MakeWindow(spec);
  double s0 = 0.0, s1 = 0.0, s2 = 0.0;
  for (size_t i = 0; i < w.size(); ++i) {
    const double e = w[i] * w[i];
    s0 += e;
    s1 += e * i;
    s2 += e * double(i) * i;
  }
  if (s0 <= 0.0) return 0.25645 * l * l;
  const double mean = s1 / s0;
  const double var = s2 / s0 - mean * mean;
  return 4.0 * kPi * var * (0.25645 / 0.25142);
}

Spectrogram PghiSpectrogram(const MagnitudeView& mag, int n, const std::vector<double>& window,
                            int hop, double lambda, double rel_tol) {
  const int frames = mag.frames, kb = mag.bins, bins = n / 2 + 1;
  if (static_cast<int>(window.size()) != n || hop < 1 || frames < 1 || (kb != bins && kb != n / 2) || !(lambda > 0))
    throw std::invalid_argument("PGHI: inconsistent sizes");
  Spectrogram out;
  out.frames = frames;
  out.bins = bins;
  out.data.assign(static_cast<size_t>(frames) * bins, cd(0.0, 0.0));
  double mmax = 0.0;
  for (size_t i = 0; i < static_cast<size_t>(frames) * kb; ++i) mmax = std::max(mmax, mag.data[i]);
  if (!(mmax > 0.0)) return out;
  const size_t cells = static_cast<size_t>(frames) * kb;
  std::vector<double> s(cells);
  const double floor_log = std::log(mmax) + std::log(rel_tol);
  for (size_t i = 0; i < cells; ++i) s[i] = mag.data[i] > 0.0 ? std::max(std::log(mag.data[i]), floor_log) : floor_log;
  auto S = [&](int m, int k) { return s[static_cast<size_t>(m) * kb + k]; };
  // Phase derivatives of the frame-centre-referenced STFT of a Gaussian window:
  // d(phase)/dt = 2 pi k/n + (n/lambda) ds/dk, d(phase)/d(omega) = -lambda ds/dt.
  // (Computed where the heap needs them rather than stored: large dumps have tens of millions
  // of cells.)
  auto tgrad = [&](size_t i) {
    const int m = static_cast<int>(i / kb), k = static_cast<int>(i % kb);
    double dsdk;
    if (k == 0) dsdk = 0.0;  // |X[-1]| = |X[1]|
    else if (k < kb - 1) dsdk = 0.5 * (S(m, k + 1) - S(m, k - 1));
    else if (kb == bins && n % 2 == 0) dsdk = 0.0;  // Nyquist: symmetric
    else if (kb == bins) dsdk = 0.5 * (S(m, k) - S(m, k - 1));  // odd n: |X[K]| = |X[K-1]|
    else dsdk = S(m, k) - S(m, k - 1);  // Nyquist dropped
    return hop * (2.0 * kPi * k / n + n * dsdk / lambda);
  };
  auto fgrad = [&](size_t i) {
    const int m = static_cast<int>(i / kb), k = static_cast<int>(i % kb);
    double dsdm;
    if (frames == 1) dsdm = 0.0;
    else if (m == 0) dsdm = S(1, k) - S(0, k);
    else if (m == frames - 1) dsdm = S(m, k) - S(m - 1, k);
    else dsdm = 0.5 * (S(m + 1, k) - S(m - 1, k));
    return -lambda * dsdm / (static_cast<double>(n) * hop);
  };
  // Heap integration from the largest cells outwards.
  const double small = rel_tol * mmax;
  std::vector<unsigned char> done(cells, 0);
  std::vector<double> phase(cells, 0.0);
  std::vector<size_t> order(cells);
  std::iota(order.begin(), order.end(), size_t(0));
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return mag.data[a] > mag.data[b] || (mag.data[a] == mag.data[b] && a < b);
  });
  for (size_t i = 0; i < cells; ++i)
    if (mag.data[i] <= small) done[i] = 1;
  std::priority_queue<std::pair<double, size_t>> heap;
  for (size_t oi = 0; oi < cells; ++oi) {
    const size_t start = order[oi];
    if (done[start]) continue;
    done[start] = 1;
    phase[start] = 0.0;
    heap.push({mag.data[start], start});
    while (!heap.empty()) {
      const size_t i = heap.top().second;
      heap.pop();
      const int m = static_cast<int>(i / kb), k = static_cast<int>(i % kb);
      auto visit = [&](int mm, int kk, bool time_step, int dir) {
        if (mm < 0 || mm >= frames || kk < 0 || kk >= kb) return;
        const size_t j = static_cast<size_t>(mm) * kb + kk;
        if (done[j]) return;
        phase[j] = phase[i] + dir * 0.5 * (time_step ? tgrad(i) + tgrad(j) : fgrad(i) + fgrad(j));
        done[j] = 1;
        heap.push({mag.data[j], j});
      };
      visit(m + 1, k, true, 1);
      visit(m - 1, k, true, -1);
      visit(m, k + 1, false, 1);
      visit(m, k - 1, false, -1);
    }
  }
  // Frame-centre reference -> frame-start reference: shift by the window's centre.
  double c0 = 0.0, c1 = 0.0;
  for (int i = 0; i < n; ++i) {
    c0 += std::abs(window[i]);
    c1 += std::abs(window[i]) * i;
  }
  const double centre = c0 > 0.0 ? c1 / c0 : 0.5 * n;
  for (int m = 0; m < frames; ++m)
    for (int k = 0; k < kb; ++k) {
      const size_t i = static_cast<size_t>(m) * kb + k;
      double ph = phase[i] - 2.0 * kPi * k * centre / n;
      if (k == 0 || (k == n / 2 && n % 2 == 0)) ph = std::cos(ph) >= 0.0 ? 0.0 : kPi;  // real bins
      out.data[static_cast<size_t>(m) * bins + k] = std::polar(mag.data[i], ph);
    }
  return out;
}

namespace {

// The projection loops. State between calls: `c_` holds the STFT of the last signal estimate
// (fast Griffin-Lim) and the engine's frame buffer holds the frames of the next inverse.
class Retriever {
 public:
  Retriever(const MagnitudeView& mag, const std::vector<double>& window, int hop,
            const PhaseRetrievalOptions& o)
      : mag_(mag), eng_(window, hop, mag.frames, o.threads), o_(o), window_(window), hop_(hop) {
    cells_ = static_cast<size_t>(mag.frames) * eng_.bins();
    c_.assign(cells_, cd(0.0, 0.0));
    err_.assign(mag.frames, 0.0);
    for (size_t i = 0; i < static_cast<size_t>(mag.frames) * mag.bins; ++i) {
      msq_ += mag.data[i] * mag.data[i];
      mmax_ = std::max(mmax_, mag.data[i]);
    }
  }

  int used() const { return used_; }
  const std::vector<cd>& c() const { return c_; }
  double ScLin() const { return sc_lin_; }
  std::vector<std::pair<int, double>>& history() { return history_; }

  cd P(cd t, int m, int k) const { return k < mag_.bins ? Project(t, mag_.at(m, k)) : t; }
  // Inverse of P(spec) frame by frame into the engine's buffer.
  void InverseProjected(const std::vector<cd>& spec) {
    const int bins = eng_.bins();
    eng_.ForFrames(true, [&](int m, int slot) {
      cd* p = eng_.Buffer(slot);
      const cd* t = spec.data() + static_cast<size_t>(m) * bins;
      for (int k = 0; k < bins; ++k) p[k] = P(t[k], m, k);
      eng_.InverseBuffer(m, slot);
    });
  }
  double FrameError(const cd* c, int m) const {
    return FrameErrorKernel(reinterpret_cast<const double*>(c), mag_.data + static_cast<size_t>(m) * mag_.bins, mag_.bins);
  }
  double SumErr() const {
    double e = 0.0;
    for (double v : err_) e += v;  // fixed order: deterministic
    return msq_ > 0.0 ? std::sqrt(e / msq_) : 0.0;
  }
  // x = ISTFT(P(spec)); c_ = STFT(x); returns SC (linear) of x.
  double Evaluate(const std::vector<cd>& spec) {
    InverseProjected(spec);
    eng_.OverlapAdd();
    const int bins = eng_.bins();
    eng_.ForFrames(false, [&](int m, int slot) {
      cd* c = c_.data() + static_cast<size_t>(m) * bins;
      eng_.ForwardFrame(m, c, slot);
      err_[m] = FrameError(c, m);
    });
    sc_lin_ = SumErr();
    return sc_lin_;
  }

  void Progress(const char* stage, int total) const {
    if (!o_.progress) return;
    std::fprintf(stderr, "\r  phase retrieval: %-14s iteration %5d/%d, SC %7.2f dB   ", stage, used_, total,
                 20.0 * std::log10(std::max(sc_lin_, 1e-300)));
    std::fflush(stderr);
  }
  void Record() { history_.push_back({used_, 20.0 * std::log10(std::max(sc_lin_, 1e-300))}); }

  // Fast Griffin-Lim from t0 for at most `iters` iterations; stops early when the best SC
  // improves by less than tolerance over check_every iterations (if allowed). On return c_ is
  // the STFT of the last estimate and sc_lin_ its SC. Returns true when it stalled.
  bool Fgla(std::vector<cd> t0, int iters, bool may_stall, int total) {
    const int bins = eng_.bins();
    std::vector<cd>& prev = c_;
    prev = t0;
    InverseProjected(t0);
    bool first = true;
    double best = std::numeric_limits<double>::infinity(), best_at_check = best;
    const double alpha = o_.momentum;
    for (int i = 0; i < iters; ++i) {
      const bool check = (i + 1) % o_.check_every == 0 || i + 1 == iters;
      eng_.OverlapAdd();
      eng_.ForFrames(true, [&](int m, int slot) {
        cd* c = eng_.ForwardFrame(m, slot);
        if (check) err_[m] = FrameError(c, m);  // SC only where it is looked at
        FglaFrame(reinterpret_cast<double*>(c), reinterpret_cast<double*>(prev.data() + static_cast<size_t>(m) * bins),
                  mag_.data + static_cast<size_t>(m) * mag_.bins, mag_.bins, bins, alpha, first);
        eng_.InverseBuffer(m, slot);
      });
      first = false;
      ++used_;
      if (!check) continue;
      sc_lin_ = SumErr();
      best = std::min(best, sc_lin_);
      if ((i + 1) % o_.check_every == 0) {
        Record();
        Progress("fast Griffin-Lim", total);
        if (may_stall && std::isfinite(best_at_check) && best > best_at_check * (1.0 - o_.tolerance)) return true;
        best_at_check = best;
      }
    }
    return false;
  }

  // RAAR from z0 for `iters` iterations; returns the magnitude-projected best iterate P(z).
  std::vector<cd> Raar(std::vector<cd> z, int iters, int total) {
    const int bins = eng_.bins();
    const double beta = o_.raar_beta;
    auto inverse_reflection = [&]() {  // r = 2 P(z) - z into the frame buffer
      eng_.ForFrames(true, [&](int m, int slot) {
        cd* r = eng_.Buffer(slot);
        const cd* zm = z.data() + static_cast<size_t>(m) * bins;
        for (int k = 0; k < bins; ++k) r[k] = 2.0 * P(zm[k], m, k) - zm[k];
        eng_.InverseBuffer(m, slot);
      });
    };
    auto projected = [&]() {
      std::vector<cd> pz(cells_);
      for (int m = 0; m < mag_.frames; ++m)
        for (int k = 0; k < bins; ++k) {
          const size_t i = static_cast<size_t>(m) * bins + k;
          pz[i] = P(z[i], m, k);
        }
      return pz;
    };
    std::vector<cd> best_pz = projected();
    double best = Evaluate(best_pz);
    inverse_reflection();
    const int check = 2 * o_.check_every;
    for (int i = 0; i < iters; ++i) {
      eng_.OverlapAdd();
      eng_.ForFrames(true, [&](int m, int slot) {
        cd* q = eng_.ForwardFrame(m, slot);
        RaarFrame(reinterpret_cast<double*>(q), reinterpret_cast<double*>(z.data() + static_cast<size_t>(m) * bins),
                  mag_.data + static_cast<size_t>(m) * mag_.bins, mag_.bins, bins, beta);
        eng_.InverseBuffer(m, slot);
      });
      ++used_;
      if ((i + 1) % check == 0 || i + 1 == iters) {
        std::vector<cd> pz = projected();
        const double sc = Evaluate(pz);
        if (sc < best) {
          best = sc;
          best_pz.swap(pz);
        }
        Record();
        Progress("RAAR", total);
        if (i + 1 < iters) inverse_reflection();
      }
    }
    sc_lin_ = best;
    return best_pz;
  }

  // Sign-flip repair. Projections often settle where one region of the time-frequency plane
  // (a formant, a partial's stretch) has the opposite sign to its neighbours: the region's
  // border then runs through a valley of small magnitudes, where the error is, and no small step
  // removes it. Candidate regions are the connected components of {M > level} for a ladder of
  // levels, ranked by the error in the ring just outside them; each of the best is tried by
  // negating it and running fast Griffin-Lim on the frames around it (2 * sub_iterations),
  // against the same frames without the flip (sub_iterations). Flips that lower that local error
  // by 5% are kept in c_; regions whose frames overlap a kept flip's wait for the next repair.
  // *work counts the iterations spent, in units of whole-spectrogram iterations.
  struct FlipOutcome {
    int tried = 0, kept = 0;
  };
  FlipOutcome FlipRepair(int candidates, int sub_iterations, double* work) {
    const int frames = mag_.frames, kb = mag_.bins, bins = eng_.bins();
    const size_t cells = static_cast<size_t>(frames) * kb;
    const double mmax = mmax_;
    if (!(mmax > 0.0)) return {};
    std::vector<double> e(cells);
    for (int m = 0; m < frames; ++m)
      for (int k = 0; k < kb; ++k) {
        const double d = Abs(c_[static_cast<size_t>(m) * bins + k]) - mag_.at(m, k);
        e[static_cast<size_t>(m) * kb + k] = d * d;
      }
    struct Region {
      std::vector<size_t> cells;  // indices into the magnitude (m * kb + k)
      int first = 0, last = 0;
      double score = 0.0;
    };
    std::vector<Region> regions;
    const size_t keep = 4 * static_cast<size_t>(std::max(1, candidates));
    constexpr int kMaxSpan = 512;
    std::vector<int> stamp(cells, -1), ring(cells, -1);
    std::vector<size_t> stack;
    int id = 0;
    for (int level = 0; level < 8; ++level) {
      const double thr = mmax * std::pow(10.0, -(12.0 + 4.0 * level) / 20.0);
      std::fill(stamp.begin(), stamp.end(), -1);
      for (size_t seed = 0; seed < cells; ++seed) {
        if (stamp[seed] >= 0 || !(mag_.data[seed] > thr)) continue;
        Region r;
        stamp[seed] = id;
        stack.assign(1, seed);
        while (!stack.empty()) {
          const size_t i = stack.back();
          stack.pop_back();
          r.cells.push_back(i);
          const int m = static_cast<int>(i / kb), k = static_cast<int>(i % kb);
          const size_t nb[4] = {m > 0 ? i - kb : cells, m + 1 < frames ? i + kb : cells, k > 0 ? i - 1 : cells,
                                k + 1 < kb ? i + 1 : cells};
          for (size_t j : nb)
            if (j < cells && stamp[j] != id && mag_.data[j] > thr) {
              stamp[j] = id;
              stack.push_back(j);
            }
        }
        r.first = frames;
        r.last = 0;
        for (size_t i : r.cells) {
          r.first = std::min(r.first, static_cast<int>(i / kb));
          r.last = std::max(r.last, static_cast<int>(i / kb));
        }
        // Defects are local (a formant, a partial's stretch); a region longer than kMaxSpan
        // frames would make each trial cost as much as that many whole iterations of a long dump.
        if (r.cells.size() >= 4 && r.cells.size() * 2 < cells && r.last - r.first < kMaxSpan) {
          for (size_t i : r.cells) {
            const int m = static_cast<int>(i / kb), k = static_cast<int>(i % kb);
            for (int dm = -2; dm <= 2; ++dm)
              for (int dk = -2; dk <= 2; ++dk) {
                const int mm = m + dm, kk = k + dk;
                if (mm < 0 || mm >= frames || kk < 0 || kk >= kb) continue;
                const size_t j = static_cast<size_t>(mm) * kb + kk;
                if (stamp[j] == id || ring[j] == id) continue;
                ring[j] = id;
                r.score += e[j];
              }
          }
          // Only the best few are kept (their cell lists would otherwise add up to several
          // times the spectrogram on a long dump).
          if (regions.size() < keep) {
            regions.push_back(std::move(r));
          } else {
            auto worst = std::min_element(regions.begin(), regions.end(),
                                          [](const Region& x, const Region& y) { return x.score < y.score; });
            if (r.score > worst->score) *worst = std::move(r);
          }
        }
        ++id;
      }
    }
    std::sort(regions.begin(), regions.end(), [](const Region& a, const Region& b) { return a.score > b.score; });
    const int q = (eng_.n() + hop_ - 1) / hop_;
    PhaseRetrievalOptions so = o_;
    so.threads = 1;
    so.progress = false;
    FlipOutcome out;
    std::vector<std::pair<size_t, size_t>> seen;  // (size, first cell) of regions tried
    std::vector<std::pair<int, int>> kept_ranges;  // frames [a, b) of the trials of kept flips
    for (const Region& r : regions) {
      if (out.tried >= candidates) break;
      const std::pair<size_t, size_t> key(r.cells.size(), *std::min_element(r.cells.begin(), r.cells.end()));
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
      seen.push_back(key);
      const int a = std::max(0, r.first - 2 * q), b = std::min(frames, r.last + 1 + 2 * q);
      // Frames around a kept flip are unsettled until the next stage: a trial there would be
      // judged against that, not against a settled state.
      if (std::any_of(kept_ranges.begin(), kept_ranges.end(), [&](const std::pair<int, int>& k) { return a < k.second && k.first < b; }))
        continue;
      ++out.tried;
      MagnitudeView sub{mag_.data + static_cast<size_t>(a) * kb, b - a, kb};
      std::vector<cd> t0(c_.begin() + static_cast<size_t>(a) * bins, c_.begin() + static_cast<size_t>(b) * bins);
      std::vector<cd> t1 = t0;
      for (size_t i : r.cells) {
        const int m = static_cast<int>(i / kb), k = static_cast<int>(i % kb);
        t1[static_cast<size_t>(m - a) * bins + k] *= -1.0;
      }
      Retriever base(sub, window_, hop_, so), flipped(sub, window_, hop_, so);
      // The flip leaves fresh inconsistency along the region's border, which takes longer to
      // settle than the unflipped state (already settled) needs to show its level.
      base.Fgla(t0, sub_iterations, false, sub_iterations);
      flipped.Fgla(t1, 2 * sub_iterations, false, 2 * sub_iterations);
      *work += 3.0 * sub_iterations * (b - a) / frames;
      if (flipped.ScLin() < base.ScLin() * 0.95) {
        for (size_t i : r.cells) c_[(i / kb) * bins + i % kb] *= -1.0;
        kept_ranges.push_back({a, b});
        ++out.kept;
      }
    }
    return out;
  }

  std::vector<double> FinalSignal(std::vector<cd>* spectrogram) {
    const int bins = eng_.bins();
    spectrogram->assign(cells_, cd(0.0, 0.0));
    for (int m = 0; m < mag_.frames; ++m)
      for (int k = 0; k < bins; ++k) {
        const size_t i = static_cast<size_t>(m) * bins + k;
        (*spectrogram)[i] = P(c_[i], m, k);
      }
    InverseProjected(*spectrogram);
    eng_.OverlapAdd();
    return eng_.x();
  }

 private:
  MagnitudeView mag_;
  Engine eng_;
  PhaseRetrievalOptions o_;
  std::vector<double> window_;
  int hop_;
  size_t cells_ = 0;
  std::vector<cd> c_;
  std::vector<double> err_;
  double msq_ = 0.0;
  double mmax_ = 0.0;  // the largest magnitude
  double sc_lin_ = 1.0;
  int used_ = 0;
  std::vector<std::pair<int, double>> history_;
};

double ToDb(double lin) { return 20.0 * std::log10(std::max(lin, 1e-300)); }

}  // namespace

PhaseRetrievalResult RetrievePhase(const MagnitudeView& mag, const std::vector<double>& window,
                                   int hop, double lambda, const PhaseRetrievalOptions& options) {
  const std::string bad = options.Validate();
  if (!bad.empty()) throw std::invalid_argument("phase retrieval: " + bad);
  const int n = static_cast<int>(window.size());
  if (n < 2 || hop < 1 || mag.frames < 1 || !mag.data || (mag.bins != n / 2 + 1 && !(n % 2 == 0 && mag.bins == n / 2)))
    throw std::invalid_argument("phase retrieval: " + std::to_string(mag.frames) + " frames of " +
                                std::to_string(mag.bins) + " bins do not fit n_fft = " + std::to_string(n) +
                                ", hop = " + std::to_string(hop));
  const int total = options.iterations > 0 ? options.iterations : DefaultIterations(n, hop);
  PhaseRetrievalResult res;
  Retriever r(mag, window, hop, options);
  std::vector<cd> start;
  if (options.pghi_start) {
    start = PghiSpectrogram(mag, n, window, hop, lambda).data;
  } else {
    start.assign(static_cast<size_t>(mag.frames) * (n / 2 + 1), cd(0.0, 0.0));
    for (int m = 0; m < mag.frames; ++m)
      for (int k = 0; k < mag.bins; ++k) start[static_cast<size_t>(m) * (n / 2 + 1) + k] = mag.at(m, k);
  }
  res.pghi_db = ToDb(r.Evaluate(start));
  const int raar = total >= 40 ? static_cast<int>(std::lround(options.raar_fraction * total)) : 0;
  char method[200];
  std::snprintf(method, sizeof method, "%s%s + fast Griffin-Lim (alpha %.2f)%s", options.pghi_start ? "PGHI" : "zero phase",
                raar > 0 ? (" + RAAR (beta " + std::to_string(options.raar_beta).substr(0, 5) + ")").c_str() : "",
                options.momentum, options.flip_repair ? " with sign-flip repair of regions" : "");
  res.method = method;
  if (raar > 0) start = r.Raar(start, raar, total);
  // Fast Griffin-Lim in three stages with a sign-flip repair before the second and, if that one
  // kept a flip, before the third with half the candidates (the best regions were tried once;
  // the second repair rarely keeps one: 0-1 in the benchmark's runs), one stage when the repair
  // is off or the budget is small.
  const int fgla_total = total - r.used();
  const int stages = options.flip_repair && fgla_total >= 60 ? 3 : 1;
  bool stalled = false;
  for (int s = 0; s < stages; ++s) {
    const bool last = s == stages - 1;
    const int budget = last ? total - r.used() : fgla_total / stages;
    if (budget <= 0) break;
    if (s > 0) {
      if (s == 1 || res.flips_kept > 0) {
        double work = 0.0;
        const auto f = r.FlipRepair(s == 1 ? options.flip_candidates : (options.flip_candidates + 1) / 2, options.flip_iterations, &work);
        res.flips_tried += f.tried;
        res.flips_kept += f.kept;
        res.flip_work += work;
      }
      start = r.c();
    }
    stalled = r.Fgla(start, budget, true, total);
    if (stalled && last) break;
  }
  if (options.progress) std::fprintf(stderr, "\n");
  res.iterations = r.used();
  res.stalled = stalled;
  res.history = r.history();
  res.signal = r.FinalSignal(&res.spectrogram.data);
  res.spectrogram.frames = mag.frames;
  res.spectrogram.bins = n / 2 + 1;
  res.spectral_convergence_db = SpectralConvergenceDb(res.signal, mag, window, hop);
  return res;
}

std::string PhaseRetrievalOptions::Validate() const {
  if (iterations < 0) return "iterations = " + std::to_string(iterations) + ". Violated: iterations >= 0";
  if (!(tolerance >= 0.0)) return "tolerance = " + std::to_string(tolerance) + ". Violated: tolerance >= 0";
  if (check_every < 1) return "check_every = " + std::to_string(check_every) + ". Violated: check_every >= 1";
  if (!(momentum >= 0.0 && momentum < 1.5)) return "momentum = " + std::to_string(momentum) + ". Violated: 0 <= momentum < 1.5";
  if (!(raar_beta > 0.0 && raar_beta <= 1.0)) return "raar_beta = " + std::to_string(raar_beta) + ". Violated: 0 < raar_beta <= 1";
  if (!(raar_fraction >= 0.0 && raar_fraction <= 1.0)) return "raar_fraction = " + std::to_string(raar_fraction) + ". Violated: 0 <= raar_fraction <= 1";
  if (flip_candidates < 0) return "flip_candidates = " + std::to_string(flip_candidates) + ". Violated: flip_candidates >= 0";
  if (flip_iterations < 1) return "flip_iterations = " + std::to_string(flip_iterations) + ". Violated: flip_iterations >= 1";
  if (threads < 1) return "threads = " + std::to_string(threads) + ". Violated: threads >= 1";
  return "";
}

int DefaultIterations(int n_fft, int hop) {
  // Measured (scripts/bench_phase_retrieval): with this schedule (RAAR 40%, fast Griffin-Lim in
  // three stages with the sign-flip repair between them) speech, a sentence and noisy speech at
  // redundancy 4 end at -43 to -44 dB after 400 iterations, in less time than a numpy fast
  // Griffin-Lim needs for 100. The repair's local runs come on top (up to about half as many
  // whole-spectrogram iterations again). The tolerance may stop the last stage earlier.
  (void)n_fft;
  (void)hop;
  return 400;
}

double SpectralConvergenceDb(const std::vector<double>& signal, const MagnitudeView& mag,
                             const std::vector<double>& window, int hop) {
  const Spectrogram s = Stft(signal, window, hop);
  double num = 0.0, den = 0.0;
  for (int m = 0; m < mag.frames; ++m)
    for (int k = 0; k < mag.bins; ++k) {
      const double a = m < s.frames ? std::abs(s.frame(m)[k]) : 0.0;
      const double d = a - mag.at(m, k);
      num += d * d;
      den += mag.at(m, k) * mag.at(m, k);
    }
  if (den == 0.0) return 0.0;
  if (num == 0.0) return -std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(num / den);
}

}  // namespace specrecon
