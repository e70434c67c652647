#include "sim/output/report/html_page.hpp"

#include "sim/common/version.hpp"

#include <fmt/format.h>

#include "sim/output/report/labels.hpp"

namespace acosim::report {

using svg::esc;
using svg::Legend;

namespace {

constexpr const char* kCss = R"(
:root { --ink: #1d2330; --muted: #5c6577; --line: #d9dee7; --accent: #2f5d8a; }
* { box-sizing: border-box; }
body { font: 15px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink);
       margin: 0; background: #f5f7fa; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; min-height: 100vh; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 22px 0 6px; }
p.sub { color: var(--muted); margin: 0 0 16px; }
p.note { color: var(--muted); font-size: 13px; margin: 4px 0 8px; }
.banner { background: #fff4e5; border-left: 5px solid #e8a33d; padding: 10px 14px; margin: 12px 0; }
.verdict { background: #eef5ee; border-left: 5px solid #3f8f4f; padding: 12px 16px; margin: 12px 0; font-size: 16px; }
.verdict.none { background: #fdecec; border-left-color: #c0392b; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; margin: 4px 0 8px; }
th, td { padding: 4px 7px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { background: #eef1f6; font-weight: 600; }
td.l, th.l { text-align: left; } td.r, th.r { text-align: right; }
tbody tr:nth-child(even) { background: #fafbfd; }
table.kv td { white-space: normal; vertical-align: top; }
table.kv td:first-child { color: var(--muted); padding-right: 24px; white-space: nowrap; }
div.print { display: none; }
svg.chart { width: 100%; max-width: 900px; height: auto; display: block; margin: 6px 0 4px; }
svg.narrow { display: none; }
svg .tick { font-size: 11px; fill: #444; }
svg .axis { font-size: 12px; fill: #222; }
svg .legend { font-size: 11.5px; fill: #222; }
svg .note { font-size: 11px; }
svg.narrow .tick, svg.narrow .legend { font-size: 14px; }
svg.narrow .axis { font-size: 15px; }
svg.narrow .note { font-size: 13px; }
ul.legend { list-style: none; padding: 0; margin: 2px 0 10px; display: flex; flex-wrap: wrap; gap: 4px 18px;
            font-size: 13px; }
ul.legend .swatch { display: inline-block; width: 18px; height: 4px; vertical-align: middle; margin-right: 6px; }
div.multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 4px 18px; }
div.multiples figure { margin: 0; break-inside: avoid; }
div.multiples figcaption { font-weight: 600; font-size: 14px; margin: 8px 0 0; }
svg.small { width: 100%; height: auto; display: block; margin: 2px 0 6px; }
svg.small .tick, svg.small .legend { font-size: 13px; }
svg.small .axis { font-size: 13.5px; }
span.key { color: var(--muted); font-size: 11px; font-family: ui-monospace, Menlo, Consolas, monospace; }
dl.glossary dt { font-weight: 600; margin-top: 6px; } dl.glossary dd { margin: 0 0 0 18px; }
details { margin: 10px 0; } summary { cursor: pointer; color: var(--accent); }
pre { background: #f3f4f7; padding: 10px; overflow-x: auto; font-size: 12px; }
footer { color: var(--muted); font-size: 12px; margin-top: 36px; }
@media (max-width: 640px) {
  main { padding: 14px 12px 32px; }
  svg.wide { display: none; }
  svg.narrow { display: block; }
  table.kv td:first-child { padding-right: 10px; }
}
/* Print (A4 or Letter, portrait): every column stays on the page (cells wrap instead of
   scrolling), headings stay with their charts, no scroll bars, the wide charts. */
@page { margin: 12mm 10mm; }
@media print {
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; padding: 0; min-height: 0; }
  .scroll { overflow: visible; }
  table { width: 100%; font-size: 8pt; }
  th, td { white-space: normal; padding: 2px 4px; }
  .screen { display: none; }
  div.print { display: block; }
  div.print table { margin-bottom: 6px; }
  thead { display: table-header-group; }
  tr, .banner, .verdict { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .keep { break-inside: avoid; }
  svg.wide { display: block; max-width: 100%; }
  svg.narrow { display: none; }
  details { display: none; }
}
)";

}  // namespace

std::string page_open(const std::string& title, const std::string& subtitle) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += fmt::format("<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n", esc(title), kCss);
  h += fmt::format("<h1>{}</h1>\n", esc(title));
  if (!subtitle.empty()) h += fmt::format("<p class=\"sub\">{}</p>\n", esc(subtitle));
  return h;
}

std::string page_close(const ResultMetadata& m) {
  std::string h;
  if (!m.scenario_text.empty()) {
    h += fmt::format("<details><summary>Scenario file as loaded</summary><pre>{}</pre></details>\n",
                     esc(m.scenario_text));
  }
  h += fmt::format(
      "<footer>acosim {} (commit {}), seed {}, {} runs{}. Monte Carlo standard errors are shown as "
      "&plusmn;; results are a pure function of the scenario and seed.</footer>\n",
      esc(m.program_version), esc(m.git_commit), m.seed, m.runs,
      m.created_utc.empty() ? "" : ", created " + esc(m.created_utc));
  return h + "</main>\n</body>\n</html>\n";
}

std::string page_close(const SweepStats& s, std::uint64_t seed, std::string_view simulations) {
  return glossary_section() +
         fmt::format(
             "<footer>acosim {} (commit {}), seed {}: {} {}, {} sampling pass{}, {:.2f} s on {} "
             "threads; every point uses the same random draws.</footer>\n</main>\n</body>\n</html>\n",
             esc(kVersion), esc(kGitCommit), seed, s.points, simulations, s.sampling_passes,
             s.sampling_passes == 1 ? "" : "es", s.wall_seconds, s.threads);
}

std::string assumptions_section(const Assumptions& a) {
  std::string h = "<section class=\"assumptions\">\n<h2>Assumptions</h2>\n<table class=\"kv\">\n";
  for (const auto& row : a.rows) {
    h += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", esc(row.item), esc(row.value));
  }
  h += "</table>\n";
  if (!a.note.empty()) h += fmt::format("<p class=\"note\">Not shown: {}.</p>\n", esc(a.note));
  for (const auto& w : a.warnings) {
    h += fmt::format("<div class=\"banner\"><b>Warning:</b> {}</div>\n", esc(w));
  }
  return h + "</section>\n";
}

std::string glossary_section() {
  std::string h = "<h2>Glossary</h2>\n<dl class=\"glossary\">\n";
  for (const auto& [term, text] : glossary())
    h += fmt::format("<dt>{}</dt><dd>{}</dd>\n", esc(term), esc(text));
  return h + "</dl>\n";
}

std::string legend_html(const Legend& legend) {
  if (legend.empty()) return "";
  std::string s = "<ul class=\"legend\">";
  for (const auto& [label, c] : legend) {
    s += fmt::format("<li><span class=\"swatch\" style=\"background:{}\"></span>{}</li>", c, esc(label));
  }
  return s + "</ul>\n";
}

// A heading, its note, the chart at both widths and the legend, kept together on a printed page.
std::string figure(const std::string& title, const std::string& note_html, const std::string& wide,
                   const std::string& narrow, const Legend& legend) {
  std::string s = fmt::format("<div class=\"keep\">\n<h3>{}</h3>\n", esc(title));
  if (!note_html.empty()) s += "<p class=\"note\">" + note_html + "</p>\n";
  return s + wide + "\n" + narrow + "\n" + legend_html(legend) + "</div>\n";
}

}  // namespace acosim::report
