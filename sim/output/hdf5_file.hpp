// The one HDF5 gateway under acosim's files (results, sweep and agreement): typed attributes and
// datasets in the checksummed layout (sim/output/hdf5_layout.hpp), written to an atomic temporary,
// and a content checksum of every attribute and dataset that the reader verifies.
//
// libhdf5 checksums the metadata and each numeric chunk (Fletcher-32), but a tool that edits a
// file through the library (h5py) rewrites those checksums, and strings carry none. So the writer
// also records an FNV-1a 64 digest of the value of every attribute and dataset it writes, keyed by
// "<object path>@<attribute>" or "<dataset path>", in two root attributes: `checksum_keys` (string
// [n]) and `checksum_fnv1a64` (uint64 [n]). FileReader digests what it reads; verify_checksums()
// refuses a file whose values differ from what was written (files without the table, written
// before it existed, are read unchecked). docs/results-schema.md, "Checksums".
#pragma once

#include <H5Cpp.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace acosim::h5 {

// File and memory types of the numbers acosim stores (little-endian, fixed widths).
template <class T>
struct Types;
template <>
struct Types<double> {
  static const H5::PredType& file() { return H5::PredType::IEEE_F64LE; }
  static const H5::PredType& mem() { return H5::PredType::NATIVE_DOUBLE; }
  static constexpr H5T_class_t kClass = H5T_FLOAT;
};
template <>
struct Types<std::int64_t> {
  static const H5::PredType& file() { return H5::PredType::STD_I64LE; }
  static const H5::PredType& mem() { return H5::PredType::NATIVE_INT64; }
  static constexpr H5T_class_t kClass = H5T_INTEGER;
};
template <>
struct Types<std::uint64_t> {
  static const H5::PredType& file() { return H5::PredType::STD_U64LE; }
  static const H5::PredType& mem() { return H5::PredType::NATIVE_UINT64; }
  static constexpr H5T_class_t kClass = H5T_INTEGER;
};
template <>
struct Types<std::int8_t> {
  static const H5::PredType& file() { return H5::PredType::STD_I8LE; }
  static const H5::PredType& mem() { return H5::PredType::NATIVE_INT8; }
  static constexpr H5T_class_t kClass = H5T_INTEGER;
};

// The HDF5 error stack of the failed call, innermost message first (run it before any other HDF5
// call clears the stack).
std::string describe(const H5::Exception& e);

// FNV-1a 64 digests: of bytes, and of a list of strings (each with its length, so that the split
// between elements counts).
std::uint64_t digest(std::string_view bytes);
std::uint64_t digest(const std::vector<std::string>& strings);

// The digest of `n` values' bytes, and the checksum table's key of an attribute ("OBJECT@NAME"):
// one definition for the writer and the reader, so both compute them the same way.
template <class T>
std::uint64_t digest_of(const T* data, std::size_t n) {
  return digest(std::string_view(reinterpret_cast<const char*>(data), n * sizeof(T)));
}
std::string key_of(const H5::H5Object& obj, const char* attribute);

inline constexpr const char* kChecksumKeys = "checksum_keys";
inline constexpr const char* kChecksumValues = "checksum_fnv1a64";

// How a numeric dataset is stored: chunked with Fletcher-32 always (when non-empty); compressed
// (shuffle + gzip) when it has at least `compress_min` elements.
struct Layout {
  hsize_t compress_min = ~hsize_t{0};  // never
  hsize_t chunk_elements = 65536;
  unsigned deflate_level = 4;
};

// Builds a file in memory (HDF5's core driver, no backing store) and publishes it with one
// atomic write: the HDF5 library never meets a full disk or a file-size limit (which crashed it in
// its close path), and the write's errno is reported as such.
class FileWriter {
 public:
  // A new, empty file with the checksummed object formats; `name` (the target) names it in messages.
  explicit FileWriter(std::string name);
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  H5::H5File& file() { return file_; }

  H5::Group group(const std::string& path, const char* description);
  void put_string(H5::H5Object& obj, const char* name, const std::string& value);
  void put_strings(H5::H5Object& obj, const char* name, const std::vector<std::string>& values);
  template <class T>
  void put_number(H5::H5Object& obj, const char* name, T value);
  void put_doubles(H5::H5Object& obj, const char* name, const std::vector<double>& values);

  // A numeric dataset of shape `dims` from row-major `data`, with optional units and a description.
  template <class T>
  H5::DataSet numbers(const std::string& path, const T* data, const std::vector<hsize_t>& dims,
                      const char* units, const char* description, const Layout& layout = {});
  template <class T>
  H5::DataSet vector(const std::string& path, const std::vector<T>& v, const char* units,
                     const char* description, const Layout& layout = {}) {
    return numbers(path, v.data(), {v.size()}, units, description, layout);
  }
  // A string dataset: rank 1 of `values`, of shape `dims` (row-major; empty: scalar), or scalar with text().
  H5::DataSet strings(const std::string& path, const std::vector<std::string>& values,
                      const char* description) {
    return strings(path, values, {values.size()}, description);
  }
  H5::DataSet strings(const std::string& path, const std::vector<std::string>& values,
                      const std::vector<hsize_t>& dims, const char* description);
  H5::DataSet text(const std::string& path, const std::string& value, const char* description);

  // Writes the checksum table, closes the file and returns its bytes; throws H5::Exception.
  std::string image();
  // image() written to `target` atomically (write_file_atomically: InputError with errno's text).
  void publish(const std::filesystem::path& target);

 private:
  void record(const H5::H5Object& obj, const char* attribute, std::uint64_t value);
  H5::H5File file_;
  std::string name_;
  std::map<std::string, std::uint64_t> checksums_;
};

class FileReader {
 public:
  explicit FileReader(const std::filesystem::path& path);

  [[noreturn]] void fail(const std::string& what) const;  // InputError "<file>: <what>"

  // Opens the file; checks its root `format` (`expected_format`; `what` names it in messages,
  // e.g. "an acosim results file written by `acosim run`") and `format_version`.
  void open(const char* expected_format, std::int64_t expected_version, const char* what);

  const H5::H5File& file() const { return file_; }
  const std::string& context() const { return context_; }
  bool exists(const std::string& path) const;

  H5::Group group(const std::string& path);
  H5::DataSet dataset(const std::string& path);
  std::vector<hsize_t> dims(const std::string& path);

  template <class T>
  std::vector<T> numbers(const std::string& path, const std::vector<hsize_t>& expected);
  std::vector<std::string> strings(const std::string& path, const std::vector<hsize_t>& expected);

  std::string attr_string(const H5::H5Object& obj, const std::string& where, const char* name);
  std::vector<std::string> attr_strings(const H5::H5Object& obj, const std::string& where, const char* name);
  template <class T>
  T attr_number(const H5::H5Object& obj, const std::string& where, const char* name);
  std::vector<double> attr_doubles(const H5::H5Object& obj, const std::string& where, const char* name);

  // Refuses (InputError) a file whose checksum table disagrees with what was read: a value read
  // whose digest differs, or a value read that the table does not list. No table: no check.
  void verify_checksums() const;

 private:
  std::vector<hsize_t> attr_dims(const H5::H5Object& obj, const std::string& where, const char* name);
  void seen(const std::string& key, std::uint64_t value) { read_[key] = value; }
  void read_checksum_table();

  std::string name_;
  std::string context_;
  H5::H5File file_;
  bool has_table_ = false;
  std::map<std::string, std::uint64_t> table_, read_;
};

// The HDF5 library trusts the file's internal sizes and addresses: a damaged file can crash it,
// make it allocate without bound, or loop. Runs `read` (which reads `path`) in a child process with
// CPU-time and memory limits; a crash, a limit or a failure there becomes an InputError naming the
// file. ACOSIM_HDF5_NO_ISOLATION=1 skips the child (for debuggers).
void read_isolated(const std::filesystem::path& path, void (*read)(const std::filesystem::path&));

}  // namespace acosim::h5
