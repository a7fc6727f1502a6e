#include "engine/api/go_json_text.h"

#include <cmath>

#include "engine/promql/format/api_json.h"

namespace tocsin::api {

std::string GoJsonFloat(double v) {
  if (!std::isfinite(v)) return promql::JsonString(promql::FormatApiFloat(v));
  std::string s = promql::FormatApiFloat(v);  // Go's 'f' / 'e' choice at the same thresholds
  const size_t n = s.size();
  if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') s.erase(n - 2, 1);
  return s;
}

std::string GoJsonTime(TimestampMs t) {
  if (t == INT64_MIN) return "\"0001-01-01T00:00:00Z\"";
  return "\"" + FormatRfc3339(t) + "\"";
}

}  // namespace tocsin::api
