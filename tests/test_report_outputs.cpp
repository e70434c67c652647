// The sweep and agreement reports: the spider chart's points are the sweep's figures, keys and
// values read in words, the agreement page draws one small chart per path, and both commands follow
// the output convention of `run --report` (format from the extension or --format, unknown refused
// before any work, "-" to standard output, folders created).
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "sim/engine/runner.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/engine/sweep.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/input/sweep_reader.hpp"
#include "sim/output/report.hpp"
#include "sim/output/report/format.hpp"
#include "sim/output/report/json.hpp"
#include "sim/output/report/labels.hpp"
#include "sim/output/report/table.hpp"
#include "sim/output/summary_fields.hpp"
#include "sim/output/sweep_io.hpp"
#include "sim/output/sweep_report.hpp"
#include "sim/output/tornado_report.hpp"
#include "support.hpp"

using namespace acosim;
using acosim::test::run_command;
using acosim::test::slurp;
using acosim::test::source_path;
using acosim::test::TempDir;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// A 3 x 3 grid of a re-sampling and a settle-only key, 200 runs a point.
const SweepResults& small_sweep() {
  static const SweepResults s = [] {
    const Scenario base = load_scenario(source_path("scenarios/sweep-size-msr.yaml"), {{"runs", "200"}});
    const SweepPlan plan =
        plan_grid(base, sweep_axes(base, {"aco.beneficiaries=5000,10000,20000", "tracks[1].msr=0%,1%,2%"}));
    RunOptions o;
    o.threads = 2;
    return run_sweep(plan, o);
  }();
  return s;
}

// The command's output (both streams) and its exit code.
std::string run_acosim(const std::string& args, int& code) {
  int status = 0;
  const std::string out = run_command(fmt::format("'{}' {} 2>&1", ACOSIM_BINARY, args), status);
  code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("the spider moves one key at a time from the centre of the grid, by its relative change",
          "[report][sweep][spider]") {
  const SweepResults& s = small_sweep();
  const Spider sp = sweep_spider(s);
  REQUIRE(sp.reference_index == std::vector<std::size_t>{1, 1});  // 10,000 beneficiaries, 1% MSR
  CHECK(s.points[sp.reference_point].index == std::vector<std::size_t>{1, 1});
  REQUIRE(sp.axes.size() == 2);
  CHECK(sp.skipped.empty());
  // Beneficiaries 5,000 / 10,000 / 20,000: -50%, 0, +100%, at MSR 1% (value index 1).
  const SpiderAxis& size = sp.axes[0];
  CHECK(size.reference == 10000);
  REQUIRE(size.points.size() == 3);
  const double size_change[3] = {-0.5, 0, 1};
  for (std::size_t j = 0; j < 3; ++j) {
    CHECK(size.points[j].change == Approx(size_change[j]).margin(1e-15));
    CHECK(s.points[size.points[j].point].index == std::vector<std::size_t>{j, 1});
  }
  // MSR 0%, 1%, 2% of a 1% reference: -100%, 0, +100%, at 10,000 beneficiaries.
  const SpiderAxis& msr = sp.axes[1];
  CHECK(msr.reference == Approx(0.01));
  const double msr_change[3] = {-1, 0, 1};
  for (std::size_t j = 0; j < 3; ++j) {
    CHECK(msr.points[j].change == Approx(msr_change[j]).margin(1e-12));
    CHECK(s.points[msr.points[j].point].index == std::vector<std::size_t>{1, j});
  }
}

TEST_CASE("every point of the sweep page's spider charts is a figure the sweep stores",
          "[report][sweep][spider]") {
  const SweepResults& s = small_sweep();
  const std::string html = render_sweep_report(ReportFormat::Html, s);
  const std::regex dot(
      R"re(data-point="(\d+)" data-track="(\d+)" data-change="([^"]+)" data-value="([^"]+)")re");
  const std::size_t T = s.points.front().results.tracks.size();
  // Two charts (mean, P(owe)) drawn wide and narrow; 2 keys x 3 values x T tracks each.
  const std::size_t per_chart = 2 * 3 * T;
  std::size_t n = 0;
  const Spider sp = sweep_spider(s);
  for (auto it = std::sregex_iterator(html.begin(), html.end(), dot); it != std::sregex_iterator();
       ++it, ++n) {
    const auto& m = *it;
    const std::size_t point = std::stoul(m[1]), track = std::stoul(m[2]);
    REQUIRE(point < s.points.size());
    REQUIRE(track < T);
    const TrackSummary& t = s.points[point].results.tracks[track];
    const bool mean_chart = n < 2 * per_chart;  // mean wide and narrow, then P(owe) wide and narrow
    INFO("dot " << n << " point " << point << " track " << track);
    CHECK(std::stod(m[4]) == (mean_chart ? t.dollars.mean : t.p_losses));
    bool found = false;  // the change is the one the spider computed for this point
    for (const SpiderAxis& a : sp.axes) {
      for (const SpiderPoint& p : a.points)
        found = found || (p.point == point && p.change == std::stod(m[3]));
    }
    CHECK(found);
  }
  CHECK(n == 4 * per_chart);
  // The JSON report carries the same spider.
  const auto j = nlohmann::json::parse(render_sweep_report(ReportFormat::Json, s));
  CHECK(j.at("spider").at("axes")[0].at("key") == "aco.beneficiaries");
  CHECK(j.at("spider").at("axes")[1].at("points")[2].at("change").get<double>() == Approx(1).margin(1e-12));
  CHECK(j.at("points")[4].at("tracks")[1].at("dollars").at("mean").get<double>() ==
        s.points[4].results.tracks[1].dollars.mean);
}

TEST_CASE("sweep pages and tables name keys and values in words, and each raw key once",
          "[report][sweep][labels]") {
  CHECK(report::plain_key_value("aco.participant_revenue", "15.0e6") == "$15,000,000");
  CHECK(report::plain_key_value("true_effect.mean", "-0.045") == "-4.5%");
  CHECK(report::plain_key_value("true_effect.mean", "-4.5%") == "-4.5%");
  CHECK(report::plain_key_value("tracks[1].msr", "0.015") == "1.5%");
  CHECK(report::plain_key_value("tracks[1].msr", "variable") == "variable");
  CHECK(report::plain_key_value("aco.beneficiaries", "20000") == "20,000");
  CHECK(report::plain_key_value("quality.score.mean", "83") == "83");
  const SweepResults& s = small_sweep();
  const std::string html = render_sweep_report(ReportFormat::Html, s);
  CHECK_THAT(html, Contains("Assigned beneficiaries") && Contains("MSR/MLR election of track 2") &&
                       Contains("20,000") && Contains("BASIC Level E, 2% MSR/MLR"));
  const std::string md = render_sweep_report(ReportFormat::Markdown, s);
  CHECK(occurrences(md, "tracks[1].msr") == 1);
  CHECK(occurrences(md, "aco.beneficiaries") == 1);

  // The tornado's inputs and their low/high values read like money and percent.
  TornadoResult t;
  t.metric = "mean";
  t.scenario_name = "x";
  t.runs = 100;
  TornadoTrack tr;
  tr.label = "BASIC_E msr=0%";
  tr.bars.push_back({"aco.participant_revenue", "15.0e6", "40e6", 1e5, 2e5, 1e5, true});
  tr.bars.push_back({"true_effect.mean", "-0.045", "0.015", -3e5, 4e5, 7e5, false});
  t.tracks.push_back(tr);
  const std::string text = tornado_text(t);
  INFO(text);
  CHECK_THAT(text, Contains("Participant revenue [USD]") && Contains("$15,000,000") &&
                       Contains("$40,000,000") && Contains("-4.5%") && Contains("1.5%") &&
                       Contains("BASIC Level E, 0% MSR/MLR"));
  CHECK(text.find("15.0e6") == std::string::npos);
  CHECK(occurrences(text, "aco.participant_revenue") == 1);
  // The sweep's and the tornado's terminal reports fit 100 columns, like every text report.
  for (const std::string& report_text : {text, render_sweep_report(ReportFormat::Text, s)}) {
    std::istringstream lines(report_text);
    for (std::string line; std::getline(lines, line);) {
      INFO(line);
      CHECK(report::display_width(line) <= report::kTextWidth);
    }
  }
  const auto j = nlohmann::json::parse(tornado_json(t));
  CHECK(j.at("tracks")[0].at("bars")[0].at("low_label") == "$15,000,000");
  CHECK(j.at("tracks")[0].at("bars")[0].at("input_label") == "Participant revenue [USD]");
}

TEST_CASE("one JSON helper writes every statistic of kStatsFields and every percentile", "[report][json]") {
  Stats s;
  s.mean = 1.5;
  s.es99 = 7;
  for (std::size_t j = 0; j < s.percentiles.size(); ++j) s.percentiles[j] = static_cast<double>(j);
  const auto j = nlohmann::json::parse(report::stats_json(s).dump());
  for (const StatsField& f : kStatsFields) CHECK(j.contains(f.name));
  CHECK(j.at("mean") == 1.5);
  CHECK(j.at("es99") == 7.0);
  CHECK(j.at("percentiles").at("p95") == 7.0);
  CHECK(percentile_key(0) == "p1");
}

TEST_CASE("acosim agreement follows the report convention and its page draws one small chart per path",
          "[report][agreement][cli]") {
  TempDir dir("agreement-report");
  const std::string scen = source_path("scenarios/agreement-paths.yaml").string();
  const std::string common = fmt::format("agreement '{}' --runs 40 --set aco.beneficiaries=3000 -q", scen);
  int status = 0;
  // Refused before any work: an unknown extension or format, --format alone, -o - for the HDF5 file.
  const std::string x = fmt::format("-o '{}'", (dir.path / "x.h5").string());
  for (const auto& [args, expect] : std::vector<std::pair<std::string, std::string>>{
           {x + " --report a.pdf", "unknown extension .pdf"},
           {x + " --report a.txt --format docx", "--format docx: unknown report format"},
           {"-o - --report " + (dir.path / "x.md").string(), "-o -: the agreement results file is HDF5"},
           {x + " --format json", "give --report FILE"}}) {
    const std::string log = run_acosim(fmt::format("{} {}", common, args), status);
    INFO(log);
    CHECK(status == 2);
    CHECK_THAT(log, Contains(expect));
    CHECK_FALSE(fs::exists(dir.path / "x.h5"));
  }
  // A page in a folder that does not exist yet.
  const fs::path page = dir.path / "new" / "deeper" / "a.html";
  std::string log = run_acosim(
      fmt::format("{} -o '{}' --report '{}'", common, (dir.path / "a.h5").string(), page.string()), status);
  INFO(log);
  REQUIRE(status == 0);
  const std::string html = slurp(page);
  CHECK(occurrences(html, "class=\"chart small\"") == 2 * 4);  // by year and total, 4 paths
  CHECK(occurrences(html, "fill-opacity=\"0.9\"") == 2 * 4);   // each with its legend inside the plot
  CHECK_THAT(html, Contains("BASIC Level E, 1% MSR/MLR") && Contains("<h2>Assumptions</h2>") &&
                       Contains("Agreement totals by path"));
  // JSON on standard output: one document, the agreement a member of the report object.
  log = run_command(fmt::format("'{}' {} -o '{}' --report - --format json 2>/dev/null", ACOSIM_BINARY, common,
                                (dir.path / "b.h5").string()),
                    status);
  REQUIRE(status == 0);
  const auto j = nlohmann::json::parse(log);
  CHECK(j.at("format") == "acosim-report");
  CHECK(j.at("agreement").at("paths").size() == 4);
  CHECK(j.at("tracks").size() == 4 * 8);
  CHECK_FALSE(fs::exists("-"));
  // acosim report of the agreement file renders the agreement's report too.
  const fs::path again = dir.path / "again.html";
  log = run_acosim(fmt::format("report '{}' -o '{}'", (dir.path / "a.h5").string(), again.string()), status);
  INFO(log);
  REQUIRE(status == 0);
  CHECK(occurrences(slurp(again), "class=\"chart small\"") == 2 * 4);
  log = run_acosim(fmt::format("report '{}'", (dir.path / "a.h5").string()), status);
  CHECK_THAT(log, Contains("Agreement totals by path") && Contains("P(owes shared losses) by year"));
}

TEST_CASE("acosim sweep writes its report by the same convention", "[report][sweep][cli]") {
  TempDir dir("sweep-report");
  const std::string common = fmt::format(
      "sweep '{}' --runs 40 -q --vary aco.beneficiaries=5000,6000 --vary tracks[1].msr=0%,1%,2% -o '{}'",
      source_path("scenarios/sweep-size-msr.yaml").string(), (dir.path / "sw.h5").string());
  int status = 0;
  for (const auto& [args, expect] :
       std::vector<std::pair<std::string, std::string>>{{"--report sw.xlsx", "a sweep has no workbook"},
                                                        {"--report sw.doc", "unknown extension .doc"},
                                                        {"--format html", "give --report FILE"}}) {
    const std::string log = run_acosim(common + " " + args, status);
    INFO(log);
    CHECK(status == 2);
    CHECK_THAT(log, Contains(expect));
    CHECK_FALSE(fs::exists(dir.path / "sw.h5"));
  }
  const fs::path page = dir.path / "out" / "sw.html";
  std::string log = run_acosim(fmt::format("{} --report '{}'", common, page.string()), status);
  INFO(log);
  REQUIRE(status == 0);
  CHECK_THAT(slurp(page), Contains("Spider chart") && Contains("data-change="));
  log =
      run_command(fmt::format("'{}' {} --report - --format json 2>/dev/null", ACOSIM_BINARY, common), status);
  REQUIRE(status == 0);
  CHECK(nlohmann::json::parse(log).at("points").size() == 6);
}

TEST_CASE("plot.py's spider chart draws the sweep file's figures at the sweep report's relative changes",
          "[report][sweep][spider][plot]") {
  int status = 0;
  run_command("/usr/bin/python3 -c 'import h5py, matplotlib, numpy' > /dev/null 2>&1", status);
  if (status != 0) {
    WARN("/usr/bin/python3 lacks h5py, matplotlib or numpy: skipped (scripts/setup.sh installs them)");
    return;
  }
  TempDir dir("spider-plot");
  const std::string h5 = (dir.path / "sw.h5").string(), json = (dir.path / "sw.json").string();
  const std::string log =
      run_command(fmt::format("'{}' sweep '{}' --runs 60 -q --vary aco.beneficiaries=5000,6000,8000 "
                              "--vary tracks[1].msr=0%,1%,2% -o '{}' --report '{}' 2>&1",
                              ACOSIM_BINARY, source_path("scenarios/sweep-size-msr.yaml").string(), h5, json),
                  status);
  INFO(log);
  REQUIRE(status == 0);
  // The lines drawn (marker "o"): per panel, per key, per track, the (x, y) points.
  const std::string script = fmt::format(
      "import json, sys; sys.path.insert(0, '{}/scripts'); import h5py, plot\n"
      "fig = plot.spider_figure(h5py.File('{}', 'r'), 50)\n"
      "print(json.dumps([[[list(map(float, l.get_xdata())), list(map(float, l.get_ydata()))] "
      "for l in ax.lines if l.get_marker() == 'o'] for ax in fig.axes[:2]]))\n",
      ACOSIM_SOURCE_DIR, h5);
  const std::string drawn_text =
      run_command(fmt::format("/usr/bin/python3 - <<'EOF'\n{}EOF\n", script), status);
  REQUIRE(status == 0);
  const auto drawn = nlohmann::json::parse(drawn_text);
  const auto report = nlohmann::json::parse(slurp(json));
  const auto& points = report.at("points");
  const auto& axes = report.at("spider").at("axes");
  const std::size_t T = points[0].at("tracks").size();
  REQUIRE(drawn.size() == 2);
  for (std::size_t panel = 0; panel < 2; ++panel) {
    REQUIRE(drawn[panel].size() == axes.size() * T);
    std::size_t line = 0;
    for (const auto& a : axes) {
      for (std::size_t t = 0; t < T; ++t, ++line) {
        const auto& xs = drawn[panel][line][0];
        const auto& ys = drawn[panel][line][1];
        REQUIRE(xs.size() == a.at("points").size());
        for (std::size_t j = 0; j < xs.size(); ++j) {
          const auto& p = a.at("points")[j];
          const auto& tr = points[p.at("point").get<std::size_t>()].at("tracks")[t];
          INFO("panel " << panel << " key " << a.at("key") << " track " << t << " value " << j);
          CHECK(xs[j].get<double>() == Approx(p.at("change").get<double>()).margin(1e-12));
          const double expect =
              panel == 0 ? tr.at("dollars").at("mean").get<double>() : tr.at("p_losses").get<double>();
          CHECK(ys[j].get<double>() == Approx(expect).epsilon(1e-12).margin(1e-15));
        }
      }
    }
  }
}

TEST_CASE("user text in Markdown reports is escaped, so that a viewer rendering raw HTML shows it as text",
          "[report][markdown]") {
  const std::string evil = "<img src=x onerror=alert(1)> & co";
  SimulationResults r = small_sweep().points[0].results;
  r.meta.scenario_name = evil;
  r.meta.warnings = {evil};
  ReportInput in = basic_report_input(r, std::nullopt);
  in.assumptions.warnings = {evil};
  const std::string md = render_report(ReportFormat::Markdown, in);
  CHECK_THAT(md, Contains("# acosim results: &lt;img src=x onerror=alert(1)&gt; &amp; co") &&
                     Contains("> **Warning:** &lt;img"));
  CHECK(md.find("<img") == std::string::npos);
  CHECK(report::md_cell("a|b\nc <d> & e") == "a\\|b c &lt;d&gt; &amp; e");
  SweepResults s = small_sweep();
  s.base.name = evil;
  const std::string sweep_md = sweep_markdown(s);
  CHECK(sweep_md.find("<img") == std::string::npos);
  CHECK_THAT(sweep_md, Contains("&lt;img"));
}
