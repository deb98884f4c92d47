// Why this file exists: the hop is found without knowing the window. For the true hop a,
// y_{m+1}[n] = w[n] x[(m+1)a+n] and y_m[n+a] = w[n+a] x[ma+n+a] see the same sample, so across
// frame pairs the vectors u_n = (y_{m+1}[n])_m and v_n = (y_m[n+a])_m are proportional for every
// n; for any other a they are unrelated (../shared/design/forensics.md section 3). The score of
// a is the energy-weighted inconsistency 1 - <u,v>^2/(|u|^2|v|^2), in digits.
#pragma once

#include <vector>

#include "inference/frames.h"

namespace specrecon {

struct HopScan {
  int best = 0;
  double best_digits = 0.0;
  int runner_up = 0;
  double runner_up_digits = 0.0;
  double median_digits = 0.0;  // typical score of a wrong hop
  std::vector<double> digits;  // digits[a] for a = 0..max_hop (digits[0] unused = 0)
  // Margin of the best hop over the typical wrong one: the hypothesis score. A degenerate
  // hypothesis (a few dominant cells) fits every hop and so has no margin.
  double margin() const { return best_digits - median_digits; }
};

// Inconsistency (not digits) of hop `a` on the frame pairs; 1.0 when nothing overlaps.
// abs_sign != 0 tests the absolute-time phase reference: the stored frames are rotated by
// abs_sign * m * a, and the test reads them at the rotated positions (see frames.h).
double HopInconsistency(const FramePairs& pairs, int a, int max_positions = 256, int abs_sign = 0);

// Sets best and runner_up from digits[1..max_hop] (the runner-up is the best other hop).
void PickBestHops(HopScan* scan);

// Scans a = 1..max_hop (max_hop < n_fft). The runner-up is the best hop that is not the winner.
HopScan ScanHops(const FramePairs& pairs, int max_hop, int max_positions = 256, int abs_sign = 0);

}  // namespace specrecon
