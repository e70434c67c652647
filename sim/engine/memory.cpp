#include "sim/engine/memory.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

namespace acosim {

namespace {

namespace fs = std::filesystem;

// The first line of a cgroup file as a number of bytes; nullopt when missing, "max" or unreadable.
std::optional<double> read_bytes(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  unsigned long long v = 0;
  const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), v);
  if (ec != std::errc{} || end == line.data()) return std::nullopt;  // "max": no limit
  return static_cast<double>(v);
}

// limit - usage for `dir` and each of its ancestors up to `top`, the tightest; limits of 2^60 bytes
// and more are "no limit" (cgroup v1 writes 2^63 - 4096 for none).
std::optional<double> tightest(fs::path dir, const fs::path& top, const char* limit_file,
                               const char* usage_file) {
  std::optional<double> best;
  for (;;) {
    const auto limit = read_bytes(dir / limit_file);
    if (limit && *limit < 0x1p60) {
      const double headroom = std::max(0.0, *limit - read_bytes(dir / usage_file).value_or(0.0));
      best = best ? std::min(*best, headroom) : headroom;
    }
    if (dir == top || !dir.has_parent_path() || dir.parent_path() == dir) break;
    dir = dir.parent_path();
  }
  return best;
}

}  // namespace

std::optional<double> cgroup_memory_headroom(const std::string& proc_self_cgroup, const fs::path& root) {
  std::optional<double> best;
  const auto keep = [&](std::optional<double> h) {
    if (h) best = best ? std::min(*best, *h) : *h;
  };
  std::istringstream lines(proc_self_cgroup);
  std::string line;
  while (std::getline(lines, line)) {
    // hierarchy-id:controllers:path
    const auto a = line.find(':'), b = line.find(':', a == std::string::npos ? a : a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    const std::string controllers = line.substr(a + 1, b - a - 1);
    const fs::path path = fs::path(line.substr(b + 1)).relative_path();
    if (line.compare(0, a, "0") == 0 && controllers.empty()) {  // v2 (unified, or hybrid's unified/)
      for (const fs::path& top : {root, root / "unified"}) {
        keep(tightest(top / path, top, "memory.max", "memory.current"));
      }
    } else {
      std::stringstream names(controllers);
      std::string name;
      while (std::getline(names, name, ',')) {
        if (name == "memory")
          keep(tightest(root / "memory" / path, root / "memory", "memory.limit_in_bytes",
                        "memory.usage_in_bytes"));
      }
    }
  }
  return best;
}

std::optional<double> address_space_headroom() {
  struct rlimit as {};
  if (::getrlimit(RLIMIT_AS, &as) != 0 || as.rlim_cur == RLIM_INFINITY) return std::nullopt;
  double mapped = 0;  // the process's current virtual size: the first field of statm [pages]
  if (std::ifstream statm("/proc/self/statm"); statm >> mapped)
    mapped *= static_cast<double>(::sysconf(_SC_PAGESIZE));
  return std::max(0.0, static_cast<double>(as.rlim_cur) - mapped);
}

double available_memory_bytes() {
  const double free_ram =
      static_cast<double>(::sysconf(_SC_AVPHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
  std::ifstream in("/proc/self/cgroup");
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::optional<double> headroom = cgroup_memory_headroom(text, "/sys/fs/cgroup");
  if (const auto as = address_space_headroom()) headroom = headroom ? std::min(*headroom, *as) : *as;
  if (!headroom) return std::max(0.0, free_ram);
  return free_ram > 0 ? std::min(free_ram, *headroom) : *headroom;
}

}  // namespace acosim
