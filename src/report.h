// Why this file exists: the JSON report of ../shared/design/cli.md (stable keys; scripts depend on
// them) and the short human summary printed on stderr after a run.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "src/pipeline.h"

namespace specrecon {

// The report object. `with_reconstruction` adds the "reconstruction" section.
nlohmann::json BuildReport(const RunResult& run, bool with_reconstruction);

// A few lines: each parameter, its value, where it came from, its score and runner-up.
std::string BriefReport(const RunResult& run);

}  // namespace specrecon
