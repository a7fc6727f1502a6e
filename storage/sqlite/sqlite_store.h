// SqliteStore: the durable layer of the alert pipeline: one SQLite file (`tocsin.db` in the
// data directory) in WAL mode holding current alerts with their rule state, alert history,
// notification attempts, silences, the notification log (nflog) and the outbox.
//
// The pipeline keeps its live state in memory and hands the store batches (WriteBatch): one
// Commit per evaluation cycle, so the store is never in the evaluation hot path. On start it
// calls Restore() once and rebuilds its in-memory state from what comes back.
//
// Threading: all methods may be called from any thread; one mutex serialises them on the
// store's single writer connection. The intended use is one writer strand (the pipeline's
// persistence worker) calling Commit and the outbox methods. Queries for users go through
// HistoryReader, which opens its own read-only connection: WAL lets it read while the store
// writes, and the daemon never waits for a `tocsin history` run.
//
// Durability: WAL with synchronous=NORMAL by default. A committed transaction survives any
// crash of the process (it is in the WAL the moment COMMIT returns); only a power loss or
// kernel crash can lose the last commits since the previous checkpoint, and never corrupts
// the file. For tocsin that loss is benign: rule state is re-derived at the next evaluation,
// and an outbox/nflog change that is lost makes the dispatcher notify again (a duplicate, not
// a miss: Alertmanager's "fail open" choice). synchronous=FULL (StoreOptions) fsyncs every
// commit instead, for boxes where power loss is common and duplicates are not acceptable;
// it costs one fsync per cycle.
//
// The outbox protocol (exactly-once per the nflog):
//   1. The dispatcher decides to notify a target (dedup against its in-memory nflog), renders
//      the message and commits EnqueueNotification in a batch *before* sending anything.
//      A waiting entry for the same target is replaced by the newer one.
//   2. A delivery worker calls ClaimDue(now): due entries are marked as claimed by this
//      store instance and returned; a target with an entry in flight is not claimed twice,
//      so one target's notifications go out in order.
//   3. After the integration returns:
//        success           -> MarkDelivered(id, now, expires_at, attempt): deletes the entry,
//                             writes the nflog entry (its firing/resolved fingerprints) and the
//                             attempt record in one transaction;
//        retryable failure -> ScheduleRetry(id, next_attempt_at, attempt);
//        permanent/given up-> Abandon(id, attempt): deletes the entry, nflog untouched (as
//                             Alertmanager: a failed notification is not logged as sent).
//   4. After a crash, Open releases the claims of the dead process and Restore returns the
//      outbox with the nflog: an entry is in exactly one of the two, never both, so every
//      notification decided on is delivered, and one the nflog records is never resent. The
//      one window that remains is the network's: a receiver that accepted a message just
//      before the crash, ahead of MarkDelivered's commit, gets it again (at-least-once there;
//      PagerDuty's dedup_key and the group key make receivers idempotent).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/base/result.h"
#include "storage/base/time.h"
#include "storage/sqlite/records.h"
#include "storage/sqlite/write_batch.h"

namespace tocsin::sqlite {

class Database;
class LabelSetIndex;

struct StoreOptions {
  enum class Sync { kNormal, kFull };
  Sync synchronous = Sync::kNormal;
  DurationMs history_retention = 90 * kDay;       // alert history rows older than this go
  DurationMs notification_retention = 90 * kDay;  // notification attempt records
  DurationMs silence_retention = 5 * kDay;        // expired silences (Alertmanager: 120h)
};

struct CommitResult {
  std::vector<int64_t> outbox_ids;  // one per EnqueueNotification, in batch order
};

struct RestoredState {
  std::vector<AlertRecord> alerts;
  std::vector<SilenceRecord> silences;  // expired ones included while retained
  std::vector<NflogEntry> nflog;        // unexpired entries only
  std::vector<OutboxEntry> outbox;      // oldest first
};

struct PruneStats {
  int64_t history = 0;
  int64_t notifications = 0;
  int64_t silences = 0;
  int64_t nflog = 0;
  int64_t label_sets = 0;
};

class SqliteStore {
 public:
  static constexpr const char* kFileName = "tocsin.db";
  // `data_dir`/tocsin.db; the data directory is `--storage.path`.
  static std::string PathInDataDir(const std::string& data_dir);

  // Opens (creating if needed) the database file and migrates it to the current schema.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   StoreOptions options = {});
  ~SqliteStore();
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // Applies the whole batch in one transaction.
  Result<CommitResult> Commit(const WriteBatch& batch);

  // ---- Restore on start ----
  // Everything, read as one snapshot. The Load* functions read one part each.
  Result<RestoredState> Restore(TimestampMs now);
  Result<std::vector<AlertRecord>> LoadAlerts();
  Result<std::vector<SilenceRecord>> LoadSilences();
  Result<std::vector<NflogEntry>> LoadNflog(TimestampMs now);
  Result<std::vector<OutboxEntry>> LoadOutbox();

  // ---- Outbox delivery (see the protocol above) ----
  Result<std::vector<OutboxEntry>> ClaimDue(TimestampMs now, size_t max);
  Status MarkDelivered(int64_t outbox_id, TimestampMs delivered_at, TimestampMs nflog_expires_at,
                       const NotificationAttempt& attempt);
  Status ScheduleRetry(int64_t outbox_id, TimestampMs next_attempt_at,
                       const NotificationAttempt& attempt);
  Status Abandon(int64_t outbox_id, const NotificationAttempt& attempt);

  // ---- Maintenance ----
  // Deletes what is past retention (in chunks, so writers wait only briefly).
  Result<PruneStats> Prune(TimestampMs now);

  const std::string& path() const { return path_; }
  const StoreOptions& options() const { return options_; }

 private:
  SqliteStore(std::unique_ptr<Database> db, std::string path, StoreOptions options);
  Status Apply(const WriteBatch::Op& op, CommitResult& result);
  Status ApplyNotification(const NotificationAttempt& a);
  Status ApplySilence(const SilenceRecord& s);
  Status ApplyNflog(const NflogEntry& e);
  Result<int64_t> ApplyEnqueue(const OutboxEntry& e);
  Result<std::vector<AlertRecord>> LoadAlertsLocked();
  Result<std::vector<SilenceRecord>> LoadSilencesLocked();
  Result<std::vector<NflogEntry>> LoadNflogLocked(TimestampMs now);
  Result<std::vector<OutboxEntry>> LoadOutboxLocked(bool only_claimable, TimestampMs now,
                                                    size_t max);
  Result<int64_t> DeleteChunked(const std::string& sql, TimestampMs cutoff);

  std::mutex mu_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<LabelSetIndex> label_sets_;
  std::string path_;
  StoreOptions options_;
  std::string instance_id_;  // marks this process's outbox claims
  int lock_fd_ = -1;         // the data file's advisory lock, held while open
};

}  // namespace tocsin::sqlite
