// The template parser: Go's text/template/parse, producing the same trees and the same error
// messages (`template: name:3: unexpected "}" in operand`).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "engine/template/node.h"
#include "storage/base/result.h"

namespace tocsin::tmpl {

struct ParseOptions {
  std::string left_delim = "{{";
  std::string right_delim = "}}";
  bool parse_comments = false;   // keep {{/* */}} as comment nodes
  bool skip_func_check = false;  // accept calls to functions not (yet) defined
};

using TreeSet = std::map<std::string, std::shared_ptr<const Tree>, std::less<>>;

// Parses `text` as the template `name`. On success every tree it defines is in the result: the
// top level under `name`, each {{define}} and {{block}} under its own name. `has_function`
// answers whether an identifier names a function (Go's builtins included).
Result<TreeSet> ParseText(std::string_view name, std::string_view text, const ParseOptions& opts,
                          const std::function<bool(std::string_view)>& has_function);

// The deepest nesting of actions and parenthesised pipelines the parser accepts; deeper input is
// refused with an error instead of exhausting the stack.
inline constexpr int kMaxParseDepth = 1000;

}  // namespace tocsin::tmpl
