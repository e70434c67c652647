#include "sim/input/csv.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/input_file.hpp"
#include "sim/common/text.hpp"

namespace acosim {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// A cell value for a message: quoted, shortened when long, control characters other than a line
// break (a quoted cell may hold one) escaped as \xNN so a message stays readable.
std::string shown(std::string_view v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i == 37 && v.size() > 40) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(v[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7F)
      out += fmt::format("\\x{:02x}", c);
    else
      out += v[i];
  }
  return fmt::format("'{}'", out);
}

// "nan", "inf", "-Infinity", ".inf": what a spreadsheet or NumPy writes for a non-finite value.
bool non_finite_text(std::string_view s) {
  s = trim(s);
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  if (!s.empty() && s.front() == '.') s.remove_prefix(1);
  return iequals(s, "nan") || iequals(s, "inf") || iequals(s, "infinity");
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Windows-1252 code points for bytes 0x80-0x9F (undefined bytes map to the C1 control itself).
constexpr std::array<std::uint16_t, 32> kCp1252 = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

}  // namespace

// Length of a valid UTF-8 sequence starting at s[i], or 0 when the bytes there are not one.

namespace {

// Valid UTF-8 sequences are kept; any other byte >= 0x80 is read as Windows-1252 / Latin-1.
std::string to_utf8(std::string text) {
  bool ascii =
      std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return text;
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out += text[i++];
      continue;
    }
    if (const std::size_t len = utf8_length(text, i); len > 0) {
      out.append(text, i, len);
      i += len;
      continue;
    }
    append_utf8(out, c < 0xA0 ? kCp1252[c - 0x80] : c);
    ++i;
  }
  return out;
}

}  // namespace

double CsvNumber::half_ulp() const { return 0.5 * std::pow(10.0, -decimals); }

std::optional<CsvNumber> parse_csv_number(std::string_view text) {
  std::string_view s = trim(text);
  CsvNumber out;
  if (!s.empty() && s.back() == '%') {
    out.percent = true;
    s.remove_suffix(1);
    s = trim(s);
  }
  if (s.empty()) return std::nullopt;
  std::string clean;
  std::size_t i = 0;
  if (s[i] == '+' || s[i] == '-') {
    if (s[i] == '-') clean += '-';
    ++i;
  }
  // Integer part, with optional thousands separators: 1-3 digits, then groups of exactly 3.
  std::size_t int_digits = 0, group = 0;
  bool grouped = false;
  for (; i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == ','); ++i) {
    if (s[i] == ',') {
      if (group == 0 || (grouped && group != 3) || (!grouped && group > 3)) return std::nullopt;
      grouped = true;
      group = 0;
      continue;
    }
    clean += s[i];
    ++int_digits;
    ++group;
  }
  if (grouped && group != 3) return std::nullopt;
  std::size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    clean += '.';
    for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
      clean += s[i];
      ++frac_digits;
    }
  }
  if (int_digits + frac_digits == 0) return std::nullopt;
  long exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    clean += 'e';
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      negative = s[i] == '-';
      if (negative) clean += '-';
      ++i;
    }
    std::size_t exp_digits = 0;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, ++exp_digits) {
      clean += s[i];
      if (exponent < 10000) exponent = exponent * 10 + (s[i] - '0');
    }
    if (exp_digits == 0) return std::nullopt;
    if (negative) exponent = -exponent;
  }
  if (i != s.size()) return std::nullopt;
  double value = 0;
  const auto [ptr, ec] = std::from_chars(clean.data(), clean.data() + clean.size(), value);
  if (ec != std::errc() || ptr != clean.data() + clean.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  out.value = value;
  out.decimals = static_cast<int>(std::max(0L, static_cast<long>(frac_digits) - exponent));
  return out;
}

bool is_missing_cell(std::string_view text) {
  const std::string_view s = trim(text);
  return s.empty() || s == "-" || s == "*";
}

std::string closest_header(std::string_view name, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::min<std::size_t>(3, std::max<std::size_t>(1, name.size() / 3));
  return closest_name(name, candidates, limit, LetterCase::Insensitive);
}

// ---- CsvRow -----------------------------------------------------------------------------------

std::size_t CsvRow::line() const { return table_->records_[index_].line; }

std::string_view CsvRow::cell(std::size_t col) const { return trim(table_->records_[index_].cells.at(col)); }

void CsvRow::fail(std::size_t col, std::string_view message) const {
  throw InputError(
      fmt::format("{}:{}: column {}: {}", table_->source_, line(), table_->header_.at(col), message));
}

void CsvRow::fail(std::string_view message) const {
  throw InputError(fmt::format("{}:{}: {}", table_->source_, line(), message));
}

std::optional<CsvNumber> CsvRow::optional_number(std::size_t col, std::string_view expected) const {
  const std::string_view text = cell(col);
  if (is_missing_cell(text)) return std::nullopt;
  auto n = parse_csv_number(text);
  if (!n && non_finite_text(text)) {
    fail(col, fmt::format("{} is not a finite number (expected {})", shown(text), expected));
  }
  if (!n) fail(col, fmt::format("{} is not a number (expected {})", shown(text), expected));
  return n;
}

CsvNumber CsvRow::number(std::size_t col, std::string_view expected) const {
  auto n = optional_number(col, expected);
  if (!n) fail(col, fmt::format("value is missing ({}) (expected {})", shown(cell(col)), expected));
  return *n;
}

std::optional<long> CsvRow::optional_integer(std::size_t col, std::string_view expected) const {
  const auto n = optional_number(col, expected);
  if (!n) return std::nullopt;
  if (std::fabs(n->value) > 9e15) {
    fail(col, fmt::format("{} is out of range (expected {})", shown(cell(col)), expected));
  }
  if (n->percent || std::fabs(n->value - std::round(n->value)) > 1e-9) {
    fail(col, fmt::format("{} is not a whole number (expected {})", shown(cell(col)), expected));
  }
  return static_cast<long>(std::llround(n->value));
}

long CsvRow::integer(std::size_t col, std::string_view expected) const {
  const auto n = optional_integer(col, expected);
  if (!n) fail(col, fmt::format("value is missing ({}) (expected {})", shown(cell(col)), expected));
  return *n;
}

std::optional<bool> CsvRow::optional_flag(std::size_t col) const {
  const std::string_view text = cell(col);
  if (is_missing_cell(text)) return std::nullopt;
  for (std::string_view t : {"1", "1.0", "true", "yes", "y"}) {
    if (iequals(text, t)) return true;
  }
  for (std::string_view f : {"0", "0.0", "false", "no", "n"}) {
    if (iequals(text, f)) return false;
  }
  fail(col, fmt::format("{} is not a flag (expected 0 or 1)", shown(text)));
}

bool CsvRow::flag(std::size_t col) const {
  const auto f = optional_flag(col);
  if (!f) fail(col, fmt::format("value is missing ({}) (expected 0 or 1)", shown(cell(col))));
  return *f;
}

// ---- CsvTable ---------------------------------------------------------------------------------

CsvTable CsvTable::read(const std::filesystem::path& path) {
  return parse(read_input_text(path, "CSV file", kMaxCsvBytes), path.string());
}

namespace {

// The file's text as UTF-8, with a UTF-8 byte-order mark dropped; UTF-16 and binary files (NUL
// bytes and control characters never occur in a text CSV: a spreadsheet saved as .xlsx, a
// compressed file, UTF-16 without a byte-order mark) are refused.
std::string csv_text(std::string text, const std::string& src) {
  if (text.size() >= 2 &&
      ((text[0] == '\xFF' && text[1] == '\xFE') || (text[0] == '\xFE' && text[1] == '\xFF'))) {
    throw InputError(fmt::format("{}: the file is UTF-16; save it as UTF-8 (or Latin-1) CSV", src));
  }
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  std::size_t line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') ++line;
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F) {
      throw InputError(
          fmt::format("{}:{}: byte 0x{:02x}{} is not text: this is not a CSV file ({}); save it as UTF-8 "
                      "or Latin-1 CSV",
                      src, line, c, c == 0 ? " (NUL)" : "",
                      c == 0 ? "UTF-16 without a byte-order mark, or binary data such as .xlsx or .gz?"
                             : "binary data such as .xlsx or .gz?"));
    }
  }
  return to_utf8(std::move(text));
}

// The quoted cell starting at text[pos] == '"' (RFC 4180: "" is a quote; line breaks may occur
// inside); moves `pos` past it and counts the lines it spans.
std::string quoted_cell(const std::string& text, std::size_t& pos, std::size_t& line, const std::string& src,
                        std::size_t cell_number) {
  const std::size_t n = text.size();
  std::string cell;
  const std::size_t opened = line;
  ++pos;
  for (;;) {
    if (pos >= n) {
      throw InputError(
          fmt::format("{}:{}: unterminated quoted cell (the quote opened on line {} "
                      "is never closed)",
                      src, opened, opened));
    }
    const char c = text[pos];
    if (c == '"') {
      if (pos + 1 < n && text[pos + 1] == '"') {
        cell += '"';
        pos += 2;
        continue;
      }
      ++pos;
      break;
    }
    if (c == '\n' || (c == '\r' && (pos + 1 >= n || text[pos + 1] != '\n'))) ++line;
    cell += c;
    ++pos;
  }
  if (pos < n && text[pos] != ',' && text[pos] != '\r' && text[pos] != '\n') {
    throw InputError(
        fmt::format("{}:{}: text after a closing quote in cell {} (expected a comma "
                    "or the end of the line; write \"\" for a quote inside a quoted cell)",
                    src, line, cell_number));
  }
  return cell;
}

// One record of the file: its first line and its cells.
struct RawRecord {
  std::size_t line = 0;
  std::vector<std::string> cells;
};

// The file's records, blank ones dropped.
std::vector<RawRecord> csv_records(const std::string& text, const std::string& src) {
  std::vector<RawRecord> records;
  const std::size_t n = text.size();
  std::size_t pos = 0, line = 1;
  while (pos < n) {
    RawRecord rec;
    rec.line = line;
    for (;;) {
      std::string cell;
      if (pos < n && text[pos] == '"') {
        cell = quoted_cell(text, pos, line, src, rec.cells.size() + 1);
      } else {
        const std::size_t end = text.find_first_of(",\r\n", pos);
        const std::size_t stop = end == std::string::npos ? n : end;
        cell.assign(text, pos, stop - pos);
        pos = stop;
      }
      rec.cells.push_back(std::move(cell));
      if (pos >= n) break;
      if (text[pos] == ',') {
        ++pos;
        continue;
      }
      // End of record: CRLF, LF or a lone CR.
      if (text[pos] == '\r' && pos + 1 < n && text[pos + 1] == '\n') ++pos;
      ++pos;
      ++line;
      break;
    }
    const bool blank =
        std::all_of(rec.cells.begin(), rec.cells.end(), [](const std::string& c) { return trim(c).empty(); });
    if (!blank) records.push_back(std::move(rec));
  }
  return records;
}

}  // namespace

CsvTable CsvTable::parse(std::string text, std::string source) {
  CsvTable table;
  table.source_ = std::move(source);
  const std::string& src = table.source_;
  std::vector<RawRecord> records = csv_records(csv_text(std::move(text), src), src);
  if (records.empty()) {
    throw InputError(fmt::format("{}: the file is empty (expected a header line naming the columns)", src));
  }
  table.header_line_ = records.front().line;
  for (const std::string& h : records.front().cells) table.header_.emplace_back(trim(h));
  for (std::size_t c = 0; c < table.header_.size(); ++c) {
    if (table.header_[c].empty()) {
      throw InputError(
          fmt::format("{}:{}: column {} of the header has no name", src, table.header_line_, c + 1));
    }
  }
  for (std::size_t r = 1; r < records.size(); ++r) {
    RawRecord& rec = records[r];
    if (rec.cells.size() != table.header_.size()) {
      throw InputError(
          fmt::format("{}:{}: {} cells, but the header (line {}) names {} columns (quote cells that contain "
                      "commas)",
                      src, rec.line, rec.cells.size(), table.header_line_, table.header_.size()));
    }
    table.records_.push_back(Record{rec.line, std::move(rec.cells)});
  }
  return table;
}

std::optional<std::size_t> CsvTable::find(std::string_view name) const {
  std::optional<std::size_t> exact, folded;
  int exact_count = 0, folded_count = 0;
  for (std::size_t c = 0; c < header_.size(); ++c) {
    if (header_[c] == name) {
      exact = c;
      ++exact_count;
    } else if (iequals(header_[c], name)) {
      folded = c;
      ++folded_count;
    }
  }
  if (exact_count > 1 || (exact_count == 0 && folded_count > 1)) {
    throw InputError(
        fmt::format("{}:{}: column '{}' appears more than once in the header", source_, header_line_, name));
  }
  return exact ? exact : folded;
}

std::optional<std::size_t> CsvTable::find_any(std::initializer_list<std::string_view> names) const {
  for (std::string_view name : names) {
    if (auto c = find(name)) return c;
  }
  return std::nullopt;
}

std::size_t CsvTable::require(std::string_view name, std::string_view why) const {
  if (auto c = find(name)) return *c;
  const std::string guess = closest_header(name, header_);
  throw InputError(fmt::format("{}:{}: missing column '{}'{}{}", source_, header_line_, name,
                               why.empty() ? "" : fmt::format(" ({})", why),
                               guess.empty() ? "" : fmt::format("; did you mean '{}'?", guess)));
}

}  // namespace acosim
