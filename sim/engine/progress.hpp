// Progress of a long loop on stderr: at most twice a second, only when stderr is a terminal,
// printed by one thread (the caller decides which); cleared when done.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace acosim {

class ProgressMeter {
 public:
  ProgressMeter(bool wanted, long total)
      : enabled_(wanted && ::isatty(STDERR_FILENO)),
        total_(total),
        start_(std::chrono::steady_clock::now()),
        last_(start_) {}
  ProgressMeter(const ProgressMeter&) = delete;
  ProgressMeter& operator=(const ProgressMeter&) = delete;
  ~ProgressMeter() {
    if (enabled_) std::fprintf(stderr, "\r%78s\r", "");
  }

  bool enabled() const { return enabled_; }

  // `fraction` of the work is done [0, 1].
  void update(double fraction) {
    if (!enabled_ || fraction <= 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    std::fprintf(stderr, "\r  %ld / %ld runs (%.0f%%), %.1f s elapsed, ~%.0f s left   ",
                 static_cast<long>(fraction * static_cast<double>(total_)), total_, 100.0 * fraction, secs,
                 secs / fraction * (1.0 - fraction));
  }

 private:
  bool enabled_;
  long total_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace acosim
