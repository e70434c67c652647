// HDF5 writer and reader of the results file. Schema: docs/results-schema.md (keep them in step).
// All strings are variable-length UTF-8; numbers are stored little-endian with fixed widths
// (float64, int64, uint64, int8); 2-D arrays are row-major (runs x tracks), as h5py and NumPy
// expect. Summaries are stored as plain 1-D / 2-D numeric arrays per statistic, one row per track
// or pair, so h5py and R's rhdf5 read them without compound-type handling.
#include "sim/output/hdf5_io.hpp"
#include "sim/engine/uncertainty.hpp"
#include "sim/output/summary_fields.hpp"

#include <H5Cpp.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/input_file.hpp"
#include "sim/common/text.hpp"
#include "sim/engine/statistics.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/hdf5_file.hpp"
#include "sim/output/results_check.hpp"

namespace acosim {
namespace fs = std::filesystem;

namespace {

// Arrays with at least this many elements are chunked and compressed (shuffle + gzip 4); chunks
// hold about this many elements (512 KiB of float64, under HDF5's default 1 MiB chunk cache).
constexpr hsize_t kCompressMinElements = 4096;
constexpr hsize_t kChunkElements = 65536;
constexpr unsigned kDeflateLevel = 4;

struct PairField {
  const char* name;
  double PairSummary::*member;
  const char* description;
};
constexpr std::array<PairField, 2> kPairFields = {{
    {"p_a_better", &PairSummary::p_a_better, "share of runs with payment_a > payment_b"},
    {"p_equal", &PairSummary::p_equal, "share of runs with payment_a == payment_b"},
}};

constexpr const char* kUnitsUsd = "USD";
constexpr const char* kUnitsPercent = "percent of updated benchmark";
constexpr const char* kUnitsProbability = "probability [0-1]";

// ---------------------------------------------------------------------------------------------
// Writing

const h5::Layout kLayout{kCompressMinElements, kChunkElements, kDeflateLevel};

// One array per Stats field, rows in the order of `stats`.
void write_stats(h5::FileWriter& w, const std::string& group_path, const std::vector<const Stats*>& stats,
                 const char* units, const char* description) {
  H5::Group g = w.group(group_path, description);
  w.put_string(g, "units", units);
  std::vector<double> column(stats.size());
  for (const auto& field : kStatsFields) {
    for (std::size_t i = 0; i < stats.size(); ++i) column[i] = stats[i]->*field.member;
    w.vector(group_path + "/" + field.name, column, units, field.description, kLayout);
  }
  std::vector<double> pct;
  pct.reserve(stats.size() * kPercentileLevels.size());
  for (const Stats* s : stats) pct.insert(pct.end(), s->percentiles.begin(), s->percentiles.end());
  H5::DataSet ds =
      w.numbers(group_path + "/percentiles", pct.data(), {stats.size(), kPercentileLevels.size()}, units,
                "percentiles (linear interpolation, NumPy default); column j is the "
                "percentile at levels[j] [percent]",
                kLayout);
  w.put_doubles(ds, "levels", {kPercentileLevels.begin(), kPercentileLevels.end()});
}

void check_consistent(const SimulationResults& r) {
  const RunTable& t = r.table;
  const Eigen::Index runs = t.payment.rows();
  const auto n_tracks = static_cast<Eigen::Index>(t.tracks.size());
  auto fail = [](const std::string& what) {
    throw std::invalid_argument("write_results: inconsistent results: " + what);
  };
  if (t.payment.cols() != n_tracks) {
    fail(fmt::format("payment has {} columns for {} track labels", t.payment.cols(), n_tracks));
  }
  if (t.outcome.rows() != runs || t.outcome.cols() != n_tracks) {
    fail(fmt::format("outcome is {}x{}, payment {}x{}", t.outcome.rows(), t.outcome.cols(), runs, n_tracks));
  }
  const std::array<std::pair<const char*, Eigen::Index>, 8> lengths = {{
      {"done", t.done.size()},
      {"benchmark", t.benchmark.size()},
      {"expenditure", t.expenditure.size()},
      {"true_effect", t.true_effect.size()},
      {"benchmark_factor", t.benchmark_factor.size()},
      {"quality", t.quality.size()},
      {"met_qps", t.met_qps.size()},
      {"met_alt_qps", t.met_alt_qps.size()},
  }};
  for (const auto& [name, n] : lengths) {
    if (n != runs) fail(fmt::format("{} has {} entries for {} runs", name, n, runs));
  }
  for (const auto& p : r.pairs) {
    const auto n = static_cast<int>(r.tracks.size());
    if (p.index_a < 0 || p.index_a >= n || p.index_b < 0 || p.index_b >= n) {
      fail(fmt::format("pair ({}, {}) indexes {} track summaries", p.index_a, p.index_b, n));
    }
  }
}

void write_metadata(h5::FileWriter& w, const ResultMetadata& m) {
  H5::Group g = w.group("/metadata", "everything needed to reproduce the simulation");
  w.put_string(g, "program_version", m.program_version);
  w.put_string(g, "git_commit", m.git_commit);
  w.put_number<std::uint64_t>(g, "seed", m.seed);
  // The same seed as decimal digits: R reads a uint64 >= 2^31 as NA (rhdf5) or clamps it to 2^63 - 1
  // (hdf5r); docs/results-schema.md.
  w.put_string(g, "seed_decimal", std::to_string(m.seed));
  w.put_number<std::int64_t>(g, "runs", m.runs);
  w.put_number<std::int64_t>(g, "threads", m.threads);
  w.put_number<std::int64_t>(g, "ranks", m.ranks);
  w.put_string(g, "rng_layout", m.rng_layout);
  w.put_string(g, "created_utc", m.created_utc);
  w.put_number<double>(g, "wall_seconds", m.wall_seconds);
  w.put_number<double>(g, "beneficiary_years", m.beneficiary_years);
  w.put_number<std::int64_t>(g, "performance_year", m.performance_year);
  w.put_number<std::int64_t>(g, "beneficiaries", m.beneficiaries);
  w.put_number<std::int8_t>(g, "complete", m.complete ? 1 : 0);
  w.put_number<std::int64_t>(g, "completed_runs", m.completed_runs);
  w.put_string(g, "scenario_name", m.scenario_name);
  w.put_string(g, "scenario_path", m.scenario_path);
  w.text("/metadata/scenario", m.scenario_text, "the scenario YAML exactly as loaded");
  H5::Group risk = w.group("/metadata/risk", "the scenario's risk: section as numbers (stated = 0: none)");
  w.put_number<std::int8_t>(risk, "stated", m.risk ? 1 : 0);
  if (m.risk) {
    w.put_number<double>(risk, "confidence", m.risk->confidence);
    if (m.risk->max_loss) w.put_number<double>(risk, "max_loss", *m.risk->max_loss);
    if (m.risk->max_es) w.put_number<double>(risk, "max_es", *m.risk->max_es);
    if (m.risk->risk_aversion) w.put_number<double>(risk, "risk_aversion", *m.risk->risk_aversion);
  }
  w.strings("/metadata/warnings", m.warnings,
            "warnings raised when the scenario was loaded, one per element");
  // Only library attributes here (no description), so readers can take every attribute as one.
  H5::Group lib = w.group("/metadata/library_versions", nullptr);
  for (const auto& [name, version] : m.library_versions) w.put_string(lib, name.c_str(), version);
}

void write_table(h5::FileWriter& w, const RunTable& t) {
  const hsize_t runs = static_cast<hsize_t>(t.payment.rows());
  const hsize_t n_tracks = t.tracks.size();
  w.group("/tracks", "the settled tracks; their order is the column order of /runs");
  w.strings("/tracks/labels", t.tracks, "track labels, in column order");

  w.group("/runs", "per-run results; row r is run r");
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> payment = t.payment;
  H5::DataSet pay = w.numbers("/runs/payment", payment.data(), {runs, n_tracks}, kUnitsUsd,
                              "net payment, runs x tracks: + paid to the ACO, - owed to CMS", kLayout);
  w.put_strings(pay, "columns", t.tracks);

  const Eigen::Matrix<OutcomeCode, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> outcome = t.outcome;
  std::string codes = "settlement outcome code, runs x tracks:";
  for (std::size_t k = 0; k < kOutcomeNames.size(); ++k) {
    codes += fmt::format("{} {} = {}", k == 0 ? "" : ",", k, kOutcomeNames[k]);
  }
  H5::DataSet out =
      w.numbers("/runs/outcome", outcome.data(), {runs, n_tracks}, nullptr, codes.c_str(), kLayout);
  w.put_strings(out, "columns", t.tracks);
  w.put_strings(out, "outcome_names", {kOutcomeNames.begin(), kOutcomeNames.end()});

  auto vec = [&](const char* path, const Eigen::VectorXd& v, const char* units, const char* d) {
    w.numbers(path, v.data(), {runs}, units, d, kLayout);
  };
  vec("/runs/benchmark", t.benchmark, kUnitsUsd, "updated benchmark B");
  vec("/runs/expenditure", t.expenditure, kUnitsUsd, "performance-year expenditure E");
  vec("/runs/true_effect", t.true_effect, "fraction", "sampled true effect on spending");
  vec("/runs/benchmark_factor", t.benchmark_factor, "ratio", "sampled benchmark update factor");
  vec("/runs/quality", t.quality, "score [0-100]", "sampled quality score");
  w.numbers("/runs/met_qps", t.met_qps.data(), {runs}, "0/1",
            "1 when the quality performance standard was met", kLayout);
  w.numbers("/runs/met_alt_qps", t.met_alt_qps.data(), {runs}, "0/1",
            "1 when the alternative quality performance standard was met", kLayout);
  w.numbers("/runs/done", t.done.data(), {runs}, "0/1",
            "1 when the run completed (0: not yet run, the file is incomplete; acosim run --resume)",
            kLayout);
  if (t.has_cms_benchmark()) {  // benchmark mode cms only (docs/results-schema.md)
    for (const RunField& f : kCmsRunFields)
      vec(("/runs/" + std::string(f.name)).c_str(), t.*f.real, f.units, f.description);
    const Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> guardrail = t.guardrail;
    H5::DataSet g =
        w.numbers("/runs/guardrail_triggered", guardrail.data(), {runs, n_tracks}, "0/1",
                  "runs x tracks: 1 when the ACPT loss guardrail triggered (42 CFR 425.652(b)(5))", kLayout);
    w.put_strings(g, "columns", t.tracks);
  }
}

void write_summaries(h5::FileWriter& w, const SimulationResults& r) {
  w.group("/summary", "statistics over runs (sim/engine/statistics.hpp)");
  w.group("/summary/tracks",
          "one row per track: net payment in USD (dollars/) and in % of benchmark (percent/)");
  std::vector<std::string> labels;
  std::vector<const Stats*> dollars, percent;
  for (const auto& s : r.tracks) {
    labels.push_back(s.label);
    dollars.push_back(&s.dollars);
    percent.push_back(&s.percent);
  }
  w.strings("/summary/tracks/label", labels, "track label of each row");
  write_stats(w, "/summary/tracks/dollars", dollars, kUnitsUsd, "net payment to the ACO");
  write_stats(w, "/summary/tracks/percent", percent, kUnitsPercent,
              "net payment as a percentage of the run's updated benchmark");
  std::vector<double> column(r.tracks.size());
  for (const auto& field : kTrackFields) {
    for (std::size_t i = 0; i < r.tracks.size(); ++i) column[i] = r.tracks[i].*field.member;
    w.vector("/summary/tracks/" + std::string(field.name), column, kUnitsProbability, field.description,
             kLayout);
  }

  w.group("/summary/pairs",
          "one row per pair of tracks (a, b): the run-by-run difference payment_a - payment_b");
  std::vector<std::string> a, b;
  std::vector<std::int64_t> index_a, index_b;
  dollars.clear();
  percent.clear();
  for (const auto& p : r.pairs) {
    a.push_back(p.a);
    b.push_back(p.b);
    index_a.push_back(p.index_a);
    index_b.push_back(p.index_b);
    dollars.push_back(&p.dollars);
    percent.push_back(&p.percent);
  }
  w.strings("/summary/pairs/a", a, "label of track a");
  w.strings("/summary/pairs/b", b, "label of track b");
  w.vector("/summary/pairs/index_a", index_a, nullptr, "row of track a in /summary/tracks", kLayout);
  w.vector("/summary/pairs/index_b", index_b, nullptr, "row of track b in /summary/tracks", kLayout);
  write_stats(w, "/summary/pairs/dollars", dollars, kUnitsUsd, "payment_a - payment_b");
  write_stats(w, "/summary/pairs/percent", percent, kUnitsPercent,
              "(payment_a - payment_b) as a percentage of the run's updated benchmark");
  column.assign(r.pairs.size(), 0.0);
  for (const auto& field : kPairFields) {
    for (std::size_t i = 0; i < r.pairs.size(); ++i) column[i] = r.pairs[i].*field.member;
    w.vector("/summary/pairs/" + std::string(field.name), column, kUnitsProbability, field.description,
             kLayout);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

void read_metadata(h5::FileReader& rd, ResultMetadata& m) {
  const H5::Group g = rd.group("/metadata");
  const std::string w = "/metadata";
  m.program_version = rd.attr_string(g, w, "program_version");
  m.git_commit = rd.attr_string(g, w, "git_commit");
  m.seed = rd.attr_number<std::uint64_t>(g, w, "seed");
  m.runs = rd.attr_number<std::int64_t>(g, w, "runs");
  m.threads = static_cast<int>(rd.attr_number<std::int64_t>(g, w, "threads"));
  // Files written before the attribute existed were single-process or did not say: read as 1.
  if (g.attrExists("ranks")) m.ranks = static_cast<int>(rd.attr_number<std::int64_t>(g, w, "ranks"));
  m.rng_layout = rd.attr_string(g, w, "rng_layout");
  m.created_utc = rd.attr_string(g, w, "created_utc");
  m.wall_seconds = rd.attr_number<double>(g, w, "wall_seconds");
  m.beneficiary_years = rd.attr_number<double>(g, w, "beneficiary_years");
  m.performance_year = rd.attr_number<std::int64_t>(g, w, "performance_year");
  m.beneficiaries = rd.attr_number<std::int64_t>(g, w, "beneficiaries");
  m.complete = rd.attr_number<std::int8_t>(g, w, "complete") != 0;
  m.completed_runs = rd.attr_number<std::int64_t>(g, w, "completed_runs");
  m.scenario_name = rd.attr_string(g, w, "scenario_name");
  m.scenario_path = rd.attr_string(g, w, "scenario_path");
  m.scenario_text = rd.strings("/metadata/scenario", {}).front();
  m.risk.reset();
  m.risk_recorded = g.nameExists("risk");
  if (m.risk_recorded) {
    const std::string rw = "/metadata/risk";
    const H5::Group rg = rd.group(rw);
    if (rd.attr_number<std::int8_t>(rg, rw, "stated") != 0) {
      RiskAppetite a;
      a.confidence = rd.attr_number<double>(rg, rw, "confidence");
      for (auto [name, field] : {std::pair{"max_loss", &a.max_loss}, std::pair{"max_es", &a.max_es},
                                 std::pair{"risk_aversion", &a.risk_aversion}}) {
        if (rg.attrExists(name)) *field = rd.attr_number<double>(rg, rw, name);
      }
      m.risk = a;
    }
  }
  // Files written before warnings were stored have none to show.
  m.warnings.clear();
  if (rd.exists("/metadata/warnings"))
    m.warnings = rd.strings("/metadata/warnings", rd.dims("/metadata/warnings"));

  const std::string lw = "/metadata/library_versions";
  const H5::Group lib = rd.group(lw);
  m.library_versions.clear();
  const int n = lib.getNumAttrs();
  for (int i = 0; i < n; ++i) {
    const std::string name = lib.openAttribute(static_cast<unsigned>(i)).getName();
    m.library_versions[name] = rd.attr_string(lib, lw, name.c_str());
  }
}

void read_table(h5::FileReader& rd, RunTable& t) {
  const std::vector<hsize_t> label_dims = rd.dims("/tracks/labels");
  if (label_dims.size() != 1) rd.fail("dataset /tracks/labels is not 1-D");
  const hsize_t n_tracks = label_dims[0];
  t.tracks = rd.strings("/tracks/labels", {n_tracks});

  const std::vector<hsize_t> pay_dims = rd.dims("/runs/payment");
  if (pay_dims.size() != 2) rd.fail("dataset /runs/payment is not 2-D (runs x tracks)");
  const hsize_t runs = pay_dims[0];
  const auto r = static_cast<Eigen::Index>(runs);
  const auto k = static_cast<Eigen::Index>(n_tracks);
  using RowMajorD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using RowMajorO = Eigen::Matrix<OutcomeCode, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const auto payment = rd.numbers<double>("/runs/payment", {runs, n_tracks});
  t.payment = Eigen::Map<const RowMajorD>(payment.data(), r, k);
  const auto outcome = rd.numbers<std::int8_t>("/runs/outcome", {runs, n_tracks});
  t.outcome = Eigen::Map<const RowMajorO>(outcome.data(), r, k);

  auto vec = [&](const char* path) {
    const auto v = rd.numbers<double>(path, {runs});
    return Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(v.data(), r));
  };
  t.benchmark = vec("/runs/benchmark");
  t.expenditure = vec("/runs/expenditure");
  t.true_effect = vec("/runs/true_effect");
  t.benchmark_factor = vec("/runs/benchmark_factor");
  t.quality = vec("/runs/quality");
  using FlagVector = Eigen::Matrix<std::int8_t, Eigen::Dynamic, 1>;
  const auto met_qps = rd.numbers<std::int8_t>("/runs/met_qps", {runs});
  t.met_qps = Eigen::Map<const FlagVector>(met_qps.data(), r);
  const auto met_alt_qps = rd.numbers<std::int8_t>("/runs/met_alt_qps", {runs});
  t.met_alt_qps = Eigen::Map<const FlagVector>(met_alt_qps.data(), r);
  const auto done = rd.numbers<std::int8_t>("/runs/done", {runs});
  t.done = Eigen::Map<const FlagVector>(done.data(), r);
  if (rd.exists("/runs/two_way_benchmark")) {  // benchmark mode cms
    for (const RunField& f : kCmsRunFields) t.*f.real = vec(("/runs/" + std::string(f.name)).c_str());
    using RowMajorF = Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const auto g = rd.numbers<std::int8_t>("/runs/guardrail_triggered", {runs, n_tracks});
    t.guardrail = Eigen::Map<const RowMajorF>(g.data(), r, k);
  }
}

std::vector<Stats> read_stats(h5::FileReader& rd, const std::string& group, hsize_t n) {
  std::vector<Stats> stats(static_cast<std::size_t>(n));
  for (const auto& field : kStatsFields) {
    const auto v = rd.numbers<double>(group + "/" + field.name, {n});
    for (std::size_t i = 0; i < stats.size(); ++i) stats[i].*field.member = v[i];
  }
  const std::string path = group + "/percentiles";
  const hsize_t levels = kPercentileLevels.size();
  const auto pct = rd.numbers<double>(path, {n, levels});
  const H5::DataSet ds = rd.dataset(path);
  const std::vector<double> stored_levels = rd.attr_doubles(ds, path, "levels");
  if (!std::equal(stored_levels.begin(), stored_levels.end(), kPercentileLevels.begin(),
                  kPercentileLevels.end())) {
    rd.fail(fmt::format("{} has percentile levels [{}], expected [{}]", path, fmt::join(stored_levels, ", "),
                        fmt::join(kPercentileLevels, ", ")));
  }
  for (std::size_t i = 0; i < stats.size(); ++i) {
    std::copy_n(pct.begin() + static_cast<std::ptrdiff_t>(i * levels), levels, stats[i].percentiles.begin());
  }
  return stats;
}

void read_summaries(h5::FileReader& rd, SimulationResults& r) {
  const std::vector<hsize_t> label_dims = rd.dims("/summary/tracks/label");
  if (label_dims.size() != 1) rd.fail("dataset /summary/tracks/label is not 1-D");
  const hsize_t n = label_dims[0];
  const auto labels = rd.strings("/summary/tracks/label", {n});
  const auto dollars = read_stats(rd, "/summary/tracks/dollars", n);
  const auto percent = read_stats(rd, "/summary/tracks/percent", n);
  r.tracks.assign(static_cast<std::size_t>(n), TrackSummary{});
  for (std::size_t i = 0; i < r.tracks.size(); ++i) {
    r.tracks[i].label = labels[i];
    r.tracks[i].dollars = dollars[i];
    r.tracks[i].percent = percent[i];
  }
  for (const auto& field : kTrackFields) {
    const auto v = rd.numbers<double>("/summary/tracks/" + std::string(field.name), {n});
    for (std::size_t i = 0; i < r.tracks.size(); ++i) r.tracks[i].*field.member = v[i];
  }

  const std::vector<hsize_t> a_dims = rd.dims("/summary/pairs/a");
  if (a_dims.size() != 1) rd.fail("dataset /summary/pairs/a is not 1-D");
  const hsize_t m = a_dims[0];
  const auto a = rd.strings("/summary/pairs/a", {m});
  const auto b = rd.strings("/summary/pairs/b", {m});
  const auto index_a = rd.numbers<std::int64_t>("/summary/pairs/index_a", {m});
  const auto index_b = rd.numbers<std::int64_t>("/summary/pairs/index_b", {m});
  const auto pair_dollars = read_stats(rd, "/summary/pairs/dollars", m);
  const auto pair_percent = read_stats(rd, "/summary/pairs/percent", m);
  r.pairs.assign(static_cast<std::size_t>(m), PairSummary{});
  for (std::size_t i = 0; i < r.pairs.size(); ++i) {
    PairSummary& p = r.pairs[i];
    p.a = a[i];
    p.b = b[i];
    if (index_a[i] < 0 || index_a[i] >= static_cast<std::int64_t>(n) || index_b[i] < 0 ||
        index_b[i] >= static_cast<std::int64_t>(n)) {
      rd.fail(
          fmt::format("/summary/pairs row {} indexes tracks ({}, {}) of {}", i, index_a[i], index_b[i], n));
    }
    p.index_a = static_cast<int>(index_a[i]);
    p.index_b = static_cast<int>(index_b[i]);
    p.dollars = pair_dollars[i];
    p.percent = pair_percent[i];
  }
  for (const auto& field : kPairFields) {
    const auto v = rd.numbers<double>("/summary/pairs/" + std::string(field.name), {m});
    for (std::size_t i = 0; i < r.pairs.size(); ++i) r.pairs[i].*field.member = v[i];
  }
}

// How sure the summaries are and what drives them (sim/engine/uncertainty.hpp): recomputable from
// /runs, stored so that readers of the file get them without acosim. Not read back.
void write_uncertainty(h5::FileWriter& w, const SimulationResults& r) {
  const RunTable& t = r.table;
  if (t.runs() == 0 || t.completed() < 2) return;
  w.group("/uncertainty",
          "95% confidence intervals of the summaries and the per-run drivers' effect on payment");
  const auto ci = track_intervals(t);
  const hsize_t n_tracks = t.tracks.size();
  std::vector<double> pct, tail;
  for (const TrackIntervals& c : ci) {
    for (const Interval& i : c.percentiles) pct.insert(pct.end(), {i.lo, i.hi});
    for (const Interval& i : {c.var95, c.es95, c.var99, c.es99}) tail.insert(tail.end(), {i.lo, i.hi});
  }
  w.numbers("/uncertainty/percentile_ci", pct.data(), {n_tracks, kPercentileLevels.size(), 2}, kUnitsUsd,
            "tracks x percentile levels x (low, high): 95% order-statistic confidence interval of each "
            "payment percentile");
  H5::DataSet tail_ds =
      w.numbers("/uncertainty/tail_ci", tail.data(), {n_tracks, 4, 2}, kUnitsUsd,
                "tracks x (var95, es95, var99, es99) x (low, high): 95% confidence intervals of the "
                "loss VaR (order statistics) and ES (delta method)");
  w.put_strings(tail_ds, "columns", {"var95", "es95", "var99", "es99"});
  const Sensitivity sens = payment_sensitivity(t);
  std::vector<std::string> names;
  for (const Driver& d : kDrivers) names.emplace_back(d.key);
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rho = sens.rank_correlation,
                                                                               share = sens.variance_share;
  H5::DataSet rho_ds =
      w.numbers("/uncertainty/rank_correlation", rho.data(), {kDrivers.size(), n_tracks}, "1",
                "drivers x tracks: Spearman rank correlation of the per-run driver with the payment");
  w.put_strings(rho_ds, "rows", names);
  H5::DataSet share_ds =
      w.numbers("/uncertainty/variance_share", share.data(), {kDrivers.size(), n_tracks}, "fraction",
                "drivers x tracks: rho^2 / sum of rho^2 over drivers (contribution to variance)");
  w.put_strings(share_ds, "rows", names);
}

}  // namespace

namespace {

// The whole file's bytes; every HDF5 object is closed when this returns or throws.
std::string file_image(const fs::path& path, const SimulationResults& results) {
  h5::FileWriter w(path.string());
  write_results_into(w, results);
  return w.image();
}

}  // namespace

void write_results_into(h5::FileWriter& w, const SimulationResults& results) {
  check_consistent(results);
  w.put_string(w.file(), "format", kResultsFormat);
  w.put_number<std::int64_t>(w.file(), "format_version", kResultsFormatVersion);
  write_metadata(w, results.meta);
  write_table(w, results.table);
  write_summaries(w, results);
  write_uncertainty(w, results);
}

void write_results(const fs::path& path, const SimulationResults& results) {
  check_consistent(results);
  check_writable(path);
  H5::Exception::dontPrint();
  std::string bytes;
  try {
    bytes = file_image(path, results);  // in memory: no disk error can reach the HDF5 library
  } catch (const H5::Exception& e) {
    throw InputError(fmt::format("cannot write results file {}: {}", path.string(), h5::describe(e)));
  }
  write_file_atomically(path, bytes);  // a full disk or a size limit: errno's text, no temporary left
}

namespace {

// Reads the file through `rd` (no consistency or checksum checks yet).
SimulationResults read_file(const fs::path& path, h5::FileReader& rd) {
  H5::Exception::dontPrint();
  SimulationResults r;
  try {
    rd.open(kResultsFormat, kResultsFormatVersion, "an acosim results file written by `acosim run`");
    read_metadata(rd, r.meta);
    read_table(rd, r.table);
    read_summaries(rd, r);
  } catch (const H5::Exception& e) {
    rd.fail(fmt::format("cannot read {}: {} (truncated or corrupt file?)", rd.context(), h5::describe(e)));
  }
  (void)path;
  return r;
}

void read_in_child(const fs::path& path) {
  h5::FileReader rd(path);
  (void)read_file(path, rd);
}

}  // namespace

SimulationResults read_results(const fs::path& path) {
  H5::Exception::dontPrint();
  h5::FileReader rd(path);
  require_regular_input(path, "a results file");
  h5::read_isolated(path, read_in_child);
  SimulationResults r = read_file(path, rd);
  check_results(path, r);
  rd.verify_checksums();  // after the checks above, whose messages say what is wrong
  return r;
}

}  // namespace acosim
