// Silences: Alertmanager's silence model and its rules (silence/silence.go), persisted in the
// SQLite store.
//
// A silence mutes every alert that all of its matchers accept while it is active:
//   pending  now < startsAt
//   active   startsAt <= now <= endsAt
//   expired  now > endsAt
// Matchers are Alertmanager's API matchers (name, value, isRegex, isEqual); regexes are RE2,
// anchored as Alertmanager anchors them (`^(?:re)$`).
//
// Changes follow Alertmanager's Silences.Set: an update that does not rewrite history (same
// matchers; for an active silence the same start and an end not in the past; for a pending one
// a start not in the past) changes the silence in place; any other update expires the old
// silence (unless it already expired) and creates a new one with a new id, so that what muted
// what stays visible. Expired silences are kept for `retention` after their end, then GC'd.
//
// Every change is committed to the store before it takes effect in memory, so a silence the API
// acknowledged survives a crash. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/alerting/matchers.h"
#include "storage/base/labels.h"
#include "storage/base/result.h"
#include "storage/base/time.h"
#include "storage/sqlite/records.h"

namespace tocsin::sqlite {
class SqliteStore;
}

namespace tocsin::alerting {

using SilenceMatcher = sqlite::SilenceMatcher;

enum class SilenceState { kActive, kPending, kExpired };
std::string_view SilenceStateName(SilenceState s);  // "active", "pending", "expired"

struct Silence {
  std::string id;  // "" when creating
  std::vector<SilenceMatcher> matchers;
  TimestampMs starts_at = 0;  // 0 = now
  TimestampMs ends_at = 0;
  TimestampMs updated_at = 0;  // set by Silences
  std::string created_by;
  std::string comment;
  std::map<std::string, std::string> annotations;

  SilenceState StateAt(TimestampMs now) const;
  friend bool operator==(const Silence&, const Silence&) = default;
};

// The message of the error Set and Expire return for an unknown id (Alertmanager's
// silence.ErrNotFound); the API answers 404 for it.
inline constexpr std::string_view kSilenceNotFound = "silence not found";
bool IsSilenceNotFound(const Error& e);
bool IsSilenceNotFound(const Status& s);

struct SilenceQuery {
  // States to return; empty = all.
  std::vector<SilenceState> states;
  // The API's filter: every filter matcher must equal (name, operator, value) one of the
  // silence's matchers.
  Matchers filter;
};

struct SilencesOptions {
  DurationMs retention = 120 * kHour;    // Alertmanager's --data.retention
  size_t max_silences = 0;               // 0 = unlimited (--silences.max-silences)
  sqlite::SqliteStore* store = nullptr;  // nullptr: in memory only
};

class Silences {
 public:
  explicit Silences(SilencesOptions options = {});
  ~Silences();
  Silences(const Silences&) = delete;
  Silences& operator=(const Silences&) = delete;

  // Replaces the state with silences loaded from the store on start. Silences whose matchers
  // no longer compile are skipped and reported.
  Status Restore(const std::vector<sqlite::SilenceRecord>& records);

  // Creates or updates a silence (see above); returns its id, which is new unless the update
  // happened in place. Errors: "invalid silence: ...", kSilenceNotFound for an unknown id,
  // "exceeded maximum number of silences: ...", or a store failure.
  Result<std::string> Set(Silence silence, TimestampMs now);
  // Ends a silence now; a silence already expired stays as it is.
  Status Expire(const std::string& id, TimestampMs now);

  std::optional<Silence> Get(const std::string& id) const;
  // Ordered as Alertmanager's API orders them: active (soonest end first), pending (soonest
  // start first), expired (latest end first).
  std::vector<Silence> Query(const SilenceQuery& query, TimestampMs now) const;

  // The ids of the active silences that mute `labels` at `now`, in creation order; empty when
  // none does.
  std::vector<std::string> Mutes(const Labels& labels, TimestampMs now) const;

  // Removes silences that ended `retention` ago or more; returns how many.
  Result<size_t> GC(TimestampMs now);

  // Changes with every successful Set, Expire, GC or Restore: a cheap "did anything change".
  uint64_t generation() const;
  // The earliest startsAt or endsAt after `now` among the silences: when Mutes() answers may
  // change without any call.
  std::optional<TimestampMs> NextTransition(TimestampMs now) const;
  size_t size() const;

 private:
  struct Entry;
  using EntryPtr = std::shared_ptr<const Entry>;

  Status Persist(const std::vector<const Silence*>& upserts,
                 const std::vector<std::string>& deletes);
  void InsertLocked(EntryPtr entry);
  void EraseLocked(const std::string& id);
  Silence ExpiredCopy(const Silence& s, TimestampMs now) const;

  SilencesOptions options_;
  mutable std::shared_mutex mu_;
  uint64_t next_seq_ = 1;
  uint64_t generation_ = 0;
  std::unordered_map<std::string, EntryPtr> by_id_;
  // Silences with an equality matcher on a non-empty value can only mute alerts carrying that
  // label value: they are found through this index (name -> value -> entries). The rest are
  // checked one by one.
  std::unordered_map<std::string, std::unordered_map<std::string, std::vector<EntryPtr>>> by_label_;
  std::vector<EntryPtr> unindexed_;
};

// Compiles silence matchers (validating them as Alertmanager does). Errors name the matcher:
// "invalid label matcher 0 in set 0: invalid label name \"\"".
Result<Matchers> CompileSilenceMatchers(const std::vector<SilenceMatcher>& matchers);

sqlite::SilenceRecord ToRecord(const Silence& s);
Silence FromRecord(const sqlite::SilenceRecord& r);

}  // namespace tocsin::alerting
