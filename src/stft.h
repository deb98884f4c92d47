// Why this file exists: the forward STFT (to measure consistency and for tests) and the inverse
// STFT by weighted overlap-add with the canonical dual window, the minimum-norm least-squares
// inverse (../shared/design/forensics.md section 4).
//
// Conventions: frame m is the FFT (size n_fft) of x[m*hop + n] * w[n], n = 0..n_fft-1, where w is
// the analysis window already placed in the n_fft frame (zeros outside its support; see
// PlaceWindow). The phase refers to the frame start. Spectra are one-sided, frame-major:
// bin k of frame m at index m*bins + k, bins = n_fft/2+1. Scaling: plain unnormalised FFT.
// Thread safety: functions are reentrant (each call owns its FFT plans).
#pragma once

#include <complex>
#include <cstddef>
#include <vector>

namespace specrecon {

struct Spectrogram {
  int frames = 0;
  int bins = 0;
  std::vector<std::complex<double>> data;  // frame-major, frames*bins
  std::complex<double>* frame(int m) { return data.data() + static_cast<size_t>(m) * bins; }
  const std::complex<double>* frame(int m) const {
    return data.data() + static_cast<size_t>(m) * bins;
  }
};

// The window w (length L) placed at `offset` in a frame of n_fft samples, zeros elsewhere.
std::vector<double> PlaceWindow(const std::vector<double>& w, int n_fft, int offset);

// Forward STFT of x (no padding: frames = 1 + (len - n_fft) / hop, at least 0).
Spectrogram Stft(const std::vector<double>& x, const std::vector<double>& frame_window, int hop);

struct IstftResult {
  std::vector<double> signal;  // length (frames-1)*hop + n_fft
  // Samples where no frame's window is non-negligible: the data do not determine them.
  size_t uncovered = 0;
};

// Inverse STFT by overlap-add with the canonical dual of frame_window (length n_fft):
// x[t] = sum_m w[t-m a] y_m[t-m a] / sum_m w[t-m a]^2, the least-squares solution, including at
// the edges where fewer frames overlap. Requires 1 <= hop and frame_window.size() == n_fft.
IstftResult Istft(const Spectrogram& spec, const std::vector<double>& frame_window, int hop);

// The overlap-add normaliser sum_m w^2[t - m hop] for `frames` frames.
std::vector<double> OverlapCoverage(const std::vector<double>& frame_window, int hop, int frames);

// Relative inconsistency ||X - STFT(ISTFT(X))|| / ||X|| in dB (-inf dB if exact; 0 dB for X=0).
double ConsistencyDb(const Spectrogram& spec, const std::vector<double>& frame_window, int hop);

}  // namespace specrecon
