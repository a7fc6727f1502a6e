// The daemon's logs: spdlog's default logger on stderr, in Prometheus's two formats.
//
//   logfmt: time=2026-11-27T22:40:01.123Z level=info msg="Loading configuration file" file=x.yml
//   json:   {"time":"2026-11-27T22:40:01.123Z","level":"info","msg":"Loading ...","file":"x.yml"}
//
// Messages are plain text; key=value context is passed as fields (LogFields) so both formats can
// quote it properly. Times are UTC with milliseconds.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/base/result.h"

namespace tocsin::daemon {

enum class LogFormat { kLogfmt, kJson };

// `level`: debug, info, warn, error (Prometheus's --log.level); `format`: logfmt or json.
Status ConfigureLogging(std::string_view level, std::string_view format);

using LogFields = std::vector<std::pair<std::string, std::string>>;

// One log line at `level` ("debug", "info", "warn", "error") with fields, formatted for the
// configured format.
void Log(std::string_view level, std::string_view msg, const LogFields& fields = {});

// The line Log writes, without the time and level prefix (for tests).
std::string FormatLogLine(LogFormat format, std::string_view level, std::string_view msg,
                          const LogFields& fields);

}  // namespace tocsin::daemon
