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
#include "engine/cli/history_query.h"
#include "engine/daemon/config.h"
#include "storage/sqlite/history_reader.h"
#include "storage/sqlite/sqlite_store.h"

namespace tocsin::cli {

namespace {

struct HistoryOptions {
  std::string config_file;
  std::string storage_path;  // empty: the configuration file's, else "data"
  std::string format = "table";
  HistoryQueryArgs query;
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

Status Run(const HistoryOptions& o, std::ostream& out) {
  auto format = ParseOutputFormat(o.format);
  if (!format.ok()) return format.error();
  auto path = DatabasePath(o);
  if (!path.ok()) return path.error();
  const TimestampMs now = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  return RunHistoryQuery(*path, o.query, *format, now, out);
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
  cmd->add_option("--since", o->query.since,
                  "Only entries at or after this time: a duration before now (2h, 7d) or RFC 3339");
  cmd->add_option("--until", o->query.until, "Only entries at or before this time (same forms)");
  cmd->add_option("--alertname", o->query.alertname, "Only this alert name");
  cmd->add_option("--matcher", o->query.matchers,
                  "Label matcher, e.g. 'component=~\"queue|redis\"' (repeatable, all must match)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--state", o->query.states,
                  "Only these states (repeatable or comma-separated): pending, firing, resolved, "
                  "inactive, silenced, unsilenced, inhibited, uninhibited; with --notifications: "
                  "success, retrying, failed, permanent_failure, logged, skipped, refused")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--receiver", o->query.receiver,
                  "Only alerts routed to this receiver (with --notifications: attempts to it)");
  cmd->add_option("--integration", o->query.integration,
                  "With --notifications: only this integration (slack, email, pagerduty, webhook)");
  cmd->add_option("--limit", o->query.limit, "At most this many entries, newest first (0: all)")
      ->capture_default_str();
  cmd->add_option("--format", o->format, "Output format: table, json or csv")
      ->capture_default_str();
  cmd->add_flag("--notifications", o->query.notifications,
                "Show notification delivery attempts instead of alert transitions");
  cmd->callback([o] {
    if (Status s = Run(*o, std::cout); !s.ok()) {
      std::cerr << "tocsin history: " << s.message() << '\n';
      ExitCode() = 1;
    }
  });
}

}  // namespace tocsin::cli
