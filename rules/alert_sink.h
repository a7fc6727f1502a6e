// Where alerting rules deliver the alerts that are due to be sent: the interface between rule
// evaluation and the alert pipeline (inhibition, silences, routing, notifications). Owned by
// rules/ so that rules/ depends on nothing above it; the pipeline implements it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/base/labels.h"
#include "storage/base/time.h"

namespace tocsin::rules {

// One alert as Prometheus posts it to Alertmanager (api/v2 postableAlert).
struct OutgoingAlert {
  Labels labels;  // the alert's labels, plus the external labels it does not set itself
  Labels annotations;
  TimestampMs starts_at = 0;  // FiredAt
  // Firing: ValidUntil = now + 4 * max(group interval, resend delay), so receivers resolve the
  // alert themselves if two sends are missed. Resolved: ResolvedAt.
  TimestampMs ends_at = 0;
  std::string generator_url;  // <external URL>/graph?g0.expr=<expr>&g0.tab=1
  bool resolved = false;      // ends_at is the resolution time
};

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  // Called once after each evaluation of a group that has alerts due (firing ones every
  // max(interval, resend delay), resolved ones at once and then for 15 minutes), from the
  // group's evaluation thread. `group_key` is "<file>;<group name>". Must not block for long:
  // queue the batch and return.
  virtual void Send(std::string_view group_key, std::vector<OutgoingAlert> alerts) = 0;
};

}  // namespace tocsin::rules
