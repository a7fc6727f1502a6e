// The records the alert pipeline persists: plain values, independent of engine/, rules/ and
// notifiers/ (this is the lowest layer). Times are milliseconds since the epoch; 0 means
// "not set" for optional instants (no alert event happens at the epoch).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/labels.h"
#include "storage/base/time.h"

namespace tocsin::sqlite {

// ---- Current alerts -----------------------------------------------------------------------

enum class AlertState { kInactive, kPending, kFiring };
std::string_view AlertStateName(AlertState s);  // "inactive", "pending", "firing"
std::optional<AlertState> ParseAlertState(std::string_view s);

// One live alert with the rule state that must survive a restart (Prometheus's
// rules.Alert plus what Alertmanager keeps per alert). Alerts that came through the
// Alertmanager API rather than a local rule have empty `group` and `rule`.
// Identity: (group, rule, labels.fingerprint()).
struct AlertRecord {
  std::string group;  // rule group identity, e.g. "rules/app.yml;app-alerts"
  std::string rule;   // rule identity inside the group (its name, or name + index)
  Labels labels;
  Labels annotations;
  AlertState state = AlertState::kPending;
  double value = 0;
  TimestampMs active_at = 0;
  TimestampMs fired_at = 0;
  TimestampMs resolved_at = 0;
  TimestampMs keep_firing_since = 0;
  TimestampMs last_sent_at = 0;
  TimestampMs valid_until = 0;  // EndsAt sent for a firing alert
  TimestampMs starts_at = 0;    // Alertmanager view
  TimestampMs ends_at = 0;
  TimestampMs updated_at = 0;
  std::string generator_url;

  uint64_t fingerprint() const { return labels.fingerprint(); }
  friend bool operator==(const AlertRecord&, const AlertRecord&) = default;
};

// ---- Alert history --------------------------------------------------------------------------

// What happened to an alert. Rule transitions (pending, firing, resolved, inactive = a pending
// alert that went away without firing) and pipeline decisions (silenced, unsilenced,
// inhibited, uninhibited).
enum class HistoryKind {
  kPending,
  kFiring,
  kResolved,
  kInactive,
  kSilenced,
  kUnsilenced,
  kInhibited,
  kUninhibited,
};
std::string_view HistoryKindName(HistoryKind k);
std::optional<HistoryKind> ParseHistoryKind(std::string_view s);

struct HistoryEvent {
  int64_t id = 0;  // assigned by the store; increases with insertion order
  TimestampMs at = 0;
  HistoryKind kind = HistoryKind::kPending;
  std::string group;
  std::string rule;
  Labels labels;
  Labels annotations;
  std::optional<double> value;
  TimestampMs active_at = 0;
  TimestampMs fired_at = 0;
  TimestampMs resolved_at = 0;
  TimestampMs starts_at = 0;
  TimestampMs ends_at = 0;
  std::vector<std::string> silenced_by;   // silence ids
  std::vector<std::string> inhibited_by;  // inhibit rules (or the inhibiting alerts' fingerprints)
  std::vector<std::string> receivers;     // receivers the alert routes to, when known

  uint64_t fingerprint() const { return labels.fingerprint(); }
  std::string_view alertname() const { return labels.get("alertname"); }
  friend bool operator==(const HistoryEvent&, const HistoryEvent&) = default;
};

// ---- Notification attempts ------------------------------------------------------------------

enum class DeliveryStatus {
  kSuccess,
  kRetrying,          // failed, another attempt is scheduled
  kFailed,            // failed and given up (the group's interval ran out)
  kPermanentFailure,  // not retryable (e.g. HTTP 4xx other than 429)
  kLogged,   // the receiver has no active integration: written to the log and history only
  kSkipped,  // send_resolved is off and nothing fires: logged as sent without sending
  kRefused,  // an integration tocsin does not implement (e.g. opsgenie_configs)
};
// success, retrying, failed, permanent_failure, logged, skipped, refused
std::string_view DeliveryStatusName(DeliveryStatus s);
std::optional<DeliveryStatus> ParseDeliveryStatus(std::string_view s);

// Identifies one integration of one receiver for one aggregation group: the key of
// Alertmanager's notification log.
struct NotifyTarget {
  std::string group_key;
  std::string receiver;
  std::string integration;  // "slack", "email", "pagerduty", "webhook"
  int index = 0;            // position in the receiver's <integration>_configs list

  friend bool operator==(const NotifyTarget&, const NotifyTarget&) = default;
  friend auto operator<=>(const NotifyTarget&, const NotifyTarget&) = default;
};

struct NotificationAttempt {
  int64_t id = 0;  // assigned by the store
  TimestampMs at = 0;
  NotifyTarget target;
  DeliveryStatus status = DeliveryStatus::kSuccess;
  std::string error;
  int http_status = 0;  // 0 when not HTTP or no response
  DurationMs duration = 0;
  int attempt = 1;  // 1 for the first try of this notification
  int alerts_firing = 0;
  int alerts_resolved = 0;
  std::string reason;  // Alertmanager's notification_reason, e.g. "new alerts added"
  int64_t outbox_id = 0;

  friend bool operator==(const NotificationAttempt&, const NotificationAttempt&) = default;
};

// ---- Silences ---------------------------------------------------------------------------------

// Alertmanager's silence matcher model (api/v2): isEqual=false negates.
struct SilenceMatcher {
  std::string name;
  std::string value;
  bool is_regex = false;
  bool is_equal = true;
  friend bool operator==(const SilenceMatcher&, const SilenceMatcher&) = default;
};

struct SilenceRecord {
  std::string id;  // UUID
  std::vector<SilenceMatcher> matchers;
  TimestampMs starts_at = 0;
  TimestampMs ends_at = 0;
  TimestampMs updated_at = 0;
  std::string created_by;
  std::string comment;
  Labels annotations;
  friend bool operator==(const SilenceRecord&, const SilenceRecord&) = default;
};

// ---- Notification log -----------------------------------------------------------------------

// What was last delivered to a target (Alertmanager's nflog entry): the fingerprints of the
// firing and resolved alerts in that notification.
struct NflogEntry {
  NotifyTarget target;
  TimestampMs timestamp = 0;
  std::vector<uint64_t> firing;
  std::vector<uint64_t> resolved;
  TimestampMs expires_at = 0;
  friend bool operator==(const NflogEntry&, const NflogEntry&) = default;
};

// ---- Outbox -----------------------------------------------------------------------------------

// A notification decided on but not yet delivered. The payload is opaque to the store (the
// pipeline's rendered message or whatever it needs to send again after a restart); firing and
// resolved become the nflog entry when delivery succeeds. See sqlite_store.h for the protocol.
struct OutboxEntry {
  int64_t id = 0;  // assigned by the store
  NotifyTarget target;
  std::string payload;
  std::vector<uint64_t> firing;
  std::vector<uint64_t> resolved;
  TimestampMs created_at = 0;
  TimestampMs next_attempt_at = 0;
  int attempts = 0;  // delivery attempts made so far
  std::string last_error;
  friend bool operator==(const OutboxEntry&, const OutboxEntry&) = default;
};

}  // namespace tocsin::sqlite
