#include "src/atomic_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "src/errors.h"

namespace specrecon {
namespace {

constexpr char kTempPrefix[] = ".specrecon-tmp-";

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string BaseOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string Why(int err) {
  if (err == ENOSPC) return "no space left on the device";
  if (err == EFBIG) return "file too large (a file-size limit was reached)";
  if (err == EDQUOT) return "disk quota exceeded";
  return std::strerror(err);
}

}  // namespace

std::string TempPathFor(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  std::string base = BaseOf(path);
  if (base.size() > 120) base.resize(120);  // keep within NAME_MAX with the prefix
  const std::string dir = DirOf(path);
  return (dir == "." && path.find('/') == std::string::npos ? std::string() : dir + (dir == "/" ? "" : "/")) +
         kTempPrefix + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + base;
}

int CreateTempFile(const std::string& path, std::string* tmp) {
  *tmp = TempPathFor(path);
  const int fd = ::open(tmp->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) ThrowOutputFailed(path, "cannot create a file in its directory: " + Why(errno));
  return fd;
}

std::string WriteTempFile(const std::string& path, const std::string& bytes) {
  std::string tmp;
  const int fd = CreateTempFile(path, &tmp);
  int err = 0;
  for (size_t done = 0; done < bytes.size() && err == 0;) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) err = n < 0 ? errno : ENOSPC;
    else done += static_cast<size_t>(n);
  }
  if (err == 0 && ::fsync(fd) != 0 && errno != EINVAL) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    ThrowOutputFailed(path, "write failed: " + Why(err));
  }
  return tmp;
}

void CommitTempFile(const std::string& tmp, const std::string& path, bool overwrite) {
  if (overwrite) {
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      const int err = errno;
      ::unlink(tmp.c_str());
      ThrowOutputFailed(path, "cannot rename into place: " + Why(err));
    }
    return;
  }
  // link() fails with EEXIST if anything is at `path`: no window in which another file could be
  // replaced between a check and the rename.
  if (::link(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    if (err == EEXIST) {
      ::unlink(tmp.c_str());
      ThrowOutputFailed(path, "exists (use --force to overwrite)");
    }
    // File systems without hard links: check, then rename.
    struct stat st;
    if ((err == EPERM || err == ENOTSUP || err == EOPNOTSUPP) && ::lstat(path.c_str(), &st) != 0 &&
        ::rename(tmp.c_str(), path.c_str()) == 0)
      return;
    ::unlink(tmp.c_str());
    ThrowOutputFailed(path, "cannot move into place: " + Why(err));
  }
  ::unlink(tmp.c_str());
}

void WriteFileAtomically(const std::string& path, const std::string& bytes, bool overwrite) {
  CommitTempFile(WriteTempFile(path, bytes), path, overwrite);
}

void CheckOutputAbsent(const std::string& path, bool overwrite) {
  struct stat st;
  if (!overwrite && ::lstat(path.c_str(), &st) == 0) ThrowOutputFailed(path, "exists (use --force to overwrite)");
}

void RemoveStaleTempFiles(const std::string& path) {
  const std::string dir = DirOf(path);
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  const size_t plen = sizeof kTempPrefix - 1;
  while (const dirent* e = ::readdir(d)) {
    const char* name = e->d_name;
    if (std::strncmp(name, kTempPrefix, plen) != 0) continue;
    char* end = nullptr;
    const long pid = std::strtol(name + plen, &end, 10);
    if (pid <= 0 || end == name + plen || *end != '-') continue;
    if (pid == ::getpid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to judge)
    ::unlinkat(::dirfd(d), name, 0);
  }
  ::closedir(d);
}

}  // namespace specrecon
