// How much memory a run may still allocate, so that acosim run refuses a run that would not fit
// before sampling (sim/cli/run_command.cpp) instead of being killed halfway.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace acosim {

// Memory a new allocation can use [bytes]: the free physical memory, or less inside a
// memory-limited control group (a container, a Slurm job): its limit minus its current use, the
// tightest over the group and its ancestors (cgroup v2 memory.max / memory.current, v1
// memory.limit_in_bytes / memory.usage_in_bytes), or under an address-space limit (ulimit -v,
// RLIMIT_AS) its limit minus the process's current virtual size. 0 when nothing can be read.
double available_memory_bytes();

// The address-space part: RLIMIT_AS minus the current virtual size [bytes]; nullopt when unlimited.
std::optional<double> address_space_headroom();

// The control-group part: `proc_self_cgroup` is the text of /proc/self/cgroup and `root` the cgroup
// mount point (/sys/fs/cgroup); tests pass fakes. nullopt when no limit applies or none is readable.
std::optional<double> cgroup_memory_headroom(const std::string& proc_self_cgroup,
                                             const std::filesystem::path& root);

}  // namespace acosim
