// Why this file exists: most spectrograms people keep have no phase. This recovers a signal from
// an STFT magnitude alone (../shared/design/forensics.md section 5): Phase Gradient Heuristic
// Integration (Prusa, Balazs, Sondergaard 2017) gives a start from the magnitude's gradients,
// then projections between the magnitude constraint and the set of consistent spectrograms
// refine it: relaxed averaged alternating reflections (RAAR, which leaves the local minima that
// Griffin-Lim stalls in) followed by fast Griffin-Lim (Perraudin, Balazs, Sondergaard 2013,
// momentum 0.99) in stages, with a sign-flip repair between them: projections often settle
// with one region of the time-frequency plane (a formant, a partial's stretch) negated against
// its neighbours, the border running through a valley of small magnitudes where no small step
// removes it; regions bounded by such valleys are negated on trial and kept when that lowers
// the error around them (Retriever::FlipRepair in the .cpp says how).
//
// Conventions are those of src/stft.h: frame m is the FFT (size n_fft) of x[m*hop + n] * w[n],
// phase referred to the frame start, one-sided, frame-major (bin k of frame m at m*bins + k),
// plain unnormalised FFT. Magnitudes are linear |X| at any gain. `bins` may be n_fft/2 + 1, or
// n_fft/2 for even n_fft when the producer dropped the Nyquist bin (it is then left free).
// Spectral convergence SC = 20 log10(|| |STFT(x)| - M || / ||M||) over the stored bins. The
// inverse is the canonical dual, regularised (+1e-4 max sum w^2) where only window tapers reach.
// Results are deterministic: the same for 1 or 2 threads. Thread safety: functions are
// reentrant; each call owns its FFT plans (one RealFft per thread) and its worker thread.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "src/stft.h"
#include "src/window.h"

namespace specrecon {

// Time-frequency ratio lambda (in samples^2) of the Gaussian exp(-pi t^2 / lambda) that stands in
// for the window in PGHI: the published values (Hann 0.25645 L^2, Hamming 0.29794 L^2, Blackman
// 0.17954 L^2, ...), 2 pi sigma^2 for a Gaussian, otherwise from the window's time spread.
double GaussianEquivalentLambda(const WindowSpec& spec);

// Magnitude frames as stored: frames x bins, frame-major, linear.
struct MagnitudeView {
  const double* data = nullptr;
  int frames = 0;
  int bins = 0;
  double at(int m, int k) const { return data[static_cast<size_t>(m) * bins + k]; }
};

// PGHI: a phase for every cell from the magnitude's log-gradients, integrated from the largest
// cells outwards (a heap). Cells below rel_tol * max get phase 0. Returns frames x (n_fft/2+1)
// complex values with the given magnitude (a dropped Nyquist bin is 0).
Spectrogram PghiSpectrogram(const MagnitudeView& magnitude, int n_fft,
                            const std::vector<double>& frame_window, int hop, double lambda,
                            double rel_tol = 1e-5);

struct PhaseRetrievalOptions {
  int iterations = 0;        // projection iterations at most; 0 = automatic (DefaultIterations)
  double tolerance = 1e-3;   // a fast Griffin-Lim stage ends when SC (linear) improves by less
                             // than this fraction over `check_every` iterations (the last
                             // stage's end is the retrieval's)
  int check_every = 10;
  double momentum = 0.99;    // fast Griffin-Lim alpha
  double raar_beta = 0.99;   // RAAR relaxation
  double raar_fraction = 0.4;  // share of the iterations spent in RAAR before fast Griffin-Lim
  bool pghi_start = true;    // false: zero phase start
  bool flip_repair = true;   // try negating regions between fast Griffin-Lim stages (below)
  int flip_candidates = 8;   // regions tried by the first repair (the second tries half)
  int flip_iterations = 20;  // fast Griffin-Lim iterations of each local trial
  int threads = 2;
  bool progress = false;     // one updating line on stderr (callers pass isatty(2))

  // Message naming the option and the rule it breaks, or empty when valid.
  std::string Validate() const;
};

// Iterations used when options.iterations == 0: enough for about -40 dB on speech at
// redundancy 4, in less time than a numpy fast Griffin-Lim needs for 100.
int DefaultIterations(int n_fft, int hop);

struct PhaseRetrievalResult {
  Spectrogram spectrogram;     // frames x (n_fft/2+1): the given magnitude, the retrieved phase
  std::vector<double> signal;  // ISTFT of `spectrogram` (dual window regularised where only
                               // window tapers reach), length (frames-1)*hop + n_fft
  double spectral_convergence_db = 0.0;  // of `signal` against the magnitude
  double pghi_db = 0.0;        // SC of the PGHI start alone
  int iterations = 0;          // projection iterations done
  bool stalled = false;        // stopped by the tolerance before the iteration limit
  int flips_tried = 0;         // regions tried by the sign-flip repair
  int flips_kept = 0;          // regions negated because that lowered the local error
  double flip_work = 0.0;      // the repair's local iterations, in whole-spectrogram iterations
  std::vector<std::pair<int, double>> history;  // (iteration, SC dB) at each check
  std::string method;          // e.g. "PGHI + RAAR(beta 0.9) + fast Griffin-Lim(alpha 0.99)"
};

// Recovers the phase of `magnitude` under the STFT (frame_window of length n_fft, hop).
// Throws std::invalid_argument on inconsistent sizes or invalid options.
PhaseRetrievalResult RetrievePhase(const MagnitudeView& magnitude,
                                   const std::vector<double>& frame_window, int hop,
                                   double lambda, const PhaseRetrievalOptions& options);

// SC in dB of a signal against magnitude frames (the signal's STFT frames beyond the magnitude's
// count are ignored; missing ones count as zero).
double SpectralConvergenceDb(const std::vector<double>& signal, const MagnitudeView& magnitude,
                             const std::vector<double>& frame_window, int hop);

}  // namespace specrecon
