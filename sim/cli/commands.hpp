// Subcommands of the acosim CLI. Each add_*_command registers its options on `app` and, when the
// subcommand is chosen, stores in `action` the work to run after parsing. The action returns the
// exit code; it throws InputError for a user's mistake (run_cli prints it and exits 2).
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace acosim {

using CommandAction = std::function<int()>;

void add_settle_command(CLI::App& app, CommandAction& action);
void add_run_command(CLI::App& app, CommandAction& action);
void add_report_command(CLI::App& app, CommandAction& action);
void add_agreement_command(CLI::App& app, CommandAction& action);
void add_sweep_command(CLI::App& app, CommandAction& action);
void add_tornado_command(CLI::App& app, CommandAction& action);
void add_bench_command(CLI::App& app, CommandAction& action);
void add_init_command(CLI::App& app, CommandAction& action);      // sim/cli/init_command.cpp
void add_backtest_command(CLI::App& app, CommandAction& action);  // sim/cli/backtest_command.cpp

}  // namespace acosim
