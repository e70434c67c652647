// libFuzzer target: the scenario parser (sim/input/scenario_reader.cpp, sim/input/yaml_reader.hpp), --set
// overrides and the empirical cost file it may load. Any exception other than InputError escaping the parser
// is a finding (libFuzzer reports it as a crash), as is any sanitizer report, hang or leak.
// Built and run by scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/common/error.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/input/scenario_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  // Device and process files (an empirical cost file /dev/zero, /dev/stdin) stream without end
  // or block; they are refused by size limits, not worth a fuzzer's time.
  for (const char* skip : {"/dev", "/proc", "/sys"}) {
    if (text.find(skip) != std::string::npos) return 0;
  }
  // The text after a line "#--set " holds KEY=VALUE overrides, one per line: fuzz --set too.
  std::vector<acosim::Override> overrides;
  if (const auto cut = text.find("\n#--set "); cut != std::string::npos) {
    std::string rest = text.substr(cut + 8);
    text.resize(cut + 1);
    for (std::size_t pos = 0; pos <= rest.size();) {
      const std::size_t nl = std::min(rest.find('\n', pos), rest.size());
      const std::string line = rest.substr(pos, nl - pos);
      pos = nl + 1;
      if (line.empty()) continue;
      try {
        overrides.push_back(acosim::parse_override(line));
      } catch (const acosim::InputError&) {}
    }
  }
  try {
    const acosim::Scenario s = acosim::parse_scenario(text, "fuzz.yaml", overrides);
    (void)s.total_beneficiaries();
    (void)s.expected_spending_per_capita();
  } catch (const acosim::InputError&) {
    // the only allowed failure
  }
  return 0;
}
