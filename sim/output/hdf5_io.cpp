// HDF5 writer and reader of the results file. Schema: docs/results-schema.md (keep them in step).
// All strings are variable-length UTF-8; numbers are stored little-endian with fixed widths
// (float64, int64, uint64, int8); 2-D arrays are row-major (runs x tracks), as h5py and NumPy
// expect. Summaries are stored as plain 1-D / 2-D numeric arrays per statistic, one row per track
// or pair, so h5py and R's rhdf5 read them without compound-type handling.
#include "sim/output/hdf5_io.hpp"
#include "sim/output/summary_fields.hpp"

#include <H5Cpp.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "sim/output/atomic_file.hpp"
#include "sim/output/hdf5_layout.hpp"
#include "sim/common/error.hpp"
#include "sim/common/text.hpp"
#include "sim/engine/statistics.hpp"

namespace acosim {
namespace fs = std::filesystem;

namespace {

// Outcome names by code: models/settle.hpp Outcome order (SharedSavings = 0, ... QualityFailed = 4).
constexpr std::array<const char*, 6> kOutcomeNames = {"shared_savings", "shared_losses", "below_msr",
                                                      "below_mlr", "quality_failed", "guardrail_neutral"};

// Arrays with at least this many elements are chunked and compressed (shuffle + gzip 4); chunks
// hold about this many elements (512 KiB of float64, under HDF5's default 1 MiB chunk cache).
constexpr hsize_t kCompressMinElements = 4096;
constexpr hsize_t kChunkElements = 65536;
constexpr unsigned kDeflateLevel = 4;

// ---------------------------------------------------------------------------------------------
// Types

template <class T>
struct H5Types;
template <>
struct H5Types<double> {
  static const H5::PredType& file() { return H5::PredType::IEEE_F64LE; }
  static const H5::PredType& mem() { return H5::PredType::NATIVE_DOUBLE; }
  static constexpr H5T_class_t kClass = H5T_FLOAT;
};
template <>
struct H5Types<std::int64_t> {
  static const H5::PredType& file() { return H5::PredType::STD_I64LE; }
  static const H5::PredType& mem() { return H5::PredType::NATIVE_INT64; }
  static constexpr H5T_class_t kClass = H5T_INTEGER;
};
template <>
struct H5Types<std::uint64_t> {
  static const H5::PredType& file() { return H5::PredType::STD_U64LE; }
  static const H5::PredType& mem() { return H5::PredType::NATIVE_UINT64; }
  static constexpr H5T_class_t kClass = H5T_INTEGER;
};
template <>
struct H5Types<std::int8_t> {
  static const H5::PredType& file() { return H5::PredType::STD_I8LE; }
  static const H5::PredType& mem() { return H5::PredType::NATIVE_INT8; }
  static constexpr H5T_class_t kClass = H5T_INTEGER;
};

H5::StrType utf8_string_type() {
  H5::StrType t(H5::PredType::C_S1, H5T_VARIABLE);
  t.setCset(H5T_CSET_UTF8);
  return t;
}

struct PairField {
  const char* name;
  double PairSummary::*member;
  const char* description;
};
constexpr std::array<PairField, 2> kPairFields = {{
    {"p_a_better", &PairSummary::p_a_better, "share of runs with payment_a > payment_b"},
    {"p_equal", &PairSummary::p_equal, "share of runs with payment_a == payment_b"},
}};

constexpr const char* kUnitsUsd = "USD";
constexpr const char* kUnitsPercent = "percent of updated benchmark";
constexpr const char* kUnitsProbability = "probability [0-1]";

// ---------------------------------------------------------------------------------------------
// HDF5 error messages

// The HDF5 error stack of the failed call, innermost (most specific) message first, e.g.
// "truncated file: eof = 800, ...". Must run before any other HDF5 call clears the stack.
std::string describe(const H5::Exception& e) {
  std::vector<std::string> messages;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned, const H5E_error2_t* err, void* data) -> herr_t {
        if (err->desc != nullptr && err->desc[0] != '\0') {
          static_cast<std::vector<std::string>*>(data)->emplace_back(err->desc);
        }
        return 0;
      },
      &messages);
  std::string text = e.getDetailMsg();
  if (!messages.empty()) {
    text = messages.front();
    if (messages.size() > 1 && messages.back() != messages.front()) {
      text += fmt::format(" ({})", messages.back());
    }
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Writing

void check_no_nul(std::string_view s, std::string_view what) {
  if (s.find('\0') != std::string_view::npos) {
    throw std::invalid_argument(
        fmt::format("{} contains a NUL character, which an HDF5 string cannot hold", what));
  }
}

void put_string(H5::H5Object& obj, const char* name, const std::string& value) {
  check_no_nul(value, name);
  const H5::StrType type = utf8_string_type();
  H5::Attribute a = obj.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
  a.write(type, value);
}

void put_strings(H5::H5Object& obj, const char* name, const std::vector<std::string>& values) {
  std::vector<const char*> pointers;
  for (const auto& v : values) {
    check_no_nul(v, name);
    pointers.push_back(v.c_str());
  }
  const H5::StrType type = utf8_string_type();
  const hsize_t n = values.size();
  H5::Attribute a = obj.createAttribute(name, type, H5::DataSpace(1, &n));
  if (n > 0) a.write(type, pointers.data());
}

template <class T>
void put_number(H5::H5Object& obj, const char* name, T value) {
  H5::Attribute a = obj.createAttribute(name, H5Types<T>::file(), H5::DataSpace(H5S_SCALAR));
  a.write(H5Types<T>::mem(), &value);
}

void put_levels(H5::H5Object& obj) {
  const hsize_t n = kPercentileLevels.size();
  H5::Attribute a = obj.createAttribute("levels", H5Types<double>::file(), H5::DataSpace(1, &n));
  a.write(H5Types<double>::mem(), kPercentileLevels.data());
}

class Writer {
 public:
  explicit Writer(H5::H5File& file) : file_(file) {}

  H5::Group group(const std::string& path, const char* description) {
    H5::Group g = file_.createGroup(path);
    if (description != nullptr) put_string(g, "description", description);
    return g;
  }

  // A numeric dataset of shape `dims` from row-major `data`; chunked and compressed when large.
  template <class T>
  H5::DataSet numbers(const std::string& path, const T* data, std::vector<hsize_t> dims,
                      const char* units, const char* description) {
    hsize_t total = 1;
    for (hsize_t d : dims) total *= d;
    const H5::DSetCreatPropList plist = checksummed_layout(dims, total >= kCompressMinElements, kChunkElements, kDeflateLevel);
    H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
    H5::DataSet ds = file_.createDataSet(path, H5Types<T>::file(), space, plist);
    if (total > 0) ds.write(data, H5Types<T>::mem());
    if (units != nullptr) put_string(ds, "units", units);
    put_string(ds, "description", description);
    return ds;
  }

  template <class T>
  H5::DataSet vector(const std::string& path, const std::vector<T>& v, const char* units,
                     const char* description) {
    return numbers(path, v.data(), {v.size()}, units, description);
  }

  H5::DataSet strings(const std::string& path, const std::vector<std::string>& values,
                      const char* description) {
    std::vector<const char*> pointers;
    for (const auto& v : values) {
      check_no_nul(v, path);
      pointers.push_back(v.c_str());
    }
    const H5::StrType type = utf8_string_type();
    const hsize_t n = values.size();
    H5::DataSet ds = file_.createDataSet(path, type, H5::DataSpace(1, &n));
    if (n > 0) ds.write(pointers.data(), type);
    put_string(ds, "description", description);
    return ds;
  }

  H5::DataSet text(const std::string& path, const std::string& value, const char* description) {
    check_no_nul(value, path);
    const H5::StrType type = utf8_string_type();
    H5::DataSet ds = file_.createDataSet(path, type, H5::DataSpace(H5S_SCALAR));
    ds.write(value, type);
    put_string(ds, "description", description);
    return ds;
  }

  // One array per Stats field, rows in the order of `stats`.
  void stats(const std::string& group_path, const std::vector<const Stats*>& stats,
             const char* units, const char* description) {
    H5::Group g = group(group_path, description);
    put_string(g, "units", units);
    std::vector<double> column(stats.size());
    for (const auto& field : kStatsFields) {
      for (std::size_t i = 0; i < stats.size(); ++i) column[i] = stats[i]->*field.member;
      vector(group_path + "/" + field.name, column, units, field.description);
    }
    std::vector<double> pct;
    pct.reserve(stats.size() * kPercentileLevels.size());
    for (const Stats* s : stats) pct.insert(pct.end(), s->percentiles.begin(), s->percentiles.end());
    H5::DataSet ds = numbers(group_path + "/percentiles", pct.data(),
                             {stats.size(), kPercentileLevels.size()}, units,
                             "percentiles (linear interpolation, NumPy default); column j is the "
                             "percentile at levels[j] [percent]");
    put_levels(ds);
  }

 private:
  H5::H5File& file_;
};

void check_consistent(const SimulationResults& r) {
  const RunTable& t = r.table;
  const Eigen::Index runs = t.payment.rows();
  const auto n_tracks = static_cast<Eigen::Index>(t.tracks.size());
  auto fail = [](const std::string& what) {
    throw std::invalid_argument("write_results: inconsistent results: " + what);
  };
  if (t.payment.cols() != n_tracks) {
    fail(fmt::format("payment has {} columns for {} track labels", t.payment.cols(), n_tracks));
  }
  if (t.outcome.rows() != runs || t.outcome.cols() != n_tracks) {
    fail(fmt::format("outcome is {}x{}, payment {}x{}", t.outcome.rows(), t.outcome.cols(), runs,
                     n_tracks));
  }
  const std::array<std::pair<const char*, Eigen::Index>, 8> lengths = {{
      {"done", t.done.size()},
      {"benchmark", t.benchmark.size()},
      {"expenditure", t.expenditure.size()},
      {"true_effect", t.true_effect.size()},
      {"benchmark_factor", t.benchmark_factor.size()},
      {"quality", t.quality.size()},
      {"met_qps", t.met_qps.size()},
      {"met_alt_qps", t.met_alt_qps.size()},
  }};
  for (const auto& [name, n] : lengths) {
    if (n != runs) fail(fmt::format("{} has {} entries for {} runs", name, n, runs));
  }
  for (const auto& p : r.pairs) {
    const auto n = static_cast<int>(r.tracks.size());
    if (p.index_a < 0 || p.index_a >= n || p.index_b < 0 || p.index_b >= n) {
      fail(fmt::format("pair ({}, {}) indexes {} track summaries", p.index_a, p.index_b, n));
    }
  }
}

void write_metadata(Writer& w, const ResultMetadata& m) {
  H5::Group g = w.group("/metadata", "everything needed to reproduce the simulation");
  put_string(g, "program_version", m.program_version);
  put_string(g, "git_commit", m.git_commit);
  put_number<std::uint64_t>(g, "seed", m.seed);
  // The same seed as decimal digits: R reads a uint64 >= 2^31 as NA (rhdf5) or clamps it to 2^63 - 1
  // (hdf5r); docs/results-schema.md.
  put_string(g, "seed_decimal", std::to_string(m.seed));
  put_number<std::int64_t>(g, "runs", m.runs);
  put_number<std::int64_t>(g, "threads", m.threads);
  put_number<std::int64_t>(g, "ranks", m.ranks);
  put_string(g, "rng_layout", m.rng_layout);
  put_string(g, "created_utc", m.created_utc);
  put_number<double>(g, "wall_seconds", m.wall_seconds);
  put_number<double>(g, "beneficiary_years", m.beneficiary_years);
  put_number<std::int64_t>(g, "performance_year", m.performance_year);
  put_number<std::int64_t>(g, "beneficiaries", m.beneficiaries);
  put_number<std::int8_t>(g, "complete", m.complete ? 1 : 0);
  put_number<std::int64_t>(g, "completed_runs", m.completed_runs);
  put_string(g, "scenario_name", m.scenario_name);
  put_string(g, "scenario_path", m.scenario_path);
  w.text("/metadata/scenario", m.scenario_text, "the scenario YAML exactly as loaded");
  // Only library attributes here (no description), so readers can take every attribute as one.
  H5::Group lib = w.group("/metadata/library_versions", nullptr);
  for (const auto& [name, version] : m.library_versions) put_string(lib, name.c_str(), version);
}

void write_table(Writer& w, const RunTable& t) {
  const hsize_t runs = static_cast<hsize_t>(t.payment.rows());
  const hsize_t n_tracks = t.tracks.size();
  w.group("/tracks", "the settled tracks; their order is the column order of /runs");
  w.strings("/tracks/labels", t.tracks, "track labels, in column order");

  w.group("/runs", "per-run results; row r is run r");
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> payment = t.payment;
  H5::DataSet pay = w.numbers("/runs/payment", payment.data(), {runs, n_tracks}, kUnitsUsd,
                              "net payment, runs x tracks: + paid to the ACO, - owed to CMS");
  put_strings(pay, "columns", t.tracks);

  const Eigen::Matrix<OutcomeCode, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> outcome =
      t.outcome;
  std::string codes = "settlement outcome code, runs x tracks:";
  for (std::size_t k = 0; k < kOutcomeNames.size(); ++k) {
    codes += fmt::format("{} {} = {}", k == 0 ? "" : ",", k, kOutcomeNames[k]);
  }
  H5::DataSet out =
      w.numbers("/runs/outcome", outcome.data(), {runs, n_tracks}, nullptr, codes.c_str());
  put_strings(out, "columns", t.tracks);
  put_strings(out, "outcome_names", {kOutcomeNames.begin(), kOutcomeNames.end()});

  auto vec = [&](const char* path, const Eigen::VectorXd& v, const char* units, const char* d) {
    w.numbers(path, v.data(), {runs}, units, d);
  };
  vec("/runs/benchmark", t.benchmark, kUnitsUsd, "updated benchmark B");
  vec("/runs/expenditure", t.expenditure, kUnitsUsd, "performance-year expenditure E");
  vec("/runs/true_effect", t.true_effect, "fraction", "sampled true effect on spending");
  vec("/runs/benchmark_factor", t.benchmark_factor, "ratio", "sampled benchmark update factor");
  vec("/runs/quality", t.quality, "score [0-100]", "sampled quality score");
  w.numbers("/runs/met_qps", t.met_qps.data(), {runs}, "0/1",
            "1 when the quality performance standard was met");
  w.numbers("/runs/met_alt_qps", t.met_alt_qps.data(), {runs}, "0/1",
            "1 when the alternative quality performance standard was met");
  w.numbers("/runs/done", t.done.data(), {runs}, "0/1",
            "1 when the run completed (0: not yet run, the file is incomplete; acosim run --resume)");
}

void write_summaries(Writer& w, const SimulationResults& r) {
  w.group("/summary", "statistics over runs (sim/engine/statistics.hpp)");
  w.group("/summary/tracks",
          "one row per track: net payment in USD (dollars/) and in % of benchmark (percent/)");
  std::vector<std::string> labels;
  std::vector<const Stats*> dollars, percent;
  for (const auto& s : r.tracks) {
    labels.push_back(s.label);
    dollars.push_back(&s.dollars);
    percent.push_back(&s.percent);
  }
  w.strings("/summary/tracks/label", labels, "track label of each row");
  w.stats("/summary/tracks/dollars", dollars, kUnitsUsd, "net payment to the ACO");
  w.stats("/summary/tracks/percent", percent, kUnitsPercent,
          "net payment as a percentage of the run's updated benchmark");
  std::vector<double> column(r.tracks.size());
  for (const auto& field : kTrackFields) {
    for (std::size_t i = 0; i < r.tracks.size(); ++i) column[i] = r.tracks[i].*field.member;
    w.vector("/summary/tracks/" + std::string(field.name), column, kUnitsProbability,
             field.description);
  }

  w.group("/summary/pairs",
          "one row per pair of tracks (a, b): the run-by-run difference payment_a - payment_b");
  std::vector<std::string> a, b;
  std::vector<std::int64_t> index_a, index_b;
  dollars.clear();
  percent.clear();
  for (const auto& p : r.pairs) {
    a.push_back(p.a);
    b.push_back(p.b);
    index_a.push_back(p.index_a);
    index_b.push_back(p.index_b);
    dollars.push_back(&p.dollars);
    percent.push_back(&p.percent);
  }
  w.strings("/summary/pairs/a", a, "label of track a");
  w.strings("/summary/pairs/b", b, "label of track b");
  w.vector("/summary/pairs/index_a", index_a, nullptr, "row of track a in /summary/tracks");
  w.vector("/summary/pairs/index_b", index_b, nullptr, "row of track b in /summary/tracks");
  w.stats("/summary/pairs/dollars", dollars, kUnitsUsd, "payment_a - payment_b");
  w.stats("/summary/pairs/percent", percent, kUnitsPercent,
          "(payment_a - payment_b) as a percentage of the run's updated benchmark");
  column.assign(r.pairs.size(), 0.0);
  for (const auto& field : kPairFields) {
    for (std::size_t i = 0; i < r.pairs.size(); ++i) column[i] = r.pairs[i].*field.member;
    w.vector("/summary/pairs/" + std::string(field.name), column, kUnitsProbability,
             field.description);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

class Reader {
 public:
  explicit Reader(const fs::path& path) : name_(path.string()) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(fmt::format("{}: {}", name_, what));
  }

  // Opens the file and checks that it is an acosim results file of the supported version.
  void open() {
    std::error_code ec;
    if (!fs::exists(name_, ec)) fail("no such file");
    if (fs::is_directory(name_, ec)) fail("is a directory, not a results file");
    context_ = "the file";
    if (!H5::H5File::isHdf5(name_)) {
      fail("not an HDF5 file (expected an acosim results file written by `acosim run`)");
    }
    try {
      file_.openFile(name_, H5F_ACC_RDONLY);
    } catch (const H5::Exception& e) {
      fail(fmt::format("cannot open as HDF5, the file is truncated or corrupt: {}", describe(e)));
    }
    if (!file_.attrExists("format")) {
      fail(fmt::format(R"(not an acosim results file: the root attribute "format" is missing )"
                       R"((expected "{}"))",
                       kResultsFormat));
    }
    const std::string format = attr_string(file_, "/", "format");
    if (format != kResultsFormat) {
      fail(fmt::format(R"(not an acosim results file: format is "{}", expected "{}")", format,
                       kResultsFormat));
    }
    const auto version = attr_number<std::int64_t>(file_, "/", "format_version");
    if (version != kResultsFormatVersion) {
      fail(fmt::format("format_version {} is not supported: this acosim reads version {}{}",
                       version, kResultsFormatVersion,
                       version > kResultsFormatVersion ? " (the file is newer; upgrade acosim)" : ""));
    }
  }

  const H5::H5File& file() const { return file_; }
  const std::string& context() const { return context_; }

  // True when every component of the absolute `path` exists.
  bool exists(const std::string& path) const {
    std::size_t pos = 0;
    while (pos != std::string::npos) {
      pos = path.find('/', pos + 1);
      const std::string prefix = path.substr(0, pos);
      if (H5Lexists(file_.getId(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    }
    return true;
  }

  H5::Group group(const std::string& path) {
    context_ = "group " + path;
    if (!exists(path) || file_.childObjType(path) != H5O_TYPE_GROUP) {
      fail(fmt::format("missing group {} (not a complete acosim results file)", path));
    }
    return file_.openGroup(path);
  }

  H5::DataSet dataset(const std::string& path) {
    context_ = "dataset " + path;
    if (!exists(path) || file_.childObjType(path) != H5O_TYPE_DATASET) {
      fail(fmt::format("missing dataset {} (not a complete acosim results file)", path));
    }
    return file_.openDataSet(path);
  }

  static std::vector<hsize_t> dims_of(const H5::DataSpace& space) {
    std::vector<hsize_t> dims(static_cast<std::size_t>(space.getSimpleExtentNdims()));
    if (!dims.empty()) space.getSimpleExtentDims(dims.data());
    return dims;
  }

  std::vector<hsize_t> dims(const std::string& path) { return dims_of(dataset(path).getSpace()); }

  void check_dims(const std::string& path, const std::vector<hsize_t>& got,
                  const std::vector<hsize_t>& expected) const {
    if (got != expected) {
      fail(fmt::format("dataset {} has shape ({}), expected ({})", path, fmt::join(got, ", "),
                       fmt::join(expected, ", ")));
    }
  }

  // A numeric dataset of exactly shape `expected`, row-major.
  template <class T>
  std::vector<T> numbers(const std::string& path, const std::vector<hsize_t>& expected) {
    H5::DataSet ds = dataset(path);
    check_dims(path, dims_of(ds.getSpace()), expected);
    if (ds.getTypeClass() != H5Types<T>::kClass) {
      fail(fmt::format("dataset {} has the wrong type (expected {})", path,
                       H5Types<T>::kClass == H5T_FLOAT ? "floating point" : "integer"));
    }
    hsize_t total = 1;
    for (hsize_t d : expected) total *= d;
    std::vector<T> v(static_cast<std::size_t>(total));
    if (total > 0) ds.read(v.data(), H5Types<T>::mem());
    return v;
  }

  // A string dataset of `expected` elements (rank 1), or a scalar string when expected is empty.
  std::vector<std::string> strings(const std::string& path, const std::vector<hsize_t>& expected) {
    H5::DataSet ds = dataset(path);
    const H5::DataSpace space = ds.getSpace();
    check_dims(path, dims_of(space), expected);
    if (ds.getTypeClass() != H5T_STRING) fail(fmt::format("dataset {} is not a string", path));
    return read_strings(
        ds.getStrType(), space,
        [&](void* buf, const H5::DataType& mem) { ds.read(buf, mem); }, path);
  }

  std::vector<hsize_t> attr_dims(const H5::H5Object& obj, const std::string& where,
                                 const char* name) {
    context_ = fmt::format("attribute {} of {}", name, where);
    if (!obj.attrExists(name)) fail(fmt::format("missing attribute {} on {}", name, where));
    return dims_of(obj.openAttribute(name).getSpace());
  }

  std::string attr_string(const H5::H5Object& obj, const std::string& where, const char* name) {
    if (!attr_dims(obj, where, name).empty()) {
      fail(fmt::format("attribute {} on {} is not a scalar", name, where));
    }
    return attr_strings(obj, where, name).front();
  }

  std::vector<std::string> attr_strings(const H5::H5Object& obj, const std::string& where,
                                        const char* name) {
    attr_dims(obj, where, name);
    const H5::Attribute a = obj.openAttribute(name);
    if (a.getTypeClass() != H5T_STRING) {
      fail(fmt::format("attribute {} on {} is not a string", name, where));
    }
    return read_strings(
        a.getStrType(), a.getSpace(),
        [&](void* buf, const H5::DataType& mem) { a.read(mem, buf); },
        fmt::format("attribute {} on {}", name, where));
  }

  template <class T>
  T attr_number(const H5::H5Object& obj, const std::string& where, const char* name) {
    if (!attr_dims(obj, where, name).empty()) {
      fail(fmt::format("attribute {} on {} is not a scalar", name, where));
    }
    const H5::Attribute a = obj.openAttribute(name);
    if (a.getTypeClass() != H5Types<T>::kClass) {
      fail(fmt::format("attribute {} on {} has the wrong type (expected {})", name, where,
                       H5Types<T>::kClass == H5T_FLOAT ? "floating point" : "integer"));
    }
    T value{};
    a.read(H5Types<T>::mem(), &value);
    return value;
  }

  std::vector<double> attr_doubles(const H5::H5Object& obj, const std::string& where,
                                   const char* name) {
    const std::vector<hsize_t> d = attr_dims(obj, where, name);
    const H5::Attribute a = obj.openAttribute(name);
    if (d.size() != 1 || a.getTypeClass() != H5T_FLOAT) {
      fail(fmt::format("attribute {} on {} is not a 1-D floating-point array", name, where));
    }
    std::vector<double> v(static_cast<std::size_t>(d[0]));
    if (!v.empty()) a.read(H5Types<double>::mem(), v.data());
    return v;
  }

 private:
  // Reads all elements of a fixed- or variable-length string object through `read(buf, type)`.
  template <class ReadFn>
  std::vector<std::string> read_strings(const H5::StrType& file_type, const H5::DataSpace& space,
                                        ReadFn&& read, const std::string& what) const {
    const auto n = static_cast<std::size_t>(space.getSimpleExtentNpoints());
    std::vector<std::string> out;
    out.reserve(n);
    if (n == 0) return out;
    if (file_type.isVariableStr()) {
      H5::StrType mem(H5::PredType::C_S1, H5T_VARIABLE);
      mem.setCset(file_type.getCset());
      std::vector<char*> buf(n, nullptr);
      read(buf.data(), mem);
      for (char* s : buf) out.emplace_back(s != nullptr ? s : "");
      H5Dvlen_reclaim(mem.getId(), space.getId(), H5P_DEFAULT, buf.data());
    } else {
      const std::size_t len = file_type.getSize();
      if (len == 0) fail(fmt::format("{} has a zero-length string type", what));
      std::vector<char> buf(n * len);
      read(buf.data(), file_type);
      const bool space_padded = file_type.getStrpad() == H5T_STR_SPACEPAD;
      for (std::size_t i = 0; i < n; ++i) {
        std::string s(buf.data() + i * len, strnlen(buf.data() + i * len, len));
        if (space_padded) s.erase(s.find_last_not_of(' ') + 1);
        out.push_back(std::move(s));
      }
    }
    return out;
  }

  std::string name_;
  std::string context_;
  H5::H5File file_;
};

void read_metadata(Reader& rd, ResultMetadata& m) {
  const H5::Group g = rd.group("/metadata");
  const std::string w = "/metadata";
  m.program_version = rd.attr_string(g, w, "program_version");
  m.git_commit = rd.attr_string(g, w, "git_commit");
  m.seed = rd.attr_number<std::uint64_t>(g, w, "seed");
  m.runs = rd.attr_number<std::int64_t>(g, w, "runs");
  m.threads = static_cast<int>(rd.attr_number<std::int64_t>(g, w, "threads"));
  // Files written before the attribute existed were single-process or did not say: read as 1.
  if (g.attrExists("ranks")) m.ranks = static_cast<int>(rd.attr_number<std::int64_t>(g, w, "ranks"));
  m.rng_layout = rd.attr_string(g, w, "rng_layout");
  m.created_utc = rd.attr_string(g, w, "created_utc");
  m.wall_seconds = rd.attr_number<double>(g, w, "wall_seconds");
  m.beneficiary_years = rd.attr_number<double>(g, w, "beneficiary_years");
  m.performance_year = rd.attr_number<std::int64_t>(g, w, "performance_year");
  m.beneficiaries = rd.attr_number<std::int64_t>(g, w, "beneficiaries");
  m.complete = rd.attr_number<std::int8_t>(g, w, "complete") != 0;
  m.completed_runs = rd.attr_number<std::int64_t>(g, w, "completed_runs");
  m.scenario_name = rd.attr_string(g, w, "scenario_name");
  m.scenario_path = rd.attr_string(g, w, "scenario_path");
  m.scenario_text = rd.strings("/metadata/scenario", {}).front();

  const std::string lw = "/metadata/library_versions";
  const H5::Group lib = rd.group(lw);
  m.library_versions.clear();
  const int n = lib.getNumAttrs();
  for (int i = 0; i < n; ++i) {
    const std::string name = lib.openAttribute(static_cast<unsigned>(i)).getName();
    m.library_versions[name] = rd.attr_string(lib, lw, name.c_str());
  }
}

void read_table(Reader& rd, RunTable& t) {
  const std::vector<hsize_t> label_dims = rd.dims("/tracks/labels");
  if (label_dims.size() != 1) rd.fail("dataset /tracks/labels is not 1-D");
  const hsize_t n_tracks = label_dims[0];
  t.tracks = rd.strings("/tracks/labels", {n_tracks});

  const std::vector<hsize_t> pay_dims = rd.dims("/runs/payment");
  if (pay_dims.size() != 2) rd.fail("dataset /runs/payment is not 2-D (runs x tracks)");
  const hsize_t runs = pay_dims[0];
  const auto r = static_cast<Eigen::Index>(runs);
  const auto k = static_cast<Eigen::Index>(n_tracks);
  using RowMajorD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using RowMajorO = Eigen::Matrix<OutcomeCode, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const auto payment = rd.numbers<double>("/runs/payment", {runs, n_tracks});
  t.payment = Eigen::Map<const RowMajorD>(payment.data(), r, k);
  const auto outcome = rd.numbers<std::int8_t>("/runs/outcome", {runs, n_tracks});
  t.outcome = Eigen::Map<const RowMajorO>(outcome.data(), r, k);

  auto vec = [&](const char* path) {
    const auto v = rd.numbers<double>(path, {runs});
    return Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(v.data(), r));
  };
  t.benchmark = vec("/runs/benchmark");
  t.expenditure = vec("/runs/expenditure");
  t.true_effect = vec("/runs/true_effect");
  t.benchmark_factor = vec("/runs/benchmark_factor");
  t.quality = vec("/runs/quality");
  using FlagVector = Eigen::Matrix<std::int8_t, Eigen::Dynamic, 1>;
  const auto met_qps = rd.numbers<std::int8_t>("/runs/met_qps", {runs});
  t.met_qps = Eigen::Map<const FlagVector>(met_qps.data(), r);
  const auto met_alt_qps = rd.numbers<std::int8_t>("/runs/met_alt_qps", {runs});
  t.met_alt_qps = Eigen::Map<const FlagVector>(met_alt_qps.data(), r);
  const auto done = rd.numbers<std::int8_t>("/runs/done", {runs});
  t.done = Eigen::Map<const FlagVector>(done.data(), r);
}

std::vector<Stats> read_stats(Reader& rd, const std::string& group, hsize_t n) {
  std::vector<Stats> stats(static_cast<std::size_t>(n));
  for (const auto& field : kStatsFields) {
    const auto v = rd.numbers<double>(group + "/" + field.name, {n});
    for (std::size_t i = 0; i < stats.size(); ++i) stats[i].*field.member = v[i];
  }
  const std::string path = group + "/percentiles";
  const hsize_t levels = kPercentileLevels.size();
  const auto pct = rd.numbers<double>(path, {n, levels});
  const H5::DataSet ds = rd.dataset(path);
  const std::vector<double> stored_levels = rd.attr_doubles(ds, path, "levels");
  if (!std::equal(stored_levels.begin(), stored_levels.end(), kPercentileLevels.begin(),
                  kPercentileLevels.end())) {
    rd.fail(fmt::format("{} has percentile levels [{}], expected [{}]", path,
                        fmt::join(stored_levels, ", "), fmt::join(kPercentileLevels, ", ")));
  }
  for (std::size_t i = 0; i < stats.size(); ++i) {
    std::copy_n(pct.begin() + static_cast<std::ptrdiff_t>(i * levels), levels,
                stats[i].percentiles.begin());
  }
  return stats;
}

void read_summaries(Reader& rd, SimulationResults& r) {
  const std::vector<hsize_t> label_dims = rd.dims("/summary/tracks/label");
  if (label_dims.size() != 1) rd.fail("dataset /summary/tracks/label is not 1-D");
  const hsize_t n = label_dims[0];
  const auto labels = rd.strings("/summary/tracks/label", {n});
  const auto dollars = read_stats(rd, "/summary/tracks/dollars", n);
  const auto percent = read_stats(rd, "/summary/tracks/percent", n);
  r.tracks.assign(static_cast<std::size_t>(n), TrackSummary{});
  for (std::size_t i = 0; i < r.tracks.size(); ++i) {
    r.tracks[i].label = labels[i];
    r.tracks[i].dollars = dollars[i];
    r.tracks[i].percent = percent[i];
  }
  for (const auto& field : kTrackFields) {
    const auto v = rd.numbers<double>("/summary/tracks/" + std::string(field.name), {n});
    for (std::size_t i = 0; i < r.tracks.size(); ++i) r.tracks[i].*field.member = v[i];
  }

  const std::vector<hsize_t> a_dims = rd.dims("/summary/pairs/a");
  if (a_dims.size() != 1) rd.fail("dataset /summary/pairs/a is not 1-D");
  const hsize_t m = a_dims[0];
  const auto a = rd.strings("/summary/pairs/a", {m});
  const auto b = rd.strings("/summary/pairs/b", {m});
  const auto index_a = rd.numbers<std::int64_t>("/summary/pairs/index_a", {m});
  const auto index_b = rd.numbers<std::int64_t>("/summary/pairs/index_b", {m});
  const auto pair_dollars = read_stats(rd, "/summary/pairs/dollars", m);
  const auto pair_percent = read_stats(rd, "/summary/pairs/percent", m);
  r.pairs.assign(static_cast<std::size_t>(m), PairSummary{});
  for (std::size_t i = 0; i < r.pairs.size(); ++i) {
    PairSummary& p = r.pairs[i];
    p.a = a[i];
    p.b = b[i];
    if (index_a[i] < 0 || index_a[i] >= static_cast<std::int64_t>(n) || index_b[i] < 0 ||
        index_b[i] >= static_cast<std::int64_t>(n)) {
      rd.fail(fmt::format("/summary/pairs row {} indexes tracks ({}, {}) of {}", i, index_a[i],
                          index_b[i], n));
    }
    p.index_a = static_cast<int>(index_a[i]);
    p.index_b = static_cast<int>(index_b[i]);
    p.dollars = pair_dollars[i];
    p.percent = pair_percent[i];
  }
  for (const auto& field : kPairFields) {
    const auto v = rd.numbers<double>("/summary/pairs/" + std::string(field.name), {m});
    for (std::size_t i = 0; i < r.pairs.size(); ++i) r.pairs[i].*field.member = v[i];
  }
}

}  // namespace

void write_results(const fs::path& path, const SimulationResults& results) {
  check_consistent(results);
  check_writable(path);
  H5::Exception::dontPrint();
  AtomicFile out(path);  // declared first: its destructor removes the temporary after the file closes
  try {
    H5::H5File file(out.temp_path().string(), H5F_ACC_TRUNC, H5::FileCreatPropList::DEFAULT, checksummed_file_access());
    put_string(file, "format", kResultsFormat);
    put_number<std::int64_t>(file, "format_version", kResultsFormatVersion);
    Writer w(file);
    write_metadata(w, results.meta);
    write_table(w, results.table);
    write_summaries(w, results);
    file.close();
  } catch (const H5::Exception& e) {
    throw InputError(fmt::format("cannot write results file {}: {}", path.string(), describe(e)));
  }
  out.commit();
}

namespace {

// ---------------------------------------------------------------------------------------------
// Checks after reading: a damaged file must not produce a report. Files written by this version
// carry checksums (metadata, and Fletcher-32 per numeric chunk), which libhdf5 verifies; strings
// (in the global heap) and files from earlier versions have none, and these checks catch what a
// wrong byte does to the numbers and strings.

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t len = utf8_length(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

// Equal up to summation-order rounding, relative to `scale` (the largest magnitude summed).
bool close(double stored, double recomputed, double scale) {
  if (std::isnan(stored) || std::isnan(recomputed)) return std::isnan(stored) && std::isnan(recomputed);
  return std::fabs(stored - recomputed) <= 1e-11 * std::max({scale, std::fabs(stored), std::fabs(recomputed)}) + 1e-300;
}

class Checker {
 public:
  explicit Checker(std::string name) : name_(std::move(name)) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(fmt::format("{}: the file is damaged: {} (rerun the simulation to write it again)", name_, what));
  }

  void text(std::string_view s, const std::string& what) const {
    if (!valid_utf8(s)) fail(fmt::format("{} is not valid UTF-8 text", what));
  }

  // The summary statistics of one quantity: internally consistent, and (for the mean, min and max)
  // equal to what the per-run values give.
  void stats(const Stats& st, const std::string& what, double runs, double mean, double min,
             double max, double scale) const {
    auto bad = [&](const char* field) {
      fail(fmt::format("{}: the {} stored in /summary does not match the per-run data", what, field));
    };
    if (!close(st.mean, mean, scale)) bad("mean");
    if (!close(st.min, min, 0) || !close(st.max, max, 0)) bad("minimum or maximum");
    if (!(st.sd >= 0) && !std::isnan(st.sd)) bad("standard deviation");
    if (runs > 1 && !close(st.mcse, st.sd / std::sqrt(runs), 0)) bad("Monte Carlo standard error");
    double prev = st.min;
    for (const double p : st.percentiles) {
      if (!(p >= prev - 1e-9 * scale) || p > st.max + 1e-9 * scale) bad("percentile order");
      prev = p;
    }
    for (const double v : {st.var95, st.var99, st.es95, st.es99}) {
      if (!(v >= 0) || v > std::max(0.0, -st.min) * (1 + 1e-9) + 1e-300) bad("value at risk or expected shortfall");
    }
  }

  // Every field equal to the statistics recomputed from the per-run values.
  void same(const Stats& stored, const Stats& again, const std::string& what, double scale) const {
    bool ok = close(stored.mean, again.mean, scale) && close(stored.sd, again.sd, scale) &&
              close(stored.mcse, again.mcse, scale) && close(stored.min, again.min, 0) &&
              close(stored.max, again.max, 0) && close(stored.var95, again.var95, scale) &&
              close(stored.var99, again.var99, scale) && close(stored.es95, again.es95, scale) &&
              close(stored.es99, again.es99, scale);
    for (std::size_t j = 0; j < stored.percentiles.size(); ++j) {
      ok = ok && close(stored.percentiles[j], again.percentiles[j], scale);
    }
    if (!ok) fail(fmt::format("{}: a statistic stored in /summary does not match the per-run data", what));
  }

 private:
  std::string name_;
};

void check_results(const fs::path& path, const SimulationResults& r) {
  const Checker ck(path.string());
  const ResultMetadata& m = r.meta;
  const RunTable& t = r.table;
  const long runs = t.runs();
  const auto n_tracks = static_cast<long>(t.tracks.size());

  for (const std::string* s : {&m.program_version, &m.git_commit, &m.scenario_name, &m.scenario_path,
                               &m.scenario_text, &m.rng_layout, &m.created_utc}) {
    ck.text(*s, "a /metadata string");
  }
  for (const auto& [k, v] : m.library_versions) ck.text(k + v, "a /metadata/library_versions string");
  for (const std::string& label : t.tracks) ck.text(label, "a track label in /tracks/labels");
  if (m.runs != runs) ck.fail(fmt::format("the runs attribute says {} but /runs holds {} rows", m.runs, runs));

  long done = 0;
  for (long i = 0; i < runs; ++i) {
    for (const auto* flags : {&t.done, &t.met_qps, &t.met_alt_qps}) {
      if ((*flags)(i) != 0 && (*flags)(i) != 1) {
        ck.fail(fmt::format("run {} has a 0/1 flag of {} in /runs", i, static_cast<int>((*flags)(i))));
      }
    }
    if (!t.done(i)) continue;
    ++done;
    if (!(std::isfinite(t.benchmark(i)) && t.benchmark(i) > 0) || !std::isfinite(t.expenditure(i)) ||
        !std::isfinite(t.true_effect(i)) || !std::isfinite(t.benchmark_factor(i)) ||
        !(t.quality(i) >= 0 && t.quality(i) <= 100)) {
      ck.fail(fmt::format("run {} has an impossible sample (benchmark {}, expenditure {}, quality {})", i,
                          t.benchmark(i), t.expenditure(i), t.quality(i)));
    }
    for (long k = 0; k < n_tracks; ++k) {
      if (!std::isfinite(t.payment(i, k)) || t.outcome(i, k) < 0 ||
          t.outcome(i, k) >= static_cast<OutcomeCode>(kOutcomeNames.size())) {
        ck.fail(fmt::format("run {}, track {}: payment {} or outcome code {} is impossible", i, k, t.payment(i, k),
                            static_cast<int>(t.outcome(i, k))));
      }
    }
  }
  if (m.completed_runs != done) {
    ck.fail(fmt::format("completed_runs says {} but /runs/done marks {} runs", m.completed_runs, done));
  }
  if (m.complete != (done == runs)) {
    ck.fail(fmt::format("the complete flag says {} but {} of {} runs are done", m.complete ? 1 : 0, done, runs));
  }
  if (done == 0) return;  // no summaries to check

  // Summaries against the per-run data (O(runs) per row: means, extremes, probabilities).
  if (static_cast<long>(r.tracks.size()) != n_tracks) {
    ck.fail(fmt::format("/summary/tracks has {} rows for {} tracks", r.tracks.size(), n_tracks));
  }
  const double n = static_cast<double>(done);
  struct Moments {
    double sum = 0, min = HUGE_VAL, max = -HUGE_VAL, scale = 0;
    void add(double v) {
      sum += v;
      min = std::min(min, v);
      max = std::max(max, v);
      scale = std::max(scale, std::fabs(v));
    }
  };
  // Recomputing every statistic (compute_stats sorts each column) costs O(R log R) per summary row;
  // up to ~1e8 values that is a few seconds at most, beyond it only the O(R) statistics are checked.
  const bool full = static_cast<double>(done) * static_cast<double>(r.tracks.size() + r.pairs.size()) <= 1e8;
  std::vector<double> dv, pv;
  auto check_column = [&](const std::string& what, const Stats& dollars, const Stats& percent, auto&& value) {
    Moments d, p;
    dv.clear();
    pv.clear();
    for (long i = 0; i < runs; ++i) {
      if (!t.done(i)) continue;
      const double v = value(i);
      d.add(v);
      p.add(100.0 * v / t.benchmark(i));
      if (full) {
        dv.push_back(v);
        pv.push_back(100.0 * v / t.benchmark(i));
      }
    }
    ck.stats(dollars, what + " (dollars)", n, d.sum / n, d.min, d.max, d.scale);
    ck.stats(percent, what + " (percent)", n, p.sum / n, p.min, p.max, p.scale);
    if (full) {
      ck.same(dollars, compute_stats(dv), what + " (dollars)", d.scale);
      ck.same(percent, compute_stats(pv), what + " (percent)", p.scale);
    }
  };
  for (long k = 0; k < n_tracks; ++k) {
    const TrackSummary& s = r.tracks[static_cast<std::size_t>(k)];
    ck.text(s.label, "a track label in /summary/tracks/label");
    if (s.label != t.tracks[static_cast<std::size_t>(k)]) {
      ck.fail(fmt::format("/summary/tracks row {} is labelled '{}' but column {} of /runs is '{}'", k, s.label, k,
                          t.tracks[static_cast<std::size_t>(k)]));
    }
    check_column("track " + s.label, s.dollars, s.percent, [&](long i) { return t.payment(i, k); });
    std::array<long, kOutcomeNames.size()> counts{};
    for (long i = 0; i < runs; ++i) {
      if (t.done(i)) ++counts[static_cast<std::size_t>(t.outcome(i, k))];
    }
    const double p_savings = static_cast<double>(counts[0]) / n, p_losses = static_cast<double>(counts[1]) / n;
    const double p_corridor = static_cast<double>(counts[2] + counts[3]) / n;
    const double p_quality = static_cast<double>(counts[4]) / n;
    if (!close(s.p_savings, p_savings, 1) || !close(s.p_losses, p_losses, 1) || !close(s.p_corridor, p_corridor, 1) ||
        !close(s.p_quality_failed, p_quality, 1) ||
        !close(s.p_savings_se, std::sqrt(p_savings * (1 - p_savings) / n), 1) ||
        !close(s.p_losses_se, std::sqrt(p_losses * (1 - p_losses) / n), 1)) {
      ck.fail(fmt::format("track {} outcome probabilities disagree with /runs/outcome", s.label));
    }
  }
  for (const PairSummary& p : r.pairs) {
    const auto a = static_cast<long>(p.index_a), b = static_cast<long>(p.index_b);
    ck.text(p.a + p.b, "a track label in /summary/pairs");
    if (a == b || p.a != t.tracks[static_cast<std::size_t>(a)] || p.b != t.tracks[static_cast<std::size_t>(b)]) {
      ck.fail(fmt::format("/summary/pairs row ({}, {}) does not match the tracks '{}' and '{}'", a, b, p.a, p.b));
    }
    check_column("pair " + p.a + " - " + p.b, p.dollars, p.percent,
                 [&](long i) { return t.payment(i, a) - t.payment(i, b); });
    long better = 0, equal = 0;
    for (long i = 0; i < runs; ++i) {
      if (!t.done(i)) continue;
      better += t.payment(i, a) > t.payment(i, b);
      equal += t.payment(i, a) == t.payment(i, b);
    }
    if (!close(p.p_a_better, static_cast<double>(better) / n, 1) || !close(p.p_equal, static_cast<double>(equal) / n, 1)) {
      ck.fail(fmt::format("pair {} - {} probabilities disagree with /runs/payment", p.a, p.b));
    }
  }
}

SimulationResults read_unchecked(const fs::path& path) {
  H5::Exception::dontPrint();
  Reader rd(path);
  SimulationResults r;
  try {
    rd.open();
    read_metadata(rd, r.meta);
    read_table(rd, r.table);
    read_summaries(rd, r);
  } catch (const H5::Exception& e) {
    rd.fail(fmt::format("cannot read {}: {} (truncated or corrupt file?)", rd.context(),
                        describe(e)));
  }
  return r;
}

// The HDF5 library trusts the file's internal sizes and addresses: a damaged file can crash it
// (a segmentation fault in H5HG_read), make it allocate without bound, or loop. So the file is
// first read in a child process with CPU-time and memory limits; only when that read succeeds does
// this process read it. A crash, a limit or a failure in the child becomes an InputError naming
// the file. ACOSIM_HDF5_NO_ISOLATION=1 reads in-process only (for debuggers).
void read_in_child(const fs::path& path) {
  if (const char* env = std::getenv("ACOSIM_HDF5_NO_ISOLATION"); env != nullptr && std::string(env) == "1") return;
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  const double mib = ec ? 0.0 : static_cast<double>(size) / (1 << 20);
  const auto cpu_seconds = static_cast<rlim_t>(60 + mib / 4);  // reading runs at well over 4 MiB/s
  int fds[2];
  if (::pipe(fds) != 0) return;  // cannot isolate: read in-process
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return;
  }
  if (pid == 0) {
    ::close(fds[0]);
    // Quiet: what the HDF5 library or a sanitizer prints about a crash is not for the user; the
    // parent turns the outcome into one message.
    if (const int null = ::open("/dev/null", O_WRONLY); null >= 0) ::dup2(null, STDERR_FILENO);
    struct rlimit cpu {cpu_seconds, cpu_seconds + 5};
    ::setrlimit(RLIMIT_CPU, &cpu);
#if !defined(__SANITIZE_ADDRESS__)
    // Address space: what the process already maps plus room for 16 copies of the file and 1 GiB.
    long pages = 0;
    if (std::ifstream statm("/proc/self/statm"); statm >> pages) {
      const double limit = static_cast<double>(pages) * static_cast<double>(::sysconf(_SC_PAGESIZE)) +
                           16.0 * mib * (1 << 20) + double(1u << 30);
      struct rlimit as {static_cast<rlim_t>(limit), static_cast<rlim_t>(limit)};
      ::setrlimit(RLIMIT_AS, &as);
    }
#endif
    int code = 0;
    std::string msg;
    try {
      (void)read_unchecked(path);
    } catch (const InputError& e) {
      code = 2;
      msg = e.what();
    } catch (const std::bad_alloc&) {
      code = 4;
      msg = "it claims more data than fits in memory";
    } catch (const std::exception& e) {
      code = 3;
      msg = e.what();
    } catch (...) {
      code = 3;
      msg = "unknown error";
    }
    for (std::size_t off = 0; off < msg.size();) {
      const ssize_t w = ::write(fds[1], msg.data() + off, msg.size() - off);
      if (w <= 0) break;
      off += static_cast<std::size_t>(w);
    }
    ::_exit(code);
  }
  ::close(fds[1]);
  std::string msg;
  char buf[4096];
  for (;;) {
    const ssize_t got = ::read(fds[0], buf, sizeof buf);
    if (got > 0) {
      msg.append(buf, static_cast<std::size_t>(got));
    } else if (got < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return;  // cannot tell: read in-process
  }
  const std::string name = path.string();
  if (WIFEXITED(status)) {
    switch (WEXITSTATUS(status)) {
      case 0: return;
      case 2: throw InputError(msg);
      case 4: throw InputError(fmt::format("{}: cannot read: {} (the file is damaged)", name, msg));
      case 3: throw InputError(fmt::format("{}: cannot read: {} (the file is damaged?)", name, msg));
      default: break;  // a sanitizer's report on a crash inside the HDF5 library
    }
    throw InputError(fmt::format("{}: the file is damaged: the HDF5 library failed reading it (exit {}); rerun "
                                 "the simulation to write it again", name, WEXITSTATUS(status)));
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    if (sig == SIGXCPU || sig == SIGKILL) {
      throw InputError(fmt::format("{}: the file is damaged: reading it did not finish within {} s of CPU time; "
                                   "rerun the simulation to write it again", name, cpu_seconds));
    }
    throw InputError(fmt::format("{}: the file is damaged: the HDF5 library crashed reading it (signal {}, {}); "
                                 "rerun the simulation to write it again", name, sig, ::strsignal(sig)));
  }
}

}  // namespace

SimulationResults read_results(const fs::path& path) {
  H5::Exception::dontPrint();
  {
    Reader rd(path);
    std::error_code ec;
    if (!fs::exists(path, ec)) rd.fail("no such file");
    if (fs::is_directory(path, ec)) rd.fail("is a directory, not a results file");
  }
  read_in_child(path);
  SimulationResults r = read_unchecked(path);
  check_results(path, r);
  return r;
}

}  // namespace acosim
