#include "sim/output/report/table.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/common/text.hpp"

namespace acosim::report {

std::size_t display_width(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

namespace {

std::string pad(const std::string& s, std::size_t w, bool left) {
  const std::string fill(w > display_width(s) ? w - display_width(s) : 0, ' ');
  return left ? s + fill : fill + s;
}

std::vector<std::size_t> column_widths(const Table& t) {
  std::vector<std::size_t> w(t.header.size(), 0);
  for (std::size_t j = 0; j < w.size(); ++j) {
    w[j] = display_width(t.header[j]);
    for (const auto& row : t.rows) w[j] = std::max(w[j], display_width(row[j]));
  }
  return w;
}

// The columns of one text block: the row labels, then `cols`.
std::string text_block(const Table& t, const std::vector<std::size_t>& w,
                       const std::vector<std::size_t>& cols) {
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t k = 0; k < cols.size(); ++k) {
      if (k > 0) s += "  ";
      s += pad(cells[cols[k]], w[cols[k]], cols[k] < t.left_columns);
    }
    s.erase(s.find_last_not_of(' ') + 1);
    return s + "\n";
  };
  std::string out = line(t.header);
  std::string rule;
  for (std::size_t k = 0; k < cols.size(); ++k) rule += (k > 0 ? "  " : "") + std::string(w[cols[k]], '-');
  out += rule + "\n";
  for (const auto& row : t.rows) out += line(row);
  return out;
}

}  // namespace

std::string md_cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '|': out += "\\|"; break;
      case '\n': out += ' '; break;
      // Markdown viewers render raw HTML: user text (scenario names, labels) must not become markup.
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string csv_line(const std::vector<std::string>& cells) {
  std::string s;
  for (std::size_t j = 0; j < cells.size(); ++j) s += (j > 0 ? "," : "") + csv_escape(cells[j]);
  return s + "\n";
}

std::string wrap(std::string_view text, std::size_t width, std::string_view first, std::string_view indent) {
  std::string out, line(first);
  bool empty = true;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find(' ', at), text.size());
    const std::string_view word = text.substr(at, end - at);
    at = end + 1;
    if (word.empty()) continue;
    if (!empty && display_width(line) + 1 + display_width(word) > width) {
      out += line + "\n";
      line = std::string(indent);
      empty = true;
    }
    if (!empty) line += ' ';
    line += word;
    empty = false;
  }
  return out + line + "\n";
}

std::string render_markdown(const Table& t) {
  std::string out = fmt::format("## {}\n\n", md_cell(t.title));
  if (!t.note.empty()) out += md_cell(t.note) + "\n\n";
  if (t.rows.empty()) return out + "(no tracks)\n\n";
  auto line = [](const std::vector<std::string>& cells) {
    std::string s = "|";
    for (const auto& c : cells) s += " " + md_cell(c) + " |";
    return s + "\n";
  };
  out += line(t.header);
  out += "|";
  for (std::size_t j = 0; j < t.header.size(); ++j) out += j < t.left_columns ? ":---|" : "---:|";
  out += "\n";
  for (const auto& row : t.rows) out += line(row);
  return out + "\n";
}

std::string render_text(const Table& t, std::size_t width) {
  std::string out = t.title + "\n" + std::string(display_width(t.title), '=') + "\n";
  if (!t.note.empty()) out += wrap(t.note, width);
  if (t.rows.empty()) return out + "(no tracks)\n\n";
  const std::vector<std::size_t> w = column_widths(t);
  const std::size_t labels = std::min(t.left_columns, w.size());
  std::size_t label_width = 0;
  for (std::size_t j = 0; j < labels; ++j) label_width += w[j] + (j > 0 ? 2 : 0);
  // Greedy column groups: each repeats the row labels and takes value columns while they fit.
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t j = labels; j < w.size();) {
    std::vector<std::size_t> cols;
    for (std::size_t k = 0; k < labels; ++k) cols.push_back(k);
    std::size_t used = label_width;
    do {
      used += 2 + w[j];
      cols.push_back(j++);
    } while (j < w.size() && used + 2 + w[j] <= width);
    groups.push_back(std::move(cols));
  }
  if (groups.empty()) groups.emplace_back();
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (g > 0) out += "\n";
    out += text_block(t, w, groups[g]);
  }
  return out + "\n";
}

namespace {

// The <table> of the row labels and the columns `cols`.
std::string html_rows(const Table& t, const std::vector<std::size_t>& cols) {
  std::string s = "<table>\n<thead><tr>";
  for (std::size_t j : cols) {
    s += fmt::format("<th class=\"{}\">{}</th>", j < t.left_columns ? "l" : "r", html_escape(t.header[j]));
  }
  s += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    s += "<tr>";
    for (std::size_t j : cols) {
      s += fmt::format("<td class=\"{}\">{}</td>", j < t.left_columns ? "l" : "r", html_escape(row[j]));
    }
    s += "</tr>\n";
  }
  return s + "</tbody></table>\n";
}

}  // namespace

std::string render_html(const Table& t, std::size_t print_columns) {
  std::string s = fmt::format("<h3>{}</h3>\n", html_escape(t.title));
  if (!t.note.empty()) s += fmt::format("<p class=\"note\">{}</p>\n", html_escape(t.note));
  if (t.rows.empty()) return s + "<p>(no tracks)</p>\n";
  std::vector<std::size_t> all(t.header.size());
  for (std::size_t j = 0; j < all.size(); ++j) all[j] = j;
  const std::size_t labels = std::min(t.left_columns, all.size());
  if (all.size() - labels <= print_columns)
    return s + "<div class=\"scroll\">" + html_rows(t, all) + "</div>\n";
  // Too wide for a portrait page: the screen gets one table, print gets column groups that
  // repeat the row labels (never a clipped column).
  s += "<div class=\"scroll screen\">" + html_rows(t, all) + "</div>\n<div class=\"print\">\n";
  const std::size_t groups = (all.size() - labels + print_columns - 1) / print_columns;
  const std::size_t per = (all.size() - labels + groups - 1) / groups;  // balanced groups
  for (std::size_t start = labels; start < all.size(); start += per) {
    std::vector<std::size_t> cols(all.begin(), all.begin() + static_cast<long>(labels));
    for (std::size_t j = start; j < std::min(start + per, all.size()); ++j) cols.push_back(j);
    s += html_rows(t, cols);
  }
  return s + "</div>\n";
}

}  // namespace acosim::report
