// How `tocsin history` prints what it found: an aligned table for people, JSON and CSV for
// programs. The formats are documented in docs/history.md; change both together.
#pragma once

#include <ostream>
#include <string_view>
#include <vector>

#include "storage/base/result.h"
#include "storage/sqlite/records.h"

namespace tocsin::cli {

enum class OutputFormat { kTable, kJson, kCsv };
Result<OutputFormat> ParseOutputFormat(std::string_view name);

void PrintHistory(std::ostream& out, const std::vector<sqlite::HistoryEvent>& events,
                  OutputFormat format);
void PrintNotifications(std::ostream& out, const std::vector<sqlite::NotificationAttempt>& attempts,
                        OutputFormat format);

}  // namespace tocsin::cli
