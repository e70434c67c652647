// Opening a user's input file so that no file can hang a command or exhaust memory
// (docs/hardening.md, "Input files that are not regular files").
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace acosim {

// Reads a text input whole. `what` names it in messages ("scenario", "CSV file"). Allowed: a
// regular file of at most `max_bytes`, or a stream with a writer (a pipe from process
// substitution, /dev/stdin). Refused with an InputError naming the path and what is allowed: a
// missing or unreadable file, a directory, a socket or block device, a FIFO with no writer
// (read as empty instead of blocking forever), a stream longer than `max_bytes`, and a stream
// whose first bytes hold a NUL (a device such as /dev/zero or /dev/urandom, never text).
std::string read_input_text(const std::filesystem::path& path, std::string_view what, std::size_t max_bytes);

// What a file of st_mode `mode` is, for messages: "a directory", "a FIFO (named pipe)", "a socket",
// "a block device", "a character device", "a regular file", "a symbolic link".
std::string_view file_kind(mode_t mode);

// For inputs read by a library that seeks (HDF5): throws unless `path` is an existing regular
// file (after symlinks). `what` names the expected content ("a results file").
void require_regular_input(const std::filesystem::path& path, std::string_view what);

}  // namespace acosim
