// Why this file exists: every output specrecon writes (reports, pages, batch summaries) must be
// whole or absent, never half-written: the text goes to a temporary file in the destination's
// directory and is renamed into place only when complete.
// Thread safety: safe from several threads (temporary names are unique per process and call).
#pragma once

#include <string>

namespace specrecon {

// Writes `bytes` to `path` atomically. Throws Error(kOutputFailed) naming the path; on failure
// the destination is left as it was and no temporary file remains.
void WriteFileAtomically(const std::string& path, const std::string& bytes);

}  // namespace specrecon
