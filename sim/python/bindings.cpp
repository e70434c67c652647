// The `acosim._core` extension: a thin pybind11 layer over the library the CLI links. Every
// number comes from the same functions `acosim run`, `report`, `settle` and `sweep` call; this
// file only converts (scenario keys, NumPy views of the run table, dicts of summary columns) and
// runs the engine off the GIL with Ctrl-C polling. The pandas side is acosim/__init__.py.
//
// The C++ API it calls (adapt here when it changes): load_scenario / parse_scenario
// (sim/engine/scenario.hpp), simulate (sim/engine/runner.hpp), write_results / read_results
// (sim/output/hdf5_io.hpp), settle + explain (models/settle.hpp) through the simple settle format
// (sim/cli/settle_command.hpp), read_puf / reproduce_all (sim/input/puf.hpp), sweep_axes / plan_grid
// / apply_assignments (sim/input/sweep_reader.hpp), run_sweep (sim/engine/sweep.hpp), write_sweep /
// sweep_csv (sim/output/sweep_io.hpp), parse_risk / assess_risk (sim/engine/risk.hpp).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "models/settle.hpp"
#include "models/track.hpp"
#include "sim/cli/settle_command.hpp"
#include "sim/common/error.hpp"
#include "sim/common/input_file.hpp"
#include "sim/common/parse.hpp"
#include "sim/common/version.hpp"
#include "sim/engine/memory.hpp"
#include "sim/engine/results.hpp"
#include "sim/engine/risk.hpp"
#include "sim/engine/runner.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/engine/sweep.hpp"
#include "sim/input/csv.hpp"
#include "sim/input/puf.hpp"
#include "sim/input/risk_reader.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/input/scenario_text.hpp"
#include "sim/input/sweep_reader.hpp"
#include "sim/input/yaml_reader.hpp"
#include "sim/output/hdf5_io.hpp"
#include "sim/output/provenance.hpp"
#include "sim/output/report.hpp"
#include "sim/output/report/format.hpp"
#include "sim/output/summary_fields.hpp"
#include "sim/output/sweep_io.hpp"
#include "sim/output/verdict_text.hpp"
#include "sim/python/settle_bindings.hpp"

namespace py = pybind11;
namespace fs = std::filesystem;

namespace acosim {
namespace {

// ---- running off the GIL -------------------------------------------------------------------

// Runs `work(stop)` on a worker thread while the calling thread, without the GIL, waits for it and
// every 50 ms takes the GIL just long enough to run Python's signal handlers (PyErr_CheckSignals,
// which only the main thread may do). When a handler raises (Ctrl-C: KeyboardInterrupt) the stop
// flag is set, the engine stops after its current runs (the CLI's SIGINT flag, RunOptions::stop),
// the worker is joined and the Python exception propagates. Other Python threads run meanwhile.
template <class Work>
void run_off_gil(Work&& work) {
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  bool interrupted = false;
  std::exception_ptr error;
  {
    py::gil_scoped_release release;
    std::thread worker([&] {
      try {
        work(&stop);
      } catch (...) {
        error = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> lock(mutex);
        done = true;
      }
      finished.notify_one();
    });
    std::unique_lock<std::mutex> lock(mutex);
    while (!finished.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; })) {
      if (interrupted) continue;
      lock.unlock();
      {
        py::gil_scoped_acquire gil;
        interrupted = PyErr_CheckSignals() != 0;  // the handler's exception stays set
      }
      if (interrupted) stop.store(true);
      lock.lock();
    }
    lock.unlock();
    worker.join();
  }
  if (interrupted) throw py::error_already_set();
  if (error) std::rethrow_exception(error);
}

// ---- scenarios ------------------------------------------------------------------------------

// A scenario as the CLI builds it: a YAML source (file or text) plus `--set` overrides in order.
// Setting a key adds (or replaces) an override and validates the whole scenario again, so every
// key is checked exactly as `acosim run --set KEY=VALUE` checks it; a failed set changes nothing.
class PyScenario {
 public:
  static PyScenario from_file(const std::string& path, std::vector<Override> overrides) {
    PyScenario s;
    s.source_ = read_input_text(path, "scenario", kMaxScenarioBytes);  // the CLI's file checks and messages
    s.value_ = parse_scenario(s.source_, path, overrides);
    s.origin_ = path;
    s.overrides_ = std::move(overrides);
    return s;
  }
  static PyScenario from_text(const std::string& text, const std::string& origin,
                              std::vector<Override> overrides) {
    PyScenario s;
    s.value_ = parse_scenario(text, origin, overrides);
    s.source_ = text;
    s.origin_ = origin;
    s.overrides_ = std::move(overrides);
    return s;
  }

  const Scenario& value() const { return value_; }
  const std::string& origin() const { return origin_; }
  const std::vector<Override>& overrides() const { return overrides_; }

  // The validated scenario with extra overrides after this one's (`--runs`, `--seed`).
  Scenario with(const std::vector<Override>& extra) const {
    if (extra.empty()) return value_;
    std::vector<Override> all = overrides_;
    all.insert(all.end(), extra.begin(), extra.end());
    return parse_scenario(source_, origin_, all);
  }

  // KEY=VALUE as `--set` does it; keys with a list index (tracks[1].msr) as `acosim sweep --vary`
  // does it (sim/engine/sweep.hpp apply_assignments), which `--set` cannot address.
  void set(const std::string& key, const std::string& value) {
    if (key.find('[') != std::string::npos) {
      Scenario next = apply_assignments(value_, {{key, value}});
      source_ = next.text;
      overrides_.clear();
      value_ = std::move(next);
      return;
    }
    std::vector<Override> next = overrides_;
    bool replaced = false;
    for (Override& o : next) {
      if (o.key == key) {
        o.value = value;
        replaced = true;
      }
    }
    if (!replaced) next.push_back({key, value});
    value_ = parse_scenario(source_, origin_, next);
    overrides_ = std::move(next);
  }

 private:
  Scenario value_;
  std::string source_, origin_;
  std::vector<Override> overrides_;
};

// A YAML value as Python: null -> None, the scenario reader's booleans -> bool, whole numbers ->
// int, decimals -> float; quoted scalars and everything else ("1%", "BASIC_E") stay str.
py::object to_python(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return py::none();
  if (n.IsSequence()) {
    py::list out;
    for (const auto& item : n) out.append(to_python(item));
    return out;
  }
  if (n.IsMap()) {
    py::dict out;
    for (const auto& kv : n) out[py::str(kv.first.Scalar())] = to_python(kv.second);
    return out;
  }
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return py::str(s);  // quoted in the file
  if (s == "true" || s == "yes" || s == "on") return py::bool_(true);
  if (s == "false" || s == "no" || s == "off") return py::bool_(false);
  const std::string digits = !s.empty() && (s[0] == '-' || s[0] == '+') ? s.substr(1) : s;
  if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos) {
    return py::module_::import("builtins").attr("int")(s);  // any size: seeds up to 2^64 - 1
  }
  if (const auto v = parse_decimal(s)) return py::float_(*v);
  return py::str(s);
}

YAML::Node scenario_tree(const Scenario& s) { return YAML::Load(s.text); }

// The value at KEY (a.b, tracks[1].msr) in the scenario as loaded; KeyError when it is not set
// there (the documented default then applies: docs/scenario.md).
py::object get_key(const Scenario& s, const std::string& key) {
  const KeyPath path = parse_key_path(key);
  YAML::Node node = scenario_tree(s);
  for (const KeyPath::Part& p : path.parts) {
    if (p.index >= 0) {
      if (!node.IsSequence() || static_cast<std::size_t>(p.index) >= node.size()) {
        throw py::key_error(fmt::format("{}: the scenario has no element [{}] there", key, p.index));
      }
      node.reset(node[static_cast<std::size_t>(p.index)]);  // rebind (operator= would assign into the tree)
    } else {
      if (!node.IsMap() || !node[p.key]) {
        throw py::key_error(
            fmt::format("{}: not set in the scenario (its default applies; docs/scenario.md "
                        "lists every key)",
                        key));
      }
      node.reset(node[p.key]);
    }
  }
  return to_python(node);
}

// Every leaf key set in the scenario, as a.b and tracks[1].msr.
void leaf_keys(const YAML::Node& n, const std::string& prefix, std::vector<std::string>& out) {
  if (n.IsMap()) {
    for (const auto& kv : n)
      leaf_keys(kv.second, prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar(), out);
  } else if (n.IsSequence() && !prefix.empty()) {
    for (std::size_t i = 0; i < n.size(); ++i) leaf_keys(n[i], fmt::format("{}[{}]", prefix, i), out);
  } else if (!prefix.empty()) {
    out.push_back(prefix);
  }
}

std::vector<Override> to_overrides(const std::vector<std::pair<std::string, std::string>>& kv) {
  std::vector<Override> out;
  for (const auto& [k, v] : kv) out.push_back({k, v});
  return out;
}

// `--runs N` and `--seed S` as the CLI adds them (sim/input/scenario_reader.hpp scenario_overrides).
std::vector<Override> run_overrides(std::optional<long> runs, const std::optional<std::string>& seed) {
  if (runs && (*runs < 1 || *runs > 100'000'000)) {
    throw InputError(fmt::format("key 'runs': value {} is out of range; allowed: 1 to 100000000", *runs));
  }
  return scenario_overrides({}, runs.value_or(0), seed.value_or(""));
}

// ---- risk appetite --------------------------------------------------------------------------

struct RiskArgs {
  std::optional<double> max_loss, confidence, max_es, risk_aversion, risk_tolerance;
  bool any() const { return max_loss || confidence || max_es || risk_aversion || risk_tolerance; }
};

// The scenario's `risk:` section with the given values set over it, validated by the scenario's
// own reader (errors name the key as `--set risk.KEY=VALUE`); nullopt when neither states one.
std::optional<RiskAppetite> appetite(const std::string& scenario_text, const std::string& origin,
                                     const RiskArgs& a) {
  if (!a.any()) return risk_from_scenario_text(scenario_text, origin);
  YAML::Node root = YAML::Load(scenario_text);
  YAML::Node risk =
      root.IsMap() && root["risk"] ? YAML::Clone(root["risk"]) : YAML::Node(YAML::NodeType::Map);
  if (a.risk_aversion) risk.remove("risk_tolerance");
  if (a.risk_tolerance) risk.remove("risk_aversion");
  std::vector<std::string> given;
  const auto put = [&](const char* key, const std::optional<double>& v) {
    if (!v) return;
    const std::string text = fmt::format("{}", *v);  // shortest round-trip form
    risk[key] = YAML::Node(text);
    given.push_back(fmt::format("risk.{}={}", key, text));
  };
  put("max_loss", a.max_loss);
  put("confidence", a.confidence);
  put("max_es", a.max_es);
  put("risk_aversion", a.risk_aversion);
  put("risk_tolerance", a.risk_tolerance);
  return parse_risk(risk, Reader(origin, given));
}

// ---- results --------------------------------------------------------------------------------

struct PyResults {
  SimulationResults r;
};

// A read-only NumPy view of `n` elements at `data` with `strides`, kept alive by `owner`.
template <class T>
py::array view(const T* data, std::vector<py::ssize_t> shape, std::vector<py::ssize_t> strides,
               py::handle owner) {
  py::array a(py::dtype::of<T>(), std::move(shape), std::move(strides), data, owner);
  a.attr("setflags")(py::arg("write") = false);
  return a;
}

py::dict stats_columns(const std::vector<const Stats*>& rows) {
  py::dict out;
  for (const StatsField& f : kStatsFields) {
    std::vector<double> col;
    for (const Stats* s : rows) col.push_back(s->*f.member);
    out[f.name] = col;
  }
  for (std::size_t j = 0; j < kPercentileLevels.size(); ++j) {
    std::vector<double> col;
    for (const Stats* s : rows) col.push_back(s->percentiles[j]);
    out[py::str(percentile_key(j))] = col;
  }
  return out;
}

py::dict track_columns(const SimulationResults& r, bool percent) {
  std::vector<const Stats*> rows;
  std::vector<std::string> labels;
  for (const TrackSummary& t : r.tracks) {
    rows.push_back(percent ? &t.percent : &t.dollars);
    labels.push_back(t.label);
  }
  py::dict out = stats_columns(rows);
  for (const TrackField& f : kTrackFields) {
    std::vector<double> col;
    for (const TrackSummary& t : r.tracks) col.push_back(t.*f.member);
    out[f.name] = col;
  }
  out["track"] = labels;
  return out;
}

py::dict pair_columns(const SimulationResults& r, bool percent) {
  std::vector<const Stats*> rows;
  std::vector<std::string> a, b;
  std::vector<double> better, equal;
  for (const PairSummary& p : r.pairs) {
    rows.push_back(percent ? &p.percent : &p.dollars);
    a.push_back(p.a);
    b.push_back(p.b);
    better.push_back(p.p_a_better);
    equal.push_back(p.p_equal);
  }
  py::dict out = stats_columns(rows);
  out["a"] = a;
  out["b"] = b;
  out["p_a_better"] = better;
  out["p_equal"] = equal;
  return out;
}

py::dict metadata(const ResultMetadata& m) {
  py::dict d;
  d["program_version"] = m.program_version;
  d["git_commit"] = m.git_commit;
  d["scenario_name"] = m.scenario_name;
  d["scenario_path"] = m.scenario_path;
  d["seed"] = m.seed;
  d["runs"] = m.runs;
  d["threads"] = m.threads;
  d["ranks"] = m.ranks;
  d["rng_layout"] = m.rng_layout;
  d["library_versions"] = m.library_versions;
  d["created_utc"] = m.created_utc;
  d["wall_seconds"] = m.wall_seconds;
  d["beneficiary_years"] = m.beneficiary_years;
  d["performance_year"] = m.performance_year;
  d["beneficiaries"] = m.beneficiaries;
  d["complete"] = m.complete;
  d["completed_runs"] = m.completed_runs;
  return d;
}

py::dict verdict_columns(const RiskVerdict& v) {
  std::vector<std::string> label;
  std::vector<double> mean, p_exceed, p_exceed_se, var, es, ce;
  std::vector<bool> fits, fits_loss, fits_es, borderline;
  std::vector<long> rank(v.tracks.size(), 0);
  for (std::size_t i = 0; i < v.ranking.size(); ++i)
    rank[static_cast<std::size_t>(v.ranking[i])] = static_cast<long>(i) + 1;
  for (const TrackRisk& t : v.tracks) {
    label.push_back(t.label);
    mean.push_back(t.mean);
    p_exceed.push_back(t.p_exceed);
    p_exceed_se.push_back(t.p_exceed_se);
    var.push_back(t.var);
    es.push_back(t.es);
    ce.push_back(t.ce);
    fits.push_back(t.fits());
    fits_loss.push_back(t.fits_loss);
    fits_es.push_back(t.fits_es);
    borderline.push_back(t.borderline);
  }
  py::dict d;
  d["track"] = label;
  d["rank"] = rank;
  d["fits"] = fits;
  d["mean"] = mean;
  d["p_exceed"] = p_exceed;
  d["p_exceed_se"] = p_exceed_se;
  d["var"] = var;
  d["es"] = es;
  d["certainty_equivalent"] = ce;
  d["fits_loss"] = fits_loss;
  d["fits_es"] = fits_es;
  d["borderline"] = borderline;
  py::dict out;
  out["columns"] = d;
  out["recommendation"] = recommendation_text(v);
  out["appetite"] = describe_appetite(v.appetite);
  out["max_loss"] = v.appetite.max_loss;
  out["confidence"] = v.appetite.confidence;
  out["max_es"] = v.appetite.max_es;
  out["risk_aversion"] = v.appetite.risk_aversion;
  return out;
}

// The report of a results object in any registered format (sim/output/report/format.hpp), with the
// assumptions of its stored scenario and the appetite it records; bytes for the workbook.
py::object results_report(const SimulationResults& r, const std::string& format) {
  const ReportFormat f = report_format_named(format);
  ReportInput in;
  in.results = &r;
  in.risk = r.meta.risk_recorded ? r.meta.risk
                                 : risk_from_scenario_text(r.meta.scenario_text, r.meta.scenario_path);
  try {
    in.assumptions = describe_assumptions(parse_scenario(r.meta.scenario_text, r.meta.scenario_path), r.meta);
  } catch (const std::exception& e) {
    in.assumptions = describe_assumptions(
        r.meta, r.table.tracks, fmt::format("the stored scenario does not load here ({})", e.what()));
  }
  const std::string bytes = render_report(f, in);
  if (report_format_info(f).binary) return py::bytes(bytes);
  return py::str(bytes);
}

// ---- sweeps ---------------------------------------------------------------------------------

struct PySweep {
  SweepResults s;
};

// The module's constants and the InputError translation.
void add_module_attributes(py::module_& m) {
  m.doc() = "acosim's C++ engine (internal: use the acosim package)";
  m.attr("version") = kVersion;
  m.attr("git_commit") = kGitCommit;
  m.attr("source_dir") = ACOSIM_SOURCE_DIR;
  m.attr("percentile_levels") = std::vector<double>(kPercentileLevels.begin(), kPercentileLevels.end());

  // acosim::InputError -> acosim.InputError; acosim/_errors.py reads key, value and allowed from
  // the message (the same text the CLI prints).
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      py::object exc = py::module_::import("acosim._errors").attr("from_message")(e.what());
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
    }
  });
}

// acosim.Scenario: a YAML source plus --set overrides, validated as the CLI does.
void add_scenario(py::module_& m) {
  py::class_<PyScenario>(m, "Scenario")
      .def_static("from_file", &PyScenario::from_file)
      .def_static("from_text", &PyScenario::from_text)
      .def("get", [](const PyScenario& s, const std::string& key) { return get_key(s.value(), key); })
      .def("set", &PyScenario::set)
      .def("copy", [](const PyScenario& s) { return s; })
      .def("keys",
           [](const PyScenario& s) {
             std::vector<std::string> out;
             leaf_keys(scenario_tree(s.value()), "", out);
             return out;
           })
      .def_property_readonly("name", [](const PyScenario& s) { return s.value().name; })
      .def_property_readonly("path", [](const PyScenario& s) { return s.origin(); })
      .def_property_readonly("text", [](const PyScenario& s) { return s.value().text; })
      .def_property_readonly("runs", [](const PyScenario& s) { return s.value().runs; })
      .def_property_readonly("seed", [](const PyScenario& s) { return s.value().seed; })
      .def_property_readonly("threads", [](const PyScenario& s) { return s.value().threads; })
      .def_property_readonly("performance_year",
                             [](const PyScenario& s) { return s.value().performance_year; })
      .def_property_readonly("beneficiaries",
                             [](const PyScenario& s) { return s.value().total_beneficiaries(); })
      .def_property_readonly("tracks",
                             [](const PyScenario& s) {
                               std::vector<std::string> out;
                               for (const TrackChoice& c : s.value().tracks) out.push_back(c.label);
                               return out;
                             })
      .def_property_readonly("overrides", [](const PyScenario& s) {
        std::vector<std::pair<std::string, std::string>> out;
        for (const Override& o : s.overrides()) out.emplace_back(o.key, o.value);
        return out;
      });

  m.def("scenario_from_file",
        [](const std::string& path, const std::vector<std::pair<std::string, std::string>>& o) {
          return PyScenario::from_file(path, to_overrides(o));
        });
  m.def("scenario_from_text", [](const std::string& text, const std::string& origin,
                                 const std::vector<std::pair<std::string, std::string>>& o) {
    return PyScenario::from_text(text, origin, to_overrides(o));
  });
}

// acosim.Results: zero-copy NumPy views of the run table, summaries, reports.
void add_results(py::module_& m) {
  py::class_<PyResults, std::shared_ptr<PyResults>>(m, "Results")
      .def_property_readonly("tracks", [](const PyResults& x) { return x.r.table.tracks; })
      .def_property_readonly("runs", [](const PyResults& x) { return x.r.table.runs(); })
      .def_property_readonly("scenario_text", [](const PyResults& x) { return x.r.meta.scenario_text; })
      .def_property_readonly("metadata", [](const PyResults& x) { return metadata(x.r.meta); })
      // Column-major runs x tracks: column k (track k) is contiguous, so both views are zero-copy.
      .def("payment",
           [](py::object self) {
             const RunTable& t = self.cast<const PyResults&>().r.table;
             const auto rows = static_cast<py::ssize_t>(t.payment.rows());
             return view(t.payment.data(), {rows, static_cast<py::ssize_t>(t.payment.cols())},
                         {sizeof(double), static_cast<py::ssize_t>(sizeof(double)) * rows}, self);
           })
      .def("outcome",
           [](py::object self) {
             const RunTable& t = self.cast<const PyResults&>().r.table;
             const auto rows = static_cast<py::ssize_t>(t.outcome.rows());
             return view(t.outcome.data(), {rows, static_cast<py::ssize_t>(t.outcome.cols())},
                         {sizeof(OutcomeCode), static_cast<py::ssize_t>(sizeof(OutcomeCode)) * rows}, self);
           })
      .def("driver",
           [](py::object self, const std::string& name) -> py::array {
             const RunTable& t = self.cast<const PyResults&>().r.table;
             const auto n = static_cast<py::ssize_t>(t.runs());
             const auto f64 = [&](const Eigen::VectorXd& v) {
               return view(v.data(), {n}, {sizeof(double)}, self);
             };
             const auto i8 = [&](const Eigen::Matrix<std::int8_t, Eigen::Dynamic, 1>& v) {
               return view(v.data(), {n}, {sizeof(std::int8_t)}, self);
             };
             if (name == "benchmark") return f64(t.benchmark);
             if (name == "expenditure") return f64(t.expenditure);
             if (name == "true_effect") return f64(t.true_effect);
             if (name == "benchmark_factor") return f64(t.benchmark_factor);
             if (name == "quality") return f64(t.quality);
             if (name == "met_qps") return i8(t.met_qps);
             if (name == "met_alt_qps") return i8(t.met_alt_qps);
             if (name == "done") return i8(t.done);
             throw py::key_error(name);
           })
      .def("track_columns", [](const PyResults& x, bool percent) { return track_columns(x.r, percent); })
      .def("pair_columns", [](const PyResults& x, bool percent) { return pair_columns(x.r, percent); })
      .def("verdict",
           [](const PyResults& x, std::optional<double> max_loss, std::optional<double> confidence,
              std::optional<double> max_es, std::optional<double> risk_aversion,
              std::optional<double> risk_tolerance) -> py::object {
             const std::optional<RiskAppetite> a =
                 appetite(x.r.meta.scenario_text, x.r.meta.scenario_path,
                          {max_loss, confidence, max_es, risk_aversion, risk_tolerance});
             if (!a) return py::none();
             return verdict_columns(assess_risk(x.r.table, *a));
           })
      .def("report",
           [](const PyResults& x, const std::string& format) { return results_report(x.r, format); })
      .def("to_hdf5", [](const PyResults& x, const std::string& path) {
        py::gil_scoped_release release;
        write_results(path, x.r);
      });
}

// run, read_results, settle and settle_puf.
void add_functions(py::module_& m) {
  m.def("run", [](const PyScenario& sc, std::optional<long> runs, const std::optional<std::string>& seed,
                  int threads, bool progress) {
    const Scenario s = sc.with(run_overrides(runs, seed));
    require_memory_for(s);  // as `acosim run`: refuse a run that cannot fit in memory before sampling
    auto out = std::make_shared<PyResults>();
    run_off_gil([&](const std::atomic<bool>* stop) {
      const SimulationModel model(s);
      RunOptions options;
      options.threads = threads;
      options.progress = progress;
      options.stop = stop;
      out->r = simulate(model, options);
      stamp_provenance(out->r.meta);
    });
    return out;
  });

  m.def("read_results", [](const std::string& path) {
    auto out = std::make_shared<PyResults>();
    py::gil_scoped_release release;
    out->r = read_results(path);
    return out;
  });

  m.def("settle", &settle_one);
  m.def("settle_puf", &settle_puf);
}

// acosim.Sweep and sweep(): the grid of `acosim sweep`.
void add_sweep(py::module_& m) {
  py::class_<PySweep, std::shared_ptr<PySweep>>(m, "Sweep")
      .def_property_readonly("points", [](const PySweep& x) { return x.s.points.size(); })
      .def_property_readonly("keys",
                             [](const PySweep& x) {
                               std::vector<std::string> out;
                               for (const SweepAxis& a : x.s.axes) out.push_back(a.key);
                               return out;
                             })
      .def_property_readonly("sampling_passes", [](const PySweep& x) { return x.s.stats.sampling_passes; })
      .def_property_readonly("wall_seconds", [](const PySweep& x) { return x.s.stats.wall_seconds; })
      .def("csv", [](const PySweep& x) { return sweep_csv(x.s); })
      .def("markdown", [](const PySweep& x) { return sweep_markdown(x.s); })
      .def("text", [](const PySweep& x) { return sweep_text(x.s); })
      .def("to_hdf5", [](const PySweep& x, const std::string& path) {
        py::gil_scoped_release release;
        write_sweep(path, x.s, {kVersion, kGitCommit, utc_now()});  // as `acosim sweep`
      });

  m.def("sweep",
        [](const PyScenario& sc, const std::vector<std::string>& vary, std::optional<long> runs,
           const std::optional<std::string>& seed, int threads, bool progress, std::optional<double> max_loss,
           std::optional<double> confidence, std::optional<double> max_es,
           std::optional<double> risk_aversion, std::optional<double> risk_tolerance) {
          // As `acosim sweep`: every key, value and point validated before any sampling.
          const Scenario base = sc.with(run_overrides(runs, seed));
          const std::optional<RiskAppetite> risk =
              appetite(base.text, base.path, {max_loss, confidence, max_es, risk_aversion, risk_tolerance});
          const SweepPlan plan = plan_grid(base, sweep_axes(base, vary));
          auto out = std::make_shared<PySweep>();
          run_off_gil([&](const std::atomic<bool>* stop) {
            RunOptions options;
            options.threads = threads;
            options.progress = progress;
            options.stop = stop;
            out->s = run_sweep(plan, options, false, risk);
          });
          return out;
        });
}

}  // namespace
}  // namespace acosim

PYBIND11_MODULE(_core, m) {
  acosim::add_module_attributes(m);
  acosim::add_scenario(m);
  acosim::add_results(m);
  acosim::add_functions(m);
  acosim::add_sweep(m);
}
