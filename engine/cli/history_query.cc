#include "engine/cli/history_query.h"

#include <optional>

#include "engine/cli/history_args.h"
#include "storage/sqlite/history_reader.h"

namespace tocsin::cli {

namespace {

// "firing,resolved" and repeated flags alike.
std::vector<std::string> SplitCommas(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    size_t start = 0;
    while (start <= v.size()) {
      const size_t comma = std::min(v.find(',', start), v.size());
      if (comma > start) out.push_back(v.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}
}  // namespace

Status RunHistoryQuery(const std::string& db_path, const HistoryQueryArgs& o, OutputFormat format,
                       TimestampMs now, std::ostream& out) {
  std::optional<TimestampMs> since, until;
  if (!o.since.empty()) {
    auto t = ParseTimeArg("--since", o.since, now);
    if (!t.ok()) return t.error();
    since = *t;
  }
  if (!o.until.empty()) {
    auto t = ParseTimeArg("--until", o.until, now);
    if (!t.ok()) return t.error();
    until = *t;
  }
  auto reader = sqlite::HistoryReader::Open(db_path);
  if (!reader.ok()) return reader.error();

  if (o.notifications) {
    if (!o.alertname.empty() || !o.matchers.empty()) {
      return Error{
          "--alertname and --matcher select alerts; delivery attempts are per group: "
          "use --receiver, --integration or --state with --notifications"};
    }
    sqlite::NotificationQuery q;
    q.since = since;
    q.until = until;
    q.receiver = o.receiver;
    q.integration = o.integration;
    q.limit = o.limit;
    for (const auto& s : SplitCommas(o.states)) {
      auto status = sqlite::ParseDeliveryStatus(s);
      if (!status) {
        return Error{"invalid --state \"" + s +
                     "\" for --notifications: want success, retrying, failed, "
                     "permanent_failure, logged, skipped or refused"};
      }
      q.statuses.push_back(*status);
    }
    auto attempts = (*reader)->QueryNotifications(q);
    if (!attempts.ok()) return attempts.error();
    PrintNotifications(out, *attempts, format);
    return Status::Ok();
  }

  if (!o.integration.empty()) return Error{"--integration needs --notifications"};
  sqlite::HistoryQuery q;
  q.since = since;
  q.until = until;
  q.alertname = o.alertname;
  q.receiver = o.receiver;
  q.limit = o.limit;
  for (const auto& text : o.matchers) {
    auto m = ParseMatcherArg(text);
    if (!m.ok()) return Error{"--matcher: " + m.message()};
    q.matchers.push_back(std::move(*m));
  }
  for (const auto& s : SplitCommas(o.states)) {
    auto kind = sqlite::ParseHistoryKind(s);
    if (!kind) {
      return Error{"invalid --state \"" + s +
                   "\": want pending, firing, resolved, inactive, silenced, unsilenced, "
                   "inhibited or uninhibited"};
    }
    q.kinds.push_back(*kind);
  }
  auto events = (*reader)->QueryHistory(q);
  if (!events.ok()) return events.error();
  PrintHistory(out, *events, format);
  return Status::Ok();
}

}  // namespace tocsin::cli
