#include "sim/output/report/format.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/output/agreement_report.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/report.hpp"

namespace acosim {

namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 1> kTextExt = {".txt"};
constexpr std::array<std::string_view, 2> kMarkdownExt = {".md", ".markdown"};
constexpr std::array<std::string_view, 2> kHtmlExt = {".html", ".htm"};
constexpr std::array<std::string_view, 1> kCsvExt = {".csv"};
constexpr std::array<std::string_view, 1> kJsonExt = {".json"};
constexpr std::array<std::string_view, 1> kXlsxExt = {".xlsx"};

// The one list of formats: a new format is a row here plus its renderer.
const std::array<ReportFormatInfo, 6> kFormats = {{
    {ReportFormat::Text, "text", kTextExt, false, "aligned plain text, 100 columns",
     report_detail::render_text_report, nullptr},
    {ReportFormat::Markdown, "md", kMarkdownExt, false, "GitHub Markdown tables",
     report_detail::render_markdown_report, nullptr},
    {ReportFormat::Html, "html", kHtmlExt, false, "one self-contained page with charts, print-ready",
     report_detail::render_html_report, nullptr},
    {ReportFormat::Csv, "csv", kCsvExt, false,
     "one row per track, one column per metric (unit in the header)", report_detail::render_csv_report,
     report_detail::csv_companions},
    {ReportFormat::Json, "json", kJsonExt, false, "nested, raw numbers", report_detail::render_json_report,
     nullptr},
    {ReportFormat::Xlsx, "xlsx", kXlsxExt, true,
     "Excel workbook: Summary, Percentiles, Differences, Per run, "
     "Assumptions, Verdict",
     report_detail::render_xlsx_report, nullptr},
}};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::span<const ReportFormatInfo> report_formats() { return kFormats; }

const ReportFormatInfo& report_format_info(ReportFormat f) {
  for (const auto& i : kFormats) {
    if (i.format == f) return i;
  }
  throw std::logic_error("report format missing from kFormats");
}

std::string report_format_names() {
  std::string s;
  for (const auto& i : kFormats) s += fmt::format("{}{}", s.empty() ? "" : ", ", i.name);
  return s;
}

std::string report_format_extensions() {
  std::string s;
  for (const auto& i : kFormats) {
    for (std::string_view e : i.extensions) s += fmt::format("{}{}", s.empty() ? "" : ", ", e);
  }
  return s;
}

ReportFormat report_format_named(std::string_view name) {
  for (const auto& i : kFormats) {
    if (i.name == name) return i.format;
  }
  throw InputError(
      fmt::format("--format {}: unknown report format; allowed: {}", name, report_format_names()));
}

ReportFormat report_format_for_path(const fs::path& path, std::string_view option) {
  const std::string ext = lower(path.extension().string());
  for (const auto& i : kFormats) {
    for (std::string_view e : i.extensions) {
      if (e == ext) return i.format;
    }
  }
  throw InputError(fmt::format("{} {}: {}; the report format follows the extension: {} (or give --format {})",
                               option, path.string(),
                               ext.empty() ? "has no extension" : fmt::format("unknown extension {}", ext),
                               report_format_extensions(), report_format_names()));
}

void refuse_misleading_extension(const fs::path& path, std::string_view option, std::string_view what,
                                 std::initializer_list<std::string_view> extensions) {
  const std::string ext = lower(path.extension().string());
  if (ext.empty() || std::find(extensions.begin(), extensions.end(), ext) != extensions.end()) return;
  const auto names = [&ext](auto endings) {
    return std::find(endings.begin(), endings.end(), ext) != endings.end();
  };
  bool other = names(kHdf5Extensions) || names(kYamlExtensions);
  for (const auto& i : kFormats) other = other || names(i.extensions);
  if (!other) return;
  std::string endings;
  for (std::string_view e : extensions) endings += fmt::format("{}{}", endings.empty() ? "" : " or ", e);
  throw InputError(fmt::format("{} {}: writes {}, but {} names another format; give a name ending in {}",
                               option, path.string(), what, ext, endings));
}

ReportTarget resolve_report_target(const std::string& path, const std::string& format_name,
                                   std::string_view option, ReportFormat stdout_default) {
  ReportTarget t;
  if (path != "-") t.path = path;
  t.format = !format_name.empty() ? report_format_named(format_name)
             : t.to_stdout()      ? stdout_default
                                  : report_format_for_path(t.path, option);
  const ReportFormatInfo& info = report_format_info(t.format);
  if (t.to_stdout()) {
    if (info.binary) {
      throw InputError(
          fmt::format("{} -: the {} format is binary and is not written to standard output; give a file "
                      "name (e.g. report{})",
                      option, info.name, info.extensions.front()));
    }
  } else {
    check_output_path(t.path, std::string(option));
  }
  return t;
}

std::optional<ReportTarget> report_option_target(const std::string& path, const std::string& format_name) {
  if (!path.empty()) return resolve_report_target(path, format_name, "--report");
  if (!format_name.empty())
    throw InputError(
        fmt::format("--format {}: give --report FILE (or --report - for standard output) too", format_name));
  return std::nullopt;
}

void refuse_workbook(const ReportTarget& target, std::string_view option, std::string_view what) {
  if (target.format != ReportFormat::Xlsx) return;
  throw InputError(fmt::format(
      "{} {}: {} has no workbook; allowed for {}: text, md, html, csv, json (.txt, .md, .html, .csv, .json)",
      option, target.to_stdout() ? "-" : target.path.string(), what, what));
}

std::string render_report(ReportFormat f, const ReportInput& in) {
  if (in.agreement != nullptr) return render_agreement_report(f, in);
  return report_format_info(f).render(in);
}

std::vector<fs::path> write_report_bytes(const ReportTarget& target, const std::string& bytes) {
  if (target.to_stdout()) {
    std::cout << bytes << std::flush;
    return {};
  }
  create_output_folder(target.path);
  write_file_atomically(target.path, bytes);
  return {target.path};
}

std::vector<fs::path> write_report(const ReportTarget& target, const ReportInput& in) {
  const ReportFormatInfo& info = report_format_info(target.format);
  std::vector<fs::path> written = write_report_bytes(target, render_report(target.format, in));
  if (target.to_stdout()) return written;
  if (info.companions != nullptr && in.agreement == nullptr) {
    for (const auto& [suffix, content] : info.companions(in)) {
      fs::path p = target.path;
      p.replace_extension(suffix);
      write_file_atomically(p, content);
      written.push_back(p);
    }
  }
  return written;
}

}  // namespace acosim
