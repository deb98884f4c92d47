#include "inference/frames.h"

#include <algorithm>
#include <cmath>

#include "src/fft.h"

namespace specrecon {
namespace {
constexpr double kPi = 3.14159265358979323846;

// Rotation R_m of frame m in samples, reduced mod n.
long Rotation(const Geometry& g, size_t m) {
  const long n = g.n_fft;
  long r = (static_cast<long>(g.ref_sign) * static_cast<long>((m * static_cast<size_t>(g.hop)) % n) + g.ref_const) % n;
  return r < 0 ? r + n : r;
}

void StoredFrame(const std::vector<double>& magnitude, const std::vector<double>& phase,
                 const Geometry& g, size_t m, long rotation, std::complex<double>* out) {
  const int full_bins = g.n_fft / 2 + 1;
  for (int k = 0; k < full_bins; ++k) {
    const size_t sb = static_cast<size_t>(g.StoredBin(k));
    if (sb >= g.layout.bins) {
      out[k] = 0.0;  // a dropped Nyquist bin
      continue;
    }
    const size_t i = LayoutIndex(g.layout, m, sb);
    double ph = phase[i];
    if (rotation != 0) ph += 2.0 * kPi * static_cast<double>((k * rotation) % g.n_fft) / g.n_fft;
    out[k] = std::polar(magnitude[i], ph);
  }
}
}  // namespace

void ComplexFrame(const std::vector<double>& magnitude, const std::vector<double>& phase,
                  const Geometry& g, size_t m, std::complex<double>* out) {
  StoredFrame(magnitude, phase, g, m, Rotation(g, m), out);
}

void AllComplexFrames(const std::vector<double>& magnitude, const std::vector<double>& phase,
                      const Geometry& g, std::complex<double>* out) {
  const size_t frames = g.layout.frames;
  const int full_bins = g.n_fft / 2 + 1;
  if (g.layout.layout == Layout::kFramesXBins || g.fftshift || g.two_sided) {
    for (size_t m = 0; m < frames; ++m) ComplexFrame(magnitude, phase, g, m, out + m * full_bins);
    return;
  }
  // bins_x_frames, one-sided: bin k of frames [m0, m1) is contiguous in the stream.
  const size_t block = 256;
  for (size_t m0 = 0; m0 < frames; m0 += block) {
    const size_t m1 = std::min(frames, m0 + block);
    for (int k = 0; k < full_bins; ++k) {
      if (static_cast<size_t>(k) >= g.layout.bins) {
        for (size_t m = m0; m < m1; ++m) out[m * full_bins + k] = 0.0;
        continue;
      }
      const size_t base = static_cast<size_t>(k) * frames;
      for (size_t m = m0; m < m1; ++m) {
        double ph = phase[base + m];
        const long rot = Rotation(g, m);
        if (rot != 0) ph += 2.0 * kPi * static_cast<double>((k * rot) % g.n_fft) / g.n_fft;
        out[m * full_bins + k] = std::polar(magnitude[base + m], ph);
      }
    }
  }
}

FramePairs SampleFramePairs(const std::vector<double>& magnitude, const std::vector<double>& phase,
                            const Geometry& g, int max_pairs, bool rotate) {
  FramePairs fp;
  fp.n_fft = g.n_fft;
  const size_t frames = g.layout.frames;
  if (frames < 2 || max_pairs < 1) return fp;
  // Energy per frame (sampled bins for speed).
  std::vector<double> energy(frames, 0.0);
  const size_t kstep = std::max<size_t>(1, g.layout.bins / 64);
  // In stream order: a bins_x_frames stream holds each bin's frames contiguously.
  if (g.layout.layout == Layout::kBinsXFrames) {
    for (size_t k = 0; k < g.layout.bins; k += kstep) {
      const double* row = magnitude.data() + k * frames;
      for (size_t m = 0; m < frames; ++m) energy[m] += row[m] * row[m];
    }
  } else {
    for (size_t m = 0; m < frames; ++m)
      for (size_t k = 0; k < g.layout.bins; k += kstep) {
        const double v = magnitude[m * g.layout.bins + k];
        energy[m] += v * v;
      }
  }
  const size_t pairs = std::min<size_t>(max_pairs, frames - 1);
  const size_t stretch = (frames - 1) / pairs;
  RealFft fft(g.n_fft);
  std::vector<std::complex<double>> spec(g.n_fft / 2 + 1);
  for (size_t p = 0; p < pairs; ++p) {
    size_t best = p * stretch;
    for (size_t m = p * stretch; m < (p + 1) * stretch && m + 1 < frames; ++m)
      if (energy[m] + energy[m + 1] > energy[best] + energy[best + 1]) best = m;
    if (energy[best] == 0.0 || energy[best + 1] == 0.0) continue;
    std::vector<double> ya(g.n_fft), yb(g.n_fft);
    StoredFrame(magnitude, phase, g, best, rotate ? Rotation(g, best) : 0, spec.data());
    fft.Inverse(spec.data(), ya.data());
    StoredFrame(magnitude, phase, g, best + 1, rotate ? Rotation(g, best + 1) : 0, spec.data());
    fft.Inverse(spec.data(), yb.data());
    fp.first.push_back(best);
    fp.a.push_back(std::move(ya));
    fp.b.push_back(std::move(yb));
  }
  return fp;
}

}  // namespace specrecon
