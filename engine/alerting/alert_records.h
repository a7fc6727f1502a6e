// How the pipeline's alerts are written to the SQLite store. The `alerts` table holds them
// with empty rule group and rule (rows with a group and rule belong to the rule engine), state
// firing or inactive (resolved), startsAt/endsAt/updatedAt, and — in valid_until — the endsAt
// when it was derived from resolve_timeout rather than given, which is what Alertmanager's
// merge needs to know after a restart.
#pragma once

#include "engine/alerting/alert.h"
#include "storage/sqlite/records.h"

namespace tocsin::alerting {

sqlite::AlertRecord ToAlertRecord(const Alert& a, TimestampMs now);
// Whether a stored row is one of the pipeline's (not the rule engine's).
bool IsPipelineRecord(const sqlite::AlertRecord& r);
Alert FromAlertRecord(const sqlite::AlertRecord& r);

}  // namespace tocsin::alerting
