#include "src/errors.h"

namespace specrecon {

Error::Error(ExitCode code, std::string file, const std::string& what)
    : std::runtime_error(what), code_(code), file_(std::move(file)) {}

std::string Error::Line() const {
  if (file_.empty()) return std::string("error: ") + what();
  return "error: \"" + file_ + "\": " + what();
}

void ThrowUsage(const std::string& what) { throw Error(ExitCode::kUsage, "", what); }
void ThrowBadInput(const std::string& file, const std::string& what) {
  throw Error(ExitCode::kBadInput, file, what);
}
void ThrowInferenceFailed(const std::string& what, const std::vector<std::string>& details) {
  Error e(ExitCode::kInferenceFailed, "", what);
  e.details = details;
  throw e;
}
void ThrowOutputFailed(const std::string& file, const std::string& what) {
  throw Error(ExitCode::kOutputFailed, file, what);
}

}  // namespace specrecon
