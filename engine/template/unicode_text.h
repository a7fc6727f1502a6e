// The Unicode character classes and case mappings Go's unicode and strings packages give
// templates, built on the C library's C.UTF-8 tables (simple case mappings, as Go's
// unicode.ToUpper uses) plus Go's own lists where the two differ (what counts as a space, what is
// printable).
#pragma once

#include <string>
#include <string_view>

namespace tocsin::tmpl {

bool IsGoSpace(char32_t r);   // unicode.IsSpace
bool IsGoPrint(char32_t r);   // unicode.IsPrint (strconv.IsPrint)
bool IsGoLetter(char32_t r);  // unicode.IsLetter
bool IsGoDigit(char32_t r);   // unicode.IsDigit
char32_t GoToUpper(char32_t r);
char32_t GoToLower(char32_t r);
char32_t GoToTitle(char32_t r);

// strings.ToUpper / ToLower: rune by rune; invalid UTF-8 bytes become U+FFFD unless the string is
// all ASCII (Go's fast path copies bytes).
std::string GoStringsToUpper(std::string_view s);
std::string GoStringsToLower(std::string_view s);
// strings.TrimSpace.
std::string_view GoTrimSpace(std::string_view s);
// golang.org/x/text/cases Title for English: the first cased letter of each word upper (title)
// cased; with `lower_rest` the others lower-cased (Alertmanager's title), without it left alone
// (cases.NoLower, Prometheus's title). Words break as x/text approximates Unicode word breaking:
// letters, digits and '_' join; a single '.', ':' or apostrophe inside a word does not break it.
std::string GoTitle(std::string_view s, bool lower_rest);

}  // namespace tocsin::tmpl
