// OpenMetrics 1.0 text, as upstream's openmetricslex.l tokenises it: single spaces separate the
// parts of a line, no blank lines and no free comments, "# EOF" must end the document (optionally
// followed by one '\n') and nothing may follow it; timestamps are float seconds; exemplars
// (" # {labels} value [timestamp]") are checked and dropped.
#include <cmath>
#include <cstdint>

#include "engine/scrape/exposition_parser.h"
#include "engine/scrape/float_text.h"
#include "storage/base/strings.h"

namespace tocsin::scrape {
namespace {

bool IsMetricStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool IsLabelStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// Go's int64(seconds * 1000): truncation toward zero; out-of-range values give the minimum, as
// Go does on amd64 (where the conversion instruction yields 0x8000000000000000).
TimestampMs SecondsToMillis(double seconds) {
  const double ms = seconds * 1000.0;
  if (!(ms > -9.2233720368547758e18 && ms < 9.2233720368547758e18)) return INT64_MIN;
  return static_cast<TimestampMs>(ms);
}

bool RequiresCreatedTimestamp(MetricType t) {
  return t == MetricType::kCounter || t == MetricType::kSummary || t == MetricType::kHistogram;
}

}  // namespace

Entry ExpositionParser::NextOpenMetrics() {
  for (;;) {
    labels_.clear();
    has_name_ = false;
    timestamp_.reset();
    entry_start_ = pos_;
    if (AtEnd()) return Fail(pos_, "data does not end with # EOF");
    const char c = Peek();
    if (c == '#') {
      if (Peek(1) != ' ' || pos_ + 1 >= text_.size()) {
        return FailExpected("expected a valid start token");
      }
      pos_ += 2;
      Entry kind = Entry::kComment;
      if (LooksAt("HELP ")) kind = Entry::kHelp;
      if (LooksAt("TYPE ")) kind = Entry::kType;
      if (LooksAt("UNIT ")) kind = Entry::kUnit;
      if (kind != Entry::kComment) {
        pos_ += 5;
        return ParseMetadata(kind, /*open_metrics=*/true);
      }
      if (LooksAt("EOF")) {
        pos_ += 3;
        if (!AtEnd() && Peek() == '\n') ++pos_;
        if (!AtEnd()) return Fail(pos_, "unexpected data after # EOF");
        done_ = true;
        return Entry::kEnd;
      }
      pos_ -= 2;
      return FailExpected("expected a valid start token");
    }
    if (c == '{') {
      ++pos_;
      if (!ParseLabels(/*open_metrics=*/true)) return Entry::kError;
    } else if (IsMetricStart(c)) {
      ScanMetricName(name_);
      has_name_ = true;
      if (!AtEnd() && Peek() == '{') {
        ++pos_;
        if (!ParseLabels(/*open_metrics=*/true)) return Entry::kError;
      }
    } else {
      return FailExpected("expected a valid start token");
    }
    series_text_ = text_.substr(entry_start_, pos_ - entry_start_);
    const Entry e = OpenMetricsSeriesSuffix();
    if (e != Entry::kSeries) return e;
    const std::string_view name = View(name_);
    if (options_.skip_created_series && RequiresCreatedTimestamp(type_) &&
        name.ends_with("_created")) {
      --samples_;
      continue;
    }
    return e;
  }
}

Entry ExpositionParser::OpenMetricsSeriesSuffix() {
  if (!CheckSeries()) return Entry::kError;
  // " value"
  if (AtEnd() || Peek() != ' ') return FailExpected("expected value after metric");
  ++pos_;
  const size_t value_start = pos_;
  while (pos_ < text_.size() && text_[pos_] != ' ' && text_[pos_] != '\n') ++pos_;
  if (pos_ == value_start) {
    --pos_;
    return FailExpected("expected value after metric");
  }
  const std::string_view token = text_.substr(value_start, pos_ - value_start);
  const auto v = ParseExpositionFloat(token);
  if (!v) return Fail(value_start, "invalid value " + GoQuote(token));
  value_ = *v;

  // Then a line break, an exemplar, or " timestamp" (itself followed by either).
  bool timestamp_read = false;
  for (;;) {
    if (AtEnd()) {
      if (timestamp_read) return FailExpected("expected next entry after timestamp");
      return Fail(pos_, "data does not end with # EOF");
    }
    if (Peek() == '\n') {
      ++pos_;
      return SeriesDone();
    }
    if (LooksAt(" # {")) {
      pos_ += 4;
      if (!ParseExemplar()) return Entry::kError;
      return SeriesDone();
    }
    if (timestamp_read) return FailExpected("expected next entry after timestamp");
    if (Peek() != ' ' || Peek(1) == ' ' || Peek(1) == '\n' || pos_ + 1 >= text_.size()) {
      return FailExpected("expected timestamp or exemplar");
    }
    ++pos_;
    const size_t ts_start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ' ' && text_[pos_] != '\n') ++pos_;
    const std::string_view ts_token = text_.substr(ts_start, pos_ - ts_start);
    const auto ts = ParseExpositionFloat(ts_token);
    if (!ts) return Fail(ts_start, "invalid timestamp " + GoQuote(ts_token));
    if (std::isnan(*ts) || std::isinf(*ts)) {
      return Fail(ts_start, "invalid timestamp " + GoQuote(ts_token));
    }
    timestamp_ = SecondsToMillis(*ts);
    timestamp_read = true;
  }
}

bool ExpositionParser::ParseExemplar() {
  // Labels: like a series' label block but without quoted metric names or line breaks.
  for (;;) {
    if (!CheckEntryLength()) return false;
    const char c = Peek();
    if (!AtEnd() && c == '}') {
      ++pos_;
      break;
    }
    Span name;
    bool quoted = false;
    if (!AtEnd() && IsLabelStart(c)) {
      ScanLabelName(name);
    } else if (!AtEnd() && c == '"') {
      const size_t at = pos_;
      if (!ScanQuoted(name, /*allow_newline=*/false)) {
        pos_ = at;
        FailExpected("expected label name");
        return false;
      }
      quoted = true;
    } else {
      FailExpected("expected label name");
      return false;
    }
    if (quoted && !AtEnd() && (Peek() == ',' || Peek() == '}')) {
      FailExpected("expected label name");
      return false;
    }
    if (AtEnd() || Peek() != '=') {
      FailExpected("expected equal");
      return false;
    }
    ++pos_;
    Span value;
    const size_t value_at = pos_;
    if (AtEnd() || Peek() != '"' || !ScanQuoted(value, /*allow_newline=*/false)) {
      pos_ = value_at;
      FailExpected("expected label value");
      return false;
    }
    if (!IsValidUtf8(View(value))) {
      Fail(value_at, "invalid UTF-8 label value: " + GoQuote(View(value)));
      return false;
    }
    if (!AtEnd() && Peek() == ',') {
      ++pos_;
    } else if (AtEnd() || Peek() != '}') {
      FailExpected("expected comma or brace close");
      return false;
    }
  }
  // " value"
  if (AtEnd() || Peek() != ' ' || Peek(1) == ' ' || Peek(1) == '\n' || pos_ + 1 >= text_.size()) {
    FailExpected("expected value after exemplar labels");
    return false;
  }
  ++pos_;
  const size_t value_start = pos_;
  while (pos_ < text_.size() && text_[pos_] != ' ' && text_[pos_] != '\n') ++pos_;
  const std::string_view token = text_.substr(value_start, pos_ - value_start);
  if (!ParseExpositionFloat(token)) {
    Fail(value_start, "invalid exemplar value " + GoQuote(token));
    return false;
  }
  if (AtEnd()) {
    Fail(pos_, "data does not end with # EOF");
    return false;
  }
  if (Peek() == '\n') {
    ++pos_;
    return true;
  }
  if (Peek(1) == ' ' || Peek(1) == '\n' || pos_ + 1 >= text_.size()) {
    FailExpected("expected timestamp or comment");
    return false;
  }
  ++pos_;
  const size_t ts_start = pos_;
  while (pos_ < text_.size() && text_[pos_] != ' ' && text_[pos_] != '\n') ++pos_;
  const std::string_view ts_token = text_.substr(ts_start, pos_ - ts_start);
  const auto ts = ParseExpositionFloat(ts_token);
  if (!ts || std::isnan(*ts) || std::isinf(*ts)) {
    Fail(ts_start, "invalid exemplar timestamp " + GoQuote(ts_token));
    return false;
  }
  if (AtEnd() || Peek() != '\n') {
    FailExpected("expected next entry after exemplar timestamp");
    return false;
  }
  ++pos_;
  return true;
}

}  // namespace tocsin::scrape
