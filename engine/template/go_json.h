// Go's encoding/json Marshal over template values, for Alertmanager's toJson: maps with sorted
// keys, struct fields under their json names, time.Time as RFC 3339 with nanoseconds, floats in
// ES6 form, and HTML-safe string escaping (<, >, & as \u003c...).
#pragma once

#include <string>

#include "engine/template/function.h"
#include "engine/template/value.h"
#include "storage/base/result.h"

namespace tocsin::tmpl {

// Errors read as Go's: `json: unsupported value: NaN`. A type with a MarshalJSON method
// returning a string has that string written as is.
Result<std::string> MarshalJSON(const Value& v, CallContext& ctx);

}  // namespace tocsin::tmpl
