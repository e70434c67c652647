#include "sim/engine/agreement.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/engine/mpi.hpp"
#include "sim/engine/rng.hpp"
#include "sim/engine/sampler.hpp"
#include "sim/engine/statistics.hpp"
#include "sim/engine/true_effect.hpp"

namespace acosim {

std::string AgreementSpec::rules_note() const {
  std::vector<int> carried;
  for (std::size_t y = 0; y < performance_year.size(); ++y) {
    if (rules_year[y] != performance_year[y]) carried.push_back(performance_year[y]);
  }
  std::vector<std::string> notes;
  if (!carried.empty()) {
    const std::string span = carried.size() == 1 ? fmt::format("PY{}", carried.front())
                                                 : fmt::format("PY{}-PY{}", carried.front(), carried.back());
    notes.push_back(fmt::format(
        "{} settled under PY{} rules (no later rules in models/track.hpp; future_rules: carry_forward)", span,
        kLastRuleYear));
  }
  notes.insert(notes.end(), threshold_notes.begin(), threshold_notes.end());
  std::string out;
  for (const auto& n : notes) out += (out.empty() ? "" : "; ") + n;
  return out;
}

namespace {

const AgreementSpec& required_spec(const Scenario& s) {
  if (!s.agreement) {
    throw InputError(
        fmt::format("{}: the scenario has no 'agreement:' section; add one (docs/agreements.md), e.g. "
                    "agreement: {{years: 5, paths: [{{fixed: BASIC_E, msr: 1%}}, {{glide: A, msr: 1%}}]}}",
                    s.path.empty() ? std::string("scenario") : s.path));
  }
  return *s.agreement;
}

}  // namespace

AgreementModel::AgreementModel(const Scenario& scenario) : base_(scenario), spec_(required_spec(scenario)) {}

std::string agreement_column(const std::string& label, int k) {
  if (k == 0) return label + " total";
  if (k == 1) return label + " PV";
  if (k == 2) return label + " worst year";
  return fmt::format("{} year {}", label, k - kPathSummaryColumns + 1);
}

// =================================================================================================
// Sampling

namespace {

// Year y >= 1: each slot's beneficiary leaves with probability `turnover` and is replaced by a new
// one with fresh latents; a stayer's latents continue the AR(1).
template <class Cost>
double later_year(const Cost& cost, std::uint64_t seed, std::uint64_t run, int y, int e, long n, double rho,
                  double turnover, double* zs, double* zz, long& replaced, double* costs,
                  std::uint8_t* flags) {
  const std::uint32_t sub = static_cast<std::uint32_t>(4 * y + e);
  const PhiloxStream leave(seed, run, Purpose::Turnover, sub);
  const PhiloxStream fresh(seed, run, Purpose::NewBeneficiary, sub);
  const PhiloxStream innov(seed, run, Purpose::PanelYear, sub);
  const Ar1 ar1(rho);
  std::array<std::uint32_t, 4> words{};
  std::array<double, 4> iz{};
  double sum = 0;
  for (long i = 0; i < n; ++i) {
    if (turnover > 0 && i % 4 == 0) words = leave.words(static_cast<std::uint32_t>(i / 4));
    if (i % 2 == 0) iz = normals4(innov, static_cast<std::uint32_t>(i / 2));
    const std::size_t o = static_cast<std::size_t>(i % 2) * 2;
    const bool leaves = turnover > 0 && to_uniform(words[static_cast<std::size_t>(i % 4)]) < turnover;
    if (leaves) {
      const auto f = normals4(fresh, static_cast<std::uint32_t>(i / 2));
      zs[i] = f[o];
      zz[i] = f[o + 1];
      ++replaced;
    } else {
      zs[i] = ar1.step(zs[i], iz[o]);
      zz[i] = ar1.step(zz[i], iz[o + 1]);
    }
    const double c = cost.cost(zs[i], zz[i]);
    sum += c;
    if (costs) {
      costs[i] = c;
      flags[i] = leaves ? 1 : 0;
    }
  }
  return sum;
}

// One run of an agreement (sample_agreement below runs it through with_fma_isa).
void size_workspace(const Scenario& s, PanelWorkspace& ws, bool observed) {
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const auto n = static_cast<std::size_t>(s.beneficiaries[static_cast<std::size_t>(e)]);
    ws.z_state[static_cast<std::size_t>(e)].resize(n);
    ws.z_size[static_cast<std::size_t>(e)].resize(n);
    if (observed && ws.costs.size() < n) {
      ws.costs.resize(n);
      ws.replaced.resize(n);
    }
  }
}

// Year 1: exactly sample_run (runner.cpp): run-level normals `x`, alternative QPS, beneficiaries;
// keeps each slot's PY latents in the workspace for the later years.
void sample_first_year(const AgreementModel& model, std::uint64_t seed, std::uint64_t run,
                       const Eigen::Vector3d& x, double u1, PanelWorkspace& ws, PanelObserver* observer,
                       AgreementSample& r) {
  const Scenario& s = model.scenario();
  const AgreementSpec& sp = model.spec();
  const SimulationModel& base_model = model.base();
  AgreementYear& y0 = r.year[0];
  y0.true_effect = std::max(-0.9, sp.true_effect_mean[0] + s.true_effect.sd * x(0));
  y0.quality = std::clamp(s.quality.mean + s.quality.sd * x(2), 0.0, 100.0);
  y0.met_qps = !sp.qps_threshold[0] || y0.quality >= *sp.qps_threshold[0];
  y0.met_alt_qps = !y0.met_qps && alternative_qps_uniform(seed, run) < s.alt_qps_probability;
  y0.update_factor = u1;

  const double multiplier = 1.0 + y0.true_effect;
  double expenditure = 0, base = 0;
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const std::size_t k = static_cast<std::size_t>(e);
    const long n = s.beneficiaries[k];
    if (n == 0) continue;
    const PhiloxStream stream(seed, run, Purpose::Beneficiary, static_cast<std::uint32_t>(e));
    double* costs = observer ? ws.costs.data() : nullptr;
    // Year 1 draws exactly what sample_run draws; keep the PY latents for the later years.
    double* zs_out = ws.z_state[k].data();
    double* zz_out = ws.z_size[k].data();
    auto keep_py_latents = [&](long i, double zs, double zz, double c) {
      zs_out[i] = zs;
      zz_out[i] = zz;
      if (costs) costs[i] = c;
    };
    double type_expenditure = 0, type_base = 0;
    if (s.benchmark_mode == BenchmarkMode::Historical) {
      std::array<double, 4> sums{};
      with_cost(base_model, e, [&](const auto& cost) {
        type_expenditure = effect_spending(cost, multiplier, [&](const auto& py_cost) {
          sample_history_reference(cost, py_cost, stream, n, s.persistence, sums, keep_py_latents);
          return sums[3];
        });
      });
      type_base = s.base_year_weights[0] * sums[0] + s.base_year_weights[1] * sums[1] +
                  s.base_year_weights[2] * sums[2];
    } else {
      with_cost(base_model, e, [&](const auto& cost) {
        type_expenditure = effect_spending(cost, multiplier, [&](const auto& py_cost) {
          return sample_py_only_reference(py_cost, stream, n, keep_py_latents);
        });
      });
      const double per_capita = s.benchmark_per_capita.value_or(s.expected_spending_per_capita());
      type_base = per_capita * static_cast<double>(n);
    }
    expenditure += type_expenditure;
    base += type_base;
    if (observer) {
      std::fill_n(ws.replaced.begin(), n, std::uint8_t{0});
      observer->observe(0, e, {ws.costs.data(), static_cast<std::size_t>(n)},
                        {ws.replaced.data(), static_cast<std::size_t>(n)});
    }
  }
  y0.expenditure = expenditure;
  y0.benchmark = base * u1;
  r.historical_base = base;
}

// The rebased renewal (spec §4.1 step 4, rebased weights 1/3 each): its historical benchmark is
// the ACO's own spending in the last 3 PYs of the first agreement, trended to the last PY's
// dollars with realized growth, plus the prior savings adjustment (spec §4.1 step 6).
void rebase(const AgreementSpec& sp, AgreementSample& r) {
  double rebased = 0, savings = 0;
  for (int j = sp.years - kMinRenewalBaseYears; j < sp.years; ++j) {
    const AgreementYear& py = r.year[static_cast<std::size_t>(j)];
    double c = 1;  // realized growth from year j to the last year
    for (int k = j + 1; k < sp.years; ++k) c *= r.year[static_cast<std::size_t>(k)].growth;
    rebased += py.expenditure * c / 3.0;
    savings += (py.benchmark - py.expenditure) * c / 3.0;
  }
  const double psa =
      std::min(sp.prior_savings_share * std::max(0.0, savings), sp.prior_savings_cap * rebased);
  r.prior_savings_adjustment = psa;
  r.rebased_base = rebased + psa;
}

// Year y >= 1's expenditure: every enrollment type's panel moved on one year.
double later_year_expenditure(const AgreementModel& model, std::uint64_t seed, std::uint64_t run, int y,
                              PanelWorkspace& ws, PanelObserver* observer, AgreementYear& yr) {
  const Scenario& s = model.scenario();
  const AgreementSpec& sp = model.spec();
  const SimulationModel& base_model = model.base();
  const double multiplier = 1.0 + yr.true_effect;
  double expenditure = 0;
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const std::size_t k = static_cast<std::size_t>(e);
    const long n = s.beneficiaries[k];
    if (n == 0) continue;
    with_cost(base_model, e, [&](const auto& cost) {
      expenditure += effect_spending(cost, multiplier, [&](const auto& py_cost) {
        return later_year(py_cost, seed, run, y, e, n, s.persistence, sp.turnover, ws.z_state[k].data(),
                          ws.z_size[k].data(), yr.replaced, observer ? ws.costs.data() : nullptr,
                          observer ? ws.replaced.data() : nullptr);
      });
    });
    if (observer) {
      observer->observe(y, e, {ws.costs.data(), static_cast<std::size_t>(n)},
                        {ws.replaced.data(), static_cast<std::size_t>(n)});
    }
  }
  return expenditure * yr.spending_level;
}

// One run of an agreement (sample_agreement below runs it through with_fma_isa).
AgreementSample sample_agreement_on(const AgreementModel& model, std::uint64_t seed, std::uint64_t run,
                                    PanelWorkspace& ws, PanelObserver* observer) {
  const Scenario& s = model.scenario();
  const AgreementSpec& sp = model.spec();
  AgreementSample r;
  r.years = sp.total_years();
  size_workspace(s, ws, observer != nullptr);

  const Eigen::Vector3d x = run_level_normals(model.base(), seed, run);
  const double effect_deviation = s.true_effect.sd * x(0);
  const double u1 = std::max(0.01, s.update_factor.mean + s.update_factor.sd * x(1));
  double quality_latent = x(2);
  sample_first_year(model, seed, run, x, u1, ws, observer, r);

  // ---- Years 2..n: turnover, AR(1) continuation, growth, risk-score drift, quality.
  const double quality_innovation = std::sqrt(1.0 - sp.quality_persistence * sp.quality_persistence);
  double realized = 1;           // cumulative realized blend growth since PY1
  double gap_level = 1;          // cumulative ACO-specific growth relative to the blend
  double risk = 1;               // cumulative risk-score ratio since the (current) agreement's reference
  double renewal_reference = 1;  // `realized` at the last PY of the first agreement
  double agreement_base = r.historical_base * u1;  // base x PY1 relative update
  for (int y = 1; y < r.years; ++y) {
    AgreementYear& yr = r.year[static_cast<std::size_t>(y)];
    const PhiloxStream year_stream(seed, run, Purpose::AgreementYear, static_cast<std::uint32_t>(y));
    const auto w = normals4(year_stream, 0);
    yr.growth = std::max(0.01, sp.growth.mean + sp.growth.sd * w[0]);
    const double gap = std::max(-0.99, sp.spending_gap.mean + sp.spending_gap.sd * w[1]);
    const double drift = std::max(-0.99, sp.risk_score_growth.mean + sp.risk_score_growth.sd * w[2]);
    quality_latent = sp.quality_persistence * quality_latent + quality_innovation * w[3];
    const double u_alt = to_uniform(year_stream.words(1)[0]);

    if (y == sp.years) {
      renewal_reference = realized;
      rebase(sp, r);
      agreement_base = r.rebased_base;
      risk = 1;  // the +3% cap applies per agreement, from its own BY3
    }

    realized *= yr.growth;
    gap_level *= 1.0 + gap;
    risk *= 1.0 + drift;
    yr.spending_level = realized * gap_level;
    yr.true_effect = std::max(-0.9, sp.true_effect_mean[static_cast<std::size_t>(y)] + effect_deviation);
    yr.quality = std::clamp(s.quality.mean + s.quality.sd * quality_latent, 0.0, 100.0);
    const auto& thr = sp.qps_threshold[static_cast<std::size_t>(y)];
    yr.met_qps = !thr || yr.quality >= *thr;
    yr.met_alt_qps = !yr.met_qps && u_alt < s.alt_qps_probability;

    // Benchmark update (spec §4.2): trend x capped risk ratio. Agreements from 2024 blend the
    // realized growth with the ACPT fixed at the start: (1 - w) x realized + w x (1 + ACPT)^t.
    const bool renewal = sp.in_renewal(y);
    const double t = renewal ? static_cast<double>(y - sp.years + 1) : static_cast<double>(y);
    const double trend_realized = renewal ? realized / renewal_reference : realized;
    const std::optional<double>& acpt = renewal ? sp.renewal_acpt : sp.acpt;
    const double trend =
        acpt ? (1.0 - sp.acpt_weight) * trend_realized + sp.acpt_weight * std::pow(1.0 + *acpt, t)
             : trend_realized;
    yr.risk_ratio = std::min(risk, 1.0 + sp.risk_score_cap);  // +3% cap on positive growth only
    yr.update_factor = (renewal ? 1.0 : u1) * trend * yr.risk_ratio;
    yr.benchmark = agreement_base * trend * yr.risk_ratio;
    yr.expenditure = later_year_expenditure(model, seed, run, y, ws, observer, yr);
  }
  return r;
}

}  // namespace

AgreementSample sample_agreement(const AgreementModel& model, std::uint64_t seed, std::uint64_t run,
                                 PanelWorkspace& ws, PanelObserver* observer) {
  AgreementSample r;
  with_fma_isa([&] { r = sample_agreement_on(model, seed, run, ws, observer); });
  return r;
}

// =================================================================================================
// Settlement

SettlementInput agreement_settlement_input(const AgreementModel& model, const AgreementSample& r, int y,
                                           const TrackChoice& choice) {
  const Scenario& s = model.scenario();
  const AgreementSpec& sp = model.spec();
  const AgreementYear& yr = r.year[static_cast<std::size_t>(y)];
  SettlementInput in;
  in.performance_year = sp.rules_year[static_cast<std::size_t>(y)];
  in.assigned_beneficiaries = s.total_beneficiaries();
  in.benchmark = yr.benchmark;
  in.expenditure = yr.expenditure;
  in.msr_election = choice.election;
  in.quality_score = yr.quality;
  in.met_qps = yr.met_qps;
  in.met_alt_qps = yr.met_alt_qps;
  in.low_revenue = s.low_revenue;
  // Participant revenue grows with the ACO's spending level (it is FFS revenue).
  in.participant_revenue = s.participant_revenue;
  if (y > 0 && in.participant_revenue) *in.participant_revenue *= yr.spending_level;
  in.agreement_start_year = sp.agreement_start(y);
  // Track 2's loss limit depends on the year of participation in Track 2 (5% / 7.5% / 10%):
  // settle_path() counts the path's years in Track 2; here the single-year engine's 3rd+ year.
  in.track2_year = 3;
  in.euc_relief_fraction = s.euc_relief_fraction;
  return in;
}

PathResult settle_path(const AgreementModel& model, const AgreementSample& r, const AgreementPath& path) {
  const AgreementSpec& sp = model.spec();
  PathResult out;
  double discount = 1;
  double worst = 0;
  int track2 = 0;
  for (int y = 0; y < r.years; ++y) {
    const TrackChoice& c = path.by_year[static_cast<std::size_t>(y)];
    SettlementInput in = agreement_settlement_input(model, r, y, c);
    if (c.track.loss_limit_rule == LossLimitRule::ByTrack2Year) in.track2_year = std::min(3, ++track2);
    Settlement st;
    try {
      st = settle(c.track, in);
    } catch (const std::invalid_argument& e) {
      throw InputError(fmt::format("path {}, PY{}: {}", path.label,
                                   sp.performance_year[static_cast<std::size_t>(y)], e.what()));
    }
    const std::size_t k = static_cast<std::size_t>(y);
    out.payment[k] = st.payment;
    out.outcome[k] = st.outcome;
    out.total += st.payment;
    discount /= 1.0 + sp.discount_rate;
    out.present_value += st.payment * discount;
    if (y == 0 || st.payment < worst) {
      worst = st.payment;
      out.worst_year = y;
    }
    out.any_year_owed = out.any_year_owed || st.payment < 0;
  }
  return out;
}

// =================================================================================================
// The run loop

namespace {

OutcomeCode sign_outcome(double x) {
  return static_cast<OutcomeCode>(x > 0   ? Outcome::SharedSavings
                                  : x < 0 ? Outcome::SharedLosses
                                          : Outcome::BelowMsr);
}

// The per-year sample matrices (runs x path years) of `x`, in row order.
std::array<Eigen::MatrixXd*, 8> yearly_matrices(AgreementRuns& x) {
  return {&x.benchmark, &x.expenditure,    &x.true_effect,   &x.quality,
          &x.growth,    &x.spending_level, &x.update_factor, &x.risk_ratio};
}

// The results before any run: the spec's description, the run table's columns, zeroed samples.
AgreementResults empty_results(const AgreementSpec& sp, long runs) {
  const int years = sp.total_years();
  const int width = kPathSummaryColumns + years;
  const long n_paths = static_cast<long>(sp.paths.size());
  AgreementResults ar;
  ar.years = sp.years;
  ar.renewal_years = sp.renewal_years;
  ar.start_year = sp.start_year;
  ar.discount_rate = sp.discount_rate;
  ar.turnover = sp.turnover;
  ar.performance_year = sp.performance_year;
  ar.rules_year = sp.rules_year;
  ar.notes = sp.rules_note();
  for (const AgreementPath& p : sp.paths) {
    ar.path_labels.push_back(p.label);
    ar.path_descriptions.push_back(p.description);
  }
  RunTable& t = ar.results.table;
  t.resize(runs, n_paths * width);
  for (const AgreementPath& p : sp.paths) {
    for (int k = 0; k < width; ++k) t.tracks.push_back(agreement_column(p.label, k));
  }
  AgreementRuns& x = ar.runs;
  for (Eigen::MatrixXd* m : yearly_matrices(x)) m->setZero(runs, years);
  x.met_qps.setZero(runs, years);
  x.met_alt_qps.setZero(runs, years);
  x.replaced.setZero(runs, years);
  x.any_year_owed.setZero(runs, n_paths);
  if (sp.cash) {
    for (Eigen::MatrixXd* m : {&x.cash.net, &x.cash.recouped, &x.cash.due}) m->setZero(runs, n_paths * years);
  }
  return ar;
}

// Stores run `run`: its per-year samples, every path's columns, and the single-valued run columns
// (totals over the agreement, and PY1's sampled inputs). Row `run` is written only by that run.
void store_run(const AgreementModel& model, const AgreementSample& r, long run, AgreementResults& ar) {
  const AgreementSpec& sp = model.spec();
  const int years = sp.total_years();
  const int width = kPathSummaryColumns + years;
  RunTable& t = ar.results.table;
  AgreementRuns& x = ar.runs;
  double benchmark = 0, expenditure = 0;
  for (int y = 0; y < years; ++y) {
    const AgreementYear& yr = r.year[static_cast<std::size_t>(y)];
    const std::array<double, 8> values = {yr.benchmark, yr.expenditure,    yr.true_effect,   yr.quality,
                                          yr.growth,    yr.spending_level, yr.update_factor, yr.risk_ratio};
    const auto matrices = yearly_matrices(x);
    for (std::size_t k = 0; k < matrices.size(); ++k) (*matrices[k])(run, y) = values[k];
    x.met_qps(run, y) = yr.met_qps;
    x.met_alt_qps(run, y) = yr.met_alt_qps;
    x.replaced(run, y) = yr.replaced;
    benchmark += yr.benchmark;
    expenditure += yr.expenditure;
  }
  for (long p = 0; p < static_cast<long>(sp.paths.size()); ++p) {
    const PathResult pr = settle_path(model, r, sp.paths[static_cast<std::size_t>(p)]);
    const long c = p * width;
    t.payment(run, c) = pr.total;
    t.outcome(run, c) = sign_outcome(pr.total);
    t.payment(run, c + 1) = pr.present_value;
    t.outcome(run, c + 1) = sign_outcome(pr.present_value);
    const double worst = pr.payment[static_cast<std::size_t>(pr.worst_year)];
    t.payment(run, c + 2) = worst;
    // Worst year: "shared losses" exactly when money is owed (losses fully forgiven by PHE
    // relief count as below the MLR here).
    Outcome wo = pr.outcome[static_cast<std::size_t>(pr.worst_year)];
    if (worst >= 0 && wo == Outcome::SharedLosses) wo = Outcome::BelowMlr;
    t.outcome(run, c + 2) = static_cast<OutcomeCode>(wo);
    for (int y = 0; y < years; ++y) {
      t.payment(run, c + kPathSummaryColumns + y) = pr.payment[static_cast<std::size_t>(y)];
      t.outcome(run, c + kPathSummaryColumns + y) =
          static_cast<OutcomeCode>(pr.outcome[static_cast<std::size_t>(y)]);
    }
    x.any_year_owed(run, p) = pr.any_year_owed;
    if (sp.cash) {  // net cash per PY (bench §9.4; sim/engine/agreement_cash.hpp)
      const PathCash pc =
          path_cash(sp, sp.paths[static_cast<std::size_t>(p)],
                    std::span<const double>(pr.payment.data(), static_cast<std::size_t>(years)));
      for (int y = 0; y < years; ++y) {
        const auto k = static_cast<std::size_t>(y);
        x.cash.net(run, p * years + y) = pc.net[k];
        x.cash.recouped(run, p * years + y) = pc.recouped[k];
        x.cash.due(run, p * years + y) = pc.due[k];
      }
    }
  }
  t.benchmark(run) = benchmark;
  t.expenditure(run) = expenditure;
  t.true_effect(run) = r.year[0].true_effect;
  t.benchmark_factor(run) = r.year[0].update_factor;
  t.quality(run) = r.year[0].quality;
  t.met_qps(run) = r.year[0].met_qps;
  t.met_alt_qps(run) = r.year[0].met_alt_qps;
  t.done(run) = 1;
}

// The row layout of one run in the MPI exchange (split_runs): every value store_run wrote, in one
// fixed order. `f` receives each by reference (double, OutcomeCode, int8 or int64 cells); the row
// width, the packing and the unpacking are all derived from this one list.
template <class F>
void for_each_row_value(AgreementResults& ar, long run, F&& f) {
  RunTable& t = ar.results.table;
  AgreementRuns& x = ar.runs;
  for (Eigen::Index c = 0; c < t.payment.cols(); ++c) {
    f(t.payment(run, c));
    f(t.outcome(run, c));
  }
  f(t.benchmark(run));
  f(t.expenditure(run));
  f(t.true_effect(run));
  f(t.benchmark_factor(run));
  f(t.quality(run));
  f(t.met_qps(run));
  f(t.met_alt_qps(run));
  f(t.done(run));
  for (Eigen::MatrixXd* m : yearly_matrices(x)) {
    for (Eigen::Index y = 0; y < m->cols(); ++y) f((*m)(run, y));
  }
  for (Eigen::Index y = 0; y < x.replaced.cols(); ++y) {
    f(x.met_qps(run, y));
    f(x.met_alt_qps(run, y));
    f(x.replaced(run, y));
  }
  for (Eigen::Index p = 0; p < x.any_year_owed.cols(); ++p) f(x.any_year_owed(run, p));
  for (Eigen::MatrixXd* m : {&x.cash.net, &x.cash.recouped, &x.cash.due}) {
    for (Eigen::Index c = 0; c < m->cols(); ++c) f((*m)(run, c));
  }
}

// The run description: scenario, seed, threads, RNG layout, completion and beneficiary-years drawn
// (base years once, then every path year).
void describe_agreement(const AgreementModel& model, int threads, double seconds, AgreementResults& ar) {
  const Scenario& s = model.scenario();
  const AgreementSpec& sp = model.spec();
  ResultMetadata& m = ar.results.meta;
  describe_run(m, s, threads, seconds, ar.results.table, 0);  // then the agreement's own figures
  const double base_years = s.benchmark_mode == BenchmarkMode::Historical ? 3.0 : 0.0;
  m.beneficiary_years = static_cast<double>(m.completed_runs) * static_cast<double>(s.total_beneficiaries()) *
                        (base_years + static_cast<double>(sp.total_years()));
  m.performance_year = sp.start_year;
  m.beneficiaries = s.total_beneficiaries();
}

}  // namespace

AgreementResults simulate_agreement(const AgreementModel& model, const RunOptions& options) {
  const Scenario& s = model.scenario();
  const AgreementSpec& sp = model.spec();
  AgreementResults ar = empty_results(sp, s.runs);

  const int threads = resolve_threads(options.threads, s.threads);
  const auto start = std::chrono::steady_clock::now();
  // One panel workspace per thread (sized by beneficiaries).
  std::vector<PanelWorkspace> workspaces(static_cast<std::size_t>(threads));
  int row_width = 0;
  for_each_row_value(ar, 0, [&](auto&) { ++row_width; });
  std::vector<long> todo(static_cast<std::size_t>(s.runs));
  for (long run = 0; run < s.runs; ++run) todo[static_cast<std::size_t>(run)] = run;
  // Under MPI each rank does its share of the runs and all ranks then hold all rows (split_runs).
  split_runs(
      todo, threads, options, row_width,
      [&](long run) {
        PanelWorkspace& ws = workspaces[static_cast<std::size_t>(omp_get_thread_num())];
        store_run(model, sample_agreement(model, s.seed, static_cast<std::uint64_t>(run), ws), run, ar);
      },
      [&](long run, double* row) {
        for_each_row_value(ar, run, [&](auto& v) { *row++ = static_cast<double>(v); });
      },
      [&](const double* row, long run) {
        for_each_row_value(ar, run,
                           [&](auto& v) { v = static_cast<std::remove_cvref_t<decltype(v)>>(*row++); });
      });
  describe_agreement(model, threads,
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), ar);

  summarize(ar.results);
  // Keep only comparisons of the same column across paths (total vs total, year 2 vs year 2, ...).
  const int width = kPathSummaryColumns + sp.total_years();
  std::vector<PairSummary> kept;
  for (PairSummary& p : ar.results.pairs) {
    if (p.index_a % width == p.index_b % width && p.index_a / width != p.index_b / width)
      kept.push_back(std::move(p));
  }
  ar.results.pairs = std::move(kept);
  ar.cash = summarize_cash(sp, ar.runs.cash, ar.results.table.done);
  return ar;
}

}  // namespace acosim
