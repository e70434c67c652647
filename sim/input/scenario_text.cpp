#include "sim/input/scenario_text.hpp"
#include "sim/input/scenario_reader.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <sstream>
#include <string_view>
#include <system_error>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include "sim/common/error.hpp"
#include "sim/common/text.hpp"
#include "sim/input/key_schema.hpp"
#include "sim/input/yaml_reader.hpp"

namespace acosim {

namespace {

// UTF-16 / UTF-32 (a byte-order mark or NUL bytes), binary data, control characters, bytes that
// are not UTF-8. Names line:column.
void check_encoding(const std::string& text, const std::string& origin) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  if (text.size() > kMaxScenarioBytes) {
    throw InputError(
        fmt::format("{}: the scenario is larger than {} MiB; a scenario is a small YAML text file", origin,
                    kMaxScenarioBytes >> 20));
  }
  if (text.size() >= 4 && ((b(0) == 0 && b(1) == 0 && b(2) == 0xFE && b(3) == 0xFF) ||
                           (b(0) == 0xFF && b(1) == 0xFE && b(2) == 0 && b(3) == 0))) {
    throw InputError(fmt::format("{}: the file is UTF-32; save the scenario as UTF-8 text", origin));
  }
  if (text.size() >= 2 && ((b(0) == 0xFF && b(1) == 0xFE) || (b(0) == 0xFE && b(1) == 0xFF))) {
    throw InputError(
        fmt::format("{}: the file is UTF-16 (it starts with a UTF-16 byte-order mark); save the "
                    "scenario as UTF-8 text",
                    origin));
  }
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = b(i);
    if (c == '\n') {
      ++line;
      column = 1;
      ++i;
      continue;
    }
    if (c == 0) {
      throw InputError(
          fmt::format("{}:{}:{}: a NUL byte: this is not a text file (binary data, or UTF-16 without "
                      "a byte-order mark?); save the scenario as UTF-8 text",
                      origin, line, column));
    }
    if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F) {
      throw InputError(
          fmt::format("{}:{}:{}: control character 0x{:02x} is not allowed in a scenario (binary "
                      "data?); save the scenario as UTF-8 text",
                      origin, line, column, c));
    }
    if (c >= 0x80) {
      const std::size_t len = utf8_length(text, i);
      if (len == 0) {
        throw InputError(
            fmt::format("{}:{}:{}: byte 0x{:02x} is not valid UTF-8 (a Latin-1 / Windows-1252 file, "
                        "or binary data?); save the scenario as UTF-8 text",
                        origin, line, column, c));
      }
      i += len;
    } else {
      ++i;
    }
    ++column;
  }
}

// The lines of a text, without their line ends.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t at = 0; at <= text.size();) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(at, end - at);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.push_back(l);
    at = end + 1;
  }
  return lines;
}

// Where the quoted scalar opened at line[open] closes, or npos when not on this line.
std::size_t closing_quote(std::string_view line, std::size_t open) {
  const char q = line[open];
  for (std::size_t i = open + 1; i < line.size(); ++i) {
    if (q == '"' && line[i] == '\\') {
      ++i;  // an escape: the next character is part of the value
    } else if (line[i] == q) {
      if (q == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
        ++i;  // '' is a quote inside a single-quoted value
      } else {
        return i;
      }
    }
  }
  return std::string_view::npos;
}

// A quoted value must close on its own line. YAML lets a quoted scalar run on over line ends, so
// one missing quote silently turns the following keys into part of a value (or fails far away).
// Tracks where a value may start (after indentation, "- ", ": ", and inside flow collections after
// "[", "{", ","), skips comments and block scalars (| and >).
void check_quotes(const std::string& text, const std::string& origin) {
  const std::vector<std::string_view> lines = split_lines(text);
  std::optional<std::size_t> block_indent;  // inside a block scalar: its key's indentation
  int depth = 0;                            // open flow collections
  for (std::size_t ln = 0; ln < lines.size(); ++ln) {
    const std::string_view line = lines[ln];
    const std::size_t indent = std::min(line.find_first_not_of(' '), line.size());
    if (block_indent) {
      if (indent == line.size() || indent > *block_indent) continue;
      block_indent.reset();
    }
    bool value_start = true;
    for (std::size_t i = indent; i < line.size(); ++i) {
      const char c = line[i];
      const bool spaced = i + 1 == line.size() || line[i + 1] == ' ';
      if (c == ' ' || c == '\t') continue;
      if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) break;
      if (value_start && (c == '"' || c == '\'')) {
        const std::size_t close = closing_quote(line, i);
        if (close == std::string_view::npos) {
          throw InputError(
              fmt::format("{}:{}:{}: the quote {} opened here is not closed on this line; close it "
                          "(a scenario's quoted values fit on one line; for long text use a block "
                          "scalar, e.g. description: |)",
                          origin, ln + 1, i + 1, c));
        }
        i = close;
        value_start = false;
      } else if ((c == '-' && value_start && spaced) || (c == ':' && spaced)) {
        value_start = true;
      } else if ((c == '[' || c == '{') && value_start) {
        ++depth;
      } else if ((c == ']' || c == '}') && depth > 0) {
        --depth;
        value_start = false;
      } else if (c == ',' && depth > 0) {
        value_start = true;
      } else if ((c == '|' || c == '>') && value_start && depth == 0) {
        block_indent = indent;
        break;
      } else {
        value_start = false;  // inside a plain value: quotes there are literal
      }
    }
  }
}

// The first line at or before `line` (1-based) indented with a tab, or 0.
std::size_t tab_indented_line(const std::string& text, std::size_t line) {
  const std::vector<std::string_view> lines = split_lines(text);
  for (std::size_t ln = 0; ln < lines.size() && ln < line; ++ln) {
    const std::string_view l = lines[ln];
    const std::size_t content = l.find_first_not_of(" \t");
    if (content != std::string_view::npos && l.substr(0, content).find('\t') != std::string_view::npos)
      return ln + 1;
  }
  return 0;
}

// The line of the '---' that starts a second document: the first '---' after content.
std::size_t second_document_line(const std::string& text) {
  const std::vector<std::string_view> lines = split_lines(text);
  bool content = false;
  for (std::size_t ln = 0; ln < lines.size(); ++ln) {
    const std::string_view l = lines[ln];
    const bool marker = l.substr(0, 3) == "---" && (l.size() == 3 || l[3] == ' ' || l[3] == '\t');
    if (marker && content) return ln + 1;
    const std::size_t first = l.find_first_not_of(" \t");
    if (!marker && first != std::string_view::npos && l[first] != '#' && l.substr(0, 3) != "...")
      content = true;
  }
  return 0;
}

// The number of documents in `text`, counting at most `cap`. yaml-cpp 0.7's LoadAll never ends
// on a stray ',' outside brackets (yaml-cpp issue #1040, fixed upstream in PR #1319): each call
// yields another empty document and LoadAll allocates until memory runs out. Counting with a cap
// and loading only the first document cannot loop.
std::size_t count_documents(const std::string& text, std::size_t cap) {
  struct Ignore : YAML::EventHandler {
    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
  } ignore;
  std::istringstream in(text);
  YAML::Parser parser(in);
  std::size_t n = 0;
  while (n < cap && parser.HandleNextDocument(ignore)) ++n;
  return n;
}

// The first line (1-based) that starts with ',' after its indentation, 0 when none.
std::size_t stray_comma_line(const std::string& text) {
  const std::vector<std::string_view> lines = split_lines(text);
  for (std::size_t ln = 0; ln < lines.size(); ++ln) {
    const std::size_t first = lines[ln].find_first_not_of(" \t");
    if (first != std::string_view::npos && lines[ln][first] == ',') return ln + 1;
  }
  return 0;
}

}  // namespace

void check_scenario_text(const std::string& text, const std::string& origin) {
  check_encoding(text, origin);
  check_quotes(text, origin);
}

YAML::Node load_scenario_yaml(const std::string& text, const std::string& origin) {
  YAML::Node first;
  std::size_t documents = 0;
  try {
    documents = count_documents(text, 3);
    first = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    throw InputError(
        fmt::format("{}:{}:{}: not valid YAML: lists or mappings are nested too deeply (a scenario "
                    "needs a few levels)",
                    origin, e.mark.line + 1, e.mark.column + 1));
  } catch (const YAML::ParserException& e) {
    const std::size_t tab = tab_indented_line(text, static_cast<std::size_t>(e.mark.line) + 1);
    if (tab > 0) {
      throw InputError(
          fmt::format("{}:{}: not valid YAML: this line is indented with a tab; YAML indents with "
                      "spaces only: replace the tab with spaces",
                      origin, tab));
    }
    throw InputError(
        fmt::format("{}:{}:{}: not valid YAML: {}", origin, e.mark.line + 1, e.mark.column + 1, e.msg));
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}: not valid YAML: {}", origin, e.msg));
  }
  const std::size_t second = second_document_line(text);
  if (documents > 1 && second == 0) {
    const std::size_t comma = stray_comma_line(text);
    throw InputError(
        fmt::format("{}{}: not valid YAML: a ',' outside [ ] or {{ }} (a ',' separates list or "
                    "mapping items only inside brackets); remove it or put the items in brackets",
                    origin, comma > 0 ? fmt::format(":{}", comma) : ""));
  }
  if (documents > 1) {
    const std::size_t line = second;
    throw InputError(
        fmt::format("{}{}: a second YAML document starts here ('---'); a scenario is one document "
                    "and the rest would be ignored: remove the '---' line (and merge the keys) or "
                    "the second document",
                    origin, line > 0 ? fmt::format(":{}", line) : ""));
  }
  return documents == 0 ? YAML::Node() : first;
}

namespace {

// One component of an override key: "tracks[1]" -> {"tracks", 1}; "aco" -> {"aco", none}.
struct KeyPart {
  std::string name;
  std::optional<std::size_t> index;
};

std::vector<KeyPart> split_override_key(const Override& o) {
  const auto bad = [&](const std::string& why) {
    return InputError(
        fmt::format("--set {}={}: {} (expected KEY.SUBKEY=VALUE or KEY[INDEX].SUBKEY=VALUE, e.g. "
                    "aco.beneficiaries=20000 or tracks[1].msr=1%)",
                    printable(o.key), printable(o.value), why));
  };
  std::vector<KeyPart> parts;
  std::size_t at = 0;
  while (at <= o.key.size()) {
    std::size_t end = o.key.find('.', at);
    if (end == std::string::npos) end = o.key.size();
    std::string p = o.key.substr(at, end - at);
    if (p.empty()) throw bad("the key has an empty component");
    KeyPart part;
    if (const std::size_t open = p.find('['); open != std::string::npos) {
      const std::string digits = p.substr(open + 1, p.size() - open - 2);
      if (p.back() != ']' || open == 0 || digits.empty() || digits.size() > 6 ||
          digits.find_first_not_of("0123456789") != std::string::npos) {
        throw bad(fmt::format("'{}' is not NAME or NAME[INDEX] with INDEX a whole number", printable(p)));
      }
      part.index = std::stoul(digits);
      p.resize(open);
    }
    part.name = p;
    parts.push_back(std::move(part));
    at = end + 1;
  }
  return parts;
}

YAML::Node override_value(const Override& o) {
  if (o.value.find_first_not_of(" \t") == std::string::npos) {
    const KeySpec* k = find_key(o.key);
    throw InputError(fmt::format("--set {}=: the value is empty; give one, e.g. --set {}=VALUE{}",
                                 printable(o.key), printable(o.key),
                                 k ? " (allowed: " + k->allowed() + ")" : std::string()));
  }
  try {
    YAML::Node value = YAML::Load(o.value);
    // A scalar made without a file position, so an error about it says "(from --set)" rather
    // than pointing at line 1 of the scenario file.
    if (value.IsScalar()) value = YAML::Node(value.Scalar());
    return value;
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("--set {}={}: the value is not valid YAML: {}", printable(o.key),
                                 printable(o.value), e.msg));
  }
}

}  // namespace

void apply_override(YAML::Node root, const Override& o, const std::string& origin) {
  const std::vector<KeyPart> parts = split_override_key(o);
  const YAML::Node value = override_value(o);
  const std::string set = fmt::format("--set {}={}", printable(o.key), printable(o.value));
  YAML::Node node = root;
  std::string walked;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const KeyPart& p = parts[i];
    const bool last = i + 1 == parts.size();
    if (node.IsDefined() && !node.IsMap() && !node.IsNull()) {
      throw InputError(fmt::format("{}: '{}' in {} holds {}, not a mapping of keys, so it has no key '{}'",
                                   set, walked, origin, node_kind(node), p.name));
    }
    walked += (walked.empty() ? "" : ".") + p.name;
    if (!p.index) {
      if (last) {
        node[p.name] = value;
        return;
      }
      node.reset(node[p.name]);
      continue;
    }
    YAML::Node list = node[p.name];
    const std::size_t n = list.IsSequence() ? list.size() : 0;
    if (*p.index >= n) {
      const std::string entries =
          n == 0 ? "no entries"
                 : fmt::format("{} entr{} ({}[0] to {}[{}])", n, n == 1 ? "y" : "ies", walked, walked, n - 1);
      throw InputError(
          fmt::format("{}: {} has {}, so {}[{}] does not exist; --set changes entries, it does not "
                      "add them",
                      set, walked, entries, walked, *p.index));
    }
    walked += fmt::format("[{}]", *p.index);
    if (last) {
      list[*p.index] = value;
      return;
    }
    node.reset(list[*p.index]);
  }
}

std::vector<Override> scenario_overrides(const std::vector<std::string>& sets, long runs,
                                         const std::string& seed) {
  std::vector<Override> overrides;
  for (const auto& s : sets) overrides.push_back(parse_override(s));
  if (runs > 0) overrides.push_back({"runs", std::to_string(runs)});
  if (!seed.empty()) overrides.push_back({"seed", std::to_string(parse_seed_option(seed))});
  return overrides;
}

std::uint64_t parse_seed_option(const std::string& text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || ptr != end) {
    throw InputError(
        fmt::format("--seed: '{}' is not allowed; allowed: a whole number from 0 to 18446744073709551615, "
                    "as plain digits",
                    text));
  }
  if (ec == std::errc::result_out_of_range) {
    throw InputError(
        fmt::format("--seed: value {} is out of range; allowed: a whole number from 0 to "
                    "18446744073709551615",
                    text));
  }
  return value;
}

}  // namespace acosim
