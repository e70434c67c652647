// The one table renderer of the reports: a titled table of text cells rendered as GitHub Markdown
// (cells escaped), aligned plain text that fits a line width, and HTML (wide tables continue in
// column groups that repeat the row labels, in text always and in HTML when printed), and RFC 4180
// CSV fields.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace acosim::report {

struct Table {
  std::string title;
  std::string note;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t left_columns = 1;  // the first columns are left-aligned row labels, the rest right-aligned
};

// Width every plain-text report fits [columns].
inline constexpr std::size_t kTextWidth = 100;

std::string render_markdown(const Table& t);
std::string render_text(const Table& t, std::size_t width = kTextWidth);
// Value columns a printed portrait page holds at the print font (A4 and Letter).
inline constexpr std::size_t kPrintColumns = 7;
// HTML; a table with more value columns than `print_columns` also carries a print-only copy in
// column groups that repeat the row labels (CSS classes "screen" and "print").
std::string render_html(const Table& t, std::size_t print_columns = kPrintColumns);

// Markdown text (cells, headings, notes): '|' escaped, line breaks as spaces, and &, <, > as HTML
// entities, so that user text never becomes markup in a viewer that renders raw HTML.
std::string md_cell(std::string_view s);
// HTML text with &, <, >, " and ' escaped.
std::string html_escape(std::string_view s);

// One CSV line of `cells` (each escaped by csv_escape, sim/common/text.hpp), ending in "\n".
std::string csv_line(const std::vector<std::string>& cells);

// Display width of UTF-8 text (every character here is one column wide).
std::size_t display_width(std::string_view s);
// `text` broken at spaces into lines of at most `width` columns, each prefixed by `indent`
// (the first by `first`), joined with '\n' and ending with one.
std::string wrap(std::string_view text, std::size_t width, std::string_view first = "",
                 std::string_view indent = "");

}  // namespace acosim::report
