// Read-only queries over the history and notification records, for `tocsin history` and the
// HTTP API. A HistoryReader has its own read-only connection, so it reads a consistent
// snapshot while the daemon's SqliteStore keeps writing (WAL). One thread at a time per reader.
//
// Label matchers use the label_pairs inverted index: every matcher that cannot match an empty
// value (a label that must be present: `a="x"`, `a=~"x|y"`) is resolved to the label sets
// having a matching value, found through the (name, value) index with regexes tried once per
// distinct value, not once per row. History is then read newest first through the time index
// restricted to those label sets; matchers that also match missing labels (`a!="x"`,
// `a=~".*"`) are applied to each row's labels. All matchers are re-checked per row, so the
// prefilter only ever narrows the work, never the answer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/base/labels.h"
#include "storage/base/matcher.h"
#include "storage/base/result.h"
#include "storage/base/time.h"
#include "storage/sqlite/records.h"

namespace tocsin::sqlite {

class Database;

struct HistoryQuery {
  std::optional<TimestampMs> since;  // inclusive
  std::optional<TimestampMs> until;  // inclusive
  std::string alertname;             // exact; empty = any
  std::vector<LabelMatcher> matchers;
  std::vector<HistoryKind> kinds;  // empty = any
  std::string receiver;            // events whose alert routes to this receiver; empty = any
  size_t limit = 0;                // 0 = no limit
};

struct NotificationQuery {
  std::optional<TimestampMs> since;
  std::optional<TimestampMs> until;
  std::string receiver;
  std::string integration;
  std::string group_key;
  std::vector<DeliveryStatus> statuses;  // empty = any
  size_t limit = 0;
};

class HistoryReader {
 public:
  // Fails when the file does not exist (a reader never creates one) or its schema is not the
  // one this tocsin writes.
  static Result<std::unique_ptr<HistoryReader>> Open(const std::string& path);
  ~HistoryReader();

  // Newest first (by time, then insertion order).
  Result<std::vector<HistoryEvent>> QueryHistory(const HistoryQuery& query);
  Result<std::vector<NotificationAttempt>> QueryNotifications(const NotificationQuery& query);

 private:
  explicit HistoryReader(std::unique_ptr<Database> db);
  // The label sets satisfying every matcher that requires its label; nullopt when no matcher
  // narrows anything.
  Result<std::optional<std::vector<int64_t>>> CandidateLabelSets(
      const std::vector<LabelMatcher>& matchers);
  Result<const Labels*> LabelSet(int64_t id);

  std::unique_ptr<Database> db_;
  std::unordered_map<int64_t, Labels> label_sets_;
};

}  // namespace tocsin::sqlite
