// String helpers shared by every module: Go-compatible quoting and UTF-8 checks.
#pragma once

#include <string>
#include <string_view>

namespace tocsin {

// Quotes `s` as Go's strconv.Quote does: double quotes, \" \\ \a \b \f \n \r \t \v escapes,
// \xNN for bytes that are not valid UTF-8, \uNNNN / \UNNNNNNNN for non-printable runes.
std::string GoQuote(std::string_view s);
void AppendGoQuoted(std::string& out, std::string_view s);

// Decodes one UTF-8 rune at s[i]; returns the rune and advances i. Invalid bytes give
// U+FFFD and advance by one, as Go's utf8.DecodeRuneInString does.
char32_t DecodeRune(std::string_view s, size_t& i, bool* valid = nullptr);
void AppendRune(std::string& out, char32_t r);

}  // namespace tocsin
