// Alertmanager's matcher lists: the AND of label matchers that routes, inhibition rules and
// silences use, kept sorted as Alertmanager sorts them (by name, then value, then operator) so
// that their printed form — part of route keys and group keys — is the same as upstream's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/base/labels.h"
#include "storage/base/matcher.h"
#include "storage/base/result.h"

namespace tocsin::alerting {

using Matchers = std::vector<LabelMatcher>;

// A matcher with Alertmanager's regex anchoring (`^(?:re)$`, '.' does not match '\n').
Result<LabelMatcher> MakeMatcher(MatchType type, std::string name, std::string value);

void SortMatchers(Matchers& matchers);

// True when every matcher accepts the alert's value of its label (a missing label reads as "").
bool MatchesAll(const Matchers& matchers, const Labels& labels);

// Alertmanager's printed form of one matcher: `name="value"` with only `\`, `"` and newline
// escaped in the value, or both sides Go-quoted when the name holds a character the UTF-8
// matcher syntax reserves (space, `{}!=~,\"'` and backquote).
std::string FormatMatcher(const LabelMatcher& matcher);
// `{a="b",c=~"d"}` (no space after the comma), as Alertmanager prints a matcher list.
std::string FormatMatchers(const Matchers& matchers);

// Whether `r` is reserved by the UTF-8 matcher syntax and so cannot appear unquoted.
bool IsReservedMatcherRune(char32_t r);

}  // namespace tocsin::alerting
