// The agreement results file on the HDF5 gateway (sim/output/hdf5_file.hpp):
// the results layout (write_results_into) plus /agreement, built in memory and
// published with one atomic write.
#include "sim/output/agreement_file.hpp"

#include <H5Cpp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/hdf5_file.hpp"
#include "sim/output/hdf5_io.hpp"

namespace acosim {

namespace {

// Matrices with at least this many elements are compressed (shuffle + gzip 4),
// as before.
const h5::Layout kMatrixLayout{4096, 65536, 4};

// Row-major runs x columns dataset /agreement/<name>.
template <class T>
void matrix(h5::FileWriter& w, const char* name, const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& m,
            const char* units, const char* description) {
  const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rm = m;
  w.numbers(fmt::format("/agreement/{}", name), rm.data(),
            {static_cast<hsize_t>(m.rows()), static_cast<hsize_t>(m.cols())}, units, description,
            kMatrixLayout);
}

void vector_int(h5::FileWriter& w, const char* name, const std::vector<int>& v, const char* description) {
  const std::vector<std::int64_t> wide(v.begin(), v.end());
  w.vector(fmt::format("/agreement/{}", name), wide, nullptr, description);
}

void write_agreement_group(h5::FileWriter& w, const AgreementResults& ar) {
  H5::Group g = w.group("/agreement",
                        "agreement-period samples (sim/engine/agreement.hpp, "
                        "docs/agreements.md): per run and path "
                        "year; the /runs columns are per path: '<path> total', "
                        "'<path> PV', '<path> worst year', "
                        "'<path> year k'");
  w.put_number<std::int64_t>(g, "years", ar.years);
  w.put_number<std::int64_t>(g, "renewal_years", ar.renewal_years);
  w.put_number<std::int64_t>(g, "start_year", ar.start_year);
  w.put_number<double>(g, "discount_rate", ar.discount_rate);
  w.put_number<double>(g, "turnover", ar.turnover);
  w.put_string(g, "notes", ar.notes);
  vector_int(w, "performance_year", ar.performance_year, "performance year of each path year");
  vector_int(w, "rules_year", ar.rules_year, "rule year settle() used (differs when carried forward)");
  w.strings("/agreement/path_labels", ar.path_labels, "path labels, in /runs column-block order");
  w.strings("/agreement/path_descriptions", ar.path_descriptions, "track and election of each path year");
  const AgreementRuns& x = ar.runs;
  matrix(w, "benchmark", x.benchmark, "USD", "updated benchmark B, runs x years");
  matrix(w, "expenditure", x.expenditure, "USD", "expenditure E, runs x years");
  matrix(w, "true_effect", x.true_effect, "fraction", "true effect on spending, runs x years");
  matrix(w, "quality", x.quality, "score [0-100]", "quality score, runs x years");
  matrix(w, "growth", x.growth, "ratio", "realized blend growth into the year (1 in PY1), runs x years");
  matrix(w, "spending_level", x.spending_level, "ratio",
         "ACO counterfactual spending level vs PY1, runs x years");
  matrix(w, "update_factor", x.update_factor, "ratio",
         "benchmark / historical (or rebased) base, runs x years");
  matrix(w, "risk_ratio", x.risk_ratio, "ratio", "risk-score ratio applied (after the +cap), runs x years");
  matrix(w, "met_qps", x.met_qps, "0/1", "quality standard met, runs x years");
  matrix(w, "met_alt_qps", x.met_alt_qps, "0/1", "alternative standard met, runs x years");
  matrix(w, "replaced", x.replaced, "count", "beneficiaries replaced at the start of the year, runs x years");
  matrix(w, "any_year_owed", x.any_year_owed, "0/1",
         "the path owed shared losses (payment < 0) in some year, runs x paths");
}

// /agreement/cash (agreement.cash; bench §9.4): the per-run net cash, recoupment and balances due,
// runs x (paths x path years), path-major; and per path (rows) the summaries by path year, the
// agreement total last (columns years + 1).
void write_cash_group(h5::FileWriter& w, const AgreementResults& ar) {
  if (ar.cash.empty()) return;
  w.group("/agreement/cash",
          "net cash per path year (42 CFR 425.630 AIP, 425.640 prepaid shared savings, recouped from "
          "savings; benchmark-rules.md §9.4): paid + (savings - recouped) - losses - balances due");
  const AgreementCashRuns& x = ar.runs.cash;
  matrix(w, "cash/net", x.net, "USD", "net cash, runs x (paths x years), path-major");
  matrix(w, "cash/recouped", x.recouped, "USD",
         "AIP + prepaid recouped from that PY's savings, runs x (paths x years)");
  matrix(w, "cash/due", x.due, "USD",
         "balances due at an agreement's end (its last PY), runs x (paths x years)");
  const auto years = static_cast<hsize_t>(ar.performance_year.size());
  const auto paths = static_cast<hsize_t>(ar.cash.size());
  std::vector<double> aip, prepaid, mean, p5, p50, p95, negative;
  for (const PathCashSummary& c : ar.cash) {
    aip.insert(aip.end(), c.aip_paid.begin(), c.aip_paid.end());
    prepaid.insert(prepaid.end(), c.prepaid_paid.begin(), c.prepaid_paid.end());
    for (std::size_t y = 0; y <= years; ++y) {
      const Stats& st = y < years ? c.net_by_year[y] : c.net_total;
      mean.push_back(st.mean);
      p5.push_back(st.percentiles[1]);
      p50.push_back(st.percentiles[4]);
      p95.push_back(st.percentiles[7]);
      negative.push_back(y < years ? c.p_negative_by_year[y] : c.p_negative_total);
    }
  }
  w.numbers("/agreement/cash/aip_paid", aip.data(), {paths, years}, "USD", "AIP received, paths x years");
  w.numbers("/agreement/cash/prepaid_paid", prepaid.data(), {paths, years}, "USD",
            "prepaid shared savings received, paths x years");
  const char* shape = "paths x (years, then the agreement total)";
  w.numbers("/agreement/cash/net_mean", mean.data(), {paths, years + 1}, "USD", shape);
  w.numbers("/agreement/cash/net_p5", p5.data(), {paths, years + 1}, "USD", shape);
  w.numbers("/agreement/cash/net_p50", p50.data(), {paths, years + 1}, "USD", shape);
  w.numbers("/agreement/cash/net_p95", p95.data(), {paths, years + 1}, "USD", shape);
  w.numbers("/agreement/cash/p_net_negative", negative.data(), {paths, years + 1}, "probability",
            "P(net cash < 0), paths x (years, then the agreement total)");
}

}  // namespace

void write_agreement_results(const std::filesystem::path& path, const AgreementResults& ar) {
  check_writable(path);
  H5::Exception::dontPrint();
  std::string bytes;
  try {
    h5::FileWriter w(path.string());  // in memory: no disk error can reach the HDF5 library
    write_results_into(w, ar.results);
    write_agreement_group(w, ar);
    write_cash_group(w, ar);
    bytes = w.image();
  } catch (const H5::Exception& e) {
    throw InputError(
        fmt::format("cannot write agreement results file {}: {}", path.string(), h5::describe(e)));
  }
  write_file_atomically(path,
                        bytes);  // a full disk or a size limit: errno's text, no temporary left
}

namespace {

std::vector<int> ints_of(h5::FileReader& rd, const std::string& path) {
  const std::vector<std::int64_t> v = rd.numbers<std::int64_t>(path, rd.dims(path));
  return {v.begin(), v.end()};
}

}  // namespace

std::optional<AgreementResults> read_agreement_summary(const std::filesystem::path& path,
                                                       SimulationResults results) {
  H5::Exception::dontPrint();
  h5::FileReader rd(path);
  AgreementResults ar;
  try {
    rd.open(kResultsFormat, kResultsFormatVersion, "an acosim results file");
    if (!rd.exists("/agreement")) return std::nullopt;
    const H5::Group g = rd.group("/agreement");
    ar.years = static_cast<int>(rd.attr_number<std::int64_t>(g, "/agreement", "years"));
    ar.renewal_years = static_cast<int>(rd.attr_number<std::int64_t>(g, "/agreement", "renewal_years"));
    ar.start_year = static_cast<int>(rd.attr_number<std::int64_t>(g, "/agreement", "start_year"));
    ar.discount_rate = rd.attr_number<double>(g, "/agreement", "discount_rate");
    ar.turnover = rd.attr_number<double>(g, "/agreement", "turnover");
    ar.notes = rd.attr_string(g, "/agreement", "notes");
    ar.performance_year = ints_of(rd, "/agreement/performance_year");
    ar.rules_year = ints_of(rd, "/agreement/rules_year");
    ar.path_labels = rd.strings("/agreement/path_labels", rd.dims("/agreement/path_labels"));
    ar.path_descriptions =
        rd.strings("/agreement/path_descriptions", rd.dims("/agreement/path_descriptions"));
  } catch (const H5::Exception& e) {
    rd.fail(fmt::format("cannot read {}: {} (truncated or corrupt file?)", rd.context(), h5::describe(e)));
  }
  rd.verify_checksums();
  const std::size_t width = kPathSummaryColumns + ar.performance_year.size();
  if (ar.performance_year.empty() || ar.rules_year.size() != ar.performance_year.size() ||
      ar.path_descriptions.size() != ar.path_labels.size() ||
      results.tracks.size() != ar.path_labels.size() * width) {
    rd.fail("/agreement does not match the file's columns (paths x (total, PV, worst year, years))");
  }
  ar.results = std::move(results);
  return ar;
}

}  // namespace acosim
