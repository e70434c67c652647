#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/output/report/input.hpp"
#include "sim/output/report/labels.hpp"
#include "sim/output/report/numbers.hpp"

namespace acosim {

namespace {

using report::count;
using report::fixed;
using report::money_full;

// A fraction as a percentage with up to `decimals` decimals: 0.025 -> "2.5%", -0.02 -> "-2%".
std::string pct(double f, int decimals = 3) {
  const double scale = std::pow(10.0, decimals);
  return fmt::format("{:g}%", std::round(f * 100 * scale) / scale);
}

std::string uncertain(const Uncertain& u, const std::string& mean, const std::string& sd) {
  if (u.sd == 0) return mean + " (fixed: the same in every run)";
  return fmt::format("{} on average, uncertain: SD {} across runs (Normal)", mean, sd);
}

std::string runs_text(const ResultMetadata& m) {
  if (m.complete) return count(m.runs);
  return fmt::format("{} of {} completed (interrupted: partial results)", count(m.completed_runs),
                     count(m.runs));
}

std::string tracks_text(const std::vector<std::string>& labels) {
  std::string s;
  for (std::size_t i = 0; i < labels.size(); ++i)
    s += (i > 0 ? "; " : "") + report::plain_track_label(labels[i]);
  return s;
}

std::string mix_text(const Scenario& s) {
  constexpr const char* kNames[] = {"ESRD", "disabled", "aged/dual", "aged/non-dual"};
  const double n = static_cast<double>(s.total_beneficiaries());
  std::string mix;
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const long b = s.beneficiaries[static_cast<std::size_t>(e)];
    if (b == 0) continue;
    mix += fmt::format("{}{} {}", mix.empty() ? "" : ", ", kNames[e], pct(static_cast<double>(b) / n, 1));
  }
  return fmt::format("{} assigned ({})", count(s.total_beneficiaries()), mix);
}

std::string spending_text(const Scenario& s) {
  constexpr const char* kNames[] = {"ESRD", "disabled", "aged/dual", "aged/non-dual"};
  std::string out = fmt::format("expected {} per beneficiary-year with no true effect; by type:",
                                money_full(s.expected_spending_per_capita()));
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const auto i = static_cast<std::size_t>(e);
    if (s.beneficiaries[i] == 0) continue;
    out += fmt::format(" {} {}{}", kNames[e], money_full(s.cost_means[i]),
                       s.empirical[i] ? " (resampled from observed costs)" : "");
    out += ",";
  }
  out.back() = '.';
  return out;
}

std::string benchmark_text(const Scenario& s) {
  if (s.benchmark_mode == BenchmarkMode::Fixed) {
    return fmt::format("fixed benchmark report: {} per capita{}",
                       money_full(s.benchmark_per_capita.value_or(s.expected_spending_per_capita())),
                       s.benchmark_per_capita ? "" : " (the expected spending)");
  }
  const auto& w = s.base_year_weights;
  return fmt::format(
      "historical: base-year spending of the same beneficiaries, weights BY1/BY2/BY3 {}/{}/{}; "
      "year-to-year cost persistence {}",
      pct(w[0]), pct(w[1]), pct(w[2]), fixed(s.persistence, 2));
}

std::string quality_text(const Scenario& s) {
  std::string out =
      uncertain(s.quality, "score " + fixed(s.quality.mean, 1) + " of 100", fixed(s.quality.sd, 1));
  if (s.qps_threshold) {
    out += fmt::format("; the quality standard needs {}", fixed(*s.qps_threshold, 2));
    if (s.alt_qps_probability < 1)
      out += fmt::format(", else the alternative standard is met with chance {}", pct(s.alt_qps_probability));
  } else {
    out += "; no quality standard this PY (sharing scaled by quality)";
  }
  return out;
}

std::string correlation_text(const Scenario& s) {
  const Eigen::Matrix3d& c = s.correlation;
  if (c.isIdentity()) return "none (the true effect, benchmark trend and quality vary independently)";
  return fmt::format("true effect-trend {}, true effect-quality {}, trend-quality {}", fixed(c(0, 1), 2),
                     fixed(c(0, 2), 2), fixed(c(1, 2), 2));
}

}  // namespace

Assumptions describe_assumptions(const Scenario& s, const ResultMetadata& m) {
  Assumptions a;
  auto add = [&](std::string item, std::string value) {
    a.rows.push_back({std::move(item), std::move(value)});
  };
  add("ACO", s.name);
  add("Size and mix", mix_text(s));
  add("Performance year",
      fmt::format("PY{}; agreement started {}", s.performance_year, s.agreement_start_year));
  add("Benchmark", benchmark_text(s));
  add("Benchmark trend", uncertain(s.update_factor, "update factor " + report::ratio(s.update_factor.mean),
                                   pct(s.update_factor.sd) + " of the benchmark"));
  add("True effect",
      uncertain(s.true_effect, pct(s.true_effect.mean) + " of spending", pct(s.true_effect.sd)) +
          (s.true_effect.mean < 0 ? " (negative: the ACO spends less)" : ""));
  add("Spending", spending_text(s));
  add("Quality", quality_text(s));
  add("Correlation", correlation_text(s));
  add("Participant revenue",
      (s.participant_revenue ? money_full(*s.participant_revenue) : std::string("not given")) +
          (s.low_revenue ? "; low-revenue ACO" : "; not a low-revenue ACO"));
  if (s.euc_relief_fraction > 0) add("EUC relief", pct(s.euc_relief_fraction) + " of shared losses forgiven");
  std::vector<std::string> labels;
  for (const TrackChoice& c : s.tracks) labels.push_back(c.label);
  add("Tracks and elections", tracks_text(labels));
  add("Runs", runs_text(m) + (m.runs < s.runs
                                  ? fmt::format(" (stopped when precise enough, --target-se; the scenario "
                                                "allows {})",
                                                count(s.runs))
                                  : ""));
  add("Seed", std::to_string(m.seed));
  a.warnings = m.warnings;
  return a;
}

Assumptions describe_assumptions(const ResultMetadata& m, const std::vector<std::string>& tracks,
                                 const std::string& note) {
  Assumptions a;
  a.rows.push_back({"ACO", m.scenario_name});
  a.rows.push_back({"Size", count(m.beneficiaries) + " assigned beneficiaries"});
  a.rows.push_back({"Performance year", fmt::format("PY{}", m.performance_year)});
  a.rows.push_back({"Tracks and elections", tracks_text(tracks)});
  a.rows.push_back({"Runs", runs_text(m)});
  a.rows.push_back({"Seed", std::to_string(m.seed)});
  a.warnings = m.warnings;
  a.note = note;
  return a;
}

ReportInput basic_report_input(const SimulationResults& results, const std::optional<RiskAppetite>& risk) {
  ReportInput in;
  in.results = &results;
  in.risk = risk;
  in.assumptions =
      describe_assumptions(results.meta, results.table.tracks,
                           "the scenario's full assumptions are listed by `acosim report` and `acosim run`");
  return in;
}

}  // namespace acosim
