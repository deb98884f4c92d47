// Why this file exists: most readers take a path, not bytes. This helper writes one fuzz input to
// a fresh file under $TMPDIR (scripts/fuzz points it at a private directory it removes), calls
// the reader on it and removes the file again, so a long run leaves nothing behind and every
// call sees a new inode (libhdf5 and libmatio cache open files by inode).
// Also the one rule every target checks: a reader may fail only with specrecon::Error, which
// names the file and the broken rule; any other exception escaping is a finding (abort).
// Not thread safe (libFuzzer calls targets from one thread).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "src/errors.h"

namespace specrecon_fuzz {

// A file holding `size` bytes of `data`, removed when the object goes out of scope.
class InputFile {
 public:
  InputFile(const uint8_t* data, size_t size, const char* suffix) {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir && *dir ? dir : "/tmp") + "/specrecon-fuzz-" + std::to_string(::getpid()) + suffix;
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, 0600);
    if (fd < 0) {
      ::unlink(path_.c_str());  // left over from an earlier crashed run of this pid
      std::perror(path_.c_str());
      std::abort();
    }
    for (size_t done = 0; done < size;) {
      const ssize_t n = ::write(fd, data + done, size - done);
      if (n <= 0) {
        std::perror(path_.c_str());
        std::abort();
      }
      done += static_cast<size_t>(n);
    }
    ::close(fd);
  }
  ~InputFile() { ::unlink(path_.c_str()); }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs `read`; a specrecon::Error is the expected answer to a malformed input. Anything else
// that escapes (std::length_error, std::out_of_range, ...) would reach the user as a message
// without the file's name: report it and abort so libFuzzer saves the input.
template <typename F>
void ExpectOnlySpecreconErrors(F&& read) {
  try {
    read();
  } catch (const specrecon::Error&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FINDING: exception other than specrecon::Error: %s\n", e.what());
    std::abort();
  }
}

}  // namespace specrecon_fuzz
