// Where an installed or built acosim finds its shipped files (scenarios, docs): never the source
// path of the build, which the binary may outlive.
#pragma once

#include <filesystem>

namespace acosim {

// The scenario `acosim run` uses when none is given: scenarios/default.yaml in the current folder;
// else beside the binary: <prefix>/share/acosim/scenarios/default.yaml for an installed binary
// (cmake --install, the .deb), or <checkout>/scenarios/default.yaml for one in a build tree
// (<checkout>/build/<dir>/sim/acosim). Throws InputError naming every place looked in.
std::filesystem::path find_default_scenario();

}  // namespace acosim
