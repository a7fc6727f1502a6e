// The value helpers Prometheus and Alertmanager templates share (prometheus/common's
// helpers/templates): converting a template argument to a number, and humanizeDuration.
#pragma once

#include <string>

#include "engine/template/value.h"
#include "storage/base/result.h"

namespace tocsin::tmpl {

// ConvertToFloat: float64 as is, a string parsed by strconv.ParseFloat, ints converted,
// time.Duration in seconds; anything else fails with `can't convert <type> to float`.
Result<double> ConvertToFloat(const Value& v);

// HumanizeDuration: seconds as "1d 2h 3m 4s", "1m 30s", "1.5s", "250ms", "12us".
Result<std::string> HumanizeDuration(const Value& v);

}  // namespace tocsin::tmpl
