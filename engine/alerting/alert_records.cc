#include "engine/alerting/alert_records.h"

namespace tocsin::alerting {

sqlite::AlertRecord ToAlertRecord(const Alert& a, TimestampMs now) {
  sqlite::AlertRecord r;
  r.labels = a.labels;
  r.annotations = AnnotationsAsLabels(a.annotations);
  const bool resolved = a.ResolvedAt(now);
  r.state = resolved ? sqlite::AlertState::kInactive : sqlite::AlertState::kFiring;
  r.active_at = a.starts_at;
  r.fired_at = a.starts_at;
  r.resolved_at = resolved ? a.ends_at : 0;
  r.valid_until = a.timeout ? a.ends_at : 0;
  r.starts_at = a.starts_at;
  r.ends_at = a.ends_at;
  r.updated_at = a.updated_at;
  r.generator_url = a.generator_url;
  return r;
}

bool IsPipelineRecord(const sqlite::AlertRecord& r) {
  return r.group.empty() && r.rule.empty();
}

Alert FromAlertRecord(const sqlite::AlertRecord& r) {
  Alert a;
  a.labels = r.labels;
  a.annotations = AnnotationsFromLabels(r.annotations);
  a.starts_at = r.starts_at;
  a.ends_at = r.ends_at;
  a.updated_at = r.updated_at;
  a.timeout = r.valid_until != 0 && r.valid_until == r.ends_at;
  a.generator_url = r.generator_url;
  return a;
}

}  // namespace tocsin::alerting
