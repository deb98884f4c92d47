// Why this file exists: producers that centre frames (scipy's boundary, torch and librosa's
// center=True) pad the signal before the first frame, so a plain inverse starts before the
// original's sample 0. The padding shows in the reconstruction: zeros (constant), a mirror image
// (reflect) or a repeated sample (edge). This finds the pad, its mode, and the original length
// (reflect padding at the end, or zero padding after the last sample, gives the exact length).
#pragma once

#include <string>
#include <vector>

#include "inference/evidence.h"

namespace specrecon {

struct BoundaryResult {
  bool center = false;
  std::string pad_mode = "none";  // reflect|constant|edge|none
  int pad = 0;                    // samples to drop at the start
  size_t length = 0;              // samples of the original signal
  size_t length_min = 0, length_max = 0;  // range the frame count allows
  int win_length_used = 0;
  Evidence center_evidence;
  Evidence length_evidence;
};

// z: the inverse of all frames (length (frames-1)*hop + n_fft), covered[t] whether any frame's
// window reaches sample t.
// win_lengths: the inferred window length first, then lengths of windows that tie with it
// (periodic L = symmetric L+1): scipy pads win_length/2, torch and librosa n_fft/2, so the pad
// found can tell tied windows apart. `win_length_used` says which length the pad matched.
// data_digits: how consistent the data are at best (the hop test's score): low-precision data
// (float16, quantised) cannot show a padding to more digits than that.
// coverage[t] = sum_m w^2[t - m hop], the overlap-add normaliser: where it is tiny, the inverse
// divides rounding noise by a window taper and is not trusted to find the signal's end.
// Samples begin..end-1 of a longer signal (the inverse of all frames, or its coverage), indexed
// by their place in the whole.
struct SignalView {
  const double* data = nullptr;
  long begin = 0, end = 0;
  double operator[](long i) const { return data[i - begin]; }
};

// The end of the inverse of all frames, for the length: z and coverage over the same samples,
// reaching the inverse's last sample (end = its length) and starting at least 2 n_fft + 2 hop
// before it; |z|'s maximum over the inverse (or a sure part of it), over its first `pad`
// samples, and the coverage's maximum.
struct TailView {
  SignalView z, coverage;
  double peak = 0.0, head_peak = 0.0, coverage_max = 0.0;
};

// The original length (and its range) from the tail, given r->center, r->pad and r->pad_mode as
// InferBoundary decided them; fills r->length, length_min, length_max and length_evidence.
void InferLength(const TailView& tail, int n_fft, int hop, int win_length, int frames, BoundaryResult* r);

BoundaryResult InferBoundary(const std::vector<double>& z, const std::vector<double>& coverage,
                             int n_fft, int hop, const std::vector<int>& win_lengths, int frames,
                             double data_digits, InferenceLog* log);

}  // namespace specrecon
