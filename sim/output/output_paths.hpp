// Output-path safety: every path a command will write is checked BEFORE any work, so that a
// command can never replace its own input, another of its outputs, or anything that is not a
// regular file (a device such as /dev/null, a FIFO, a socket, a directory), and never fails at the
// end of hours of sampling because a name is too long or a folder is missing (docs/hardening.md,
// "Output paths").
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace acosim {

// The files one command reads and writes. Register every input and output, then call check().
class CommandPaths {
 public:
  // A file the command reads (`role` names it in messages: "the scenario", "--resume").
  void input(const std::filesystem::path& path, std::string role);
  // A file the command writes. `may_replace_input` names the one input this output may equal (the
  // file --resume completes in place); empty: none.
  void output(const std::filesystem::path& path, std::string role, std::string may_replace_input = {});

  // Throws InputError (exit 2) naming the path, the role and the rule, when an output
  // - equals an input or another output: the same resolved path (symbolic links and "..", "."
  //   resolved) or the same file (device and inode: a hard link);
  // - exists and is not a regular file (after following symbolic links), or is write-protected
  //   (no owner write permission);
  // - lies in a folder that is missing, not a folder, or not writable;
  // - has a name longer than the file system allows (NAME_MAX of its folder).
  void check() const;

 private:
  struct Entry {
    std::filesystem::path path;
    std::string role;
    std::string may_replace;  // outputs only
  };
  std::vector<Entry> inputs_, outputs_;
};

// One output alone (no inputs): the checks of CommandPaths::check for a single path. A missing
// output folder is allowed when it can be created (the nearest existing folder is writable).
void check_output_path(const std::filesystem::path& path, const std::string& role = "output");

// The file a write to `path` replaces: a symbolic link to an existing file is followed, so the
// link stays a link and its target is updated (as the shell's `>` does); otherwise `path`.
std::filesystem::path written_path(const std::filesystem::path& path);

// Creates the missing folders of `path` (every atomic write does it first).
void create_output_folder(const std::filesystem::path& path);

// The name of the temporary beside `target` that an atomic write uses: the first 24 bytes of the
// target's name + ".tmp-<pid>-<n>" (at most 50 bytes), so that any legal target name has a legal
// temporary, in the same folder so that the final rename is atomic.
std::filesystem::path temporary_beside(const std::filesystem::path& target);

}  // namespace acosim
