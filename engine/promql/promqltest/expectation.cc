#include "engine/promql/promqltest/expectation.h"

#include <re2/re2.h>

#include <algorithm>

#include "engine/promql/format/value_text.h"
#include "engine/promql/promqltest/almost_equal.h"
#include "storage/base/strings.h"

namespace tocsin::promql::promqltest {
namespace {

Status Fail(std::string message) {
  return Error{std::move(message)};
}

std::string Show(const Labels& l) {
  return l.to_metric_string();
}

std::string ShowExpected(const SequenceValue& v) {
  if (v.omitted) return "_";
  if (v.histogram) return "{{...}}";
  return FormatSampleValue(v.value);
}

std::string ShowStrings(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ", ";
    out += GoQuote(v[i]);
  }
  return out + "]";
}

const ExpectedSeries* FindSeries(const ExpectedResult& want, const Labels& labels) {
  for (const ExpectedSeries& s : want.series) {
    if (s.labels == labels) return &s;
  }
  return nullptr;
}

Status CheckSorted(const Matrix& m) {
  for (size_t i = 1; i < m.size(); ++i) {
    if (m[i].metric < m[i - 1].metric) {
      return Fail("matrix results must be sorted by labels, but " + Show(m[i].metric) + " (index " +
                  std::to_string(i) + ") sorts before " + Show(m[i - 1].metric) + " (index " +
                  std::to_string(i - 1) + ")");
    }
  }
  return Status::Ok();
}

std::string ShowPoints(const Series& s) {
  std::string out = std::to_string(s.points.size()) + " point";
  if (s.points.size() != 1) out += "s";
  out += " [";
  for (size_t i = 0; i < s.points.size(); ++i) {
    if (i > 0) out += " ";
    out += FormatSampleValue(s.points[i].v) + "@" + FormatOffsetTime(s.points[i].t);
  }
  return out + "]";
}

Status CompareMatrix(const ExpectedResult& want, const Matrix& got) {
  if (want.ordered) return Fail("expected an ordered result, but the query returned a matrix");
  if (want.scalar) return Fail("expected a scalar result, but got a matrix");
  if (Status s = CheckSorted(got); !s.ok()) return s;

  std::vector<bool> seen(want.series.size(), false);
  for (const Series& series : got) {
    const ExpectedSeries* exp = FindSeries(want, series.metric);
    if (exp == nullptr) {
      return Fail("unexpected series " + Show(series.metric) + " in the result, with " +
                  ShowPoints(series));
    }
    seen[exp - want.series.data()] = true;

    std::vector<FPoint> floats;
    size_t histograms = 0;
    for (size_t i = 0; i < exp->values.size(); ++i) {
      const SequenceValue& v = exp->values[i];
      const bool fits =
          want.grid.has_value() &&
          want.grid->start + static_cast<TimestampMs>(i) * want.grid->step <= want.grid->end;
      if (!fits) {
        return Fail("expected " + std::to_string(exp->values.size()) + " points for " +
                    Show(exp->labels) + ", but the query's time range cannot hold that many");
      }
      const TimestampMs t = want.grid->start + static_cast<TimestampMs>(i) * want.grid->step;
      if (v.histogram) {
        ++histograms;
      } else if (!v.omitted) {
        floats.push_back({t, v.value});
      }
    }
    if (floats.size() != series.points.size() || histograms != 0) {
      return Fail("expected " + std::to_string(floats.size()) + " float points and " +
                  std::to_string(histograms) + " histogram points for " + Show(exp->labels) +
                  ", but got " + ShowPoints(series));
    }
    for (size_t i = 0; i < floats.size(); ++i) {
      const FPoint& e = floats[i];
      const FPoint& a = series.points[i];
      if (e.t != a.t) {
        return Fail("expected point " + std::to_string(i) + " of " + Show(exp->labels) +
                    " at t=" + FormatOffsetTime(e.t) + ", but it is at t=" + FormatOffsetTime(a.t) +
                    " (result has " + ShowPoints(series) + ")");
      }
      if (!AlmostEqual(a.v, e.v)) {
        return Fail("expected " + FormatSampleValue(e.v) + " for " + Show(exp->labels) +
                    " at t=" + FormatOffsetTime(e.t) + ", but got " + FormatSampleValue(a.v) +
                    " (result has " + ShowPoints(series) + ")");
      }
    }
  }
  for (size_t i = 0; i < want.series.size(); ++i) {
    if (!seen[i]) return Fail("expected series " + Show(want.series[i].labels) + " not found");
  }
  return Status::Ok();
}

Status CompareVector(const ExpectedResult& want, const Vector& got) {
  if (want.scalar) return Fail("expected a scalar result, but got a vector");
  std::vector<bool> seen(want.series.size(), false);
  for (size_t pos = 0; pos < got.size(); ++pos) {
    const Sample& sample = got[pos];
    const ExpectedSeries* exp = FindSeries(want, sample.metric);
    if (exp == nullptr) {
      return Fail("unexpected series " + Show(sample.metric) + " in the result, with value " +
                  FormatSampleValue(sample.v));
    }
    if (want.ordered && exp->position != static_cast<int>(pos) + 1) {
      return Fail("expected " + Show(sample.metric) + " at position " +
                  std::to_string(exp->position) + ", but it is at position " +
                  std::to_string(pos + 1));
    }
    if (exp->values.empty()) {
      return Fail("the expected line for " + Show(exp->labels) + " has no value");
    }
    const SequenceValue& v = exp->values.front();
    if (v.histogram) {
      return Fail("expected a histogram for " + Show(sample.metric) + ", but got float " +
                  FormatSampleValue(sample.v));
    }
    // `_` compares as 0, as upstream's harness reads it.
    if (!AlmostEqual(v.omitted ? 0 : v.value, sample.v)) {
      return Fail("expected " + ShowExpected(v) + " for " + Show(sample.metric) + ", but got " +
                  FormatSampleValue(sample.v));
    }
    seen[exp - want.series.data()] = true;
  }
  for (size_t i = 0; i < want.series.size(); ++i) {
    if (!seen[i]) {
      return Fail("expected series " + Show(want.series[i].labels) + " not found");
    }
  }
  return Status::Ok();
}

Status CompareScalar(const ExpectedResult& want, const Scalar& got) {
  if (!want.scalar) {
    return Fail("expected a vector or matrix result, but got scalar " + FormatSampleValue(got.v));
  }
  if (want.scalar->histogram) {
    return Fail("expected a histogram, but got scalar " + FormatSampleValue(got.v));
  }
  if (!AlmostEqual(want.scalar->value, got.v)) {
    return Fail("expected scalar " + FormatSampleValue(want.scalar->value) + ", but got " +
                FormatSampleValue(got.v));
  }
  return Status::Ok();
}

Status CheckAnnotationsOfKind(const char* kind, const std::vector<TextMatcher>& want,
                              const std::vector<std::string>& got) {
  if (want.empty()) return Status::Ok();
  if (got.empty())
    return Fail(std::string("expected ") + kind + " annotations, but there were none");
  for (const TextMatcher& m : want) {
    if (std::none_of(got.begin(), got.end(), [&](const std::string& a) { return m.Matches(a); })) {
      return Fail(std::string("expected a ") + kind + " annotation matching " + m.Describe() +
                  ", but none matched; got " + ShowStrings(got));
    }
  }
  for (const std::string& a : got) {
    if (std::none_of(want.begin(), want.end(),
                     [&](const TextMatcher& m) { return m.Matches(a); })) {
      return Fail(std::string("unexpected ") + kind + " annotation " + GoQuote(a));
    }
  }
  return Status::Ok();
}

}  // namespace

TextMatcher TextMatcher::Any() {
  TextMatcher m;
  m.any_ = true;
  return m;
}

TextMatcher TextMatcher::Exact(std::string message) {
  TextMatcher m;
  m.text_ = std::move(message);
  return m;
}

Result<TextMatcher> TextMatcher::Regex(std::string pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(pattern, options);
  if (!re->ok())
    return Error{"invalid regular expression " + GoQuote(pattern) + ": " + re->error()};
  TextMatcher m;
  m.text_ = std::move(pattern);
  m.regex_ = std::move(re);
  return m;
}

bool TextMatcher::Matches(std::string_view text) const {
  if (any_) return true;
  if (regex_) return RE2::PartialMatch(text, *regex_);
  return text == text_;
}

std::string TextMatcher::Describe() const {
  if (any_) return "anything";
  return std::string(regex_ ? "pattern " : "message ") + GoQuote(text_);
}

void ExpectedResult::AddSeries(ExpectedSeries s) {
  for (ExpectedSeries& existing : series) {
    if (existing.labels == s.labels) {
      existing = std::move(s);
      return;
    }
  }
  series.push_back(std::move(s));
}

bool ExpectedResult::HasHistogram() const {
  if (scalar && scalar->histogram) return true;
  for (const ExpectedSeries& s : series) {
    for (const SequenceValue& v : s.values) {
      if (v.histogram) return true;
    }
  }
  return false;
}

Status CompareResult(const ExpectedResult& want, const Value& got) {
  if (const auto* m = std::get_if<Matrix>(&got)) return CompareMatrix(want, *m);
  if (const auto* v = std::get_if<Vector>(&got)) return CompareVector(want, *v);
  if (const auto* s = std::get_if<Scalar>(&got)) return CompareScalar(want, *s);
  const auto& str = std::get<String>(got);
  const std::string expected = want.string.value_or("");
  if (str.v != expected) {
    return Fail("expected string " + GoQuote(expected) + ", but got " + GoQuote(str.v));
  }
  return Status::Ok();
}

Status CompareRangeModeResult(const ExpectedResult& want, const Value& instant_result,
                              const Value& range_result, TimestampMs t) {
  const auto* m = std::get_if<Matrix>(&range_result);
  if (m == nullptr) return Fail("the range query did not return a matrix");
  if (Status s = CheckSorted(*m); !s.ok()) return s;
  Vector at_t;
  for (const Series& s : *m) {
    for (const FPoint& p : s.points) {
      if (p.t == t) {
        at_t.push_back({s.metric, p.t, p.v, false});
        break;
      }
    }
  }
  if (std::holds_alternative<Scalar>(instant_result)) {
    if (at_t.empty()) {
      return Fail("the range query has no point at t=" + FormatOffsetTime(t) + " for the scalar");
    }
    return CompareResult(want, Scalar{t, at_t.front().v});
  }
  return CompareResult(want, at_t);
}

Status CheckAnnotations(const AnnotationExpectations& want,
                        const std::vector<std::string>& warnings,
                        const std::vector<std::string>& infos) {
  if (want.require_warn && warnings.empty()) return Fail("expected warnings, but there were none");
  if (want.require_info && infos.empty()) {
    return Fail("expected info annotations, but there were none");
  }
  if (Status s = CheckAnnotationsOfKind("warn", want.warn, warnings); !s.ok()) return s;
  if (Status s = CheckAnnotationsOfKind("info", want.info, infos); !s.ok()) return s;
  if (want.no_warn && !warnings.empty()) {
    return Fail("unexpected warning annotations " + ShowStrings(warnings));
  }
  if (want.no_info && !infos.empty())
    return Fail("unexpected info annotations " + ShowStrings(infos));
  return Status::Ok();
}

Status CheckError(const FailExpectation& want, std::string_view error) {
  for (const auto* m : {&want.legacy_matcher, &want.matcher}) {
    if (m->has_value() && !(*m)->Matches(error)) {
      return Fail("expected an error matching " + (*m)->Describe() + ", but got " + GoQuote(error));
    }
  }
  return Status::Ok();
}

}  // namespace tocsin::promql::promqltest
