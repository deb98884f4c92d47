// Why this file exists: dumps are often kept gzip-compressed (spectrogram.bin.gz, mag.npy.gz,
// gzip -k on a .mat or .csv). Every reader takes a path, so a gzip file is inflated, bounded, to
// a private temporary file named like the original without ".gz"; the readers then read that
// file as they read any other, and it is removed afterwards. The input is never modified.
#pragma once

#include <cstdint>
#include <string>

#include "formats/limits.h"

namespace specrecon {

// Most bytes a gzip file may inflate to: the largest array read, as float64, plus 1 MiB.
constexpr uint64_t kMaxGunzipBytes = kMaxArrayElements * 8 + (uint64_t{1} << 20);

// Whether a file's first bytes start a gzip member (1f 8b, method 8: deflate).
bool LooksLikeGzip(const unsigned char* head, size_t n);

// A new directory under TMPDIR only this user can enter (mkdtemp: mode 0700) ("<prefix>-XXXXXX"), for unpacking
// `for_path`. Throws Error(kOutputFailed) naming TMPDIR or the directory when it cannot be made.
std::string MakePrivateTempDir(const std::string& prefix, const std::string& for_path);

// `text` with every occurrence of `from` replaced by `to` (a temporary file's path in a message by
// the name of what it was unpacked from).
std::string ReplacedAll(std::string text, const std::string& from, const std::string& to);

// A gzip file inflated into a temporary directory of its own; both are removed on destruction.
class GunzippedFile {
 public:
  // Inflates every member of the gzip file at `path` (concatenated members, as `cat a.gz b.gz`
  // makes, are one stream; trailing zero bytes are ignored). Throws Error(kBadInput) naming `path`
  // when it is corrupt, truncated or inflates to more than kMaxGunzipBytes, and
  // Error(kOutputFailed) when the temporary file cannot be written. Nothing is left behind.
  explicit GunzippedFile(const std::string& path);
  ~GunzippedFile();
  GunzippedFile(const GunzippedFile&) = delete;
  GunzippedFile& operator=(const GunzippedFile&) = delete;

  const std::string& path() const { return file_; }  // the inflated file
  uint64_t size() const { return size_; }             // its bytes

 private:
  std::string dir_, file_;
  uint64_t size_ = 0;
};

}  // namespace specrecon
