#include "src/stft.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "src/fft.h"

namespace specrecon {

std::vector<double> PlaceWindow(const std::vector<double>& w, int n_fft, int offset) {
  if (offset < 0 || offset + static_cast<int>(w.size()) > n_fft)
    throw std::invalid_argument("window of length " + std::to_string(w.size()) + " at offset " +
                                std::to_string(offset) + " does not fit n_fft = " +
                                std::to_string(n_fft));
  std::vector<double> frame(n_fft, 0.0);
  std::copy(w.begin(), w.end(), frame.begin() + offset);
  return frame;
}

Spectrogram Stft(const std::vector<double>& x, const std::vector<double>& frame_window, int hop) {
  const int n = static_cast<int>(frame_window.size());
  if (hop < 1) throw std::invalid_argument("hop = " + std::to_string(hop) + ". Violated: hop >= 1");
  Spectrogram s;
  s.bins = n / 2 + 1;
  s.frames = x.size() < static_cast<size_t>(n) ? 0 : static_cast<int>((x.size() - n) / hop + 1);
  s.data.resize(static_cast<size_t>(s.frames) * s.bins);
  RealFft fft(n);
  std::vector<double> buf(n);
  for (int m = 0; m < s.frames; ++m) {
    const double* seg = x.data() + static_cast<size_t>(m) * hop;
    for (int i = 0; i < n; ++i) buf[i] = seg[i] * frame_window[i];
    fft.Forward(buf.data(), s.frame(m));
  }
  return s;
}

IstftResult Istft(const Spectrogram& spec, const std::vector<double>& frame_window, int hop) {
  const int n = static_cast<int>(frame_window.size());
  if (hop < 1) throw std::invalid_argument("hop = " + std::to_string(hop) + ". Violated: hop >= 1");
  if (spec.bins != n / 2 + 1)
    throw std::invalid_argument("spectrogram has " + std::to_string(spec.bins) +
                                " bins; n_fft = " + std::to_string(n) + " needs " +
                                std::to_string(n / 2 + 1));
  IstftResult r;
  if (spec.frames == 0) return r;
  const size_t len = static_cast<size_t>(spec.frames - 1) * hop + n;
  r.signal.assign(len, 0.0);
  std::vector<double> norm(len, 0.0);
  RealFft fft(n);
  std::vector<double> y(n);
  for (int m = 0; m < spec.frames; ++m) {
    fft.Inverse(spec.frame(m), y.data());
    double* out = r.signal.data() + static_cast<size_t>(m) * hop;
    double* nrm = norm.data() + static_cast<size_t>(m) * hop;
    for (int i = 0; i < n; ++i) {
      out[i] += frame_window[i] * y[i];
      nrm[i] += frame_window[i] * frame_window[i];
    }
  }
  double wmax = 0.0;
  for (double v : frame_window) wmax = std::max(wmax, std::abs(v));
  const double tiny = 1e-10 * wmax * wmax;
  for (size_t t = 0; t < len; ++t) {
    if (norm[t] > tiny) {
      r.signal[t] /= norm[t];
    } else {
      r.signal[t] = 0.0;
      ++r.uncovered;
    }
  }
  return r;
}

std::vector<double> OverlapCoverage(const std::vector<double>& frame_window, int hop, int frames) {
  const size_t n = frame_window.size();
  if (frames <= 0) return {};
  std::vector<double> c(static_cast<size_t>(frames - 1) * hop + n, 0.0);
  for (int m = 0; m < frames; ++m)
    for (size_t i = 0; i < n; ++i) c[static_cast<size_t>(m) * hop + i] += frame_window[i] * frame_window[i];
  return c;
}

double ConsistencyDb(const Spectrogram& spec, const std::vector<double>& frame_window, int hop) {
  const IstftResult inv = Istft(spec, frame_window, hop);
  const Spectrogram again = Stft(inv.signal, frame_window, hop);
  double num = 0.0, den = 0.0;
  const size_t count = std::min(again.data.size(), spec.data.size());
  for (size_t i = 0; i < count; ++i) {
    num += std::norm(spec.data[i] - again.data[i]);
    den += std::norm(spec.data[i]);
  }
  if (den == 0.0) return 0.0;
  if (num == 0.0) return -std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(num / den);
}

}  // namespace specrecon
