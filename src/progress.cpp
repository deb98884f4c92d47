#include "src/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace specrecon {
namespace {

int TerminalWidth() {
  struct winsize ws {};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  return 80;
}

std::string Duration(double s) {
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%.0fs", s);
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  else std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s) / 3600, static_cast<int>(s) / 60 % 60);
  return buf;
}

}  // namespace

bool StderrIsTerminal() { return isatty(STDERR_FILENO) != 0; }

ProgressBar::ProgressBar(std::ostream& out, std::string label, size_t total, bool draw_bar)
    : out_(out), label_(std::move(label)), total_(total), draw_(draw_bar), start_(std::chrono::steady_clock::now()) {
  std::lock_guard<std::mutex> lock(mu_);
  DrawLocked();
}

ProgressBar::~ProgressBar() { Finish(); }

std::string ProgressBar::Render(const std::string& label, size_t done, size_t total, double elapsed_s,
                                size_t running, const std::string& last, int width) {
  char tail[128];
  const double frac = total ? static_cast<double>(done) / total : 1.0;
  const std::string eta = done && done < total ? "  eta " + Duration(elapsed_s / done * (total - done)) : "";
  std::snprintf(tail, sizeof tail, " %zu/%zu %3.0f%%  %s%s%s", done, total, 100.0 * frac, Duration(elapsed_s).c_str(),
                eta.c_str(), running ? ("  running " + std::to_string(running)).c_str() : "");
  const int bar = std::clamp(width / 4, 10, 40);
  std::string s = label + " [";
  const int filled = static_cast<int>(frac * bar + 1e-9);
  s += std::string(filled, '#') + std::string(bar - filled, '-') + "]" + tail;
  if (!last.empty()) s += "  " + last;
  if (static_cast<int>(s.size()) > width - 1) s.resize(std::max(0, width - 1));
  return s;
}

void ProgressBar::ClearLocked() {
  if (draw_ && !finished_) out_ << "\r\033[K";
}

void ProgressBar::DrawLocked() {
  if (!draw_ || finished_) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  out_ << "\r" << Render(label_, done_, total_, elapsed, running_, last_, TerminalWidth()) << "\033[K" << std::flush;
}

void ProgressBar::Start(const std::string& item) {
  std::lock_guard<std::mutex> lock(mu_);
  ++running_;
  last_ = item;
  DrawLocked();
}

void ProgressBar::Done(const std::string& item) {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) --running_;
  ++done_;
  last_ = item;
  DrawLocked();
}

void ProgressBar::Line(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  ClearLocked();
  out_ << line << "\n";
  DrawLocked();
  out_.flush();
}

void ProgressBar::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  ClearLocked();
  out_.flush();
  finished_ = true;
}

}  // namespace specrecon
