#include "engine/api/go_json_text.h"

#include "engine/promql/format/api_json.h"
#include "storage/base/go_json.h"

namespace tocsin::api {

std::string GoJsonFloat(double v) {
  std::string out;
  if (!AppendGoJsonFloat(out, v)) out = promql::JsonString(promql::FormatApiFloat(v));
  return out;
}

std::string GoJsonTime(TimestampMs t) {
  if (t == INT64_MIN) return "\"0001-01-01T00:00:00Z\"";
  return "\"" + FormatRfc3339(t) + "\"";
}

}  // namespace tocsin::api
