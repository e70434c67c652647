#include "sim/output/atomic_file.hpp"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <system_error>

#include <fmt/format.h>

#include "sim/common/error.hpp"

namespace acosim {
namespace fs = std::filesystem;

namespace {

// While a temporary file exists, SIGINT, SIGTERM and SIGHUP (when they would terminate the
// process: default disposition) are deferred until it has been renamed or removed, and then
// re-raised; so a signal during a write cannot leave "<target>.tmp-<pid>" behind. Dispositions are
// process-wide, which also covers signals delivered to OpenMP worker threads.
constexpr std::array<int, 3> kDeferred = {SIGINT, SIGTERM, SIGHUP};
std::atomic<int> g_pending{0};
std::mutex g_mutex;
int g_depth = 0;                                 // AtomicFiles alive
std::array<bool, kDeferred.size()> g_replaced{};  // we installed the deferring handler

extern "C" void defer_signal(int sig) { g_pending.store(sig); }

void begin_deferring() {
  const std::lock_guard<std::mutex> lock(g_mutex);
  if (g_depth++ > 0) return;
  for (std::size_t i = 0; i < kDeferred.size(); ++i) {
    struct sigaction old {};
    g_replaced[i] = false;
    if (::sigaction(kDeferred[i], nullptr, &old) != 0 || old.sa_handler != SIG_DFL) continue;
    struct sigaction act {};
    act.sa_handler = defer_signal;
    sigemptyset(&act.sa_mask);
    g_replaced[i] = ::sigaction(kDeferred[i], &act, nullptr) == 0;
  }
}

void end_deferring() {
  int pending = 0;
  {
    const std::lock_guard<std::mutex> lock(g_mutex);
    if (--g_depth > 0) return;
    for (std::size_t i = 0; i < kDeferred.size(); ++i) {
      if (!g_replaced[i]) continue;
      struct sigaction act {};
      act.sa_handler = SIG_DFL;
      sigemptyset(&act.sa_mask);
      ::sigaction(kDeferred[i], &act, nullptr);
      g_replaced[i] = false;
    }
    pending = g_pending.exchange(0);
  }
  if (pending != 0) ::raise(pending);  // the default action, now that no temporary is left
}

}  // namespace

AtomicFile::AtomicFile(fs::path target) : target_(std::move(target)) {
  temp_ = target_;
  temp_ += fmt::format(".tmp-{}", static_cast<long>(::getpid()));
  begin_deferring();
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_, ec);
  }
  end_deferring();
}

void AtomicFile::commit() {
  std::error_code ec;
  fs::rename(temp_, target_, ec);
  if (ec) {
    throw InputError(fmt::format("cannot move {} onto {}: {}", temp_.string(), target_.string(),
                                 ec.message()));
  }
  committed_ = true;
}

void write_file_atomically(const fs::path& path, std::string_view content) {
  AtomicFile file(path);
  {
    std::ofstream out(file.temp_path(), std::ios::binary | std::ios::trunc);
    if (!out) {
      throw InputError(fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
    }
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) throw InputError(fmt::format("write to {} failed", path.string()));
  }
  file.commit();
}

void check_writable(const fs::path& path) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw InputError(fmt::format("output directory {} does not exist (for {})", dir.string(),
                                 path.string()));
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    throw InputError(fmt::format("output directory {} is not writable (for {}): {}", dir.string(),
                                 path.string(), std::strerror(errno)));
  }
  if (fs::is_directory(path, ec)) {
    throw InputError(fmt::format("output path {} is a directory; give a file name", path.string()));
  }
}

}  // namespace acosim
