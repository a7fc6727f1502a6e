// Numbers as the exposition formats write them, read and printed the way Prometheus does.
//
// Sample values and OpenMetrics timestamps go through Go's strconv.ParseFloat, restricted as
// Prometheus restricts it (no hexadecimal floats, no digit-separating underscores); the `le` and
// `quantile` label values of histograms and summaries are normalised to the OpenMetrics float
// form that Prometheus 3 stores (`le="1"` becomes `le="1.0"`).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tocsin::scrape {

// Go's strconv.ParseFloat(s, 64) minus the forms Prometheus's text parsers refuse: decimal
// numbers with an optional sign and exponent, "Inf"/"+Inf"/"-Inf"/"Infinity" and "NaN" in any
// case. Overflow (e.g. "1e400") fails; underflow rounds to zero or a subnormal, as in Go.
std::optional<double> ParseExpositionFloat(std::string_view s);

// Go's strconv.ParseFloat(s, 64) in full: also hexadecimal floats with a 'p' exponent. Used for
// the label values that Prometheus re-formats.
std::optional<double> ParseGoFloat64(std::string_view s);

// labels.FormatOpenMetricsFloat: Go's shortest 'g' formatting with ".0" added to integral
// values ("1.0", "0.25", "1e+06", "+Inf", "NaN").
std::string FormatOpenMetricsFloat(double v);

// Prometheus 3's normalisation of `le` (histograms) and `quantile` (summaries): a value that
// parses as a float is re-printed by FormatOpenMetricsFloat; anything else is kept.
std::string NormalizeFloatLabelValue(std::string_view value);

}  // namespace tocsin::scrape
