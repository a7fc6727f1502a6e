// Label matchers: =, !=, =~, !~ with Prometheus semantics, shared by PromQL selectors, the
// series index, silences, routes and inhibition rules.
//
// Regular expressions are RE2 (linear time on hostile input) and fully anchored. As in
// Prometheus 3, '.' also matches a newline. A matcher on a missing label sees the empty string,
// so `foo=""` matches series without `foo` and `foo!=""` requires it.
//
// Alertmanager anchors its regexes differently: `^(?:re)$` without the `s` flag, so there '.'
// does not match a newline. Routes, inhibition rules and silences ask for that dialect.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "storage/base/result.h"

namespace re2 {
class RE2;
}

namespace tocsin {

enum class MatchType { kEqual, kNotEqual, kRegexp, kNotRegexp };

// How a regex value is anchored: Prometheus 3 compiles `^(?s:re)$`, Alertmanager `^(?:re)$`.
enum class RegexDialect { kPrometheus, kAlertmanager };

std::string_view MatchTypeString(MatchType t);  // "=", "!=", "=~", "!~"

class LabelMatcher {
 public:
  // Fails with RE2's message when a regex does not compile.
  static Result<LabelMatcher> Make(MatchType type, std::string name, std::string value,
                                   RegexDialect dialect = RegexDialect::kPrometheus);

  MatchType type() const { return type_; }
  RegexDialect dialect() const { return dialect_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }
  bool is_regex() const { return type_ == MatchType::kRegexp || type_ == MatchType::kNotRegexp; }
  bool is_negative() const { return type_ == MatchType::kNotEqual || type_ == MatchType::kNotRegexp; }

  bool matches(std::string_view v) const;
  // True when the matcher accepts the empty string (and therefore series missing the label).
  bool matches_empty() const { return matches_empty_; }

  // name="value" form, with the value Go-quoted, e.g. job=~"api|web".
  std::string to_string() const;

  friend bool operator==(const LabelMatcher& a, const LabelMatcher& b) {
    return a.type_ == b.type_ && a.name_ == b.name_ && a.value_ == b.value_ &&
           (!a.is_regex() || a.dialect_ == b.dialect_);
  }

 private:
  MatchType type_ = MatchType::kEqual;
  RegexDialect dialect_ = RegexDialect::kPrometheus;
  std::string name_;
  std::string value_;
  std::shared_ptr<const re2::RE2> re_;  // shared: matchers are copied freely
  bool matches_empty_ = false;
};

}  // namespace tocsin
