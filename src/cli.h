// Why this file exists: the command line of ../shared/design/cli.md: `reconstruct`, `infer` and
// `inspect`, their options and help, and the mapping of every failure to one `error:` line and a
// documented exit code. main() only calls RunCli.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace specrecon {

// Runs the command line; returns the process exit code. Output goes to `out`, diagnostics to `err`.
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace specrecon
