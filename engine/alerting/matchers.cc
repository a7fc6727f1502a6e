#include "engine/alerting/matchers.h"

#include <algorithm>

#include "storage/base/strings.h"

namespace tocsin::alerting {
namespace {

// Go's unicode.IsSpace.
bool IsUnicodeSpace(char32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

void AppendOpenMetricsEscaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        out.push_back(c);
    }
  }
}

}  // namespace

Result<LabelMatcher> MakeMatcher(MatchType type, std::string name, std::string value) {
  return LabelMatcher::Make(type, std::move(name), std::move(value), RegexDialect::kAlertmanager);
}

void SortMatchers(Matchers& matchers) {
  std::sort(matchers.begin(), matchers.end(), [](const LabelMatcher& a, const LabelMatcher& b) {
    if (a.name() != b.name()) return a.name() < b.name();
    if (a.value() != b.value()) return a.value() < b.value();
    return a.type() < b.type();
  });
}

bool MatchesAll(const Matchers& matchers, const Labels& labels) {
  for (const LabelMatcher& m : matchers) {
    if (!m.matches(labels.get(m.name()))) return false;
  }
  return true;
}

bool IsReservedMatcherRune(char32_t r) {
  if (IsUnicodeSpace(r)) return true;
  switch (r) {
    case '{':
    case '}':
    case '!':
    case '=':
    case '~':
    case ',':
    case '\\':
    case '"':
    case '\'':
    case '`':
      return true;
    default:
      return false;
  }
}

std::string FormatMatcher(const LabelMatcher& matcher) {
  const std::string& name = matcher.name();
  bool reserved = false;
  for (size_t i = 0; i < name.size() && !reserved;) {
    reserved = IsReservedMatcherRune(DecodeRune(name, i));
  }
  std::string out;
  if (reserved) {
    AppendGoQuoted(out, name);
    out += MatchTypeString(matcher.type());
    AppendGoQuoted(out, matcher.value());
    return out;
  }
  out = name;
  out += MatchTypeString(matcher.type());
  out.push_back('"');
  AppendOpenMetricsEscaped(out, matcher.value());
  out.push_back('"');
  return out;
}

std::string FormatMatchers(const Matchers& matchers) {
  std::string out = "{";
  for (size_t i = 0; i < matchers.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += FormatMatcher(matchers[i]);
  }
  out.push_back('}');
  return out;
}

}  // namespace tocsin::alerting
