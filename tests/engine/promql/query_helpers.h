// Running queries in evaluator tests and rendering results compactly for assertions.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "engine/promql/engine.h"
#include "engine/promql/parser.h"
#include "storage/base/go_float.h"
#include "tests/engine/promql/test_querier.h"

namespace tocsin::promql::testing {

inline ParserOptions AllFeatures() {
  ParserOptions o;
  o.experimental_functions = true;
  o.extended_range_selectors = true;
  o.binop_fill_modifiers = true;
  return o;
}

// "labels value" per sample / "labels value@t ..." per series, one per line, in result order
// (matrices are sorted by the engine); a scalar is its value alone.
inline std::string Render(const Value& v) {
  std::ostringstream out;
  if (const auto* s = std::get_if<Scalar>(&v)) {
    out << FormatGoG(s->v);
  } else if (const auto* vec = std::get_if<Vector>(&v)) {
    for (const auto& s : *vec) out << s.metric.to_string() << " " << FormatGoG(s.v) << "\n";
  } else if (const auto* m = std::get_if<Matrix>(&v)) {
    for (const auto& s : *m) {
      out << s.metric.to_string();
      for (const auto& p : s.points) out << " " << FormatGoG(p.v) << "@" << p.t / 1000.0;
      out << "\n";
    }
  } else if (const auto* str = std::get_if<String>(&v)) {
    out << '"' << str->v << '"';
  }
  return out.str();
}

// Render()'s lines sorted, for comparing results whose series come in different orders (the
// store presents series in id order, a TestQuerier in label order).
inline std::string SortedLines(const std::string& rendered) {
  std::vector<std::string> lines;
  std::istringstream in(rendered);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

struct QueryOutcome {
  bool ok = false;
  std::string value;  // Render() of the result, or the error message
  std::vector<std::string> warnings;
  std::vector<std::string> infos;
};

inline QueryOutcome Query(const storage::Querier& q, const std::string& query, TimestampMs t,
                          EngineOptions opts = {}) {
  QueryOutcome out;
  auto expr = ParseExpr(query, AllFeatures());
  if (!expr.ok()) {
    ADD_FAILURE() << "parse error: " << expr.message();
    return out;
  }
  Engine engine(opts);
  auto r = engine.InstantQuery(q, **expr, t);
  if (!r.ok()) {
    out.value = r.message();
    return out;
  }
  out.ok = true;
  out.value = Render(r->value);
  for (const auto& a : r->warnings) out.warnings.push_back(FormatAnnotation(a, query));
  for (const auto& a : r->infos) out.infos.push_back(FormatAnnotation(a, query));
  return out;
}

inline QueryOutcome QueryRange(const storage::Querier& q, const std::string& query,
                               TimestampMs start, TimestampMs end, DurationMs step,
                               EngineOptions opts = {}) {
  QueryOutcome out;
  auto expr = ParseExpr(query, AllFeatures());
  if (!expr.ok()) {
    ADD_FAILURE() << "parse error: " << expr.message();
    return out;
  }
  Engine engine(opts);
  auto r = engine.RangeQuery(q, **expr, start, end, step);
  if (!r.ok()) {
    out.value = r.message();
    return out;
  }
  out.ok = true;
  out.value = Render(r->value);
  for (const auto& a : r->warnings) out.warnings.push_back(FormatAnnotation(a, query));
  for (const auto& a : r->infos) out.infos.push_back(FormatAnnotation(a, query));
  return out;
}

// The value of a query that returns exactly one sample (NaN otherwise), for numeric checks.
inline double SingleValue(const storage::Querier& q, const std::string& query, TimestampMs t,
                          EngineOptions opts = {}) {
  auto expr = ParseExpr(query, AllFeatures());
  if (!expr.ok()) {
    ADD_FAILURE() << "parse error: " << expr.message();
    return std::nan("");
  }
  Engine engine(opts);
  auto r = engine.InstantQuery(q, **expr, t);
  if (!r.ok()) {
    ADD_FAILURE() << query << ": " << r.message();
    return std::nan("");
  }
  if (const auto* s = std::get_if<Scalar>(&r->value)) return s->v;
  const auto* v = std::get_if<Vector>(&r->value);
  if (v == nullptr || v->size() != 1) {
    ADD_FAILURE() << query << ": not a single sample: " << Render(r->value);
    return std::nan("");
  }
  return (*v)[0].v;
}

}  // namespace tocsin::promql::testing
