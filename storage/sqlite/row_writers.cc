#include "storage/sqlite/row_writers.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "storage/sqlite/codec.h"

namespace tocsin::sqlite {

namespace {

constexpr int kAlertColumns = 16;
constexpr int kHistoryColumns = 15;

constexpr const char* kAlertInsert =
    "INSERT INTO alerts (rule_group, rule, label_set_id, annotations, state, value, active_at, "
    "fired_at, resolved_at, keep_firing_since, last_sent_at, valid_until, starts_at, ends_at, "
    "updated_at, generator_url) VALUES ";
// An upsert, not INSERT OR REPLACE: an alert that exists (the common case, every cycle) is
// updated in place instead of deleted and inserted again.
constexpr const char* kAlertUpsert =
    " ON CONFLICT (label_set_id, rule_group, rule) DO UPDATE SET annotations = "
    "excluded.annotations, state = excluded.state, value = excluded.value, active_at = "
    "excluded.active_at, fired_at = excluded.fired_at, resolved_at = excluded.resolved_at, "
    "keep_firing_since = excluded.keep_firing_since, last_sent_at = excluded.last_sent_at, "
    "valid_until = excluded.valid_until, starts_at = excluded.starts_at, ends_at = "
    "excluded.ends_at, updated_at = excluded.updated_at, generator_url = excluded.generator_url";
constexpr const char* kHistoryInsert =
    "INSERT INTO history (at, kind, rule_group, rule, label_set_id, annotations, value, "
    "active_at, fired_at, resolved_at, starts_at, ends_at, silenced_by, inhibited_by, "
    "receivers) VALUES ";

// "(?, ?, ...), (...)" for `rows` tuples of `columns` anonymous parameters (numbered 1..n in
// order, which is how the binders below count).
std::string Tuples(size_t rows, int columns) {
  std::string out;
  out.reserve(rows * (static_cast<size_t>(columns) * 3 + 4));
  for (size_t r = 0; r < rows; ++r) {
    if (r > 0) out += ", ";
    out += '(';
    for (int c = 0; c < columns; ++c) {
      if (c > 0) out += ", ";
      out += '?';
    }
    out += ')';
  }
  return out;
}

// Full chunks use the kRowsPerStatement-row statement, the remainder the single-row one:
// two cached statements per table whatever the batch sizes. Built once (thread-safe static
// initialisation); the Database's cache is keyed by this text.
const std::string& AlertSql(size_t rows) {
  static const std::string one = kAlertInsert + Tuples(1, kAlertColumns) + kAlertUpsert;
  static const std::string chunk =
      kAlertInsert + Tuples(kRowsPerStatement, kAlertColumns) + kAlertUpsert;
  return rows == 1 ? one : chunk;
}

const std::string& HistorySql(size_t rows) {
  static const std::string one = kHistoryInsert + Tuples(1, kHistoryColumns);
  static const std::string chunk = kHistoryInsert + Tuples(kRowsPerStatement, kHistoryColumns);
  return rows == 1 ? one : chunk;
}

// A chunk is full or a single row.
size_t ChunkSize(size_t remaining) {
  return remaining >= kRowsPerStatement ? kRowsPerStatement : 1;
}

// Optional instants are NULL in the file (readable in the sqlite3 shell), 0 in the records.
void BindTime(Statement& s, int index, TimestampMs t) {
  if (t == 0) {
    s.BindNull(index);
  } else {
    s.Bind(index, t);
  }
}

}  // namespace

Status WriteAlerts(Database& db, LabelSetIndex& label_sets,
                   std::span<const AlertRecord* const> alerts) {
  std::vector<std::string> annotations(kRowsPerStatement);  // outlive each Run: bound static
  while (!alerts.empty()) {
    const size_t n = ChunkSize(alerts.size());
    // Interning may run its own statements: do it before binding the chunk's statement.
    std::array<int64_t, kRowsPerStatement> ids{};
    for (size_t i = 0; i < n; ++i) {
      auto id = label_sets.Intern(db, alerts[i]->labels);
      if (!id.ok()) return id.error();
      ids[i] = *id;
      annotations[i] = EncodeLabels(alerts[i]->annotations);
    }
    auto st = db.Cached(AlertSql(n));
    if (!st.ok()) return st.error();
    Statement& s = **st;
    for (size_t i = 0; i < n; ++i) {
      const AlertRecord& a = *alerts[i];
      const int b = static_cast<int>(i) * kAlertColumns;
      s.BindStatic(b + 1, a.group).BindStatic(b + 2, a.rule).Bind(b + 3, ids[i]);
      s.BindStatic(b + 4, annotations[i]).BindStatic(b + 5, AlertStateName(a.state));
      // SQLite would store NaN as NULL; the column is NOT NULL, and a NaN alert value carries
      // nothing a restart needs.
      s.Bind(b + 6, std::isnan(a.value) ? 0.0 : a.value);
      BindTime(s, b + 7, a.active_at);
      BindTime(s, b + 8, a.fired_at);
      BindTime(s, b + 9, a.resolved_at);
      BindTime(s, b + 10, a.keep_firing_since);
      BindTime(s, b + 11, a.last_sent_at);
      BindTime(s, b + 12, a.valid_until);
      BindTime(s, b + 13, a.starts_at);
      BindTime(s, b + 14, a.ends_at);
      BindTime(s, b + 15, a.updated_at);
      s.BindStatic(b + 16, a.generator_url);
    }
    if (Status r = s.Run(); !r.ok()) return r;
    alerts = alerts.subspan(n);
  }
  return Status::Ok();
}

Status WriteHistory(Database& db, LabelSetIndex& label_sets,
                    std::span<const HistoryEvent* const> events) {
  // Four encoded columns per row, alive until the chunk's Run.
  std::vector<std::string> text(kRowsPerStatement * 4);
  while (!events.empty()) {
    const size_t n = ChunkSize(events.size());
    std::array<int64_t, kRowsPerStatement> ids{};
    for (size_t i = 0; i < n; ++i) {
      const HistoryEvent& e = *events[i];
      auto id = label_sets.Intern(db, e.labels);
      if (!id.ok()) return id.error();
      ids[i] = *id;
      text[i * 4] = EncodeLabels(e.annotations);
      text[i * 4 + 1] = EncodeStrings(e.silenced_by);
      text[i * 4 + 2] = EncodeStrings(e.inhibited_by);
      text[i * 4 + 3] = EncodeStrings(e.receivers);
    }
    auto st = db.Cached(HistorySql(n));
    if (!st.ok()) return st.error();
    Statement& s = **st;
    for (size_t i = 0; i < n; ++i) {
      const HistoryEvent& e = *events[i];
      const int b = static_cast<int>(i) * kHistoryColumns;
      s.Bind(b + 1, e.at)
          .BindStatic(b + 2, HistoryKindName(e.kind))
          .BindStatic(b + 3, e.group)
          .BindStatic(b + 4, e.rule)
          .Bind(b + 5, ids[i])
          .BindStatic(b + 6, text[i * 4]);
      if (e.value && !std::isnan(*e.value)) {
        s.Bind(b + 7, *e.value);
      } else {
        s.BindNull(b + 7);
      }
      BindTime(s, b + 8, e.active_at);
      BindTime(s, b + 9, e.fired_at);
      BindTime(s, b + 10, e.resolved_at);
      BindTime(s, b + 11, e.starts_at);
      BindTime(s, b + 12, e.ends_at);
      s.BindStatic(b + 13, text[i * 4 + 1])
          .BindStatic(b + 14, text[i * 4 + 2])
          .BindStatic(b + 15, text[i * 4 + 3]);
    }
    if (Status r = s.Run(); !r.ok()) return r;
    events = events.subspan(n);
  }
  return Status::Ok();
}

}  // namespace tocsin::sqlite
