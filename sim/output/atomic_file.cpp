#include "sim/output/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <system_error>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/output/output_paths.hpp"

namespace acosim {
namespace fs = std::filesystem;

namespace {

// While a temporary file exists, SIGINT, SIGTERM and SIGHUP (when they would terminate the
// process: default disposition) are deferred until it has been renamed or removed, and then
// re-raised; so a signal during a write cannot leave its temporary behind. Dispositions are
// process-wide, which also covers signals delivered to OpenMP worker threads.
constexpr std::array<int, 3> kDeferred = {SIGINT, SIGTERM, SIGHUP};
std::atomic<int> g_pending{0};
std::mutex g_mutex;
int g_depth = 0;                                  // AtomicFiles alive
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

AtomicFile::AtomicFile(fs::path target) : target_(written_path(target)), temp_(temporary_beside(target_)) {
  begin_deferring();
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_, ec);
  }
  end_deferring();
}

namespace {

[[noreturn]] void fail_errno(const fs::path& target, const char* what, int err) {
  const char* advice = err == ENOSPC || err == EDQUOT ? " (free some space or write elsewhere)"
                       : err == EFBIG ? " (the file-size limit, ulimit -f, is too small for it)"
                                      : "";
  throw InputError(
      fmt::format("cannot write {}: {}: {}{}", target.string(), what, std::strerror(err), advice));
}

// Flushes `path` (a file or a folder) to stable storage; false with errno set on failure.
bool sync_path(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0 || errno == EINVAL;  // EINVAL: the file system cannot sync this
  const int err = errno;
  ::close(fd);
  errno = err;
  return ok;
}

}  // namespace

void AtomicFile::commit() {
  // The data first, then the name: a crash after the rename must not publish an empty file.
  if (!sync_path(temp_, O_RDONLY)) fail_errno(target_, "fsync of the temporary failed", errno);
  // A replaced file keeps its permissions (a private 0600 file must not become 0644).
  struct stat old {};
  if (::stat(target_.c_str(), &old) == 0 && S_ISREG(old.st_mode) &&
      ::chmod(temp_.c_str(), old.st_mode & 07777) != 0)
    fail_errno(target_, "cannot give the temporary the file's permissions", errno);
  std::error_code ec;
  fs::rename(temp_, target_, ec);
  if (ec) {
    throw InputError(
        fmt::format("cannot move {} onto {}: {}", temp_.string(), target_.string(), ec.message()));
  }
  committed_ = true;
  const fs::path dir = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  if (!sync_path(dir, O_RDONLY | O_DIRECTORY)) fail_errno(target_, "fsync of its folder failed", errno);
}

void write_file_atomically(const fs::path& path, std::string_view content) {
  create_output_folder(path);
  AtomicFile file(path);
  const int fd = ::open(file.temp_path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) fail_errno(path, "cannot create its temporary", errno);
  for (std::size_t off = 0; off < content.size();) {
    const ssize_t w = ::write(fd, content.data() + off, content.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const int err = w < 0 ? errno : ENOSPC;
      ::close(fd);
      fail_errno(path, "write failed", err);
    }
    off += static_cast<std::size_t>(w);
  }
  if (::close(fd) != 0) fail_errno(path, "close failed", errno);
  file.commit();
}

void check_writable(const fs::path& path) { check_output_path(path); }

}  // namespace acosim
