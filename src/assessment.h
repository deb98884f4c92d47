// Why this file exists: an analyst reading a report needs to know at a glance how far to trust
// each parameter and what to check, in the same words on stderr, in the HTML page and in a
// batch summary. Scores mean different things per test (digits of consistency, fractions,
// dB of a phase retrieval); this turns each into high / medium / low by its metric, and collects
// the warnings that matter (assumed gain or sample rate, ties, uncovered, clipped samples).
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "inference/evidence.h"
#include "src/pipeline.h"

namespace specrecon {

enum class Confidence { kGiven, kHigh, kMedium, kLow, kAssumed };

// "given", "high", "medium", "low", "assumed".
const char* ConfidenceName(Confidence c);

// Given/header: kGiven; assumed: kAssumed. Otherwise by the metric:
//  - digits of consistency: high when score >= 6 and it beats the runner-up by >= 3 digits,
//    medium when score >= 3 and the margin is >= 1, low otherwise;
//  - fractions (0..1): high >= 0.95 with a margin >= 0.2, medium >= 0.7, low otherwise;
//  - dB of a phase retrieval (higher is better): high with a margin >= 6 dB, medium >= 2 dB;
//  - anything else (no metric, a 0/1 flag at 0): low.
Confidence RateEvidence(const Evidence& e);

// One line each, most important first: assumed gain and sample rate, ties, samples no window
// covers, clipped and non-finite samples, low-confidence parameters, a retrieved phase.
std::vector<std::string> RunWarnings(const RunResult& run);

}  // namespace specrecon
