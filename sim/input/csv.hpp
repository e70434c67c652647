// A small, strict CSV reader for input tables and CMS public-use files (PUFs).
//
// - RFC 4180 quoting ("a, b" and "say ""hi"""), CRLF or LF line ends, a UTF-8 byte-order mark.
// - Bytes that are not valid UTF-8 are read as Windows-1252 / Latin-1 and converted to UTF-8, so
//   ACO names print (CMS files are Latin-1 in places).
// - Every record keeps the 1-based line number it starts on; every error names FILE:LINE, the
//   column, the offending value and what is allowed, as an InputError.
// - Cells "", "-" and "*" are missing values (PUF: empty, not applicable, suppressed).
// - Numbers: optional sign, thousands separators ("1,234,567" in a quoted cell), decimals, an
//   exponent and a trailing "%" (reported separately: the caller decides what a bare number means).
//
// Tolerances, and only these: a '"' inside an unquoted cell is kept literally; blank lines and
// records whose cells are all empty are skipped. Everything else malformed is an error: a record
// with more or fewer cells than the header, an unterminated quote, text after a closing quote.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acosim {

// A numeric cell as written: the value with any "%" removed (so "2.50%" is 2.5, percent = true),
// and the number of digits after the decimal point (the file's rounding: half a unit of the last
// place is 0.5 x 10^-decimals, in the written unit).
struct CsvNumber {
  double value = 0;
  bool percent = false;
  int decimals = 0;
  // Half a unit in the last written place, in the written unit ("89.91%" -> 0.005).
  double half_ulp() const;
  // The value as a fraction when the cell carries "%", else the value unchanged.
  double as_fraction_if_percent() const { return percent ? value / 100.0 : value; }
};

// Parses one cell strictly; nullopt when it is not a number (the whole trimmed cell must parse).
std::optional<CsvNumber> parse_csv_number(std::string_view text);

// "", "-", "*" (after trimming blanks): the cell holds no value.
bool is_missing_cell(std::string_view text);

// The column name closest to `name` (letter case ignored), when close enough to be a plausible
// typo (edit distance <= 1 per 3 letters, at most 3); empty otherwise. For "did you mean" messages.
std::string closest_header(std::string_view name, const std::vector<std::string>& candidates);

class CsvTable;

// One record of a CsvTable, with typed accessors whose errors name file, line, column and value.
class CsvRow {
 public:
  CsvRow(const CsvTable& table, std::size_t index) : table_(&table), index_(index) {}

  std::size_t line() const;                      // 1-based line the record starts on
  std::size_t index() const { return index_; }   // 0-based data-row index
  std::string_view cell(std::size_t col) const;  // trimmed text
  bool missing(std::size_t col) const { return is_missing_cell(cell(col)); }

  // A number; missing or non-numeric cells throw "FILE:LINE: column COL: 'VALUE' is not a
  // number (expected WHAT)".
  CsvNumber number(std::size_t col, std::string_view expected) const;
  std::optional<CsvNumber> optional_number(std::size_t col, std::string_view expected) const;
  // A whole number (thousands separators allowed; "12.0" accepted, "12.5" not).
  long integer(std::size_t col, std::string_view expected) const;
  std::optional<long> optional_integer(std::size_t col, std::string_view expected) const;
  // 0/1 (also true/false, yes/no, y/n, "1.0"/"0.0").
  bool flag(std::size_t col) const;
  std::optional<bool> optional_flag(std::size_t col) const;

  // Throws InputError "FILE:LINE: column COL: MESSAGE".
  [[noreturn]] void fail(std::size_t col, std::string_view message) const;
  // Throws InputError "FILE:LINE: MESSAGE".
  [[noreturn]] void fail(std::string_view message) const;

 private:
  const CsvTable* table_;
  std::size_t index_;
};

// The largest CSV input read [bytes]: far above a CMS PUF (~0.5 MB) or a per-beneficiary cost
// file of a large ACO (~150 MB at 10 million rows); a stream that never ends stops here.
inline constexpr std::size_t kMaxCsvBytes = std::size_t{512} << 20;

class CsvTable {
 public:
  // Reads and parses a file; throws InputError (unreadable, empty, malformed).
  static CsvTable read(const std::filesystem::path& path);
  // Parses text already in memory; `source` names it in messages.
  static CsvTable parse(std::string text, std::string source);

  const std::string& source() const { return source_; }
  const std::vector<std::string>& columns() const { return header_; }
  std::size_t header_line() const { return header_line_; }
  std::size_t size() const { return records_.size(); }
  bool empty() const { return records_.empty(); }
  CsvRow row(std::size_t i) const { return CsvRow(*this, i); }

  // Column index by name: exact match first, then case-insensitive. Throws InputError when the
  // name matches two columns.
  std::optional<std::size_t> find(std::string_view name) const;
  // The first of several alternative names that exists.
  std::optional<std::size_t> find_any(std::initializer_list<std::string_view> names) const;
  // As find(), but a missing column throws "FILE:LINE: missing column 'NAME' (WHY)", with a
  // "did you mean" suggestion when one is close.
  std::size_t require(std::string_view name, std::string_view why = {}) const;

 private:
  friend class CsvRow;
  struct Record {
    std::size_t line = 0;
    std::vector<std::string> cells;
  };
  std::string source_;
  std::size_t header_line_ = 1;
  std::vector<std::string> header_;
  std::vector<Record> records_;
};

}  // namespace acosim
