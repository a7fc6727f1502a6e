#include "storage/base/matcher.h"

#include <re2/re2.h>

#include "storage/base/go_regexp_error.h"
#include "storage/base/labels.h"
#include "storage/base/strings.h"

namespace tocsin {

std::string_view MatchTypeString(MatchType t) {
  switch (t) {
    case MatchType::kEqual: return "=";
    case MatchType::kNotEqual: return "!=";
    case MatchType::kRegexp: return "=~";
    case MatchType::kNotRegexp: return "!~";
  }
  return "?";
}

Result<LabelMatcher> LabelMatcher::Make(MatchType type, std::string name, std::string value,
                                        RegexDialect dialect) {
  LabelMatcher m;
  m.type_ = type;
  m.dialect_ = dialect;
  m.name_ = std::move(name);
  m.value_ = std::move(value);
  if (m.is_regex()) {
    RE2::Options opts;
    opts.set_log_errors(false);
    // Anchored and with (?s) so '.' matches '\n', as Prometheus 3 compiles matchers;
    // Alertmanager's labels.NewMatcher anchors without the flag.
    const char* prefix = dialect == RegexDialect::kAlertmanager ? "^(?:" : "^(?s:";
    auto re = std::make_shared<const RE2>(prefix + m.value_ + ")$", opts);
    if (!re->ok()) {
      return Error{GoRegexpError(*re)};
    }
    m.re_ = std::move(re);
  }
  m.matches_empty_ = m.matches("");
  return m;
}

bool LabelMatcher::matches(std::string_view v) const {
  switch (type_) {
    case MatchType::kEqual: return v == value_;
    case MatchType::kNotEqual: return v != value_;
    case MatchType::kRegexp: return RE2::FullMatch(v, *re_);
    case MatchType::kNotRegexp: return !RE2::FullMatch(v, *re_);
  }
  return false;
}

std::string LabelMatcher::to_string() const {
  std::string out = IsValidLegacyLabelName(name_) ? name_ : GoQuote(name_);
  out += MatchTypeString(type_);
  AppendGoQuoted(out, value_);
  return out;
}

}  // namespace tocsin
