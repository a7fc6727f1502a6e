// Go's strconv as templates observe it: the number and string literal syntax the template lexer
// accepts, and Go's quoting. Float formatting is storage/base/go_float.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/base/go_float.h"  // AppendGoFloat, FormatGoFloat
#include "storage/base/result.h"

namespace tocsin::tmpl {

// strconv.ParseFloat(s, 64): decimal and hexadecimal (0x1.8p3) forms, "Inf"/"Infinity"/"NaN"
// in any case, underscores only after a base prefix. Errors read as Go's:
// `strconv.ParseFloat: parsing "x": invalid syntax` / `...: value out of range`.
Result<double> ParseGoFloat(std::string_view s);

// strconv.ParseInt(s, 0, 64) and ParseUint(s, 0, 64): base prefixes 0x 0o 0b and a leading 0 for
// octal, underscores between digits. Errors name the function as Go does.
Result<int64_t> ParseGoInt(std::string_view s);
Result<uint64_t> ParseGoUint(std::string_view s);

// strconv.Unquote for "..." and `...` literals (raw strings drop carriage returns). The error is
// Go's ErrSyntax text, "invalid syntax".
Result<std::string> GoUnquote(std::string_view s);
// strconv.UnquoteChar: decodes one (possibly escaped) character of a literal quoted by `quote`;
// on success advances `s` past it.
Result<char32_t> GoUnquoteChar(std::string_view& s, char quote);

// strconv.Quote, QuoteToASCII, QuoteRune, QuoteRuneToASCII.
void AppendGoQuote(std::string& out, std::string_view s, bool ascii_only);
void AppendGoQuoteRune(std::string& out, char32_t r, bool ascii_only);
std::string GoQuoteString(std::string_view s);
// strconv.CanBackquote: no control characters other than tab, no backquote, valid UTF-8.
bool GoCanBackquote(std::string_view s);

}  // namespace tocsin::tmpl
