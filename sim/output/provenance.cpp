#include "sim/output/provenance.hpp"

#include <H5public.h>
#include <boost/version.hpp>

#include <charconv>
#include <ctime>
#include <system_error>

#include <fmt/format.h>
#include <Eigen/Core>

#include "sim/common/error.hpp"
#include "sim/common/version.hpp"

namespace acosim {

std::vector<Override> scenario_overrides(const std::vector<std::string>& sets, long runs,
                                         const std::string& seed) {
  std::vector<Override> overrides;
  for (const auto& s : sets) overrides.push_back(parse_override(s));
  if (runs > 0) overrides.push_back({"runs", std::to_string(runs)});
  if (!seed.empty()) overrides.push_back({"seed", std::to_string(parse_seed_option(seed))});
  return overrides;
}

std::uint64_t parse_seed_option(const std::string& text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || ptr != end) {
    throw InputError(
        fmt::format("--seed: '{}' is not allowed; allowed: a whole number from 0 to 18446744073709551615, "
                    "as plain digits",
                    text));
  }
  if (ec == std::errc::result_out_of_range) {
    throw InputError(
        fmt::format("--seed: value {} is out of range; allowed: a whole number from 0 to "
                    "18446744073709551615",
                    text));
  }
  return value;
}

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
