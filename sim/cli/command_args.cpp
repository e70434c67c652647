#include "sim/cli/command_args.hpp"

#include <signal.h>

#include <array>
#include <iostream>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/common/error.hpp"
#include "sim/common/parse.hpp"
#include "sim/input/key_schema.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/input/yaml_reader.hpp"
#include "sim/output/provenance.hpp"

namespace acosim {
namespace fs = std::filesystem;

std::vector<Override> ScenarioArgs::overrides() const { return scenario_overrides(sets, runs, seed); }

Scenario ScenarioArgs::load(const fs::path& fallback) const {
  return load_scenario(scenario.empty() ? fallback : fs::path(scenario), overrides());
}

void add_scenario_args(CLI::App& cmd, ScenarioArgs& a, const ScenarioArgHelp& help) {
  CLI::Option* s = cmd.add_option("scenario", a.scenario, help.scenario);
  if (help.scenario_required) s->required();
  cmd.add_option("--runs", a.runs, help.runs)->check(key_check("runs"));
  cmd.add_option("--seed", a.seed, help.seed)->check(seed_check());
  cmd.add_option("--threads", a.threads, "Threads (0: all; results do not depend on it)")
      ->check(key_check("threads"));
  cmd.add_option("--set", a.sets, help.set)->allow_extra_args(false);
  cmd.add_flag("-q,--quiet", a.quiet, help.quiet);
}

std::vector<fs::path> scenario_inputs(const Scenario& scenario) {
  std::vector<fs::path> files;
  if (!scenario.path.empty()) files.emplace_back(scenario.path);
  constexpr std::string_view kMark = "# empirical cost file ";  // sim/input/scenario_reader.cpp
  std::istringstream lines(scenario.text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(kMark, 0) != 0) continue;
    const std::size_t end = line.rfind(" (");
    if (end != std::string::npos && end > kMark.size())
      files.emplace_back(line.substr(kMark.size(), end - kMark.size()));
  }
  return files;
}

void add_scenario_inputs(CommandPaths& paths, const Scenario& scenario) {
  const std::vector<fs::path> files = scenario_inputs(scenario);
  for (std::size_t i = 0; i < files.size(); ++i)
    paths.input(files[i], i == 0 ? "the scenario" : "the cost file");
}

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

namespace {}  // namespace

CLI::Validator whole_number_in(long lo, long hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        const std::string allowed = fmt::format("allowed: a whole number from {} to {}", lo, hi);
        const std::size_t digits = !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
        if (text.size() == digits || text.find_first_not_of("0123456789", digits) != std::string::npos) {
          return fmt::format("'{}' is not a whole number; {}", text, allowed);
        }
        if (text.size() > 18) return fmt::format("{} is out of range; {}", text, allowed);
        const long v = std::stol(text);
        if (v < lo || v > hi) return fmt::format("{} is out of range; {}", text, allowed);
        return "";
      },
      fmt::format("INT in [{}, {}]", lo, hi));
}

CLI::Validator decimal_in(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        const std::string allowed =
            fmt::format("allowed: a number from {} to {}", format_bound(lo), format_bound(hi));
        const std::optional<double> v = parse_decimal(text);
        if (!v) return fmt::format("'{}' is not a plain number; {}", text, allowed);
        if (*v < lo || *v > hi) return fmt::format("{} is out of range; {}", text, allowed);
        return "";
      },
      fmt::format("NUMBER in [{}, {}]", format_bound(lo), format_bound(hi)));
}

CLI::Validator key_check(const std::string& key) {
  const KeySpec& k = key_spec(key);
  return k.type == KeyType::Integer ? whole_number_in(static_cast<long>(k.lo), static_cast<long>(k.hi))
                                    : decimal_in(k.lo, k.hi);
}

void refuse_empty_values(CLI::App& app) {
  const CLI::Validator non_empty(
      [](std::string& text) -> std::string { return text.empty() ? "the value is empty; give one" : ""; },
      "");
  for (CLI::Option* o : app.get_options()) {
    if (o->get_type_size_max() > 0) o->check(non_empty);  // not flags
  }
  for (CLI::App* sub : app.get_subcommands({})) refuse_empty_values(*sub);
}

CLI::Validator run_index_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (!text.empty() && text.size() <= 18 && text.find_first_not_of("0123456789") == std::string::npos)
          return "";
        return "'" + text + "' is not a run index; allowed: a whole number from 0 to the scenario's runs - 1";
      },
      "RUN");
}

void print_scenario_warnings(const Scenario& s) {
  for (const std::string& w : s.warnings) std::cerr << "acosim: warning: " << s.path << ": " << w << '\n';
}

// ---- signals ----

namespace {

constexpr std::array<int, 3> kStopSignals = {SIGINT, SIGTERM, SIGHUP};
std::atomic<std::atomic<bool>*> g_stop_flag{nullptr};

extern "C" void set_stop_flag(int) {
  if (std::atomic<bool>* flag = g_stop_flag.load()) flag->store(true);
}

}  // namespace

struct StopOnSignals::Saved {
  std::array<struct sigaction, kStopSignals.size()> old{};
  std::atomic<bool>* previous_flag = nullptr;
};

StopOnSignals::StopOnSignals(std::atomic<bool>& stop) : saved_(std::make_unique<Saved>()) {
  saved_->previous_flag = g_stop_flag.exchange(&stop);
  struct sigaction act {};
  act.sa_handler = set_stop_flag;
  sigemptyset(&act.sa_mask);
  for (std::size_t i = 0; i < kStopSignals.size(); ++i) ::sigaction(kStopSignals[i], &act, &saved_->old[i]);
}

StopOnSignals::~StopOnSignals() {
  for (std::size_t i = 0; i < kStopSignals.size(); ++i)
    ::sigaction(kStopSignals[i], &saved_->old[i], nullptr);
  g_stop_flag.store(saved_->previous_flag);
}

void refuse_binary_on_stdout(const std::string& path, const char* option, const char* what) {
  if (path == "-") {
    throw InputError(fmt::format(
        "{} -: the {} is HDF5 (binary) and is not written to standard output; give a file name, and "
        "--report - for a text report on standard output",
        option, what));
  }
}

}  // namespace acosim
