#include "sim/common/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

#include "sim/common/error.hpp"

namespace acosim {
namespace {

[[noreturn]] void refuse(const std::filesystem::path& path, std::string_view what, std::string_view why) {
  throw InputError(fmt::format("cannot read {} {}: {}", what, path.string(), why));
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string_view file_kind(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a regular file";
}

std::string read_input_text(const std::filesystem::path& path, std::string_view what, std::size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO that has no writer returns at once instead of waiting for one.
  Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (f.fd < 0) {
    const int e = errno;
    refuse(path, what, e == ENOENT ? "no such file" : std::strerror(e));
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) refuse(path, what, std::strerror(errno));
  const bool regular = S_ISREG(st.st_mode);
  const bool stream = S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode);
  if (!regular && !stream) {
    refuse(path, what, fmt::format("it is {}; allowed: a regular file or a pipe", file_kind(st.st_mode)));
  }
  const std::string limit = fmt::format("{} {}", max_bytes >= (1u << 20) ? max_bytes >> 20 : max_bytes,
                                        max_bytes >= (1u << 20) ? "MiB" : "bytes");
  if (regular && static_cast<std::size_t>(st.st_size) > max_bytes) {
    refuse(path, what,
           fmt::format("the file has {} bytes; allowed: at most {} (is this the right file?)", st.st_size,
                       limit));
  }
  // Back to blocking reads: a pipe's writer may be slower than us. A FIFO without a writer
  // reads as end of file (POSIX read()), so it cannot block.
  const int flags = ::fcntl(f.fd, F_GETFL);
  if (flags < 0 || ::fcntl(f.fd, F_SETFL, flags & ~O_NONBLOCK) < 0) refuse(path, what, std::strerror(errno));
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      refuse(path, what, fmt::format("read error: {}", std::strerror(errno)));
    }
    if (n == 0) break;
    if (!regular && text.empty() && std::memchr(buf, '\0', static_cast<std::size_t>(n)) != nullptr) {
      refuse(path, what,
             fmt::format("it is {} that yields binary data (a NUL byte), not text", file_kind(st.st_mode)));
    }
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > max_bytes) {
      refuse(
          path, what,
          fmt::format("more than {} bytes; allowed: at most {} (is this the right file?)", max_bytes, limit));
    }
  }
  return text;
}

void require_regular_input(const std::filesystem::path& path, std::string_view what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int e = errno;
    throw InputError(fmt::format("{}: {}", path.string(), e == ENOENT ? "no such file" : std::strerror(e)));
  }
  if (!S_ISREG(st.st_mode)) {
    throw InputError(fmt::format("{}: it is {}, not {}; allowed: a regular file", path.string(),
                                 file_kind(st.st_mode), what));
  }
}

}  // namespace acosim
