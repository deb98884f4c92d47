#include "formats/byte_source.h"

#include <cerrno>
#include <cstring>

#include "src/errors.h"

namespace specrecon {

FileSource::FileSource(const std::string& path) : path_(path), f_(std::fopen(path.c_str(), "rb")) {
  if (!f_) ThrowBadInput(path, "cannot open for reading: " + std::string(std::strerror(errno)));
}

FileSource::~FileSource() {
  if (f_) std::fclose(f_);
}

size_t FileSource::Read(void* buf, size_t n) {
  const size_t got = std::fread(buf, 1, n, f_);
  if (got < n && std::ferror(f_)) ThrowBadInput(path_, "read error: " + std::string(std::strerror(errno)));
  return got;
}

std::vector<unsigned char> ReadFileBytes(const std::string& path, uint64_t size) {
  std::vector<unsigned char> bytes(static_cast<size_t>(size));
  FileSource src(path);
  size_t got = 0;
  while (got < bytes.size()) {
    const size_t n = src.Read(bytes.data() + got, bytes.size() - got);
    if (n == 0) ThrowBadInput(path, "ended after " + std::to_string(got) + " of its " + std::to_string(size) + " bytes while being read");
    got += n;
  }
  return bytes;
}

}  // namespace specrecon
