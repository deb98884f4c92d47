// Why this file exists: one small set of error categories that every layer throws and the
// command line maps to documented exit codes, so a failure always ends as exactly one line
// `error: "<file>": <what is wrong>` and a known exit status.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace specrecon {

// Exit codes of the command line (../shared/design/cli.md).
enum class ExitCode : int {
  kOk = 0,
  kUsage = 2,            // bad command line
  kBadInput = 3,         // unreadable or malformed input file
  kInferenceFailed = 4,  // nothing consistent found
  kOutputFailed = 5,     // output could not be written
};

// An error with a category (exit code), the file it concerns (may be empty) and the rule broken.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, std::string file, const std::string& what);
  ExitCode code() const { return code_; }
  const std::string& file() const { return file_; }
  // The single line printed by main(): error: "<file>": <what>  (or error: <what> without file).
  std::string Line() const;
  // What was tried before the failure (the inference log), shown on failure.
  std::vector<std::string> details;

 private:
  ExitCode code_;
  std::string file_;
};

[[noreturn]] void ThrowUsage(const std::string& what);
[[noreturn]] void ThrowBadInput(const std::string& file, const std::string& what);
[[noreturn]] void ThrowInferenceFailed(const std::string& what,
                                       const std::vector<std::string>& details = {});
[[noreturn]] void ThrowOutputFailed(const std::string& file, const std::string& what);

}  // namespace specrecon
