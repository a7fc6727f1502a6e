// Literal values of PromQL text, decoded as Prometheus (that is, Go) decodes them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/base/result.h"

namespace tocsin::promql {

// A number token: first as Go's strconv.ParseInt(s, 0, 64) reads it (so `0x1f`, `0o17`, `0b11`,
// `017` octal, `1_000`), else as strconv.ParseFloat (decimal, exponent, `Inf`, `NaN`). Errors
// read as Go's: `strconv.ParseFloat: parsing "1e999": value out of range`.
Result<double> ParseNumber(std::string_view s);

// strconv.ParseUint(s, 10, 64), for repetition counts in series descriptions.
Result<uint64_t> ParseUint(std::string_view s);

// A string token including its quotes ("..", '..' or `..`), with every Go escape: \a \b \f \n
// \r \t \v \\ \' \" \xNN \NNN (octal) \uNNNN \UNNNNNNNN. Single quotes may hold any number of
// characters, as Prometheus allows.
Result<std::string> UnquoteString(std::string_view s);

}  // namespace tocsin::promql
