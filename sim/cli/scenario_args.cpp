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

CLI::Validator run_index_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (!text.empty() && text.size() <= 18 && text.find_first_not_of("0123456789") == std::string::npos) return "";
        return "'" + text + "' is not a run index; allowed: a whole number from 0 to the scenario's runs - 1";
      },
      "RUN");
}

void print_scenario_warnings(const Scenario& s) {
  for (const std::string& w : s.warnings) std::cerr << "acosim: warning: " << s.path << ": " << w << '\n';
}

}  // namespace acosim
