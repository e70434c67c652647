// The settlement functions of the `acosim._core` extension (sim/python/bindings.cpp registers them).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>

namespace acosim {

// One ACO-year given as (column, cell) pairs of the simple settle format (docs/settle-format.md).
pybind11::dict settle_one(const std::vector<std::pair<std::string, std::string>>& cells);
// Every row of a CMS PUF reproduced, as `acosim settle --puf`.
pybind11::dict settle_puf(const std::string& path, int py_year);

}  // namespace acosim
