// `tocsin history`: query the alert history (or, with --notifications, the delivery attempts)
// that the daemon records in <storage.path>/tocsin.db. Reads through its own read-only
// connection, so it is safe to run while the daemon writes.
#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "engine/cli/commands.h"
#include "engine/cli/history_args.h"
#include "engine/cli/history_output.h"
#include "engine/daemon/config.h"
#include "storage/sqlite/history_reader.h"
#include "storage/sqlite/sqlite_store.h"

namespace tocsin::cli {

namespace {

struct HistoryOptions {
  std::string config_file;
  std::string storage_path;  // empty: the configuration file's, else "data"
  std::string since;
  std::string until;
  std::string alertname;
  std::vector<std::string> matchers;
  std::vector<std::string> states;
  std::string receiver;
  std::string integration;
  size_t limit = 100;
  std::string format = "table";
  bool notifications = false;
};

// Where the database is: --storage.path, else the storage.path of --config.file (read alone,
// nothing it points to is loaded), else "data".
Result<std::string> DatabasePath(const HistoryOptions& o) {
  std::string dir = o.storage_path;
  if (dir.empty() && !o.config_file.empty()) {
    auto config = daemon::ReadDaemonConfig(o.config_file);
    if (!config.ok()) return config.error();
    dir = config->storage.path;
  }
  return sqlite::SqliteStore::PathInDataDir(dir.empty() ? "data" : dir);
}

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

Status Run(const HistoryOptions& o, std::ostream& out) {
  const TimestampMs now = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  auto format = ParseOutputFormat(o.format);
  if (!format.ok()) return format.error();
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
  auto path = DatabasePath(o);
  if (!path.ok()) return path.error();
  auto reader = sqlite::HistoryReader::Open(*path);
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
    PrintNotifications(out, *attempts, *format);
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
  PrintHistory(out, *events, *format);
  return Status::Ok();
}

}  // namespace

void RegisterHistoryCommand(CLI::App& app) {
  auto o = std::make_shared<HistoryOptions>();
  CLI::App* cmd = app.add_subcommand(
      "history", "Show recorded alert transitions (newest first), or notification attempts");
  cmd->add_option("--config.file", o->config_file,
                  "The daemon's configuration file, to find its storage.path");
  cmd->add_option("--storage.path", o->storage_path,
                  "Data directory holding tocsin.db (default: the configuration file's, else "
                  "data)");
  cmd->add_option("--since", o->since,
                  "Only entries at or after this time: a duration before now (2h, 7d) or RFC 3339");
  cmd->add_option("--until", o->until, "Only entries at or before this time (same forms)");
  cmd->add_option("--alertname", o->alertname, "Only this alert name");
  cmd->add_option("--matcher", o->matchers,
                  "Label matcher, e.g. 'component=~\"queue|redis\"' (repeatable, all must match)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--state", o->states,
                  "Only these states (repeatable or comma-separated): pending, firing, resolved, "
                  "inactive, silenced, unsilenced, inhibited, uninhibited; with --notifications: "
                  "success, retrying, failed, permanent_failure, logged, skipped, refused")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--receiver", o->receiver,
                  "Only alerts routed to this receiver (with --notifications: attempts to it)");
  cmd->add_option("--integration", o->integration,
                  "With --notifications: only this integration (slack, email, pagerduty, webhook)");
  cmd->add_option("--limit", o->limit, "At most this many entries, newest first (0: all)")
      ->capture_default_str();
  cmd->add_option("--format", o->format, "Output format: table, json or csv")
      ->capture_default_str();
  cmd->add_flag("--notifications", o->notifications,
                "Show notification delivery attempts instead of alert transitions");
  cmd->callback([o] {
    if (Status s = Run(*o, std::cout); !s.ok()) {
      std::cerr << "tocsin history: " << s.message() << '\n';
      ExitCode() = 1;
    }
  });
}

}  // namespace tocsin::cli
