// The Prometheus text format (0.0.4, and 1.0.0 with quoted UTF-8 names), as upstream's promlex.l
// tokenises it: blanks ([ \t]) may separate any two tokens, lines are '\n'-terminated (a last line
// may omit it), '#' lines that are not HELP/TYPE are comments, a NUL byte where a line would start
// ends the document, label values may span lines, and labels need no commas between them.
#include <charconv>

#include "engine/scrape/exposition_parser.h"
#include "engine/scrape/float_text.h"
#include "storage/base/strings.h"

namespace tocsin::scrape {
namespace {

bool IsMetricStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

Entry ExpositionParser::NextPrometheus() {
  for (;;) {
    labels_.clear();
    has_name_ = false;
    timestamp_.reset();
    SkipBlanks();
    entry_start_ = pos_;
    if (AtEnd() || Peek() == '\0') {
      done_ = true;
      return Entry::kEnd;
    }
    const char c = Peek();
    if (c == '\n') {
      ++pos_;
      continue;
    }
    if (c == '#') return PrometheusComment();
    if (c == '{') {
      ++pos_;
      if (!ParseLabels(/*open_metrics=*/false)) return Entry::kError;
    } else if (IsMetricStart(c)) {
      ScanMetricName(name_);
      has_name_ = true;
      const size_t after_name = pos_;
      SkipBlanks();
      if (!AtEnd() && Peek() == '{') {
        ++pos_;
        if (!ParseLabels(/*open_metrics=*/false)) return Entry::kError;
      } else {
        series_text_ = text_.substr(entry_start_, after_name - entry_start_);
        return PrometheusSeriesSuffix();
      }
    } else {
      return FailExpected("expected a valid start token");
    }
    series_text_ = text_.substr(entry_start_, pos_ - entry_start_);
    return PrometheusSeriesSuffix();
  }
}

Entry ExpositionParser::PrometheusSeriesSuffix() {
  if (!CheckSeries()) return Entry::kError;
  SkipBlanks();
  const size_t value_start = pos_;
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == '{' || c == ' ' || c == '\t' || c == '\n') break;
    ++pos_;
  }
  if (pos_ == value_start) return FailExpected("expected value after metric");
  const std::string_view token = text_.substr(value_start, pos_ - value_start);
  const auto v = ParseExpositionFloat(token);
  if (!v) return Fail(value_start, "invalid value " + GoQuote(token));
  value_ = *v;
  SkipBlanks();
  if (!AtEnd() && IsDigit(Peek())) {
    const size_t ts_start = pos_;
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    int64_t ts = 0;
    const auto r = std::from_chars(text_.data() + ts_start, text_.data() + pos_, ts);
    if (r.ec != std::errc()) {
      return Fail(ts_start, "timestamp out of range: " +
                                std::string(text_.substr(ts_start, pos_ - ts_start)));
    }
    timestamp_ = ts;
    SkipBlanks();
    if (!AtEnd() && Peek() != '\n') return FailExpected("expected next entry after timestamp");
  } else if (!AtEnd() && Peek() != '\n') {
    return FailExpected("expected timestamp or new record");
  }
  if (!AtEnd()) ++pos_;  // the line break
  return SeriesDone();
}

Entry ExpositionParser::PrometheusComment() {
  ++pos_;  // '#'
  if (!AtEnd() && (Peek() == ' ' || Peek() == '\t')) {
    SkipBlanks();
    Entry kind = Entry::kComment;
    if (LooksAt("HELP")) kind = Entry::kHelp;
    if (LooksAt("TYPE")) kind = Entry::kType;
    if (kind != Entry::kComment && (Peek(4) == ' ' || Peek(4) == '\t') && pos_ + 4 < text_.size()) {
      pos_ += 4;
      SkipBlanks();
      return ParseMetadata(kind, /*open_metrics=*/false);
    }
  }
  const size_t nl = text_.find('\n', pos_);
  const size_t end = nl == std::string_view::npos ? text_.size() : nl;
  comment_ = text_.substr(entry_start_, end - entry_start_);
  pos_ = end;
  if (!CheckEntryLength()) return Entry::kError;
  if (!AtEnd()) ++pos_;
  return Entry::kComment;
}

}  // namespace tocsin::scrape
