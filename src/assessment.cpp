#include "src/assessment.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "src/stft.h"

namespace specrecon {
namespace {

bool Contains(const std::string& s, const char* needle) { return s.find(needle) != std::string::npos; }

// Samples of the output (after trimming the padding) that no frame's window covers.
size_t UncoveredInOutput(const RunResult& run) {
  const InferenceResult& inf = run.inference;
  if (run.streamed) return inf.uncovered;  // counted over the output already (src/stream.cpp)
  if (inf.uncovered == 0 || inf.frame_window.empty() || inf.params.hop < 1 || inf.spectrogram.frames < 1) return 0;
  const std::vector<double> cov = OverlapCoverage(inf.frame_window, inf.params.hop, inf.spectrogram.frames);
  double wmax = 0.0;
  for (double v : inf.frame_window) wmax = std::max(wmax, std::abs(v));
  const double tiny = 1e-10 * wmax * wmax;  // as Istft counts them
  size_t n = 0;
  for (size_t t = inf.params.pad; t < inf.params.pad + inf.signal_length; ++t) n += t >= cov.size() || cov[t] <= tiny;
  return n;
}

}  // namespace

const char* ConfidenceName(Confidence c) {
  switch (c) {
    case Confidence::kGiven: return "given";
    case Confidence::kHigh: return "high";
    case Confidence::kMedium: return "medium";
    case Confidence::kLow: return "low";
    case Confidence::kAssumed: return "assumed";
  }
  return "low";
}

Confidence RateEvidence(const Evidence& e) {
  if (e.source == "given" || e.source == "header") return Confidence::kGiven;
  if (e.source == "assumed") return Confidence::kAssumed;
  double s = e.score;
  // Sidedness scores the fraction of Hermitian cells: few of them is the evidence for one-sided.
  if (Contains(e.metric, "Hermitian") && e.value.is_object() && e.value.value("onesided", false)) s = 1.0 - s;
  const double margin = e.has_runner_up ? s - e.runner_up_score : std::numeric_limits<double>::infinity();
  const std::string& m = e.metric;
  if (Contains(m, "(dB)") || Contains(m, "SC (dB)") || Contains(m, "deficit (dB)")) {
    if (margin >= 6.0) return Confidence::kHigh;
    if (margin >= 2.0) return Confidence::kMedium;
    return Confidence::kLow;
  }
  if (Contains(m, "digits")) {
    if (s >= 6.0 && margin >= 3.0) return Confidence::kHigh;
    if (s >= 3.0 && margin >= 1.0) return Confidence::kMedium;
    return Confidence::kLow;
  }
  if (Contains(m, "fraction") || Contains(m, "0..1") || Contains(m, "1 if")) {
    if (s >= 0.95 && margin >= 0.2) return Confidence::kHigh;
    if (s >= 0.7) return Confidence::kMedium;
    return Confidence::kLow;
  }
  return Confidence::kLow;
}

std::vector<std::string> RunWarnings(const RunResult& run) {
  const InferenceResult& inf = run.inference;
  std::vector<std::string> w;
  char buf[512];
  auto gain = inf.evidence.find("gain");
  if (gain != inf.evidence.end() && gain->second.source == "assumed")
    w.push_back("output level assumed: gain convention " + inf.gain_convention +
                " (the data cannot tell a producer's FFT scaling from the recording's level)");
  if (run.sample_rate_source != "given") {
    std::snprintf(buf, sizeof buf, "sample rate %d Hz %s, not read from the dump: pass --sample-rate",
                  run.sample_rate, run.sample_rate_source.c_str());
    w.push_back(buf);
  }
  for (const auto& [name, e] : inf.evidence)
    if (Contains(" " + e.note, " tie") || Contains(e.note, "same samples") || Contains(e.note, "several"))
      w.push_back("tie in " + name + ": " + e.note);
  if (const size_t uncovered = UncoveredInOutput(run)) {
    std::snprintf(buf, sizeof buf, "%zu output samples are under no window: the data do not determine them (written as 0)",
                  uncovered);
    w.push_back(buf);
  }
  if (run.wav.clipped) {
    std::snprintf(buf, sizeof buf, "%zu samples were clipped to full scale in the WAV", run.wav.clipped);
    w.push_back(buf);
  }
  if (run.wav.non_finite) {
    std::snprintf(buf, sizeof buf, "%zu NaN/Inf samples were written as 0", run.wav.non_finite);
    w.push_back(buf);
  }
  std::string low;
  for (const auto& [name, e] : inf.evidence)
    if (RateEvidence(e) == Confidence::kLow) low += (low.empty() ? "" : ", ") + name;
  if (!low.empty()) w.push_back("low confidence: " + low + " (see the notes and runner-ups)");
  if (std::isfinite(inf.spectral_convergence_db)) {
    std::snprintf(buf, sizeof buf,
                  "the dump has no phase: it was retrieved (%s, %d iterations), spectral convergence %.1f dB",
                  inf.retrieval_method.c_str(), inf.retrieval_iterations, inf.spectral_convergence_db);
    w.push_back(buf);
  }
  return w;
}

}  // namespace specrecon
