// Why this file exists: the search over how a dump was laid out and scaled, cheapest test first
// (../shared/design/forensics.md section 1). Which array is the phase and in what units is decided
// by the zero-phase DC test under each reading; then (layout x sidedness x n_fft x phase reference)
// and the magnitude scale are scored by the hop ratio test on a few frame pairs, and the best few
// confirmed on more. Every hypothesis tried is logged with its score.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "inference/evidence.h"
#include "inference/frames.h"
#include "inference/hop.h"

namespace specrecon {

// A reading of the phase array: which array, in which units.
struct PhaseReading {
  int magnitude_index = 0;
  int phase_index = 1;
  std::string units = "radians";  // radians|radians_0_2pi|degrees|cycles|int16_codes (+ unwrapped)
  double scale = 1.0;             // radians per stored unit
  bool unwrapped = false;         // values beyond one turn: unwrapped along an axis
  double tolerance = 1e-5;        // zero-phase tolerance in radians
  std::vector<LayoutHypothesis> layouts;
  double score = 0.0;             // DC zero-phase fraction of the best layout
  double range_score = 0.0;       // how well the raw range fits the units
};

// All readings with at least one layout, best first. `forced_*` from --magnitude/--phase;
// `units_hint` from --phase-units.
std::vector<PhaseReading> FindPhaseReadings(const std::vector<double>& a0, const std::vector<double>& a1,
                                            std::optional<int> forced_magnitude,
                                            std::optional<int> forced_phase,
                                            const std::optional<std::string>& units_hint,
                                            InferenceLog* log);

// Phase in radians, wrapped to (-pi, pi], under a reading.
std::vector<double> WrappedPhase(const std::vector<double>& values, double scale);

struct Hypothesis {
  std::string scale;
  Geometry geometry;
  HopScan scan;
  double digits = 0.0;  // margin of the best hop over the median hop
  std::string Describe() const;
};

struct SearchHints {
  std::optional<int> n_fft, hop;
  std::optional<std::string> magnitude_scale;
};

std::vector<Geometry> GeometriesFor(const LayoutHypothesis& l, const SearchHints& hints);

// Ranked hypotheses (best first; the first few confirmed on more frame pairs).
// linear_by_scale receives the linear magnitude of every scale tried.
std::vector<Hypothesis> SearchHypotheses(const std::vector<double>& magnitude,
                                         const std::vector<double>& phase,
                                         const std::vector<LayoutHypothesis>& layouts,
                                         const std::vector<std::string>& scales,
                                         const SearchHints& hints,
                                         std::map<std::string, std::vector<double>>* linear_by_scale,
                                         InferenceLog* log);

}  // namespace specrecon
