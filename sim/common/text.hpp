// Text helpers shared by every room of sim/: one edit distance and "did you mean", list joining,
// message-safe rendering of user values, UTF-8 validation. No dependencies beyond the standard
// library and fmt.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace acosim {

enum class LetterCase { Sensitive, Insensitive };

// Levenshtein distance (insertions, deletions, substitutions each cost 1).
std::size_t edit_distance(std::string_view a, std::string_view b,
                          LetterCase letter_case = LetterCase::Sensitive);

// The candidate nearest to `name` by edit distance when it is at most `max_distance` away (the
// first of equally near ones); empty otherwise. Names over 256 characters are no typo: empty.
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates,
                         std::size_t max_distance, LetterCase letter_case = LetterCase::Sensitive);

// " (did you mean 'x'?)" for a close key or option (edit distance <= 2, letter case counts);
// "" when none is close. Appended directly to an "unknown ..." message.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

// "a, b, c".
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

// A value as it should appear in a message: control characters escaped (\n, \x00, ...), long
// values shortened, so a message is one readable line whatever the input held.
std::string printable(std::string_view s, std::size_t max_len = 60);

// Length of the valid UTF-8 sequence starting at s[i] (2-4), or 0 when the bytes there are not
// one (an ASCII byte also gives 0: call it for bytes >= 0x80).
std::size_t utf8_length(std::string_view s, std::size_t i);

}  // namespace acosim
