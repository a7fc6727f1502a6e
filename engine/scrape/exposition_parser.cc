// The parts of ExpositionParser both formats share: labels, names, errors. The format-specific
// grammar is in prometheus_text_parser.cc and openmetrics_parser.cc.
#include "engine/scrape/exposition_parser.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <span>
#include <utility>

#include "engine/scrape/float_text.h"
#include "storage/base/sample.h"
#include "storage/base/strings.h"

namespace tocsin::scrape {
namespace {

bool IsLabelStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsLabelChar(char c) {
  return IsLabelStart(c) || (c >= '0' && c <= '9');
}
bool IsMetricChar(char c) {
  return IsLabelChar(c) || c == ':';
}

// The escapes of label values (and OpenMetrics help text): \" \\ \n; any other backslash pair
// stays as written, as upstream's strings.Replacer leaves it.
void AppendUnescaped(std::string& out, std::string_view s, bool quote_escape) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char n = s[i + 1];
      if (n == '\\' || n == 'n' || (quote_escape && n == '"')) {
        out.push_back(n == 'n' ? '\n' : n);
        ++i;
        continue;
      }
    }
    out.push_back(s[i]);
  }
}

}  // namespace

std::string_view MetricTypeName(MetricType t) {
  switch (t) {
    case MetricType::kUnknown:
      return "unknown";
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kGaugeHistogram:
      return "gaugehistogram";
    case MetricType::kSummary:
      return "summary";
    case MetricType::kInfo:
      return "info";
    case MetricType::kStateset:
      return "stateset";
  }
  return "unknown";
}

ExpositionParser::ExpositionParser(std::string_view text, ExpositionFormat format,
                                   ParserOptions options)
    : text_(text), format_(format), options_(options) {}

Entry ExpositionParser::Next() {
  if (failed_) return Entry::kError;
  if (done_) return Entry::kEnd;
  return format_ == ExpositionFormat::kOpenMetrics ? NextOpenMetrics() : NextPrometheus();
}

void ExpositionParser::SkipBlanks() {
  while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
}

void ExpositionParser::ScanMetricName(Span& out) {
  out.begin = pos_++;
  while (pos_ < text_.size() && IsMetricChar(text_[pos_])) ++pos_;
  out.end = pos_;
  out.escaped = false;
}

void ExpositionParser::ScanLabelName(Span& out) {
  out.begin = pos_++;
  while (pos_ < text_.size() && IsLabelChar(text_[pos_])) ++pos_;
  out.end = pos_;
  out.escaped = false;
}

bool ExpositionParser::ScanQuoted(Span& out, bool allow_newline) {
  // pos_ is at the opening quote.
  size_t i = pos_ + 1;
  out.begin = i;
  out.escaped = false;
  for (;;) {
    // Jump to the next byte that matters.
    const char* p = text_.data() + i;
    const char* e = text_.data() + text_.size();
    while (p < e && *p != '"' && *p != '\\' && (allow_newline || *p != '\n')) ++p;
    i = static_cast<size_t>(p - text_.data());
    if (i >= text_.size() || text_[i] == '\n') {
      pos_ = i;
      return false;
    }
    if (text_[i] == '"') break;
    // A backslash escapes any byte but a newline.
    if (i + 1 >= text_.size() || text_[i + 1] == '\n') {
      pos_ = i;
      return false;
    }
    out.escaped = true;
    i += 2;
  }
  out.end = i;
  pos_ = i + 1;
  return true;
}

bool ExpositionParser::ParseLabels(bool open_metrics) {
  const bool blanks = !open_metrics;
  if (blanks) SkipBlanks();
  for (;;) {
    if (!CheckEntryLength()) return false;
    Span name;
    bool quoted = false;
    const char c = Peek();
    if (!AtEnd() && c == '}') {
      ++pos_;
      return true;
    }
    if (!AtEnd() && IsLabelStart(c)) {
      ScanLabelName(name);
    } else if (!AtEnd() && c == '"') {
      const size_t at = pos_;
      if (!ScanQuoted(name, /*allow_newline=*/true)) {
        pos_ = at;
        FailExpected("expected label name");
        return false;
      }
      quoted = true;
    } else {
      FailExpected("expected label name");
      return false;
    }
    if (blanks) SkipBlanks();
    // A quoted string followed by ',' or '}' is the metric name.
    if (quoted && !AtEnd() && (Peek() == ',' || Peek() == '}')) {
      if (has_name_) {
        Fail(name.begin - 1, "metric name already set");
        return false;
      }
      name_ = name;
      has_name_ = true;
      if (Peek() == '}') {
        ++pos_;
        return true;
      }
      ++pos_;
      if (blanks) SkipBlanks();
      continue;
    }
    if (AtEnd() || Peek() != '=') {
      FailExpected("expected equal");
      return false;
    }
    ++pos_;
    if (blanks) SkipBlanks();
    Span value;
    const size_t value_at = pos_;
    if (AtEnd() || Peek() != '"' || !ScanQuoted(value, /*allow_newline=*/!open_metrics)) {
      pos_ = value_at;
      FailExpected("expected label value");
      return false;
    }
    if (!IsValidUtf8(View(value))) {
      Fail(value_at, "invalid UTF-8 label value: " + GoQuote(View(value)));
      return false;
    }
    labels_.push_back({name, value});
    if (blanks) SkipBlanks();
    if (!AtEnd() && Peek() == ',') {
      ++pos_;
      if (blanks) SkipBlanks();
    } else if (open_metrics && (AtEnd() || Peek() != '}')) {
      FailExpected("expected comma or brace close");
      return false;
    }
  }
}

bool ExpositionParser::CheckEntryLength() {
  if (pos_ - entry_start_ <= options_.max_entry_bytes) return true;
  Fail(entry_start_,
       "entry longer than the limit of " + std::to_string(options_.max_entry_bytes) + " bytes");
  return false;
}

bool ExpositionParser::CheckSeries() {
  if (!has_name_) {
    Fail(entry_start_, "metric name not set");
    return false;
  }
  if (name_.end == name_.begin ||
      (name_.escaped ? !IsValidUtf8(Unescape(name_, false)) : !IsValidUtf8(View(name_)))) {
    Fail(name_.begin, "invalid metric name " + GoQuote(Unescape(name_, false)));
    return false;
  }
  for (const LabelSpan& l : labels_) {
    if (l.name.end == l.name.begin || !IsValidUtf8(View(l.name))) {
      Fail(l.name.begin, "invalid label name " + GoQuote(Unescape(l.name, false)));
      return false;
    }
  }
  // Duplicate names among the non-empty labels (empty ones are dropped, as the TSDB drops them
  // before it checks); __name__ counts as a label.
  auto name_of = [&](const Span& s) {
    return s.escaped ? Unescape(s, false) : std::string(View(s));
  };
  for (size_t i = 0; i < labels_.size(); ++i) {
    const LabelSpan& a = labels_[i];
    if (a.value.end == a.value.begin) continue;
    const std::string an = name_of(a.name);
    bool dup = an == kMetricName;
    for (size_t j = 0; j < i && !dup; ++j) {
      const LabelSpan& b = labels_[j];
      if (b.value.end == b.value.begin) continue;
      dup = (!a.name.escaped && !b.name.escaped) ? View(a.name) == View(b.name)
                                                 : an == name_of(b.name);
    }
    if (dup) {
      Fail(a.name.begin, "label name " + GoQuote(an) + " is not unique");
      return false;
    }
  }
  return true;
}

Entry ExpositionParser::SeriesDone() {
  if (std::isnan(value_)) value_ = std::bit_cast<double>(kNormalNaNBits);
  ++samples_;
  if (options_.max_samples != 0 && samples_ > options_.max_samples) {
    return Fail(entry_start_,
                "more than the limit of " + std::to_string(options_.max_samples) + " samples");
  }
  if (!CheckEntryLength()) return Entry::kError;
  return Entry::kSeries;
}

Entry ExpositionParser::ParseMetadata(Entry kind, bool open_metrics) {
  const std::string_view what = kind == Entry::kHelp   ? "HELP"
                                : kind == Entry::kType ? "TYPE"
                                                       : "UNIT";
  const std::string expected_name = "expected metric name after " + std::string(what);
  if (!AtEnd() && Peek() == '"') {
    const size_t at = pos_;
    if (!ScanQuoted(name_, /*allow_newline=*/true)) {
      pos_ = at;
      return FailExpected(expected_name);
    }
  } else if (!AtEnd() && IsMetricChar(Peek()) && !(Peek() >= '0' && Peek() <= '9')) {
    ScanMetricName(name_);
  } else {
    return FailExpected(expected_name);
  }
  has_name_ = true;
  const size_t nl = text_.find('\n', pos_);
  if (open_metrics) {
    // Exactly one space, then the text up to a line break that must be there.
    if (AtEnd() || Peek() != ' ' || nl == std::string_view::npos) {
      return Fail(pos_, "expected text in " + std::string(what));
    }
    meta_text_ = {pos_ + 1, nl, false};
    pos_ = nl + 1;
  } else {
    // Upstream's lexer takes the rest of the line and drops its first byte (the separator); a
    // rest made only of blanks is a separator and an empty text.
    const size_t end = nl == std::string_view::npos ? text_.size() : nl;
    const std::string_view rest = text_.substr(pos_, end - pos_);
    const bool blank = rest.find_first_not_of(" \t") == std::string_view::npos;
    meta_text_ = blank ? Span{end, end, false} : Span{pos_ + 1, end, false};
    pos_ = end < text_.size() ? end + 1 : end;
  }
  meta_text_.escaped = View(meta_text_).find('\\') != std::string_view::npos;
  if (!CheckEntryLength()) return Entry::kError;
  const std::string_view text = View(meta_text_);
  switch (kind) {
    case Entry::kType: {
      static constexpr std::pair<std::string_view, MetricType> kPrometheus[] = {
          {"counter", MetricType::kCounter},
          {"gauge", MetricType::kGauge},
          {"histogram", MetricType::kHistogram},
          {"summary", MetricType::kSummary},
          {"untyped", MetricType::kUnknown}};
      static constexpr std::pair<std::string_view, MetricType> kOpenMetrics[] = {
          {"counter", MetricType::kCounter},     {"gauge", MetricType::kGauge},
          {"histogram", MetricType::kHistogram}, {"gaugehistogram", MetricType::kGaugeHistogram},
          {"summary", MetricType::kSummary},     {"info", MetricType::kInfo},
          {"stateset", MetricType::kStateset},   {"unknown", MetricType::kUnknown}};
      std::span<const std::pair<std::string_view, MetricType>> table =
          open_metrics ? std::span<const std::pair<std::string_view, MetricType>>(kOpenMetrics)
                       : std::span<const std::pair<std::string_view, MetricType>>(kPrometheus);
      for (const auto& [name, type] : table) {
        if (name == text) {
          type_ = type;
          return kind;
        }
      }
      return Fail(meta_text_.begin, "invalid metric type " + GoQuote(text));
    }
    case Entry::kHelp:
      if (!IsValidUtf8(text)) {
        return Fail(meta_text_.begin, "help text " + GoQuote(text) + " is not a valid utf8 string");
      }
      return kind;
    default: {
      unit_.assign(text);
      const std::string_view metric = View(name_);
      if (!unit_.empty() && !(metric.size() > unit_.size() && metric.ends_with(unit_) &&
                              metric[metric.size() - unit_.size() - 1] == '_')) {
        return Fail(meta_text_.begin,
                    "unit " + GoQuote(unit_) + " not a suffix of metric " + GoQuote(metric));
      }
      return kind;
    }
  }
}

Labels ExpositionParser::labels() const {
  std::vector<Label> out;
  out.reserve(labels_.size() + 1);
  out.push_back({std::string(kMetricName), metric_name()});
  const bool histogram = type_ == MetricType::kHistogram;
  const bool summary = type_ == MetricType::kSummary;
  for (const LabelSpan& l : labels_) {
    Label label{Unescape(l.name, false), Unescape(l.value, false)};
    if ((histogram && label.name == "le") || (summary && label.name == "quantile")) {
      label.value = NormalizeFloatLabelValue(label.value);
    }
    out.push_back(std::move(label));
  }
  return Labels::FromVector(std::move(out));
}

std::string ExpositionParser::metric_name() const {
  return Unescape(name_, false);
}
std::string ExpositionParser::metric_family() const {
  return Unescape(name_, false);
}

std::string ExpositionParser::help() const {
  // The Prometheus format escapes only \\ and \n in help text; OpenMetrics also \".
  return Unescape(meta_text_, format_ == ExpositionFormat::kPrometheusText);
}

std::string ExpositionParser::Unescape(Span s, bool help) const {
  std::string out;
  if (!s.escaped) {
    out.assign(View(s));
    return out;
  }
  out.reserve(s.end - s.begin);
  AppendUnescaped(out, View(s), /*quote_escape=*/!help);
  return out;
}

Entry ExpositionParser::Fail(size_t at, std::string message) {
  at = std::min(at, text_.size());
  const size_t line = 1 + static_cast<size_t>(std::count(text_.begin(), text_.begin() + at, '\n'));
  const size_t line_start = text_.rfind('\n', at == 0 ? std::string_view::npos : at - 1);
  const size_t column = at - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  error_.message =
      "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message;
  failed_ = true;
  return Entry::kError;
}

Entry ExpositionParser::FailExpected(std::string_view what) {
  std::string got;
  if (AtEnd()) {
    got = "end of input";
  } else {
    // The offending byte, or the whole rune when it starts a valid UTF-8 sequence.
    size_t i = pos_;
    bool valid = false;
    DecodeRune(text_, i, &valid);
    got = GoQuote(text_.substr(pos_, valid ? i - pos_ : 1));
  }
  return Fail(pos_, std::string(what) + ", got " + got);
}

}  // namespace tocsin::scrape
