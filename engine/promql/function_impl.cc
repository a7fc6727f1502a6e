#include "engine/promql/function_impl.h"

#include <algorithm>
#include <cmath>

#include "engine/promql/label_ops.h"

namespace tocsin::promql {

namespace {

std::vector<FunctionImpl> BuildTable() {
  std::vector<FunctionImpl> table;
  RegisterRangeFunctions(table);
  RegisterMathFunctions(table);
  RegisterTimeFunctions(table);
  RegisterLabelFunctions(table);
  RegisterHistogramFunctions(table);
  std::sort(table.begin(), table.end(),
            [](const FunctionImpl& a, const FunctionImpl& b) { return a.name < b.name; });
  return table;
}

}  // namespace

const FunctionImpl* FindFunctionImpl(std::string_view name) {
  static const std::vector<FunctionImpl> table = BuildTable();
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const FunctionImpl& f, std::string_view n) { return f.name < n; });
  if (it == table.end() || it->name != name) return nullptr;
  return &*it;
}

std::string_view RangeCall::metric_name() const {
  return series.WithLabels([&](auto labels) {
    return label_seq::Get(labels, ev.Hidden(series.drop_name), kMetricName);
  });
}

std::string_view InstantCall::string_arg(size_t i) const {
  const Expr& e = Unparen(*call.args[i]);
  if (e.kind != ExprKind::kStringLiteral) return {};
  return static_cast<const StringLiteral&>(e).value;
}

bool ReadsStartTimes(std::string_view name) {
  return name == "rate" || name == "increase" || name == "irate" || name == "resets";
}

bool IsAtModifierUnsafe(std::string_view name) {
  static constexpr std::string_view kUnsafe[] = {
      "days_in_month", "day_of_month", "day_of_week", "day_of_year", "end",
      "hour",          "minute",       "month",       "year",        "predict_linear",
      "range",         "start",        "step",        "time",        "timestamp"};
  return std::find(std::begin(kUnsafe), std::end(kUnsafe), name) != std::end(kUnsafe);
}

Labels AbsentLabels(const Expr& arg_expr) {
  const Expr& arg = Unparen(arg_expr);
  const VectorSelector* vs = nullptr;
  if (arg.kind == ExprKind::kVectorSelector) {
    vs = static_cast<const VectorSelector*>(&arg);
  } else if (arg.kind == ExprKind::kMatrixSelector) {
    vs = static_cast<const VectorSelector*>(
        static_cast<const MatrixSelector&>(arg).vector_selector.get());
  }
  if (vs == nullptr) return Labels();
  LabelsBuilder b;
  std::vector<std::string> seen;
  for (const auto& m : vs->matchers) {
    if (m.name() == kMetricName) continue;
    const bool first = std::find(seen.begin(), seen.end(), m.name()) == seen.end();
    if (m.type() == MatchType::kEqual && first) {
      b.set(m.name(), m.value());
      seen.push_back(m.name());
    } else {
      b.del(m.name());
    }
  }
  return b.labels();
}

double Quantile(double q, std::vector<double>& values) {
  if (values.empty() || std::isnan(q)) return std::nan("");
  if (q < 0) return -HUGE_VAL;
  if (q > 1) return HUGE_VAL;
  // NaN sorts first, as in Prometheus.
  std::sort(values.begin(), values.end(), [](double a, double b) {
    if (std::isnan(a)) return !std::isnan(b);
    return a < b;
  });
  const double n = static_cast<double>(values.size());
  const double rank = q * (n - 1);
  const double lower = std::max(0.0, std::floor(rank));
  const double upper = std::min(n - 1, lower + 1);
  const double weight = rank - std::floor(rank);
  return values[static_cast<size_t>(lower)] * (1 - weight) +
         values[static_cast<size_t>(upper)] * weight;
}

}  // namespace tocsin::promql
