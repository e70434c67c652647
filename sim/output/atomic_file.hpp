// Atomic output: write to a temporary file beside the target, then rename over it, so an
// interrupted run never leaves a half-written results file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace acosim {

// Owns a temporary path "<target>.tmp-<pid>"; commit() renames it onto the target. If commit() is
// never called (an exception, a signal-driven unwind), the destructor removes the temporary.
// While one exists, SIGINT / SIGTERM / SIGHUP with their default (terminating) disposition are
// deferred and re-raised once the temporary is renamed or removed: a signal cannot leave it behind.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }
  void commit();  // throws InputError when the rename fails

 private:
  std::filesystem::path target_, temp_;
  bool committed_ = false;
};

// Writes `content` to `path` atomically; throws InputError naming the path on failure.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Throws InputError unless a file can be created in the directory of `path` (checked before work).
void check_writable(const std::filesystem::path& path);

}  // namespace acosim
