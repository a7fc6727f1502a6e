// The escapers behind the html, js and urlquery builtins, as Go's text/template and net/url
// write them.
#pragma once

#include <string>
#include <string_view>

#include "storage/base/result.h"

namespace tocsin::tmpl {

// template.HTMLEscapeString: & < > " ' and NUL.
void AppendHTMLEscaped(std::string& out, std::string_view s);
// template.JSEscapeString: quotes, backslash, < > & =, control characters as \u00XX, and
// non-printable runes as \uXXXX.
void AppendJSEscaped(std::string& out, std::string_view s);
// url.QueryEscape: unreserved characters kept, space as '+', everything else %XX.
void AppendQueryEscaped(std::string& out, std::string_view s);
// url.QueryUnescape. Errors read as Go's: `invalid URL escape "%zz"`.
Result<std::string> QueryUnescape(std::string_view s);

}  // namespace tocsin::tmpl
