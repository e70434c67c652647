// The page the HTML reports share (results, agreement, sweep): head with the stylesheet (screen,
// phone and print), title, the assumptions, figures (heading, note, chart at both widths and its
// legend, kept together on a printed page), the glossary and the footer.
#pragma once

#include <string>

#include "sim/engine/results.hpp"
#include "sim/engine/sweep.hpp"
#include "sim/output/report/input.hpp"
#include "sim/output/report/svg_chart.hpp"

namespace acosim::report {

// <!DOCTYPE html> ... <main><h1>title</h1><p class="sub">subtitle</p> (both escaped here).
std::string page_open(const std::string& title, const std::string& subtitle);
// The scenario as loaded (collapsed), the footer with program, commit, seed and runs, and the end
// of the page.
std::string page_close(const ResultMetadata& m);
// The end of a page of many simulations (sweep, tornado): the glossary, then the footer with the
// program, commit, seed, how many `simulations` ("points", "simulations"), sampling passes, time
// and threads.
std::string page_close(const SweepStats& s, std::uint64_t seed, std::string_view simulations);
// "Assumptions": the table, what is missing and the load warnings.
std::string assumptions_section(const Assumptions& a);
std::string glossary_section();

std::string legend_html(const svg::Legend& legend);
// A heading, its note (HTML), the chart at both widths and the legend, kept together in print.
std::string figure(const std::string& title, const std::string& note_html, const std::string& wide,
                   const std::string& narrow, const svg::Legend& legend);

}  // namespace acosim::report
