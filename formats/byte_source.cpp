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

}  // namespace specrecon
