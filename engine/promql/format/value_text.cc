#include "engine/promql/format/value_text.h"

#include <charconv>
#include <cmath>

#include "storage/base/sample.h"
#include "storage/base/strings.h"

namespace tocsin::promql {
namespace {

// One line per item, newline-separated, cut off after `max_lines` with a count of the rest.
template <typename Item, typename Line>
std::string Lines(const std::vector<Item>& items, size_t max_lines, const char* empty, Line line) {
  if (items.empty()) return empty;
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += '\n';
    if (i == max_lines) {
      out += "... " + std::to_string(items.size() - i) + " more";
      break;
    }
    out += line(items[i]);
  }
  return out;
}

}  // namespace

std::string FormatSampleValue(double v) {
  if (IsStaleNaN(v)) return "stale";
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string FormatOffsetTime(TimestampMs t) {
  if (t >= 0) return FormatDuration(t);
  std::string out = "-";
  out += FormatDuration(-t);
  return out;
}

std::string FormatValueText(const Value& value, size_t max_lines) {
  std::string out;
  if (const auto* s = std::get_if<Scalar>(&value)) {
    out = "scalar: " + FormatSampleValue(s->v);
  } else if (const auto* str = std::get_if<String>(&value)) {
    out = "string: " + GoQuote(str->v);
  } else if (const auto* vec = std::get_if<Vector>(&value)) {
    out = Lines(*vec, max_lines, "(empty vector)", [](const Sample& s) {
      return s.metric.to_metric_string() + " " + FormatSampleValue(s.v);
    });
  } else if (const auto* mat = std::get_if<Matrix>(&value)) {
    out = Lines(*mat, max_lines, "(empty matrix)", [](const Series& s) {
      std::string line = s.metric.to_metric_string();
      for (const FPoint& p : s.points) {
        line += ' ';
        line += FormatSampleValue(p.v);
        line += '@';
        line += FormatOffsetTime(p.t);
      }
      return line;
    });
  }
  return out;
}

}  // namespace tocsin::promql
