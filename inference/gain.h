// Why this file exists: producers scale their FFTs differently (scipy.signal.stft divides by
// sum(w), torch and numpy do not). The data alone cannot tell a loud recording from a scaled
// one, so this picks the convention under which the reconstruction looks like full-scale audio
// (peak within [-1, 1], nearest to a typical level), and reports it as an assumption with the
// alternative.
#pragma once

#include <string>
#include <vector>

#include "inference/evidence.h"

namespace specrecon {

struct GainChoice {
  std::string convention;  // none|scipy_spectrum|int16_full_scale|normalised
  double factor = 1.0;     // multiply the plain reconstruction by this
  Evidence evidence;
};

// peak: peak |x| of the plain (unscaled-FFT) reconstruction. Conventions tried: none (numpy,
// torch, librosa), scipy 'spectrum' (1/sum w), torch normalized (1/sqrt(n_fft)), scipy
// 'density' (1/sqrt(fs sum w^2), with the given or assumed sample rate).
GainChoice ChooseGain(double peak, double window_sum, double window_sum_sq, int n_fft, int sample_rate);

}  // namespace specrecon
