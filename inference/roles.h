// Why this file exists: a dump arrives as one to three arrays in unknown order. This decides
// which array is the magnitude and which the phase from their content (value ranges, the
// zero-phase DC bins), lists the magnitude-scale and phase-unit hypotheses each array allows,
// and converts values under a chosen hypothesis.
#pragma once

#include <optional>
#include <limits>
#include <string>
#include <vector>

#include "formats/array.h"

namespace specrecon {

// How plausible an array is as a phase, in [0, 1], and the units that fit its range.
struct PhaseLikeness {
  double score = 0.0;
  std::string units;  // radians|radians_0_2pi|degrees|degrees_0_360|cycles
};
PhaseLikeness ScorePhase(const std::vector<double>& values);

// Which index is magnitude and which phase among two arrays. `forced_*` come from
// --magnitude/--phase. Returns {magnitude_index, phase_index, score, runner_up_score}.
struct RoleAssignment {
  int magnitude = 0;
  int phase = 1;
  double score = 0.0;           // phase-likeness of the phase minus that of the magnitude
  std::string phase_units;
};
RoleAssignment AssignRoles(const std::vector<NdArray>& arrays, std::optional<int> forced_magnitude,
                           std::optional<int> forced_phase);

// Phase values converted to radians under `units`.
std::vector<double> PhaseToRadians(const std::vector<double>& values, const std::string& units);

// Magnitude-scale hypotheses an array allows: linear and power need non-negative values; the
// logarithmic ones (db20, db10, ln, log10) allow any sign.
std::vector<std::string> MagnitudeScaleCandidates(const ValueStats& stats);
// db20, db10, ln, log10, ln_power (ln|X|^2), log10_power (log10|X|^2).
bool IsLogarithmicScale(const std::string& scale);
// Linear magnitude |X| (up to a constant gain) under `scale`. db20 is 20*log10|X| (which is also
// 10*log10 of the power |X|^2); db10 is 10*log10|X|; ln and log10 are log|X|.
std::vector<double> MagnitudeToLinear(const std::vector<double>& values, const std::string& scale);

// The conversion MagnitudeToLinear applies, with what it decided from the whole array (the
// reference of overflowing logarithmic values, an additive epsilon, a clipped floor), so the
// same conversion can be applied to other values (the edges of quantisation cells).
struct MagnitudeMap {
  std::string scale;
  bool logarithmic = false;
  double vmax = 0.0;  // subtracted from logarithmic values before conversion
  double eps = 0.0;   // additive epsilon taken back off (log(|X| + eps))
  // A clipped floor (top_db): the raw floor value, its depth below the maximum in dB of |X|,
  // and how many cells hold it. NaN when the floor is not a clip.
  double clip_floor = std::numeric_limits<double>::quiet_NaN();
  double clip_depth_db = 0.0;
  size_t clipped_cells = 0;
  double Convert(double v) const;     // logarithmic value -> |X| + eps
  double operator()(double v) const;  // raw value -> |X| (>= 0, finite)
};
MagnitudeMap MakeMagnitudeMap(const std::vector<double>& values, const std::string& scale);
// What the map needs of the values, gathered in pieces by a reader that streams them.
struct MagnitudeStats {
  size_t count = 0;
  double vmax = -std::numeric_limits<double>::infinity();
  double vmin = std::numeric_limits<double>::infinity();
  size_t at_min = 0;  // finite values equal to vmin
  MagnitudeStats& Add(const double* values, size_t n);
};
MagnitudeMap MakeMagnitudeMap(const MagnitudeStats& stats, const std::string& scale);

}  // namespace specrecon
