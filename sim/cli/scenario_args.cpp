#include "sim/cli/scenario_args.hpp"

#include <iostream>
#include <string>

#include "sim/common/error.hpp"
#include "sim/output/provenance.hpp"

namespace acosim {

CLI::Validator seed_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        try {
          parse_seed_option(text);
          return "";
        } catch (const InputError& e) {
          const std::string msg = e.what();
          const std::string prefix = "--seed: ";  // CLI11 names the option itself
          return msg.rfind(prefix, 0) == 0 ? msg.substr(prefix.size()) : msg;
        }
      },
      "SEED");
}

void print_scenario_warnings(const Scenario& s) {
  for (const std::string& w : s.warnings) std::cerr << "acosim: warning: " << s.path << ": " << w << '\n';
}

}  // namespace acosim
