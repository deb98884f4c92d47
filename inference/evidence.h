// Why this file exists: every inferred parameter carries where it came from, how well it scored
// and what came second, so the report never presents a guess as a fact
// (../shared/design/forensics.md section 6). The inference log records what was tried.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace specrecon {

// Scores are "higher is better". Consistency tests score in digits: -log10 of the relative
// inconsistency (12 means consistent to 1e-12; below ~1 means no better than chance).
struct Evidence {
  std::string source = "inferred";  // given|header|inferred|assumed
  nlohmann::json value;
  double score = 0.0;
  std::string metric;               // what the score measures
  bool has_runner_up = false;
  nlohmann::json runner_up_value;
  double runner_up_score = 0.0;
  std::string note;                 // ties, ambiguities, why an assumption was made

  nlohmann::json ToJson() const;
};

Evidence GivenEvidence(const nlohmann::json& value);

class InferenceLog {
 public:
  void Add(const std::string& line) { lines_.push_back(line); }
  void Addf(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  std::vector<std::string> lines_;
};

// -log10 of a relative inconsistency, clamped to [0, 20].
double Digits(double inconsistency);

}  // namespace specrecon
