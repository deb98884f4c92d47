// Shared helpers for the test suites: deterministic test signals, synthetic dumps in either
// layout, SNR, and temporary files.
#pragma once

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <unistd.h>
#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "formats/array.h"
#include "src/stft.h"
#include "src/window.h"

namespace specrecon::test {

// Speech-like test signal: a few harmonics with vibrato plus a little noise (deterministic).
inline std::vector<double> TestSignal(size_t n, uint32_t seed = 1) {
  std::vector<double> x(n);
  uint32_t s = seed;
  for (size_t i = 0; i < n; ++i) {
    const double t = i / 16000.0;
    const double f0 = 140.0 + 20.0 * std::sin(2 * M_PI * 3.0 * t);
    double v = 0.0;
    for (int h = 1; h <= 8; ++h) v += std::sin(2 * M_PI * f0 * h * t + h) / h;
    s = s * 1664525u + 1013904223u;
    v = 0.25 * v + 0.01 * ((s >> 8) / 16777216.0 - 0.5);
    x[i] = v;
  }
  return x;
}

// Magnitude and phase of a spectrogram, flattened in the given layout.
inline void Flatten(const Spectrogram& s, bool frames_x_bins, std::vector<double>* mag,
                    std::vector<double>* phase, size_t keep_bins = 0) {
  const size_t bins = keep_bins ? keep_bins : s.bins;
  mag->assign(static_cast<size_t>(s.frames) * bins, 0.0);
  phase->assign(mag->size(), 0.0);
  for (int m = 0; m < s.frames; ++m)
    for (size_t k = 0; k < bins; ++k) {
      const size_t i = frames_x_bins ? m * bins + k : k * s.frames + m;
      (*mag)[i] = std::abs(s.frame(m)[k]);
      (*phase)[i] = std::arg(s.frame(m)[k]);
    }
}

inline NdArray MakeArray(const std::vector<double>& v, const std::string& name) {
  NdArray a;
  a.values = v;
  a.info.path = name;
  a.info.shape = {v.size()};
  return a;
}

inline double SnrDb(const std::vector<double>& ref, const std::vector<double>& got, size_t begin = 0,
                    size_t end = SIZE_MAX) {
  end = std::min({end, ref.size(), got.size()});
  double s = 0.0, e = 0.0;
  for (size_t i = begin; i < end; ++i) {
    s += ref[i] * ref[i];
    e += (ref[i] - got[i]) * (ref[i] - got[i]);
  }
  if (e == 0.0) return 400.0;
  return 10.0 * std::log10(s / e);
}

template <typename T>
void WriteBinary(const std::string& path, const std::vector<double>& v, bool big_endian = false) {
  std::ofstream f(path, std::ios::binary);
  for (double d : v) {
    T x = static_cast<T>(d);
    unsigned char b[sizeof(T)];
    std::memcpy(b, &x, sizeof(T));
    if (big_endian)
      for (size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(b[i], b[sizeof(T) - 1 - i]);
    f.write(reinterpret_cast<const char*>(b), sizeof(T));
  }
}

inline std::string TempPath(const std::string& name) {
  return std::string("/tmp/specrecon_test_") + std::to_string(::getpid()) + "_" + name;
}

}  // namespace specrecon::test
