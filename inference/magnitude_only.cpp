#include "inference/magnitude_only.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <complex>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>
#include <thread>

#include "inference/gain.h"
#include "inference/roles.h"
#include "src/errors.h"
#include "src/fft.h"
#include "src/stft.h"

namespace specrecon {
namespace {

struct LayoutCandidate {
  Layout layout = Layout::kBinsXFrames;
  size_t bins = 0, frames = 0;
  double correlation = 0.0;  // of log-magnitudes one period apart, minus that at the lags beside
};

// Runs jobs on up to `threads` threads; each job writes only its own result slot.
// A job's exception stops the handing out of jobs and is rethrown here once every thread has
// joined (thrown in a worker, or past joinable threads, it ended the process with abort).
void RunJobs(const std::vector<std::function<void()>>& jobs, int threads) {
  std::atomic<size_t> next{0};
  std::mutex failed_mutex;
  std::exception_ptr failed;
  auto work = [&] {
    for (size_t i; (i = next++) < jobs.size();) {
      try {
        jobs[i]();
      } catch (...) {
        std::lock_guard<std::mutex> lock(failed_mutex);
        if (!failed) failed = std::current_exception();
        next = jobs.size();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads && static_cast<size_t>(t) < jobs.size(); ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  if (failed) std::rethrow_exception(failed);
}

// Log-like values for the period test: correlation is the same for |X|, |X|^2 and dB.
std::vector<double> LogLike(const std::vector<double>& v, bool logarithmic) {
  if (logarithmic) return v;
  double vmax = 0.0;
  for (double x : v) vmax = std::max(vmax, x);
  const double floor = vmax > 0.0 ? vmax * 1e-9 : 1e-300;
  std::vector<double> g(v.size());
  for (size_t i = 0; i < v.size(); ++i) g[i] = std::log(std::max(v[i], floor));
  return g;
}

// At most 50000 pairs are read, one at a jittered place in each of as many equal cells: a fixed
// stride that shares a factor with the frame count reads the same few frames of every row
// (scipy Hamming 512 in n_fft 1024 at hop 128 of an espeak-ng sentence, bins x 891 frames: a
// stride of 9 at lag 891 read every ninth frame, and the lag correlated 0.852, its neighbours
// 0.164 and 0.394, against 0.943, 0.015 and 0.013 over every pair; the layout was read as 8019
// frames of 57 bins).
double LagCorrelation(const std::vector<double>& g, size_t lag) {
  const size_t n = g.size() - lag;
  constexpr size_t kPairs = 50000;
  const size_t m = std::min(n, kPairs);
  const double cell = static_cast<double>(n) / static_cast<double>(m);
  constexpr double kGolden = 0.6180339887498949;  // the jitter: fractional parts of j times it
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, cnt = 0;
  for (size_t j = 0; j < m; ++j) {
    const double u = static_cast<double>(j) * kGolden;
    const size_t i = std::min(n - 1, static_cast<size_t>((static_cast<double>(j) + (u - std::floor(u))) * cell));
    const double a = g[i], b = g[i + lag];
    sa += a, sb += b, saa += a * a, sbb += b * b, sab += a * b, cnt += 1;
  }
  const double va = saa - sa * sa / cnt, vb = sbb - sb * sb / cnt;
  return va > 0 && vb > 0 ? (sab - sa * sb / cnt) / std::sqrt(va * vb) : 0.0;
}

// Periods of the flat stream (divisors of its length) ranked by the correlation one period
// apart; each period P gives two layouts: frames of P bins, or bins with time series of P frames.
std::vector<LayoutCandidate> FindLayoutCandidates(const std::vector<double>& g, const Hints& hints,
                                                  InferenceLog* log) {
  const size_t count = g.size();
  std::vector<std::pair<double, size_t>> periods;
  // A true period stands out from its neighbouring lags (which pair diagonal neighbours); a
  // small divisor of the length only shares the smoothness of adjacent cells. The stream is
  // differenced first: sustained tones make every bin's time series smooth, so that any small
  // lag correlates, while the changes (onsets, decays, spectral fine structure) repeat only one
  // period apart (measured on a plucked chord: the true period ranked 1st in 12 of 17 dumps,
  // against 2 of 17 without differencing; speech and chirp dumps unchanged).
  std::vector<double> d(count > 0 ? count - 1 : 0);
  for (size_t i = 0; i + 1 < count; ++i) d[i] = g[i + 1] - g[i];
  auto contrast_at = [&](size_t p) { return LagCorrelation(d, p) - 0.5 * (LagCorrelation(d, p - 1) + LagCorrelation(d, p + 1)); };
  // A container's stored 2-D shape (npy, npz, MAT, HDF5, pickles) leaves one period: its inner
  // dimension, as frames of that many bins or as bins with time series of that many frames. The
  // flat stream's own periods are for raw files: a scipy Blackman 1024 at hop 512 of a 5 s
  // sentence (513 x 122, column-major) correlated best at period 6 and was read as n_fft 20860.
  size_t inner = 0;
  for (const auto& [lay, bins] : hints.shape_layouts)
    if (lay == Layout::kFramesXBins) inner = bins;
  if (inner >= 3 && count % inner == 0) {
    log->Addf("magnitude-only: the stored shape leaves period %zu (%zu x %zu)", inner, count / inner, inner);
    periods = {{inner * 3 <= count ? contrast_at(inner) : 0.0, inner}};
  } else {
    for (size_t p = 3; p * 3 <= count; ++p)
      if (count % p == 0) periods.push_back({contrast_at(p), p});
    std::stable_sort(periods.begin(), periods.end(), [](auto& a, auto& b) { return a.first > b.first; });
    // Every multiple of the true period is a period too, and may correlate as well or a little
    // better (sox plucked strings with a 3 Hz FM, torch frames x 129 bins at hop 64: 129 gave
    // 0.629, its multiples 774 and 10062 0.682, and 129 was not among the best five). A period's
    // smallest divisor of at least 16 that correlates nearly as well as the best period (0.85 of
    // it) is tried just before it. Not instead of it: periodic sounds make divisors of a frame
    // count correlate better than the count itself (a tremolo organ, bins x 1035 frames: 345 at
    // 0.271, 1035 at 0.229).
    {
      std::map<size_t, double> contrast;
      for (const auto& pc : periods) contrast[pc.second] = pc.first;
      const double bar = periods.empty() ? 0.0 : 0.85 * periods.front().first;
      std::vector<std::pair<double, size_t>> ranked;
      auto add = [&](size_t q) {
        if (std::none_of(ranked.begin(), ranked.end(), [&](const auto& r) { return r.second == q; }))
          ranked.push_back({contrast[q], q});
      };
      for (const auto& pc : periods) {
        const size_t p = pc.second;
        if (bar > 0.0 && ranked.size() < 5)
          for (const auto& [d, cd] : contrast) {
            if (d >= p) break;
            if (d >= 16 && p % d == 0 && cd >= bar) {
              add(d);
              break;
            }
          }
        add(p);
      }
      periods = std::move(ranked);
    }
  }
  Layout hinted;
  const bool has_hint = hints.layout && ParseLayout(*hints.layout, &hinted);
  std::vector<LayoutCandidate> out;
  for (size_t i = 0; i < periods.size() && i < 5; ++i) {
    const size_t p = periods[i].second, q = count / p;
    log->Addf("magnitude-only: period %zu of the flat stream: correlation contrast %.3f", p, periods[i].first);
    for (Layout l : {Layout::kBinsXFrames, Layout::kFramesXBins}) {
      LayoutCandidate c;
      c.layout = l;
      c.bins = l == Layout::kFramesXBins ? p : q;
      c.frames = count / c.bins;
      c.correlation = periods[i].first;
      if (c.frames < 4 || c.bins < 3 || (has_hint && l != hinted)) continue;
      if (hints.n_fft && *hints.n_fft / 2 + 1 != static_cast<int>(c.bins) && *hints.n_fft / 2 != static_cast<int>(c.bins)) continue;
      out.push_back(c);
    }
  }
  return out;
}

// Frame-major linear magnitude frames x bins of a layout.
std::vector<double> ToFrames(const std::vector<double>& lin, const LayoutCandidate& c) {
  if (c.layout == Layout::kFramesXBins) return lin;
  std::vector<double> f(lin.size());
  for (size_t k = 0; k < c.bins; ++k)
    for (size_t m = 0; m < c.frames; ++m) f[m * c.bins + k] = lin[k * c.frames + m];
  return f;
}

// The `count` consecutive frames with the most energy.
std::vector<double> Excerpt(const std::vector<double>& frames, int n_frames, int bins, int count, int* start) {
  count = std::min(count, n_frames);
  std::vector<double> e(n_frames, 0.0);
  for (int m = 0; m < n_frames; ++m)
    for (int k = 0; k < bins; ++k) e[m] += frames[static_cast<size_t>(m) * bins + k] * frames[static_cast<size_t>(m) * bins + k];
  double run = 0.0, best = -1.0;
  int at = 0;
  for (int m = 0; m < n_frames; ++m) {
    run += e[m];
    if (m >= count) run -= e[m - count];
    if (m >= count - 1 && run > best) best = run, at = m - count + 1;
  }
  *start = at;
  return std::vector<double>(frames.begin() + static_cast<size_t>(at) * bins,
                             frames.begin() + static_cast<size_t>(at + count) * bins);
}

struct Hypothesis {
  int n_fft = 0;
  int hop = 0;
  WindowSpec window;
};

struct Trial {
  Hypothesis h;
  double sc = 0.0;  // dB, of a short retrieval on an excerpt
};

std::vector<double> Window(const Hypothesis& h) { return PlaceWindow(MakeWindow(h.window), h.n_fft, 0); }

PhaseRetrievalOptions ScoringOptions(int iterations) {
  PhaseRetrievalOptions o;
  o.iterations = iterations;
  o.tolerance = 0.0;
  o.raar_fraction = 0.0;
  o.flip_repair = false;
  o.threads = 1;
  return o;
}

// A short retrieval (PGHI + fast Griffin-Lim) on an excerpt under a hypothesis: its SC.
void Score(const std::vector<double>& ex, int frames, int bins, int iterations, Trial* t) {
  const MagnitudeView view{ex.data(), frames, bins};
  t->sc = RetrievePhase(view, Window(t->h), t->h.hop, GaussianEquivalentLambda(t->h.window), ScoringOptions(iterations))
              .spectral_convergence_db;
  if (!std::isfinite(t->sc)) t->sc = 0.0;  // nothing retrievable (an excerpt of zeros): the worst score
}

void ScoreAll(const std::vector<double>& ex, int frames, int bins, int iterations, int threads, std::vector<Trial>* trials) {
  std::vector<std::function<void()>> jobs;
  for (Trial& t : *trials) jobs.push_back([&ex, frames, bins, iterations, &t] { Score(ex, frames, bins, iterations, &t); });
  RunJobs(jobs, threads);
}

std::string Describe(const Hypothesis& h) {
  return "n_fft " + std::to_string(h.n_fft) + ", hop " + std::to_string(h.hop) + ", " + DescribeWindow(h.window);
}

// How conventional an FFT size is: powers of two first, then 2^k times 3, 5, 25, 15 (384, 320,
// 400, 480, 640, ...), then multiples of 16, of 4.
int Roundness(int n) {
  if (n < 2) return 0;
  int twos = 0;
  while (n % 2 == 0) n /= 2, ++twos;
  if (n == 1) return 4;
  if ((n == 3 || n == 5 || n == 15 || n == 25 || n == 75 || n == 125) && twos >= 3) return 3;
  if (twos >= 4) return 2;
  return twos >= 2 ? 1 : 0;
}

// Where the frames' autocorrelation (the inverse FFT of |X|^2, summed in magnitude over the
// frames) vanishes: it is zero at lags L..n_fft-L when n_fft >= 2L. `last` is the largest lag
// <= n_fft/2 above `threshold` times the lag-0 value, plus 1 (0 when no lag vanishes). A
// tapered window's products w(t) w(t+l) fade long before lag L, so the threshold is set as low
// as the data's own floor allows (30 times the median of the upper half of the vanished lags,
// at least 1e-7; float32 dumps gave 1.3-7.5e-7), and WindowLengthFor corrects the rest.
struct AutocorrSupport {
  int last = 0;
  double threshold = 1e-5;
  // The autocorrelation stops abruptly: the window has a pedestal (Hamming's 0.08), so every
  // family is read at about `last`. Either lowering the threshold moved the last lag by at most 1
  // (a tapered window's tail moved it by 3-6%), or no 8 lags below n_fft/2 vanish to measure a
  // floor on: a tapered window reaching that close to n_fft/2 at 1e-5 would have to be 6-9%
  // longer than n_fft/2, which no tool makes.
  bool hard = false;
};

AutocorrSupport AutocorrelationSupport(const std::vector<double>& ex, int frames, int bins, int n_fft) {
  AutocorrSupport s;
  if (bins != n_fft / 2 + 1) return s;
  RealFft fft(n_fft);
  std::vector<std::complex<double>> p(bins);
  std::vector<double> r(n_fft), acc(n_fft, 0.0);
  for (int m = 0; m < frames; ++m) {
    for (int k = 0; k < bins; ++k) p[k] = ex[static_cast<size_t>(m) * bins + k] * ex[static_cast<size_t>(m) * bins + k];
    fft.Inverse(p.data(), r.data());
    for (int i = 0; i < n_fft; ++i) acc[i] += std::abs(r[i]);
  }
  if (!(acc[0] > 0.0)) return s;
  auto last_above = [&](double threshold) {
    int last = 0;
    for (int i = 1; i <= n_fft / 2; ++i)
      if (acc[i] > threshold * acc[0]) last = i;
    return last < n_fft / 2 ? last + 1 : 0;
  };
  const int coarse = last_above(1e-5);
  if (coarse == 0) return s;
  s.last = coarse;
  const int from = coarse + (n_fft / 2 - coarse) / 2;
  if (n_fft / 2 + 1 - from < 8) {
    s.hard = true;
    return s;
  }
  std::vector<double> tail(acc.begin() + from, acc.begin() + n_fft / 2 + 1);
  std::nth_element(tail.begin(), tail.begin() + tail.size() / 2, tail.end());
  s.threshold = std::clamp(30.0 * tail[tail.size() / 2] / acc[0], 1e-7, 1e-5);
  const int fine = last_above(s.threshold);
  if (fine > 0) s.last = fine;
  else s.threshold = 1e-5;
  s.hard = fine > 0 && fine - coarse <= 1;
  return s;
}

// The window length of a family whose autocorrelation support measured `s`. The window's own
// autocorrelation falls below the threshold at a lag rho L (Hamming, with its pedestal: L; Hann
// 0.94 L at 1e-5, 0.97 L at 3e-7; Blackman 0.91 and 0.95); the signal's correlation fading over
// the frame lowers the measured lag a little more (by up to 1.5 times the window's own shortfall:
// scipy and torch dumps of speech, noisy speech, a chirp). Of the lengths that fit, the most
// conventional is taken (Roundness), then the nearest. A hard edge (AutocorrSupport::hard) is
// every family's length.
int WindowLengthFor(WindowFamily family, const AutocorrSupport& s, int n_fft) {
  if (s.last <= 0) return n_fft;
  if (s.hard) {
    // The most conventional of last..last+4 (Hamming 1024 read at 1020-1024), or up to n_fft/2
    // when the edge lies within 8 lags of it: the signal's own correlation fades too, and no
    // lag beyond n_fft/2 tells (speech at 16 kHz under Hamming 1024 in n_fft 2048 at hop 512
    // fell below 1e-5 beyond lag 1018).
    int best = s.last;
    const int upto = s.last >= n_fft / 2 - 8 ? n_fft / 2 : s.last + 4;
    for (int L = s.last + 1; L <= std::min(n_fft, upto); ++L)
      if (Roundness(L) > Roundness(best)) best = L;
    return best;
  }
  WindowSpec spec;
  spec.family = family;
  spec.length = s.last;
  const std::vector<double> w = MakeWindow(spec);
  const int L0 = static_cast<int>(w.size());
  // Its autocorrelation, as the inverse FFT of |W|^2 zero-padded to 2 L0 (unnormalised: only
  // ratios to a[0] are used).
  const int m = 2 * L0;
  RealFft fft(m);
  std::vector<double> padded(m, 0.0), a(m);
  std::copy(w.begin(), w.end(), padded.begin());
  std::vector<std::complex<double>> spec_w(m / 2 + 1);
  fft.Forward(padded.data(), spec_w.data());
  for (auto& c : spec_w) c = std::norm(c);
  fft.Inverse(spec_w.data(), a.data());
  int reach = 1;
  for (int l = 1; l < L0; ++l)
    if (a[l] > s.threshold * a[0]) reach = l + 1;
  const double rho = static_cast<double>(reach) / L0;
  int best = 0;
  double best_off = 0.0;
  for (int L = s.last; L <= n_fft; ++L) {
    const double pred = rho * L;
    if (pred - 1.5 * (L - pred) - 2.0 > s.last) break;
    if (s.last > pred + 1.0) continue;
    const double off = std::abs(0.985 * pred - s.last);
    if (best == 0 || Roundness(L) > Roundness(best) || (Roundness(L) == Roundness(best) && off < best_off)) best = L, best_off = off;
  }
  return best > 0 ? best : std::min(n_fft, static_cast<int>(std::lround(s.last / rho)));
}

Evidence MakeEvidence(const nlohmann::json& value, double score, const std::string& metric,
                      const Trial* runner, const nlohmann::json& runner_value, double runner_score) {
  Evidence e;
  e.source = "inferred";
  e.value = value;
  e.score = score;
  e.metric = metric;
  if (runner) {
    e.has_runner_up = true;
    e.runner_up_value = runner_value;
    e.runner_up_score = runner_score;
  }
  return e;
}

// Points of a bin count as an STFT's: how conventional its n_fft is (2(bins-1), or 2 bins with
// the Nyquist bin dropped, one point less), less 1 below n_fft 64 and 2 below 32. Tiny sizes are
// round but no audio tool's: a smooth dump (sustained tones) correlates at every small divisor
// of its length, and frames of a few bins are always nearly consistent.
double LayoutPoints(size_t bins) {
  const int k = static_cast<int>(bins), n = 2 * (k - 1);
  const double penalty = n < 32 ? 2.0 : n < 64 ? 1.0 : 0.0;
  return std::max(Roundness(n), Roundness(2 * k) - 1) - penalty;
}

// Median over runs of 8 adjacent bins of a frame of (mean Y)^2 / mean(Y^2): about 0.81 for a
// linear |X| of audio (0.785 for Rayleigh-distributed noise cells, more for tonal ones), about
// 0.53 for its square (power), above 0.9 for |X|^(1/2). Measured on scipy and torch dumps of
// speech with and without noise, Hann/Hamming/Blackman 256..1024, hops 1/8..1/2: linear
// 0.77..0.84, power 0.48..0.58. Within frames, so the hop does not matter.
double PatchRatio(const std::vector<double>& frames, size_t n_frames, size_t bins) {
  std::vector<double> r;
  double emax = 0.0;
  for (double v : frames) emax = std::max(emax, v * v);
  const size_t fstep = std::max<size_t>(1, n_frames * bins / 200000);
  for (size_t m = 0; m < n_frames; m += fstep)
    for (size_t k = 0; k + 8 <= bins; k += 4) {
      double s = 0.0, s2 = 0.0;
      for (size_t j = 0; j < 8; ++j) {
        const double v = frames[m * bins + k + j];
        s += v, s2 += v * v;
      }
      s /= 8.0, s2 /= 8.0;
      if (s2 > 1e-8 * emax) r.push_back(s * s / s2);
    }
  if (r.empty()) return 1.0;
  std::nth_element(r.begin(), r.begin() + r.size() / 2, r.end());
  return r[r.size() / 2];
}


// Window family from the shape of spectral peaks. A stationary partial at bin k0 + delta gives
// |X[k0 + j]| = A |W(j - delta)|, W the window's spectrum, so the two neighbours of a peak
// relative to it lie on a curve fixed by the family: their asymmetry gives delta, and their sum
// (the peak's width) is then the family's. Modulation, neighbouring partials and noise only
// widen a peak, so the narrowest peaks show the window: for each family, the excess of every
// peak's width over the family's width at its asymmetry is taken, and its 10th percentile is
// near 1 for the true family (measured on scipy and torch dumps of speech, noisy speech and a
// chirp: 0.93-1.03), about 0.85 for a family one step wider and 1.17 one step narrower
// (Hamming < Hann < Blackman).
struct PeakShape {
  WindowFamily family = WindowFamily::kHann;
  int peaks = 0;
  double distance = 0.0;     // |ln p10| of the chosen family
  double runner_up = 0.0;    // |ln p10| of the next family
  WindowFamily runner_up_family = WindowFamily::kHann;
  bool decisive = false;     // enough peaks, a clear margin and a close fit
  // Per family of kPeakFamilies: peaks whose five bins (the peak and two on each side) fit its
  // main lobe within kCleanFit (CleanPeaks), and |ln p10|; the family the clean peaks single out.
  int clean[3] = {0, 0, 0};
  double fit[3] = {0.0, 0.0, 0.0};
  std::optional<WindowFamily> clean_family;
};

// The families peaks are read against, in the order of PeakShape's arrays.
constexpr WindowFamily kPeakFamilies[3] = {WindowFamily::kHamming, WindowFamily::kHann, WindowFamily::kBlackman};
int PeakIndex(WindowFamily f) { return f == WindowFamily::kHamming ? 0 : f == WindowFamily::kHann ? 1 : 2; }

// A stationary partial alone in its neighbourhood gives five bins |X[k0 + j s]|, j = -2..2, on
// the family's lobe A |W(j s - delta)|; a peak made narrower by a neighbouring partial's lobe
// (the 10th percentile above reads such peaks) fits no family over five bins. The fit is the
// relative RMS residual over the five bins, the best over delta in [-1/2, 1/2] step (201
// points) with the amplitude free (least squares). A peak counts as clean for a family within
// kCleanFit. Measured with a numpy prototype of this count on 98 torch power dumps (Hann,
// Hamming and Blackman of 400 and 1024 at hop 1/2, Hann 256, the fourteen recordings of
// tuned, fresh, held and music): where one family had at least kCleanMin clean peaks and
// kCleanRatio times any other's, it was the true one every time (44 dumps); at 0.02 instead of
// 0.01, Hamming dumps of the organ, the sawtooth chord and a sentence gave 21-38 clean Hann
// peaks. Voices at 16 kHz with bins of 40 Hz and chords with unresolved partials give none.
constexpr double kCleanFit = 0.01;
constexpr int kCleanMin = 10;
constexpr double kCleanRatio = 4.0;

// How many of `five` (bins -2, -1, +1, +2 steps over each peak, relative to it) fit window `w`
// (zero-padded into n_fft, read at step s) within kCleanFit.
int CleanPeaks(const std::vector<std::array<double, 4>>& five, const std::vector<double>& w, int n_fft, int s) {
  constexpr double kPi = 3.14159265358979323846;
  constexpr int kGrid = 201;
  std::vector<std::array<double, 5>> lobe(kGrid);
  for (int g = 0; g < kGrid; ++g) {
    const double delta = (-0.5 + static_cast<double>(g) / (kGrid - 1)) * s;
    for (int j = -2; j <= 2; ++j) {
      std::complex<double> sum = 0.0, z = 1.0;
      const std::complex<double> step = std::polar(1.0, -2.0 * kPi * (j * s - delta) / n_fft);
      for (double wi : w) sum += wi * z, z *= step;
      lobe[g][j + 2] = std::abs(sum);
    }
  }
  int count = 0;
  for (const auto& p : five) {
    const double obs[5] = {p[0], p[1], 1.0, p[2], p[3]};
    double oo = 0.0;
    for (double o : obs) oo += o * o;
    double best = std::numeric_limits<double>::infinity();
    for (const auto& t : lobe) {
      double ot = 0.0, tt = 0.0;
      for (int j = 0; j < 5; ++j) ot += obs[j] * t[j], tt += t[j] * t[j];
      const double amp = tt > 0.0 ? ot / tt : 0.0;
      double e = 0.0;
      for (int j = 0; j < 5; ++j) e += (obs[j] - amp * t[j]) * (obs[j] - amp * t[j]);
      best = std::min(best, e);
    }
    if (best < kCleanFit * kCleanFit * oo) ++count;
  }
  return count;
}

PeakShape PeakShapeFamily(const std::vector<double>& frames, int n_frames, int bins, int n_fft,
                          const std::function<int(WindowFamily)>& win_length) {
  constexpr double kPi = 3.14159265358979323846;
  PeakShape out;
  // A window shorter than n_fft is zero-padded: its main lobe spans n_fft / win_length times more
  // bins, and a peak is read at that step (the bins the unpadded transform would have).
  const int s = std::max(1, static_cast<int>(std::lround(static_cast<double>(n_fft) / win_length(WindowFamily::kHann))));
  std::vector<std::pair<double, double>> peaks;  // (asymmetry, width) of each peak
  std::vector<std::array<double, 4>> five;        // bins -2, -1, +1, +2 steps over the peak
  double global = 0.0;
  for (size_t i = 0; i < static_cast<size_t>(n_frames) * bins; ++i) global = std::max(global, frames[i]);
  for (int m = 0; m < n_frames; ++m) {
    const double* a = frames.data() + static_cast<size_t>(m) * bins;
    double top = 0.0;
    for (int k = 0; k < bins; ++k) top = std::max(top, a[k]);
    if (!(top > 0.0)) continue;
    for (int k = 3 * s; k + 3 * s < bins; ++k) {
      const double v = a[k];
      // A local maximum over +-2 steps, 3 times above the bins at +-3, within 40 dB of its frame's
      // and of the dump's maximum (noise in quiet frames makes peaks of random shape).
      bool top_of_lobe = v > 1e-2 * top && v > 1e-2 * global && v > 3.0 * std::max(a[k - 3 * s], a[k + 3 * s]);
      for (int j = 1; j <= 2 * s && top_of_lobe; ++j) top_of_lobe = v > a[k - j] && v >= a[k + j];
      if (!top_of_lobe) continue;
      const double l = a[k - s] / v, r = a[k + s] / v;
      if (l + r > 0.0) {
        peaks.push_back({(r - l) / (r + l), l + r});
        five.push_back({a[k - 2 * s] / v, l, r, a[k + 2 * s] / v});
      }
    }
  }
  out.peaks = static_cast<int>(peaks.size());
  if (peaks.size() < 30) return out;
  struct Scored {
    WindowFamily f;
    double d;
  };
  std::vector<Scored> scored;
  for (WindowFamily f : kPeakFamilies) {
    WindowSpec spec;
    spec.family = f;
    spec.length = win_length(f);
    const std::vector<double> w = MakeWindow(spec);
    out.clean[PeakIndex(f)] = CleanPeaks(five, w, n_fft, s);
    // The family's curve: (asymmetry, width) for delta in [-0.5, 0.5], asymmetry increasing.
    const int grid = 101;
    std::vector<double> asym(grid), width(grid);
    for (int g = 0; g < grid; ++g) {
      const double delta = -0.5 + static_cast<double>(g) / (grid - 1);
      double mag[3];
      for (int j = -1; j <= 1; ++j) {
        std::complex<double> sum = 0.0, z = 1.0;
        const std::complex<double> step = std::polar(1.0, -2.0 * kPi * (j * s - delta) / n_fft);
        for (int i = 0; i < spec.length; ++i, z *= step) sum += w[i] * z;
        mag[j + 1] = std::abs(sum);
      }
      const double l = mag[0] / mag[1], r = mag[2] / mag[1];
      asym[g] = (r - l) / (r + l);
      width[g] = l + r;
    }
    std::vector<double> excess;
    excess.reserve(peaks.size());
    for (const auto& pk : peaks) {
      const double x = std::clamp(pk.first, asym.front(), asym.back());
      const size_t hi = std::min<size_t>(grid - 1, std::max<size_t>(1, std::lower_bound(asym.begin(), asym.end(), x) - asym.begin()));
      const double t = (x - asym[hi - 1]) / std::max(1e-300, asym[hi] - asym[hi - 1]);
      excess.push_back(pk.second / (width[hi - 1] + t * (width[hi] - width[hi - 1])));
    }
    const size_t q = excess.size() / 10;
    std::nth_element(excess.begin(), excess.begin() + q, excess.end());
    scored.push_back({f, std::abs(std::log(excess[q]))});
    out.fit[PeakIndex(f)] = scored.back().d;
  }
  std::sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) { return a.d < b.d; });
  out.family = scored[0].f;
  out.distance = scored[0].d;
  out.runner_up_family = scored[1].f;
  out.runner_up = scored[1].d;
  // Measured on 96 dumps (scipy.signal.stft and torch.stft power; Hann, Hamming, Blackman of
  // 512 and 1024 at hops of a quarter and a half; speech, a sentence, noisy speech, a chirp):
  // right on all. Adjacent families are about 0.15 apart in ln p10; a margin of half that is
  // asked (the margins below it, 0.011-0.074, were on short or noisy recordings), and 30 peaks.
  // And the chosen family must fit: its p10 within 10% of 1 (a linear plucked chord read as
  // power, square roots of Hann peaks, looked most like Blackman at 0.13-0.14).
  out.decisive = out.peaks >= 30 && out.runner_up - out.distance >= 0.075 && out.distance <= 0.1;
  for (int i = 0; i < 3; ++i) {
    const int other = std::max(out.clean[(i + 1) % 3], out.clean[(i + 2) % 3]);
    if (out.clean[i] >= kCleanMin && out.clean[i] >= kCleanRatio * other)
      out.clean_family = kPeakFamilies[i];
  }
  return out;
}

// A window as long as the frame with a pedestal (Hamming's 0.08, the rectangle's 1) leaves a
// step where the DFT wraps the frame: y(0) - y(N-1) = w(0) (x(0) - x(N-1)). A step's spectrum is
// Delta / (1 - exp(-2 pi i k / N)), so where the signal has little of its own above n_fft/4 (a
// resampled or band-limited recording, plucked strings, music), the top quarter of the frame's
// power spectrum is the smooth curve |Delta|^2 / (4 sin^2(pi k / N)). A window tapering to zero
// (Hann, Blackman) wraps smoothly; its own tail lies some 60 dB lower, under the signal's.
// Per loud frame (energy within 30 dB of the loudest), 10 log10 P(k) over k in [N/4, N/2) is
// fitted by a + b (-10 log10 sin^2(pi k / N)); the frame counts as a step's tail when the residual's
// RMS is under 0.5 dB (the signal's own bins scatter by about 5.6 dB) and b is 0.7-1.4 (a click
// gives a flat spectrum, b = 0).
// The same band tells the other way where it lies far below any step Hamming's pedestal would
// leave. For a frame whose ends are uncorrelated, E|Delta|^2 = 0.08^2 * 2 sigma^2, with sigma^2
// the signal's power away from DC (bins from 2 up: a DC offset or a slow drift leaves no step),
// sigma^2 = sum_{k>=2} |X(k)|^2 (both halves of the spectrum) / (N^2 * 0.3974), 0.3974 being the
// mean of Hamming's w^2. A frame counts as below when the band's median of P(k) 4 sin^2(pi k/N)
// is under 1% of that expectation (20 dB): a Hamming frame is so only when x(0) and x(N-1) happen
// to be near (chi-square: a few percent of frames).
struct WrapTail {
  int loud = 0;    // frames within 30 dB of the loudest
  int smooth = 0;  // of those, frames whose top quarter is a step's tail
  int below = 0;   // of those, frames whose top quarter lies 20 dB under Hamming's expected step
};

WrapTail PedestalTail(const std::vector<double>& frames, int n_frames, int bins, int n_fft) {
  constexpr double kPi = 3.14159265358979323846;
  WrapTail out;
  const int k0 = (n_fft + 3) / 4, k1 = std::min(bins - 1, (n_fft - 1) / 2);  // k in [k0, k1]
  if (k1 - k0 + 1 < 8) return out;
  const int m = k1 - k0 + 1;
  std::vector<double> x(m), four_sin2(m);  // x = -10 log10 sin^2(pi k / N); 4 sin^2(pi k / N)
  double sx = 0.0, sxx = 0.0;
  for (int i = 0; i < m; ++i) {
    const double s = std::sin(kPi * (k0 + i) / n_fft);
    x[i] = -10.0 * std::log10(s * s);
    four_sin2[i] = 4.0 * s * s;
    sx += x[i], sxx += x[i] * x[i];
  }
  const double det = m * sxx - sx * sx;
  if (!(det > 0.0)) return out;
  // Each frame's energy (for loudness) and its power away from DC (for sigma^2), in one pass.
  std::vector<double> energy(n_frames, 0.0), away_from_dc(n_frames, 0.0);
  for (int f = 0; f < n_frames; ++f)
    for (int k = 0; k < bins; ++k) {
      const double a = frames[static_cast<size_t>(f) * bins + k];
      energy[f] += a * a;
      if (k >= 2) away_from_dc[f] += (2 * k == n_fft ? 1.0 : 2.0) * a * a;
    }
  const double top = n_frames ? *std::max_element(energy.begin(), energy.end()) : 0.0;
  if (!(top > 0.0)) return out;
  std::vector<double> y(m), leveled(m);
  for (int f = 0; f < n_frames; ++f) {
    if (!(energy[f] >= 1e-3 * top)) continue;
    ++out.loud;
    const double* a = frames.data() + static_cast<size_t>(f) * bins;
    const double sigma2 = away_from_dc[f] / (static_cast<double>(n_fft) * n_fft * 0.3974);
    for (int i = 0; i < m; ++i) leveled[i] = a[k0 + i] * a[k0 + i] * four_sin2[i];
    std::nth_element(leveled.begin(), leveled.begin() + m / 2, leveled.end());
    if (sigma2 > 0.0 && leveled[m / 2] < 0.01 * 0.08 * 0.08 * 2.0 * sigma2) ++out.below;
    double sy = 0.0, sxy = 0.0;
    bool positive = true;
    for (int i = 0; i < m && positive; ++i) {
      const double v = a[k0 + i];
      positive = v > 0.0 && std::isfinite(v);
      if (!positive) break;
      y[i] = 20.0 * std::log10(v);
      sy += y[i], sxy += x[i] * y[i];
    }
    if (!positive) continue;
    const double b = (m * sxy - sx * sy) / det, c = (sy - b * sx) / m;
    double rss = 0.0;
    for (int i = 0; i < m; ++i) rss += (y[i] - c - b * x[i]) * (y[i] - c - b * x[i]);
    if (std::sqrt(rss / m) < 0.5 && b > 0.7 && b < 1.4) ++out.smooth;
  }
  return out;
}

// Voiced harmonics (80-250 Hz apart) lie closer than a main lobe when bins are wider than about
// 50 Hz (speech at n_fft 256 and 16-22 kHz: 1.3-1.8 bins apart); spectral "peaks" are then
// their beats, and the narrow ones made Hann look like Hamming and Blackman like Hann,
// decisively (6 of 12 scipy dumps of speech16k and noisy22k). The peak-shape test was right
// with bins of 8-47 Hz (8-48 kHz, n_fft 256-2048). Without a sample rate 16 kHz is assumed,
// the commonest rate of speech dumps.
constexpr double kMaxBinHz = 50.0, kAssumedRate = 16000.0;

// The two-fifths hop (see InferMagnitudeOnly): taken when a short retrieval gains at least
// kTwoFifthsMarginDb more from L/3 to 2L/5 than from 2L/5 to L/2, scored on the hop scan's region
// (both its excerpts). Measured on torch power dumps of Hann and Hamming 400 on the fourteen
// recordings resampled to 16 kHz: at a true hop of 200 the first gain fell short of the second
// by 0.6-9.3 dB (the 24 dumps the scan read at 200; it read the four of the strings under FM at
// 100), at a true hop of 160 it exceeded it by more than 1 dB in 17 of 28 (sustained chords and
// the strings, consistent at any hop, fell short). On one excerpt instead of both, the worst true
// 200 fell short by only 0.1 dB and 15 true 160 passed. The square-wave organ at its own 22050 Hz
// under Hann, Hamming and Blackman 400 at hop 200 exceeded it by 0.9-1.7 dB; there the scan's drop
// at L/2 was under 3 dB (kStrongHalfDropDb), as it is for sustained tones, and such a dump must
// exceed it by kTwoFifthsWeakMarginDb (the true 160s with a weak drop did so by 3.0-7.6 dB).
constexpr double kTwoFifthsMarginDb = 1.0, kTwoFifthsWeakMarginDb = 2.5, kStrongHalfDropDb = 3.0;

// The longer retrieval: at a hop below half the window (redundancy 4 and more) only the true
// window's magnitudes are consistent, and a retrieval long enough tells the family: with the
// true n_fft and hop given, 300 iterations on the whole dump ranked the true one of Hann, Hamming and
// Blackman first on all 60 scipy and torch dumps at a quarter window of the sets "held", "n256"
// and "music" (bench/magnitude_only_matrix.py; margins 1.9-20 dB), but only 39 of 60 at half the
// window. The family table's 60 iterations on the excerpt leave close calls, so where another of
// the three comes within kConfirmGapDb of the chosen family there, they are retrieved again with
// kConfirmIterations on the kConfirmFrames loudest consecutive frames, and the best replaces the
// chosen family by kConfirmMarginDb. On those 60 dumps the true family led that longer retrieval
// by 2.1-20 dB; the table's gaps were -1.24 dB (Hamming 128 at 8 kHz, read as Hann), 0.79 and
// 1.38 dB, then 4.4 dB and more.
constexpr int kConfirmFrames = 128, kConfirmIterations = 100;
constexpr double kConfirmGapDb = 3.0, kConfirmMarginDb = 1.0;

// The families a magnitude-only dump is tried under, in the order of the family table.
constexpr WindowFamily kTriedFamilies[] = {WindowFamily::kHann,           WindowFamily::kHamming,     WindowFamily::kBlackman,
                                           WindowFamily::kBlackmanHarris, WindowFamily::kRectangular, WindowFamily::kSine};
double BinHz(const Hints& hints, int n_fft) {
  return (hints.sample_rate ? static_cast<double>(*hints.sample_rate) : kAssumedRate) / std::max(1, n_fft);
}
bool PeaksMayBePartials(const Hints& hints, int n_fft) { return BinHz(hints, n_fft) <= kMaxBinHz; }

}  // namespace

// The SC of a short retrieval at hop n_fft/4 (the best of Hann, Hamming and Blackman) on the
// 48 loudest frames of two readings of the values: `current` (already linear), and the values
// under `other`. At redundancy 4 only the right reading of a dump at a hop of a quarter window
// is consistent; at a hop of half the window neither need be.
void QuarterHopConsistency(const std::vector<double>& current, const std::vector<double>& values, const std::string& other,
                           const LayoutCandidate& l0, int threads, double best[2]) {
  const int b0 = static_cast<int>(l0.bins), n0 = 2 * (b0 - 1);
  std::vector<std::vector<double>> exs(2);
  int ef = 0;
  for (int i = 0; i < 2; ++i) {
    int st = 0;
    exs[i] = Excerpt(ToFrames(i == 0 ? current : MagnitudeToLinear(values, other), l0), static_cast<int>(l0.frames), b0, 48, &st);
    ef = static_cast<int>(exs[i].size() / b0);
  }
  std::vector<Trial> trials;
  for (int i = 0; i < 2; ++i)
    for (WindowFamily f : {WindowFamily::kHann, WindowFamily::kHamming, WindowFamily::kBlackman}) {
      Trial t;
      t.h.n_fft = n0;
      t.h.hop = std::max(1, n0 / 4);
      t.h.window.family = f;
      t.h.window.length = n0;
      trials.push_back(t);
    }
  std::vector<std::function<void()>> jobs;
  for (size_t j = 0; j < trials.size(); ++j) {
    const std::vector<double>* e = &exs[j / 3];
    Trial* t = &trials[j];
    jobs.push_back([e, ef, b0, t] { Score(*e, ef, b0, 30, t); });
  }
  RunJobs(jobs, threads);
  best[0] = best[1] = 0.0;
  for (size_t j = 0; j < trials.size(); ++j) best[j / 3] = std::min(best[j / 3], trials[j].sc);
}

InferenceResult InferMagnitudeOnly(const NdArray& array, const Hints& hints, const MagnitudeOnlyOptions& opt) {
  const auto t_start = std::chrono::steady_clock::now();
  auto since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  InferenceResult r;
  InferenceLog& log = r.log;
  const std::string& path = array.info.path;
  const ValueStats stats = ComputeStats(array.values);
  if (stats.finite < stats.count)
    ThrowBadInput(path, std::to_string(stats.count - stats.finite) + " of " + std::to_string(stats.count) +
                            " magnitude values are NaN or infinite");
  if (stats.count < 12) ThrowBadInput(path, "holds " + std::to_string(stats.count) + " values: too few for a spectrogram");
  const bool logarithmic = stats.negative > 0;
  if (stats.min == stats.max)
    ThrowInferenceFailed("\"" + path + "\": every value is " + std::to_string(stats.min) +
                         ": a constant magnitude has no structure to infer an STFT from");

  // 1. Layout candidates from the period of the flat stream.
  std::vector<LayoutCandidate> layouts = FindLayoutCandidates(LogLike(array.values, logarithmic), hints, &log);
  if (layouts.empty())
    ThrowInferenceFailed("\"" + path + "\": no layout of at least 3 bins and 4 frames fits " +
                             std::to_string(stats.count) + " values",
                         log.lines());
  {  // keep the periods that correlate nearly as well as the best (the best itself always: its
     // correlation may be negative, where half of it would be above it)
    const double best = layouts.front().correlation;
    const double keep = best > 0.0 ? 0.5 * best : best;
    layouts.erase(std::remove_if(layouts.begin() + 1, layouts.end(),
                                 [&](const LayoutCandidate& c) { return c.correlation < keep; }),
                  layouts.end());
  }

  // 2. Magnitude scale: the reading whose spectra look most like a linear |X| (PatchRatio), under
  // the most conventional layout (orientation is settled below). Non-negative data are read as
  // logarithmic (dB in uint8, log1p, ...) only when neither the linear nor the power reading
  // looks like a magnitude.
  size_t scale_layout = 0;
  for (size_t i = 1; i < layouts.size(); ++i)
    if (LayoutPoints(layouts[i].bins) > LayoutPoints(layouts[scale_layout].bins)) scale_layout = i;
  std::vector<std::string> scales;
  if (hints.magnitude_scale) scales = {*hints.magnitude_scale};
  else scales = MagnitudeScaleCandidates(stats);
  const double kLinearRatio = 0.81, kLogOnlyBeyond = 0.12;
  std::vector<std::pair<double, std::string>> scale_rank;
  double plain_best = 1.0;
  // log1p(v) is v within v/2 relative: below 0.1 the two readings are the same magnitudes within
  // 5%, and the commoner, linear, is read (a scipy |X| of plucked strings at 44.1 kHz, all values
  // below 0.03, was reported as log1p: its patch ratio was 0.0001 nearer 0.81).
  constexpr double kLog1pIsLinearBelow = 0.1;
  // A logarithmic reading of non-negative values must span 20 dB of |X|: values that all lie
  // within a few hundredths of each other are no log of a spectrogram, and read as one they are
  // a nearly constant |X| whose patch ratio (1.0) can come nearer 0.81 than a plain reading's
  // (matplotlib's specgram, a one-sided PSD, of a square-wave organ at n_fft 1024: values up
  // to 8.9e-5, read as ln, then "frames of 513 bins are too short to analyse"). Nor may it span
  // more than 1000 dB (|X| over a ratio of 1e50; dumps kept in dB span 80-300 dB): torch power of
  // a square-wave organ (values up to 482) read as ln spans 4188 dB, nearly every bin of it 0
  // against the few largest, a patch ratio of 1.0; it was read so, and at hop 128 for 256.
  constexpr double kLogSpanDb = 20.0, kLogSpanMaxDb = 1000.0;
  auto log_span_db = [&](const std::string& sc) {
    const double range = stats.max - stats.min, to_db_of_x = sc == "db20"          ? 1.0
                                                         : sc == "db10"          ? 2.0
                                                         : sc == "ln"            ? 20.0 / std::log(10.0)
                                                         : sc == "log10"         ? 20.0
                                                         : sc == "ln_power"      ? 10.0 / std::log(10.0)
                                                         : sc == "log10_power"   ? 10.0
                                                                                 : 0.0;
    return range * to_db_of_x;
  };
  for (const std::string& sc : scales) {
    const bool plain = sc == "linear" || sc == "power";
    if (!plain && !logarithmic && !hints.magnitude_scale && plain_best <= kLogOnlyBeyond) continue;
    if (sc == "log1p" && !hints.magnitude_scale && stats.max < kLog1pIsLinearBelow) continue;
    if (IsLogarithmicScale(sc) && !logarithmic && !hints.magnitude_scale) {
      const double span = log_span_db(sc);
      if (span < kLogSpanDb || span > kLogSpanMaxDb) {
        log.Addf("magnitude-only: %s reading not tried: its |X| would span %.2g dB, outside %.0f-%.0f", sc.c_str(), span, kLogSpanDb,
                 kLogSpanMaxDb);
        continue;
      }
    }
    const LayoutCandidate& l0 = layouts[scale_layout];
    const double pr = PatchRatio(ToFrames(MagnitudeToLinear(array.values, sc), l0), l0.frames, l0.bins);
    scale_rank.push_back({std::abs(pr - kLinearRatio), sc});
    if (plain) plain_best = std::min(plain_best, std::abs(pr - kLinearRatio));
    log.Addf("magnitude-only: %s reading: spectral patch ratio (mean^2 / mean square over 8 bins) %.3f (linear |X| ~%.2f, power ~0.53)",
             sc.c_str(), pr, kLinearRatio);
  }
  std::stable_sort(scale_rank.begin(), scale_rank.end());
  r.magnitude_scale = scale_rank[0].second;
  // The patch ratio reads noise-like spectra; the spectra of tonal sounds (few partials, each a
  // copy of the window's main lobe) give ratios far from both references (a plucked chord,
  // linear |X|: 0.63-0.75), and then the power reading could win. The shape of spectral peaks
  // tells the two readings apart there: under the right one the peaks fit a window family
  // (|ln p10 excess| 0.04-0.10, PeakShapeFamily below), under the wrong one they are a square
  // or a square root of such a shape (0.10-0.90; only sqrt|Hamming| resembles Blackman). The
  // other plain reading replaces the patch ratio's when its peaks fit within 0.1 and the
  // chosen one's do not, by half; and only where the patch ratio itself is in doubt (its
  // choice more than kPatchDoubt from 0.81; speech gave 0.77-0.84) and where the peaks can be
  // partials (PeaksMayBePartials: unresolved harmonics of speech at n_fft 256 and 16 kHz fit
  // Hann under the power reading of a linear Hamming dump whose ratio was 0.797).
  const double kPatchDoubt = 0.06;
  bool scale_by_peaks = false, scale_by_retrieval = false;
  double peak_fit[2] = {0.0, 0.0}, scale_sc[2] = {0.0, 0.0};
  constexpr double kScaleRetrievalDb = 4.0, kLogTie = 0.03, kLogFitsDb = -20.0, kLogRetrievalDb = 3.0;
  std::vector<double> lin = MagnitudeToLinear(array.values, r.magnitude_scale);
  // Another reading replaces the patch ratio's choice: it goes first in the ranking (the
  // evidence's value and runner-up) and becomes the linear magnitude.
  auto take_reading = [&](std::string sc, std::vector<double>* converted = nullptr) {  // by value: sc may name an entry the rotation moves
    for (size_t i = 0; i < scale_rank.size(); ++i)
      if (scale_rank[i].second == sc) std::rotate(scale_rank.begin(), scale_rank.begin() + i, scale_rank.begin() + i + 1);
    r.magnitude_scale = sc;
    lin = converted ? std::move(*converted) : MagnitudeToLinear(array.values, sc);
  };
  // A window shorter than half of n_fft shows under the right plain reading only: its |X|^2 is
  // the transform of an autocorrelation that vanishes beyond win_length. Under the power reading
  // of a linear dump (|X|^2 read as |X|) nothing vanishes; under the linear reading of a power
  // dump (|X|^4) the support doubles. Zero-padded frames are smoother across bins, and the
  // patch ratio misread them (torch power dumps of Blackman 400 in n_fft 1024 read as linear).
  bool scale_by_support = false, scale_confirmed_by_support = false;
  int support_last[2] = {0, 0};
  if (!hints.magnitude_scale && scale_rank.size() > 1 && (r.magnitude_scale == "linear" || r.magnitude_scale == "power")) {
    const std::string other = r.magnitude_scale == "linear" ? "power" : "linear";
    const bool other_ranked = std::any_of(scale_rank.begin(), scale_rank.end(), [&](const auto& e) { return e.second == other; });
    const LayoutCandidate& l0 = layouts[scale_layout];
    const int b0 = static_cast<int>(l0.bins), n0 = 2 * (b0 - 1);
    if (other_ranked && n0 >= 16) {
      std::vector<double> lin_other = MagnitudeToLinear(array.values, other);
      AutocorrSupport sup[2];
      for (int i = 0; i < 2; ++i) {
        int st = 0;
        const std::vector<double> ex = Excerpt(ToFrames(i == 0 ? lin : lin_other, l0), static_cast<int>(l0.frames), b0, 64, &st);
        sup[i] = AutocorrelationSupport(ex, static_cast<int>(ex.size() / b0), b0, n0);
        support_last[i] = sup[i].last;
      }
      if (sup[1].last > 0 && (sup[0].last == 0 || sup[0].last > 1.6 * sup[1].last)) {
        log.Addf("magnitude-only: the frames' autocorrelation vanishes beyond lag %d under the %s reading, %s under the %s reading: "
                 "the %s reading is taken", sup[1].last - 1, other.c_str(),
                 sup[0].last ? ("beyond " + std::to_string(sup[0].last - 1)).c_str() : "nowhere", r.magnitude_scale.c_str(), other.c_str());
        take_reading(other, &lin_other);
        scale_by_support = true;
        std::swap(support_last[0], support_last[1]);
      } else if (sup[0].last > 0 && (sup[1].last == 0 || sup[1].last > 1.6 * sup[0].last)) {
        // The patch ratio's choice is the one with a short support: the tests below, which assume
        // a window of n_fft, are not needed (a retrieval at n_fft/4 with windows of n_fft took
        // the linear reading of a torch power dump of Hann 512 in n_fft 1024).
        scale_confirmed_by_support = true;
        log.Addf("magnitude-only: the frames' autocorrelation vanishes beyond lag %d under the %s reading, %s under the %s reading: "
                 "the reading stands", sup[0].last - 1, r.magnitude_scale.c_str(),
                 sup[1].last ? ("beyond " + std::to_string(sup[1].last - 1)).c_str() : "nowhere", other.c_str());
      }
    }
  }
  if (!scale_by_support && !scale_confirmed_by_support && !hints.magnitude_scale && scale_rank.size() > 1 && (r.magnitude_scale == "linear" || r.magnitude_scale == "power") &&
      scale_rank[0].first > kPatchDoubt) {
    const std::string other = r.magnitude_scale == "linear" ? "power" : "linear";
    const LayoutCandidate& l0 = layouts[scale_layout];
    const int b0 = static_cast<int>(l0.bins), n0 = 2 * (b0 - 1);
    if (n0 >= 16 && PeaksMayBePartials(hints, n0)) {
      std::vector<double> lin_other = MagnitudeToLinear(array.values, other);
      const auto full = [n0](WindowFamily) { return n0; };
      const PeakShape now = PeakShapeFamily(ToFrames(lin, l0), static_cast<int>(l0.frames), b0, n0, full);
      const PeakShape alt = PeakShapeFamily(ToFrames(lin_other, l0), static_cast<int>(l0.frames), b0, n0, full);
      peak_fit[0] = now.distance, peak_fit[1] = alt.distance;
      log.Addf("magnitude-only: peak shape under the %s reading: %s fits within %.3f (%d peaks); under the %s reading: %s within %.3f (%d peaks)",
               r.magnitude_scale.c_str(), WindowFamilyName(now.family), now.distance, now.peaks, other.c_str(),
               WindowFamilyName(alt.family), alt.distance, alt.peaks);
      if (now.peaks >= 30 && alt.peaks >= 30 && alt.distance <= 0.1 && now.distance > 0.1 && alt.distance < 0.5 * now.distance) {
        take_reading(other, &lin_other);
        scale_by_peaks = true;
        std::swap(peak_fit[0], peak_fit[1]);
        log.Addf("magnitude-only: the %s reading is taken: its peaks fit a window, the patch ratio's choice does not", other.c_str());
      }
    }
    // Where the peaks could not decide: a short retrieval at a quarter-window hop under each
    // reading. Only one reading is a consistent |X|; at redundancy 4 the other (its square or
    // square root) stays 6-12 dB less consistent (German speech at 8 kHz, n_fft 128, whose voiced
    // harmonics 2 bins apart gave linear |X| a patch ratio of 0.70-0.72, its square root 0.88-0.89:
    // the patch ratio took the power reading). At a true hop of half a window neither reading is consistent
    // at a quarter (they were within 2 dB), and the patch ratio stands.
    if (!scale_by_peaks && n0 >= 16) {
      double best[2] = {0.0, 0.0};
      const std::string readings[2] = {r.magnitude_scale, other};
      QuarterHopConsistency(lin, array.values, other, l0, opt.threads, best);
      log.Addf("magnitude-only: short retrieval at hop n_fft/4 (best of Hann, Hamming, Blackman): %s reading SC %.2f dB, %s reading %.2f dB",
               readings[0].c_str(), best[0], readings[1].c_str(), best[1]);
      if (best[1] < best[0] - kScaleRetrievalDb) {
        take_reading(other);
        scale_by_retrieval = true;
        scale_sc[0] = best[1], scale_sc[1] = best[0];
        log.Addf("magnitude-only: the %s reading is taken: a retrieval makes it more consistent by %.1f dB", other.c_str(), best[0] - best[1]);
      }
    }
  }
  // Logarithmic readings differ by their exponent (|X| = exp(c v): db20 0.115, db10 0.230, ln_power
  // 0.5, ln 1, log10_power 1.151, log10 2.303), and the patch ratio cannot tell 1 from 1.151
  // (torch.log of a magnitude: ln 0.837, log10_power 0.798). Where the two best are that close,
  // a short retrieval at a quarter-window hop decides when it can, else the commoner reading.
  bool log_by_retrieval = false, log_by_prior = false;
  if (!hints.magnitude_scale && scale_rank.size() > 1 && IsLogarithmicScale(scale_rank[0].second) &&
      IsLogarithmicScale(scale_rank[1].second) && scale_rank[1].first - scale_rank[0].first < kLogTie) {
    const LayoutCandidate& l0 = layouts[scale_layout];
    if (l0.bins >= 9) {
      double best[2] = {0.0, 0.0};
      QuarterHopConsistency(lin, array.values, scale_rank[1].second, l0, opt.threads, best);
      log.Addf("magnitude-only: the %s and %s readings are near (patch ratios %.3f and %.3f from 0.81): short retrieval at hop "
               "n_fft/4: SC %.2f and %.2f dB", scale_rank[0].second.c_str(), scale_rank[1].second.c_str(), scale_rank[0].first,
               scale_rank[1].first, best[0], best[1]);
      // Decisive only where the quarter hop fits (SC below -20 dB: dumps at a quarter-window
      // hop gave -22 to -42 dB, at half a window -10 to -18 dB, where the two readings' order
      // was a coin toss) and by 3 dB (the right exponent was 1.4-16 dB more consistent at a
      // quarter); otherwise the patch ratio's order stands.
      if (best[1] < kLogFitsDb && best[1] < best[0] - kLogRetrievalDb) {
        take_reading(scale_rank[1].second);
        log_by_retrieval = true;
        scale_sc[0] = best[1], scale_sc[1] = best[0];
        log.Addf("magnitude-only: the %s reading is taken: more consistent at a quarter-window hop by %.1f dB", r.magnitude_scale.c_str(),
                 best[0] - best[1]);
      }
    }
    // Not decided so: the commoner reading (torch.log or np.log of a magnitude is common, log10
    // of a power without the 10 of dB rare).
    auto prior = [](const std::string& sc) {
      static const char* const kOrder[] = {"db20", "ln", "ln_power", "log10_power", "db10", "log10"};
      for (size_t i = 0; i < std::size(kOrder); ++i)
        if (sc == kOrder[i]) return i;
      return std::size(kOrder);
    };
    if (!log_by_retrieval && prior(scale_rank[1].second) < prior(scale_rank[0].second)) {
      take_reading(scale_rank[1].second);
      log_by_prior = true;
      log.Addf("magnitude-only: the %s reading is taken: the commoner of the two", r.magnitude_scale.c_str());
    }
  }
  {
    Evidence e;
    e.source = hints.magnitude_scale ? "given" : "inferred";
    e.value = r.magnitude_scale;
    e.score = 1.0 - scale_rank[0].first;
    e.metric = "1 - |median over 8-bin runs of (mean)^2/(mean square) - 0.81| (0..1; the statistic is 0.81 for a linear |X|, 0.53 for |X|^2)";
    if (scale_rank.size() > 1) e.has_runner_up = true, e.runner_up_value = scale_rank[1].second, e.runner_up_score = 1.0 - scale_rank[1].first;
    if (scale_by_retrieval || log_by_retrieval) {
      e.score = -scale_sc[0];
      e.runner_up_score = -scale_sc[1];
      e.metric = "-SC (dB) of a short retrieval at hop n_fft/4, best of Hann, Hamming and Blackman; the patch ratio (noise-like "
                 "spectra) was overruled because this reading was more consistent, by 4 dB (linear against power) or by 3 dB "
                 "below -20 dB (logarithmic readings of near exponents)";
    }
    if (log_by_prior)
      e.note = "the two best readings' patch ratios were within 0.03 and a retrieval at a quarter-window hop did not decide: "
               "the commoner was taken (db20, ln, ln_power, log10_power, db10, log10, in that order)";
    if (scale_confirmed_by_support)
      e.note = "the frames' autocorrelation vanishes beyond lag " + std::to_string(support_last[0] - 1) + " under this reading, " +
               (support_last[1] ? "beyond " + std::to_string(support_last[1] - 1) : std::string("nowhere")) + " under the other";
    if (scale_by_support) {
      e.score = 1.0;
      e.runner_up_score = 0.0;
      e.metric = "1 for the reading under which the frames' autocorrelation (inverse FFT of |X|^2) vanishes beyond a lag, at "
                 "most 1/1.6 of the other's, 0 for the other: a window shorter than n_fft/2 shows so under the right reading only "
                 "(the other squares |X| or takes its square root); the patch ratio (noise-like spectra) was overruled";
      e.note = "support under this reading: " + std::to_string(support_last[0]) + " lags; under the other: " +
               (support_last[1] ? std::to_string(support_last[1]) + " lags" : std::string("none"));
    }
    if (scale_by_peaks) {
      e.score = -peak_fit[0];
      e.runner_up_score = -peak_fit[1];
      e.metric = "-|ln p10| of the spectral peaks' width over the best window family's (0 = a perfect fit); the patch ratio "
                 "(noise-like spectra) was overruled because the peaks fit a window only under this reading";
    }
    r.evidence["magnitude_scale"] = e;
  }

  // 3. Orientation: a bin count that makes a conventional n_fft, then (on a tie) which layout a
  // short retrieval makes most consistent.
  // bins_x_frames (what scipy, torch and librosa return) is taken on a tie: a quarter point, the
  // worth of 7.5 dB of the short retrieval below. Half a point (15 dB) once let a multiple of the
  // true period win: 20 log10 |torch.stft| of plucked strings, not centred, Hamming 256 at hop
  // 128, written frames x 129 bins, was read as 1677 frames x 33 bins (n_fft 64, SC -16.0 dB)
  // over the true reading (-28.7 dB).
  constexpr double kBinsXFramesBonus = 0.25;
  std::vector<double> layout_score(layouts.size(), 0.0), layout_sc(layouts.size(), 0.0);
  for (size_t i = 0; i < layouts.size(); ++i) {
    layout_score[i] = LayoutPoints(layouts[i].bins) + (layouts[i].layout == Layout::kBinsXFrames ? kBinsXFramesBonus : 0.0);
  }
  std::vector<std::vector<double>> layout_frames(layouts.size());
  {
    const double top = *std::max_element(layout_score.begin(), layout_score.end());
    std::vector<std::vector<Trial>> screen(layouts.size());
    std::vector<std::vector<double>> excerpts(layouts.size());
    std::vector<int> ex_frames(layouts.size(), 0);
    std::vector<std::function<void()>> jobs;
    for (size_t i = 0; i < layouts.size(); ++i) {
      layout_frames[i] = ToFrames(lin, layouts[i]);
      if (layout_score[i] < top - 0.75) continue;  // clearly less conventional: not screened
      const int bins = static_cast<int>(layouts[i].bins), n = hints.n_fft.value_or(2 * (bins - 1));
      if (hints.win_length && *hints.win_length > n) continue;  // the given window does not fit: not screened
      int start = 0;
      excerpts[i] = Excerpt(layout_frames[i], static_cast<int>(layouts[i].frames), bins, 32, &start);
      ex_frames[i] = static_cast<int>(excerpts[i].size() / bins);
      for (WindowFamily f : {WindowFamily::kHann, WindowFamily::kHamming, WindowFamily::kBlackman})
        for (int d : {4, 2}) {
          Trial t;
          t.h.n_fft = n;
          t.h.hop = hints.hop.value_or(std::max(1, n / d));
          t.h.window.family = hints.window ? hints.window->family : f;
          t.h.window.param = hints.window ? hints.window->param : 0.0;
          t.h.window.length = hints.win_length.value_or(n);
          screen[i].push_back(t);
        }
    }
    for (size_t i = 0; i < layouts.size(); ++i)
      for (Trial& t : screen[i]) {
        const std::vector<double>* ex = &excerpts[i];
        const int bins = static_cast<int>(layouts[i].bins), f = ex_frames[i];
        jobs.push_back([ex, f, bins, &t] { Score(*ex, f, bins, 30, &t); });
      }
    if (layouts.size() > 1 || hints.layout) RunJobs(jobs, opt.threads);
    for (size_t i = 0; i < layouts.size(); ++i) {
      double best = 0.0;
      for (const Trial& t : screen[i]) best = std::min(best, t.sc);
      layout_sc[i] = best;
      // Roundness decides; within one roundness step the retrieval does (1 point per 30 dB, at
      // most 0.9).
      if (!screen[i].empty()) layout_score[i] += std::min(0.9, -best / 30.0);
      log.Addf("magnitude-only: layout %s %zu frames x %zu bins: n_fft %d conventional %.1f, short retrieval SC %.2f dB, score %.2f",
               LayoutName(layouts[i].layout), layouts[i].frames, layouts[i].bins, 2 * (static_cast<int>(layouts[i].bins) - 1),
               LayoutPoints(layouts[i].bins),
               best, layout_score[i]);
    }
  }
  std::vector<size_t> lorder(layouts.size());
  std::iota(lorder.begin(), lorder.end(), size_t(0));
  std::stable_sort(lorder.begin(), lorder.end(), [&](size_t a, size_t b) { return layout_score[a] > layout_score[b]; });
  const LayoutCandidate& lay = layouts[lorder[0]];
  const std::vector<double>& frames = layout_frames[lorder[0]];
  const int bins = static_cast<int>(lay.bins);
  {
    Evidence le;
    le.source = hints.layout ? "given" : "inferred";
    le.value = {{"layout", LayoutName(lay.layout)}, {"frames", lay.frames}, {"bins", lay.bins}};
    // Points: how conventional the n_fft of the bin count is (0..4), 0.5 for the native
    // bins_x_frames, up to 0.9 for a short retrieval's SC; reported as 0.5 + margin/8 (0..1).
    const double margin = lorder.size() > 1 ? layout_score[lorder[0]] - layout_score[lorder[1]] : 4.0;
    le.score = std::clamp(0.5 + margin / 8.0, 0.0, 1.0);
    le.metric = "0.5 + (points - runner-up's points)/8 (0..1); points: conventional n_fft 0..4 (less 1 below n_fft 64, 2 below 32), bins_x_frames 0.5, short-retrieval SC/30";
    if (lorder.size() > 1) {
      const LayoutCandidate& l2 = layouts[lorder[1]];
      le.has_runner_up = true;
      le.runner_up_value = {{"layout", LayoutName(l2.layout)}, {"frames", l2.frames}, {"bins", l2.bins}};
      le.runner_up_score = 1.0 - le.score;
    }
    le.note = "period of the flat stream " + std::to_string(lay.layout == Layout::kFramesXBins ? lay.bins : lay.frames) +
              " (correlation of the differenced log-magnitudes above its neighbouring lags by " + std::to_string(lay.correlation).substr(0, 5) + ")";
    r.evidence["layout"] = le;
  }

  // 4. Hop. Magnitudes stay nearly consistent under a hop larger than the true one (a time
  // stretch) but not under a smaller one (they claim more overlap than the frames have). So for
  // each conventional hop a, two excerpts are scored at the same claimed hop 2a and frame count:
  // every other frame (consistent there if a is the true hop) and consecutive frames (then a
  // mild stretch). T(a) = SC(every other) - SC(consecutive) is large while a is below the true
  // hop and falls to about 0 at it; the hop where T falls most is taken.
  // Short frames carry little signal each: take more of them (48 frames at n_fft 512).
  const int want = std::clamp(opt.excerpt_frames * 256 / std::max(1, bins - 1), opt.excerpt_frames, 3 * opt.excerpt_frames);
  int region_start = 0;
  const std::vector<double> region = Excerpt(frames, static_cast<int>(lay.frames), bins, 2 * want, &region_start);
  const int region_frames = static_cast<int>(region.size() / bins);
  std::vector<double> sub, ex;
  for (int m = 0; m < region_frames; m += 2)
    sub.insert(sub.end(), region.begin() + static_cast<size_t>(m) * bins, region.begin() + static_cast<size_t>(m + 1) * bins);
  const int ex_frames = std::max(1, region_frames / 2), sub_frames = static_cast<int>(sub.size() / bins);
  const int ex_first = (region_frames - ex_frames) / 2;
  ex.assign(region.begin() + static_cast<size_t>(ex_first) * bins, region.begin() + static_cast<size_t>(ex_first + ex_frames) * bins);
  // n_fft parity: the bin count allows an even n_fft (last bin = Nyquist), an odd one, or an
  // even one whose Nyquist bin was dropped. Magnitudes barely tell them apart (a free last bin
  // always fits at least as well as a real one), so the most conventional size is taken, even
  // before dropped before odd on a tie. It is chosen before the window length and the hops,
  // which derive from it (Octave's specgram keeps n_fft/2 bins: scanned from 510 instead of
  // 512, a Hann 512 at hop 128 was read as win_length 510 at hop 255).
  std::vector<std::pair<int, int>> parity;  // (score, n_fft)
  if (!hints.n_fft) {
    const int alt[3] = {2 * (bins - 1), 2 * bins, 2 * bins - 1};
    for (int i = 0; i < 3; ++i) parity.push_back({Roundness(alt[i]) * 3 + (2 - i), alt[i]});
    std::stable_sort(parity.begin(), parity.end(), [](auto& a, auto& b) { return a.first > b.first; });
  }
  const int n = hints.n_fft ? *hints.n_fft : parity[0].second;
  if (hints.win_length && *hints.win_length > n)
    ThrowInferenceFailed("\"" + path + "\": the given win_length " + std::to_string(*hints.win_length) + " exceeds n_fft " +
                             std::to_string(n) + (hints.n_fft ? " (given)" : " (read from " + std::to_string(bins) + " bins)"),
                         log.lines());
  Hypothesis base;
  base.n_fft = n;
  base.window.family = hints.window ? hints.window->family : WindowFamily::kHann;
  base.window.param = hints.window ? hints.window->param : 0.0;
  // The window length: n_fft unless the frames' autocorrelation vanishes; then each family's own
  // (a tapered window's autocorrelation fades before its length: WindowLengthFor).
  AutocorrSupport support;
  if (!hints.win_length) support = AutocorrelationSupport(region, region_frames, bins, n);
  std::map<WindowFamily, int> lengths;
  const std::function<int(WindowFamily)> length_for = [&](WindowFamily f) {
    if (hints.win_length) return *hints.win_length;
    auto it = lengths.find(f);
    if (it == lengths.end()) it = lengths.emplace(f, WindowLengthFor(f, support, n)).first;
    return it->second;
  };
  if (!hints.win_length && support.last > 0)
    log.Addf("magnitude-only: the frames' autocorrelation is below %.1e of its peak beyond lag %d (a %s edge): win_length %d (Hann), %d "
             "(Hamming), %d (Blackman)", support.threshold, support.last - 1, support.hard ? "hard" : "tapered", length_for(WindowFamily::kHann),
             length_for(WindowFamily::kHamming), length_for(WindowFamily::kBlackman));
  base.window.length = length_for(base.window.family);
  // The family the peaks' shape points to, when it is clear, is the prior of the family choice
  // below (Hann otherwise: scipy's, torch's and librosa's default) and the hop scan runs under it.
  // (Not needed when the window is given.)
  PeakShape shape = hints.window ? PeakShape() : PeakShapeFamily(frames, static_cast<int>(lay.frames), bins, n, length_for);
  if (!hints.window)
    log.Addf("magnitude-only: peak shape over %d peaks: %s (|ln p10 excess| %.3f), runner-up %s (%.3f)%s", shape.peaks,
           WindowFamilyName(shape.family), shape.distance, WindowFamilyName(shape.runner_up_family), shape.runner_up,
           shape.decisive ? "" : ": not decisive (30 peaks, a margin of 0.075 and a fit within 0.1 are asked), Hann is the prior");
  // Clean peaks (CleanPeaks), where they single out a family, decide the peaks' reading: they
  // are lobes alone in their neighbourhood, so bins too wide to resolve harmonics (below) do not
  // set them aside. (matplotlib's specgram of plucked strings at 22.05 kHz, Hann 1024 at hop
  // 256, tests/data/clean_peaks: the 10th percentile read Hamming, 0.010 against Hann's 0.130,
  // and the hop 512; 94 peaks were clean for Hann, 1 for Blackman, none for Hamming.)
  if (!hints.window && shape.peaks >= 30)
    log.Addf("magnitude-only: clean peaks (five bins on one family's lobe within %.0f%%): hamming %d, hann %d, blackman %d%s",
             100 * kCleanFit, shape.clean[0], shape.clean[1], shape.clean[2],
             shape.clean_family ? (std::string(": ") + WindowFamilyName(*shape.clean_family) + " decides").c_str() : "");
  if (!hints.window && shape.clean_family) {
    if (shape.family != *shape.clean_family) {
      shape.runner_up_family = shape.family;
      shape.runner_up = shape.distance;
      shape.family = *shape.clean_family;
      shape.distance = shape.fit[PeakIndex(*shape.clean_family)];
    }
    shape.decisive = true;
  }
  // The peaks must be partials (PeaksMayBePartials). A shape set aside for that still counts
  // where the retrieval agrees with it (pick_family below).
  std::optional<WindowFamily> set_aside;
  std::string set_aside_why;  // when the set-aside family is taken: why (for the window evidence)
  // A Hamming reading counts with a fit up to 0.15 (a true Hamming's shape at wide bins lies
  // beyond Hamming: 0.061-0.148, see pick_family).
  const bool loose_hamming = shape.family == WindowFamily::kHamming && shape.peaks >= 30 && shape.distance < 0.15 &&
                             shape.runner_up - shape.distance >= 0.075;
  // (Resolution is the window's: a zero-padded window resolves no finer than its length.)
  if ((shape.decisive || loose_hamming) && !shape.clean_family && !PeaksMayBePartials(hints, base.window.length)) {
    shape.decisive = false;
    if (shape.family != WindowFamily::kHann) set_aside = shape.family;
    log.Addf("magnitude-only: bins of %.1f Hz (%s %.0f Hz / window %d) are wider than %.0f Hz: harmonics may be unresolved, so the peak "
             "shape is not used and Hann is the prior", BinHz(hints, base.window.length), hints.sample_rate ? "sample rate" : "assumed sample rate",
             BinHz(hints, base.window.length) * base.window.length, base.window.length, kMaxBinHz);
  }
  // Peaks that lean to a family without the margin: to Blackman (partials 2-3 bins apart, inside
  // its main lobe, leave few clean peaks) used only at half a window, below; to any family, where
  // the bins resolve partials, against a family the peaks cannot show (pick_family).
  const bool leans = !shape.decisive && !set_aside && shape.peaks >= 30 && shape.distance <= 0.1;
  const bool peaks_lean = leans && PeaksMayBePartials(hints, base.window.length);
  const bool leaning_blackman = leans && shape.family == WindowFamily::kBlackman;
  // The edge of the frames' autocorrelation, where it vanishes (a window shorter than n_fft),
  // parts the families: a pedestal (Hamming's 0.08, the rectangle's 1) ends it abruptly, a
  // window tapering to zero (Hann, Blackman, Blackman-Harris, sine) lets it fade. On 336 scipy
  // and torch dumps of seven recordings (Hann, Hamming and Blackman at (n_fft, win_length) of
  // (512, 256), (1024, 400), (1024, 512), (2048, 1024), hops of a quarter and half the window)
  // every edge found matched its window so. Only families of the edge's kind are tried then.
  // Where no lag vanishes (a window as long as the frame), the top of the frames' spectra can
  // tell a pedestal (PedestalTail). bench/wrap_tails.py (scipy and torch dumps of Hann, Hamming
  // and Blackman of 256, 400 and 1024 at hops of a quarter and half the window, fourteen
  // recordings, each also with a DC offset of 5% of its peak, which scipy's zero padding turns
  // into a step in the first and last frames; 980 dumps whose scale was read right): tapering
  // windows gave at most 5 smooth frames and were never called a pedestal, Hamming was in 100 of
  // its 326; Hamming put at most 7.2% of its loud frames 20 dB under its expected step and was
  // never called tapering, Hann and Blackman were in 88 of theirs each (recordings at 44.1 and
  // 48 kHz, resampled voices, plucked strings). Elsewhere (a signal with its own energy up
  // there hides both) nothing is concluded.
  WrapTail tail;
  if (!hints.window && support.last == 0 && length_for(WindowFamily::kHann) == n)
    tail = PedestalTail(frames, static_cast<int>(lay.frames), bins, n);
  const bool pedestal_tail = tail.smooth >= 10 && tail.smooth >= 0.03 * tail.loud;
  const bool tapered_tail = !pedestal_tail && tail.loud >= 20 && tail.below >= 0.3 * tail.loud;
  if (tail.loud > 0)
    log.Addf("magnitude-only: of %d loud frames, %d end their spectrum in a step's tail (P ~ 1/sin^2(pi k/n_fft) above n_fft/4 "
             "within 0.5 dB) and %d lie there 20 dB under the step a Hamming window would leave%s",
             tail.loud, tail.smooth, tail.below,
             pedestal_tail ? ": the window has a pedestal" : tapered_tail ? ": the window tapers to zero" : "");
  const bool by_edge = !hints.window && (support.last > 0 || pedestal_tail || tapered_tail);
  const bool hard_edge = support.last > 0 ? support.hard : pedestal_tail;
  auto edge_allows = [&](WindowFamily f) {
    if (!by_edge) return true;
    const bool pedestal = f == WindowFamily::kHamming || f == WindowFamily::kRectangular;
    return pedestal == hard_edge;
  };
  const WindowFamily prior = shape.decisive && edge_allows(shape.family) ? shape.family
                             : edge_allows(WindowFamily::kHann)          ? WindowFamily::kHann
                                                                         : WindowFamily::kHamming;
  std::string edge_families;  // the families of the edge's kind, for the log and the window evidence
  for (WindowFamily f : kTriedFamilies)
    if (by_edge && edge_allows(f)) edge_families += (edge_families.empty() ? "" : ", ") + std::string(WindowFamilyName(f));
  if (by_edge)
    log.Addf("magnitude-only: %s allows only these windows: %s; prior %s",
             support.last > 0 ? (support.hard ? "the autocorrelation's hard edge" : "the autocorrelation's tapered edge")
                              : hard_edge ? "the step's tail" : "the top quarter's quiet",
             edge_families.c_str(), WindowFamilyName(prior));
  if (!hints.window) base.window.family = prior, base.window.length = length_for(prior);
  struct HopScan {
    std::vector<int> hops;       // ascending: win_length / {32, 16, 8, 4, 2}
    std::vector<Trial> sub, full;  // at claimed hop hops[i+1] = 2 hops[i]
    std::vector<double> t, drops;  // t[i] = sub[i].sc - full[i].sc (0 for the largest hop); drops[i] = t[i-1] - t[i]
    size_t pick = 0;
  };
  auto scan_hops = [&](const Hypothesis& h0) {
    HopScan sc;
    if (hints.hop) {
      sc.hops = {*hints.hop};
    } else {
      for (int d : {16, 8, 4, 2})
        if (h0.window.length % d == 0 && h0.window.length / d >= 2) sc.hops.push_back(h0.window.length / d);
    }
    const size_t k = sc.hops.size();
    for (size_t i = 0; i + 1 < k; ++i) {
      Trial t;
      t.h = h0;
      t.h.hop = sc.hops[i + 1];
      sc.sub.push_back(t);
      sc.full.push_back(t);
    }
    std::vector<std::function<void()>> jobs;
    for (size_t i = 0; i < sc.sub.size(); ++i) {
      Trial* ts = &sc.sub[i];
      Trial* tf = &sc.full[i];
      jobs.push_back([&, ts] { Score(sub, sub_frames, bins, opt.score_iterations, ts); });
      jobs.push_back([&, tf] { Score(ex, ex_frames, bins, opt.score_iterations, tf); });
    }
    RunJobs(jobs, opt.threads);
    sc.t.assign(k, 0.0);
    sc.drops.assign(k, -std::numeric_limits<double>::infinity());
    for (size_t i = 0; i + 1 < k; ++i) sc.t[i] = sc.sub[i].sc - sc.full[i].sc;
    // Hops below the true one make even consecutive frames inconsistent: a hop is plausible only
    // if consecutive frames at it reach within kPlausibleDb of the best (full[i-1] is at hop i).
    // T is measured at the claimed hop 2a, and at the largest hop that is redundancy 2, where a
    // retrieval makes almost any magnitudes consistent: on sustained tonal sounds (a plucked
    // chord) T stays within 2 dB at every hop and its drops say nothing. A hop whose drop is
    // weak (below kStrongDropDb) is therefore taken only if consecutive frames at it also reach
    // within kSupportDb of the best: a true hop of a quarter window gave gaps of 2-11 dB on
    // speech, noisy speech and the chord, a quarter claimed for a true half 13-24 dB.
    const double kPlausibleDb = 15.0, kStrongDropDb = 3.0, kSupportDb = 10.0;
    double best_full = 0.0;
    for (const Trial& t : sc.full) best_full = std::min(best_full, t.sc);
    size_t loose = 0;
    for (size_t i = 1; i < k; ++i) {
      sc.drops[i] = sc.t[i - 1] - sc.t[i];
      const double gap = sc.full[i - 1].sc - best_full;
      if (gap > kPlausibleDb) continue;
      if (loose == 0 || sc.drops[i] > sc.drops[loose]) loose = i;
      const bool supported = sc.drops[i] >= kStrongDropDb || gap <= kSupportDb;
      if (supported && (sc.pick == 0 || sc.drops[i] > sc.drops[sc.pick])) sc.pick = i;
    }
    if (sc.pick == 0) sc.pick = loose;
    for (size_t i = 0; i < k; ++i)
      log.Addf("magnitude-only: hop %d (%s): every other frame at hop %d: SC %.2f dB, consecutive frames: %.2f dB, T %.2f dB, drop %.2f dB",
               sc.hops[i], DescribeWindow(h0.window).c_str(), i + 1 < k ? sc.hops[i + 1] : 0, i + 1 < k ? sc.sub[i].sc : 0.0,
               i + 1 < k ? sc.full[i].sc : 0.0, sc.t[i], i > 0 ? sc.drops[i] : 0.0);
    return sc;
  };
  // The window of family f as tried: base's, with f's length (length_for).
  auto window_of = [&](WindowFamily f) {
    WindowSpec w = base.window;
    w.family = f;
    w.param = 0.0;
    w.length = length_for(f);
    return w;
  };
  auto family_table = [&](const Hypothesis& at) {
    std::vector<Trial> wt;
    for (WindowFamily f : kTriedFamilies) {
      if (!edge_allows(f)) continue;
      Trial t;
      t.h = at;
      t.h.window = window_of(f);
      wt.push_back(t);
    }
    ScoreAll(ex, ex_frames, bins, opt.family_iterations, opt.threads, &wt);
    std::stable_sort(wt.begin(), wt.end(), [](const Trial& a, const Trial& b) { return a.sc < b.sc; });
    for (const Trial& t : wt) log.Addf("magnitude-only: window %s: SC %.2f dB", Describe(t.h).c_str(), t.sc);
    return wt;
  };
  auto sc_of = [](const std::vector<Trial>& wt, WindowFamily f) {
    for (const Trial& t : wt)
      if (t.h.window.family == f) return t.sc;
    return 0.0;
  };
  // The hop under the prior first (the peak-shape family, or Hann), then the family at that hop;
  // another family replaces the prior only by a margin (the retrieval favours freer hypotheses,
  // more so at low redundancy), and then the hop is scanned again under it.
  std::vector<Trial> win_trials;
  std::vector<Trial> confirm;  // the longer retrieval's, best first, when it ran (kConfirmFrames)
  std::optional<WindowFamily> confirmed_over;  // the family the longer retrieval replaced
  auto pick_family = [&](int hop) {
    set_aside_why.clear();
    Hypothesis at = base;
    at.hop = hop;
    win_trials = family_table(at);
    const double margin = 2 * hop >= at.window.length ? 4.0 : 1.5;
    const Trial& top = win_trials[0];
    if (top.h.window.family != prior && top.sc < sc_of(win_trials, prior) - margin) {
      // A family the peaks cannot show (Blackman-Harris, sine, rectangular) is not taken over the
      // one they lean to when the retrieval all but ties them (kTieDb): freer, wider windows
      // retrieve as well. Noisy speech under Blackman 512 in n_fft 1024 at hop 128 (peaks
      // Blackman, 0.052 against Hann's 0.127) was read as Blackman-Harris 600, 0.09 dB better.
      constexpr double kTieDb = 0.5;
      const WindowFamily f = top.h.window.family;
      const bool unseen = f != WindowFamily::kHann && f != WindowFamily::kHamming && f != WindowFamily::kBlackman;
      if (unseen && peaks_lean && edge_allows(shape.family) && sc_of(win_trials, shape.family) <= top.sc + kTieDb) {
        char why[256];
        std::snprintf(why, sizeof why, "the peaks lean to it (%.3f against %s's %.3f), and %s, which peaks cannot show, retrieves "
                      "within %.1f dB of it", shape.distance, WindowFamilyName(shape.runner_up_family), shape.runner_up,
                      WindowFamilyName(f), kTieDb);
        set_aside_why = why;
        log.Addf("magnitude-only: %s is taken: %s", WindowFamilyName(shape.family), why);
        return window_of(shape.family);
      }
      return top.h.window;
    }
    WindowFamily family = prior;
    // The peaks' family, set aside for wide bins, is taken at hops below half the window when the
    // retrieval too prefers it to the prior (music at 86 Hz bins: Blackman 256 at hop 64 was read
    // as Hann, the peaks saying Blackman and the retrieval 1.4 dB better under Blackman, short of
    // the margin). At half a window the retrieval's preference says little (Hann dumps of speech
    // and music at 62-86 Hz bins were 0.3-2.4 dB more consistent under Hamming, and speech's peaks
    // say Hamming for Hann), but wide bins bias the peaks one family narrower, never wider: Hann
    // reads as Hamming with a close fit (0.005-0.041), Hamming as Hamming with a loose one
    // (0.061-0.148: the shape lies beyond Hamming), Blackman as Hann or Blackman (scipy and torch
    // dumps of plucked strings at 22 and 44 kHz, an organ, speech at 16 kHz, noisy speech at 22
    // kHz, a sawtooth chord at 44 kHz). So there a Blackman reading, and a Hamming one whose fit
    // is looser than 0.06, are taken unless the retrieval prefers Hann by 1 dB (kHalfWindowDb):
    // a weak guard at redundancy 2, where Hann dumps were up to 1.8 dB more consistent under
    // Blackman.
    const bool half = 2 * hop >= at.window.length;
    constexpr double kHalfWindowDb = 1.0;
    const bool past_bias = set_aside && (*set_aside == WindowFamily::kBlackman ||
                                         (*set_aside == WindowFamily::kHamming && shape.distance >= 0.06));
    if (set_aside && edge_allows(*set_aside) && (half ? past_bias && sc_of(win_trials, *set_aside) <= sc_of(win_trials, prior) + kHalfWindowDb
                           : sc_of(win_trials, *set_aside) < sc_of(win_trials, prior))) {
      family = *set_aside;
      char why[256];
      if (!half) std::snprintf(why, sizeof why, "the retrieval prefers it to Hann too");
      else if (*set_aside == WindowFamily::kBlackman) std::snprintf(why, sizeof why, "the retrieval does not prefer Hann by 1 dB");
      else std::snprintf(why, sizeof why, "its fit, %.3f, is too loose for a Hann window read one family narrower; the retrieval does not prefer Hann by 1 dB", shape.distance);
      set_aside_why = why;
      log.Addf("magnitude-only: the peaks' family %s, set aside for wide bins, is taken: %s", WindowFamilyName(*set_aside),
               set_aside_why.c_str());
    } else if (half && leaning_blackman && edge_allows(WindowFamily::kBlackman) &&
               sc_of(win_trials, WindowFamily::kBlackman) <= sc_of(win_trials, WindowFamily::kHann) + kHalfWindowDb) {
      // The same direction of bias: peaks of a Hann or Hamming window do not read wider.
      family = WindowFamily::kBlackman;
      char why[256];
      std::snprintf(why, sizeof why, "they lean to it (%.3f against %s's %.3f), and peaks read narrower than the window, not wider; the retrieval does not prefer Hann by 1 dB",
                    shape.distance, WindowFamilyName(shape.runner_up_family), shape.runner_up);
      set_aside_why = why;
      log.Addf("magnitude-only: Blackman is taken: %s", why);
    }
    return window_of(family);
  };
  if (base.window.length < 4) ThrowInferenceFailed("\"" + path + "\": frames of " + std::to_string(bins) + " bins are too short to analyse", log.lines());
  HopScan hs = scan_hops(base);
  if (hs.hops.empty()) ThrowInferenceFailed("\"" + path + "\": no hop fits a window of " + std::to_string(base.window.length), log.lines());
  Hypothesis chosen = base;
  chosen.hop = hs.hops[hs.pick];
  if (!hints.window) {
    if (win_trials.empty() || win_trials[0].h.hop != chosen.hop) {
      const WindowSpec w = pick_family(chosen.hop);
      if (w.family != base.window.family) {
        base.window = w;
        HopScan again = scan_hops(base);
        if (!again.hops.empty()) hs = again;
        chosen = base;
        chosen.hop = hs.hops[hs.pick];
        if (chosen.hop != win_trials[0].h.hop) win_trials = family_table(chosen);
      }
    }
    // At hops below half the window a family's short table leaves close calls (German speech at
    // 8 kHz under Hamming 128 at hop 32: Hann's peak-shape prior held, the table preferring
    // Hamming by 1.24 dB, short of the margin); a longer retrieval settles them (kConfirmFrames).
    if (2 * chosen.hop < chosen.window.length) {
      std::vector<WindowFamily> contenders;
      const double at = sc_of(win_trials, chosen.window.family);
      for (WindowFamily f : {WindowFamily::kHann, WindowFamily::kHamming, WindowFamily::kBlackman})
        if (f != chosen.window.family && edge_allows(f) && 2 * chosen.hop < window_of(f).length &&
            sc_of(win_trials, f) < at + kConfirmGapDb)
          contenders.push_back(f);
      if (!contenders.empty()) {
        contenders.insert(contenders.begin(), chosen.window.family);
        int start = 0;
        const std::vector<double> cex = Excerpt(frames, static_cast<int>(lay.frames), bins, kConfirmFrames, &start);
        const int cframes = static_cast<int>(cex.size() / bins);
        for (WindowFamily f : contenders) {
          Trial t;
          t.h = chosen;
          t.h.window = f == chosen.window.family ? chosen.window : window_of(f);
          confirm.push_back(t);
        }
        ScoreAll(cex, cframes, bins, kConfirmIterations, opt.threads, &confirm);
        const double was = confirm[0].sc;
        std::stable_sort(confirm.begin(), confirm.end(), [](const Trial& x, const Trial& y) { return x.sc < y.sc; });
        for (const Trial& t : confirm)
          log.Addf("magnitude-only: longer retrieval (%d iterations, %d loudest frames): window %s: SC %.2f dB", kConfirmIterations, cframes,
                   Describe(t.h).c_str(), t.sc);
        if (confirm[0].h.window.family != chosen.window.family && confirm[0].sc < was - kConfirmMarginDb) {
          log.Addf("magnitude-only: %s is taken: the longer retrieval prefers it to %s by %.2f dB", WindowFamilyName(confirm[0].h.window.family),
                   WindowFamilyName(chosen.window.family), was - confirm[0].sc);
          confirmed_over = chosen.window.family;
          chosen.window = base.window = confirm[0].h.window;
        } else {
          // The chosen family stays: it leads the evidence.
          std::stable_partition(confirm.begin(), confirm.end(), [&](const Trial& t) { return t.h.window.family == chosen.window.family; });
        }
      }
    }
    // The evidence lists the chosen family first.
    std::stable_partition(win_trials.begin(), win_trials.end(),
                          [&](const Trial& t) { return t.h.window.family == chosen.window.family; });
  }
  // A hop of 2/5 of the window (speech front ends' 10 ms in 25 ms: whisper's and speechbrain's 160
  // of 400) is no halving of it; the scan above reads it as 1/2. A larger claimed hop is always
  // more consistent (a time stretch), but how much more turns at the true hop: from L/3 to 2L/5 a
  // retrieval gains much when 2L/5 is true (it leaves a hop too small), little when L/2 is true,
  // and from 2L/5 to L/2 the other way round. Tried only when the scan picked L/2 of a window of a
  // multiple of 5 samples (where 2L/5 is a whole hop). The family stays the one chosen at L/2.
  struct TwoFifths {
    double g1, g2;  // gains (dB) of a short retrieval's SC from L/3 to 2L/5 and from 2L/5 to L/2
    double margin;  // by which g1 must exceed g2
  };
  std::optional<TwoFifths> two_fifths;  // when tried
  const double half_drop = hs.hops.size() > 1 ? hs.drops[hs.pick] : 0.0;
  if (!hints.hop && chosen.window.length % 5 == 0 && chosen.window.length >= 40 && 2 * chosen.hop == chosen.window.length) {
    std::vector<Trial> ht(3);
    const int hops[3] = {static_cast<int>(std::lround(chosen.window.length / 3.0)), 2 * chosen.window.length / 5, chosen.hop};
    for (int i = 0; i < 3; ++i) ht[i].h = chosen, ht[i].h.hop = hops[i];
    ScoreAll(region, region_frames, bins, opt.score_iterations, opt.threads, &ht);  // both excerpts: their frames at every hop
    const double g1 = ht[0].sc - ht[1].sc, g2 = ht[1].sc - ht[2].sc;
    // A weak drop at L/2 (a sustained, tonal recording, consistent at most hops) asks more.
    two_fifths = TwoFifths{g1, g2, half_drop >= kStrongHalfDropDb ? kTwoFifthsMarginDb : kTwoFifthsWeakMarginDb};
    const bool take = g1 - g2 >= two_fifths->margin;
    log.Addf("magnitude-only: hops %d, %d, %d (L/3, 2L/5, L/2): SC %.2f, %.2f, %.2f dB: gains %.2f and %.2f dB%s", hops[0], hops[1],
             hops[2], ht[0].sc, ht[1].sc, ht[2].sc, g1, g2,
             take ? ": the hop is 2/5 of the window" : "");
    if (take) chosen.hop = hops[1];
  }
  // 5. n_fft parity: chosen before the hop scan (above); chosen.n_fft is n.
  const bool dropped = bins == n / 2 && n % 2 == 0;
  if (chosen.hop < 1 || chosen.window.length > n) ThrowInferenceFailed("no hop or window fits", log.lines());

  // 6. Retrieval of the whole dump.
  r.frame_window = PlaceWindow(MakeWindow(chosen.window), n, 0);
  const MagnitudeView view{frames.data(), static_cast<int>(lay.frames), bins};
  PhaseRetrievalOptions ro = opt.retrieval;
  if (hints.iterations) ro.iterations = *hints.iterations;
  if (hints.tolerance) ro.tolerance = *hints.tolerance;
  const double t_infer = since(t_start);
  const auto t_retrieval = std::chrono::steady_clock::now();
  PhaseRetrievalResult pr = RetrievePhase(view, r.frame_window, chosen.hop, GaussianEquivalentLambda(chosen.window), ro);
  log.Addf("magnitude-only: retrieval %s: %d iterations, SC %.2f dB (PGHI alone %.2f dB); sign-flip repair: %d of %d regions "
           "negated (%.0f iterations' work); parameters took %.3f s, retrieval %.3f s",
           pr.method.c_str(), pr.iterations, pr.spectral_convergence_db, pr.pghi_db, pr.flips_kept, pr.flips_tried, pr.flip_work,
           t_infer, since(t_retrieval));
  r.spectral_convergence_db = pr.spectral_convergence_db;
  r.retrieval_method = pr.method;
  r.retrieval_iterations = pr.iterations;
  r.spectrogram = std::move(pr.spectrogram);
  r.padded_signal = std::move(pr.signal);
  r.signal_length = r.length_min = r.length_max = r.padded_signal.size();

  // 7. Parameters and evidence.
  StftParams& p = r.params;
  p.n_fft = n;
  p.hop = chosen.hop;
  p.win_length = chosen.window.length;
  p.window = chosen.window;
  p.nyquist_dropped = dropped;
  size_t hop_runner = hs.pick;
  for (size_t i = 1; i < hs.hops.size(); ++i)
    if (i != hs.pick && (hop_runner == hs.pick || hs.drops[i] > hs.drops[hop_runner])) hop_runner = i;
  Evidence he = MakeEvidence(p.hop, hs.hops.size() > 1 ? hs.drops[hs.pick] : 0.0,
                             "drop (dB) of T = SC(every other frame) - SC(consecutive frames), both at the claimed hop 2a, from the next smaller hop",
                             nullptr, nullptr, 0.0);
  if (hop_runner != hs.pick) he.has_runner_up = true, he.runner_up_value = hs.hops[hop_runner], he.runner_up_score = hs.drops[hop_runner];
  he.note = "magnitudes stay nearly consistent under a larger hop (a time stretch), not under a smaller one; hops tried: win_length/{8,4,2} (and /16 as the reference below them); a hop whose drop is under 3 dB is taken only if consecutive frames at it reach within 10 dB of the best SC";
  if (two_fifths) {
    char buf[320];
    std::snprintf(buf, sizeof buf, "; 2/5 of the window was tried against 1/2: a short retrieval gained %.2f dB from L/3 to 2L/5 and %.2f dB from 2L/5 to L/2 (2/5 is taken when the first exceeds the second by %.1f dB)",
                  two_fifths->g1, two_fifths->g2, two_fifths->margin);
    if (2 * p.hop == p.win_length) {
      he.note += buf;
    } else {
      he = MakeEvidence(p.hop, two_fifths->g1 - two_fifths->g2,
                        "gain (dB) of a short retrieval's SC from hop L/3 to 2L/5 less its gain from 2L/5 to L/2 (above 0 for 2/5, below for 1/2)",
                        nullptr, nullptr, 0.0);
      he.has_runner_up = true, he.runner_up_value = p.win_length / 2, he.runner_up_score = 0.0;
      he.note = std::string("the scan of halvings read 1/2 of the window") + buf;
    }
  }
  if (hints.hop) he = GivenEvidence(p.hop);
  r.evidence["hop"] = he;
  Evidence ne = MakeEvidence(n, parity.empty() ? 0.0 : parity[0].first, "how conventional the size is (3 per step: power of two 4, 2^k*3|5|15|25 3, multiple of 16 2, of 4 1) + 2 even, 1 dropped Nyquist, 0 odd", nullptr, nullptr, 0.0);
  if (parity.size() > 1) ne.has_runner_up = true, ne.runner_up_value = parity[1].second, ne.runner_up_score = parity[1].first;
  ne.note = std::string(dropped ? "the dump keeps n_fft/2 bins: the Nyquist bin was dropped" : n % 2 ? "odd n_fft" : "even n_fft") +
            "; " + std::to_string(bins) + " bins allow " + std::to_string(2 * (bins - 1)) + ", " + std::to_string(2 * bins - 1) + " or " +
            std::to_string(2 * bins) + " (Nyquist dropped), which magnitudes alone do not tell apart";
  if (hints.n_fft) ne = GivenEvidence(n);
  r.evidence["n_fft"] = ne;
  Evidence we = MakeEvidence({{"family", WindowFamilyName(p.window.family)}, {"param", nullptr}, {"symmetric", p.window.symmetric}, {"offset", 0}},
                             win_trials.empty() ? 0.0 : -win_trials[0].sc, "-SC (dB) of a short retrieval at the chosen hop", nullptr, nullptr, 0.0);
  if (win_trials.size() > 1)
    we.has_runner_up = true, we.runner_up_value = DescribeWindow(win_trials[1].h.window), we.runner_up_score = -win_trials[1].sc;
  std::string confirm_note;
  if (confirm.size() > 1) {
    char metric[160];
    std::snprintf(metric, sizeof metric, "-SC (dB) of a longer retrieval (%d iterations on the %d loudest frames) at the chosen hop",
                  kConfirmIterations, kConfirmFrames);
    we.score = -confirm[0].sc;
    we.metric = metric;
    we.runner_up_value = DescribeWindow(confirm[1].h.window), we.runner_up_score = -confirm[1].sc;
    char buf[320];
    std::snprintf(buf, sizeof buf, "; a short retrieval (%d iterations) did not part %s and %s by %.0f dB, so they were retrieved longer%s",
                  opt.family_iterations, WindowFamilyName(p.window.family),
                  confirmed_over ? WindowFamilyName(*confirmed_over) : WindowFamilyName(confirm[1].h.window.family), kConfirmGapDb,
                  confirmed_over ? " and this one was more consistent by more than 1 dB" : "");
    confirm_note = buf;
  }
  we.note = "periodic or symmetric variants and the window's offset in the frame do not show in magnitudes; periodic, offset 0 assumed";
  if (!set_aside_why.empty() && set_aside && p.window.family == *set_aside)
    we.note += std::string("; bins wider than 50 Hz set the spectral peaks' shape aside, but it said ") +
               WindowFamilyName(*set_aside) + " and " + set_aside_why;
  else if (!set_aside_why.empty() && (leaning_blackman || peaks_lean) && p.window.family == shape.family)
    we.note += "; the spectral peaks are not decisive, but " + set_aside_why;
  if (shape.clean_family && p.window.family == *shape.clean_family) {
    const int i = PeakIndex(p.window.family);
    we.note += "; " + std::to_string(shape.clean[i]) + " spectral peaks fit this family's main lobe over five bins within 1%, at most " +
               std::to_string(std::max(shape.clean[(i + 1) % 3], shape.clean[(i + 2) % 3])) + " another family's";
  }
  if (by_edge && support.last > 0)
    we.note += (support.hard ? "; the frames' autocorrelation ends at a hard edge: a window with a pedestal ("
                             : "; the frames' autocorrelation fades to its edge: a window tapering to zero (") +
               edge_families + ")";
  else if (by_edge && hard_edge)
    we.note += "; " + std::to_string(tail.smooth) + " of " + std::to_string(tail.loud) +
               " loud frames end their spectrum in the smooth 1/sin^2 tail of a step where the frame wraps: a window with a pedestal (" +
               edge_families + ")";
  else if (by_edge)
    we.note += "; " + std::to_string(tail.below) + " of " + std::to_string(tail.loud) +
               " loud frames lie above n_fft/4 20 dB under the step a Hamming window leaves where the frame wraps: a window tapering to zero (" +
               edge_families + ")";
  we.note += confirm_note;
  if (!win_trials.empty() && win_trials[0].h.hop != p.hop)
    we.note += "; the family was scored at hop " + std::to_string(win_trials[0].h.hop) + ", before 2/5 of the window was taken";
  if (hints.window) we = GivenEvidence(WindowFamilyName(p.window.family));
  r.evidence["window"] = we;
  Evidence le = hints.win_length ? GivenEvidence(p.win_length) : Evidence();
  if (!hints.win_length) {
    le.value = p.win_length;
    le.source = p.win_length == n ? "assumed" : "inferred";
    le.metric = "support of the frames' autocorrelation (seen when n_fft >= 2 win_length), as the chosen family's length; the most "
                "conventional length that fits";
    if (p.win_length == n) le.note = "no lag of the frames' autocorrelation vanishes; win_length = n_fft assumed";
  }
  r.evidence["win_length"] = le;
  // Centre padding: the boundary test of the phase path (inference/boundary.h) needs the head
  // to a precision a retrieval does not reach (tried: scipy's zero pad scores 1-2 digits), so
  // the padded signal is kept as it is.
  Evidence ce;
  ce.source = hints.center ? "given" : "assumed";
  ce.value = false;
  ce.metric = "not tested: a retrieved signal is not precise enough to show a pad";
  ce.note = "centre padding, if any, is kept in the output (scipy pads win_length/2, torch n_fft/2)";
  r.evidence["center"] = ce;
  if (hints.center && *hints.center) {  // given: drop n_fft/2 at each end (torch, librosa)
    p.center = true;
    p.pad = n / 2;
    p.pad_mode = "unknown";
    r.signal_length = r.padded_signal.size() > static_cast<size_t>(n) ? r.padded_signal.size() - n : 0;
    r.length_min = r.length_max = r.signal_length;
    ce.value = true;
    ce.note = "given; n_fft/2 dropped at each end (torch and librosa pad n_fft/2, scipy win_length/2)";
    r.evidence["center"] = ce;
  }
  Evidence lenev;
  lenev.source = "assumed";
  lenev.value = r.signal_length;
  lenev.note = "all samples the frames cover";
  r.evidence["length"] = lenev;
  if (hints.length && p.pad + *hints.length <= r.padded_signal.size()) {
    r.signal_length = *hints.length;
    r.evidence["length"] = GivenEvidence(*hints.length);
  }
  // The level from well-covered samples only (the edges, under window tapers alone, are
  // undetermined by a retrieval).
  const std::vector<double> cover = OverlapCoverage(r.frame_window, p.hop, static_cast<int>(lay.frames));
  const double cover_max = cover.empty() ? 0.0 : *std::max_element(cover.begin(), cover.end());
  double peak = 0.0;
  for (size_t t = p.pad; t < p.pad + r.signal_length; ++t)
    if (cover[t] >= 0.1 * cover_max) peak = std::max(peak, std::abs(r.padded_signal[t]));
  double wsum = 0.0, wsum2 = 0.0;
  for (double v : r.frame_window) wsum += v, wsum2 += v * v;
  const GainChoice gc = ChooseGain(peak, wsum, wsum2, n, hints.sample_rate.value_or(16000));
  r.gain = gc.factor;
  r.gain_convention = gc.convention;
  r.evidence["gain"] = gc.evidence;
  r.phase_units = "none";
  InputRole role;
  role.array_index = 0;
  role.role = "magnitude";
  role.layout = LayoutName(lay.layout);
  role.shape = lay.layout == Layout::kFramesXBins ? std::vector<size_t>{lay.frames, lay.bins} : std::vector<size_t>{lay.bins, lay.frames};
  r.roles.push_back(role);
  return r;
}

}  // namespace specrecon
