// A query result as a plain-text table for people (`tocsin query`'s default output): one row per
// sample, series in PromQL notation, times as Unix seconds as the API writes them (so they can be
// passed back as --time), values in Prometheus's text form.
#pragma once

#include <string>
#include <string_view>

#include "engine/promql/engine.h"

namespace tocsin::promql {

// Ends with a newline. Warnings and infos follow the table, one per line, prefixed
// "warning: " / "info: ". `query` is the text the annotations' positions refer to.
std::string QueryResultTable(const QueryResult& result, std::string_view query);

}  // namespace tocsin::promql
