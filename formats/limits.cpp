#include "formats/limits.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "src/errors.h"

namespace specrecon {

uint64_t RegularFileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    ThrowBadInput(path, "cannot open: " + std::string(std::strerror(errno)));
  if (S_ISDIR(st.st_mode)) ThrowBadInput(path, "is a directory, not a file");
  if (!S_ISREG(st.st_mode))
    ThrowBadInput(path, std::string("is not a regular file (") +
                            (S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISCHR(st.st_mode) ? "a character device"
                             : S_ISSOCK(st.st_mode) ? "a socket" : "a device") +
                            "): its size cannot be checked and it may never end; save the data to a file");
  return static_cast<uint64_t>(st.st_size);
}

std::string DimsText(const std::vector<uint64_t>& dims) {
  if (dims.empty()) return "scalar";
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? " x " : "") + std::to_string(dims[i]);
  return s;
}

uint64_t CheckedElementCount(const std::vector<uint64_t>& dims, const std::string& path,
                             const std::string& what) {
  uint64_t n = 1;
  bool overflow = false;
  for (uint64_t d : dims) {
    if (d != 0 && n > UINT64_MAX / d) overflow = true;
    n = overflow ? 0 : n * d;
  }
  // Any zero dimension makes the array empty, even when the others overflow.
  for (uint64_t d : dims)
    if (d == 0) return 0;
  if (overflow)
    ThrowBadInput(path, what + " declares a shape of " + DimsText(dims) +
                            ": more than 2^64 elements, the header is corrupt");
  if (n > kMaxArrayElements)
    ThrowBadInput(path, what + " declares " + std::to_string(n) + " elements (" + DimsText(dims) +
                            "), more than the " + std::to_string(kMaxArrayElements) +
                            " this tool reads");
  return n;
}

}  // namespace specrecon
