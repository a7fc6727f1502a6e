#include "engine/cli/history_args.h"

#include <string>

#include "engine/promql/literals.h"

namespace tocsin::cli {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsNameChar(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         (!first && c >= '0' && c <= '9');
}

// The quoted string starting at s[0] == '"', returning its length including quotes.
size_t QuotedLength(std::string_view s) {
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

Result<TimestampMs> ParseTimeArg(std::string_view flag, std::string_view text, TimestampMs now) {
  if (auto d = ParseDuration(text); d.ok()) return now - *d;
  if (auto t = ParseRfc3339(text); t.ok()) return *t;
  return Error{"invalid " + std::string(flag) + " \"" + std::string(text) +
               "\": want a duration before now (2h, 7d) or an RFC 3339 time "
               "(2024-05-01T12:00:00Z)"};
}

Result<LabelMatcher> ParseMatcherArg(std::string_view text) {
  const std::string where = "invalid matcher \"" + std::string(text) + "\": ";
  std::string_view s = Trim(text);
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') s = Trim(s.substr(1, s.size() - 2));

  std::string name;
  if (!s.empty() && s.front() == '"') {
    const size_t len = QuotedLength(s);
    if (len == std::string_view::npos) return Error{where + "unterminated quoted label name"};
    auto unquoted = promql::UnquoteString(s.substr(0, len));
    if (!unquoted.ok()) return Error{where + unquoted.message()};
    name = std::move(*unquoted);
    s.remove_prefix(len);
  } else {
    size_t i = 0;
    while (i < s.size() && IsNameChar(s[i], i == 0)) ++i;
    name = std::string(s.substr(0, i));
    s.remove_prefix(i);
  }
  if (name.empty()) return Error{where + "expected a label name"};
  s = Trim(s);

  MatchType type;
  if (s.starts_with("=~")) {
    type = MatchType::kRegexp;
  } else if (s.starts_with("!~")) {
    type = MatchType::kNotRegexp;
  } else if (s.starts_with("!=")) {
    type = MatchType::kNotEqual;
  } else if (s.starts_with("=")) {
    type = MatchType::kEqual;
  } else {
    return Error{where + "expected one of = != =~ !~ after the label name"};
  }
  s = Trim(s.substr(type == MatchType::kEqual ? 1 : 2));

  std::string value;
  if (!s.empty() && s.front() == '"') {
    const size_t len = QuotedLength(s);
    if (len == std::string_view::npos) return Error{where + "unterminated quoted value"};
    if (!Trim(s.substr(len)).empty()) return Error{where + "unexpected text after the value"};
    auto unquoted = promql::UnquoteString(s.substr(0, len));
    if (!unquoted.ok()) return Error{where + unquoted.message()};
    value = std::move(*unquoted);
  } else {
    if (s.find_first_of("\"{}=!~,") != std::string_view::npos) {
      return Error{where + "a value with special characters must be double-quoted"};
    }
    value = std::string(s);
  }
  auto m = LabelMatcher::Make(type, std::move(name), std::move(value));
  if (!m.ok()) return Error{where + m.message()};
  return m;
}

}  // namespace tocsin::cli
