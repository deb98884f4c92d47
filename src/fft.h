// Why this file exists: a real FFT of one size whose FFTW plans are made once and reused for
// every frame, so the per-frame cost is the transform alone.
//
// Layout and scaling: Forward() maps n real samples to n/2+1 complex bins, unnormalised
// (X[k] = sum_n x[n] e^{-2 pi i k n / N}, numpy's rfft). Inverse() maps n/2+1 bins back to n real
// samples and IS normalised by 1/N (numpy's irfft), so Inverse(Forward(x)) == x. The imaginary
// parts of DC and (for even N) Nyquist are ignored by Inverse(), as a real signal requires.
// Thread safety: plan creation is serialised internally; one RealFft object must not be used
// from two threads at once (make one per thread).
#pragma once

#include <complex>
#include <memory>
#include <vector>

namespace specrecon {

class RealFft {
 public:
  explicit RealFft(int n);
  ~RealFft();
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;

  int size() const { return n_; }
  int bins() const { return n_ / 2 + 1; }
  // in: size() samples; out: bins() values.
  void Forward(const double* in, std::complex<double>* out);
  // in: bins() values; out: size() samples (normalised by 1/N).
  void Inverse(const std::complex<double>* in, double* out);

  // Zero-copy use for hot loops: fill time_data() and call ForwardInPlace() to get the bins in
  // freq_data(); fill (or modify in place) freq_data() and call InverseInPlace() to get the
  // samples in time_data(), NOT normalised (N times numpy's irfft; the DC and Nyquist imaginary
  // parts are ignored). The buffers are FFTW-aligned and belong to this object.
  double* time_data();
  std::complex<double>* freq_data();
  void ForwardInPlace();
  void InverseInPlace();

 private:
  struct Plans;
  int n_;
  std::unique_ptr<Plans> plans_;
};

}  // namespace specrecon
