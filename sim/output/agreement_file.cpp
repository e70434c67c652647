#include "sim/output/agreement_file.hpp"

#include <H5Cpp.h>

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/hdf5_io.hpp"
#include "sim/output/hdf5_layout.hpp"

namespace acosim {

namespace {

H5::StrType utf8() {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  return type;
}

void attr_string(H5::H5Object& obj, const char* name, const std::string& value) {
  const H5::StrType type = utf8();
  H5::Attribute a = obj.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
  a.write(type, value);
}

void attr_double(H5::H5Object& obj, const char* name, double value) {
  H5::Attribute a = obj.createAttribute(name, H5::PredType::IEEE_F64LE, H5::DataSpace(H5S_SCALAR));
  a.write(H5::PredType::NATIVE_DOUBLE, &value);
}

void attr_int(H5::H5Object& obj, const char* name, std::int64_t value) {
  H5::Attribute a = obj.createAttribute(name, H5::PredType::STD_I64LE, H5::DataSpace(H5S_SCALAR));
  a.write(H5::PredType::NATIVE_INT64, &value);
}

void strings(H5::Group& g, const char* name, const std::vector<std::string>& values, const std::string& description) {
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  const H5::StrType type = utf8();
  const hsize_t n = values.size();
  H5::DataSet ds = g.createDataSet(name, type, H5::DataSpace(1, &n));
  if (n > 0) ds.write(ptrs.data(), type);
  attr_string(ds, "description", description);
}

// Row-major runs x columns dataset.
template <class T>
void matrix(H5::Group& g, const char* name, const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& m,
            const H5::PredType& file_type, const H5::PredType& mem_type, const char* units, const std::string& description) {
  const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rm = m;
  const hsize_t dims[2] = {static_cast<hsize_t>(m.rows()), static_cast<hsize_t>(m.cols())};
  H5::DataSpace space(2, dims);
  H5::DataSet ds = g.createDataSet(name, file_type, space, checksummed_layout({dims[0], dims[1]}, m.size() >= 4096));
  if (m.size() > 0) ds.write(rm.data(), mem_type);
  attr_string(ds, "units", units);
  attr_string(ds, "description", description);
}

void vector_int(H5::Group& g, const char* name, const std::vector<int>& v, const std::string& description) {
  std::vector<std::int64_t> w(v.begin(), v.end());
  const hsize_t n = w.size();
  H5::DataSet ds = g.createDataSet(name, H5::PredType::STD_I64LE, H5::DataSpace(1, &n), checksummed_layout({n}));
  if (n > 0) ds.write(w.data(), H5::PredType::NATIVE_INT64);
  attr_string(ds, "description", description);
}

}  // namespace

void write_agreement_results(const std::filesystem::path& path, const AgreementResults& ar) {
  AtomicFile file(path);
  write_results(file.temp_path(), ar.results);
  try {
    H5::Exception::dontPrint();
    H5::H5File h5(file.temp_path().string(), H5F_ACC_RDWR, H5::FileCreatPropList::DEFAULT, checksummed_file_access());
    H5::Group g = h5.createGroup("/agreement");
    attr_string(g, "description",
                "agreement-period samples (sim/engine/agreement.hpp, docs/agreements.md): per run and path year; the "
                "/runs columns are per path: '<path> total', '<path> PV', '<path> worst year', '<path> year k'");
    attr_int(g, "years", ar.years);
    attr_int(g, "renewal_years", ar.renewal_years);
    attr_int(g, "start_year", ar.start_year);
    attr_double(g, "discount_rate", ar.discount_rate);
    attr_double(g, "turnover", ar.turnover);
    attr_string(g, "notes", ar.notes);
    vector_int(g, "performance_year", ar.performance_year, "performance year of each path year");
    vector_int(g, "rules_year", ar.rules_year, "rule year settle() used (differs when carried forward)");
    strings(g, "path_labels", ar.path_labels, "path labels, in /runs column-block order");
    strings(g, "path_descriptions", ar.path_descriptions, "track and election of each path year");
    const AgreementRuns& x = ar.runs;
    const auto f64 = H5::PredType::IEEE_F64LE;
    const auto d = H5::PredType::NATIVE_DOUBLE;
    matrix(g, "benchmark", x.benchmark, f64, d, "USD", "updated benchmark B, runs x years");
    matrix(g, "expenditure", x.expenditure, f64, d, "USD", "expenditure E, runs x years");
    matrix(g, "true_effect", x.true_effect, f64, d, "fraction", "true effect on spending, runs x years");
    matrix(g, "quality", x.quality, f64, d, "score [0-100]", "quality score, runs x years");
    matrix(g, "growth", x.growth, f64, d, "ratio", "realized blend growth into the year (1 in PY1), runs x years");
    matrix(g, "spending_level", x.spending_level, f64, d, "ratio", "ACO counterfactual spending level vs PY1, runs x years");
    matrix(g, "update_factor", x.update_factor, f64, d, "ratio", "benchmark / historical (or rebased) base, runs x years");
    matrix(g, "risk_ratio", x.risk_ratio, f64, d, "ratio", "risk-score ratio applied (after the +cap), runs x years");
    matrix(g, "met_qps", x.met_qps, H5::PredType::STD_I8LE, H5::PredType::NATIVE_INT8, "0/1", "quality standard met, runs x years");
    matrix(g, "met_alt_qps", x.met_alt_qps, H5::PredType::STD_I8LE, H5::PredType::NATIVE_INT8, "0/1", "alternative standard met, runs x years");
    matrix(g, "replaced", x.replaced, H5::PredType::STD_I64LE, H5::PredType::NATIVE_INT64, "count", "beneficiaries replaced at the start of the year, runs x years");
    matrix(g, "any_year_owed", x.any_year_owed, H5::PredType::STD_I8LE, H5::PredType::NATIVE_INT8, "0/1", "the path owed shared losses (payment < 0) in some year, runs x paths");
  } catch (const H5::Exception& e) {
    throw InputError(fmt::format("cannot write the agreement group to {}: {}", path.string(), e.getDetailMsg()));
  }
  file.commit();
}

}  // namespace acosim
