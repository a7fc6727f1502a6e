// One `tocsin history` query, shared by the command and the daemon's GET /api/v1/history: the
// filters as the user wrote them (times as durations or RFC 3339, matchers in Alertmanager's
// syntax, states comma-separated or repeated), checked, run on the database and printed.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "engine/cli/history_output.h"
#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::cli {

struct HistoryQueryArgs {
  std::string since;
  std::string until;
  std::string alertname;
  std::vector<std::string> matchers;
  std::vector<std::string> states;
  std::string receiver;
  std::string integration;
  size_t limit = 100;
  bool notifications = false;  // delivery attempts instead of alert transitions
};

// Opens `db_path` read-only and prints the entries `args` select, newest first. Errors name the
// flag at fault ("--since", "--state", ...).
Status RunHistoryQuery(const std::string& db_path, const HistoryQueryArgs& args,
                       OutputFormat format, TimestampMs now, std::ostream& out);

}  // namespace tocsin::cli
