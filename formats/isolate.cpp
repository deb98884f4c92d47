#include "formats/isolate.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>

#include "formats/limits.h"
#include "src/errors.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPECRECON_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SPECRECON_ASAN 1
#endif
#ifdef SPECRECON_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

namespace specrecon {
namespace {

void PutBytes(std::string* out, const void* p, size_t n) {
  if (n > 0) out->append(static_cast<const char*>(p), n);
}
void PutU64(std::string* out, uint64_t v) { PutBytes(out, &v, sizeof v); }
void PutStr(std::string* out, const std::string& v) {
  PutU64(out, v.size());
  out->append(v);
}
void PutDoubles(std::string* out, const std::vector<double>& v) {
  PutU64(out, v.size());
  PutBytes(out, v.data(), v.size() * sizeof(double));
}

// The child's answer, read from the pipe as it is decoded: values go straight into their
// vectors, so the parent never holds the answer twice.
class PipeCursor {
 public:
  explicit PipeCursor(int fd) : fd_(fd), buf_(1 << 16) {}
  bool ok = true;
  void Bytes(void* p, size_t n) {
    char* d = static_cast<char*>(p);
    while (n > 0 && ok) {
      if (pos_ == end_ && !Fill()) {
        ok = false;
        return;
      }
      const size_t k = std::min(n, end_ - pos_);
      std::memcpy(d, buf_.data() + pos_, k);
      pos_ += k;
      d += k;
      n -= k;
    }
  }
  uint64_t U64() {
    uint64_t v = 0;
    Bytes(&v, sizeof v);
    return v;
  }
  std::string Str() {
    const uint64_t n = U64();
    if (!ok || n > (uint64_t{1} << 26)) {
      ok = false;
      return {};
    }
    std::string v(n, '\0');
    if (n > 0) Bytes(&v[0], n);
    return v;
  }
  std::vector<double> Doubles() {
    const uint64_t n = U64();
    if (!ok || n > kMaxArrayElements) {
      ok = false;
      return {};
    }
    // Reserved, not touched: memory grows with the values that actually arrive.
    std::vector<double> v;
    v.reserve(static_cast<size_t>(n));
    for (uint64_t done = 0; done < n && ok;) {
      const size_t step = static_cast<size_t>(std::min<uint64_t>(n - done, 1 << 20));
      v.resize(static_cast<size_t>(done) + step);
      Bytes(v.data() + done, step * sizeof(double));
      done += step;
    }
    return ok ? v : std::vector<double>();
  }
  // Reads what is left (a well-formed answer leaves nothing); true if nothing was.
  bool Drain() {
    bool empty = pos_ == end_;
    while (Fill()) empty = false;
    return empty;
  }
  bool Empty() const { return !any_; }

 private:
  bool Fill() {
    for (;;) {
      const ssize_t r = ::read(fd_, buf_.data(), buf_.size());
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      pos_ = 0;
      end_ = static_cast<size_t>(r);
      any_ = true;
      return true;
    }
  }
  int fd_;
  std::vector<char> buf_;
  size_t pos_ = 0, end_ = 0;
  bool any_ = false;
};

std::string Serialise(const std::vector<NdArray>& arrays) {
  std::string out;
  PutU64(&out, arrays.size());
  for (const NdArray& a : arrays) {
    const ArrayReading& i = a.info;
    for (const std::string* t : {&i.path, &i.format, &i.name, &i.dtype, &i.byte_order, &i.runner_up, &i.note})
      PutStr(&out, *t);
    PutU64(&out, i.header_bytes);
    PutU64(&out, i.trailer_bytes);
    PutU64(&out, i.shape.size());
    for (size_t d : i.shape) PutU64(&out, d);
    PutU64(&out, (i.fortran_order ? 1u : 0u) | (i.dtype_given ? 2u : 0u));
    PutBytes(&out, &i.score, sizeof i.score);
    PutBytes(&out, &i.runner_up_score, sizeof i.runner_up_score);
    PutDoubles(&out, a.values);
    PutDoubles(&out, a.imag);
  }
  return out;
}

bool Deserialise(PipeCursor* c, std::vector<NdArray>* arrays) {
  const uint64_t n = c->U64();
  if (!c->ok || n > (1u << 20)) return false;
  for (uint64_t k = 0; k < n && c->ok; ++k) {
    NdArray a;
    ArrayReading& i = a.info;
    for (std::string* t : {&i.path, &i.format, &i.name, &i.dtype, &i.byte_order, &i.runner_up, &i.note}) *t = c->Str();
    i.header_bytes = c->U64();
    i.trailer_bytes = c->U64();
    const uint64_t rank = c->U64();
    if (!c->ok || rank > 64) return false;
    for (uint64_t d = 0; d < rank; ++d) i.shape.push_back(static_cast<size_t>(c->U64()));
    const uint64_t flags = c->U64();
    i.fortran_order = flags & 1u;
    i.dtype_given = flags & 2u;
    c->Bytes(&i.score, sizeof i.score);
    c->Bytes(&i.runner_up_score, sizeof i.runner_up_score);
    a.values = c->Doubles();
    a.imag = c->Doubles();
    arrays->push_back(std::move(a));
  }
  return c->ok;
}

bool WriteAll(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    const ssize_t w = ::write(fd, s.data() + done, s.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    done += static_cast<size_t>(w);
  }
  return true;
}

[[noreturn]] void ChildRead(const std::string& path, int fd, ReaderFn read, ChildCheck check) {
#ifdef SPECRECON_ASAN
  // Under a fuzzer the child inherits libFuzzer's death callback, which would save the input as
  // a crash of the fuzz target: the child's failure is contained, so it must not.
  __sanitizer_set_death_callback(nullptr);
#else  // ASan reserves terabytes of address space: no limit under it
  uint64_t file_bytes = 0;
  try {
    file_bytes = RegularFileSize(path);
  } catch (const Error&) {
  }
  const uint64_t limit = (uint64_t{2} << 30) + 16 * file_bytes;
  struct rlimit rl {limit, limit};
  ::setrlimit(RLIMIT_AS, &rl);
#endif
  std::string msg;
  try {
    const std::vector<NdArray> arrays = read(path);
    const std::string bug = check ? check() : std::string();
    if (!bug.empty()) {
      msg = "L";
      PutStr(&msg, bug);
    } else {
      msg = "A" + Serialise(arrays);
    }
  } catch (const Error& e) {
    msg = "E";
    PutU64(&msg, static_cast<uint64_t>(e.code()));
    PutStr(&msg, e.file());
    PutStr(&msg, e.what());
  } catch (const std::bad_alloc&) {
    msg = "M";
  } catch (const std::exception& e) {
    msg = "X";
    PutStr(&msg, e.what());
  } catch (...) {
    msg = "X";
    PutStr(&msg, "unknown exception");
  }
  const bool ok = WriteAll(fd, msg);
  ::close(fd);
  ::_exit(ok ? 0 : 1);  // no atexit handlers, no leak check of the parent's inherited state
}

}  // namespace

std::vector<NdArray> ReadIsolated(const std::string& path, const std::string& library, ReaderFn read,
                                  ChildCheck check) {
  int fds[2];
  if (::pipe(fds) != 0) ThrowBadInput(path, std::string("cannot create a pipe to read it in isolation: ") + std::strerror(errno));
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    ThrowBadInput(path, std::string("cannot fork to read it in isolation: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::close(fds[0]);
    ChildRead(path, fds[1], read, check);
  }
  ::close(fds[1]);
  // Decode the answer as it arrives, then read what is left (so that the child never blocks on
  // a full pipe) and reap the child: only a clean exit counts.
  PipeCursor c(fds[0]);
  char tag = 0;
  c.Bytes(&tag, 1);
  std::vector<NdArray> arrays;
  uint64_t code = 0;
  std::string file, what;
  bool complete = false;
  if (c.ok && tag == 'A') {
    complete = Deserialise(&c, &arrays);
  } else if (c.ok && tag == 'E') {
    code = c.U64();
    file = c.Str();
    what = c.Str();
    complete = c.ok;
  } else if (c.ok && (tag == 'L' || tag == 'X')) {
    what = c.Str();
    complete = c.ok;
  } else {
    complete = c.ok;  // 'M' has no body
  }
  const bool rest_empty = c.Drain();
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0 && !c.Empty();
  if (!clean) {
    const std::string how = WIFSIGNALED(status) ? std::string("signal ") + std::to_string(WTERMSIG(status)) +
                                                      (WTERMSIG(status) == SIGKILL ? ", out of memory?" : "")
                                                : "exit " + std::to_string(WEXITSTATUS(status));
    ThrowBadInput(path, library + " failed on this file (" + how + "): corrupt metadata");
  }
  if (!complete || !rest_empty) ThrowBadInput(path, "the isolated reader sent an incomplete answer");
  switch (tag) {
    case 'A':
      return arrays;
    case 'E': {
      Error e(static_cast<ExitCode>(code), file, what);
      throw e;
    }
    case 'M':
      ThrowBadInput(path, "reading it exceeds the memory limit: corrupt sizes");
    case 'L':
      throw std::logic_error(what);  // a bug of the reader (the fuzz targets abort on it)
    default:
      throw std::runtime_error(library + " reader: " + what);
  }
}

}  // namespace specrecon
