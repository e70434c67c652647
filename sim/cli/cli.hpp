// The acosim command line: subcommands settle, run, report, ... Returns the process exit code.
#pragma once

namespace acosim {
int run_cli(int argc, char** argv);
}
