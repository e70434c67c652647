// Results file (sim/hdf5_io, docs/results-schema.md): bit-exact round trip, readability by
// h5dump and h5py, clear errors on bad files, and atomic writes that leave nothing behind on failure.
#include <unistd.h>

#include <H5Cpp.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "sim/common/error.hpp"
#include "sim/engine/statistics.hpp"
#include "sim/output/hdf5_io.hpp"
#include "tests/support.hpp"

using namespace acosim;
namespace fs = std::filesystem;
using namespace acosim::test;
using Catch::Matchers::Contains;

namespace {

// Six runs, three tracks, known numbers; the third label needs CSV quoting and is not ASCII.
SimulationResults sample_results() {
  SimulationResults r;
  r.meta = sample_metadata(6);
  ResultMetadata& m = r.meta;
  m.scenario_name = "Mid-size ACO — test";
  m.scenario_path = "/tmp/scénario.yaml";
  m.scenario_text = "# Test scenario: ünïcödé ✓\nname: test\nruns: 6\ntracks:\n  - BASIC_A\n  - ENHANCED\n";
  m.seed = 18446744073709551557ULL;  // largest 64-bit prime: needs the full uint64 range
  m.ranks = 3;
  m.rng_layout = "Philox4x64-10; key = seed; counter = (run, purpose, block, 0)";
  m.library_versions = {{"hdf5", "1.10.8"}, {"eigen", "3.4.0"}, {"boost", "1.74"}};
  m.beneficiary_years = 60000.5;
  m.beneficiaries = 10000;
  m.complete = true;

  RunTable& t = r.table;
  fill_six_runs(t);
  t.true_effect << -0.01, 0.002, -0.03, 0.015, 0.0, -0.02;
  t.benchmark_factor << 1.01, 0.99, 1.0 / 7, 1.02, 1.0, 0.985;
  t.quality << 88.5, 42.25, 91.0, 77.0, 30.0, 65.125;
  t.met_qps << 1, 0, 1, 1, 0, 1;
  t.met_alt_qps << 1, 0, 1, 1, 1, 1;
  summarize(r);
  return r;
}

bool same_bits(const double* a, const double* b, Eigen::Index n) {
  return std::memcmp(a, b, static_cast<std::size_t>(n) * sizeof(double)) == 0;
}

void check_same_stats(const Stats& a, const Stats& b) {
  CHECK(a.mean == b.mean);
  CHECK(a.sd == b.sd);
  CHECK(a.mcse == b.mcse);
  CHECK(a.percentiles == b.percentiles);
  CHECK(a.min == b.min);
  CHECK(a.max == b.max);
  CHECK(a.var95 == b.var95);
  CHECK(a.var99 == b.var99);
  CHECK(a.es95 == b.es95);
  CHECK(a.es99 == b.es99);
}

void check_same(const SimulationResults& a, const SimulationResults& b) {
  const ResultMetadata &x = a.meta, &y = b.meta;
  CHECK(x.program_version == y.program_version);
  CHECK(x.git_commit == y.git_commit);
  CHECK(x.scenario_name == y.scenario_name);
  CHECK(x.scenario_path == y.scenario_path);
  CHECK(x.scenario_text == y.scenario_text);
  CHECK(x.seed == y.seed);
  CHECK(x.runs == y.runs);
  CHECK(x.threads == y.threads);
  CHECK(x.ranks == y.ranks);
  CHECK(x.rng_layout == y.rng_layout);
  CHECK(x.library_versions == y.library_versions);
  CHECK(x.created_utc == y.created_utc);
  CHECK(x.wall_seconds == y.wall_seconds);
  CHECK(x.beneficiary_years == y.beneficiary_years);
  CHECK(x.performance_year == y.performance_year);
  CHECK(x.beneficiaries == y.beneficiaries);
  CHECK(x.complete == y.complete);
  CHECK(x.completed_runs == y.completed_runs);

  const RunTable &s = a.table, &t = b.table;
  CHECK(s.tracks == t.tracks);
  REQUIRE(s.payment.rows() == t.payment.rows());
  REQUIRE(s.payment.cols() == t.payment.cols());
  CHECK(same_bits(s.payment.data(), t.payment.data(), s.payment.size()));
  CHECK(s.outcome == t.outcome);
  for (auto [u, v] : {std::pair{&s.benchmark, &t.benchmark},
                      {&s.expenditure, &t.expenditure},
                      {&s.true_effect, &t.true_effect},
                      {&s.benchmark_factor, &t.benchmark_factor},
                      {&s.quality, &t.quality}}) {
    REQUIRE(u->size() == v->size());
    CHECK(same_bits(u->data(), v->data(), u->size()));
  }
  CHECK(s.met_qps == t.met_qps);
  CHECK(s.met_alt_qps == t.met_alt_qps);
  CHECK(s.done == t.done);

  REQUIRE(a.tracks.size() == b.tracks.size());
  for (std::size_t i = 0; i < a.tracks.size(); ++i) {
    const TrackSummary &p = a.tracks[i], &q = b.tracks[i];
    CHECK(p.label == q.label);
    check_same_stats(p.dollars, q.dollars);
    check_same_stats(p.percent, q.percent);
    CHECK(p.p_savings == q.p_savings);
    CHECK(p.p_losses == q.p_losses);
    CHECK(p.p_corridor == q.p_corridor);
    CHECK(p.p_quality_failed == q.p_quality_failed);
    CHECK(p.p_savings_se == q.p_savings_se);
    CHECK(p.p_losses_se == q.p_losses_se);
  }
  REQUIRE(a.pairs.size() == b.pairs.size());
  for (std::size_t i = 0; i < a.pairs.size(); ++i) {
    const PairSummary &p = a.pairs[i], &q = b.pairs[i];
    CHECK(p.a == q.a);
    CHECK(p.b == q.b);
    CHECK(p.index_a == q.index_a);
    CHECK(p.index_b == q.index_b);
    check_same_stats(p.dollars, q.dollars);
    check_same_stats(p.percent, q.percent);
    CHECK(p.p_a_better == q.p_a_better);
    CHECK(p.p_equal == q.p_equal);
  }
}

}  // namespace

TEST_CASE("Results round-trip bit for bit", "[hdf5]") {
  TempDir dir;
  const SimulationResults r = sample_results();
  REQUIRE(r.tracks.size() == 3);
  REQUIRE(r.pairs.size() == 3);
  const fs::path file = dir / "results.h5";
  write_results(file, r);
  CHECK(listing(dir.path) == std::set<std::string>{"results.h5"});
  const SimulationResults back = read_results(file);
  check_same(r, back);

  // Summaries recomputed from the read table agree with the stored ones.
  SimulationResults again = back;
  summarize(again);
  check_same(back, again);

  // Overwriting an existing file works (atomic rename onto it).
  write_results(file, r);
  check_same(r, read_results(file));
}

TEST_CASE("A large table round-trips through the compressed chunked layout", "[hdf5]") {
  TempDir dir;
  SimulationResults r = sample_results();
  const long runs = 20011;  // not a multiple of the chunk size
  r.table.resize(runs, 3);
  r.meta.runs = r.meta.completed_runs = runs;
  std::mt19937_64 gen(42);
  std::normal_distribution<double> normal(0.0, 1e6);
  std::uniform_int_distribution<int> code(0, 4);
  for (long i = 0; i < runs; ++i) {
    for (long k = 0; k < 3; ++k) {
      r.table.payment(i, k) = i % 3 == 0 ? 0.0 : normal(gen);
      r.table.outcome(i, k) = static_cast<OutcomeCode>(code(gen));
    }
    r.table.benchmark(i) = 1e8 + normal(gen);
    r.table.expenditure(i) = 1e8 + normal(gen);
    r.table.true_effect(i) = normal(gen) * 1e-8;
    r.table.benchmark_factor(i) = 1.0 + normal(gen) * 1e-8;
    r.table.quality(i) = 50 + normal(gen) * 1e-5;
    r.table.met_qps(i) = static_cast<std::int8_t>(i % 2);
    r.table.met_alt_qps(i) = static_cast<std::int8_t>(i % 5 == 0);
    r.table.done(i) = 1;
  }
  summarize(r);
  const fs::path file = dir / "big.h5";
  write_results(file, r);
  check_same(r, read_results(file));
}

TEST_CASE("Results files are readable by h5dump and h5py", "[hdf5]") {
  TempDir dir;
  const fs::path file = dir / "results.h5";
  write_results(file, sample_results());

  if (fs::exists("/usr/bin/h5dump")) {
    const std::string cmd =
        fmt::format("/usr/bin/h5dump -H '{}' > '{}' 2>&1", file.string(), (dir / "h5dump.txt").string());
    CHECK(std::system(cmd.c_str()) == 0);
  } else {
    WARN("h5dump not installed: skipped");
  }

  if (std::system("/usr/bin/python3 -c 'import h5py' > /dev/null 2>&1") == 0) {
    const fs::path script = dir / "check.py";
    std::ofstream(script) << R"(import sys, h5py
f = h5py.File(sys.argv[1], "r")
assert f.attrs["format"] == "acosim-results", f.attrs["format"]
assert int(f.attrs["format_version"]) == 1
p = f["runs/payment"][:]
assert p.shape == (6, 3), p.shape
assert p[0, 1] == 2400000 and p[5, 2] == 2400000.125, p
assert f["runs/outcome"][:].shape == (6, 3)
assert f["runs/benchmark"].shape == (6,)
assert list(f["tracks/labels"].asstr()[:])[1] == "ENHANCED"
assert list(f["runs/outcome"].attrs["outcome_names"])[4] == "quality_failed"
assert int(f["metadata"].attrs["seed"]) == 18446744073709551557
assert f["metadata/scenario"][()].decode("utf-8").startswith("# Test scenario: ünïcödé ✓\n")
pct = f["summary/tracks/dollars/percentiles"]
assert pct.shape == (3, 9) and list(pct.attrs["levels"]) == [1, 5, 10, 25, 50, 75, 90, 95, 99]
assert f["summary/tracks/dollars/mean"][0] == 1000000.0
assert f["summary/pairs/dollars/mean"].shape == (3,)
)";
    const std::string cmd = fmt::format("/usr/bin/python3 '{}' '{}' > '{}' 2>&1", script.string(),
                                        file.string(), (dir / "py.txt").string());
    const int rc = std::system(cmd.c_str());
    if (rc != 0) {
      std::ifstream in(dir / "py.txt");
      const std::string output((std::istreambuf_iterator<char>(in)), {});
      FAIL("h5py check failed:\n" << output);
    }
  } else {
    WARN("/usr/bin/python3 with h5py not available: skipped");
  }
}

TEST_CASE("Reading a bad file gives an InputError naming the file and the problem", "[hdf5]") {
  TempDir dir;
  const fs::path good = dir / "good.h5";
  write_results(good, sample_results());

  SECTION("missing file") {
    const fs::path f = dir / "nope.h5";
    const std::string msg = error_of([&] { read_results(f); });
    CHECK_THAT(msg, Contains(f.string()) && Contains("no such file"));
  }
  SECTION("garbage") {
    const fs::path f = dir / "garbage.h5";
    std::ofstream(f) << "this is not HDF5, just some text\n";
    const std::string msg = error_of([&] { read_results(f); });
    CHECK_THAT(msg, Contains(f.string()) && Contains("not an HDF5 file"));
  }
  SECTION("empty file") {
    const fs::path f = dir / "empty.h5";
    std::ofstream{f};
    CHECK_THAT(error_of([&] { read_results(f); }), Contains(f.string()));
  }
  SECTION("truncated") {
    const auto size = fs::file_size(good);
    for (const auto keep : {size / 2, size - 100, std::uintmax_t{600}}) {
      const fs::path f = dir / "truncated.h5";
      fs::copy_file(good, f, fs::copy_options::overwrite_existing);
      fs::resize_file(f, keep);
      const std::string msg = error_of([&] { read_results(f); });
      INFO("kept " << keep << " of " << size << " bytes: " << msg);
      CHECK_THAT(msg, Contains(f.string()));
    }
  }
  SECTION("plain HDF5 file without the format attribute") {
    const fs::path f = dir / "plain.h5";
    {
      H5::H5File h(f.string(), H5F_ACC_TRUNC);
      const hsize_t n = 4;
      const double data[4] = {1, 2, 3, 4};
      h.createDataSet("x", H5::PredType::IEEE_F64LE, H5::DataSpace(1, &n))
          .write(data, H5::PredType::NATIVE_DOUBLE);
    }
    const std::string msg = error_of([&] { read_results(f); });
    CHECK_THAT(msg, Contains(f.string()) && Contains("not an acosim results file") && Contains("format"));
  }
  SECTION("wrong format and wrong version") {
    const fs::path f = dir / "other.h5";
    const H5::StrType str(H5::PredType::C_S1, H5T_VARIABLE);
    {
      H5::H5File h(f.string(), H5F_ACC_TRUNC);
      h.createAttribute("format", str, H5::DataSpace(H5S_SCALAR)).write(str, std::string("openmc"));
    }
    CHECK_THAT(error_of([&] { read_results(f); }), Contains(f.string()) && Contains(R"(format is "openmc")"));
    {
      H5::H5File h(f.string(), H5F_ACC_TRUNC);
      h.createAttribute("format", str, H5::DataSpace(H5S_SCALAR)).write(str, std::string(kResultsFormat));
      const std::int64_t v = 2;
      h.createAttribute("format_version", H5::PredType::STD_I64LE, H5::DataSpace(H5S_SCALAR))
          .write(H5::PredType::NATIVE_INT64, &v);
    }
    CHECK_THAT(error_of([&] { read_results(f); }),
               Contains(f.string()) && Contains("format_version 2 is not supported"));
  }
  SECTION("missing dataset") {
    const fs::path f = dir / "incomplete.h5";
    fs::copy_file(good, f);
    {
      H5::H5File h(f.string(), H5F_ACC_RDWR);
      h.unlink("/runs/quality");
    }
    CHECK_THAT(error_of([&] { read_results(f); }),
               Contains(f.string()) && Contains("missing dataset /runs/quality"));
  }
}

TEST_CASE("A failed write leaves no file behind", "[hdf5]") {
  TempDir dir;
  const SimulationResults r = sample_results();

  SECTION("the target folder cannot be created (a file stands where it would be)") {
    { std::ofstream(dir / "not-a-folder") << "x"; }
    const fs::path f = dir / "not-a-folder" / "results.h5";
    CHECK_THAT(error_of([&] { write_results(f, r); }), Contains(f.string()));
    CHECK(listing(dir.path) == std::set<std::string>{"not-a-folder"});
  }
  SECTION("the target directory is not writable") {
    if (::geteuid() == 0) {
      WARN("running as root: permissions are not enforced; skipped");
      return;
    }
    const fs::path locked = dir / "locked";
    fs::create_directory(locked);
    fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
    CHECK_THAT(error_of([&] { write_results(locked / "results.h5", r); }), Contains("not writable"));
    fs::permissions(locked, fs::perms::owner_all);
    CHECK(listing(locked).empty());
  }
  SECTION("an exception in the middle of writing") {
    // A NUL in the scenario text is refused after the file has been created and partly written.
    SimulationResults bad = r;
    bad.meta.scenario_text = std::string("a: 1\n") + '\0' + "b: 2\n";
    const fs::path f = dir / "results.h5";
    CHECK_THROWS_AS(write_results(f, bad), std::invalid_argument);
    CHECK(listing(dir.path).empty());

    // An existing file stays as it was.
    write_results(f, r);
    const auto before = fs::file_size(f);
    CHECK_THROWS(write_results(f, bad));
    CHECK(listing(dir.path) == std::set<std::string>{"results.h5"});
    CHECK(fs::file_size(f) == before);
    check_same(r, read_results(f));
  }
  SECTION("inconsistent results are refused before anything is written") {
    SimulationResults bad = r;
    bad.table.quality.resize(2);
    CHECK_THROWS_AS(write_results(dir / "results.h5", bad), std::invalid_argument);
    CHECK(listing(dir.path).empty());
  }
}

TEST_CASE("A changed byte in a numeric array is refused by its checksum", "[hdf5]") {
  // The smallest change the consistency checks cannot see: one ulp of one run's benchmark.
  TempDir dir;
  SimulationResults r = sample_results();
  const double marker = 98765432.125;
  r.table.benchmark(2) = marker;
  summarize(r);
  const fs::path f = dir / "flip.h5";
  write_results(f, r);
  REQUIRE(read_results(f).table.benchmark(2) == marker);
  std::string bytes;
  {
    std::ifstream in(f, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  char pattern[sizeof marker];
  std::memcpy(pattern, &marker, sizeof marker);  // the file is little-endian, like this machine
  const auto at = bytes.find(std::string(pattern, sizeof pattern));
  REQUIRE(at != std::string::npos);
  bytes[at] = static_cast<char>(bytes[at] ^ 1);
  std::ofstream(f, std::ios::binary | std::ios::trunc) << bytes;
  const std::string msg = error_of([&] { read_results(f); });
  CHECK_THAT(msg, Contains(f.string()));
  INFO(msg);
  CHECK_THAT(msg, Contains("cannot read dataset /runs/benchmark") && Contains("corrupt"));
}
