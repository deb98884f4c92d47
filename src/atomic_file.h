// Why this file exists: every output specrecon writes (WAV, JSON report, HTML page, batch
// results and summaries) must be whole or absent, never half-written, and must never replace a
// file the user did not allow it to: the bytes go to a temporary file in the destination's
// directory (same file system, so the final rename is atomic), are flushed to disk, and are
// renamed into place only when complete. Without permission to overwrite, the final step links
// the temporary file to the destination, which fails if anything exists there (no race).
//
// Temporary files are named <dir>/.specrecon-tmp-<pid>-<n>-<name>. A run killed with SIGKILL
// cannot remove its own; the next run writing into the same directory removes those whose
// process no longer exists (RemoveStaleTempFiles).
// Thread safe: temporary names are unique per process and call.
#pragma once

#include <string>

namespace specrecon {

// Where the temporary file for `path` goes: beside it, hidden, unique to this process and call.
std::string TempPathFor(const std::string& path);

// Creates the temporary file for `path` (O_EXCL, never through a symlink) and returns its
// descriptor and name. Throws Error(kOutputFailed) naming `path`.
int CreateTempFile(const std::string& path, std::string* tmp);

// Writes `bytes` to a new temporary file for `path`, flushed to disk; returns its name. Throws
// Error(kOutputFailed) naming `path` (a full disk, a file-size limit, ...); no temporary remains.
std::string WriteTempFile(const std::string& path, const std::string& bytes);

// Moves the complete temporary file `tmp` to `path`: rename (replacing an existing file) when
// `overwrite`, else link + unlink, which refuses an existing `path` with
// `exists (use --force to overwrite)`. Removes `tmp` on failure. Throws Error(kOutputFailed).
void CommitTempFile(const std::string& tmp, const std::string& path, bool overwrite);

// WriteTempFile + CommitTempFile.
void WriteFileAtomically(const std::string& path, const std::string& bytes, bool overwrite = true);

// Throws Error(kOutputFailed) `"<path>": exists (use --force to overwrite)` when something (a
// file, a directory, a dangling symlink) is at `path` and `overwrite` is false.
void CheckOutputAbsent(const std::string& path, bool overwrite);

// Removes .specrecon-tmp-<pid>-* files in the directory of `path` left by runs that were killed
// (their pid is no longer running). Errors are ignored: this is housekeeping.
void RemoveStaleTempFiles(const std::string& path);

}  // namespace specrecon
