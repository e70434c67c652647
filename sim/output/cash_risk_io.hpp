// /cash_risk in the results file (docs/results-schema.md): per two-sided CMS track the repayment
// mechanism (42 CFR 425.204(f)(4); benchmark-rules.md §9.1) and P(shared losses exceed it), written
// through the HDF5 gateway (checksummed like every dataset) and read back by `acosim report`.
#pragma once

#include "sim/engine/results.hpp"

namespace acosim {

namespace h5 {
class FileWriter;
class FileReader;
}  // namespace h5

// Writes r.cash_risk as /cash_risk (nothing when it is empty).
void write_cash_risk(h5::FileWriter& w, const SimulationResults& r);

// Reads /cash_risk into r.cash_risk when the file has it (r.table read first): every row must name a
// column of /runs, else InputError naming the file and row. The values are the file's checksummed
// ones (a resumed run recomputes them from the completed runs).
void read_cash_risk(h5::FileReader& rd, SimulationResults& r);

}  // namespace acosim
