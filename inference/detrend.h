// Why this file exists: scipy.signal.spectrogram (and mlab with a detrend) remove each segment's
// mean before windowing: y_m = w (x_m - mu_m). Then frames are no longer proportional across the
// overlap, but u_n / w[n] - v_n / w[n+a] = mu_m - mu_{m+1} =: delta (one value per frame pair,
// the same for every position n). So the vector delta over frame pairs lies in every plane
// span(u_n, v_n): the hop test for detrended frames measures how well one vector does, without
// knowing the window. With the window known, delta is found per pair by least squares, the
// means mu_m follow (up to the signal's overall mean, which detrending erases), and adding
// mu_m w back to each frame undoes the detrending.
#pragma once

#include <complex>
#include <vector>

#include "inference/frames.h"
#include "src/stft.h"

namespace specrecon {

// Inconsistency in [0, 1] of hop `a` for detrended frames (1 - largest eigenvalue of the
// averaged plane projectors).
double DetrendedHopInconsistency(const FramePairs& pairs, int a, int max_positions = 64);

// Scan a = 1..max_hop; fills digits, best, runner-up and median like ScanHops.
struct HopScan;
HopScan ScanDetrendedHops(const FramePairs& pairs, int max_hop, int max_positions = 32);

// Inconsistency of a placed window under the detrended model (delta eliminated per pair).
double DetrendedWindowInconsistency(const FramePairs& pairs, int hop, const std::vector<double>& frame_window);

// Adds mu_m * w back to every frame of a frame-start, one-sided spectrogram: mu from the
// overlaps of consecutive frames, the overall constant chosen so the signal has zero mean.
// Returns the number of frame pairs whose delta could be estimated.
size_t UndoDetrend(Spectrogram* spec, const std::vector<double>& frame_window, int hop, int win_length);

}  // namespace specrecon
