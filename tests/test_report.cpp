// Reports (sim/report): the CSV is a tidy 5-column table, the JSON holds the raw numbers, the
// Markdown renders as GitHub tables with one row per track, and `acosim report` validates --format.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "sim/engine/statistics.hpp"
#include "sim/output/hdf5_io.hpp"
#include "sim/output/report.hpp"
#include "tests/support.hpp"

using namespace acosim;
namespace fs = std::filesystem;
using namespace acosim::test;
using Catch::Matchers::Contains;

namespace {

// Six runs, three tracks, known numbers; the third label needs CSV quoting and is not ASCII.
SimulationResults sample_results() {
  SimulationResults r;
  r.meta = sample_metadata(6);
  r.meta.scenario_name = "Mid-size ACO";
  r.meta.scenario_path = "scenarios/mid.yaml";
  r.meta.scenario_text = "name: mid\n";
  r.meta.seed = 18446744073709551557ULL;
  r.meta.beneficiaries = 12345;
  fill_six_runs(r.table);
  r.table.quality.setConstant(80);
  summarize(r);
  return r;
}

// RFC 4180 parser: rows of fields (quoted fields may hold commas, quotes and line breaks).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else {
      field += c;
    }
  }
  REQUIRE_FALSE(quoted);
  REQUIRE(field.empty());  // the text ends with a line break
  return rows;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Number of cell separators: '|' not escaped as "\|".
int pipes(const std::string& line) {
  int n = 0;
  for (std::size_t i = 0; i < line.size(); ++i) n += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
  return n;
}

}  // namespace

TEST_CASE("CSV report is one row per track and one column per metric with its unit", "[report]") {
  const SimulationResults r = sample_results();
  const auto rows = parse_csv(report_csv(r));
  REQUIRE(rows.size() == 1 + r.tracks.size());
  const auto& header = rows.front();
  for (const auto& row : rows) CHECK(row.size() == header.size());
  // Every metric column names its unit; no two columns share a name (so it pivots).
  for (std::size_t j = 2; j < header.size(); ++j) {
    INFO(header[j]);
    const bool unit = header[j].ends_with("_usd") || header[j].ends_with("_pct_of_benchmark") ||
                      header[j].ends_with("_fraction");
    CHECK(unit);
    CHECK(std::count(header.begin(), header.end(), header[j]) == 1);
  }
  CHECK(header[0] == "track_key");
  CHECK(header[1] == "track");
  auto cell = [&](std::size_t track, const std::string& column) -> std::string {
    const auto at = std::find(header.begin(), header.end(), column);
    REQUIRE(at != header.end());
    return rows[1 + track][static_cast<std::size_t>(at - header.begin())];
  };
  CHECK(cell(0, "track_key") == "BASIC_A (one-sided)");
  CHECK(cell(2, "track_key") == r.table.tracks[2]);  // quoted (comma, quotes) and not ASCII
  // Amounts to the cent, rates to 6 significant digits: no 17-digit floats.
  CHECK(cell(0, "mean_usd") == "1000000.00");
  CHECK(cell(1, "mean_usd") == "1250000.00");
  CHECK(cell(2, "mean_usd") == fmt::format("{:.2f}", r.tracks[2].dollars.mean));
  CHECK(cell(2, "p95_usd") == fmt::format("{:.2f}", r.tracks[2].dollars.percentiles[7]));
  CHECK(cell(2, "es99_usd") == fmt::format("{:.2f}", r.tracks[2].dollars.es99));
  CHECK(cell(1, "p_losses_fraction") == "0.333333");
  CHECK(cell(0, "p_corridor_fraction") == "0.333333");
  CHECK(std::stod(cell(1, "mean_pct_of_benchmark")) == Approx(r.tracks[1].percent.mean).epsilon(1e-5));
  for (std::size_t k = 0; k < r.tracks.size(); ++k) {
    for (std::size_t j = 2; j < header.size(); ++j) {
      const std::string& v = rows[1 + k][j];
      INFO(header[j] << " = " << v);
      CHECK(v.size() <= 16);
    }
  }
  // The pairs go to a companion file, one row per pair.
  const auto companions = report_detail::csv_companions(basic_report_input(r, std::nullopt));
  REQUIRE(companions.size() == 1);
  CHECK(companions[0].first == ".pairs.csv");
  const auto pairs = parse_csv(companions[0].second);
  REQUIRE(pairs.size() == 1 + r.pairs.size());
  CHECK(pairs[1][0] == "BASIC_A (one-sided)");
  CHECK(pairs[1][1] == "ENHANCED");
  const auto mean = std::find(pairs[0].begin(), pairs[0].end(), "mean_usd") - pairs[0].begin();
  CHECK(pairs[1][static_cast<std::size_t>(mean)] == "-250000.00");
}

TEST_CASE("JSON report holds the raw numbers", "[report]") {
  const SimulationResults r = sample_results();
  const auto j = nlohmann::json::parse(report_json(r));
  CHECK(j.at("format") == "acosim-report");
  CHECK(j.at("scenario").at("seed").get<std::uint64_t>() == 18446744073709551557ULL);
  CHECK(j.at("scenario").at("performance_year") == 2024);
  const auto& tracks = j.at("tracks");
  REQUIRE(tracks.size() == 3);
  CHECK(tracks[0].at("label") == "BASIC_A (one-sided)");
  CHECK(tracks[0].at("dollars").at("mean").get<double>() == 1000000.0);
  CHECK(tracks[1].at("dollars").at("mean").get<double>() == 1250000.0);
  CHECK(tracks[2].at("label") == r.table.tracks[2]);
  CHECK(tracks[2].at("dollars").at("mean").get<double>() == r.tracks[2].dollars.mean);
  CHECK(tracks[2].at("dollars").at("percentiles").at("p50").get<double>() ==
        r.tracks[2].dollars.percentiles[4]);
  CHECK(tracks[1].at("percent").at("var95").get<double>() == r.tracks[1].percent.var95);
  CHECK(tracks[1].at("p_losses").get<double>() == 2.0 / 6.0);
  const auto& pairs = j.at("pairs");
  REQUIRE(pairs.size() == 3);
  CHECK(pairs[0].at("a") == "BASIC_A (one-sided)");
  CHECK(pairs[0].at("b") == "ENHANCED");
  CHECK(pairs[0].at("dollars").at("mean").get<double>() == -250000.0);
  CHECK(pairs[2].at("p_a_better").get<double>() == r.pairs[2].p_a_better);
}

TEST_CASE("Markdown report renders as GitHub tables, one row per track", "[report]") {
  const SimulationResults r = sample_results();
  const std::string md = report_markdown(r);
  CHECK_THAT(md, Contains("# acosim results: Mid-size ACO"));
  CHECK_THAT(md, Contains("| Track | Mean ± MC SE | SD | P1 | P5 | P10 | P25 | P50 | P75 | P90 | "
                          "P95 | P99 |"));
  CHECK_THAT(md, Contains("| Track | P(savings) | P(losses) | P(corridor) |"));
  CHECK_THAT(md, Contains("| A | B | Mean diff ± SE |"));
  CHECK_THAT(md, Contains("| $1,000,000 ± "));
  CHECK_THAT(md, Contains("| 12,345 |"));
  const auto all = lines(md);
  const std::size_t pairs_at = md.find("## Track differences");
  REQUIRE(pairs_at != std::string::npos);
  const auto per_track = lines(md.substr(0, pairs_at));
  for (const auto& label : r.table.tracks) {
    const std::string start = fmt::format("| {} |", label);
    int rows = 0;
    for (const auto& line : per_track) rows += line.rfind(start, 0) == 0;
    CHECK(rows ==
          5);  // payment [USD], probabilities and tail risk, intervals, drivers, payment [% of benchmark]
  }
  // Every table: a header, a separator row of :--- / ---:, and rows with as many cells.
  int tables = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].empty() || all[i][0] != '|' || (i > 0 && !all[i - 1].empty())) continue;
    ++tables;
    REQUIRE(i + 1 < all.size());
    CHECK(all[i + 1].find_first_not_of("|:-") == std::string::npos);
    const int n = pipes(all[i]);
    for (std::size_t k = i + 1; k < all.size() && !all[k].empty(); ++k) {
      INFO(all[k]);
      CHECK(pipes(all[k]) == n);
    }
  }
  CHECK(tables == 8);  // assumptions, USD, probabilities, intervals, drivers, percent, pairs, run
}

TEST_CASE("Text report is aligned plain text", "[report]") {
  const SimulationResults r = sample_results();
  const std::string text = report_text(r);
  CHECK_THAT(text, Contains("acosim results: Mid-size ACO"));
  CHECK_THAT(text, Contains("$1.00M ± "));
  CHECK_THAT(text, Contains("Seed:"));
  for (const auto& label : r.table.tracks) CHECK_THAT(text, Contains(label));
  CHECK(text.find('|') == std::string::npos);
}

TEST_CASE("Reports summarize a table that has no summaries yet", "[report]") {
  SimulationResults r = sample_results();
  r.tracks.clear();
  r.pairs.clear();
  const auto j = nlohmann::json::parse(report_json(r));
  REQUIRE(j.at("tracks").size() == 3);
  CHECK(j.at("tracks")[0].at("dollars").at("mean").get<double>() == 1000000.0);
}

TEST_CASE("acosim report reads a results file and validates --format", "[report][cli]") {
  if (!fs::exists(ACOSIM_BINARY)) {
    WARN("acosim binary not built: skipped");
    return;
  }
  const TempDir tmp("report");
  const fs::path& dir = tmp.path;
  const SimulationResults r = sample_results();
  write_results(dir / "results.h5", r);
  auto run = [&](const std::string& args, const fs::path& out) {
    int status = 0;
    write_file(out, run_acosim(fmt::format("report '{}' {}", (dir / "results.h5").string(), args), status));
    return status;
  };
  CHECK(run("--format csv", dir / "stdout.csv") == 0);
  CHECK(slurp(dir / "stdout.csv") == report_csv(r));
  CHECK(run(fmt::format("--format json -o '{}'", (dir / "report.json").string()), dir / "log.txt") == 0);
  CHECK(slurp(dir / "report.json") == report_json(r));
  CHECK(run("--format xml", dir / "error.txt") != 0);
  const std::string error = slurp(dir / "error.txt");
  CHECK_THAT(error, Contains("md") && Contains("csv") && Contains("json") && Contains("text"));
}
