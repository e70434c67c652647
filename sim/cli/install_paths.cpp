#include "sim/cli/install_paths.hpp"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/common/error.hpp"

namespace acosim {

namespace fs = std::filesystem;

namespace {

constexpr const char* kDefault = "scenarios/default.yaml";
constexpr int kAncestors = 4;  // build/<dir>/sim/acosim is three folders below the checkout

// The running binary (Linux: /proc/self/exe); empty when unknown.
fs::path executable() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : p;
}

}  // namespace

fs::path find_default_scenario() {
  std::vector<fs::path> tried{fs::path(kDefault)};
  const fs::path exe = executable();
  if (!exe.empty()) {
    fs::path dir = exe.parent_path();
    for (int up = 0; up < kAncestors && !dir.empty(); ++up) {
      tried.push_back(dir / "share" / "acosim" / kDefault);
      tried.push_back(dir / kDefault);
      if (dir == dir.root_path()) break;
      dir = dir.parent_path();
    }
  }
  std::error_code ec;
  for (const fs::path& p : tried) {
    if (fs::is_regular_file(p, ec)) return p;
  }
  std::string list;
  for (const fs::path& p : tried) list += (list.empty() ? "" : ", ") + p.string();
  throw InputError(
      fmt::format("no scenario given and no default scenario found (looked in {}); give a scenario "
                  "file: acosim run my-aco.yaml",
                  list));
}

}  // namespace acosim
