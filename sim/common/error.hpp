// Errors a user can fix: bad input files, keys, values. The CLI prints the message and exits 2.
#pragma once

#include <stdexcept>
#include <string>

namespace acosim {

// The message names the file, line or key, the offending value and what is allowed.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace acosim
