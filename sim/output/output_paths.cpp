#include "sim/output/output_paths.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/input_file.hpp"

namespace acosim {
namespace fs = std::filesystem;

namespace {

fs::path folder_of(const fs::path& p) { return p.has_parent_path() ? p.parent_path() : fs::path("."); }

// The path with every existing component's symbolic links, "." and ".." resolved.
fs::path resolved(const fs::path& p) {
  std::error_code ec;
  fs::path r = fs::weakly_canonical(fs::absolute(p, ec), ec);
  return ec ? fs::absolute(p).lexically_normal() : r;
}

// The file `p` names (symbolic links followed): its device and inode, when it exists.
std::optional<std::pair<dev_t, ino_t>> identity(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return std::nullopt;
  return std::make_pair(st.st_dev, st.st_ino);
}

bool same_file(const fs::path& a, const fs::path& b) {
  if (resolved(a) == resolved(b)) return true;
  const auto x = identity(a), y = identity(b);
  return x && y && *x == *y;
}

}  // namespace

fs::path written_path(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode) || ::stat(path.c_str(), &st) != 0) return path;
  std::error_code ec;
  fs::path real = fs::canonical(path, ec);
  return ec ? path : real;
}

void check_output_path(const fs::path& path, const std::string& role) {
  if (path.empty()) throw InputError(fmt::format("{}: the output path is empty; give a file name", role));
  const std::string name = path.filename().string();
  if (name.empty() || name == "." || name == "..") {
    throw InputError(fmt::format("{} {}: names a folder, not a file; give a file name", role, path.string()));
  }
  // The output folder is created when writing (create_output_folder): the nearest folder that
  // exists must be a writable folder. Through a symbolic link that is the folder of its target.
  fs::path dir = folder_of(written_path(path));
  struct stat st {};
  while (::stat(dir.c_str(), &st) != 0 && errno == ENOENT && dir != folder_of(dir)) dir = folder_of(dir);
  if (::stat(dir.c_str(), &st) != 0) {
    throw InputError(fmt::format("{} {}: cannot create the output folder {} (for {}): {}", role,
                                 path.string(), folder_of(path).string(), path.string(),
                                 std::strerror(errno)));
  }
  if (!S_ISDIR(st.st_mode)) {
    throw InputError(
        fmt::format("{} {}: cannot create the output folder {} (for {}): {} is a file, not a folder", role,
                    path.string(), folder_of(path).string(), path.string(), dir.string()));
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    throw InputError(fmt::format("{} {}: output folder {} is not writable: {}", role, path.string(),
                                 dir.string(), std::strerror(errno)));
  }
  const long name_max = ::pathconf(dir.c_str(), _PC_NAME_MAX);
  const std::size_t limit = name_max > 0 ? static_cast<std::size_t>(name_max) : NAME_MAX;
  if (name.size() > limit) {
    throw InputError(fmt::format("{} {}: the file name is {} bytes; this file system allows at most {}", role,
                                 path.string(), name.size(), limit));
  }
  if (resolved(path).string().size() >= PATH_MAX) {
    throw InputError(fmt::format("{} {}: the path is longer than the system allows ({} bytes)", role,
                                 path.string(), PATH_MAX - 1));
  }
  // Only a regular file (new, or existing: followed through symbolic links) may be replaced.
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      throw InputError(
          fmt::format("{}: output path {} is a directory; give a file name", role, path.string()));
    }
    if (!S_ISREG(st.st_mode)) {
      throw InputError(
          fmt::format("{} {}: is {}; only a regular file (new or existing) may be written, so give "
                      "a file name",
                      role, path.string(), file_kind(st.st_mode)));
    }
    // A write-protected file is the user's "do not replace" (rename would replace it anyway).
    if ((st.st_mode & S_IWUSR) == 0) {
      throw InputError(
          fmt::format("{} {}: the file is write-protected (mode {:04o}); acosim does not replace "
                      "it: make it writable (chmod u+w) or give another name",
                      role, path.string(), st.st_mode & 07777));
    }
  } else if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    throw InputError(fmt::format(
        "{} {}: is a symbolic link to a missing file; remove it or give another name", role, path.string()));
  }
}

void CommandPaths::input(const fs::path& path, std::string role) {
  if (!path.empty()) inputs_.push_back({path, std::move(role), {}});
}

void CommandPaths::output(const fs::path& path, std::string role, std::string may_replace_input) {
  outputs_.push_back({path, std::move(role), std::move(may_replace_input)});
}

void CommandPaths::check() const {
  for (std::size_t i = 0; i < outputs_.size(); ++i) {
    const Entry& o = outputs_[i];
    for (const Entry& in : inputs_) {
      if (in.role == o.may_replace || !same_file(o.path, in.path)) continue;
      throw InputError(
          fmt::format("{} {} is the same file as {} {}: the command would overwrite its own input; "
                      "give another name",
                      o.role, o.path.string(), in.role, in.path.string()));
    }
    for (std::size_t j = 0; j < i; ++j) {
      const Entry& other = outputs_[j];
      if (!same_file(o.path, other.path)) continue;
      throw InputError(
          fmt::format("{} {} is the same file as {} {}: one output would replace the other; give "
                      "each output its own name",
                      o.role, o.path.string(), other.role, other.path.string()));
    }
    check_output_path(o.path, o.role);
  }
}

fs::path temporary_beside(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  const std::string full = target.filename().string();
  std::string stem = full.substr(0, 24);
  // Do not end inside a UTF-8 sequence: drop the cut character's lead and continuation bytes.
  if (full.size() > 24 && (static_cast<unsigned char>(full[24]) & 0xC0) == 0x80) {
    while (!stem.empty() && (static_cast<unsigned char>(stem.back()) & 0xC0) == 0x80) stem.pop_back();
    if (!stem.empty() && static_cast<unsigned char>(stem.back()) >= 0xC0) stem.pop_back();
  }
  const fs::path name = fmt::format("{}.tmp-{}-{}", stem, static_cast<long>(::getpid()), counter++);
  return target.has_parent_path() ? target.parent_path() / name : name;
}

}  // namespace acosim

namespace acosim {

void create_output_folder(const fs::path& path) {
  if (!path.has_parent_path()) return;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    throw InputError(fmt::format("cannot create the output folder {} (for {}): {}",
                                 path.parent_path().string(), path.string(), ec.message()));
  }
}

}  // namespace acosim
