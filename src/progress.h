// Why this file exists: long work (a batch of dumps) should show how far it got, on stderr and
// only when stderr is a terminal, so logs and the JSON on stdout never see a bar. Lines printed
// through the bar (per-item results) go above it and are kept in every case.
//
// Drawing: one line "\r<label> [#####-----] done/total  pct  elapsed  eta  <last item>\033[K",
// redrawn on each event, fitted to the terminal width. Thread safety: every member is safe to
// call from several threads (one mutex).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>

namespace specrecon {

// isatty(STDERR_FILENO).
bool StderrIsTerminal();

class ProgressBar {
 public:
  // `out` receives both the bar (when `draw_bar`) and the lines; usually std::cerr.
  ProgressBar(std::ostream& out, std::string label, size_t total, bool draw_bar);
  ~ProgressBar();  // Finish()
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void Start(const std::string& item);  // an item begins (shown as running)
  void Done(const std::string& item);   // an item ends
  void Line(const std::string& line);   // a line above the bar (always written)
  void Finish();                        // removes the bar; idempotent

  // The bar text for `width` columns (no control characters); public for tests.
  static std::string Render(const std::string& label, size_t done, size_t total, double elapsed_s,
                            size_t running, const std::string& last, int width);

 private:
  void DrawLocked();
  void ClearLocked();

  std::mutex mu_;
  std::ostream& out_;
  std::string label_;
  size_t total_, done_ = 0, running_ = 0;
  std::string last_;
  bool draw_, finished_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace specrecon
