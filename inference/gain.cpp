#include "inference/gain.h"

#include <cmath>

namespace specrecon {

GainChoice ChooseGain(double peak, double window_sum, double window_sum_sq, int n_fft, int sample_rate) {
  struct Option {
    const char* name;
    double factor;
    double prior;  // in decades: what a convention must gain in level to be taken over a default
  };
  // The defaults of the tools that write most dumps (numpy, torch, librosa: none; scipy.signal.stft:
  // spectrum) cost nothing. Options a producer must ask for (torch normalized=True, scipy's 'psd'
  // scaling) cost 0.3 decades: a music recording peaking at 0.22 (-13 dBFS) written by
  // scipy.signal.stft was otherwise read as density scaled, 3.8 times too loud.
  const Option options[] = {{"none", 1.0, 0.0},
                            {"scipy_spectrum", window_sum, 0.0},
                            {"torch_normalized", std::sqrt(static_cast<double>(n_fft)), 0.3},
                            {"scipy_density", std::sqrt(sample_rate * window_sum_sq), 0.3}};
  const int count = sizeof options / sizeof options[0];
  // Score: closeness (in decades) of the peak to a typical level of 0.5, for peaks <= 1, less the
  // convention's prior.
  double best_score = -1e300, second_score = -1e300;
  int best = -1, second = -1;
  for (int i = 0; i < count; ++i) {
    const double p = peak * options[i].factor;
    if (!(p > 0.0) || p > 1.0 + 1e-6) continue;
    const double score = -std::abs(std::log10(p / 0.5)) - options[i].prior;
    if (score > best_score) {
      second = best;
      second_score = best_score;
      best = i;
      best_score = score;
    } else if (score > second_score) {
      second = i;
      second_score = score;
    }
  }
  GainChoice g;
  g.evidence.source = "assumed";
  g.evidence.metric = "-|log10(peak/0.5)| - prior: closeness of the output peak to a typical full-scale level, less 0.3 for "
      "conventions a producer must ask for (torch_normalized, scipy_density)";
  if (best >= 0) {
    g.convention = options[best].name;
    g.factor = options[best].factor;
    g.evidence.value = g.convention;
    g.evidence.score = best_score;
    if (second >= 0) {
      g.evidence.has_runner_up = true;
      g.evidence.runner_up_value = options[second].name;
      g.evidence.runner_up_score = second_score;
    }
    g.evidence.note = "the data cannot tell a producer's FFT scaling from the recording's level";
    return g;
  }
  if (peak > 1.0 && peak <= 32768.0 * 1.01) {
    g.convention = "int16_full_scale";
    g.factor = 1.0 / 32768.0;
    g.evidence.value = g.convention;
    g.evidence.note = "the signal exceeds full scale as if it were 16-bit integer samples; divided by 32768";
    return g;
  }
  g.convention = "normalised";
  g.factor = peak > 0.0 ? 0.99 / peak : 1.0;
  g.evidence.value = g.convention;
  g.evidence.note = "no scaling convention gives a signal within full scale; normalised to peak 0.99";
  return g;
}

}  // namespace specrecon
