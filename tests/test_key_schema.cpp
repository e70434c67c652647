// The scenario key schema (sim/input/key_schema.hpp) against the docs and the reader: every key in
// docs/scenario.md's "Key reference" and back; every numeric key's refusal states its true bound;
// the cost families are a closed set; and the input messages of issue 12's classes (a value just
// past a bound, tabs, an open quote, a second YAML document, empty or out-of-range --set values)
// and the unit-slip warnings.
#include <sys/wait.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "sim/common/error.hpp"
#include "sim/engine/cost_family.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/input/key_schema.hpp"
#include "sim/input/scenario_reader.hpp"
#include "support.hpp"

using namespace acosim;
using Catch::Matchers::Contains;

namespace {

const char* kBase = "aco: {beneficiaries: 10000, participant_revenue: 3.0e7}\ntracks: [BASIC_A]\n";

// A complete benchmark mode cms scenario (a 2025 start in PY2025: one trend step, the ACPT, the
// prior savings and population adjustments all apply), so each cms key can be pushed past a bound.
const char* kCmsBase = R"(performance_year: 2025
aco: {beneficiaries: {esrd: 10000}, agreement_start_year: 2025, participant_revenue: 3.0e7}
benchmark:
  mode: cms
  market_share: {mean: 0.2, sd: 0}
  times_regionally_adjusted: 1
  dual_share_by3: 0.1
  risk_score_by3: 1.0
  prior_savings: {per_capita_savings: [100, 100, 100], proration: 1}
  low_income_share: 0.1
  acpt: [4.3%]
  acpt_weight: 0.3
  trend: {national: [5%], national_sd: 0.01, regional_sd: 0.01, coding_intensity_sd: 0.01}
  types:
    esrd: {historical_benchmark: 90000, by3_person_years: 10000, regional_per_capita: 88000,
           national_per_capita: 90000, hcc_growth: {mean: 1%, sd: 0}, demographic_growth: 0,
           regional_hcc_growth: 0, regional_demographic_growth: 0, acpt_dollar_base: 90000}
tracks: [BASIC_A]
)";

// A one-year agreement around the agreement.cash keys (a 2023 start: no ACPT needed).
const char* kAgreementBase = R"(performance_year: 2023
aco: {beneficiaries: 10000, participant_revenue: 3.0e7, agreement_start_year: 2023, low_revenue: true}
tracks: [BASIC_A]
agreement: {years: 1, start_year: 2023, paths: [{glide: A}]}
)";

// Keys read only in benchmark mode cms (they need kCmsBase around them).
bool cms_only(const std::string& key) {
  if (key.rfind("benchmark.", 0) != 0) return false;
  for (const char* shared : {"benchmark.mode", "benchmark.per_capita", "benchmark.weights",
                             "benchmark.persistence", "benchmark.update_factor"}) {
    if (key.rfind(shared, 0) == 0) return false;
  }
  return true;
}

std::string error_of(const std::string& text, const std::vector<Override>& overrides = {}) {
  try {
    parse_scenario(text, "s.yaml", overrides);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// The rows of docs/scenario.md's "## Key reference" table: path -> the row's cells.
std::map<std::string, std::vector<std::string>> documented_keys() {
  std::ifstream in(std::string(ACOSIM_SOURCE_DIR) + "/docs/scenario.md");
  std::map<std::string, std::vector<std::string>> rows;
  bool in_reference = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("## ", 0) == 0) in_reference = line == "## Key reference";
    if (!in_reference || line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    for (std::string c; std::getline(ss, c, '|');) {
      const auto a = c.find_first_not_of(' '), b = c.find_last_not_of(' ');
      cells.push_back(a == std::string::npos ? "" : c.substr(a, b - a + 1));
    }
    rows[cells[0].substr(1, cells[0].size() - 2)] = cells;
  }
  return rows;
}

std::string range_cell(const KeySpec& k) { return k.numeric() ? k.allowed() : "–"; }

// The docs row the schema wants for `k`.
std::string docs_row(const KeySpec& k) {
  return fmt::format("| `{}` | {} | {} | {} | {} |", k.path, k.type_name(), range_cell(k),
                     k.unit.empty() ? "–" : k.unit, k.doc);
}

// A key's row with an example value just outside its range: the concrete key and the YAML.
std::string concrete(std::string_view path) {
  std::string p(path);
  for (auto at = p.find("<type>"); at != std::string::npos; at = p.find("<type>")) p.replace(at, 6, "esrd");
  return p;
}

}  // namespace

TEST_CASE("Every key of the schema is in docs/scenario.md's key reference, with its range, and no other",
          "[schema][docs]") {
  const auto docs = documented_keys();
  REQUIRE_FALSE(docs.empty());
  std::string missing;
  for (const KeySpec& k : scenario_keys()) {
    const auto it = docs.find(std::string(k.path));
    if (it == docs.end() || it->second.size() < 5 || it->second[1] != k.type_name() ||
        it->second[2] != range_cell(k) || it->second[3] != (k.unit.empty() ? "–" : std::string(k.unit))) {
      missing += docs_row(k) + "\n";
    }
  }
  if (!missing.empty()) {
    // The whole table as the schema wants it, to paste into docs/scenario.md.
    const std::string path = (std::filesystem::temp_directory_path() / "acosim-key-reference.md").string();
    std::ofstream out(path);
    for (const KeySpec& k : scenario_keys()) out << docs_row(k) << '\n';
    INFO("the table the schema wants is in " << path << "; rows that differ:\n" << missing);
    CHECK(missing.empty());
  }
  for (const auto& [path, cells] : docs) {
    INFO(path);
    CHECK(find_key(path) != nullptr);
    CHECK(find_key(path)->path == path);
  }
}

TEST_CASE("Concrete keys map to their schema rows: enrollment types and list indices", "[schema]") {
  CHECK(schema_path("cost_model.types.esrd.p_zero") == "cost_model.types.<type>.p_zero");
  CHECK(schema_path("aco.beneficiaries.aged_dual") == "aco.beneficiaries.<type>");
  CHECK(schema_path("tracks[12].custom.msr") == "tracks[].custom.msr");
  CHECK(schema_path("benchmark.weights[2]") == "benchmark.weights[]");
  CHECK(schema_path("benchmark.types.aged_dual.acpt[1]") == "benchmark.types.<type>.acpt[]");
  CHECK(find_key("tracks[1].msr")->sweep == SweepUse::SettleOnly);
  CHECK(find_key("aco.beneficiaries")->sweep == SweepUse::Sampled);
  CHECK(find_key("threads")->sweep == SweepUse::No);
  CHECK(find_key("cost_model.shape.mean") == nullptr);  // a shape has no mean: types.<type>.mean does
  CHECK(child_keys("aco") == std::vector<std::string>{"beneficiaries", "participant_revenue", "low_revenue",
                                                      "agreement_start_year", "euc_relief_fraction"});
  CHECK(format_bound(1e12) == "1e12");
  CHECK(format_bound(1e-6) == "1e-6");
  CHECK(format_bound(0.999) == "0.999");
  CHECK(format_bound(10000) == "10000");
}

TEST_CASE("Every numeric key refuses a value past each bound and the message states that bound",
          "[schema][messages]") {
  for (const KeySpec& k : scenario_keys()) {
    if (!k.numeric() || k.path == "seed" || k.path.find("[]") != std::string_view::npos) continue;
    const std::string key = concrete(k.path);
    // What the key needs around it: a map of beneficiaries by type, the fixed benchmark mode.
    std::vector<Override> context;
    if (key.rfind("aco.beneficiaries.", 0) == 0)
      context.push_back({"aco.beneficiaries", "{aged_nondual: 10000}"});
    if (key == "benchmark.per_capita") context.push_back({"benchmark.mode", "fixed"});
    const char* base = cms_only(key) ? kCmsBase : key.rfind("agreement.", 0) == 0 ? kAgreementBase : kBase;
    const std::string bounds = k.type == KeyType::Integer
                                   ? fmt::format("allowed: {:.0f} to {:.0f}", k.lo, k.hi)
                                   : "allowed: " + k.allowed();
    for (const double bad : {k.lo - std::max(1.0, std::abs(k.lo)), k.hi + std::max(1.0, std::abs(k.hi))}) {
      std::vector<Override> set = context;
      set.push_back({key, fmt::format("{:g}", bad)});
      const std::string msg = error_of(base, set);
      INFO(key << " = " << set.back().value << ": " << msg);
      CHECK_THAT(msg, Contains("key '" + key + "'") && Contains("out of range") && Contains(bounds));
    }
  }
}

TEST_CASE("The issue's misleading ranges state the real bound", "[schema][messages]") {
  const auto shape = [](const std::string& kv) {
    return error_of(std::string(kBase) + "cost_model: {shape: {" + kv + "}}\n");
  };
  CHECK_THAT(shape("median_ratio: 1e12"),
             Contains("median_ratio") && Contains("1e12") && Contains("[1, 10000]"));
  CHECK_THAT(shape("p_zero: 0.999999999"), Contains("p_zero") && Contains("[0, 0.999]") && Contains("99.9%"));
  CHECK_THAT(shape("gamma_shape: 1e-300"), Contains("gamma_shape") && Contains("[0.001, 100]"));
  CHECK_THAT(error_of("aco: {beneficiaries: 10000, participant_revenue: 1e308}\ntracks: [BASIC_A]\n"),
             Contains("aco.participant_revenue") && Contains("1e308") && Contains("[0, 1e12]"));
  CHECK_THAT(error_of("aco: {beneficiaries: 300}\ntracks: [BASIC_A]\n"),
             Contains("300") && Contains("500 to 10000000"));
}

TEST_CASE("YAML text problems are named: tabs, an open quote, a second document", "[messages]") {
  CHECK_THAT(error_of("aco:\n\tbeneficiaries: 10000\ntracks: [BASIC_A]\n"),
             Contains("s.yaml:2:") && Contains("indented with a tab") && Contains("spaces"));
  CHECK_THAT(error_of("name: \"mid\naco: {beneficiaries: 10000}\ntracks: [BASIC_A]\n"),
             Contains("s.yaml:1:7") && Contains("quote \" opened here is not closed"));
  CHECK_THAT(error_of("aco: {beneficiaries: 10000}\ntracks: ['BASIC_A]\n"),
             Contains("s.yaml:2:10") && Contains("quote '"));
  CHECK_THAT(error_of(std::string(kBase) + "---\naco: {beneficiaries: 500}\n"),
             Contains("s.yaml:3") && Contains("second YAML document"));
  // Legal quoting, comments with quotes and block scalars still load.
  CHECK(error_of(std::string(kBase) +
                 "name: 'it''s \"fine\"'  # don't\ndescription: |\n  an \"open quote\n  it's ok\n")
            .empty());
  CHECK(error_of(std::string("---\n") + kBase + "...\n").empty());  // one document with explicit markers
}

TEST_CASE(
    "Overrides: an empty --set value and a list index that does not exist are refused with what is allowed",
    "[messages]") {
  CHECK_THAT(error_of(kBase, {{"aco.beneficiaries", ""}}),
             Contains("--set aco.beneficiaries=") && Contains("empty") && Contains("500 to 10000000"));
  CHECK_THAT(error_of(kBase, {{"tracks[9].msr", "1%"}}),
             Contains("tracks[9]") && Contains("tracks has 1 entry (tracks[0] to tracks[0])"));
  CHECK_THAT(error_of(kBase, {{"tracks[x].msr", "1%"}}), Contains("tracks[x]") && Contains("INDEX"));
  // An index that exists is changed in place.
  const Scenario s = parse_scenario(
      "aco: {beneficiaries: 10000, participant_revenue: 3.0e7}\n"
      "tracks: [BASIC_A, {track: BASIC_E, msr: 1%}]\n",
      "s.yaml", {{"tracks[1].msr", "2%"}});
  CHECK(s.tracks[1].election.rate == 0.02);
  CHECK_THAT(error_of(kBase, {{"tracks[0].msr", "2%"}}), Contains("--set tracks[0].msr=2%"));
}

TEST_CASE("Cost families are a closed set: each declares its sampler kernel and the names parse back",
          "[schema][cost]") {
  CHECK(cost_kernel(CostFamily::Lognormal) == CostKernel::Lognormal);
  CHECK(cost_kernel(CostFamily::LognormalMixture) == CostKernel::Lognormal);
  CHECK(cost_kernel(CostFamily::Gamma) == CostKernel::Generic);
  for (CostFamily f : kCostFamilies) CHECK(parse_cost_family(to_string(f)) == f);
  CHECK_THAT(error_of(std::string(kBase) + "cost_model: {shape: {family: weibull}}\n"),
             Contains("'weibull' is not a cost family; allowed: lognormal, gamma, lognormal_mixture"));
  CHECK(parse_scenario(std::string(kBase) + "cost_model: {shape: {family: Gamma}}\n", "s.yaml")
            .cost_shapes[0]
            .family == CostFamily::Gamma);
}

TEST_CASE("Values that are legal but almost certainly a unit slip are warned about, by rule",
          "[messages][warnings]") {
  const auto warnings = [](const std::string& extra) {
    return parse_scenario(std::string(kBase) + extra, "s.yaml").warnings;
  };
  CHECK(warnings("").empty());
  const auto q = warnings("quality: {score: {mean: 0.831}}\n");
  REQUIRE(q.size() == 1);
  CHECK_THAT(q[0],
             Contains("quality.score") && Contains("83.1") && Contains("[rule quality-score-fraction]"));
  CHECK_THAT(warnings("quality: {threshold: 0.77}\n").at(0), Contains("[rule quality-threshold-fraction]"));
  CHECK_THAT(warnings("cost_model: {types: {aged_nondual: {mean: 11.3}}}\n").at(0),
             Contains("cost_model.types.aged_nondual.mean") && Contains("[rule cost-mean-dollars]"));
  CHECK_THAT(
      parse_scenario("aco: {beneficiaries: 10000, participant_revenue: 30}\ntracks: [BASIC_A]\n", "s.yaml")
          .warnings.at(0),
      Contains("aco.participant_revenue") && Contains("[rule revenue-dollars]"));
  CHECK_THAT(warnings("true_effect: 0.5\n").at(0),
             Contains("true_effect") && Contains("[rule true-effect-percent]"));
  CHECK_THAT(warnings("risk: {max_loss: 2}\n").at(0),
             Contains("risk.max_loss") && Contains("[rule risk-amount-dollars]"));
  CHECK_THAT(warnings("benchmark: {mode: fixed, per_capita: 12}\n").at(0),
             Contains("[rule per-capita-dollars]"));
}

TEST_CASE("Every shipped scenario loads without a unit-slip warning", "[messages][warnings]") {
  for (const char* name :
       {"default", "small-aco", "large-aco", "commercial-contract", "empirical-costs", "sweep-size-msr",
        "agreement-paths", "guardrail-2024-two-sided", "renewal-2026-regional-psa"}) {
    INFO(name);
    const Scenario s = load_scenario(std::string(ACOSIM_SOURCE_DIR) + "/scenarios/" + name + ".yaml");
    CHECK(s.warnings.empty());
  }
}

TEST_CASE("acosim run --replay -1 names the option, the value and the run indices allowed",
          "[messages][cli]") {
  int status = 0;
  const std::string out = test::run_acosim(
      fmt::format("run '{}' --replay -1", test::source_path("scenarios/small-aco.yaml").string()), status);
  CHECK(WEXITSTATUS(status) == 2);
  CHECK_THAT(out, Contains("--replay") && Contains("'-1' is not a run index") && Contains("from 0 to"));
  CHECK(out.find("1797") == std::string::npos);  // not CLI11's 1.8e308 bound
}

TEST_CASE("acosim run refuses --seed '' instead of using the scenario's seed", "[messages][cli]") {
  test::TempDir dir("seed_empty");
  int status = 0;
  const std::string out =
      test::run_acosim(fmt::format("run '{}' --runs 2 --seed '' -o '{}/r.h5'",
                                   test::source_path("scenarios/small-aco.yaml").string(), dir.path.string()),
                       status);
  CHECK(WEXITSTATUS(status) == 2);
  CHECK_THAT(out, Contains("--seed") && Contains("''") && Contains("0 to 18446744073709551615"));
  CHECK_FALSE(std::filesystem::exists(dir.path / "r.h5"));
}
