// Why this file exists: the npy decoder reads both plain files and zip members (.npz); this
// small interface lets it stream either in chunks, so no reader holds the raw bytes and the
// decoded doubles at full size at the same time. Not thread safe (one reader per source).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace specrecon {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `buf`; returns how many were read (fewer only at the end).
  // Throws Error(kBadInput) on a read error (e.g. a corrupt compressed stream).
  virtual size_t Read(void* buf, size_t n) = 0;
};

// A regular file, from its start. Throws Error(kBadInput) naming the file if it cannot be opened.
class FileSource : public ByteSource {
 public:
  explicit FileSource(const std::string& path);
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  size_t Read(void* buf, size_t n) override;

 private:
  std::string path_;
  std::FILE* f_ = nullptr;
};

// The first `size` bytes of the file at `path` (its size, checked by the caller against its
// reader's cap), for readers that parse a whole file in memory (JSON, pickles). Throws
// Error(kBadInput) naming the file when it cannot be opened or ends before `size` bytes.
std::vector<unsigned char> ReadFileBytes(const std::string& path, uint64_t size);

}  // namespace specrecon
