// The report formats (sim/output/report/): one output convention for every command (the format
// follows --format or the extension, unknown extensions are refused before any work, "-" is
// standard output, folders are created, the default scenario is found beside the binary), the
// assumptions every format opens with, plain words and widths, and the Excel workbook read back
// with openpyxl (and LibreOffice where installed) against the HDF5 file.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "sim/common/error.hpp"
#include "sim/common/parse.hpp"
#include "sim/engine/statistics.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/output/hdf5_io.hpp"
#include "sim/output/report.hpp"
#include "sim/output/report/format.hpp"
#include "sim/output/report/labels.hpp"
#include "sim/output/report/table.hpp"
#include "support.hpp"

using namespace acosim;
using acosim::test::find_chromium;
using acosim::test::run_acosim;
using acosim::test::run_command;
using acosim::test::slurp;
using acosim::test::TempDir;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// A quality score given as a fraction: the warning the scenario reader raises for it.
constexpr const char* kWarning =
    "quality.score.mean: 0.83 looks like a fraction; scores are 0-100 (did you mean 83?)";

// 200 runs of the default scenario's tracks, settled from a smooth spread of outcomes.
SimulationResults sample_results() {
  SimulationResults r;
  r.meta.scenario_name = "Test ACO";
  r.meta.scenario_text = slurp(fs::path(ACOSIM_SOURCE_DIR) / "scenarios" / "default.yaml");
  r.meta.seed = 7;
  r.meta.runs = r.meta.completed_runs = 200;
  r.meta.performance_year = 2024;
  r.meta.beneficiaries = 13438;
  r.meta.warnings = {kWarning};
  RunTable& t = r.table;
  t.tracks = {"BASIC_A", "BASIC_E msr=0%", "ENHANCED msr=1%", "My | contract"};
  t.resize(200, 4);
  t.done.setOnes();
  for (long i = 0; i < 200; ++i) {
    const double u = (static_cast<double>(i) + 0.5) / 200.0;
    const double savings = 4e6 * (u - 0.35);
    t.benchmark(i) = 1.5e8;
    t.expenditure(i) = 1.5e8 - savings;
    t.quality(i) = 80;
    t.payment(i, 0) = savings > 2e6 ? 0.4 * savings : 0.0;
    t.payment(i, 1) = 0.5 * savings;
    t.payment(i, 2) = 0.75 * savings;
    t.payment(i, 3) = 0.6 * savings + 0.125;
  }
  summarize(r);
  return r;
}

ReportInput full_input(const SimulationResults& r) {
  const Scenario s = parse_scenario(r.meta.scenario_text, "default.yaml");
  ReportInput in;
  in.results = &r;
  in.assumptions = describe_assumptions(s, r.meta);
  return in;
}

// The python3 that has openpyxl ("" when none).
std::string python_with_openpyxl() {
  for (const char* py : {"/usr/bin/python3", "python3"}) {
    int status = 0;
    run_command(fmt::format("{} -c 'import openpyxl' 2>/dev/null", py), status);
    if (status == 0) return py;
  }
  return "";
}

// The workbook read back by openpyxl, as JSON: {"_order": sheet names, name: rows of cell values,
// "_formats": Summary C2's and I2's number formats}; nullopt, with a warning, without openpyxl.
std::optional<nlohmann::json> read_workbook(const fs::path& book) {
  const std::string py = python_with_openpyxl();
  if (py.empty()) {
    WARN("python3-openpyxl not installed: read-back skipped (apt-get install python3-openpyxl)");
    return std::nullopt;
  }
  const fs::path script = book.parent_path() / "dump.py";
  std::ofstream(script)
      << "import json, sys, openpyxl\n"
         "wb = openpyxl.load_workbook(sys.argv[1])\n"
         "out = {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}\n"
         "out['_order'] = wb.sheetnames\n"
         "s = wb['Summary']\n"
         "out['_formats'] = [s.cell(2, 3).number_format, s.cell(2, 9).number_format]\n"
         "print(json.dumps(out))\n";
  int status = 0;
  const std::string dumped =
      run_command(fmt::format("{} '{}' '{}'", py, script.string(), book.string()), status);
  REQUIRE(status == 0);
  return nlohmann::json::parse(dumped);
}

}  // namespace

TEST_CASE(
    "the report format follows --format, else the extension, and an unknown one is refused with the list",
    "[report][format]") {
  CHECK(report_format_for_path("a/b.HTML", "-o") == ReportFormat::Html);
  CHECK(report_format_for_path("r.md", "-o") == ReportFormat::Markdown);
  CHECK(report_format_for_path("r.txt", "-o") == ReportFormat::Text);
  CHECK(report_format_for_path("r.xlsx", "-o") == ReportFormat::Xlsx);
  CHECK(report_format_for_path("r.csv", "-o") == ReportFormat::Csv);
  CHECK(report_format_for_path("r.json", "-o") == ReportFormat::Json);
  CHECK_THROWS_WITH(
      report_format_for_path("r.pdf", "--report"),
      Contains("--report r.pdf: unknown extension .pdf") && Contains(".html") && Contains(".xlsx"));
  CHECK_THROWS_WITH(report_format_for_path("report", "-o"),
                    Contains("has no extension") && Contains("--format"));
  CHECK_THROWS_WITH(report_format_named("pdf"), Contains("text, md, html, csv, json, xlsx"));
  CHECK(resolve_report_target("-", "", "-o").to_stdout());
  CHECK(resolve_report_target("", "json", "-o").format == ReportFormat::Json);
  CHECK_THROWS_WITH(resolve_report_target("-", "xlsx", "-o"), Contains("binary"));
  // Every format has a name, an extension and a renderer; names and extensions are unique.
  std::vector<std::string_view> seen;
  for (const ReportFormatInfo& f : report_formats()) {
    REQUIRE(f.render != nullptr);
    REQUIRE_FALSE(f.extensions.empty());
    seen.push_back(f.name);
    for (auto e : f.extensions) seen.push_back(e);
  }
  std::sort(seen.begin(), seen.end());
  CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
}

TEST_CASE("every report opens with the assumptions and the load warnings", "[report][assumptions]") {
  const SimulationResults r = sample_results();
  const ReportInput in = full_input(r);
  const std::vector<std::string> items = {"ACO",
                                          "Size and mix",
                                          "Performance year",
                                          "Benchmark",
                                          "Benchmark trend",
                                          "True effect",
                                          "Quality",
                                          "Participant revenue",
                                          "Tracks and elections",
                                          "Runs",
                                          "Seed"};
  for (const auto& item : items) {
    INFO(item);
    CHECK(std::any_of(in.assumptions.rows.begin(), in.assumptions.rows.end(),
                      [&](const AssumptionRow& a) { return a.item == item; }));
  }
  const auto value = [&](const std::string& item) {
    for (const auto& a : in.assumptions.rows) {
      if (a.item == item) return a.value;
    }
    return std::string();
  };
  CHECK(value("True effect") ==
        "-1.5% of spending on average, uncertain: SD 1.5% across runs (Normal) (negative: the ACO spends "
        "less)");
  CHECK_THAT(value("Benchmark"), Contains("historical") && Contains("10%/30%/60%"));
  CHECK_THAT(value("Benchmark trend"),
             Contains("update factor 1.0000") && Contains("SD 1% of the benchmark"));
  CHECK_THAT(value("Size and mix"), Contains("13,438 assigned") && Contains("aged/non-dual 86.8%"));
  CHECK_THAT(value("Quality"), Contains("score 83.1 of 100") && Contains("77.05") && Contains("90%"));
  CHECK(value("Participant revenue") == "$40,000,000; low-revenue ACO");
  CHECK(value("Tracks and elections") ==
        "BASIC Level A; BASIC Level C, 1% MSR/MLR; BASIC Level E, 0% MSR/MLR; BASIC "
        "Level E, 2% MSR/MLR; ENHANCED, 1% MSR/MLR");
  CHECK(value("Seed") == "7");

  // The CSV is the per-track data table; the workbook is read back in its own test.
  for (const ReportFormatInfo& f : report_formats()) {
    if (f.binary || f.format == ReportFormat::Csv) continue;
    INFO(f.name);
    const std::string out = f.render(in);
    const auto at = out.find("Benchmark trend");
    REQUIRE(at != std::string::npos);
    CHECK(out.find("0.83 looks like a fraction") != std::string::npos);
    if (f.format != ReportFormat::Json) {
      CHECK(at < out.find("Net payment by track"));  // before the first result
    }
  }
}

TEST_CASE("a warning raised at load is stored in the results file and shown by acosim report",
          "[report][assumptions][cli]") {
  TempDir dir("report_warn");
  const SimulationResults r = sample_results();
  write_results(dir.path / "r.h5", r);
  CHECK(read_results(dir.path / "r.h5").meta.warnings == std::vector<std::string>{kWarning});
  int status = 0;
  const std::string text = run_acosim(fmt::format("report '{}'", (dir.path / "r.h5").string()), status);
  CHECK(status == 0);
  CHECK_THAT(text, Contains("WARNING: quality.score.mean: 0.83 looks like a fraction"));
  CHECK_THAT(text, Contains("True effect:") && Contains("Benchmark trend:"));
}

TEST_CASE("the text report fits 100 columns and keeps every column of the wide tables", "[report][text]") {
  const SimulationResults r = sample_results();
  const std::string text = report_detail::render_text_report(full_input(r));
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(report::display_width(line) <= 100);
  }
  for (const char* h : {"P1", "P50", "P99", "VaR95", "ES99", "P(quality failed)"})
    CHECK_THAT(text, Contains(h));
}

TEST_CASE("tables escape | in Markdown cells and name tracks in plain words", "[report][labels]") {
  const SimulationResults r = sample_results();
  const std::string md = report_markdown(r);
  CHECK_THAT(md, Contains("| My \\| contract |"));
  CHECK_THAT(md, Contains("| BASIC Level E, 0% MSR/MLR |"));
  CHECK(md.find("msr=0%") == std::string::npos);
  CHECK(report::plain_track_label("BASIC_A") == "BASIC Level A");
  CHECK(report::plain_track_label("BASIC_E msr=0%") == "BASIC Level E, 0% MSR/MLR");
  CHECK(report::plain_track_label("ENHANCED msr=1.5%") == "ENHANCED, 1.5% MSR/MLR");
  CHECK(report::plain_track_label("BASIC_C msr=variable") == "BASIC Level C, variable MSR/MLR (by ACO size)");
  CHECK(report::plain_track_label("ENHANCED msr=1% PV") == "ENHANCED msr=1% PV");  // the user's own label
  CHECK(report::plain_track_label("Commercial 50/50") == "Commercial 50/50");
  CHECK(report::plain_key_label("tracks[1].msr") == "MSR/MLR election of track 2");
  CHECK(report::plain_key_label("true_effect.mean") == "True effect on spending (mean)");
  CHECK(report::plain_key_label("made.up") == "made.up");
}

TEST_CASE("the risk verdict gives its reasons in words", "[report][risk]") {
  SimulationResults r = sample_results();
  RiskAppetite a;
  a.max_loss = 5e5;
  a.max_es = 3e5;
  const std::string md = report_markdown(r, a);
  CHECK_THAT(md, Contains("no: ") && Contains("chance of owing more than $500,000 (limit 5.00%)"));
  CHECK_THAT(md, Contains("mean loss in the worst 5.00% of runs"));
  CHECK(md.find("(P(owe)") == std::string::npos);
}

TEST_CASE(
    "acosim report writes the format its -o extension names, creates the folder, and - is standard output",
    "[report][cli]") {
  TempDir dir("report_cli");
  write_results(dir.path / "r.h5", sample_results());
  const std::string h5 = (dir.path / "r.h5").string();
  int status = 0;
  run_acosim(fmt::format("report '{}' -o '{}'", h5, (dir.path / "new" / "deeper" / "out.html").string()),
             status);
  CHECK(status == 0);
  CHECK(slurp(dir.path / "new" / "deeper" / "out.html").rfind("<!DOCTYPE html>", 0) == 0);
  const std::string out = run_acosim(fmt::format("report '{}' -o -", h5), status);
  CHECK(status == 0);
  CHECK(out.rfind("acosim results: Test ACO", 0) == 0);
  CHECK_FALSE(fs::exists("-"));
  CHECK(nlohmann::json::parse(run_acosim(fmt::format("report '{}' -o - --format json", h5), status))
            .at("format") == "acosim-report");
  const std::string refused =
      run_acosim(fmt::format("report '{}' -o '{}'", h5, (dir.path / "x.pdf").string()), status);
  CHECK(WEXITSTATUS(status) == 2);
  CHECK_THAT(refused, Contains("unknown extension .pdf") && Contains(".xlsx"));
  CHECK_FALSE(fs::exists(dir.path / "x.pdf"));
  // CSV with --per-run: the summary, the pairs and every run x track.
  run_acosim(fmt::format("report '{}' -o '{}' --per-run", h5, (dir.path / "s.csv").string()), status);
  CHECK(status == 0);
  CHECK(fs::exists(dir.path / "s.pairs.csv"));
  const std::string runs = slurp(dir.path / "s.runs.csv");
  CHECK(std::count(runs.begin(), runs.end(), '\n') == 1 + 200 * 4);
}

TEST_CASE("acosim run refuses an unknown --report extension before any work and creates results/",
          "[report][cli]") {
  TempDir dir("run_conv");
  int status = 0;
  const std::string refused =
      run_acosim(fmt::format("run '{}/scenarios/small-aco.yaml' --runs 20 -q -o '{}' --report '{}'",
                             ACOSIM_SOURCE_DIR, (dir.path / "r.h5").string(), (dir.path / "r.docx").string()),
                 status);
  CHECK(WEXITSTATUS(status) == 2);
  CHECK_THAT(refused, Contains("--report") && Contains("unknown extension .docx") && Contains(".md"));
  CHECK_FALSE(fs::exists(dir.path / "r.h5"));
  // From a folder with neither scenarios/ nor results/: the default scenario beside the binary.
  const std::string ok = run_command(fmt::format("cd '{}' && '{}' run --runs 20 -q --report out/r.xlsx 2>&1",
                                                 dir.path.string(), ACOSIM_BINARY),
                                     status);
  INFO(ok);
  CHECK(status == 0);
  CHECK(fs::exists(dir.path / "results" / "default.h5"));
  const std::string xlsx = slurp(dir.path / "out" / "r.xlsx");
  CHECK(xlsx.rfind("PK", 0) == 0);  // a zip archive, not Markdown
}

TEST_CASE("acosim run --format chooses the report's format, and --report - prints it instead of the text",
          "[report][cli]") {
  TempDir dir("run_format");
  int status = 0;
  const std::string run = fmt::format("run '{}/scenarios/small-aco.yaml' --runs 20 -o '{}'",
                                      ACOSIM_SOURCE_DIR, (dir.path / "r.h5").string());
  const std::string out =
      run_command(fmt::format("'{}' {} --report - --format json 2>/dev/null", ACOSIM_BINARY, run), status);
  CHECK(status == 0);
  const auto j = nlohmann::json::parse(out);  // JSON alone: the text report is not printed too
  CHECK(j.at("format") == "acosim-report");
  run_acosim(fmt::format("{} -q --report '{}' --format md", run, (dir.path / "notes.txt").string()), status);
  CHECK(WEXITSTATUS(status) == 0);
  CHECK_THAT(slurp(dir.path / "notes.txt"), Contains("# acosim results: small-aco") && Contains("| "));
  struct Bad {
    std::string args, expect;
  };
  for (const Bad& b : {Bad{"--format md", "--format md: give --report FILE"},
                       Bad{"--report - --format xlsx", "the xlsx format is binary"},
                       Bad{"--report x.md --format docx", "--format docx: unknown report format"}}) {
    INFO(b.args);
    fs::remove(dir.path / "r.h5");
    const std::string log = run_acosim(fmt::format("{} -q {}", run, b.args), status);
    CHECK(WEXITSTATUS(status) == 2);
    CHECK_THAT(log, Contains(b.expect));
    CHECK_FALSE(fs::exists(dir.path / "r.h5"));
  }
}

TEST_CASE(
    "an agreement's workbook opens with the Agreement sheet: per path and year, the HDF5 file's numbers",
    "[report][xlsx][agreement][cli]") {
  TempDir dir("xlsx_agreement");
  const std::string h5 = (dir.path / "a.h5").string(), book = (dir.path / "a.xlsx").string();
  int status = 0;
  const std::string log = run_acosim(
      fmt::format("agreement '{}/scenarios/agreement-paths.yaml' --runs 16 --set aco.beneficiaries=3000 "
                  "-q -o '{}' --report '{}'",
                  ACOSIM_SOURCE_DIR, h5, book),
      status);
  INFO(log);
  REQUIRE(status == 0);
  const std::optional<nlohmann::json> book_json = read_workbook(book);
  if (!book_json) return;
  const nlohmann::json& j = *book_json;
  CHECK(j.at("_order")[0] == "Agreement");
  const SimulationResults r = read_results(h5);
  const auto& rows = j.at("Agreement");
  const std::size_t paths = 4, years = 5, width = 3 + years;
  REQUIRE(rows.size() == 1 + paths);
  REQUIRE(r.tracks.size() == paths * width);
  CHECK(rows[0][13] == "PY2024 mean [USD]");
  CHECK(rows[0][18] == "PY2024 P(owes shared losses)");
  for (std::size_t p = 0; p < paths; ++p) {
    INFO(rows[1 + p][0]);
    const auto& row = rows[1 + p];
    const TrackSummary& total = r.tracks[p * width];
    CHECK(row[3].get<double>() == Approx(total.dollars.mean).epsilon(1e-14));
    CHECK(row[5].get<double>() == Approx(total.dollars.percentiles[1]).epsilon(1e-14));          // P5
    CHECK(row[8].get<double>() == Approx(r.tracks[p * width + 1].dollars.mean).epsilon(1e-14));  // PV
    CHECK(row[9].get<double>() == Approx(total.p_losses).epsilon(1e-14));
    for (std::size_t y = 0; y < years; ++y) {
      CHECK(row[13 + y].get<double>() == Approx(r.tracks[p * width + 3 + y].dollars.mean).epsilon(1e-14));
      CHECK(row[18 + y].get<double>() == Approx(r.tracks[p * width + 3 + y].p_losses).margin(1e-15));
    }
  }
}

TEST_CASE("the workbook reads back in openpyxl with the numbers of the HDF5 file", "[report][xlsx][cli]") {
  TempDir dir("xlsx");
  const std::string h5 = (dir.path / "r.h5").string(), book = (dir.path / "r.xlsx").string();
  int status = 0;
  const std::string log =
      run_acosim(fmt::format("run '{}/scenarios/small-aco.yaml' --runs 400 -q -o '{}' --report '{}' "
                             "--max-loss 2e5",
                             ACOSIM_SOURCE_DIR, h5, book),
                 status);
  INFO(log);
  REQUIRE(status == 0);
  const std::optional<nlohmann::json> book_json = read_workbook(book);
  if (!book_json) return;
  const nlohmann::json& j = *book_json;
  const SimulationResults r = read_results(h5);
  const auto sheets = j.at("_order").get<std::vector<std::string>>();
  for (const char* s : {"Summary", "Percentiles", "Differences", "Per run", "Assumptions", "Verdict"}) {
    INFO(s);
    CHECK(std::find(sheets.begin(), sheets.end(), s) != sheets.end());
  }
  const auto& summary = j.at("Summary");
  REQUIRE(summary.size() == 1 + r.tracks.size());
  CHECK(summary[0][2] == "Mean [USD]");
  for (std::size_t k = 0; k < r.tracks.size(); ++k) {
    const auto& row = summary[1 + k];
    CHECK(row[0] == report::plain_track_label(r.tracks[k].label));
    CHECK(row[1] == r.tracks[k].label);
    CHECK(row[2].get<double>() == Approx(r.tracks[k].dollars.mean).epsilon(1e-14));
    CHECK(row[7].get<double>() == Approx(r.tracks[k].dollars.percentiles[7]).epsilon(1e-14));
    CHECK(row[10].get<double>() == Approx(r.tracks[k].p_losses).epsilon(1e-14));
  }
  CHECK(j.at("_formats")[0] == "$#,##0;[Red]-$#,##0");
  CHECK(j.at("_formats")[1] == "0.00%");
  const auto& per_run = j.at("Per run");
  REQUIRE(per_run.size() == 1 + 400);
  for (long i : {0L, 123L, 399L}) {
    const auto& row = per_run[static_cast<std::size_t>(1 + i)];
    CHECK(row[0].get<long>() == i);
    CHECK(row[1].get<double>() == Approx(r.table.benchmark(i)).epsilon(1e-14));
    for (long k = 0; k < static_cast<long>(r.tracks.size()); ++k) {
      CHECK(row[static_cast<std::size_t>(6 + k)].get<double>() ==
            Approx(r.table.payment(i, k)).epsilon(1e-14).margin(1e-6));
    }
  }
  const auto& assumptions = j.at("Assumptions");
  CHECK(std::any_of(assumptions.begin(), assumptions.end(),
                    [](const auto& row) { return row[0] == "True effect"; }));
}

namespace {

// The fields of one CSV line (RFC 4180 quoting, as LibreOffice writes it).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      out.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

// A cell as LibreOffice writes it: a number, or a percent-formatted fraction as "39.25%".
double cell_value(const std::string& cell) {
  const auto x = parse_decimal_or_percent(cell);
  if (!x) throw std::runtime_error("not a number: " + cell);
  return x->percent ? x->value * 0.01 : x->value;
}

}  // namespace

TEST_CASE("LibreOffice opens the workbook and its Summary sheet holds the numbers of the HDF5 file",
          "[report][xlsx][cli]") {
  if (std::system("command -v soffice > /dev/null 2>&1") != 0) {
    WARN("LibreOffice (soffice) not installed: round-trip skipped (apt-get install libreoffice-calc-nogui)");
    return;
  }
  TempDir dir("xlsx-lo");
  const std::string h5 = (dir.path / "r.h5").string(), book = (dir.path / "r.xlsx").string();
  int status = 0;
  const std::string log =
      run_acosim(fmt::format("run '{}/scenarios/small-aco.yaml' --runs 400 -q -o '{}' --report '{}'",
                             ACOSIM_SOURCE_DIR, h5, book),
                 status);
  INFO(log);
  REQUIRE(status == 0);
  // The first sheet (Summary) as CSV, cells as stored (token 9 false: not "as shown"), UTF-8.
  const std::string convert = fmt::format(
      "cd '{0}' && timeout 120 soffice --headless -env:UserInstallation=file://{0}/lo "
      "--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false' "
      "--outdir '{1}' '{2}' > /dev/null 2>&1",
      dir.path.string(), (dir.path / "lo-out").string(), book);
  REQUIRE(std::system(convert.c_str()) == 0);
  std::istringstream csv(slurp(dir.path / "lo-out" / "r.csv"));
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(csv, line);) rows.push_back(csv_fields(line));
  const SimulationResults r = read_results(h5);
  REQUIRE(rows.size() >= 1 + r.tracks.size());
  CHECK(rows[0][2] == "Mean [USD]");
  for (std::size_t k = 0; k < r.tracks.size(); ++k) {
    const auto& row = rows[1 + k];
    INFO(r.tracks[k].label);
    REQUIRE(row.size() > 10);
    CHECK(row[0] == report::plain_track_label(r.tracks[k].label));
    CHECK(row[1] == r.tracks[k].label);
    CHECK(cell_value(row[2]) == Approx(r.tracks[k].dollars.mean).epsilon(1e-12));
    CHECK(cell_value(row[3]) == Approx(r.tracks[k].dollars.mcse).epsilon(1e-12));
    CHECK(cell_value(row[7]) == Approx(r.tracks[k].dollars.percentiles[7]).epsilon(1e-12));
    CHECK(cell_value(row[8]) == Approx(r.tracks[k].p_savings).epsilon(1e-12));
    CHECK(cell_value(row[10]) == Approx(r.tracks[k].p_losses).epsilon(1e-12).margin(1e-15));
    CHECK(cell_value(row[15]) == Approx(r.tracks[k].dollars.es95).epsilon(1e-12).margin(1e-9));
  }
}

namespace {

// Runs of whitespace (line breaks inside wrapped cells included) as one space.
std::string squeeze(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

}  // namespace

TEST_CASE("the HTML report printed to PDF on A4 and Letter keeps every column header and every figure",
          "[report][html][pdf]") {
  const std::string chromium = find_chromium();
  if (chromium.empty() || std::system("command -v pdftotext > /dev/null 2>&1") != 0) {
    WARN(
        "chromium or pdftotext (poppler-utils) not installed: print check skipped (scripts/setup.sh installs "
        "them)");
    return;
  }
  TempDir dir("pdf");
  const SimulationResults r = sample_results();
  ReportInput in = full_input(r);
  RiskAppetite a;
  a.max_loss = 5e5;
  in.risk = a;
  const std::string html = render_report(ReportFormat::Html, in);
  for (const char* paper : {"A4", "Letter"}) {
    DYNAMIC_SECTION(paper) {
      std::string page = html;
      page.insert(page.find("</head>"), fmt::format("<style>@page {{ size: {} portrait; }}</style>", paper));
      const fs::path file = dir.path / fmt::format("{}.html", paper),
                     pdf = dir.path / fmt::format("{}.pdf", paper);
      std::ofstream(file) << page;
      const std::string print = fmt::format(
          "timeout 120 '{}' --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
          "--disable-background-networking --disable-component-update --disable-sync --user-data-dir='{}' "
          "--no-pdf-header-footer --print-to-pdf='{}' 'file://{}' > /dev/null 2>&1",
          chromium, (dir.path / fmt::format("profile-{}", paper)).string(), pdf.string(), file.string());
      REQUIRE(std::system(print.c_str()) == 0);
      int status = 0;
      const std::string text =
          squeeze(run_command(fmt::format("pdftotext -raw -enc UTF-8 '{}' -", pdf.string()), status));
      REQUIRE(status == 0);
      for (const auto& row : in.assumptions.rows) {
        INFO(row.item);
        CHECK_THAT(text, Contains(row.item));
      }
      std::vector<report::Table> tables = report_detail::build_tables(r, format_money_full);
      tables.push_back(report_detail::risk_table(*report_detail::verdict(r, a), format_money_full));
      for (const auto& t : tables) {
        for (const auto& h : t.header) {
          INFO(t.title << ": header " << h);
          CHECK_THAT(text, Contains(squeeze(h)));
        }
        for (const auto& row : t.rows) {
          for (const auto& cell : row) {
            // "mean ± SE" cells may wrap at a space: look for each figure.
            std::size_t from = 0;
            while (from <= cell.size()) {
              const std::size_t to = std::min(cell.find(" ± ", from), cell.size());
              const std::string figure = squeeze(cell.substr(from, to - from));
              INFO(t.title << ": " << figure);
              CHECK_THAT(text, Contains(figure));
              from = to + 3;
            }
          }
        }
      }
    }
  }
}
