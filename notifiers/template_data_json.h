// Alertmanager's template data read from JSON as Go's json.Unmarshal reads it into a
// template.Data: what `amtool template render --template.data FILE` (and `tocsin template
// render`) feeds to templates. Go's rules, so a file renders the same in both:
//   - keys match field names case-insensitively (an exact match first), the last of repeated
//     keys wins, unknown keys are ignored, null leaves the zero value (nil maps and slices);
//   - times are RFC 3339 strings, parsed as time.Parse does (an offset equal to the local
//     zone's gives the local zone, any other a zone without a name);
//   - strings keep their bytes; invalid UTF-8 and lone surrogates become U+FFFD;
//   - the errors are Go's: syntax errors first (`invalid character 'x' after object key`,
//     `unexpected end of JSON input`), then the first type mismatch (`json: cannot unmarshal
//     number into Go struct field Alert.alerts.labels of type string`), or a time that does not
//     parse (`parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"`).
#pragma once

#include <string_view>

#include "engine/template/value.h"
#include "storage/base/result.h"

namespace tocsin::notifiers {

// A template.Data value (as DataValue builds for notifications) from JSON text.
Result<tmpl::Value> TemplateDataFromJson(std::string_view json);

}  // namespace tocsin::notifiers
