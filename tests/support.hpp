// Helpers shared by the tests that run the acosim binary or compare results files: one copy each.
#pragma once

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/format.h>

#include "sim/engine/results.hpp"

namespace acosim::test {

namespace fs = std::filesystem;

// Runs a shell command; returns its stdout and sets `status` (as from pclose).
inline std::string run_command(const std::string& cmd, int& status) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  status = ::pclose(p);
  return out;
}

// A file's whole content ("" when missing).
inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A fresh folder under the temp dir (acosim_<tag>_<pid>), removed at scope exit.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& tag)
      : path(fs::temp_directory_path() / fmt::format("acosim_{}_{}", tag, ::getpid())) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

// Two Eigen arrays hold the same bytes (shape included).
template <class M>
bool same_bytes(const M& a, const M& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(typename M::Scalar) * static_cast<std::size_t>(a.size())) ==
             0;
}

// Every per-run dataset (/runs/*) of two results equal byte for byte.
inline void require_same_runs(const SimulationResults& a, const SimulationResults& b) {
  const RunTable &x = a.table, &y = b.table;
  REQUIRE(x.runs() == y.runs());
  CHECK(x.tracks == y.tracks);
  for (const RunField& f : kRunFields) {
    INFO(f.name);
    CHECK((f.real ? same_bytes(x.*f.real, y.*f.real) : same_bytes(x.*f.flag, y.*f.flag)));
  }
  CHECK(same_bytes(x.payment, y.payment));
  CHECK(same_bytes(x.outcome, y.outcome));
}

}  // namespace acosim::test
