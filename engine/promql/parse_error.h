// Parse errors with positions, worded and placed as Prometheus places them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/promql/ast.h"
#include "storage/base/result.h"

namespace tocsin::promql {

struct ParseError {
  PosRange pos;
  std::string message;
};

// "line:col" of a byte offset (1-based, columns count bytes), as Prometheus prints positions;
// "unknown position" for an empty query.
std::string PositionString(std::string_view query, int offset);

// "1:8: parse error: <message>" for the first error, as Prometheus reports a parse failure.
Error FormatParseError(std::string_view query, const ParseError& e);

}  // namespace tocsin::promql
