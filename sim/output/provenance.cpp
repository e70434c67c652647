#include "sim/output/provenance.hpp"

#include <H5public.h>
#include <boost/version.hpp>

#include <ctime>
#include <system_error>

#include <fmt/format.h>
#include <Eigen/Core>

#include "sim/common/error.hpp"
#include "sim/common/version.hpp"

namespace acosim {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::map<std::string, std::string> library_versions() {
  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  return {{"hdf5", fmt::format("{}.{}.{}", maj, min, rel)},
          {"eigen", fmt::format("{}.{}.{}", EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION)},
          {"boost",
           fmt::format("{}.{}.{}", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100)},
          {"fmt", fmt::format("{}", FMT_VERSION)},
          {"random123", "Philox4x32-10 (Random123 1.14)"},
          {"compiler", fmt::format("g++ {}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__)}};
}

void stamp_provenance(ResultMetadata& m) {
  m.program_version = kVersion;
  m.git_commit = kGitCommit;
  m.library_versions = library_versions();
  m.created_utc = utc_now();
}

}  // namespace acosim
