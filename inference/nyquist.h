// Why this file exists: GNU Octave's specgram keeps n_fft/2 bins and drops the Nyquist bin. Its
// coefficient c_m is real (a real signal's Nyquist phase is 0 or pi) and adds c_m (-1)^n / n_fft
// to frame m's time-domain samples. The loss is recoverable from the data's redundancy:
//  - where the window is zero (zero padding), the frame must be zero, which fixes c_m directly;
//  - across the overlap, w[n+a] y_{m+1}[n] = w[n] y_m[n+a] links consecutive c's linearly.
// EstimateNyquistFromTails works before the window is known (frames with a silent tail);
// RestoreNyquist solves the whole chain by least squares once the window is known.
#pragma once

#include <vector>

#include "inference/frames.h"
#include "src/stft.h"

namespace specrecon {

// Removes the alternating component each sampled frame's silent region shows (in place).
// Returns the number of positions found silent (0: no zero padding, nothing done).
int EstimateNyquistFromTails(FramePairs* pairs);

// Fills the Nyquist bin (index n_fft/2) of every frame of a one-sided, frame-start spectrogram
// (even n_fft) by least squares over the overlap relations and the window's zeros.
// Returns the RMS of the restored coefficients relative to the RMS of all coefficients.
double RestoreNyquist(Spectrogram* spec, const std::vector<double>& frame_window, int hop);

}  // namespace specrecon
