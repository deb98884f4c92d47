#include "inference/evidence.h"

#include <cmath>
#include <cstdarg>
#include <cstdio>

namespace specrecon {

nlohmann::json Evidence::ToJson() const {
  nlohmann::json j;
  j["source"] = source;
  j["value"] = value;
  j["score"] = std::round(score * 1000.0) / 1000.0;
  if (!metric.empty()) j["metric"] = metric;
  if (has_runner_up) {
    j["runner_up"] = {{"value", runner_up_value},
                      {"score", std::round(runner_up_score * 1000.0) / 1000.0}};
  } else {
    j["runner_up"] = nullptr;
  }
  if (!note.empty()) j["note"] = note;
  return j;
}

Evidence GivenEvidence(const nlohmann::json& value) {
  Evidence e;
  e.source = "given";
  e.value = value;
  e.score = 1.0;
  e.metric = "given on the command line";
  return e;
}

void InferenceLog::Addf(const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  lines_.emplace_back(buf);
}

double Digits(double inconsistency) {
  if (!(inconsistency > 0.0)) return inconsistency == 0.0 ? 20.0 : 0.0;
  return std::max(0.0, std::min(20.0, -std::log10(inconsistency)));
}

}  // namespace specrecon
