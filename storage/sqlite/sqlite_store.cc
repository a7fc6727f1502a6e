#include "storage/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <random>

#include "storage/sqlite/codec.h"
#include "storage/sqlite/database.h"
#include "storage/sqlite/label_set_index.h"
#include "storage/sqlite/row_writers.h"
#include "storage/sqlite/schema.h"

namespace tocsin::sqlite {

namespace {

// Optional instants: NULL in the file, 0 in the records.
TimestampMs ColumnTime(const Statement& s, int column) {
  return s.IsNull(column) ? 0 : s.Int64(column);
}

std::string NewInstanceId() {
  std::random_device rd;
  std::uniform_int_distribution<uint64_t> dist;
  return std::to_string(getpid()) + "-" + FingerprintHex(dist(rd));
}

// Writes the attempt record: every delivery attempt is kept, whatever its outcome.
Status InsertAttempt(Database& db, const NotificationAttempt& a) {
  auto st = db.Cached(
      "INSERT INTO notifications (at, group_key, receiver, integration, integration_index, "
      "status, error, http_status, duration_ms, attempt, alerts_firing, alerts_resolved, reason, "
      "outbox_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  if (!st.ok()) return st.error();
  Statement& s = **st;
  s.Bind(1, a.at)
      .Bind(2, a.target.group_key)
      .Bind(3, a.target.receiver)
      .Bind(4, a.target.integration)
      .Bind(5, a.target.index)
      .Bind(6, DeliveryStatusName(a.status))
      .Bind(7, a.error);
  if (a.http_status != 0) s.Bind(8, a.http_status);
  s.Bind(9, a.duration)
      .Bind(10, a.attempt)
      .Bind(11, a.alerts_firing)
      .Bind(12, a.alerts_resolved)
      .Bind(13, a.reason);
  if (a.outbox_id != 0) s.Bind(14, a.outbox_id);
  return s.Run();
}

// An exclusive advisory lock beside the database: one tocsin process owns a data directory,
// which is what lets Open release outbox claims left by a crashed predecessor.
Result<int> LockDataFile(const std::string& path) {
  const std::string lock_path = path + ".lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Error{"cannot open " + lock_path + ": " + std::strerror(errno)};
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Error{path + " is in use by another tocsin process (lock " + lock_path + " is held)"};
  }
  return fd;
}

// Closes the lock if Open fails before the store takes it over.
struct FileLock {
  int fd = -1;
  ~FileLock() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string SqliteStore::PathInDataDir(const std::string& data_dir) {
  if (data_dir.empty()) return kFileName;
  return data_dir.back() == '/' ? data_dir + kFileName : data_dir + "/" + kFileName;
}

SqliteStore::SqliteStore(std::unique_ptr<Database> db, std::string path, StoreOptions options)
    : db_(std::move(db)),
      label_sets_(std::make_unique<LabelSetIndex>()),
      path_(std::move(path)),
      options_(options),
      instance_id_(NewInstanceId()) {}

SqliteStore::~SqliteStore() {
  if (db_) {
    // Fold the WAL back into the main file so a stopped daemon leaves one self-contained file.
    (void)db_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  db_.reset();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       StoreOptions options) {
  int lock_fd = -1;
  if (path != ":memory:") {
    auto lock = LockDataFile(path);
    if (!lock.ok()) return lock.error();
    lock_fd = *lock;
  }
  FileLock guard{lock_fd};
  auto db = Database::Open(path, OpenMode::kReadWriteCreate);
  if (!db.ok()) return db.error();
  Database& d = **db;
  // WAL: readers (tocsin history) never block the writer and a commit is one append.
  {
    auto mode = d.Prepare("PRAGMA journal_mode = WAL");
    if (!mode.ok()) return mode.error();
    auto row = mode->Step();
    if (!row.ok()) return row.error();
    if (!*row || (mode->Text(0) != "wal" && path != ":memory:")) {
      return Error{path + ": cannot switch to WAL mode (journal_mode is " +
                   (*row ? mode->String(0) : std::string("unknown")) + ")"};
    }
  }
  const char* sync = options.synchronous == StoreOptions::Sync::kFull
                         ? "PRAGMA synchronous = FULL"
                         : "PRAGMA synchronous = NORMAL";
  if (Status s = d.Exec(sync); !s.ok()) return Error{s.message()};
  // A cycle that changes 10k alerts dirties a few MiB of pages; with SQLite's default 2 MiB
  // cache they would spill to the WAL mid-transaction and be read back. The cache grows to
  // this only when used.
  if (Status s = d.Exec("PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY"); !s.ok()) {
    return Error{s.message()};
  }
  if (Status s = Migrate(d); !s.ok()) return Error{s.message()};

  // Claims of a previous process: it is gone (we hold the lock), so its in-flight entries are
  // waiting again, unless a newer entry for the same target already waits and supersedes them.
  if (Status s = d.Exec(
          "BEGIN IMMEDIATE;"
          "DELETE FROM outbox WHERE claimed_by IS NOT NULL AND EXISTS (SELECT 1 FROM outbox w "
          "WHERE w.claimed_by IS NULL AND w.group_key = outbox.group_key AND w.receiver = "
          "outbox.receiver AND w.integration = outbox.integration AND w.integration_index = "
          "outbox.integration_index);"
          "UPDATE outbox SET claimed_by = NULL WHERE claimed_by IS NOT NULL;"
          "COMMIT;");
      !s.ok()) {
    (void)d.Exec("ROLLBACK");
    return Error{s.message()};
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(*db), path, options));
  store->lock_fd_ = std::exchange(guard.fd, -1);
  return store;
}

Result<CommitResult> SqliteStore::Commit(const WriteBatch& batch) {
  std::lock_guard lock(mu_);
  CommitResult result;
  if (batch.empty()) return result;
  auto tx = Transaction::Begin(*db_);
  if (!tx.ok()) return tx.error();
  const auto& ops = batch.ops();
  for (size_t i = 0; i < ops.size();) {
    // Runs of alerts or of history events go to the multi-row writers; order is kept.
    Status s;
    size_t next = i + 1;
    if (std::holds_alternative<AlertRecord>(ops[i])) {
      std::vector<const AlertRecord*> run;
      for (next = i; next < ops.size() && std::holds_alternative<AlertRecord>(ops[next]); ++next) {
        run.push_back(&std::get<AlertRecord>(ops[next]));
      }
      s = WriteAlerts(*db_, *label_sets_, run);
    } else if (std::holds_alternative<HistoryEvent>(ops[i])) {
      std::vector<const HistoryEvent*> run;
      for (next = i; next < ops.size() && std::holds_alternative<HistoryEvent>(ops[next]); ++next) {
        run.push_back(&std::get<HistoryEvent>(ops[next]));
      }
      s = WriteHistory(*db_, *label_sets_, run);
    } else {
      s = Apply(ops[i], result);
    }
    if (!s.ok()) {
      label_sets_->Rollback();
      return Error{s.message()};  // ~Transaction rolls back
    }
    i = next;
  }
  if (Status s = tx->Commit(); !s.ok()) {
    label_sets_->Rollback();
    return Error{s.message()};
  }
  label_sets_->Commit();
  return result;
}

Status SqliteStore::Apply(const WriteBatch::Op& op, CommitResult& result) {
  struct Visitor {
    SqliteStore& store;
    CommitResult& result;
    Status operator()(const AlertRecord& a) {
      const AlertRecord* one = &a;
      return WriteAlerts(*store.db_, *store.label_sets_, {&one, 1});
    }
    Status operator()(const WriteBatch::DeleteAlertOp& d) {
      auto st = store.db_->Cached(
          "DELETE FROM alerts WHERE rule_group = ?1 AND rule = ?2 AND label_set_id IN (SELECT id "
          "FROM label_sets WHERE fingerprint = ?3)");
      if (!st.ok()) return st.error();
      (*st)->Bind(1, d.group).Bind(2, d.rule).Bind(3, FingerprintHex(d.fingerprint));
      return (*st)->Run();
    }
    Status operator()(const HistoryEvent& e) {
      const HistoryEvent* one = &e;
      return WriteHistory(*store.db_, *store.label_sets_, {&one, 1});
    }
    Status operator()(const NotificationAttempt& a) { return InsertAttempt(*store.db_, a); }
    Status operator()(const SilenceRecord& s) { return store.ApplySilence(s); }
    Status operator()(const WriteBatch::DeleteSilenceOp& d) {
      auto st = store.db_->Cached("DELETE FROM silences WHERE id = ?1");
      if (!st.ok()) return st.error();
      (*st)->Bind(1, d.id);
      return (*st)->Run();
    }
    Status operator()(const NflogEntry& e) { return store.ApplyNflog(e); }
    Status operator()(const WriteBatch::DeleteNflogOp& d) {
      auto st = store.db_->Cached(
          "DELETE FROM nflog WHERE group_key = ?1 AND receiver = ?2 AND integration = ?3 AND "
          "integration_index = ?4");
      if (!st.ok()) return st.error();
      (*st)
          ->Bind(1, d.target.group_key)
          .Bind(2, d.target.receiver)
          .Bind(3, d.target.integration)
          .Bind(4, d.target.index);
      return (*st)->Run();
    }
    Status operator()(const WriteBatch::EnqueueOp& e) {
      auto id = store.ApplyEnqueue(e.entry);
      if (!id.ok()) return id.error();
      result.outbox_ids.push_back(*id);
      return Status::Ok();
    }
  };
  return std::visit(Visitor{*this, result}, op);
}

Status SqliteStore::ApplySilence(const SilenceRecord& sil) {
  auto st = db_->Cached(
      "INSERT OR REPLACE INTO silences (id, matchers, starts_at, ends_at, updated_at, "
      "created_by, comment, annotations) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st.ok()) return st.error();
  (*st)
      ->Bind(1, sil.id)
      .Bind(2, EncodeSilenceMatchers(sil.matchers))
      .Bind(3, sil.starts_at)
      .Bind(4, sil.ends_at)
      .Bind(5, sil.updated_at)
      .Bind(6, sil.created_by)
      .Bind(7, sil.comment)
      .Bind(8, EncodeLabels(sil.annotations));
  return (*st)->Run();
}

Status SqliteStore::ApplyNflog(const NflogEntry& e) {
  auto st = db_->Cached(
      "INSERT OR REPLACE INTO nflog (group_key, receiver, integration, integration_index, at, "
      "firing, resolved, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st.ok()) return st.error();
  (*st)
      ->Bind(1, e.target.group_key)
      .Bind(2, e.target.receiver)
      .Bind(3, e.target.integration)
      .Bind(4, e.target.index)
      .Bind(5, e.timestamp)
      .Bind(6, EncodeFingerprints(e.firing))
      .Bind(7, EncodeFingerprints(e.resolved))
      .Bind(8, e.expires_at);
  return (*st)->Run();
}

Result<int64_t> SqliteStore::ApplyEnqueue(const OutboxEntry& e) {
  // The conflict target names the partial unique index: only a *waiting* entry is replaced;
  // one in flight stays as it is and the new one waits behind it.
  auto st = db_->Cached(
      "INSERT INTO outbox (group_key, receiver, integration, integration_index, payload, firing, "
      "resolved, created_at, next_attempt_at, attempts, last_error) VALUES (?1, ?2, ?3, ?4, ?5, "
      "?6, ?7, ?8, ?9, 0, '') ON CONFLICT (group_key, receiver, integration, integration_index) "
      "WHERE claimed_by IS NULL DO UPDATE SET payload = excluded.payload, firing = "
      "excluded.firing, resolved = excluded.resolved, created_at = excluded.created_at, "
      "next_attempt_at = excluded.next_attempt_at, attempts = 0, last_error = '' RETURNING id");
  if (!st.ok()) return st.error();
  Statement& s = **st;
  s.Bind(1, e.target.group_key)
      .Bind(2, e.target.receiver)
      .Bind(3, e.target.integration)
      .Bind(4, e.target.index)
      .Bind(5, e.payload)
      .Bind(6, EncodeFingerprints(e.firing))
      .Bind(7, EncodeFingerprints(e.resolved))
      .Bind(8, e.created_at)
      .Bind(9, e.next_attempt_at != 0 ? e.next_attempt_at : e.created_at);
  auto row = s.Step();
  if (!row.ok()) return row.error();
  if (!*row) return Error{"sqlite: outbox insert returned no id"};
  const int64_t id = s.Int64(0);
  s.Reset();
  return id;
}

// ---- Restore --------------------------------------------------------------------------------

Result<RestoredState> SqliteStore::Restore(TimestampMs now) {
  std::lock_guard lock(mu_);
  // One read transaction: the four parts are one snapshot, so an outbox entry and the nflog
  // entry it became can never both (or neither) appear.
  if (Status s = db_->Exec("BEGIN"); !s.ok()) return Error{s.message()};
  struct EndRead {
    Database& db;
    ~EndRead() { (void)db.Exec("COMMIT"); }
  } end_read{*db_};
  RestoredState state;
  auto alerts = LoadAlertsLocked();
  if (!alerts.ok()) return alerts.error();
  state.alerts = std::move(*alerts);
  auto silences = LoadSilencesLocked();
  if (!silences.ok()) return silences.error();
  state.silences = std::move(*silences);
  auto nflog = LoadNflogLocked(now);
  if (!nflog.ok()) return nflog.error();
  state.nflog = std::move(*nflog);
  auto outbox = LoadOutboxLocked(false, 0, 0);
  if (!outbox.ok()) return outbox.error();
  state.outbox = std::move(*outbox);
  return state;
}

Result<std::vector<AlertRecord>> SqliteStore::LoadAlerts() {
  std::lock_guard lock(mu_);
  return LoadAlertsLocked();
}

Result<std::vector<AlertRecord>> SqliteStore::LoadAlertsLocked() {
  auto st = db_->Prepare(
      "SELECT a.rule_group, a.rule, l.labels, a.annotations, a.state, a.value, a.active_at, "
      "a.fired_at, a.resolved_at, a.keep_firing_since, a.last_sent_at, a.valid_until, "
      "a.starts_at, a.ends_at, a.updated_at, a.generator_url FROM alerts a JOIN label_sets l ON "
      "l.id = a.label_set_id ORDER BY a.rule_group, a.rule, l.fingerprint");
  if (!st.ok()) return st.error();
  std::vector<AlertRecord> out;
  while (true) {
    auto row = st->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    AlertRecord a;
    a.group = st->String(0);
    a.rule = st->String(1);
    auto labels = DecodeLabels(st->Text(2));
    if (!labels.ok()) return Error{path_ + ": alerts: " + labels.message()};
    a.labels = std::move(*labels);
    auto annotations = DecodeLabels(st->Text(3));
    if (!annotations.ok()) return Error{path_ + ": alerts: " + annotations.message()};
    a.annotations = std::move(*annotations);
    auto state = ParseAlertState(st->Text(4));
    if (!state) return Error{path_ + ": alerts: unknown state \"" + st->String(4) + "\""};
    a.state = *state;
    a.value = st->Double(5);
    a.active_at = ColumnTime(*st, 6);
    a.fired_at = ColumnTime(*st, 7);
    a.resolved_at = ColumnTime(*st, 8);
    a.keep_firing_since = ColumnTime(*st, 9);
    a.last_sent_at = ColumnTime(*st, 10);
    a.valid_until = ColumnTime(*st, 11);
    a.starts_at = ColumnTime(*st, 12);
    a.ends_at = ColumnTime(*st, 13);
    a.updated_at = ColumnTime(*st, 14);
    a.generator_url = st->String(15);
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::vector<SilenceRecord>> SqliteStore::LoadSilences() {
  std::lock_guard lock(mu_);
  return LoadSilencesLocked();
}

Result<std::vector<SilenceRecord>> SqliteStore::LoadSilencesLocked() {
  auto st = db_->Prepare(
      "SELECT id, matchers, starts_at, ends_at, updated_at, created_by, comment, annotations "
      "FROM silences ORDER BY id");
  if (!st.ok()) return st.error();
  std::vector<SilenceRecord> out;
  while (true) {
    auto row = st->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    SilenceRecord s;
    s.id = st->String(0);
    auto matchers = DecodeSilenceMatchers(st->Text(1));
    if (!matchers.ok()) return Error{path_ + ": silence " + s.id + ": " + matchers.message()};
    s.matchers = std::move(*matchers);
    s.starts_at = st->Int64(2);
    s.ends_at = st->Int64(3);
    s.updated_at = st->Int64(4);
    s.created_by = st->String(5);
    s.comment = st->String(6);
    auto annotations = DecodeLabels(st->Text(7));
    if (!annotations.ok()) return Error{path_ + ": silence " + s.id + ": " + annotations.message()};
    s.annotations = std::move(*annotations);
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<NflogEntry>> SqliteStore::LoadNflog(TimestampMs now) {
  std::lock_guard lock(mu_);
  return LoadNflogLocked(now);
}

Result<std::vector<NflogEntry>> SqliteStore::LoadNflogLocked(TimestampMs now) {
  auto st = db_->Prepare(
      "SELECT group_key, receiver, integration, integration_index, at, firing, resolved, "
      "expires_at FROM nflog WHERE expires_at > ?1 ORDER BY group_key, receiver, integration, "
      "integration_index");
  if (!st.ok()) return st.error();
  st->Bind(1, now);
  std::vector<NflogEntry> out;
  while (true) {
    auto row = st->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    NflogEntry e;
    e.target = {st->String(0), st->String(1), st->String(2), st->Int(3)};
    e.timestamp = st->Int64(4);
    auto firing = DecodeFingerprints(st->Text(5));
    if (!firing.ok()) return Error{path_ + ": nflog: " + firing.message()};
    e.firing = std::move(*firing);
    auto resolved = DecodeFingerprints(st->Text(6));
    if (!resolved.ok()) return Error{path_ + ": nflog: " + resolved.message()};
    e.resolved = std::move(*resolved);
    e.expires_at = st->Int64(7);
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<OutboxEntry>> SqliteStore::LoadOutbox() {
  std::lock_guard lock(mu_);
  return LoadOutboxLocked(false, 0, 0);
}

Result<std::vector<OutboxEntry>> SqliteStore::LoadOutboxLocked(bool only_claimable, TimestampMs now,
                                                               size_t max) {
  std::string sql =
      "SELECT id, group_key, receiver, integration, integration_index, payload, firing, "
      "resolved, created_at, next_attempt_at, attempts, last_error FROM outbox o";
  if (only_claimable) {
    sql +=
        " WHERE claimed_by IS NULL AND next_attempt_at <= ?1 AND NOT EXISTS (SELECT 1 FROM "
        "outbox f WHERE f.claimed_by IS NOT NULL AND f.group_key = o.group_key AND f.receiver = "
        "o.receiver AND f.integration = o.integration AND f.integration_index = "
        "o.integration_index) ORDER BY id LIMIT ?2";
  } else {
    sql += " ORDER BY id";
  }
  auto st = db_->Cached(sql);
  if (!st.ok()) return st.error();
  Statement& s = **st;
  if (only_claimable) s.Bind(1, now).Bind(2, static_cast<int64_t>(max));
  std::vector<OutboxEntry> out;
  while (true) {
    auto row = s.Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    OutboxEntry e;
    e.id = s.Int64(0);
    e.target = {s.String(1), s.String(2), s.String(3), s.Int(4)};
    e.payload = s.String(5);
    auto firing = DecodeFingerprints(s.Text(6));
    if (!firing.ok()) return Error{path_ + ": outbox: " + firing.message()};
    e.firing = std::move(*firing);
    auto resolved = DecodeFingerprints(s.Text(7));
    if (!resolved.ok()) return Error{path_ + ": outbox: " + resolved.message()};
    e.resolved = std::move(*resolved);
    e.created_at = s.Int64(8);
    e.next_attempt_at = s.Int64(9);
    e.attempts = s.Int(10);
    e.last_error = s.String(11);
    out.push_back(std::move(e));
  }
  s.Reset();
  return out;
}

// ---- Outbox delivery ------------------------------------------------------------------------

Result<std::vector<OutboxEntry>> SqliteStore::ClaimDue(TimestampMs now, size_t max) {
  std::lock_guard lock(mu_);
  auto tx = Transaction::Begin(*db_);
  if (!tx.ok()) return tx.error();
  auto due = LoadOutboxLocked(true, now, max);
  if (!due.ok()) return due.error();
  // Two due entries for one target (one waiting behind a retry) go out one at a time.
  std::vector<OutboxEntry> claimed;
  auto st = db_->Cached(
      "UPDATE outbox SET claimed_by = ?1, attempts = attempts + 1 WHERE id = ?2 AND claimed_by "
      "IS NULL");
  if (!st.ok()) return st.error();
  for (auto& e : *due) {
    bool taken = false;
    for (const auto& c : claimed) taken = taken || c.target == e.target;
    if (taken) continue;
    (*st)->Reset();
    (*st)->Bind(1, instance_id_).Bind(2, e.id);
    if (Status s = (*st)->Run(); !s.ok()) return Error{s.message()};
    e.attempts += 1;
    claimed.push_back(std::move(e));
  }
  if (Status s = tx->Commit(); !s.ok()) return Error{s.message()};
  return claimed;
}

Status SqliteStore::MarkDelivered(int64_t outbox_id, TimestampMs delivered_at,
                                  TimestampMs nflog_expires_at,
                                  const NotificationAttempt& attempt) {
  std::lock_guard lock(mu_);
  auto tx = Transaction::Begin(*db_);
  if (!tx.ok()) return Error{tx.message()};
  // The row becomes the nflog entry and disappears from the outbox in the same statement
  // sequence of one transaction: it is never in both, never in neither.
  auto st = db_->Cached(
      "INSERT OR REPLACE INTO nflog (group_key, receiver, integration, integration_index, at, "
      "firing, resolved, expires_at) SELECT group_key, receiver, integration, "
      "integration_index, ?2, firing, resolved, ?3 FROM outbox WHERE id = ?1 AND claimed_by = "
      "?4");
  if (!st.ok()) return st.error();
  (*st)->Bind(1, outbox_id).Bind(2, delivered_at).Bind(3, nflog_expires_at).Bind(4, instance_id_);
  if (Status s = (*st)->Run(); !s.ok()) return s;
  if (db_->Changes() != 1) {
    return Error{"outbox entry " + std::to_string(outbox_id) + " is not claimed by this store"};
  }
  auto del = db_->Cached("DELETE FROM outbox WHERE id = ?1");
  if (!del.ok()) return del.error();
  (*del)->Bind(1, outbox_id);
  if (Status s = (*del)->Run(); !s.ok()) return s;
  if (Status s = InsertAttempt(*db_, attempt); !s.ok()) return s;
  return tx->Commit();
}

Status SqliteStore::ScheduleRetry(int64_t outbox_id, TimestampMs next_attempt_at,
                                  const NotificationAttempt& attempt) {
  std::lock_guard lock(mu_);
  auto tx = Transaction::Begin(*db_);
  if (!tx.ok()) return Error{tx.message()};
  // A newer notification for the same target queued while this one was in flight supersedes
  // it: retrying the old content would only be followed by the new one.
  auto superseded = db_->Cached(
      "DELETE FROM outbox WHERE id = ?1 AND claimed_by = ?2 AND EXISTS (SELECT 1 FROM outbox w "
      "JOIN outbox o ON o.id = ?1 WHERE w.claimed_by IS NULL AND w.group_key = o.group_key AND "
      "w.receiver = o.receiver AND w.integration = o.integration AND w.integration_index = "
      "o.integration_index)");
  if (!superseded.ok()) return superseded.error();
  (*superseded)->Bind(1, outbox_id).Bind(2, instance_id_);
  if (Status s = (*superseded)->Run(); !s.ok()) return s;
  if (db_->Changes() == 0) {
    auto st = db_->Cached(
        "UPDATE outbox SET claimed_by = NULL, next_attempt_at = ?2, last_error = ?3 WHERE id = "
        "?1 AND claimed_by = ?4");
    if (!st.ok()) return st.error();
    (*st)->Bind(1, outbox_id).Bind(2, next_attempt_at).Bind(3, attempt.error).Bind(4, instance_id_);
    if (Status s = (*st)->Run(); !s.ok()) return s;
    if (db_->Changes() != 1) {
      return Error{"outbox entry " + std::to_string(outbox_id) + " is not claimed by this store"};
    }
  }
  if (Status s = InsertAttempt(*db_, attempt); !s.ok()) return s;
  return tx->Commit();
}

Status SqliteStore::Abandon(int64_t outbox_id, const NotificationAttempt& attempt) {
  std::lock_guard lock(mu_);
  auto tx = Transaction::Begin(*db_);
  if (!tx.ok()) return Error{tx.message()};
  auto st = db_->Cached("DELETE FROM outbox WHERE id = ?1 AND claimed_by = ?2");
  if (!st.ok()) return st.error();
  (*st)->Bind(1, outbox_id).Bind(2, instance_id_);
  if (Status s = (*st)->Run(); !s.ok()) return s;
  if (db_->Changes() != 1) {
    return Error{"outbox entry " + std::to_string(outbox_id) + " is not claimed by this store"};
  }
  if (Status s = InsertAttempt(*db_, attempt); !s.ok()) return s;
  return tx->Commit();
}

// ---- Maintenance ------------------------------------------------------------------------------

Result<int64_t> SqliteStore::DeleteChunked(const std::string& sql, TimestampMs cutoff) {
  int64_t total = 0;
  while (true) {
    auto tx = Transaction::Begin(*db_);
    if (!tx.ok()) return tx.error();
    auto st = db_->Cached(sql);
    if (!st.ok()) return st.error();
    (*st)->Bind(1, cutoff);
    if (Status s = (*st)->Run(); !s.ok()) return Error{s.message()};
    const int n = db_->Changes();
    if (Status s = tx->Commit(); !s.ok()) return Error{s.message()};
    total += n;
    if (n == 0) break;
  }
  return total;
}

Result<PruneStats> SqliteStore::Prune(TimestampMs now) {
  std::lock_guard lock(mu_);
  PruneStats stats;
  // Chunks of 10k rows: a prune of a big backlog never holds the write lock for long.
  auto history = DeleteChunked(
      "DELETE FROM history WHERE id IN (SELECT id FROM history WHERE at < ?1 LIMIT 10000)",
      now - options_.history_retention);
  if (!history.ok()) return history.error();
  stats.history = *history;
  auto notifications = DeleteChunked(
      "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE at < ?1 LIMIT "
      "10000)",
      now - options_.notification_retention);
  if (!notifications.ok()) return notifications.error();
  stats.notifications = *notifications;
  auto silences =
      DeleteChunked("DELETE FROM silences WHERE ends_at < ?1", now - options_.silence_retention);
  if (!silences.ok()) return silences.error();
  stats.silences = *silences;
  auto nflog = DeleteChunked("DELETE FROM nflog WHERE expires_at <= ?1", now);
  if (!nflog.ok()) return nflog.error();
  stats.nflog = *nflog;

  // Label sets neither a history row nor a current alert uses, with their inverted index.
  label_sets_->Clear();
  auto tx = Transaction::Begin(*db_);
  if (!tx.ok()) return tx.error();
  if (Status s = db_->Exec(
          "CREATE TEMP TABLE IF NOT EXISTS orphan_sets (id INTEGER PRIMARY KEY);"
          "DELETE FROM temp.orphan_sets;"
          "INSERT INTO temp.orphan_sets SELECT id FROM label_sets l WHERE NOT EXISTS (SELECT 1 "
          "FROM history h WHERE h.label_set_id = l.id) AND l.id NOT IN (SELECT label_set_id "
          "FROM alerts);"
          "DELETE FROM label_pairs WHERE label_set_id IN temp.orphan_sets;"
          "DELETE FROM label_sets WHERE id IN temp.orphan_sets;");
      !s.ok()) {
    return Error{s.message()};
  }
  auto orphans = db_->QueryInt("SELECT count(*) FROM temp.orphan_sets");
  if (!orphans.ok()) return orphans.error();
  stats.label_sets = *orphans;
  if (Status s = tx->Commit(); !s.ok()) return Error{s.message()};
  return stats;
}

}  // namespace tocsin::sqlite
