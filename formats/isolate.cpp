#include "formats/isolate.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>

#include "src/errors.h"

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

struct Cursor {
  const std::string& s;
  size_t at = 0;
  bool ok = true;
  void Bytes(void* p, size_t n) {
    if (!ok || n > s.size() - at) {
      ok = false;
      return;
    }
    if (n == 0) return;  // (an empty vector's data() may be null)
    std::memcpy(p, s.data() + at, n);
    at += n;
  }
  uint64_t U64() {
    uint64_t v = 0;
    Bytes(&v, sizeof v);
    return v;
  }
  std::string Str() {
    const uint64_t n = U64();
    if (!ok || n > s.size() - at) {
      ok = false;
      return {};
    }
    std::string v = s.substr(at, n);
    at += n;
    return v;
  }
  std::vector<double> Doubles() {
    const uint64_t n = U64();
    if (!ok || n > (s.size() - at) / sizeof(double)) {
      ok = false;
      return {};
    }
    std::vector<double> v(n);
    Bytes(v.data(), n * sizeof(double));
    return v;
  }
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

bool Deserialise(Cursor* c, std::vector<NdArray>* arrays) {
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

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPECRECON_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SPECRECON_ASAN 1
#endif
#ifdef SPECRECON_ASAN
}  // namespace
}  // namespace specrecon
#include <sanitizer/common_interface_defs.h>
namespace specrecon {
namespace {
#endif

[[noreturn]] void ChildRead(const std::string& path, int fd, ReaderFn read, ChildCheck check) {
#ifdef SPECRECON_ASAN
  // Under a fuzzer the child inherits libFuzzer's death callback, which would save the input as
  // a crash of the fuzz target: the child's failure is contained, so it must not.
  __sanitizer_set_death_callback(nullptr);
#else  // ASan reserves terabytes of address space: no limit under it
  struct stat st {};
  const uint64_t file_bytes = ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
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
  std::string msg;
  char buf[1 << 16];
  for (;;) {
    const ssize_t r = ::read(fds[0], buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    msg.append(buf, static_cast<size_t>(r));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0 && !msg.empty();
  if (!clean) {
    const std::string how = WIFSIGNALED(status) ? std::string("signal ") + std::to_string(WTERMSIG(status)) +
                                                      (WTERMSIG(status) == SIGKILL ? ", out of memory?" : "")
                                                : "exit " + std::to_string(WEXITSTATUS(status));
    ThrowBadInput(path, library + " failed on this file (" + how + "): corrupt metadata");
  }
  Cursor c{msg, 1};
  switch (msg[0]) {
    case 'A': {
      std::vector<NdArray> arrays;
      if (!Deserialise(&c, &arrays) || c.at != msg.size())
        ThrowBadInput(path, "the isolated reader sent an incomplete answer");
      return arrays;
    }
    case 'E': {
      const uint64_t code = c.U64();
      const std::string file = c.Str(), what = c.Str();
      if (!c.ok) ThrowBadInput(path, "the isolated reader sent an incomplete answer");
      Error e(static_cast<ExitCode>(code), file, what);
      throw e;
    }
    case 'M':
      ThrowBadInput(path, "reading it exceeds the memory limit: corrupt sizes");
    case 'L':
      throw std::logic_error(c.Str());  // a bug of the reader (the fuzz targets abort on it)
    default:
      throw std::runtime_error(library + " reader: " + c.Str());
  }
}

}  // namespace specrecon
