// The database schema and its ordered migrations.
//
// `schema_version` holds one row with the version the file is at. Opening a store runs every
// migration above that version, each in its own transaction together with the version bump, so
// a crash leaves the file at a whole version. A file from a newer tocsin (version above
// kSchemaVersion) is refused rather than misread.
#pragma once

#include "storage/base/result.h"
#include "storage/sqlite/database.h"

namespace tocsin::sqlite {

// Version 1: alerts, history (labels inline), notifications, silences, nflog, outbox.
// Version 2: label sets interned once (label_sets) with an inverted index (label_pairs) that
//            history rows and alerts reference, so 90 days of history stay small, label
//            queries use an index and a cycle does not re-encode unchanged labels; the views
//            history_view and alerts_view show rows with their labels again.
inline constexpr int kSchemaVersion = 2;

// The version the file is at; 0 for a new, empty file.
Result<int> SchemaVersion(Database& db);

// Migrates to `target` (default: the newest). Tests use a lower target to build old files.
Status Migrate(Database& db, int target = kSchemaVersion);

}  // namespace tocsin::sqlite
