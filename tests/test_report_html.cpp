// The HTML report and the risk verdict in every report format: the page is self-contained (no
// scripts, no external files), carries the tables, charts and verdict, renders in headless
// Chromium (skipped cleanly when Chromium is absent); CSV and JSON with a risk appetite parse.
#include <unistd.h>

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

#include "sim/engine/risk.hpp"
#include "sim/engine/statistics.hpp"
#include "sim/input/risk_reader.hpp"
#include "sim/output/hdf5_io.hpp"
#include "sim/output/report.hpp"
#include "sim/output/report/labels.hpp"
#include "sim/output/verdict_text.hpp"
#include "tests/support.hpp"

using namespace acosim;
namespace fs = std::filesystem;
using namespace acosim::test;
using Catch::Matchers::Contains;

namespace {

// 400 runs, three tracks with known shapes; the scenario text carries a risk: section, recorded as
// numbers in the metadata as acosim run records it.
SimulationResults sample_results(const std::string& risk_yaml) {
  SimulationResults r;
  ResultMetadata& m = r.meta;
  m = sample_metadata(400);
  m.scenario_name = "Mid-size <ACO> & co";  // must be escaped in HTML
  m.scenario_path = "scenarios/mid.yaml";
  m.scenario_text = "name: mid\naco: {beneficiaries: 12345}\n" + risk_yaml;
  m.risk = risk_from_scenario_text(m.scenario_text, m.scenario_path);
  m.seed = 42;
  m.beneficiaries = 12345;

  RunTable& t = r.table;
  t.tracks = {"BASIC_A", "BASIC_E msr=0%", "ENHANCED msr=1%"};
  t.resize(400, 3);
  t.done.setOnes();
  for (long i = 0; i < 400; ++i) {
    const double u = (static_cast<double>(i) + 0.5) / 400.0;  // a smooth spread of outcomes
    const double savings = 4e6 * (u - 0.35);                  // gross savings [USD]
    t.benchmark(i) = 1.5e8;
    t.payment(i, 0) = savings > 2e6 ? 0.4 * savings : 0.0;
    t.outcome(i, 0) = savings > 2e6 ? 0 : 2;
    t.payment(i, 1) = 0.5 * savings;
    t.outcome(i, 1) = savings >= 0 ? 0 : 1;
    t.payment(i, 2) = 0.75 * savings * 1.4;
    t.outcome(i, 2) = savings >= 0 ? 0 : 1;
  }
  summarize(r);
  return r;
}

int count(const std::string& s, const std::string& what) {
  int n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("HTML report is one self-contained page with tables, charts and the verdict", "[report][html]") {
  const SimulationResults r =
      sample_results("risk: {max_loss: 1.0e6, confidence: 95%, risk_aversion: 2e-7}\n");
  const std::string html = report_html(r);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK_THAT(html, Contains("</html>"));
  // Self-contained: no scripts, links, images or remote URLs (the SVG namespace is only a name).
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(count(html, "http") == count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
  // Balanced containers.
  CHECK(count(html, "<svg") == count(html, "</svg>"));
  CHECK(count(html, "<svg") >= 4);  // trade-off, distribution, exceedance, ranges
  CHECK(count(html, "<table") == count(html, "</table>"));
  CHECK(count(html, "<tr>") == count(html, "</tr>"));
  // Escaping.
  CHECK_THAT(html, Contains("Mid-size &lt;ACO&gt; &amp; co"));
  CHECK(html.find("<ACO>") == std::string::npos);
  // Content: verdict, percentile tables per track and pair, probabilities, VaR/ES, MC SE.
  CHECK_THAT(html, Contains("Risk verdict") && Contains("class=\"verdict"));
  CHECK_THAT(html, Contains("chance of owing more than $1.00M"));
  for (const auto& label : r.table.tracks) CHECK(count(html, report::plain_track_label(label)) >= 4);
  for (const char* h : {"P(losses)", "VaR95", "ES99", "Mean ± MC SE", "Track differences", "P(A better)",
                        "Certainty equiv.", "% of mean benchmark", "P(owe more than x), log scale"}) {
    INFO(h);
    CHECK_THAT(html, Contains(h));
  }
}

TEST_CASE("reports without a recorded risk appetite have no verdict and do not re-read the scenario text",
          "[report][risk]") {
  const SimulationResults plain = sample_results("");
  CHECK(report_html(plain).find("Risk verdict") == std::string::npos);
  CHECK(report_text(plain).find("Risk verdict") == std::string::npos);
  CHECK(nlohmann::json::parse(report_json(plain)).count("risk") == 0);
  // The appetite comes from /metadata/risk, not from the stored YAML.
  SimulationResults text_only = sample_results("");
  text_only.meta.scenario_text += "risk: {max_loss: lots}\n";
  CHECK(report_text(text_only).find("Risk verdict") == std::string::npos);
  CHECK(report_html(text_only).find("Risk verdict") == std::string::npos);
}

TEST_CASE("text and Markdown reports show the verdict and the recommendation", "[report][risk]") {
  const SimulationResults r = sample_results("risk: {max_loss: 1.0e6, confidence: 0.95}\n");
  const std::string text = report_text(r);
  CHECK_THAT(text, Contains("Risk verdict\n============"));
  CHECK_THAT(text, Contains("Recommendation: "));
  CHECK_THAT(text, Contains("P(owe > $1.00M)"));
  const std::string md = report_markdown(r);
  CHECK_THAT(md, Contains("**Recommendation:**"));
  // Markdown escapes & < > (viewers render raw HTML), so the header reads "P(owe &gt; ...)".
  CHECK_THAT(md, Contains("| Rank | Track | Fits your appetite | Mean | P(owe &gt; $1,000,000) |"));
  // An explicit appetite replaces the section.
  RiskAppetite a;
  a.max_es = 5e5;
  CHECK_THAT(report_text(r, a), Contains("expected shortfall") && !Contains("P(owe >"));
  CHECK(report_text(r, std::nullopt).find("Risk verdict") == std::string::npos);
}

TEST_CASE("CSV and JSON reports with a verdict parse", "[report][risk]") {
  const SimulationResults r =
      sample_results("risk: {max_loss: 1.0e6, confidence: 95%, max_es: 2e6, risk_aversion: 2e-7}\n");
  // CSV: the verdict in its own columns of the one-row-per-track table; the reason in words.
  const std::string csv = report_csv(r);
  std::istringstream in(csv);
  std::string header;
  std::getline(in, header);
  CHECK_THAT(header, Contains(",risk_rank,risk_fits,risk_reason,risk_p_exceed_fraction,"));
  CHECK_THAT(header, Contains(",risk_es_usd,risk_certainty_equivalent_usd"));
  CHECK(csv.find("recommendation") == std::string::npos);  // sentences are not data
  CHECK_THAT(csv, Contains("no: ") && Contains("chance of owing more than $1,000,000 (limit 5.00%)"));
  int rows = 0;
  for (std::string line; std::getline(in, line);) ++rows;
  CHECK(rows == 3);
  const auto j = nlohmann::json::parse(report_json(r));
  const auto& risk = j.at("risk");
  CHECK(risk.at("appetite").at("max_loss").get<double>() == 1e6);
  CHECK(risk.at("appetite").at("risk_aversion").get<double>() == 2e-7);
  REQUIRE(risk.at("ranking").size() == 3);
  CHECK(risk.at("ranking")[0].at("rank") == 1);
  const RiskVerdict v = assess_risk(r.table, *r.meta.risk);
  CHECK(risk.at("ranking")[0].at("label") == v.tracks[static_cast<std::size_t>(v.ranking[0])].label);
  CHECK(risk.at("recommendation").get<std::string>() == recommendation_text(v));
  CHECK(risk.at("ranking")[0].at("certainty_equivalent").get<double>() ==
        v.tracks[static_cast<std::size_t>(v.ranking[0])].ce);
}

TEST_CASE("acosim report --format html with risk flags renders in headless Chromium", "[report][html][cli]") {
  if (!fs::exists(ACOSIM_BINARY)) {
    WARN("acosim binary not built: skipped");
    return;
  }
  const TempDir tmp("html");
  const fs::path& dir = tmp.path;
  write_results(dir / "r.h5", sample_results(""));
  const fs::path page = dir / "report.html";
  int status = 0;
  const std::string log =
      run_acosim(fmt::format("report '{}' --format html --max-loss 1e6 --risk-tolerance 5e6 -o '{}'",
                             (dir / "r.h5").string(), page.string()),
                 status);
  INFO(log);
  REQUIRE(status == 0);
  const std::string html = slurp(page);
  CHECK_THAT(html, Contains("Risk verdict") && Contains("risk tolerance $5.00M"));

  const std::string chromium = find_chromium();
  if (chromium.empty()) {
    WARN("chromium not installed: rendering check skipped (apt-get install chromium)");
    return;
  }
  // --dump-dom prints the DOM after layout; a page that failed to parse or load would not hold
  // the verdict text. --screenshot proves it rasterizes.
  const std::string flags = fmt::format(
      "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
      "--disable-component-update --disable-sync --user-data-dir='{}'",
      (dir / "profile").string());
  const std::string dump = fmt::format("timeout 90 '{}' {} --dump-dom 'file://{}' > '{}' 2>/dev/null",
                                       chromium, flags, page.string(), (dir / "dom.html").string());
  REQUIRE(std::system(dump.c_str()) == 0);
  const std::string dom = slurp(dir / "dom.html");
  CHECK_THAT(dom, Contains("Risk verdict") && Contains("ENHANCED, 1% MSR/MLR") && Contains("<svg"));
  const std::string shot =
      fmt::format("timeout 90 '{}' {} --screenshot='{}' --window-size=1200,2000 'file://{}' > /dev/null 2>&1",
                  chromium, flags, (dir / "shot.png").string(), page.string());
  REQUIRE(std::system(shot.c_str()) == 0);
  REQUIRE(fs::exists(dir / "shot.png"));
  CHECK(fs::file_size(dir / "shot.png") > 20000);  // a blank page compresses to a few KB
}
