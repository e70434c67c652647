// acosim_sums: per-run sums of a scenario given as plain numbers, from the engine's sampler
// (sim/engine/sampler.cpp) and settlement core (models/settle.cpp), with nothing else of acosim: no YAML,
// no HDF5, no OpenMP, no MPI. It is built twice -- natively, and with Debian's aarch64 cross
// compiler for qemu-user (tests/cross/aarch64_sums.sh) -- and the two must print the same bytes:
// the reproducibility contract across instruction sets, ARM included (docs/performance.md).
//
//   acosim_sums --model SCENARIO.yaml [--runs N]   (native build only) print the plain model
//   acosim_sums < MODEL                            print one line per run
//
// The plain model, one item per line (numbers as C hex floats, so nothing is lost):
//   seed S | runs R | year Y | historical 0/1 | persistence rho | weights w1 w2 w3
//   per_capita P (fixed mode) | true_effect mean sd | update_factor mean sd | quality mean sd
//   revenue low_revenue participant_revenue(-1: none) agreement_start euc_relief
//   type n z_zero z_high mu_low mu_high sigma cap       (four lines, ESRD .. aged/non-dual)
//   track ID msr                                        (msr -1: the variable table)
// Each run's line: the run index, then per enrollment type its BY1, BY2, BY3 and PY sums (the
// engine's sum_history, or PY only), then B, E and each track's payment, all as hex floats. The
// beneficiary sums are the engine's; the run-level draws here are a simplified, independent form
// of sample_run's (uncorrelated normals from the same run-level stream), which exercises the same
// Box-Muller and the settlement.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "models/settle.hpp"
#include "models/track.hpp"
#include "sim/engine/rng.hpp"
#include "sim/engine/sampler.hpp"

#ifdef ACOSIM_SUMS_NATIVE
#include "sim/engine/runner.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/input/scenario_reader.hpp"
#endif

namespace {

using namespace acosim;

struct PlainModel {
  std::uint64_t seed = 1;
  long runs = 0;
  int year = 2024;
  bool historical = true;
  double persistence = 0;
  double weights[3] = {0, 0, 0};
  double per_capita = 0;
  double te_mean = 0, te_sd = 0, uf_mean = 1, uf_sd = 0, q_mean = 100, q_sd = 0;
  bool low_revenue = false;
  double participant_revenue = -1;
  int agreement_start = 2022;
  double euc_relief = 0;
  long n[4] = {0, 0, 0, 0};
  LognormalCost cost[4];
  struct TrackItem {
    std::string id;
    double msr;
  };
  std::vector<TrackItem> tracks;
};

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "acosim_sums: %s\n", what.c_str());
  std::exit(2);
}

double number(std::istringstream& in, const std::string& key) {
  std::string t;
  if (!(in >> t)) fail("model: '" + key + "' needs more numbers");
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end == t.c_str() || *end != '\0') fail("model: '" + key + "': '" + t + "' is not a number");
  return v;
}

PlainModel read_model(std::istream& in) {
  PlainModel m;
  int types = 0;
  for (std::string line; std::getline(in, line);) {
    std::istringstream s(line);
    std::string key;
    if (!(s >> key)) continue;
    if (key == "seed") {
      std::string t;
      s >> t;
      m.seed = std::strtoull(t.c_str(), nullptr, 10);
    } else if (key == "runs") {
      m.runs = static_cast<long>(number(s, key));
    } else if (key == "year") {
      m.year = static_cast<int>(number(s, key));
    } else if (key == "historical") {
      m.historical = number(s, key) != 0;
    } else if (key == "persistence") {
      m.persistence = number(s, key);
    } else if (key == "weights") {
      for (double& w : m.weights) w = number(s, key);
    } else if (key == "per_capita") {
      m.per_capita = number(s, key);
    } else if (key == "true_effect") {
      m.te_mean = number(s, key);
      m.te_sd = number(s, key);
    } else if (key == "update_factor") {
      m.uf_mean = number(s, key);
      m.uf_sd = number(s, key);
    } else if (key == "quality") {
      m.q_mean = number(s, key);
      m.q_sd = number(s, key);
    } else if (key == "revenue") {
      m.low_revenue = number(s, key) != 0;
      m.participant_revenue = number(s, key);
      m.agreement_start = static_cast<int>(number(s, key));
      m.euc_relief = number(s, key);
    } else if (key == "type") {
      if (types == 4) fail("model: more than four 'type' lines");
      m.n[types] = static_cast<long>(number(s, key));
      const double z_zero = number(s, key), z_high = number(s, key), mu_low = number(s, key);
      const double mu_high = number(s, key), sigma = number(s, key), cap = number(s, key);
      m.cost[types] = LognormalCost(z_zero, z_high, mu_low, mu_high, sigma, cap);
      ++types;
    } else if (key == "track") {
      PlainModel::TrackItem t;
      if (!(s >> t.id)) fail("model: 'track' needs an id");
      if (find_track(t.id) == nullptr) fail("model: unknown track '" + t.id + "'");
      t.msr = number(s, key);
      m.tracks.push_back(t);
    } else {
      fail("model: unknown item '" + key + "'");
    }
  }
  if (types != 4) fail("model: expected four 'type' lines");
  return m;
}

void print_runs(const PlainModel& m) {
  long total = 0;
  for (long k : m.n) total += k;
  for (long run = 0; run < m.runs; ++run) {
    const auto r = static_cast<std::uint64_t>(run);
    std::string line = std::to_string(run);
    const auto put = [&line](double x) {
      char buf[64];
      std::snprintf(buf, sizeof buf, " %a", x);
      line += buf;
    };
    double base = 0, py = 0;
    for (int e = 0; e < 4; ++e) {
      if (m.n[e] == 0) continue;
      const PhiloxStream stream(m.seed, r, Purpose::Beneficiary, static_cast<std::uint32_t>(e));
      std::array<double, 4> sums{};
      if (m.historical) {
        sum_history(m.cost[e], m.cost[e], stream, m.n[e], m.persistence, sums);
      } else {
        sums[3] = sum_py_only(m.cost[e], stream, m.n[e]);
      }
      for (double x : sums) put(x);
      base += m.weights[0] * sums[0] + m.weights[1] * sums[1] + m.weights[2] * sums[2];
      py += sums[3];
    }
    const auto z = normals4(PhiloxStream(m.seed, r, Purpose::RunLevel), 0);
    const double effect = std::max(-0.9, m.te_mean + m.te_sd * z[0]);
    const double factor = std::max(0.01, m.uf_mean + m.uf_sd * z[1]);
    const double quality = std::min(100.0, std::max(0.0, m.q_mean + m.q_sd * z[2]));
    SettlementInput in;
    in.performance_year = m.year;
    in.assigned_beneficiaries = total;
    in.benchmark = factor * (m.historical ? base : m.per_capita * static_cast<double>(total));
    in.expenditure = (1.0 + effect) * py;
    in.quality_score = quality;
    in.low_revenue = m.low_revenue;
    if (m.participant_revenue >= 0) in.participant_revenue = m.participant_revenue;
    in.agreement_start_year = m.agreement_start;
    in.euc_relief_fraction = m.euc_relief;
    put(in.benchmark);
    put(in.expenditure);
    for (const auto& t : m.tracks) {
      in.msr_election = t.msr < 0 ? MsrElection::table() : MsrElection::fixed(t.msr);
      put(settle(*find_track(t.id), in).payment);
    }
    std::puts(line.c_str());
  }
}

#ifdef ACOSIM_SUMS_NATIVE
// The plain model of a scenario file: its computed cost kernels and the settlement inputs.
void print_model(const std::string& path, long runs) {
  const Scenario s = load_scenario(path);
  const SimulationModel model(s);
  const auto hex = [](double x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%a", x);
    return std::string(buf);
  };
  std::printf("seed %" PRIu64 "\nruns %ld\nyear %d\nhistorical %d\npersistence %s\n", s.seed, runs,
              s.performance_year, s.benchmark_mode == BenchmarkMode::Historical ? 1 : 0,
              hex(s.persistence).c_str());
  std::printf("weights %s %s %s\n", hex(s.base_year_weights[0]).c_str(), hex(s.base_year_weights[1]).c_str(),
              hex(s.base_year_weights[2]).c_str());
  std::printf("per_capita %s\n",
              hex(s.benchmark_per_capita.value_or(s.expected_spending_per_capita())).c_str());
  std::printf("true_effect %s %s\nupdate_factor %s %s\nquality %s %s\n", hex(s.true_effect.mean).c_str(),
              hex(s.true_effect.sd).c_str(), hex(s.update_factor.mean).c_str(),
              hex(s.update_factor.sd).c_str(), hex(s.quality.mean).c_str(), hex(s.quality.sd).c_str());
  std::printf("revenue %d %s %d %s\n", s.low_revenue ? 1 : 0, hex(s.participant_revenue.value_or(-1)).c_str(),
              s.agreement_start_year, hex(s.euc_relief_fraction).c_str());
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    if (model.empirical(e) != nullptr || model.cost(e).is_gamma())
      fail(path + ": only lognormal cost models are plain numbers");
    const LognormalCost k = model.cost(e).kernel();
    std::printf("type %ld %s %s %s %s %s %s\n", s.beneficiaries[static_cast<std::size_t>(e)],
                hex(k.z_zero()).c_str(), hex(k.z_high()).c_str(), hex(k.mu_low()).c_str(),
                hex(k.mu_high()).c_str(), hex(k.sigma()).c_str(), hex(k.cap()).c_str());
  }
  for (const TrackChoice& c : s.tracks) {
    if (find_track(c.track.id) == nullptr) continue;  // custom tracks are not plain numbers
    std::printf("track %s %s\n", c.track.id.c_str(),
                c.election.variable ? "-1" : hex(c.election.rate).c_str());
  }
}
#endif

}  // namespace

int main(int argc, char** argv) {
#ifdef ACOSIM_SUMS_NATIVE
  if (argc >= 3 && std::strcmp(argv[1], "--model") == 0) {
    const long runs = argc >= 5 && std::strcmp(argv[3], "--runs") == 0 ? std::atol(argv[4]) : 200;
    try {
      print_model(argv[2], runs);
    } catch (const std::exception& e) {
      fail(e.what());
    }
    return 0;
  }
#endif
  if (argc != 1)
    fail("usage: acosim_sums < MODEL (or, native build: acosim_sums --model SCENARIO.yaml [--runs N])");
  print_runs(read_model(std::cin));
  return 0;
}
