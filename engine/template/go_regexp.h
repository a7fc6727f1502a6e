// Go's regexp package on RE2 (Go's regexp/syntax is RE2's syntax): unanchored matching,
// ReplaceAllString with Go's $1 / ${name} expansion and its handling of empty matches, and Go's
// compile error messages ("error parsing regexp: missing closing ): `(`").
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "storage/base/result.h"

namespace re2 {
class RE2;
}

namespace tocsin::tmpl {

class GoRegexp {
 public:
  // regexp.Compile. Compiled expressions are cached: templates call match and reReplaceAll with
  // the same literal pattern on every execution.
  static Result<GoRegexp> Compile(std::string_view pattern);

  // Whether the expression matches anywhere in `s` (Regexp.MatchString).
  bool MatchString(std::string_view s) const;
  // Regexp.ReplaceAllString: every match replaced by `repl` with $1, ${1}, $name, ${name}
  // expanded and $$ for a dollar sign.
  std::string ReplaceAllString(std::string_view src, std::string_view repl) const;

 private:
  std::shared_ptr<const re2::RE2> re_;
};

// The message of the panic regexp.MustCompile raises for a bad pattern:
// "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`".
std::string MustCompilePanicMessage(std::string_view pattern, std::string_view error);

}  // namespace tocsin::tmpl
