#include "sim/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "sim/error.hpp"

namespace acosim {
namespace fs = std::filesystem;

AtomicFile::AtomicFile(fs::path target) : target_(std::move(target)) {
  temp_ = target_;
  temp_ += fmt::format(".tmp-{}", static_cast<long>(::getpid()));
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_, ec);
  }
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
