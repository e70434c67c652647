#include "sim/cli.hpp"

int main(int argc, char** argv) { return acosim::run_cli(argc, argv); }
