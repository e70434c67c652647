// What every report format is rendered from: the results, the risk appetite (if any), and the
// assumptions in plain words with the warnings raised when the scenario was loaded.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/engine/agreement.hpp"
#include "sim/engine/results.hpp"
#include "sim/engine/risk.hpp"
#include "sim/engine/scenario.hpp"

namespace acosim {

struct AssumptionRow {
  std::string item;   // "Benchmark", "True effect", ...
  std::string value;  // plain words with units
};

struct Assumptions {
  std::vector<AssumptionRow> rows;
  std::vector<std::string> warnings;  // raised at load (results.meta.warnings)
  std::string note;                   // why some rows are missing ("" when complete)
};

// The assumptions of a run of `s` (the scenario the results came from) in plain words: ACO, size
// and mix, PY and agreement, benchmark (mode, per capita, trend and its uncertainty), true effect,
// spending model, quality model and standard, revenue, tracks and elections, runs and seed.
Assumptions describe_assumptions(const Scenario& s, const ResultMetadata& m);
// What the metadata alone tells (name, PY, beneficiaries, tracks, runs, seed), with `note`
// saying why the scenario itself is not available.
Assumptions describe_assumptions(const ResultMetadata& m, const std::vector<std::string>& tracks,
                                 const std::string& note);

struct ReportInput {
  const SimulationResults* results = nullptr;  // required; summarized by the renderer when needed
  std::optional<RiskAppetite> risk;            // nullopt: no verdict
  std::string risk_error;                      // why there is no verdict ("" when none was asked for)
  Assumptions assumptions;
  long per_run_rows = 100000;  // cap of the workbook's Per run sheet [runs]
  bool per_run_csv = false;    // CSV: also write NAME.runs.csv (run x track)
  // An agreement's report (acosim agreement): `results` is agreement->results (one column per path
  // and total / PV / worst year / year k), and every format adds the agreement section
  // (sim/output/agreement_report.hpp).
  const AgreementResults* agreement = nullptr;
};

// The input a report of `results` gets without its scenario: assumptions from the metadata, the
// risk appetite as given.
ReportInput basic_report_input(const SimulationResults& results, const std::optional<RiskAppetite>& risk);

}  // namespace acosim
