// FileReader and read_isolated of the HDF5 gateway (sim/output/hdf5_file.hpp).
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <system_error>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/common/error.hpp"
#include "sim/common/input_file.hpp"
#include "sim/output/hdf5_file.hpp"

namespace acosim::h5 {
namespace fs = std::filesystem;

namespace {

std::vector<hsize_t> dims_of(const H5::DataSpace& space) {
  std::vector<hsize_t> dims(static_cast<std::size_t>(space.getSimpleExtentNdims()));
  if (!dims.empty()) space.getSimpleExtentDims(dims.data());
  return dims;
}

// Reads all elements of a fixed- or variable-length string object through `read(buf, type)`.
template <class ReadFn>
std::vector<std::string> read_strings(const FileReader& rd, const H5::StrType& file_type,
                                      const H5::DataSpace& space, ReadFn&& read, const std::string& what) {
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
    if (len == 0) rd.fail(fmt::format("{} has a zero-length string type", what));
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

}  // namespace

FileReader::FileReader(const fs::path& path) : name_(path.string()) {}

void FileReader::fail(const std::string& what) const { throw InputError(fmt::format("{}: {}", name_, what)); }

void FileReader::open(const char* expected_format, std::int64_t expected_version, const char* what) {
  require_regular_input(name_, what);  // before libhdf5 opens it: a FIFO would block it forever
  context_ = "the file";
  if (!H5::H5File::isHdf5(name_)) fail(fmt::format("not an HDF5 file (expected {})", what));
  try {
    file_.openFile(name_, H5F_ACC_RDONLY);
  } catch (const H5::Exception& e) {
    fail(fmt::format("cannot open as HDF5, the file is truncated or corrupt: {}", describe(e)));
  }
  const std::string kind = std::string(what).substr(0, std::string(what).find(" written"));
  if (!file_.attrExists("format")) {
    fail(fmt::format(R"(not {}: the root attribute "format" is missing (expected "{}"))", kind,
                     expected_format));
  }
  const std::string format = attr_string(file_, "/", "format");
  if (format != expected_format) {
    fail(fmt::format(R"(not {}: format is "{}", expected "{}")", kind, format, expected_format));
  }
  const auto version = attr_number<std::int64_t>(file_, "/", "format_version");
  if (version != expected_version) {
    fail(fmt::format("format_version {} is not supported: this acosim reads version {}{}", version,
                     expected_version,
                     version > expected_version ? " (the file is newer; upgrade acosim)" : ""));
  }
  read_checksum_table();
}

void FileReader::read_checksum_table() {
  has_table_ = file_.attrExists(kChecksumKeys) || file_.attrExists(kChecksumValues);
  if (!has_table_) return;
  context_ = "the checksum table";
  std::vector<std::string> keys;
  std::vector<std::uint64_t> values;
  try {
    keys = attr_strings(file_, "/", kChecksumKeys);
    const H5::Attribute a = file_.openAttribute(kChecksumValues);
    const std::vector<hsize_t> d = dims_of(a.getSpace());
    if (d.size() != 1 || d[0] != keys.size() || a.getTypeClass() != H5T_INTEGER) {
      fail(fmt::format("the file is damaged: the root attributes {} and {} do not match", kChecksumKeys,
                       kChecksumValues));
    }
    values.resize(keys.size());
    if (!values.empty()) a.read(Types<std::uint64_t>::mem(), values.data());
  } catch (const H5::Exception& e) {
    fail(fmt::format("the file is damaged: cannot read its checksum table: {}", describe(e)));
  }
  for (std::size_t i = 0; i < keys.size(); ++i) table_[keys[i]] = values[i];
  read_.erase(fmt::format("/@{}", kChecksumKeys));  // the table itself is not in the table
}

bool FileReader::exists(const std::string& path) const {
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    const std::string prefix = path.substr(0, pos);
    if (H5Lexists(file_.getId(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return true;
}

H5::Group FileReader::group(const std::string& path) {
  context_ = "group " + path;
  if (!exists(path) || file_.childObjType(path) != H5O_TYPE_GROUP) {
    fail(fmt::format("missing group {} (not a complete acosim file)", path));
  }
  return file_.openGroup(path);
}

H5::DataSet FileReader::dataset(const std::string& path) {
  context_ = "dataset " + path;
  if (!exists(path) || file_.childObjType(path) != H5O_TYPE_DATASET) {
    fail(fmt::format("missing dataset {} (not a complete acosim file)", path));
  }
  return file_.openDataSet(path);
}

std::vector<hsize_t> FileReader::dims(const std::string& path) { return dims_of(dataset(path).getSpace()); }

template <class T>
std::vector<T> FileReader::numbers(const std::string& path, const std::vector<hsize_t>& expected) {
  H5::DataSet ds = dataset(path);
  const std::vector<hsize_t> got = dims_of(ds.getSpace());
  if (got != expected) {
    fail(fmt::format("dataset {} has shape ({}), expected ({})", path, fmt::join(got, ", "),
                     fmt::join(expected, ", ")));
  }
  if (ds.getTypeClass() != Types<T>::kClass) {
    fail(fmt::format("dataset {} has the wrong type (expected {})", path,
                     Types<T>::kClass == H5T_FLOAT ? "floating point" : "integer"));
  }
  hsize_t total = 1;
  for (hsize_t d : expected) total *= d;
  std::vector<T> v(static_cast<std::size_t>(total));
  if (total > 0) ds.read(v.data(), Types<T>::mem());
  seen(path, digest_of(v.data(), v.size()));
  return v;
}

std::vector<std::string> FileReader::strings(const std::string& path, const std::vector<hsize_t>& expected) {
  H5::DataSet ds = dataset(path);
  const H5::DataSpace space = ds.getSpace();
  const std::vector<hsize_t> got = dims_of(space);
  if (got != expected) {
    fail(fmt::format("dataset {} has shape ({}), expected ({})", path, fmt::join(got, ", "),
                     fmt::join(expected, ", ")));
  }
  if (ds.getTypeClass() != H5T_STRING) fail(fmt::format("dataset {} is not a string", path));
  std::vector<std::string> v = read_strings(
      *this, ds.getStrType(), space, [&](void* buf, const H5::DataType& mem) { ds.read(buf, mem); }, path);
  seen(path, digest(v));
  return v;
}

std::vector<hsize_t> FileReader::attr_dims(const H5::H5Object& obj, const std::string& where,
                                           const char* name) {
  context_ = fmt::format("attribute {} of {}", name, where);
  if (!obj.attrExists(name)) fail(fmt::format("missing attribute {} on {}", name, where));
  return dims_of(obj.openAttribute(name).getSpace());
}

std::string FileReader::attr_string(const H5::H5Object& obj, const std::string& where, const char* name) {
  if (!attr_dims(obj, where, name).empty())
    fail(fmt::format("attribute {} on {} is not a scalar", name, where));
  return attr_strings(obj, where, name).front();
}

std::vector<std::string> FileReader::attr_strings(const H5::H5Object& obj, const std::string& where,
                                                  const char* name) {
  attr_dims(obj, where, name);
  const H5::Attribute a = obj.openAttribute(name);
  if (a.getTypeClass() != H5T_STRING) fail(fmt::format("attribute {} on {} is not a string", name, where));
  std::vector<std::string> v = read_strings(
      *this, a.getStrType(), a.getSpace(), [&](void* buf, const H5::DataType& mem) { a.read(mem, buf); },
      fmt::format("attribute {} on {}", name, where));
  if (v.empty()) fail(fmt::format("attribute {} on {} is empty", name, where));
  seen(key_of(obj, name), digest(v));
  return v;
}

template <class T>
T FileReader::attr_number(const H5::H5Object& obj, const std::string& where, const char* name) {
  if (!attr_dims(obj, where, name).empty())
    fail(fmt::format("attribute {} on {} is not a scalar", name, where));
  const H5::Attribute a = obj.openAttribute(name);
  if (a.getTypeClass() != Types<T>::kClass) {
    fail(fmt::format("attribute {} on {} has the wrong type (expected {})", name, where,
                     Types<T>::kClass == H5T_FLOAT ? "floating point" : "integer"));
  }
  T value{};
  a.read(Types<T>::mem(), &value);
  seen(key_of(obj, name), digest_of(&value, 1));
  return value;
}

std::vector<double> FileReader::attr_doubles(const H5::H5Object& obj, const std::string& where,
                                             const char* name) {
  const std::vector<hsize_t> d = attr_dims(obj, where, name);
  const H5::Attribute a = obj.openAttribute(name);
  if (d.size() != 1 || a.getTypeClass() != H5T_FLOAT) {
    fail(fmt::format("attribute {} on {} is not a 1-D floating-point array", name, where));
  }
  std::vector<double> v(static_cast<std::size_t>(d[0]));
  if (!v.empty()) a.read(Types<double>::mem(), v.data());
  seen(key_of(obj, name), digest_of(v.data(), v.size()));
  return v;
}

void FileReader::verify_checksums() const {
  if (!has_table_) return;
  for (const auto& [key, value] : read_) {
    const auto it = table_.find(key);
    if (it == table_.end()) {
      fail(fmt::format(
          "the file is damaged: {} is not in its checksum table (it was added or renamed after the "
          "file was written); rerun the simulation to write it again",
          key));
    }
    if (it->second != value) {
      fail(fmt::format(
          "the file is damaged: {} differs from what acosim wrote (its FNV-1a 64 checksum is {:016x}, "
          "written {:016x}): it was edited or corrupted after the file was written; rerun the "
          "simulation to write it again",
          key, value, it->second));
    }
  }
}

template std::vector<double> FileReader::numbers<double>(const std::string&, const std::vector<hsize_t>&);
template std::vector<std::int64_t> FileReader::numbers<std::int64_t>(const std::string&,
                                                                     const std::vector<hsize_t>&);
template std::vector<std::int8_t> FileReader::numbers<std::int8_t>(const std::string&,
                                                                   const std::vector<hsize_t>&);
template double FileReader::attr_number<double>(const H5::H5Object&, const std::string&, const char*);
template std::int64_t FileReader::attr_number<std::int64_t>(const H5::H5Object&, const std::string&,
                                                            const char*);
template std::uint64_t FileReader::attr_number<std::uint64_t>(const H5::H5Object&, const std::string&,
                                                              const char*);
template std::int8_t FileReader::attr_number<std::int8_t>(const H5::H5Object&, const std::string&,
                                                          const char*);

namespace {

// The child of read_isolated: limits, quiet stderr, `read`, and the outcome as exit code + message.
[[noreturn]] void read_in_child(const fs::path& path, void (*read)(const fs::path&), const int fds[2],
                                rlim_t cpu_seconds, double mib) {
  ::close(fds[0]);
  // Quiet: what the HDF5 library or a sanitizer prints about a crash is not for the user; the
  // parent turns the outcome into one message.
  if (const int null = ::open("/dev/null", O_WRONLY); null >= 0) ::dup2(null, STDERR_FILENO);
  struct rlimit cpu {
    cpu_seconds, cpu_seconds + 5
  };
  ::setrlimit(RLIMIT_CPU, &cpu);
#if !defined(__SANITIZE_ADDRESS__)
  // Address space: what the process already maps plus room for 16 copies of the file and 1 GiB.
  long pages = 0;
  if (std::ifstream statm("/proc/self/statm"); statm >> pages) {
    const double limit = static_cast<double>(pages) * static_cast<double>(::sysconf(_SC_PAGESIZE)) +
                         16.0 * mib * (1 << 20) + double(1u << 30);
    struct rlimit as {
      static_cast<rlim_t>(limit), static_cast<rlim_t>(limit)
    };
    ::setrlimit(RLIMIT_AS, &as);
  }
#endif
  int code = 0;
  std::string msg;
  try {
    read(path);
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

}  // namespace

// A crash in the child (H5HG_read on a damaged global heap), a limit or a failure there becomes
// one InputError in the parent.
void read_isolated(const fs::path& path, void (*read)(const fs::path&)) {
  if (const char* env = std::getenv("ACOSIM_HDF5_NO_ISOLATION"); env != nullptr && std::string(env) == "1")
    return;
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
  if (pid == 0) read_in_child(path, read, fds, cpu_seconds, mib);
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
    throw InputError(
        fmt::format("{}: the file is damaged: the HDF5 library failed reading it (exit {}); rerun "
                    "the simulation to write it again",
                    name, WEXITSTATUS(status)));
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    if (sig == SIGXCPU || sig == SIGKILL) {
      throw InputError(
          fmt::format("{}: the file is damaged: reading it did not finish within {} s of CPU time; "
                      "rerun the simulation to write it again",
                      name, cpu_seconds));
    }
    throw InputError(
        fmt::format("{}: the file is damaged: the HDF5 library crashed reading it (signal {}, {}); "
                    "rerun the simulation to write it again",
                    name, sig, ::strsignal(sig)));
  }
}

}  // namespace acosim::h5
