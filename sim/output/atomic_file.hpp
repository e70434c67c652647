// Atomic output: write to a temporary file beside the target, then rename over it, so an
// interrupted run never leaves a half-written results file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace acosim {

// Owns a temporary path beside the target (temporary_beside: "<name, cut to 24 bytes>.tmp-<pid>-<n>");
// commit() fsyncs it, renames it onto the target and fsyncs the folder. If commit() is
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
  void commit();  // throws InputError (with errno's text) when the fsync or the rename fails

 private:
  std::filesystem::path target_, temp_;
  bool committed_ = false;
};

// Writes `content` to `path` atomically; throws InputError naming the path and errno's text on
// failure (ENOSPC: disk full, EFBIG: file-size limit), leaving no temporary.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Throws InputError unless `path` may be written (check_output_path in output_paths.hpp: an
// existing writable folder, a legal name, a regular file or none); checked before work.
void check_writable(const std::filesystem::path& path);

}  // namespace acosim
