// Alertmanager's two matcher syntaxes and the fallback between them.
//
// The UTF-8 syntax (`{a="b", c=~"d"}`, `a=b`; names and values either double-quoted Go strings
// or unquoted runs without reserved characters) is what Alertmanager 0.27+ parses first. The
// classic syntax (legacy label names, values optionally quoted with OpenMetrics escapes,
// tolerant of stray backslashes) is the fallback: input that only the classic parser accepts
// is parsed by it with a warning, and when both accept the input but disagree the classic
// result wins, again with a warning — exactly Alertmanager's default ("fallback") mode.
// Error messages and their `start:end` column ranges are Alertmanager's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/alerting/matchers.h"
#include "storage/base/result.h"

namespace tocsin::alerting {

enum class MatcherParseMode {
  kFallback,    // Alertmanager's default: UTF-8 first, classic when only it accepts the input
  kUtf8Strict,  // --enable-feature=utf8-strict-mode
  kClassic,     // --enable-feature=classic-mode
};

struct MatcherParseOptions {
  MatcherParseMode mode = MatcherParseMode::kFallback;
  // Where the input came from, for warnings ("config", "cli", ...).
  std::string_view origin = "config";
  // Receives the fallback and disagreement warnings; may be null.
  std::vector<std::string>* warnings = nullptr;
};

// Zero or more matchers (the `matchers:` entries of routes and inhibition rules). The result
// is in input order; callers that need Alertmanager's order call SortMatchers.
Result<Matchers> ParseMatchers(std::string_view input, const MatcherParseOptions& options = {});
// Exactly one matcher, without braces (amtool's label arguments, silence matchers).
Result<LabelMatcher> ParseMatcher(std::string_view input, const MatcherParseOptions& options = {});

// The parsers on their own.
Result<Matchers> ParseUtf8Matchers(std::string_view input);
Result<Matchers> ParseClassicMatchers(std::string_view input);
Result<LabelMatcher> ParseClassicMatcher(std::string_view input);

}  // namespace tocsin::alerting
