// A pull parser for the text exposition formats Prometheus scrapes: the Prometheus text format
// 0.0.4 (also served as text/plain;version=1.0.0, which adds quoted UTF-8 names) and OpenMetrics
// 1.0 text. It follows upstream's parsers (model/textparse) token for token, so that it accepts
// and refuses the same documents and yields the same series:
//
//   ExpositionParser p(body, ExpositionFormat::kOpenMetrics);
//   for (Entry e; (e = p.Next()) != Entry::kEnd;) {
//     if (e == Entry::kError) return p.error();          // "line 3, column 7: ..."
//     if (e == Entry::kSeries) use(p.series(), p.value(), p.timestamp(), p.labels());
//   }
//
// What it guarantees on hostile input: it reads each byte a bounded number of times (no
// backtracking, no recursion), never reads outside the text, and holds at most one entry's label
// offsets, bounded by ParserLimits. Exemplars are checked for syntax and dropped; `le` and
// `quantile` values are normalised as Prometheus 3 does (float_text.h); NaN values are stored
// as Prometheus's canonical NaN.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/labels.h"
#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::scrape {

enum class ExpositionFormat {
  kPrometheusText,  // text/plain (0.0.4 and 1.0.0)
  kOpenMetrics,     // application/openmetrics-text (0.0.1 and 1.0.0)
};

enum class MetricType {
  kUnknown,  // "untyped" in the Prometheus format
  kCounter,
  kGauge,
  kHistogram,
  kGaugeHistogram,
  kSummary,
  kInfo,
  kStateset,
};

std::string_view MetricTypeName(MetricType t);  // the OpenMetrics spelling: "counter", "unknown"

enum class Entry { kSeries, kHelp, kType, kUnit, kComment, kEnd, kError };

struct ParserOptions {
  // Longest entry (a sample line with its labels, or a comment) in bytes. Upstream has no such
  // limit; a longer line is refused as hostile rather than scanned.
  size_t max_entry_bytes = 1 << 20;
  // Most samples one document may hold (0: no limit); past it Next() fails with a clear error.
  size_t max_samples = 0;
  // Drop OpenMetrics `_created` series of counters, histograms and summaries, as Prometheus does
  // only with its created-timestamp-zero-ingestion feature. Off by default, as in Prometheus 3,
  // which stores them as ordinary series.
  bool skip_created_series = false;
};

class ExpositionParser {
 public:
  ExpositionParser(std::string_view text, ExpositionFormat format, ParserOptions options = {});

  // Advances to the next entry. kEnd at the end of a valid document; kError (then error() says
  // why and where) at the first problem, after which Next() keeps returning kError.
  Entry Next();

  // --- After kSeries ---
  // The series as written (name and label block): equal texts mean equal series, so scrapers
  // can key caches by it without building labels.
  std::string_view series_text() const { return series_text_; }
  double value() const { return value_; }
  std::optional<TimestampMs> timestamp() const { return timestamp_; }
  // The series' labels: __name__ and the written labels, unescaped, empty values dropped, `le` /
  // `quantile` normalised when the current family is a histogram / summary.
  Labels labels() const;
  // The metric name, unescaped.
  std::string metric_name() const;

  // --- After kHelp, kType, kUnit ---
  std::string metric_family() const;
  MetricType type() const { return type_; }  // also the type in force for the current series
  std::string help() const;                  // unescaped
  std::string_view unit() const { return unit_; }

  // --- After kComment --- (Prometheus format only; OpenMetrics has no free comments)
  std::string_view comment() const { return comment_; }

  // --- After kError ---
  const Error& error() const { return error_; }
  size_t samples() const { return samples_; }

 private:
  struct Span {
    size_t begin = 0;
    size_t end = 0;
    bool escaped = false;  // holds a backslash: unescape before use
  };
  struct LabelSpan {
    Span name;
    Span value;
  };

  Entry NextPrometheus();
  Entry NextOpenMetrics();

  Entry PrometheusComment();
  Entry PrometheusSeriesSuffix();
  Entry OpenMetricsSeriesSuffix();

  // Lexing helpers. Positions are byte offsets into text_; Peek() past the end reads '\0', so
  // callers check AtEnd() where a NUL byte means something.
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool LooksAt(std::string_view word) const { return text_.substr(pos_).starts_with(word); }
  void SkipBlanks();                               // [ \t]*, the Prometheus format's separator
  void ScanMetricName(Span& out);                  // [a-zA-Z_:][a-zA-Z0-9_:]* (first char checked)
  void ScanLabelName(Span& out);                   // [a-zA-Z_][a-zA-Z0-9_]* (first char checked)
  bool ScanQuoted(Span& out, bool allow_newline);  // "(\\.|[^\\"])*", out excludes the quotes
  // The label block after '{', up to and including '}'.
  bool ParseLabels(bool open_metrics);
  bool ParseExemplar();  // after " # {"
  Entry ParseMetadata(Entry kind, bool open_metrics);
  bool CheckSeries();  // name present, names valid UTF-8, no duplicate label names
  bool CheckEntryLength();
  Entry SeriesDone();

  Entry Fail(size_t at, std::string message);
  // "<what>, got \"x\"": the same wording as upstream's parse errors.
  Entry FailExpected(std::string_view what);
  std::string Unescape(Span s, bool help) const;
  std::string_view View(Span s) const { return text_.substr(s.begin, s.end - s.begin); }

  std::string_view text_;
  ExpositionFormat format_;
  ParserOptions options_;
  size_t pos_ = 0;
  size_t entry_start_ = 0;
  bool failed_ = false;
  bool done_ = false;

  MetricType type_ = MetricType::kUnknown;
  std::string unit_;
  Span name_;  // metric name (series) or metric family (metadata); begin == end when unset
  bool has_name_ = false;
  std::vector<LabelSpan> labels_;
  std::string_view series_text_;
  double value_ = 0;
  std::optional<TimestampMs> timestamp_;
  Span meta_text_;  // HELP / TYPE / UNIT text
  std::string_view comment_;
  size_t samples_ = 0;
  Error error_;
};

}  // namespace tocsin::scrape
