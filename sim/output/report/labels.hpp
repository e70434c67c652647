// Plain words for what the program names internally: track labels ("BASIC_E msr=0%" ->
// "BASIC Level E, 0% MSR/MLR"), scenario keys on chart axes ("tracks[1].msr" -> "MSR/MLR
// election of track 2"), and the short glossary every report shares. Internal labels stay the
// keys of data files (HDF5, CSV, JSON); these are for people.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace acosim::report {

// The display name of a track label. Labels the scenario reader made ("ID" or "ID msr=R%" /
// "ID msr=variable", sim/input/scenario_reader.cpp) become the catalog name and the election in
// words; a label the user chose is kept as written.
std::string plain_track_label(std::string_view label);

// `text` with every label of `labels` that plain_track_label renames replaced by its plain name
// (longest labels first, so no label is replaced inside a longer one).
std::string plain_sentence(std::string text, std::vector<std::string> labels);

// The reader's name for a scenario key ("aco.beneficiaries" -> "Assigned beneficiaries"); an
// unknown key is returned as written.
std::string plain_key_label(std::string_view key);

// A value of scenario key `key` as written ("15.0e6", "0.01", "1%") in the reader's units: dollars
// ("$15,000,000") for money keys, percents ("1%") for fractions and MSR/MLR elections, counts with
// thousands separators; anything else (and any text that is not a number, e.g. "variable") as written.
std::string plain_key_value(std::string_view key, std::string_view value);

// (term, explanation) pairs: MSR/MLR, corridor, VaR, ES, certainty equivalent, MC SE.
const std::vector<std::pair<std::string, std::string>>& glossary();

}  // namespace acosim::report
