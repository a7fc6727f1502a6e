// ParseSeriesDesc: the series notation of promqltest `load` blocks and promtool `input_series`,
// e.g. `http_requests{job="api"} 0+10x10 _ stale {{schema:0 sum:5 count:4}}x3`.
#include <cstdint>

#include "engine/promql/lexer.h"
#include "engine/promql/literals.h"
#include "engine/promql/parse_error.h"
#include "engine/promql/parser.h"
#include "storage/base/sample.h"
#include "storage/base/strings.h"

namespace tocsin::promql {

namespace {

using T = TokenType;

struct SeriesAbort {};

// Repetitions are bounded so that a typo such as `1x1e9` cannot exhaust memory.
constexpr uint64_t kMaxRepetitions = 10'000'000;

class SeriesParser {
 public:
  SeriesParser(std::string_view input, bool series_desc) : input_(input) {
    tokens_ = Lexer::Tokenize(input, series_desc, &lex_error_);
  }

  // A metric alone: `name{labels}` or `{labels}`, nothing after it.
  Result<Labels> ParseMetricOnly() {
    Labels labels;
    try {
      labels = ParseMetric();
      if (Peek().type != T::kEof) Unexpected("", "");
    } catch (const SeriesAbort&) {
    }
    if (!errors_.empty()) return FormatParseError(input_, errors_.front());
    return labels;
  }

  Result<SeriesDesc> Parse() {
    SeriesDesc out;
    try {
      out.labels = ParseMetric();
      ParseValues(out.values);
    } catch (const SeriesAbort&) {
    }
    if (!errors_.empty()) return FormatParseError(input_, errors_.front());
    return out;
  }

 private:
  const Token& Peek() {
    const Token& t = tokens_[index_];
    if (t.type == T::kError) {
      AddError({t.pos, static_cast<int>(input_.size())}, std::string(t.text));
      throw SeriesAbort{};
    }
    return t;
  }
  Token Consume() {
    Token t = Peek();
    ++index_;
    return t;
  }
  bool Accept(T type) {
    if (Peek().type != type) return false;
    Consume();
    return true;
  }
  void AddError(PosRange pos, std::string message) { errors_.push_back({pos, std::move(message)}); }
  [[noreturn]] void Unexpected(std::string_view context, std::string_view expected) {
    const Token& t = Peek();
    std::string msg = "unexpected " + DescribeToken(t);
    if (!context.empty()) msg += " in " + std::string(context);
    if (!expected.empty()) msg += ", expected " + std::string(expected);
    AddError({t.pos, t.end()}, std::move(msg));
    throw SeriesAbort{};
  }

  std::string Unquote(const Token& t) {
    auto r = UnquoteString(t.text);
    if (!r.ok()) {
      AddError({t.pos, t.end()}, "error unquoting string " + GoQuote(t.text) + ": " + r.message());
      return {};
    }
    return std::move(r).value();
  }

  static bool IsMetricIdentifier(T t) {
    if (IsAggregatorToken(t)) return true;
    switch (t) {
      case T::kIdentifier:
      case T::kMetricIdentifier:
      case T::kBy:
      case T::kFill:
      case T::kFillLeft:
      case T::kFillRight:
      case T::kLand:
      case T::kLor:
      case T::kLunless:
      case T::kOffset:
      case T::kWithout:
      case T::kStart:
      case T::kEnd:
      case T::kStep:
      case T::kRange:
      case T::kAnchored:
      case T::kSmoothed:
      case T::kMaxOf:
      case T::kMinOf:
        return true;
      default:
        return false;
    }
  }

  // name{labels}, {labels} or a bare name.
  Labels ParseMetric() {
    std::vector<Label> labels;
    std::string name;
    if (IsMetricIdentifier(Peek().type)) name = std::string(Consume().text);
    if (Accept(T::kLeftBrace) && !Accept(T::kRightBrace)) {
      for (;;) {
        const Token& t = Peek();
        if (t.type == T::kIdentifier) {
          const Token n = Consume();
          if (!Accept(T::kEql)) Unexpected("label set", "\"=\"");
          if (Peek().type != T::kString) Unexpected("label set", "string");
          labels.push_back({std::string(n.text), Unquote(Consume())});
        } else if (t.type == T::kString) {
          std::string n = Unquote(Consume());
          if (Accept(T::kEql)) {
            if (Peek().type != T::kString) Unexpected("label set", "string");
            labels.push_back({std::move(n), Unquote(Consume())});
          } else {
            labels.push_back({std::string(kMetricName), std::move(n)});
          }
        } else {
          Unexpected("label set", "identifier or \"}\"");
        }
        if (Accept(T::kComma)) {
          if (Accept(T::kRightBrace)) break;
          continue;
        }
        if (Accept(T::kRightBrace)) break;
        Unexpected("label set", "\",\" or \"}\"");
      }
    }
    if (!name.empty()) labels.push_back({std::string(kMetricName), name});
    return Labels::FromVector(std::move(labels));
  }

  void ParseValues(std::vector<SequenceValue>& values) {
    for (;;) {
      const T t = Peek().type;
      if (t == T::kEof) return;
      if (t != T::kSpace) Unexpected("series values", "");
      Consume();
      const T next = Peek().type;
      if (next == T::kSpace || next == T::kEof) continue;
      ParseItem(values);
    }
  }

  uint64_t ParseRepetition() {
    if (Peek().type != T::kNumber) Unexpected("series values", "");
    const Token t = Consume();
    auto n = ParseUint(t.text);
    if (!n.ok()) {
      AddError({t.pos, t.end()}, "invalid repetition in series values: " + n.message());
      return 0;
    }
    if (*n > kMaxRepetitions) {
      AddError({t.pos, t.end()}, "invalid repetition in series values: " + std::string(t.text) +
                                     " is more than " + std::to_string(kMaxRepetitions));
      return 0;
    }
    return *n;
  }

  // A number with an optional sign.
  double ParseSignedNumber() {
    double sign = 1;
    if (Peek().type == T::kAdd || Peek().type == T::kSub) {
      if (Consume().type == T::kSub) sign = -1;
      if (Peek().type != T::kNumber) Unexpected("series values", "");
    }
    const Token t = Consume();
    auto v = ParseNumber(t.text);
    if (!v.ok()) {
      AddError({t.pos, t.end()}, "error parsing number: " + v.message());
      return 0;
    }
    return sign * *v;
  }

  void ParseItem(std::vector<SequenceValue>& values) {
    const T t = Peek().type;
    if (t == T::kBlank) {
      Consume();
      uint64_t n = 1;
      if (Accept(T::kTimes)) n = ParseRepetition();
      values.insert(values.end(), n, SequenceValue{.omitted = true});
      return;
    }
    if (t == T::kOpenHist) {
      ParseHistogram();
      const T after = Peek().type;
      if (after == T::kTimes) {
        Consume();
        const uint64_t n = ParseRepetition();
        values.insert(values.end(), n + 1, SequenceValue{.histogram = true});
      } else if (after == T::kAdd || after == T::kSub) {
        Consume();
        if (Peek().type != T::kOpenHist) Unexpected("series values", "");
        ParseHistogram();
        if (!Accept(T::kTimes)) Unexpected("series values", "");
        const uint64_t n = ParseRepetition();
        values.insert(values.end(), n + 1, SequenceValue{.histogram = true});
      } else {
        values.push_back(SequenceValue{.histogram = true});
      }
      return;
    }
    double value = 0;
    if (t == T::kIdentifier) {
      const Token id = Consume();
      if (id.text != "stale") {
        AddError({id.pos, id.end()}, "unexpected identifier " + GoQuote(id.text) +
                                         " in series values, expected number or \"stale\"");
        throw SeriesAbort{};
      }
      value = StaleNaN();
    } else if (t == T::kNumber || t == T::kAdd || t == T::kSub) {
      value = ParseSignedNumber();
    } else {
      Unexpected("series values", "");
    }
    const T after = Peek().type;
    if (after == T::kTimes) {
      Consume();
      const uint64_t n = ParseRepetition();
      values.insert(values.end(), n + 1, SequenceValue{.value = value});
    } else if (after == T::kAdd || after == T::kSub) {
      const double step = ParseSignedNumber();
      if (!Accept(T::kTimes)) Unexpected("series values", "");
      const uint64_t n = ParseRepetition();
      // Repeated addition, not a + i*b: the values must match upstream bit for bit.
      for (uint64_t i = 0; i <= n; ++i) {
        values.push_back(SequenceValue{.value = value});
        value += step;
      }
    } else {
      values.push_back(SequenceValue{.value = value});
    }
  }

  // `{{key:value ...}}`: recognised and checked for shape, not decoded (native histograms are
  // not supported by the engine).
  void ParseHistogram() {
    Consume();  // {{
    bool first = true;
    for (;;) {
      T t = Peek().type;
      if (t == T::kCloseHist) {
        Consume();
        return;
      }
      if (t == T::kSpace) {
        Consume();
        continue;
      }
      if (!first && t != T::kHistDescriptor) {
        Unexpected("histogram description", "histogram description key, e.g. buckets:[5 10 7]");
      }
      first = false;
      if (t != T::kHistDescriptor) {
        Unexpected("histogram description", "histogram description key, e.g. buckets:[5 10 7]");
      }
      Consume();
      if (!Accept(T::kColon)) Unexpected("histogram description", "\":\"");
      t = Peek().type;
      if (t == T::kLeftBracket) {
        Consume();
        while (!Accept(T::kRightBracket)) {
          const T b = Peek().type;
          if (b != T::kNumber && b != T::kSub && b != T::kSpace) {
            Unexpected("histogram description", "number");
          }
          Consume();
        }
      } else if (t == T::kCounterResetHint) {
        Consume();
      } else {
        if (t == T::kSub) Consume();
        if (Peek().type != T::kNumber) Unexpected("histogram description", "number");
        Consume();
      }
    }
  }

  std::string_view input_;
  std::string lex_error_;
  std::vector<Token> tokens_;
  size_t index_ = 0;
  std::vector<ParseError> errors_;
};

}  // namespace

Result<SeriesDesc> ParseSeriesDesc(std::string_view input) {
  return SeriesParser(input, /*series_desc=*/true).Parse();
}

Result<Labels> ParseMetric(std::string_view input) {
  return SeriesParser(input, /*series_desc=*/false).ParseMetricOnly();
}

}  // namespace tocsin::promql
