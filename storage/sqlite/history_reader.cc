#include "storage/sqlite/history_reader.h"

#include <sys/stat.h>

#include <algorithm>

#include "storage/sqlite/codec.h"
#include "storage/sqlite/database.h"
#include "storage/sqlite/schema.h"

namespace tocsin::sqlite {

namespace {

TimestampMs ColumnTime(const Statement& s, int column) {
  return s.IsNull(column) ? 0 : s.Int64(column);
}

// "?, ?, ?" for n parameters starting at `first`.
std::string Placeholders(int first, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += ", ";
    out += '?';  // appended in two steps: GCC 12's -Wrestrict misfires on "?" + to_string()
    out += std::to_string(first + static_cast<int>(i));
  }
  return out;
}

bool MatchesAll(const Labels& labels, const std::vector<LabelMatcher>& matchers) {
  return std::all_of(matchers.begin(), matchers.end(),
                     [&](const LabelMatcher& m) { return m.matches(labels.get(m.name())); });
}

}  // namespace

HistoryReader::HistoryReader(std::unique_ptr<Database> db) : db_(std::move(db)) {}
HistoryReader::~HistoryReader() = default;

Result<std::unique_ptr<HistoryReader>> HistoryReader::Open(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Error{"no tocsin database at " + path + " (is --storage.path right?)"};
  }
  auto db = Database::Open(path, OpenMode::kReadOnly);
  if (!db.ok()) return db.error();
  auto version = SchemaVersion(**db);
  if (!version.ok()) return Error{path + ": " + version.message()};
  if (*version != kSchemaVersion) {
    return Error{path + ": schema version " + std::to_string(*version) + ", this tocsin reads " +
                 std::to_string(kSchemaVersion) +
                 (*version < kSchemaVersion ? "; start the tocsin daemon once to migrate it"
                                            : "; use a newer tocsin")};
  }
  if (Status s = (*db)->Exec("CREATE TEMP TABLE query_sets (id INTEGER PRIMARY KEY)"); !s.ok()) {
    return Error{s.message()};
  }
  return std::unique_ptr<HistoryReader>(new HistoryReader(std::move(*db)));
}

Result<std::optional<std::vector<int64_t>>> HistoryReader::CandidateLabelSets(
    const std::vector<LabelMatcher>& matchers) {
  std::optional<std::vector<int64_t>> result;
  for (const LabelMatcher& m : matchers) {
    if (m.matches_empty()) continue;  // also true of label sets without the label: no index
    std::vector<int64_t> ids;
    if (m.type() == MatchType::kEqual) {
      auto st = db_->Cached("SELECT label_set_id FROM label_pairs WHERE name = ?1 AND value = ?2");
      if (!st.ok()) return st.error();
      (*st)->Bind(1, m.name()).Bind(2, m.value());
      while (true) {
        auto row = (*st)->Step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        ids.push_back((*st)->Int64(0));
      }
    } else {
      // Rows come ordered by value: each distinct value is matched once.
      auto st =
          db_->Cached("SELECT value, label_set_id FROM label_pairs WHERE name = ?1 ORDER BY value");
      if (!st.ok()) return st.error();
      (*st)->Bind(1, m.name());
      std::string last_value;
      bool last_matched = false, first = true;
      while (true) {
        auto row = (*st)->Step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        const std::string_view value = (*st)->Text(0);
        if (first || value != last_value) {
          last_value = value;
          last_matched = m.matches(value);
          first = false;
        }
        if (last_matched) ids.push_back((*st)->Int64(1));
      }
    }
    std::sort(ids.begin(), ids.end());
    if (!result) {
      result = std::move(ids);
    } else {
      std::vector<int64_t> both;
      std::set_intersection(result->begin(), result->end(), ids.begin(), ids.end(),
                            std::back_inserter(both));
      result = std::move(both);
    }
    if (result->empty()) break;
  }
  return result;
}

Result<const Labels*> HistoryReader::LabelSet(int64_t id) {
  if (auto it = label_sets_.find(id); it != label_sets_.end()) return &it->second;
  auto st = db_->Cached("SELECT labels FROM label_sets WHERE id = ?1");
  if (!st.ok()) return st.error();
  (*st)->Bind(1, id);
  auto row = (*st)->Step();
  if (!row.ok()) return row.error();
  if (!*row)
    return Error{db_->path() + ": history refers to missing label set " + std::to_string(id)};
  auto labels = DecodeLabels((*st)->Text(0));
  (*st)->Reset();
  if (!labels.ok())
    return Error{db_->path() + ": label set " + std::to_string(id) + ": " + labels.message()};
  return &label_sets_.emplace(id, std::move(*labels)).first->second;
}

Result<std::vector<HistoryEvent>> HistoryReader::QueryHistory(const HistoryQuery& q) {
  // The alert name is a label: its filter is one more equality matcher on the index.
  std::vector<LabelMatcher> matchers = q.matchers;
  if (!q.alertname.empty()) {
    auto m = LabelMatcher::Make(MatchType::kEqual, "alertname", q.alertname);
    if (!m.ok()) return m.error();
    matchers.push_back(std::move(*m));
  }
  auto candidates = CandidateLabelSets(matchers);
  if (!candidates.ok()) return candidates.error();
  if (*candidates && (*candidates)->empty()) return std::vector<HistoryEvent>{};

  std::string sql =
      "SELECT h.id, h.at, h.kind, h.rule_group, h.rule, h.label_set_id, h.annotations, h.value, "
      "h.active_at, h.fired_at, h.resolved_at, h.starts_at, h.ends_at, h.silenced_by, "
      "h.inhibited_by, h.receivers FROM history h WHERE 1";
  int next = 1;
  if (q.since) sql += " AND h.at >= ?" + std::to_string(next++);
  if (q.until) sql += " AND h.at <= ?" + std::to_string(next++);
  if (!q.kinds.empty()) {
    sql += " AND h.kind IN (" + Placeholders(next, q.kinds.size()) + ")";
    next += static_cast<int>(q.kinds.size());
  }
  if (!q.receiver.empty()) {
    sql += " AND EXISTS (SELECT 1 FROM json_each(h.receivers) r WHERE r.value = ?" +
           std::to_string(next++) + ")";
  }
  if (*candidates) {
    // Two plans. Few candidate label sets: read each one's rows through (label_set_id, at) and
    // sort them. Many (an eighth or more of all label sets, e.g. component=~"a|b"): walk the
    // time index newest first and test membership, which stops as soon as `limit` rows are
    // found instead of sorting hundreds of thousands. The unary + keeps SQLite from using the
    // label set index in the second plan.
    auto total = db_->QueryInt("SELECT coalesce(max(id), 0) FROM label_sets");
    if (!total.ok()) return total.error();
    const bool dense = static_cast<int64_t>((*candidates)->size()) * 8 >= *total;
    sql += dense ? " AND +h.label_set_id IN temp.query_sets"
                 : " AND h.label_set_id IN temp.query_sets";
  }
  sql += " ORDER BY h.at DESC, h.id DESC";
  const bool exact_in_sql = std::all_of(matchers.begin(), matchers.end(),
                                        [](const LabelMatcher& m) { return !m.matches_empty(); });
  if (q.limit > 0 && exact_in_sql) sql += " LIMIT " + std::to_string(q.limit);

  if (*candidates) {
    if (Status s = db_->Exec("DELETE FROM temp.query_sets"); !s.ok()) return Error{s.message()};
    auto insert = db_->Cached("INSERT INTO temp.query_sets (id) VALUES (?1)");
    if (!insert.ok()) return insert.error();
    for (int64_t id : **candidates) {
      (*insert)->Reset();
      (*insert)->Bind(1, id);
      if (Status s = (*insert)->Run(); !s.ok()) return Error{s.message()};
    }
  }

  auto st = db_->Cached(sql);
  if (!st.ok()) return st.error();
  Statement& s = **st;
  int bind = 1;
  if (q.since) s.Bind(bind++, *q.since);
  if (q.until) s.Bind(bind++, *q.until);
  for (HistoryKind k : q.kinds) s.Bind(bind++, HistoryKindName(k));
  if (!q.receiver.empty()) s.Bind(bind++, q.receiver);

  std::vector<HistoryEvent> out;
  while (q.limit == 0 || out.size() < q.limit) {
    auto row = s.Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    auto labels = LabelSet(s.Int64(5));
    if (!labels.ok()) return labels.error();
    if (!MatchesAll(**labels, matchers)) continue;
    HistoryEvent e;
    e.id = s.Int64(0);
    e.at = s.Int64(1);
    auto kind = ParseHistoryKind(s.Text(2));
    if (!kind)
      return Error{db_->path() + ": history row " + std::to_string(e.id) + ": unknown kind \"" +
                   s.String(2) + "\""};
    e.kind = *kind;
    e.group = s.String(3);
    e.rule = s.String(4);
    e.labels = **labels;
    auto annotations = DecodeLabels(s.Text(6));
    if (!annotations.ok()) return annotations.error();
    e.annotations = std::move(*annotations);
    if (!s.IsNull(7)) e.value = s.Double(7);
    e.active_at = ColumnTime(s, 8);
    e.fired_at = ColumnTime(s, 9);
    e.resolved_at = ColumnTime(s, 10);
    e.starts_at = ColumnTime(s, 11);
    e.ends_at = ColumnTime(s, 12);
    auto silenced = DecodeStrings(s.Text(13));
    auto inhibited = DecodeStrings(s.Text(14));
    auto receivers = DecodeStrings(s.Text(15));
    if (!silenced.ok()) return silenced.error();
    if (!inhibited.ok()) return inhibited.error();
    if (!receivers.ok()) return receivers.error();
    e.silenced_by = std::move(*silenced);
    e.inhibited_by = std::move(*inhibited);
    e.receivers = std::move(*receivers);
    out.push_back(std::move(e));
  }
  s.Reset();
  return out;
}

Result<std::vector<NotificationAttempt>> HistoryReader::QueryNotifications(
    const NotificationQuery& q) {
  std::string sql =
      "SELECT id, at, group_key, receiver, integration, integration_index, status, error, "
      "http_status, duration_ms, attempt, alerts_firing, alerts_resolved, reason, outbox_id "
      "FROM notifications WHERE 1";
  int next = 1;
  if (q.since) sql += " AND at >= ?" + std::to_string(next++);
  if (q.until) sql += " AND at <= ?" + std::to_string(next++);
  if (!q.receiver.empty()) sql += " AND receiver = ?" + std::to_string(next++);
  if (!q.integration.empty()) sql += " AND integration = ?" + std::to_string(next++);
  if (!q.group_key.empty()) sql += " AND group_key = ?" + std::to_string(next++);
  if (!q.statuses.empty()) {
    sql += " AND status IN (" + Placeholders(next, q.statuses.size()) + ")";
    next += static_cast<int>(q.statuses.size());
  }
  sql += " ORDER BY at DESC, id DESC";
  if (q.limit > 0) sql += " LIMIT " + std::to_string(q.limit);
  auto st = db_->Cached(sql);
  if (!st.ok()) return st.error();
  Statement& s = **st;
  int bind = 1;
  if (q.since) s.Bind(bind++, *q.since);
  if (q.until) s.Bind(bind++, *q.until);
  if (!q.receiver.empty()) s.Bind(bind++, q.receiver);
  if (!q.integration.empty()) s.Bind(bind++, q.integration);
  if (!q.group_key.empty()) s.Bind(bind++, q.group_key);
  for (DeliveryStatus st2 : q.statuses) s.Bind(bind++, DeliveryStatusName(st2));

  std::vector<NotificationAttempt> out;
  while (true) {
    auto row = s.Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    NotificationAttempt a;
    a.id = s.Int64(0);
    a.at = s.Int64(1);
    a.target = {s.String(2), s.String(3), s.String(4), s.Int(5)};
    auto status = ParseDeliveryStatus(s.Text(6));
    if (!status)
      return Error{db_->path() + ": notification " + std::to_string(a.id) + ": unknown status \"" +
                   s.String(6) + "\""};
    a.status = *status;
    a.error = s.String(7);
    a.http_status = s.IsNull(8) ? 0 : s.Int(8);
    a.duration = s.Int64(9);
    a.attempt = s.Int(10);
    a.alerts_firing = s.Int(11);
    a.alerts_resolved = s.Int(12);
    a.reason = s.String(13);
    a.outbox_id = s.IsNull(14) ? 0 : s.Int64(14);
    out.push_back(std::move(a));
  }
  s.Reset();
  return out;
}

}  // namespace tocsin::sqlite
