// The report formats, in one registry (format.cpp's kFormats): each has a --format name, the file
// extensions that select it, and one renderer. Every command resolves its report output the same
// way: the format follows --format, else the file's extension; an unknown extension is refused
// before any work; "-" is standard output (text formats only); missing folders are created.
// Adding a format: one row in kFormats and its renderer (docs/reports.md, "Adding a report format").
#pragma once

#include <filesystem>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/output/output_paths.hpp"
#include "sim/output/report/input.hpp"

namespace acosim {

enum class ReportFormat { Text, Markdown, Html, Csv, Json, Xlsx };

struct ReportFormatInfo {
  ReportFormat format;
  std::string_view name;                         // --format value
  std::span<const std::string_view> extensions;  // lower case, with the dot; the first is the usual one
  bool binary;                                   // not for a terminal: refused on standard output
  std::string_view description;                  // for --help
  std::string (*render)(const ReportInput&);
  // Files written beside the report (suffix replacing the extension, bytes), or nullptr.
  std::vector<std::pair<std::string, std::string>> (*companions)(const ReportInput&);
};

std::span<const ReportFormatInfo> report_formats();
const ReportFormatInfo& report_format_info(ReportFormat f);
// "text, md, html, csv, json, xlsx" and ".txt, .md, .html, .csv, .json, .xlsx" (for messages).
std::string report_format_names();
std::string report_format_extensions();

// The format named `name` (a --format value); throws InputError listing the names when unknown.
ReportFormat report_format_named(std::string_view name);
// The format a file's extension selects (case-insensitive); throws InputError naming `option`,
// the path and the allowed extensions when the extension is missing or unknown.
ReportFormat report_format_for_path(const std::filesystem::path& path, std::string_view option);

// A file written in one fixed format (`what`, e.g. "an HDF5 results file"; `extensions`: its usual
// endings, lower case with the dot) must not be named like another format acosim writes: a CSV
// table as t.md or HDF5 as x.csv is refused (InputError naming `option`, the path, what it writes
// and the endings to use). Other names (no extension, or one acosim does not write) are accepted.
void refuse_misleading_extension(const std::filesystem::path& path, std::string_view option,
                                 std::string_view what, std::initializer_list<std::string_view> extensions);
// The fixed formats' endings besides the report formats' (the HDF5 files, scenarios).
inline const std::initializer_list<std::string_view> kHdf5Extensions = {".h5", ".hdf5"};
inline const std::initializer_list<std::string_view> kYamlExtensions = {".yaml", ".yml"};

// Where and how a report goes.
struct ReportTarget {
  std::filesystem::path path;  // empty: standard output
  ReportFormat format = ReportFormat::Text;
  bool to_stdout() const { return path.empty(); }
};
// Resolves `path` ("" or "-": standard output) and `format_name` (--format, "" when not given;
// it wins over the extension); standard output without --format gets `stdout_default`. Then
// checks the target is usable before any work, without writing anything: a binary format is
// refused on standard output, the output folder must exist or be creatable (check_output_path).
// Throws InputError with what is allowed.
ReportTarget resolve_report_target(const std::string& path, const std::string& format_name,
                                   std::string_view option, ReportFormat stdout_default = ReportFormat::Text);
// --report PATH|- with --format, the commands' one reading of the pair: resolve_report_target, or
// nullopt without --report (--format alone is refused, InputError).
std::optional<ReportTarget> report_option_target(const std::string& path, const std::string& format_name);
// Refuses the workbook for an output that has none (`what`: "a sweep", "a tornado"), naming the
// formats it has; the other formats pass.
void refuse_workbook(const ReportTarget& target, std::string_view option, std::string_view what);

// The report as bytes (the workbook's zip archive for xlsx); an input with an agreement renders
// the agreement's report (sim/output/agreement_report.hpp).
std::string render_report(ReportFormat f, const ReportInput& in);
// Writes rendered bytes to the target: standard output, or atomically to the file after creating
// its folder. Returns the file written (none for standard output). Every command's reports go
// through it (results, agreement, sweep).
std::vector<std::filesystem::path> write_report_bytes(const ReportTarget& target, const std::string& bytes);
// Renders and writes (atomically to a file, after creating its folder, or to standard output); a
// file target also gets the
// format's companion files beside it. Returns the paths written.
std::vector<std::filesystem::path> write_report(const ReportTarget& target, const ReportInput& in);

}  // namespace acosim
