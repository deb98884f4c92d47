// Why this file exists: a magnitude file alone, with no phase, must still give its STFT
// parameters and audio (../shared/design/forensics.md section 5). Without phase the DC test of
// layout.h and the frame-ratio tests of hop.h / window_fit.h have nothing to work on; what is
// left is the magnitude's own structure and how consistent a short phase retrieval
// (src/phase_retrieval.h, on an excerpt of the loudest frames) gets under each hypothesis:
//   - bin count: the flat stream repeats every frame (bins_x_frames: every bin's time series);
//     the divisors of its length whose lag correlates the differenced log-magnitudes most above
//     the lags beside it are candidate periods (5 kept); each period gives two orientations;
//   - orientation: the bin count that makes a conventional n_fft (powers of two, 2^k*3|5|...;
//     less below 64), bins_x_frames (what scipy, torch and librosa return) on a tie, a short
//     retrieval after;
//   - magnitude scale: runs of 8 adjacent bins of a linear |X| have (mean)^2/(mean square)
//     near 0.81, of |X|^2 near 0.53 (measured on scipy and torch dumps); the reading nearest
//     0.81 wins (log readings of non-negative data only when neither plain one fits);
//   - hop: magnitudes stay nearly consistent under a hop larger than the true one (a time
//     stretch) but not under a smaller one. For each hop a of win_length/{16,8,4,2}, every
//     other frame and consecutive frames are retrieved at the same claimed hop 2a and frame
//     count; T(a) = SC(every other) - SC(consecutive) stays positive below the true hop and
//     falls to about 0 at it. The hop where T falls most is taken, among hops at which
//     consecutive frames reach within 15 dB of the best;
//   - window family: first the shape of spectral peaks (their two neighbours lie on a curve
//     fixed by the family; PeakShapeFamily in the .cpp): when that is clear it is the prior,
//     otherwise Hann, and the hop is scanned under the prior; then the SC of a short retrieval
//     at that hop, where another family replaces the prior only by 1.5 dB (4 dB at a hop of
//     half the window), the hop scanned again under it;
//   - win_length: where the frames' autocorrelation (inverse FFT of |X|^2) vanishes, which it
//     does when n_fft >= 2 win_length; otherwise n_fft (assumed);
//   - n_fft: the bin count allows 2(bins-1), 2 bins - 1 or 2 bins (Nyquist dropped); the most
//     conventional size is taken (magnitudes barely tell them apart).
// Then the whole dump is retrieved. Every decision is reported with its score and runner-up.
// Thread safety: reentrant; hypotheses are scored on up to `threads` threads, deterministically.
#pragma once

#include "formats/array.h"
#include "inference/infer.h"
#include "src/phase_retrieval.h"

namespace specrecon {

struct MagnitudeOnlyOptions {
  int score_iterations = 100;  // retrieval iterations per hop hypothesis
  int family_iterations = 60;  // retrieval iterations per window-family hypothesis
  int excerpt_frames = 48;     // frames scored per hypothesis at n_fft 512 (more for smaller)
  int threads = 2;             // hypotheses scored in parallel
  PhaseRetrievalOptions retrieval;  // the final retrieval (iterations, tolerance, ...)
};

// Infers the STFT of a magnitude-only dump and retrieves its phase. Fills roles, params,
// evidence (layout, magnitude_scale, n_fft, hop, win_length, window, center, length, gain),
// spectrogram (the magnitude with the retrieved phase), frame_window, padded_signal,
// signal_length, gain and the retrieval's figures (spectral_convergence_db, retrieval_method,
// retrieval_iterations). Hints (n_fft, hop, win_length, window, layout, magnitude_scale,
// iterations, tolerance, length) replace the matching inference. Throws Error(kBadInput) for
// NaN/Inf or too few values, Error(kInferenceFailed) when no layout of at least 3 bins and 4
// frames fits the element count.
InferenceResult InferMagnitudeOnly(const NdArray& array, const Hints& hints,
                                   const MagnitudeOnlyOptions& options);

}  // namespace specrecon
