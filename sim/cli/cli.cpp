#include "sim/cli/cli.hpp"

#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "sim/cli/commands.hpp"
#include "sim/common/error.hpp"
#include "sim/engine/sampler.hpp"
#include "sim/common/version.hpp"

namespace acosim {

int run_cli(int argc, char** argv) {
  CLI::App app{"acosim: Monte Carlo risk simulator for the Medicare Shared Savings Program.\n"
               "Samples beneficiary costs and quality, settles every run under the exact CMS rules\n"
               "of each track, and reports the distribution of shared savings and losses."};
  app.set_version_flag("--version", fmt::format("acosim {} (commit {})", kVersion, kGitCommit));
  app.require_subcommand(1);

  CommandAction action;
  // Subcommands register here.
  add_settle_command(app, action);
  add_run_command(app, action);
  add_report_command(app, action);
  add_agreement_command(app, action);
  add_sweep_command(app, action);
  add_tornado_command(app, action);
  add_bench_command(app, action);
  add_init_command(app, action);
  add_backtest_command(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // A bad command line is an input error like any other: one line naming the option and the
    // value, exit code 2 (CLI11's own codes, 105 and up, would tell scripts nothing).
    std::cerr << "acosim: error: " << e.what() << " (run with --help for the options)\n";
    return 2;
  }
  for (const char* sampling : {"run", "sweep", "tornado", "agreement", "bench", "backtest"}) {
    if (app.got_subcommand(sampling) && !hardware_fma()) {
      std::cerr << "acosim: warning: this CPU has no fused multiply-add (FMA) instruction; the sampler "
                   "computes it with the C library's fma(): the same results, many times slower\n";
      break;
    }
  }
  try {
    return action ? action() : 0;
  } catch (const InputError& e) {
    std::cerr << "acosim: error: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "acosim: internal error: " << e.what() << '\n';
    return 3;
  }
}

}  // namespace acosim
