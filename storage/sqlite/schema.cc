#include "storage/sqlite/schema.h"

#include <string>
#include <vector>

#include "storage/sqlite/codec.h"
#include "storage/sqlite/label_set_index.h"

namespace tocsin::sqlite {

namespace {

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE alerts (
  rule_group        TEXT NOT NULL,
  rule              TEXT NOT NULL,
  fingerprint       TEXT NOT NULL,
  labels            TEXT NOT NULL,
  annotations       TEXT NOT NULL,
  state             TEXT NOT NULL,
  value             REAL NOT NULL,
  active_at         INTEGER,
  fired_at          INTEGER,
  resolved_at       INTEGER,
  keep_firing_since INTEGER,
  last_sent_at      INTEGER,
  valid_until       INTEGER,
  starts_at         INTEGER,
  ends_at           INTEGER,
  updated_at        INTEGER,
  generator_url     TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (rule_group, rule, fingerprint)
) WITHOUT ROWID;

CREATE TABLE history (
  id            INTEGER PRIMARY KEY,
  at            INTEGER NOT NULL,
  kind          TEXT NOT NULL,
  alertname     TEXT NOT NULL,
  fingerprint   TEXT NOT NULL,
  rule_group    TEXT NOT NULL,
  rule          TEXT NOT NULL,
  labels        TEXT NOT NULL,
  annotations   TEXT NOT NULL,
  value         REAL,
  active_at     INTEGER,
  fired_at      INTEGER,
  resolved_at   INTEGER,
  starts_at     INTEGER,
  ends_at       INTEGER,
  silenced_by   TEXT NOT NULL DEFAULT '[]',
  inhibited_by  TEXT NOT NULL DEFAULT '[]',
  receivers     TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX history_at ON history (at);
CREATE INDEX history_alertname_at ON history (alertname, at);

CREATE TABLE notifications (
  id                INTEGER PRIMARY KEY,
  at                INTEGER NOT NULL,
  group_key         TEXT NOT NULL,
  receiver          TEXT NOT NULL,
  integration       TEXT NOT NULL,
  integration_index INTEGER NOT NULL,
  status            TEXT NOT NULL,
  error             TEXT NOT NULL DEFAULT '',
  http_status       INTEGER,
  duration_ms       INTEGER NOT NULL,
  attempt           INTEGER NOT NULL,
  alerts_firing     INTEGER NOT NULL,
  alerts_resolved   INTEGER NOT NULL,
  reason            TEXT NOT NULL DEFAULT '',
  outbox_id         INTEGER
);
CREATE INDEX notifications_at ON notifications (at);
CREATE INDEX notifications_receiver_at ON notifications (receiver, at);

CREATE TABLE silences (
  id          TEXT PRIMARY KEY,
  matchers    TEXT NOT NULL,
  starts_at   INTEGER NOT NULL,
  ends_at     INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  created_by  TEXT NOT NULL,
  comment     TEXT NOT NULL,
  annotations TEXT NOT NULL DEFAULT '{}'
) WITHOUT ROWID;

CREATE TABLE nflog (
  group_key         TEXT NOT NULL,
  receiver          TEXT NOT NULL,
  integration       TEXT NOT NULL,
  integration_index INTEGER NOT NULL,
  at                INTEGER NOT NULL,
  firing            TEXT NOT NULL,
  resolved          TEXT NOT NULL,
  expires_at        INTEGER NOT NULL,
  PRIMARY KEY (group_key, receiver, integration, integration_index)
) WITHOUT ROWID;

CREATE TABLE outbox (
  id                INTEGER PRIMARY KEY,
  group_key         TEXT NOT NULL,
  receiver          TEXT NOT NULL,
  integration       TEXT NOT NULL,
  integration_index INTEGER NOT NULL,
  payload           TEXT NOT NULL,
  firing            TEXT NOT NULL,
  resolved          TEXT NOT NULL,
  created_at        INTEGER NOT NULL,
  next_attempt_at   INTEGER NOT NULL,
  attempts          INTEGER NOT NULL DEFAULT 0,
  last_error        TEXT NOT NULL DEFAULT '',
  claimed_by        TEXT
);
-- At most one waiting (unclaimed) notification per target: a newer one replaces it.
CREATE UNIQUE INDEX outbox_waiting_target
  ON outbox (group_key, receiver, integration, integration_index) WHERE claimed_by IS NULL;
CREATE INDEX outbox_due ON outbox (next_attempt_at);
)sql";

constexpr const char* kSchemaV2Tables = R"sql(
CREATE TABLE label_sets (
  id          INTEGER PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  labels      TEXT NOT NULL
);
CREATE INDEX label_sets_fingerprint ON label_sets (fingerprint);
CREATE TABLE label_pairs (
  name         TEXT NOT NULL,
  value        TEXT NOT NULL,
  label_set_id INTEGER NOT NULL,
  PRIMARY KEY (name, value, label_set_id)
) WITHOUT ROWID;
CREATE INDEX label_pairs_set ON label_pairs (label_set_id);
ALTER TABLE history ADD COLUMN label_set_id INTEGER;
CREATE TABLE alerts_v2 (
  rule_group        TEXT NOT NULL,
  rule              TEXT NOT NULL,
  label_set_id      INTEGER NOT NULL,
  annotations       TEXT NOT NULL,
  state             TEXT NOT NULL,
  value             REAL NOT NULL,
  active_at         INTEGER,
  fired_at          INTEGER,
  resolved_at       INTEGER,
  keep_firing_since INTEGER,
  last_sent_at      INTEGER,
  valid_until       INTEGER,
  starts_at         INTEGER,
  ends_at           INTEGER,
  updated_at        INTEGER,
  generator_url     TEXT NOT NULL DEFAULT '',
  -- The integer first: key comparisons are settled by it, not by the group and rule texts.
  PRIMARY KEY (label_set_id, rule_group, rule)
) WITHOUT ROWID;
)sql";

// History rows keep only the label set id (alertname is a label like any other, found through
// label_pairs); the views give people with the sqlite3 shell the joined picture.
constexpr const char* kSchemaV2Finish = R"sql(
INSERT INTO alerts_v2 SELECT a.rule_group, a.rule, m.label_set_id, a.annotations, a.state,
  a.value, a.active_at, a.fired_at, a.resolved_at, a.keep_firing_since, a.last_sent_at,
  a.valid_until, a.starts_at, a.ends_at, a.updated_at, a.generator_url
  FROM alerts a JOIN temp.migrated_labels m ON m.labels = a.labels;
DROP TABLE alerts;
ALTER TABLE alerts_v2 RENAME TO alerts;
UPDATE history SET label_set_id = (SELECT m.label_set_id FROM temp.migrated_labels m
                                   WHERE m.labels = history.labels);
DROP INDEX history_alertname_at;
ALTER TABLE history DROP COLUMN labels;
ALTER TABLE history DROP COLUMN fingerprint;
ALTER TABLE history DROP COLUMN alertname;
CREATE INDEX history_label_set_at ON history (label_set_id, at);
DROP TABLE temp.migrated_labels;
CREATE VIEW history_view AS
  SELECT h.id, h.at, h.kind, json_extract(l.labels, '$.alertname') AS alertname,
         l.fingerprint, l.labels, h.annotations, h.value, h.rule_group, h.rule, h.active_at,
         h.fired_at, h.resolved_at, h.starts_at, h.ends_at, h.silenced_by, h.inhibited_by,
         h.receivers
  FROM history h JOIN label_sets l ON l.id = h.label_set_id;
CREATE VIEW alerts_view AS
  SELECT a.rule_group, a.rule, json_extract(l.labels, '$.alertname') AS alertname,
         l.fingerprint, l.labels, a.annotations, a.state, a.value, a.active_at, a.fired_at,
         a.resolved_at, a.keep_firing_since, a.last_sent_at, a.valid_until, a.starts_at,
         a.ends_at, a.updated_at, a.generator_url
  FROM alerts a JOIN label_sets l ON l.id = a.label_set_id;
)sql";

Status MigrateToV1(Database& db) {
  return db.Exec(kSchemaV1);
}

// Interns every label set stored inline (history and alerts) and points the rows at it.
Status MigrateToV2(Database& db) {
  if (Status s = db.Exec(kSchemaV2Tables); !s.ok()) return s;
  if (Status s = db.Exec("CREATE TEMP TABLE migrated_labels (labels TEXT PRIMARY KEY, "
                         "label_set_id INTEGER NOT NULL)");
      !s.ok()) {
    return s;
  }
  auto select = db.Prepare("SELECT labels FROM history UNION SELECT labels FROM alerts");
  if (!select.ok()) return select.error();
  std::vector<std::string> distinct;
  while (true) {
    auto row = select->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    distinct.push_back(select->String(0));
  }
  auto remember = db.Prepare("INSERT INTO temp.migrated_labels VALUES (?1, ?2)");
  if (!remember.ok()) return remember.error();
  LabelSetIndex index;
  for (const auto& text : distinct) {
    auto labels = DecodeLabels(text);
    if (!labels.ok()) return Error{"migrating to schema 2: " + labels.message()};
    auto id = index.Intern(db, *labels);
    if (!id.ok()) return id.error();
    remember->Reset();
    remember->Bind(1, text).Bind(2, *id);
    if (Status s = remember->Run(); !s.ok()) return s;
  }
  return db.Exec(kSchemaV2Finish);
}

struct Migration {
  int version;
  Status (*apply)(Database&);
};

constexpr Migration kMigrations[] = {
    {1, MigrateToV1},
    {2, MigrateToV2},
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion);

}  // namespace

Result<int> SchemaVersion(Database& db) {
  auto exists = db.QueryInt(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
  if (!exists.ok()) return exists.error();
  if (*exists == 0) return 0;
  auto v = db.QueryInt("SELECT coalesce(max(version), 0) FROM schema_version");
  if (!v.ok()) return v.error();
  return static_cast<int>(*v);
}

Status Migrate(Database& db, int target) {
  auto current = SchemaVersion(db);
  if (!current.ok()) return current.error();
  if (*current > kSchemaVersion) {
    return Error{db.path() + ": schema version " + std::to_string(*current) +
                 " is newer than this tocsin understands (" + std::to_string(kSchemaVersion) +
                 "); use a newer tocsin"};
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= *current || m.version > target) continue;
    auto tx = Transaction::Begin(db);
    if (!tx.ok()) return tx.error();
    if (Status s = db.Exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        !s.ok()) {
      return s;
    }
    if (Status s = m.apply(db); !s.ok()) {
      return Error{db.path() + ": migration to schema version " + std::to_string(m.version) +
                   " failed: " + s.message()};
    }
    if (Status s = db.Exec("DELETE FROM schema_version; INSERT INTO schema_version VALUES (" +
                           std::to_string(m.version) + ")");
        !s.ok()) {
      return s;
    }
    if (Status s = tx->Commit(); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace tocsin::sqlite
