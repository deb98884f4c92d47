#include "src/fft.h"

#include <fftw3.h>

#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>

namespace specrecon {
namespace {
std::mutex& PlannerMutex() {
  static std::mutex m;
  return m;
}
}  // namespace

struct RealFft::Plans {
  double* real = nullptr;
  fftw_complex* spec = nullptr;
  fftw_plan forward = nullptr;
  fftw_plan inverse = nullptr;
};

RealFft::RealFft(int n) : n_(n), plans_(new Plans) {
  if (n < 1) throw std::invalid_argument("FFT size = " + std::to_string(n) + ". Violated: n >= 1");
  std::lock_guard<std::mutex> lock(PlannerMutex());
  plans_->real = fftw_alloc_real(n);
  plans_->spec = fftw_alloc_complex(n / 2 + 1);
  if (!plans_->real || !plans_->spec) throw std::bad_alloc();
  plans_->forward = fftw_plan_dft_r2c_1d(n, plans_->real, plans_->spec, FFTW_ESTIMATE);
  plans_->inverse = fftw_plan_dft_c2r_1d(n, plans_->spec, plans_->real, FFTW_ESTIMATE);
}

RealFft::~RealFft() {
  std::lock_guard<std::mutex> lock(PlannerMutex());
  if (plans_->forward) fftw_destroy_plan(plans_->forward);
  if (plans_->inverse) fftw_destroy_plan(plans_->inverse);
  fftw_free(plans_->real);
  fftw_free(plans_->spec);
}

void RealFft::Forward(const double* in, std::complex<double>* out) {
  std::memcpy(plans_->real, in, sizeof(double) * n_);
  fftw_execute(plans_->forward);
  std::memcpy(static_cast<void*>(out), plans_->spec, sizeof(fftw_complex) * bins());
}

double* RealFft::time_data() { return plans_->real; }
std::complex<double>* RealFft::freq_data() { return reinterpret_cast<std::complex<double>*>(plans_->spec); }
void RealFft::ForwardInPlace() { fftw_execute(plans_->forward); }
void RealFft::InverseInPlace() {
  plans_->spec[0][1] = 0.0;
  if (n_ % 2 == 0) plans_->spec[n_ / 2][1] = 0.0;
  fftw_execute(plans_->inverse);
}

void RealFft::Inverse(const std::complex<double>* in, double* out) {
  std::memcpy(plans_->spec, static_cast<const void*>(in), sizeof(fftw_complex) * bins());
  // A real signal's DC (and even-N Nyquist) bin is real; c2r assumes it.
  plans_->spec[0][1] = 0.0;
  if (n_ % 2 == 0) plans_->spec[n_ / 2][1] = 0.0;
  fftw_execute(plans_->inverse);  // c2r destroys its input; we copied it
  const double scale = 1.0 / n_;
  for (int i = 0; i < n_; ++i) out[i] = plans_->real[i] * scale;
}

}  // namespace specrecon
