// A Go text/template interpreter: parse once, execute many times, output and errors as Go's.
//
// A Template is what Go calls a template set (a *template.Template and the templates associated
// with it): each Parse call adds the text under a name, plus every {{define}} and {{block}} in
// it; {{template "x"}} finds "x" anywhere in the set. After parsing a Template is immutable and
// may be executed from many threads at once.
//
//   tmpl::Template t(functions);                 // functions beyond Go's builtins
//   t.Option("missingkey=zero");                 // as Prometheus and Alertmanager set it
//   if (Status s = t.Parse("summary", "{{ .Labels.instance }} is {{ .Value | humanize }}"); !s)
//     ...                                        // s.message() is Go's parse error
//   std::string out;
//   Status s = t.Execute("summary", data, &out, {.env = &per_evaluation_environment});
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/template/function.h"
#include "engine/template/node.h"
#include "engine/template/parser.h"
#include "engine/template/value.h"
#include "storage/base/result.h"

namespace tocsin::tmpl {

// What a field lookup on a map does when the key is absent (Go's "missingkey" option).
enum class MissingKey {
  kInvalid,  // the default: the result is "no value" and prints as "<no value>"
  kZero,     // the zero value of the map's element type ("" for map[string]string)
  kError,    // execution stops with `map has no entry for key "x"`
};

struct ExecuteOptions {
  // Handed to functions (CallContext::env), e.g. the evaluation time and query engine.
  const Environment* env = nullptr;
  // The clock `now` and `since` read; empty means the system clock.
  Clock clock;
  // Output beyond this many bytes stops execution with an error: a guard against templates that
  // recurse into exponential output. 0 means no limit.
  size_t max_output_bytes = size_t{64} << 20;
  // html/template's contextual escaping of the output (engine/template/html_escape.h), as
  // Alertmanager's ExecuteHTMLString renders email bodies.
  bool escape_html = false;
};

// Nesting limit for {{template}} calls (Go allows 100000; we stop earlier to stay well inside
// the thread's stack).
inline constexpr int kMaxTemplateDepth = 1000;

class Template {
 public:
  // A set whose templates may call `funcs` as well as Go's builtins (a function in `funcs`
  // with a builtin's name replaces it, as in Go).
  explicit Template(FuncMap funcs = {}, std::string name = "");
  explicit Template(std::shared_ptr<const FuncMap> funcs, std::string name = "");

  // Go's Option: "missingkey=default", "missingkey=invalid", "missingkey=zero",
  // "missingkey=error". Applies to the whole set.
  Status Option(std::string_view option);
  void set_missing_key(MissingKey m) { missing_key_ = m; }
  MissingKey missing_key() const { return missing_key_; }
  // Go's Delims; empty strings mean the defaults {{ and }}.
  void set_delims(std::string left, std::string right);

  // t.New(name).Parse(text): adds `name` and the templates the text defines. A non-empty
  // definition replaces an existing one; an empty one does not (as in Go). On error the set is
  // unchanged and the message is Go's (`template: name:1: unexpected "}" in operand`).
  Status Parse(std::string_view name, std::string_view text);

  // The set's templates, their number, and whether `name` is one of them.
  bool Defines(std::string_view name) const { return trees_.find(name) != trees_.end(); }
  std::vector<std::string> Names() const;
  const std::string& name() const { return name_; }

  // A copy sharing the parsed trees, to which further templates can be added without changing
  // this one (Go's Clone): how Alertmanager layers a message template over its template files.
  Template Clone() const { return *this; }

  // Executes template `name` with `data` as dot, appending to `out`. Output written before an
  // error stays in `out`, as Go's writer keeps it. Errors read as Go's:
  // `template: name:1:7: executing "name" at <.Foo>: can't evaluate field Foo in type string`.
  Status Execute(std::string_view name, const Value& data, std::string* out,
                 const ExecuteOptions& opts = {}) const;
  Result<std::string> ExecuteToString(std::string_view name, const Value& data,
                                      const ExecuteOptions& opts = {}) const;

  // Used by the executor.
  const Tree* Lookup(std::string_view name) const;
  const FuncMap& funcs() const { return *funcs_; }

 private:
  std::shared_ptr<const FuncMap> funcs_;
  std::string name_;
  ParseOptions parse_options_;
  MissingKey missing_key_ = MissingKey::kInvalid;
  TreeSet trees_;
};

// Whether `name` is one of Go's builtin template functions (and, call, eq, html, index, ...).
bool IsBuiltinFunction(std::string_view name);

}  // namespace tocsin::tmpl
