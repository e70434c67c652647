#include "sim/cli/cli.hpp"

#include <signal.h>

#include <exception>
#include <iostream>
#include <new>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/cli/command_args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/common/error.hpp"
#include "sim/common/text.hpp"
#include "sim/common/version.hpp"
#include "sim/engine/sampler.hpp"

namespace acosim {

int run_cli(int argc, char** argv) {
  // A file-size limit (ulimit -f) must not kill the process with SIGXFSZ halfway through a write:
  // ignored, the write fails with EFBIG, which the writers report and clean up after.
  ::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{
      "acosim: Monte Carlo risk simulator for the Medicare Shared Savings Program.\n"
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
  refuse_empty_values(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // CLI11 says only "A subcommand is required" for `acosim foo` or `acosim`: name the commands.
    if (app.get_subcommands().empty()) {
      std::vector<std::string> commands;
      for (const CLI::App* sub : app.get_subcommands({})) commands.push_back(sub->get_name());
      const std::string given = argc > 1 ? argv[1] : "";
      std::cerr << (given.empty()
                        ? fmt::format("acosim: error: no command given; allowed: {}", join(commands))
                    : given.front() == '-'
                        ? fmt::format("acosim: error: unknown option '{}' before the command; give "
                                      "a command first, allowed: {}",
                                      printable(given), join(commands))
                        : fmt::format("acosim: error: unknown command '{}'{}; allowed: {}", printable(given),
                                      did_you_mean(given, commands), join(commands)))
                << " (acosim --help describes each)\n";
      return 2;
    }
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
  } catch (const std::bad_alloc&) {
    // Out of memory (ulimit -v, a container's limit): a limit of the machine, not a bug.
    std::cerr << "acosim: error: out of memory: an allocation failed (a memory limit such as ulimit -v or a "
                 "container's, or too little free memory, for this many runs and tracks); give fewer runs "
                 "(--runs) or fewer tracks, or raise the limit. No output was written\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "acosim: internal error: " << e.what() << '\n';
    return 3;
  }
}

}  // namespace acosim
