// `acosim.settle` and `acosim.settle_puf`: the simple settle format and the CMS PUF through the
// same readers as `acosim settle` (sim/cli/settle_command.hpp, sim/input/puf.hpp).
#include "sim/python/settle_bindings.hpp"

#include <pybind11/stl.h>

#include <fmt/format.h>

#include "models/settle.hpp"
#include "models/track.hpp"
#include "sim/cli/settle_command.hpp"
#include "sim/common/error.hpp"
#include "sim/common/text.hpp"
#include "sim/input/csv.hpp"
#include "sim/input/puf.hpp"

namespace py = pybind11;

namespace acosim {

// One ACO-year given as (column, cell) pairs of the simple settle format (docs/settle-format.md):
// read and validated by the same reader as `acosim settle INPUT.csv`, then settled.
py::dict settle_one(const std::vector<std::pair<std::string, std::string>>& cells) {
  std::string header, row;
  for (const auto& [k, v] : cells) {
    header += (header.empty() ? "" : ",") + csv_escape(k);
    row += (row.empty() ? "" : ",") + csv_escape(v);
  }
  const CsvTable table = CsvTable::parse(header + "\n" + row + "\n", "acosim.settle");
  const std::vector<SettleCase> cases = read_settle_cases(table);
  const SettleCase& c = cases.at(0);
  Settlement s;
  try {
    s = settle(*c.track, c.input);
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("acosim.settle: {}", e.what()));
  }
  const SettlementInput& in = c.input;
  py::dict d;
  d["track"] = c.track->id;
  d["track_name"] = c.track->name;
  d["performance_year"] = in.performance_year;
  d["assigned_beneficiaries"] = in.assigned_beneficiaries;
  d["msr_election"] = in.msr_election.variable ? py::object(py::str("variable"))
                                               : py::object(py::float_(in.msr_election.rate));
  d["quality_score"] = in.quality_score;
  d["met_qps"] = in.met_qps;
  d["met_alt_qps"] = in.met_alt_qps;
  d["low_revenue"] = in.low_revenue;
  d["participant_revenue"] = in.participant_revenue;
  d["agreement_start_year"] = in.agreement_start_year;
  d["benchmark"] = s.benchmark;
  d["expenditure"] = s.expenditure;
  d["gross_savings"] = s.gross_savings;
  d["savings_rate"] = s.savings_rate;
  d["msr"] = s.msr;
  d["mlr"] = s.mlr;
  d["msr_from_table"] = s.msr_from_table;
  d["outcome"] = std::string(to_string(s.outcome));
  d["sharing_rate"] = s.sharing_rate;
  d["half_rate"] = s.half_rate;
  d["loss_rate"] = s.loss_rate;
  d["sequestration"] = s.sequestration;
  d["cap"] = s.cap;
  d["cap_bound"] = s.cap_bound;
  d["revenue_limit_unknown"] = s.revenue_limit_unknown;
  d["loss_relief"] = s.loss_relief;
  d["payment"] = s.payment;
  // As `acosim settle`: a loss is determined unless an unknown revenue-based loss limit may bind.
  d["determined"] = revenue_limit_determined(*c.track, s, std::optional<bool>(!in.low_revenue));
  d["explanation"] = explain(*c.track, s);
  return d;
}

// The PUF audit of `acosim settle --puf FILE --py YEAR`, as columns.
py::dict settle_puf(const std::string& path, int py_year) {
  try {
    (void)rule_year(py_year);
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("py {}: {}", py_year, e.what()));
  }
  PufFile file;
  PufReport report;
  {
    py::gil_scoped_release release;
    file = read_puf(path, py_year);
    report = reproduce_all(file);
  }
  std::vector<std::string> aco_id, aco_name, track, track_label, outcome, match, reason, explanation, notes;
  std::vector<long> line;
  std::vector<double> benchmark, expenditure, gross, rate, msr, sharing, loss_rate, relief, earned, cms, diff,
      tol;
  std::vector<bool> cap_bound;
  for (std::size_t i = 0; i < file.records.size(); ++i) {
    const PufRecord& rec = file.records[i];
    const PufResult& r = report.results[i];
    const Settlement& s = r.settlement;
    aco_id.push_back(rec.aco_id);
    aco_name.push_back(rec.aco_name);
    line.push_back(static_cast<long>(rec.line));
    track.push_back(rec.track->id);
    track_label.push_back(rec.track_label);
    outcome.push_back(std::string(to_string(s.outcome)));
    benchmark.push_back(s.benchmark);
    expenditure.push_back(s.expenditure);
    gross.push_back(s.gross_savings);
    rate.push_back(s.savings_rate);
    msr.push_back(s.msr);
    sharing.push_back(s.sharing_rate);
    loss_rate.push_back(s.loss_rate);
    cap_bound.push_back(s.cap_bound);
    relief.push_back(s.loss_relief);
    earned.push_back(r.earned);
    cms.push_back(r.cms_earned);
    diff.push_back(r.diff);
    tol.push_back(r.tolerance);
    match.push_back(std::string(to_string(r.status)));
    reason.push_back(r.reason);
    explanation.push_back(explain(*rec.track, s));
    std::string n;
    for (const std::string& x : rec.notes) n += (n.empty() ? "" : "; ") + x;
    notes.push_back(n);
  }
  py::dict c;
  c["aco_id"] = aco_id;
  c["aco_name"] = aco_name;
  c["line"] = line;
  c["track"] = track;
  c["track_label"] = track_label;
  c["outcome"] = outcome;
  c["benchmark"] = benchmark;
  c["expenditure"] = expenditure;
  c["gross_savings"] = gross;
  c["savings_rate"] = rate;
  c["msr"] = msr;
  c["sharing_rate"] = sharing;
  c["loss_rate"] = loss_rate;
  c["cap_bound"] = cap_bound;
  c["loss_relief"] = relief;
  c["earned"] = earned;
  c["cms_earned"] = cms;
  c["diff"] = diff;
  c["tolerance"] = tol;
  c["match"] = match;
  c["reason"] = reason;
  c["explanation"] = explanation;
  c["notes"] = notes;
  py::dict out;
  out["columns"] = c;
  out["py"] = file.py;
  out["matched"] = report.matched;
  out["mismatched"] = report.mismatched;
  out["undetermined"] = report.undetermined;
  return out;
}

}  // namespace acosim
