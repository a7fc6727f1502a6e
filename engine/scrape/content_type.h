// Which parser reads a scrape's body, from its Content-Type, as Prometheus 3 decides it: the
// media type (parameters ignored) picks the format; a blank, unparsable or unknown one falls
// back to the job's fallback_scrape_protocol or, without one, fails the scrape with
// Prometheus's message.
#pragma once

#include <optional>
#include <string_view>

#include "engine/scrape/exposition_parser.h"
#include "engine/scrape/scrape_config.h"
#include "storage/base/result.h"

namespace tocsin::scrape {

Result<ExpositionFormat> FormatForContentType(std::string_view content_type,
                                              std::optional<ScrapeProtocol> fallback);

}  // namespace tocsin::scrape
