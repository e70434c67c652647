#include "sim/output/hdf5_file.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/hdf5_layout.hpp"

namespace acosim::h5 {
namespace fs = std::filesystem;

namespace {

H5::StrType utf8_string_type() {
  H5::StrType t(H5::PredType::C_S1, H5T_VARIABLE);
  t.setCset(H5T_CSET_UTF8);
  return t;
}

void check_no_nul(std::string_view s, std::string_view what) {
  if (s.find('\0') != std::string_view::npos) {
    throw std::invalid_argument(
        fmt::format("{} contains a NUL character, which an HDF5 string cannot hold", what));
  }
}

std::vector<const char*> c_strings(const std::vector<std::string>& values, std::string_view what) {
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const auto& v : values) {
    check_no_nul(v, what);
    pointers.push_back(v.c_str());
  }
  return pointers;
}

}  // namespace

std::string key_of(const H5::H5Object& obj, const char* attribute) {
  return fmt::format("{}@{}", obj.getObjName(), attribute);
}

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
    if (messages.size() > 1 && messages.back() != messages.front())
      text += fmt::format(" ({})", messages.back());
  }
  return text;
}

std::uint64_t digest(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;  // FNV prime
  }
  return h;
}

std::uint64_t digest(const std::vector<std::string>& strings) {
  std::string all;
  for (const std::string& s : strings) all += fmt::format("{}:{};", s.size(), s);
  return digest(all);
}

// ---------------------------------------------------------------------------------------------
// Writing

// libhdf5's own metadata checksum (Jenkins lookup3), exported by every release since 1.8.7.
extern "C" std::uint32_t H5_checksum_metadata(const void* data, std::size_t len, std::uint32_t initval);

namespace {

// H5Fget_file_image clears the superblock's "file is open" status flags in the copy but leaves the
// superblock checksum (versions 2 and 3) as it was, so the image would not open ("incorrect
// metadata checksum"): recompute it. Superblock v2/v3: signature (8), version, size of offsets,
// size of lengths, status flags (1 each), 4 addresses, then the checksum of all that.
void fix_superblock_checksum(std::string& image) {
  constexpr std::string_view kSignature("\x89HDF\r\n\x1a\n", 8);
  if (image.size() < 12 || image.compare(0, 8, kSignature) != 0) return;
  const auto version = static_cast<unsigned char>(image[8]);
  if (version != 2 && version != 3) return;
  const std::size_t covered = 12 + 4 * static_cast<std::size_t>(static_cast<unsigned char>(image[9]));
  if (image.size() < covered + 4) return;
  const std::uint32_t sum = H5_checksum_metadata(image.data(), covered, 0);
  for (std::size_t i = 0; i < 4; ++i) image[covered + i] = static_cast<char>((sum >> (8 * i)) & 0xFF);
}

H5::FileAccPropList in_memory_access() {
  H5::FileAccPropList access = checksummed_file_access();
  access.setCore(64 << 20, false);  // grows 64 MiB at a time; nothing is written to disk
  return access;
}

}  // namespace

FileWriter::FileWriter(std::string name)
    : file_(name, H5F_ACC_TRUNC, H5::FileCreatPropList::DEFAULT, in_memory_access()),
      name_(std::move(name)) {}

void FileWriter::record(const H5::H5Object& obj, const char* attribute, std::uint64_t value) {
  checksums_[attribute == nullptr ? obj.getObjName() : key_of(obj, attribute)] = value;
}

H5::Group FileWriter::group(const std::string& path, const char* description) {
  H5::Group g = file_.createGroup(path);
  if (description != nullptr) put_string(g, "description", description);
  return g;
}

void FileWriter::put_string(H5::H5Object& obj, const char* name, const std::string& value) {
  check_no_nul(value, name);
  const H5::StrType type = utf8_string_type();
  H5::Attribute a = obj.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
  a.write(type, value);
  record(obj, name, digest(std::vector<std::string>{value}));
}

void FileWriter::put_strings(H5::H5Object& obj, const char* name, const std::vector<std::string>& values) {
  const std::vector<const char*> pointers = c_strings(values, name);
  const H5::StrType type = utf8_string_type();
  const hsize_t n = values.size();
  H5::Attribute a = obj.createAttribute(name, type, H5::DataSpace(1, &n));
  if (n > 0) a.write(type, pointers.data());
  record(obj, name, digest(values));
}

template <class T>
void FileWriter::put_number(H5::H5Object& obj, const char* name, T value) {
  H5::Attribute a = obj.createAttribute(name, Types<T>::file(), H5::DataSpace(H5S_SCALAR));
  a.write(Types<T>::mem(), &value);
  record(obj, name, digest_of(&value, 1));
}

void FileWriter::put_doubles(H5::H5Object& obj, const char* name, const std::vector<double>& values) {
  const hsize_t n = values.size();
  H5::Attribute a = obj.createAttribute(name, Types<double>::file(), H5::DataSpace(1, &n));
  if (n > 0) a.write(Types<double>::mem(), values.data());
  record(obj, name, digest_of(values.data(), values.size()));
}

template <class T>
H5::DataSet FileWriter::numbers(const std::string& path, const T* data, const std::vector<hsize_t>& dims,
                                const char* units, const char* description, const Layout& layout) {
  hsize_t total = 1;
  for (hsize_t d : dims) total *= d;
  const H5::DSetCreatPropList plist =
      checksummed_layout(dims, total >= layout.compress_min, layout.chunk_elements, layout.deflate_level);
  H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
  H5::DataSet ds = file_.createDataSet(path, Types<T>::file(), space, plist);
  if (total > 0) ds.write(data, Types<T>::mem());
  checksums_[path] = digest_of(data, static_cast<std::size_t>(total));
  if (units != nullptr) put_string(ds, "units", units);
  if (description != nullptr) put_string(ds, "description", description);
  return ds;
}

H5::DataSet FileWriter::strings(const std::string& path, const std::vector<std::string>& values,
                                const std::vector<hsize_t>& dims, const char* description) {
  const std::vector<const char*> pointers = c_strings(values, path);
  const H5::StrType type = utf8_string_type();
  const H5::DataSpace space =
      dims.empty() ? H5::DataSpace(H5S_SCALAR) : H5::DataSpace(static_cast<int>(dims.size()), dims.data());
  H5::DataSet ds = file_.createDataSet(path, type, space);
  if (!pointers.empty()) ds.write(pointers.data(), type);
  checksums_[path] = digest(values);
  if (description != nullptr) put_string(ds, "description", description);
  return ds;
}

H5::DataSet FileWriter::text(const std::string& path, const std::string& value, const char* description) {
  check_no_nul(value, path);
  const H5::StrType type = utf8_string_type();
  H5::DataSet ds = file_.createDataSet(path, type, H5::DataSpace(H5S_SCALAR));
  ds.write(value, type);
  checksums_[path] = digest(std::vector<std::string>{value});
  if (description != nullptr) put_string(ds, "description", description);
  return ds;
}

std::string FileWriter::image() {
  std::vector<std::string> keys;
  std::vector<std::uint64_t> values;
  for (const auto& [k, v] : checksums_) {
    keys.push_back(k);
    values.push_back(v);
  }
  const std::vector<const char*> pointers = c_strings(keys, kChecksumKeys);
  const H5::StrType type = utf8_string_type();
  const hsize_t n = keys.size();
  H5::Attribute a = file_.createAttribute(kChecksumKeys, type, H5::DataSpace(1, &n));
  if (n > 0) a.write(type, pointers.data());
  H5::Attribute b =
      file_.createAttribute(kChecksumValues, Types<std::uint64_t>::file(), H5::DataSpace(1, &n));
  if (n > 0) b.write(Types<std::uint64_t>::mem(), values.data());
  a.close();
  b.close();
  file_.flush(H5F_SCOPE_GLOBAL);
  const ssize_t size = H5Fget_file_image(file_.getId(), nullptr, 0);
  if (size < 0) throw H5::FileIException("H5Fget_file_image", "cannot take the file's image");
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (H5Fget_file_image(file_.getId(), bytes.data(), bytes.size()) != size) {
    throw H5::FileIException("H5Fget_file_image", "cannot copy the file's image");
  }
  file_.close();
  fix_superblock_checksum(bytes);
  return bytes;
}

void FileWriter::publish(const fs::path& target) { write_file_atomically(target, image()); }

template void FileWriter::put_number<double>(H5::H5Object&, const char*, double);
template void FileWriter::put_number<std::int64_t>(H5::H5Object&, const char*, std::int64_t);
template void FileWriter::put_number<std::uint64_t>(H5::H5Object&, const char*, std::uint64_t);
template void FileWriter::put_number<std::int8_t>(H5::H5Object&, const char*, std::int8_t);
template H5::DataSet FileWriter::numbers<double>(const std::string&, const double*,
                                                 const std::vector<hsize_t>&, const char*, const char*,
                                                 const Layout&);
template H5::DataSet FileWriter::numbers<std::int64_t>(const std::string&, const std::int64_t*,
                                                       const std::vector<hsize_t>&, const char*, const char*,
                                                       const Layout&);
template H5::DataSet FileWriter::numbers<std::int8_t>(const std::string&, const std::int8_t*,
                                                      const std::vector<hsize_t>&, const char*, const char*,
                                                      const Layout&);

}  // namespace acosim::h5
