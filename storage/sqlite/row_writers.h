// Writes runs of alert upserts and history inserts with multi-row statements.
//
// A cycle that changes 10k alerts writes 10k alert rows and 10k history rows. Executing one
// single-row statement per row pays SQLite's per-execution setup (opening cursors on the table
// and every index) 20k times; a statement with kRowsPerStatement VALUES tuples pays it once
// per chunk, which is most of the difference between a cycle of ~100 ms and ~50 ms. Rows are
// written in batch order, so repeated keys in one run behave as sequential upserts.
#pragma once

#include <span>
#include <string>

#include "storage/base/result.h"
#include "storage/sqlite/database.h"
#include "storage/sqlite/label_set_index.h"
#include "storage/sqlite/records.h"

namespace tocsin::sqlite {

inline constexpr size_t kRowsPerStatement = 64;

Status WriteAlerts(Database& db, LabelSetIndex& label_sets,
                   std::span<const AlertRecord* const> alerts);
Status WriteHistory(Database& db, LabelSetIndex& label_sets,
                    std::span<const HistoryEvent* const> events);

}  // namespace tocsin::sqlite
