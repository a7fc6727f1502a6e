// One alert as the Alertmanager half of tocsin holds it (Alertmanager's alert.Alert), and the
// rules for accepting and merging alerts that its API and alert store apply.
//
// Alerts arrive as PostableAlert — from the rule engine through rules::AlertSink, or from the
// HTTP API — and are normalised once (MakeAlert): a missing startsAt becomes "now" (or endsAt
// when only that is given), a missing endsAt becomes now + resolve_timeout and is flagged as a
// timeout, so that a later explicit endsAt wins over it when copies are merged. After that an
// Alert is immutable and shared (AlertPtr) between the store, the inhibitor and the groups.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/labels.h"
#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::alerting {

// Annotations keep empty values (label sets drop them): Alertmanager forwards an annotation
// whose value is "". Sorted by name, unique. The same type as notifiers::Annotations.
using Annotations = std::vector<Label>;

// An alert as posted (api/v2 postableAlert). Times are milliseconds since the epoch; 0 = not
// given.
struct PostableAlert {
  Labels labels;
  Annotations annotations;
  TimestampMs starts_at = 0;
  TimestampMs ends_at = 0;
  std::string generator_url;
};

struct Alert {
  Labels labels;
  Annotations annotations;
  TimestampMs starts_at = 0;
  TimestampMs ends_at = 0;     // always set once accepted (see `timeout`)
  TimestampMs updated_at = 0;  // when this copy was received: the younger copy wins a merge
  bool timeout = false;        // ends_at was derived from resolve_timeout, not given
  std::string generator_url;

  uint64_t fingerprint() const { return labels.fingerprint(); }
  // Alertmanager's ResolvedAt: an end is known and it is not after `t`.
  bool ResolvedAt(TimestampMs t) const { return ends_at != 0 && ends_at <= t; }
  std::string_view name() const { return labels.get("alertname"); }

  friend bool operator==(const Alert&, const Alert&) = default;
};

using AlertPtr = std::shared_ptr<const Alert>;

// Normalises a posted alert received at `now` as Alertmanager's API does, then validates it
// (at least one label, valid UTF-8 names and values, startsAt not after endsAt). Errors read
// like Alertmanager's: "start time must be before end time", "at least one label pair required",
// "invalid label set: invalid name \"\\xff\"".
Result<Alert> MakeAlert(const PostableAlert& posted, TimestampMs now, DurationMs resolve_timeout);
// Same, taking the posted alert's strings instead of copying them.
Result<Alert> MakeAlert(PostableAlert&& posted, TimestampMs now, DurationMs resolve_timeout);

// Alertmanager's Alert.Merge of two copies of one alert (same labels): the younger copy (later
// updated_at) wins, the earliest startsAt is kept, and a later endsAt of the older copy is kept
// when it is explicit (not a timeout) or when both copies are resolved at `now`.
Alert MergeAlerts(const Alert& a, const Alert& b, TimestampMs now);
// Same, moving from `b` when it is the younger copy (a re-sent alert, the usual case).
Alert MergeAlerts(const Alert& a, Alert&& b, TimestampMs now);

// Whether the store merges a new copy into the stored one: only when their activity ranges
// overlap (a new copy that starts after the old one ended is a new occurrence and replaces it).
bool ShouldMerge(const Alert& stored, const Alert& incoming);

// Alertmanager's AlertSlice order: by the `job` label, then `instance` (alerts that have the
// label first), then by label set (model.LabelSet.Before: fewer labels first, then by the
// values of the sorted names).
bool AlertOrderLess(const Alert& a, const Alert& b);
// model.LabelSet.Before.
bool LabelSetBefore(const Labels& a, const Labels& b);

// %016x of the fingerprint, as Alertmanager prints fingerprints.
std::string FingerprintHex(uint64_t fingerprint);

// Annotations sorted by name with the last value of a repeated name winning.
Annotations MakeAnnotations(std::vector<Label> pairs);
// Annotations as a label set (drops empty values): what the SQLite records hold.
Labels AnnotationsAsLabels(const Annotations& annotations);
Annotations AnnotationsFromLabels(const Labels& labels);

}  // namespace tocsin::alerting
