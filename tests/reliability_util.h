// Helpers of tests/reliability_test.cpp: run the specrecon binary in a forked child (optionally
// with a file-size limit or a SIGKILL after a delay) and collect its exit code, signal, stderr,
// wall time and peak RSS (wait4); guard input files by SHA-256 (sha256sum) and mtime; a private
// workspace with copies of a bundled dump. Not thread safe (one test at a time).
#pragma once

#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_util.h"

namespace specrecon::reliability_util {
namespace fs = std::filesystem;

struct Child {
  int code = -1;    // exit status; -1 when killed by a signal
  int signal = 0;   // the signal that ended it, if any
  std::string err;  // stderr
  double seconds = 0.0;
  long maxrss_kb = 0;  // the child's peak resident set size
};

struct Limits {
  rlim_t fsize = RLIM_INFINITY;  // RLIMIT_FSIZE in the child (a "full disk")
  double kill_after = 0.0;       // SIGKILL after this many seconds (0: never)
};

// Runs the specrecon binary with `args` in a forked child; stdout is discarded.
inline Child Run(const std::vector<std::string>& args, const Limits& limits = {}) {
  const std::string errfile = test::TempPath("rel_stderr");
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (limits.fsize != RLIM_INFINITY) {
      struct rlimit rl = {limits.fsize, limits.fsize};
      ::setrlimit(RLIMIT_FSIZE, &rl);
    }
    const int e = ::open(errfile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int n = ::open("/dev/null", O_WRONLY);
    ::dup2(n, 1);
    ::dup2(e, 2);
    std::vector<char*> argv = {const_cast<char*>(SPECRECON_BINARY)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(SPECRECON_BINARY, argv.data());
    ::_exit(127);
  }
  BOOST_REQUIRE(pid > 0);
  if (limits.kill_after > 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(limits.kill_after));
    ::kill(pid, SIGKILL);
  }
  int status = 0;
  struct rusage ru;
  ::wait4(pid, &status, 0, &ru);
  Child c;
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  c.maxrss_kb = ru.ru_maxrss;
  if (WIFEXITED(status)) c.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) c.signal = WTERMSIG(status);
  std::ifstream f(errfile);
  std::stringstream ss;
  ss << f.rdbuf();
  c.err = ss.str();
  std::remove(errfile.c_str());
  return c;
}

inline std::string LastLine(const std::string& s) {
  std::string t = s;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  const size_t nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

inline std::string Sha256(const std::string& path) {
  FILE* p = ::popen(("sha256sum '" + path + "'").c_str(), "r");
  BOOST_REQUIRE(p);
  char buf[65] = {0};
  const size_t got = std::fread(buf, 1, 64, p);
  ::pclose(p);
  BOOST_REQUIRE_EQUAL(got, 64u);
  return buf;
}

inline std::string Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline void Spit(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << bytes;
}

// Every input's SHA-256 and mtime, taken before the runs and compared after each.
class InputGuard {
 public:
  void Add(const std::string& path) {
    struct stat st;
    BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
    files_[path] = {Sha256(path), st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec};
  }
  void Check(const std::string& after) const {
    for (const auto& [path, want] : files_) {
      struct stat st;
      BOOST_REQUIRE_MESSAGE(::stat(path.c_str(), &st) == 0, path << " vanished after " << after);
      BOOST_CHECK_MESSAGE(Sha256(path) == want.first, path << " changed after " << after);
      BOOST_CHECK_MESSAGE(st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec == want.second,
                          path << " was modified (mtime) after " << after);
    }
  }

 private:
  std::map<std::string, std::pair<std::string, long long>> files_;
};

// Temporary files (src/atomic_file.h) left in `dir`.
inline std::vector<std::string> Temps(const fs::path& dir) {
  std::vector<std::string> t;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind(".specrecon-tmp-", 0) == 0) t.push_back(e.path().string());
  return t;
}

// A private directory with copies of a bundled scipy dump (mag.bin, phase.bin) and a guard.
struct Workspace {
  fs::path dir;
  std::string mag, phase;
  InputGuard guard;
  explicit Workspace(const std::string& name) : dir(test::TempPath("rel_" + name)) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path sample = fs::path(SPECRECON_SOURCE_DIR) / "samples/scipy_stft_default";
    mag = (dir / "mag.bin").string();
    phase = (dir / "phase.bin").string();
    fs::copy_file(sample / "spectrogram.bin", mag);
    fs::copy_file(sample / "phases.bin", phase);
    guard.Add(mag);
    guard.Add(phase);
  }
  ~Workspace() { fs::remove_all(dir); }
  std::string operator/(const std::string& f) const { return (dir / f).string(); }
  std::vector<std::string> Reconstruct(const std::string& out, std::vector<std::string> extra = {}) const {
    std::vector<std::string> a = {"reconstruct", mag, phase, "-o", out, "--sample-rate", "16000"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
};

inline void ExpectError(const Child& c, int code, const std::string& file, const std::string& phrase) {
  BOOST_CHECK_EQUAL(c.code, code);
  const std::string last = LastLine(c.err);
  BOOST_CHECK_MESSAGE(last.rfind("error: \"" + file + "\": ", 0) == 0, "last line: " << last);
  BOOST_CHECK_MESSAGE(last.find(phrase) != std::string::npos, "last line: " << last << "  lacks: " << phrase);
}

}  // namespace specrecon::reliability_util
