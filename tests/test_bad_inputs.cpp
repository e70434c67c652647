// Table-driven bad-input tests of the real binary: every input path (scenario YAML, --set and other
// CLI values, empirical cost files, settle CSVs, CMS PUFs, results files read back by `report` and
// `run --resume`) must reject a bad input with exit code 2 and a message naming the file, the line
// or key, the offending value and what is allowed -- and must leave no output file behind.
//
// Each row runs `acosim ARGS` in a fresh scratch folder holding only the row's input files, with
// stdout and stderr captured to files outside it; afterwards the folder must hold exactly the inputs.
#include <catch2/catch.hpp>

#include <H5Cpp.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/engine/statistics.hpp"
#include "sim/output/hdf5_io.hpp"
#include "tests/support.hpp"

using namespace std::string_literals;
namespace fs = std::filesystem;
using namespace acosim::test;

namespace {

// Replaces every "{dir}" with the scratch folder.
std::string expand(std::string s, const fs::path& dir) {
  for (std::size_t p = s.find("{dir}"); p != std::string::npos; p = s.find("{dir}", p)) {
    s.replace(p, 5, dir.string());
  }
  return s;
}

// One bad input: the files to create, the command line, and what the error must say.
struct Case {
  std::string name;
  std::vector<std::pair<std::string, std::string>> files;  // name in the scratch folder -> content
  std::string args;                                        // "{dir}" is the scratch folder
  std::vector<std::string> expect;                         // fragments of stderr ("{dir}" expanded)
  int exit_code = 2;
  std::function<void(const fs::path& dir)> prepare = {};  // extra setup (binary edits of a file)
};

void run_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      Sandbox s("case");
      std::set<std::string> inputs;
      for (const auto& [name, content] : c.files) s.write(name, content);
      if (c.prepare) c.prepare(s.dir);
      inputs = listing(s.dir);
      const CliRun o = s.run(expand(c.args, s.dir));
      INFO("acosim " << expand(c.args, s.dir) << "\nstderr: " << o.err);
      CHECK(o.exit_code == c.exit_code);
      if (c.exit_code == 2) CHECK_THAT(o.err, Catch::StartsWith("acosim: error: "));
      for (const std::string& f : c.expect) CHECK_THAT(o.err, Catch::Contains(expand(f, s.dir)));
      // One line of text: no raw control characters or invalid bytes from the input leak into it.
      CHECK(std::count(o.err.begin(), o.err.end(), '\n') <= 2);
      CHECK(std::none_of(o.err.begin(), o.err.end(), [](char ch) {
        const auto u = static_cast<unsigned char>(ch);
        return (u < 0x20 && ch != '\n') || u == 0x7F;
      }));
      // Nothing written: the folder holds exactly the inputs (no output, no temporary file).
      CHECK(listing(s.dir) == inputs);
    }
  }
}

const std::string kScenario = "aco: {beneficiaries: 1000}\ntracks: [BASIC_A]\nruns: 10\n";
const std::string kRun = "run s.yaml -o out.h5 -q";

// A scenario with one line replaced or added.
Case yaml(std::string name, std::string text, std::vector<std::string> expect) {
  return Case{std::move(name), {{"s.yaml", std::move(text)}}, kRun, std::move(expect)};
}

// ---- settle / PUF inputs ----------------------------------------------------------------------

const std::string kSettleHeader =
    "id,track,py,assigned_beneficiaries,benchmark_total,expenditure_total,msr_election,quality_score\n";

Case settle(std::string name, std::string text, std::vector<std::string> expect) {
  return Case{std::move(name), {{"in.csv", std::move(text)}}, "settle in.csv -o out.csv", std::move(expect)};
}

const std::string kPufHeader =
    "ACO_ID,Current_Track,N_AB,MinSavPerc,EarnSaveLoss,Met_QPS,QualScore,ABtotBnchmk,ABtotExp\n";

Case puf(std::string name, std::string text, std::vector<std::string> expect) {
  return Case{std::move(name),
              {{"PY2023_puf.csv", std::move(text)}},
              "settle --puf PY2023_puf.csv -o out.csv",
              std::move(expect)};
}

// ---- empirical cost files ---------------------------------------------------------------------

Case empirical(std::string name, std::string csv, std::vector<std::string> expect) {
  return Case{std::move(name),
              {{"s.yaml",
                "aco: {beneficiaries: {aged_nondual: 1000}}\ncost_model: {empirical: {file: c.csv}}\n"
                "tracks: [BASIC_A]\nruns: 10\n"},
               {"c.csv", std::move(csv)}},
              kRun,
              std::move(expect)};
}

// ---- results files ----------------------------------------------------------------------------

// A small valid results file, written once by the binary.
const fs::path& good_results() {
  static const TempDir dir("bad_good");  // removed at exit
  static const fs::path file = [] {
    dir.write("s.yaml",
              "name: good\naco: {beneficiaries: 2000, participant_revenue: 1.0e7}\n"
              "tracks: [BASIC_A, {track: BASIC_E, msr: 1%}]\nruns: 40\nseed: 7\n");
    const CliRun o = run_acosim("run s.yaml -o good.h5 -q", dir.path, dir.path);
    REQUIRE(o.exit_code == 0);
    return dir / "good.h5";
  }();
  return file;
}

// Copies the good results file to dir/r.h5 and applies `edit` to it through the HDF5 API.
std::function<void(const fs::path&)> results_with(std::function<void(H5::H5File&)> edit) {
  return [edit](const fs::path& dir) {
    fs::copy_file(good_results(), dir / "r.h5");
    if (edit) {
      H5::H5File f((dir / "r.h5").string(), H5F_ACC_RDWR);
      edit(f);
    }
  };
}

// Reads, changes and writes back element `index` of a 1-D or 2-D numeric dataset.
template <class T>
void poke(H5::H5File& f, const std::string& path, std::size_t index, T value, const H5::PredType& mem) {
  H5::DataSet ds = f.openDataSet(path);
  const auto n = static_cast<std::size_t>(ds.getSpace().getSimpleExtentNpoints());
  std::vector<T> v(n);
  ds.read(v.data(), mem);
  v.at(index) = value;
  ds.write(v.data(), mem);
}

std::function<void(const fs::path&)> results_bytes(std::function<void(std::string&)> edit) {
  return [edit](const fs::path& dir) {
    std::string bytes = slurp(good_results());
    edit(bytes);
    std::ofstream(dir / "r.h5", std::ios::binary) << bytes;
  };
}

}  // namespace

TEST_CASE("Bad scenario YAML: exit 2, file:line, key, value and what is allowed, no output",
          "[bad_inputs][scenario]") {
  std::string deep =
      "aco: {beneficiaries: 1000}\ntracks: [BASIC_A]\ndescription: " + std::string(3000, '[') + "\n";
  std::string big = kScenario + "description: >\n";
  while (big.size() < (5u << 20)) big += "  " + std::string(78, 'x') + "\n";
  const std::vector<Case> cases = {
      yaml("NaN", "aco: {beneficiaries: .nan}\ntracks: [BASIC_A]\n",
           {"s.yaml:1:22: key 'aco.beneficiaries': '.nan' is not a finite number",
            "allowed: a whole number from 500 to 10000000"}),
      yaml("infinity", kScenario + "true_effect: .inf\n",
           {"s.yaml:4:14: key 'true_effect': '.inf' is not a finite number",
            "allowed: a fraction in [-0.9, 0.9]"}),
      yaml("negative infinity", kScenario + "benchmark: {update_factor: -.Inf}\n",
           {"s.yaml:4:28: key 'benchmark.update_factor'", "'-.Inf' is not a finite number", "[0.5, 2]"}),
      yaml("overflowing number", kScenario + "quality: {score: 1e999}\n",
           {"key 'quality.score'", "'1e999' is not a finite number", "[0, 100]"}),
      yaml("negative size", "aco: {beneficiaries: -5}\ntracks: [BASIC_A]\n",
           {"s.yaml:1:22", "aco.beneficiaries", "value -5 is out of range; allowed: 500 to 10000000"}),
      yaml("absurd size", "aco: {beneficiaries: 1e300}\ntracks: [BASIC_A]\n",
           {"s.yaml:1:22", "aco.beneficiaries", "1e300", "allowed: 500 to 10000000"}),
      yaml("fractional count", "aco: {beneficiaries: 1000.5}\ntracks: [BASIC_A]\n",
           {"aco.beneficiaries", "'1000.5' is not a whole number"}),
      yaml("probability above 1", kScenario + "quality: {alternative_probability: 1.5}\n",
           {"s.yaml:4:36", "quality.alternative_probability", "value 1.5 is out of range",
            "a probability in [0, 1]"}),
      yaml("probability below 0", kScenario + "cost_model: {shape: {p_zero: -10%}}\n",
           {"s.yaml:4:30", "cost_model.shape.p_zero", "-10%", "[0, 0.999] (or 0% to 99.9%)"}),
      yaml("list for a number", "aco: {beneficiaries: 1000}\ntracks: [BASIC_A]\nruns: [1, 2]\n",
           {"s.yaml:3:7", "key 'runs'", "must be a whole number from 1 to 100000000, not a list"}),
      yaml("text for a number", kScenario + "threads: many\n",
           {"s.yaml:4:10", "key 'threads'", "'many' is not a number", "0 to 4096"}),
      yaml("text for a boolean", "aco: {beneficiaries: 1000, low_revenue: maybe}\ntracks: [BASIC_A]\n",
           {"aco.low_revenue", "'maybe' is not true or false"}),
      yaml("hex number", kScenario + "performance_year: 0x7e8\n",
           {"performance_year", "'0x7e8' is not a number"}),
      yaml("unknown key", "aco: {beneficiaries: 1000}\ntrakcs: [BASIC_A]\n",
           {"s.yaml:2:1: key 'trakcs': unknown key (did you mean 'tracks'?)",
            "allowed here: name, description"}),
      yaml("unknown nested key", "aco: {beneficiaries: 1000, benefciaries: 3}\ntracks: [BASIC_A]\n",
           {"s.yaml:1:28", "aco.benefciaries", "did you mean 'beneficiaries'?", "participant_revenue"}),
      yaml("key given twice", "aco: {beneficiaries: 1000}\ntracks: [BASIC_A]\naco: {beneficiaries: 9000}\n",
           {"s.yaml:3:1: key 'aco': is given twice (first on line 1)"}),
      yaml("non-scalar key", kScenario + "? [a, b]\n: 1\n",
           {"s.yaml:4:3", "a key must be a plain name, not a list"}),
      yaml("empty file", "", {"s.yaml: the scenario is empty", "aco and tracks"}),
      yaml("comments only", "# nothing here\n\n", {"s.yaml: the scenario is empty"}),
      yaml("not a mapping", "- aco\n- tracks\n",
           {"s.yaml: a scenario must be a mapping of keys to values", "not a list"}),
      yaml("invalid YAML", "aco: {beneficiaries: 1000\ntracks: [BASIC_A]\n", {"s.yaml:2:7: not valid YAML"}),
      yaml("truncated file", "aco: {beneficiaries: 1000}\ntracks: [BASIC_A, {track: BASIC_E, m",
           {"s.yaml:", "not valid YAML"}),
      yaml("nested too deeply", deep, {"s.yaml:", "nested too deeply"}),
      yaml("UTF-16 with BOM",
           "\xFF\xFE"
           "a\0c\0o\0:\0 \0{\0}\0\n\0"s,
           {"s.yaml: the file is UTF-16", "save the scenario as UTF-8"}),
      yaml("UTF-16 without BOM", "a\0c\0o\0:\0 \0{\0}\0\n\0"s,
           {"s.yaml:1:2: a NUL byte", "UTF-16 without a byte-order mark"}),
      yaml("binary garbage", "\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03\xCB\x48\xCD\xC9"s,
           {"s.yaml:1:1", "control character 0x1f", "binary"}),
      yaml("Latin-1 text", "name: Clinique M\xE9nard\n" + kScenario,
           {"s.yaml:1:17: byte 0xe9 is not valid UTF-8", "Latin-1"}),
      yaml("control character",
           "name: a\x07"
           "b\n" +
               kScenario,
           {"s.yaml:1:8: control character 0x07"}),
      // yaml-cpp 0.7's LoadAll looped, allocating until memory ran out (found by the fuzzer).
      yaml("a stray comma outside brackets", ", so the report shows\n",
           {"s.yaml:1: not valid YAML: a ',' outside [ ] or { }"}),
      yaml("only a comma", ",\n", {"s.yaml:1: not valid YAML: a ',' outside [ ] or { }"}),
      yaml("larger than 4 MiB", big, {"cannot read scenario s.yaml: the file has", "allowed: at most 4 MiB"}),
      yaml("negative seed", kScenario + "seed: -1\n",
           {"s.yaml:4:7: key 'seed'", "'-1'", "0 to 18446744073709551615"}),
      yaml("seed beyond 2^64", kScenario + "seed: 18446744073709551616\n",
           {"key 'seed': value 18446744073709551616 is out of range", "0 to 18446744073709551615"}),
      yaml("seed in exponent form beyond 2^53", kScenario + "seed: 1e19\n",
           {"key 'seed'", "'1e19'", "plain digits"}),
      yaml("zero runs", "aco: {beneficiaries: 1000}\ntracks: [BASIC_A]\nruns: 0\n",
           {"key 'runs': value 0 is out of range; allowed: 1 to 100000000"}),
      yaml("name that leaves the results folder", kScenario + "name: ../../evil\n",
           {"s.yaml:4:7: key 'name'", "'../../evil' cannot name the results file", "no '/'"}),
      yaml("unknown track", "aco: {beneficiaries: 1000}\ntracks: [BASIC_F]\n",
           {"s.yaml:2:10", "tracks[0]", "'BASIC_F'", "BASIC_A"}),
      yaml("election CMS does not offer",
           "aco: {beneficiaries: 10000}\ntracks: [{track: ENHANCED, msr: 3%}]\n",
           {"tracks[0].msr", "'3%' is not an allowed election", "0.5%"}),
      yaml("correlation not positive definite",
           kScenario + "correlation: {effect_benchmark: 0.9, effect_quality: 0.9, benchmark_quality: -0.9}\n",
           {"s.yaml:4:14", "key 'correlation'", "not positive definite"}),
      yaml("weights not summing to 1", kScenario + "benchmark: {weights: [0.2, 0.3, 0.6]}\n",
           {"benchmark.weights", "sum to 1.1", "must sum to 1"}),
      Case{"scenario is a directory",
           {{"d/keep", ""}},
           "run d -o out.h5 -q",
           {"cannot read scenario d: it is a directory"}},
      Case{"scenario file missing",
           {},
           "run missing.yaml -o out.h5 -q",
           {"cannot read scenario missing.yaml: no such file"}},
  };
  run_cases(cases);
}

TEST_CASE("Bad CLI values and --set overrides: exit 2 naming the option and value, no output",
          "[bad_inputs][cli]") {
  const std::vector<std::pair<std::string, std::string>> files = {{"s.yaml", kScenario}};
  const std::vector<Case> cases = {
      Case{"--set NaN",
           files,
           kRun + " --set aco.beneficiaries=.nan",
           {"s.yaml (--set aco.beneficiaries=.nan): key 'aco.beneficiaries': '.nan' is not a finite number"}},
      Case{"--set probability",
           files,
           kRun + " --set quality.alternative_probability=2",
           {"(--set quality.alternative_probability=2)",
            "value 2 is out of range; allowed: a probability in [0, 1]"}},
      Case{"--set unknown key",
           files,
           kRun + " --set trakcs=[BASIC_A]",
           {"(--set trakcs=[BASIC_A]): key 'trakcs': unknown key (did you mean 'tracks'?)"}},
      Case{"--set without =", files, kRun + " --set runs", {"--set 'runs': expected KEY=VALUE"}},
      Case{"--set empty key component",
           files,
           kRun + " --set aco..x=1",
           {"--set aco..x=1: the key has an empty component"}},
      Case{"--set value not YAML",
           files,
           kRun + " --set 'runs=[1'",
           {"--set runs=[1: the value is not valid YAML"}},
      Case{"--set below a scalar",
           files,
           kRun + " --set runs.x=1",
           {"--set runs.x=1: 'runs' in s.yaml holds '10', not a mapping"}},
      Case{"--runs zero", files, kRun + " --runs 0", {"--runs", "0", "1 to 100000000"}},
      Case{"--runs text", files, kRun + " --runs lots", {"--runs", "lots"}},
      Case{"--runs above the limit",
           files,
           kRun + " --runs 100000001",
           {"--runs", "100000001", "1 to 100000000"}},
      Case{"--seed negative", files, kRun + " --seed -5", {"--seed", "-5"}},
      Case{"--seed fractional", files, kRun + " --seed 1.5", {"--seed", "1.5"}},
      Case{"--seed beyond 2^64",
           files,
           kRun + " --seed 18446744073709551616",
           {"--seed: value 18446744073709551616 is out of range", "0 to 18446744073709551615"}},
      Case{"--seed in exponent form",
           files,
           kRun + " --seed 1e19",
           {"--seed: '1e19' is not allowed", "plain digits"}},
      Case{"--seed beyond 2^64 (sweep)",
           files,
           "sweep s.yaml --vary runs=10 -o out.h5 -q --seed 99999999999999999999",
           {"--seed: value 99999999999999999999 is out of range"}},
      Case{"--seed beyond 2^64 (bench)",
           {},
           "bench --runs 10 --seed 99999999999999999999",
           {"--seed: value 99999999999999999999 is out of range"}},
      Case{"--threads negative", files, kRun + " --threads -1", {"--threads", "-1", "0 to 4096"}},
      Case{"--replay beyond the runs",
           files,
           kRun + " --replay 10",
           {"--replay 10: no such run; allowed: 0 to 9"}},
      Case{"output folder cannot be created",
           {{"s.yaml", kScenario}, {"f", ""}},
           "run s.yaml -o f/out.h5 -q",
           {"cannot create the output folder f (for f/out.h5): f is a file, not a folder"}},
      Case{"output is a folder",
           {{"s.yaml", kScenario}, {"d/keep", ""}},
           "run s.yaml -o d -q",
           {"output path d is a directory"}},
      Case{"report folder cannot be created",
           {{"s.yaml", kScenario}, {"f", ""}},
           kRun + " --report f/r.md",
           {"cannot create the output folder f (for f/r.md): f is a file, not a folder"}},
      Case{"report extension unknown",
           files,
           kRun + " --report r.pdf",
           {"--report r.pdf: unknown extension .pdf",
            ".txt, .md, .markdown, .html, .htm, .csv, .json, .xlsx"}},
      Case{"report --format unknown",
           {},
           "report r.h5 --format pdf",
           {"--format pdf", "text, md, html, csv, json, xlsx"}},
      Case{"report binary format on standard output",
           {},
           "report r.h5 --format xlsx -o -",
           {"-o -: the xlsx format is binary", "give a file name"}},
      Case{"--resume with a scenario",
           files,
           "run s.yaml --resume s.yaml -q",
           {"--resume takes the scenario", "do not also give"}},
      Case{"settle without -o",
           {{"in.csv", kSettleHeader}},
           "settle in.csv",
           {"give the output file with -o"}},
      Case{"settle --py out of range",
           {{"p.csv", kPufHeader}},
           "settle --puf p.csv --py 1999 -o out.csv",
           {"--py 1999", "2013"}},
      Case{"settle --puf without a year",
           {{"p.csv", kPufHeader}},
           "settle --puf p.csv -o out.csv",
           {"--puf p.csv: give the performance year with --py YEAR (allowed 2013-"}},
  };
  run_cases(cases);
}

TEST_CASE("Bad empirical cost files: exit 2 naming file, line, column, value, no output",
          "[bad_inputs][empirical]") {
  const std::string h = "enrollment_type,annual_cost\n";
  const std::vector<Case> cases = {
      empirical("nan cost", h + "aged_nondual,100\naged_nondual,nan\n",
                {"c.csv:3: column annual_cost: 'nan' is not a finite number", "0 to 100,000,000"}),
      empirical("inf cost", h + "aged_nondual,inf\n",
                {"c.csv:2: column annual_cost: 'inf' is not a finite number"}),
      empirical("negative cost", h + "aged_nondual,-5\n",
                {"c.csv:2: column annual_cost: '-5' is out of range", "0 to 100,000,000"}),
      empirical("absurd cost", h + "aged_nondual,1e12\n",
                {"c.csv:2: column annual_cost: '1e12' is out of range"}),
      empirical("text cost", h + "aged_nondual,lots\n",
                {"c.csv:2: column annual_cost: 'lots' is not a number"}),
      empirical("unknown type", h + "aged_nondual,100\nmartian,5\n",
                {"c.csv:3: column enrollment_type: 'martian' is not an enrollment type", "aged_nondual"}),
      empirical("missing column", "enrollment_type,cost\naged_nondual,5\n",
                {"c.csv:1: missing column 'annual_cost'"}),
      empirical("empty file", "", {"c.csv: the file is empty"}),
      empirical("header only", h, {"key 'cost_model.empirical.file'", "c.csv has no data rows"}),
      empirical("every cost zero", h + "aged_nondual,0\naged_nondual,0\n",
                {"c.csv: aged_nondual rows", "every value is 0"}),
      empirical("no rows for a type", "enrollment_type,annual_cost\nesrd,5\n", {"has no aged_nondual rows"}),
      empirical("ragged row", h + "aged_nondual,5,7\n",
                {"c.csv:2: 3 cells, but the header (line 1) names 2 columns"}),
      empirical("UTF-16",
                "\xFF\xFE"
                "e\0n\0"s,
                {"c.csv: the file is UTF-16"}),
      empirical("binary", "PK\x03\x04\x14\0\0\0"s,
                {"c.csv:1: byte 0x03 is not text", "binary data such as .xlsx"}),
      Case{"cost file missing",
           {{"s.yaml",
             "aco: {beneficiaries: 1000}\ncost_model: {empirical: {file: none.csv}}\ntracks: [BASIC_A]\n"}},
           kRun,
           {"cannot read CSV file none.csv: no such file"}},
  };
  run_cases(cases);
}

TEST_CASE("Bad settle CSV and CMS PUF input: exit 2 naming file, line, column, value, no output",
          "[bad_inputs][settle]") {
  const std::string ok = "a,BASIC_A,2024,10000,100000000,95000000,,90\n";
  const std::string ph = kPufHeader;
  const std::string pok = "A1,EN,10000,2.00%,0,1,90.00%,100000000,100000000\n";
  const std::vector<Case> cases = {
      settle("nan cell", kSettleHeader + "a,BASIC_A,2024,10000,nan,95000000,,90\n",
             {"in.csv:2: column benchmark_total: 'nan' is not a finite number (expected a positive number of "
              "dollars)"}),
      settle("inf cell", kSettleHeader + "a,BASIC_A,2024,10000,100000000,-inf,,90\n",
             {"in.csv:2: column expenditure_total: '-inf' is not a finite number"}),
      settle("negative count", kSettleHeader + "a,BASIC_A,2024,-10000,100000000,95000000,,90\n",
             {"in.csv:2: column assigned_beneficiaries: '-10000' must be positive"}),
      settle("absurd count", kSettleHeader + "a,BASIC_A,2024,1e300,100000000,95000000,,90\n",
             {"in.csv:2: column assigned_beneficiaries: '1e300' is out of range"}),
      settle("absurd dollars", kSettleHeader + "a,BASIC_A,2024,10000,1e15,95000000,,90\n",
             {"in.csv:2: column benchmark_total: '1e15' is out of range (expected a positive number of "
              "dollars up to 1e+12)"}),
      settle("fraction above 1",
             "track,py,assigned_beneficiaries,benchmark_total,expenditure_total,euc_relief_fraction\n"
             "BASIC_A,2024,10000,100000000,95000000,150%\n",
             {"in.csv:2: column euc_relief_fraction: '150%' is out of range", "[0, 1]"}),
      settle(
          "quality above 100", kSettleHeader + "a,BASIC_A,2024,10000,100000000,95000000,,190\n",
          {"in.csv:2: column quality_score: '190' is out of range (expected a quality score in [0, 100])"}),
      settle("unknown column",
             "id,track,py,assigned_beneficiaries,benchmark_totl,expenditure_total\na,A,2024,10000,1,1\n",
             {"in.csv:1: unknown column 'benchmark_totl'; did you mean 'benchmark_total'?"}),
      settle("empty file", "", {"in.csv: the file is empty"}),
      settle("header only", kSettleHeader, {"in.csv: no data rows after the header (line 1)"}),
      settle("truncated row", kSettleHeader + ok + "b,BASIC_A,2024,10000,1000",
             {"in.csv:3: 5 cells, but the header (line 1) names 8 columns"}),
      settle("unterminated quote", kSettleHeader + "\"a,BASIC_A,2024,10000,100000000,95000000,,90\n",
             {"in.csv:2: unterminated quoted cell"}),
      settle("UTF-16",
             "\xFF\xFE"
             "i\0d\0"s,
             {"in.csv: the file is UTF-16"}),
      settle("NUL byte",
             kSettleHeader + "a,BASIC_A,2024,10000,100000000,95\0"
                             "00000,,90\n"s,
             {"in.csv:2: byte 0x00 (NUL) is not text", "UTF-16 without a byte-order mark"}),
      settle("unknown track", kSettleHeader + "a,BASIC_F,2024,10000,100000000,95000000,,90\n",
             {"in.csv:2: column track: 'BASIC_F' is not a known track"}),
      Case{"input file missing",
           {},
           "settle none.csv -o out.csv",
           {"cannot read CSV file none.csv: no such file"}},
      puf("PUF nan", ph + "A1,EN,nan,2.00%,0,1,90.00%,100000000,100000000\n",
          {"PY2023_puf.csv:2: column N_AB: 'nan' is not a finite number"}),
      puf("PUF absurd count", ph + "A1,EN,1000000000,2.00%,0,1,90.00%,100000000,100000000\n",
          {"PY2023_puf.csv:2: column N_AB: '1000000000' is out of range", "up to 10000000"}),
      puf("PUF absurd dollars", ph + "A1,EN,10000,2.00%,0,1,90.00%,1e300,100000000\n",
          {"PY2023_puf.csv:2: column ABtotBnchmk: '1e300' is out of range"}),
      puf("PUF quality above 100", ph + "A1,EN,10000,2.00%,0,1,190.00%,100000000,100000000\n",
          {"PY2023_puf.csv:2: column QualScore: '190.00%' is out of range"}),
      puf("PUF missing column",
          "ACO_ID,Current_Track,NAB,MinSavPerc,EarnSaveLoss,Met_QPS,QualScore,ABtotBnchmk,ABtotExp\n" + pok,
          {"PY2023_puf.csv:1: missing column 'N_AB'", "did you mean 'NAB'?"}),
      puf("PUF unknown track", ph + "A1,Z,10000,2.00%,0,1,90.00%,100000000,100000000\n",
          {"PY2023_puf.csv:2: column Current_Track: 'Z' is not a known track"}),
      puf("PUF header only", ph, {"PY2023_puf.csv: no data rows after the header (line 1)"}),
  };
  run_cases(cases);
}

TEST_CASE("Bad results files for report and run --resume: exit 2 naming the file and the damage, no output",
          "[bad_inputs][hdf5]") {
  const auto truncated = [](std::string& b) { b.resize(b.size() / 2); };
  const auto heap_size = [](std::string& b) {
    // The first object in the global heap (a variable-length string) claims 2^47 bytes: the HDF5
    // library copies past its buffer and crashes unless the read is isolated in a child process.
    const std::size_t gcol = b.find("GCOL");
    REQUIRE(gcol != std::string::npos);
    b.replace(gcol + 24, 8, "\xFF\xFF\xFF\xFF\xFF\x7F\0\0"s);
  };
  const std::vector<Case> cases = {
      Case{"report: missing file", {}, "report none.h5", {"none.h5: no such file"}},
      Case{"report: a folder",
           {{"d/keep", ""}},
           "report d",
           {"d: it is a directory, not a results file; allowed: a regular file"}},
      Case{"report: empty file", {{"r.h5", ""}}, "report r.h5", {"r.h5: not an HDF5 file"}},
      Case{"report: text file", {{"r.h5", kScenario}}, "report r.h5", {"r.h5: not an HDF5 file"}},
      Case{"report: truncated file",
           {},
           "report r.h5",
           {"r.h5: cannot open as HDF5, the file is truncated or corrupt"},
           2,
           results_bytes(truncated)},
      Case{"report: corrupt heap (crashes the HDF5 library)",
           {},
           "report r.h5",
           {"r.h5: the file is damaged", "rerun the simulation"},
           2,
           results_bytes(heap_size)},
      Case{"report: flag out of range",
           {},
           "report r.h5",
           {"r.h5: the file is damaged: run 3 has a 0/1 flag of 7"},
           2,
           results_with(
               [](H5::H5File& f) { poke<std::int8_t>(f, "/runs/done", 3, 7, H5::PredType::NATIVE_INT8); })},
      Case{"report: NaN payment",
           {},
           "report r.h5",
           {"r.h5: the file is damaged: run 5, track 1: payment nan"},
           2,
           results_with([](H5::H5File& f) {
             poke<double>(f, "/runs/payment", 11, std::nan(""), H5::PredType::NATIVE_DOUBLE);
           })},
      Case{"report: outcome code out of range",
           {},
           "report r.h5",
           {"r.h5: the file is damaged: run 0, track 0", "outcome code 9"},
           2,
           results_with([](H5::H5File& f) {
             poke<std::int8_t>(f, "/runs/outcome", 0, 9, H5::PredType::NATIVE_INT8);
           })},
      Case{"report: payment changed after the summary",
           {},
           "report r.h5",
           {"r.h5: the file is damaged: track BASIC_A (dollars): the mean stored in /summary does not match "
            "the per-run data"},
           2,
           results_with([](H5::H5File& f) {
             poke<double>(f, "/runs/payment", 0, 123456789.0, H5::PredType::NATIVE_DOUBLE);
           })},
      Case{"report: summary percentile changed",
           {},
           "report r.h5",
           {"r.h5: the file is damaged: track BASIC_A (dollars):",
            "stored in /summary does not match the per-run data"},
           2,
           results_with([](H5::H5File& f) {
             poke<double>(f, "/summary/tracks/dollars/percentiles", 4, 1.5, H5::PredType::NATIVE_DOUBLE);
           })},
      Case{"report: completed_runs wrong",
           {},
           "report r.h5",
           {"r.h5: the file is damaged: completed_runs says 39"},
           2,
           results_with([](H5::H5File& f) {
             H5::Group g = f.openGroup("/metadata");
             const std::int64_t v = 39;
             g.openAttribute("completed_runs").write(H5::PredType::NATIVE_INT64, &v);
           })},
      Case{"report: missing dataset",
           {},
           "report r.h5",
           {"r.h5: missing dataset /runs/quality"},
           2,
           results_with([](H5::H5File& f) { f.unlink("/runs/quality"); })},
      Case{"report -o into a folder that cannot be created",
           {{"f", ""}},
           "report r.h5 -o f/r.md",
           {"cannot create the output folder f (for f/r.md): f is a file, not a folder"},
           2,
           results_with(nullptr)},
      Case{"resume: truncated file",
           {},
           "run --resume r.h5 -q",
           {"r.h5: cannot open as HDF5"},
           2,
           results_bytes(truncated)},
      Case{"resume: corrupt heap",
           {},
           "run --resume r.h5 -q",
           {"r.h5: the file is damaged"},
           2,
           results_bytes(heap_size)},
      Case{"resume: not a results file",
           {{"r.h5", "not hdf5"}},
           "run --resume r.h5 -q",
           {"r.h5: not an HDF5 file"}},
      // An incomplete file (run 39 not done) from a build with another arithmetic: refused.
      Case{"resume: a file from a build that draws differently",
           {},
           "run --resume r.h5 -q",
           {"r.h5: cannot resume: the file was started by a build that draws or computes differently",
            "39 completed runs", "rerun the scenario with this build"},
           2,
           [](const fs::path& dir) {
             acosim::SimulationResults r = acosim::read_results(good_results());
             r.table.done(39) = 0;
             r.meta.complete = false;
             r.meta.completed_runs = 39;
             r.meta.rng_layout = "an earlier layout";
             acosim::summarize(r);
             acosim::write_results(dir / "r.h5", r);
           }},
  };
  run_cases(cases);
}

TEST_CASE("A --seed above 2^63 reaches the results file exactly", "[bad-input][cli]") {
  // Before --seed was taken as text, values above 2^63 - 1 were silently clamped to it.
  Sandbox s("seed");
  std::ofstream(s.dir / "s.yaml") << kScenario;
  const CliRun o = s.run("run s.yaml -o out.h5 -q --seed 18446744073709551615");
  INFO(o.err);
  REQUIRE(o.exit_code == 0);
  const CliRun replay = s.run("run s.yaml -q --seed 18446744073709551615 --replay 0");
  CHECK_THAT(replay.out, Catch::Contains("(seed 18446744073709551615)"));
}

TEST_CASE("acosim run on an agreement scenario says it settles the first year only", "[cli]") {
  Sandbox s("agreement-note");
  std::ofstream(s.dir / "s.yaml") << kScenario << "agreement: {years: 1, paths: [{fixed: BASIC_A}]}\n";
  const CliRun o = s.run("run s.yaml -o out.h5 -q");
  INFO(o.err);
  REQUIRE(o.exit_code == 0);
  CHECK_THAT(
      o.err,
      Catch::Contains("s.yaml has an agreement section; acosim run settles its first performance year only"));
  // Without the section: no note.
  std::ofstream(s.dir / "plain.yaml") << kScenario;
  CHECK(s.run("run plain.yaml -o plain.h5 -q").err.find("agreement") == std::string::npos);
}

TEST_CASE("An unknown or missing command names the commands there are, exit 2", "[cli]") {
  Sandbox s("command");
  const CliRun typo = s.run("rnu");
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.err,
             Catch::Contains("unknown command 'rnu' (did you mean 'run'?); allowed: settle, run, report"));
  const CliRun none = s.run("");
  CHECK(none.exit_code == 2);
  CHECK_THAT(none.err, Catch::Contains("no command given; allowed: settle, run"));
  const CliRun option = s.run("--runs 5");
  CHECK(option.exit_code == 2);
  CHECK_THAT(option.err, Catch::Contains("unknown option '--runs' before the command"));
  CHECK(listing(s.dir).empty());
}
