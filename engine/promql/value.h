// PromQL values: what an expression evaluates to.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "engine/promql/ast.h"
#include "storage/base/labels.h"
#include "storage/base/time.h"

namespace tocsin::promql {

struct FPoint {
  TimestampMs t = 0;
  double v = 0;
};

// One element of an instant vector. `drop_name` marks a sample whose __name__ is to be removed
// at the end of evaluation (delayed name removal); without that option the name is removed at
// once and the flag stays false.
struct Sample {
  Labels metric;
  TimestampMs t = 0;
  double v = 0;
  bool drop_name = false;
};
using Vector = std::vector<Sample>;

struct Series {
  Labels metric;
  std::vector<FPoint> points;
  bool drop_name = false;
};
using Matrix = std::vector<Series>;

struct Scalar {
  TimestampMs t = 0;
  double v = 0;
};

struct String {
  TimestampMs t = 0;
  std::string v;
};

using Value = std::variant<Scalar, Vector, Matrix, String>;

// Warnings and infos attached to a result, as Prometheus's annotations package words them.
// Rendered for the API as "PromQL warning: <message> (<line>:<col>)"; `pos` is the byte range
// of the expression the annotation is about.
struct Annotation {
  enum class Kind { kWarning, kInfo };
  Kind kind = Kind::kWarning;
  std::string message;
  PosRange pos;
};

}  // namespace tocsin::promql
