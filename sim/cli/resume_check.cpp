#include "sim/cli/resume_check.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include <fmt/format.h>

#include "sim/common/error.hpp"

namespace acosim {

namespace {

bool same_bits(double x, double y) {
  return std::bit_cast<std::uint64_t>(x) == std::bit_cast<std::uint64_t>(y);
}

[[noreturn]] void refuse(const std::string& file, const std::string& what) {
  throw InputError(
      fmt::format("{}: {}: the file's stored scenario, seed or data were changed, or the file is "
                  "damaged; start the run again instead of resuming it",
                  file, what));
}

// The completed runs to re-sample: the first, the last and up to 8 spread evenly between them.
std::vector<long> runs_to_resample(const RunTable& t) {
  std::vector<long> done;
  for (long k = 0; k < t.runs(); ++k) {
    if (t.done(k)) done.push_back(k);
  }
  if (done.size() <= 10) return done;
  std::vector<long> pick;
  for (std::size_t i = 0; i < 10; ++i) pick.push_back(done[i * (done.size() - 1) / 9]);
  pick.erase(std::unique(pick.begin(), pick.end()), pick.end());
  return pick;
}

}  // namespace

void verify_resumable(const SimulationModel& model, const SimulationResults& previous,
                      const std::string& file, bool same_rng_layout) {
  const Scenario& s = model.scenario();
  const RunTable& t = previous.table;
  if (t.runs() != s.runs || previous.meta.runs != s.runs) {
    refuse(file, fmt::format("it holds {} runs but its stored scenario asks for {}", t.runs(), s.runs));
  }
  if (t.tracks.size() != s.tracks.size()) {
    refuse(file, fmt::format("it holds {} tracks but its stored scenario settles {}", t.tracks.size(),
                             s.tracks.size()));
  }
  for (std::size_t k = 0; k < s.tracks.size(); ++k) {
    if (t.tracks[k] != s.tracks[k].label) {
      refuse(file, fmt::format("track {} is '{}' in /tracks/labels but '{}' in its stored scenario", k,
                               t.tracks[k], s.tracks[k].label));
    }
  }
  if (same_rng_layout) {
    for (const long k : runs_to_resample(t)) {
      const RunSample r = sample_run(model, s.seed, static_cast<std::uint64_t>(k));
      if (!same_bits(r.expenditure, t.expenditure(k)) || !same_bits(r.benchmark, t.benchmark(k)) ||
          !same_bits(r.true_effect, t.true_effect(k)) ||
          !same_bits(r.benchmark_factor, t.benchmark_factor(k)) || !same_bits(r.quality, t.quality(k)) ||
          r.met_qps != (t.met_qps(k) != 0) || r.met_alt_qps != (t.met_alt_qps(k) != 0)) {
        refuse(
            file,
            fmt::format(
                "completed run {} does not reproduce from the scenario stored in the file (stored spending "
                "{:.17g}, recomputed {:.17g})",
                k, t.expenditure(k), r.expenditure));
      }
    }
  }
  // Settlement is cheap next to sampling: check every completed run.
  RunTable again = t;
  settle_runs(s, again);
  for (long k = 0; k < t.runs(); ++k) {
    if (!t.done(k)) continue;
    for (Eigen::Index j = 0; j < t.payment.cols(); ++j) {
      if (!same_bits(again.payment(k, j), t.payment(k, j)) || again.outcome(k, j) != t.outcome(k, j)) {
        refuse(file,
               fmt::format("completed run {}, track '{}': the stored payment {:.2f} is not what the stored "
                           "scenario settles ({:.2f})",
                           k, t.tracks[static_cast<std::size_t>(j)], t.payment(k, j), again.payment(k, j)));
      }
    }
  }
}

}  // namespace acosim
