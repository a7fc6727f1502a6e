#include "engine/cli/history_output.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include "storage/base/time.h"
#include "storage/sqlite/codec.h"

namespace tocsin::cli {

namespace {

using nlohmann::json;
using sqlite::HistoryEvent;
using sqlite::NotificationAttempt;

// Shortest text that reads back as the same double ("0.25", "1e+06", "NaN").
std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

std::string TimeOrEmpty(TimestampMs t) {
  return t == 0 ? "" : FormatRfc3339Millis(t);
}
json TimeOrNull(TimestampMs t) {
  return t == 0 ? json(nullptr) : json(FormatRfc3339Millis(t));
}

json LabelsJson(const Labels& labels) {
  json j = json::object();
  for (const Label& l : labels) j[l.name] = l.value;
  return j;
}

std::string Join(const std::vector<std::string>& values, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += sep;
    out += values[i];
  }
  return out;
}

// Labels other than alertname, as Prometheus prints a label set: {a="x", b="y"}.
std::string OtherLabels(const Labels& labels) {
  static const std::vector<std::string> kAlertname{"alertname"};
  return labels.without(kAlertname).to_string();
}

std::string Note(const HistoryEvent& e) {
  std::string note;
  if (!e.silenced_by.empty()) note = "silenced by " + Join(e.silenced_by, ", ");
  if (!e.inhibited_by.empty()) {
    if (!note.empty()) note += "; ";
    note += "inhibited by " + Join(e.inhibited_by, ", ");
  }
  return note;
}

// Columns padded to the widest cell, two spaces apart; the last column is not padded.
void PrintTable(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return;
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line.append(width[c] - row[c].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void PrintCsv(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out << ',';
      out << CsvField(row[c]);
    }
    out << "\r\n";
  }
}

}  // namespace

Result<OutputFormat> ParseOutputFormat(std::string_view name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "json") return OutputFormat::kJson;
  if (name == "csv") return OutputFormat::kCsv;
  return Error{"invalid --format \"" + std::string(name) + "\": want table, json or csv"};
}

void PrintHistory(std::ostream& out, const std::vector<HistoryEvent>& events, OutputFormat format) {
  switch (format) {
    case OutputFormat::kTable: {
      std::vector<std::vector<std::string>> rows = {
          {"TIME", "STATE", "ALERTNAME", "VALUE", "LABELS", "NOTE"}};
      for (const auto& e : events) {
        rows.push_back({FormatRfc3339(e.at), std::string(sqlite::HistoryKindName(e.kind)),
                        std::string(e.alertname()), e.value ? FormatValue(*e.value) : "",
                        OtherLabels(e.labels), Note(e)});
      }
      PrintTable(out, rows);
      return;
    }
    case OutputFormat::kJson: {
      json list = json::array();
      for (const auto& e : events) {
        list.push_back({
            {"id", e.id},
            {"time", FormatRfc3339Millis(e.at)},
            {"state", sqlite::HistoryKindName(e.kind)},
            {"alertname", e.alertname()},
            {"fingerprint", sqlite::FingerprintHex(e.fingerprint())},
            {"labels", LabelsJson(e.labels)},
            {"annotations", LabelsJson(e.annotations)},
            // JSON has no NaN: a NaN value is the string "NaN", no value is null.
            {"value", !e.value                  ? json(nullptr)
                      : std::isfinite(*e.value) ? json(*e.value)
                                                : json(FormatValue(*e.value))},
            {"group", e.group},
            {"rule", e.rule},
            {"activeAt", TimeOrNull(e.active_at)},
            {"firedAt", TimeOrNull(e.fired_at)},
            {"resolvedAt", TimeOrNull(e.resolved_at)},
            {"startsAt", TimeOrNull(e.starts_at)},
            {"endsAt", TimeOrNull(e.ends_at)},
            {"silencedBy", e.silenced_by},
            {"inhibitedBy", e.inhibited_by},
            {"receivers", e.receivers},
        });
      }
      out << list.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
      return;
    }
    case OutputFormat::kCsv: {
      std::vector<std::vector<std::string>> rows = {{"time", "state", "alertname", "fingerprint",
                                                     "labels", "annotations", "value", "group",
                                                     "rule", "active_at", "fired_at", "resolved_at",
                                                     "silenced_by", "inhibited_by", "receivers"}};
      for (const auto& e : events) {
        rows.push_back({FormatRfc3339Millis(e.at), std::string(sqlite::HistoryKindName(e.kind)),
                        std::string(e.alertname()), sqlite::FingerprintHex(e.fingerprint()),
                        sqlite::EncodeLabels(e.labels), sqlite::EncodeLabels(e.annotations),
                        e.value ? FormatValue(*e.value) : "", e.group, e.rule,
                        TimeOrEmpty(e.active_at), TimeOrEmpty(e.fired_at),
                        TimeOrEmpty(e.resolved_at), Join(e.silenced_by, ";"),
                        Join(e.inhibited_by, ";"), Join(e.receivers, ";")});
      }
      PrintCsv(out, rows);
      return;
    }
  }
}

void PrintNotifications(std::ostream& out, const std::vector<NotificationAttempt>& attempts,
                        OutputFormat format) {
  auto integration = [](const NotificationAttempt& a) {
    return a.target.integration + "[" + std::to_string(a.target.index) + "]";
  };
  switch (format) {
    case OutputFormat::kTable: {
      std::vector<std::vector<std::string>> rows = {{"TIME", "RECEIVER", "INTEGRATION", "STATUS",
                                                     "ATTEMPT", "HTTP", "DURATION", "FIRING",
                                                     "RESOLVED", "GROUP", "ERROR"}};
      for (const auto& a : attempts) {
        rows.push_back({FormatRfc3339(a.at), a.target.receiver, integration(a),
                        std::string(sqlite::DeliveryStatusName(a.status)),
                        std::to_string(a.attempt),
                        a.http_status ? std::to_string(a.http_status) : "",
                        FormatGoDuration(a.duration), std::to_string(a.alerts_firing),
                        std::to_string(a.alerts_resolved), a.target.group_key, a.error});
      }
      PrintTable(out, rows);
      return;
    }
    case OutputFormat::kJson: {
      json list = json::array();
      for (const auto& a : attempts) {
        list.push_back({
            {"id", a.id},
            {"time", FormatRfc3339Millis(a.at)},
            {"receiver", a.target.receiver},
            {"integration", a.target.integration},
            {"integrationIndex", a.target.index},
            {"groupKey", a.target.group_key},
            {"status", sqlite::DeliveryStatusName(a.status)},
            {"error", a.error},
            {"httpStatus", a.http_status ? json(a.http_status) : json(nullptr)},
            {"durationMs", a.duration},
            {"attempt", a.attempt},
            {"alertsFiring", a.alerts_firing},
            {"alertsResolved", a.alerts_resolved},
            {"reason", a.reason},
        });
      }
      out << list.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
      return;
    }
    case OutputFormat::kCsv: {
      std::vector<std::vector<std::string>> rows = {
          {"time", "receiver", "integration", "integration_index", "group_key", "status", "error",
           "http_status", "duration_ms", "attempt", "alerts_firing", "alerts_resolved", "reason"}};
      for (const auto& a : attempts) {
        rows.push_back({FormatRfc3339Millis(a.at), a.target.receiver, a.target.integration,
                        std::to_string(a.target.index), a.target.group_key,
                        std::string(sqlite::DeliveryStatusName(a.status)), a.error,
                        a.http_status ? std::to_string(a.http_status) : "",
                        std::to_string(a.duration), std::to_string(a.attempt),
                        std::to_string(a.alerts_firing), std::to_string(a.alerts_resolved),
                        a.reason});
      }
      PrintCsv(out, rows);
      return;
    }
  }
}

}  // namespace tocsin::cli
