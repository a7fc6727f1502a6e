#include "engine/promql/duration_expr.h"

#include <cmath>
#include <limits>
#include <string>

namespace tocsin::promql {

namespace {

// Go's math.Min/math.Max: an infinity in the direction wins, then NaN wins, and -0 is less
// than +0 (std::fmin/fmax would drop NaNs).
double GoMin(double a, double b) {
  if ((std::isinf(a) && a < 0) || (std::isinf(b) && b < 0)) {
    return -std::numeric_limits<double>::infinity();
  }
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
  if (a == 0 && b == 0) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}
double GoMax(double a, double b) {
  if ((std::isinf(a) && a > 0) || (std::isinf(b) && b > 0)) {
    return std::numeric_limits<double>::infinity();
  }
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
  if (a == 0 && b == 0) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

std::string At(const Expr& e) {
  return std::to_string(e.pos.start) + ":" + std::to_string(e.pos.end) + ": ";
}

Status Resolve(Duration& d, bool allow_negative, DurationMs step, DurationMs range) {
  if (!d.expr) return Status::Ok();
  auto v = EvaluateDurationExpr(*d.expr, step, range);
  if (!v.ok()) return v.error();
  const double seconds = *v;
  if (std::isnan(seconds) || std::isinf(seconds)) {
    return Error{At(*d.expr) + "duration is NaN or infinite"};
  }
  if (seconds <= 0 && !allow_negative) {
    return Error{At(*d.expr) + "duration must be greater than 0"};
  }
  if (seconds > 9223372036.854775807 || seconds < -9223372036.854775808) {
    return Error{At(*d.expr) + "duration is out of range"};
  }
  d.ms = static_cast<DurationMs>(seconds * 1000);  // truncated, as Prometheus converts
  return Status::Ok();
}

Status ResolveNode(Expr& e, DurationMs step, DurationMs range) {
  switch (e.kind) {
    case ExprKind::kVectorSelector:
      if (Status s = Resolve(As<VectorSelector>(e).original_offset, true, step, range); !s.ok()) {
        return s;
      }
      break;
    case ExprKind::kMatrixSelector:
      if (Status s = Resolve(As<MatrixSelector>(e).range, false, step, range); !s.ok()) return s;
      break;
    case ExprKind::kSubquery: {
      auto& sq = As<SubqueryExpr>(e);
      for (auto [d, negative] :
           {std::pair{&sq.original_offset, true}, {&sq.step, false}, {&sq.range, false}}) {
        if (Status s = Resolve(*d, negative, step, range); !s.ok()) return s;
      }
      break;
    }
    default:
      break;
  }
  for (Expr* child : Children(e)) {
    if (Status s = ResolveNode(*child, step, range); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Result<double> EvaluateDurationExpr(const Expr& expr, DurationMs step, DurationMs range) {
  if (expr.kind == ExprKind::kNumberLiteral) return As<NumberLiteral>(expr).value;
  if (expr.kind != ExprKind::kDuration) {
    return Error{At(expr) + "unexpected duration expression type"};
  }
  const auto& n = As<DurationExpr>(expr);
  double lhs = 0, rhs = 0;
  if (n.lhs) {
    auto v = EvaluateDurationExpr(*n.lhs, step, range);
    if (!v.ok()) return v;
    lhs = *v;
  }
  if (n.rhs) {
    auto v = EvaluateDurationExpr(*n.rhs, step, range);
    if (!v.ok()) return v;
    rhs = *v;
  }
  using D = DurationExpr::DOp;
  switch (n.op) {
    case D::kStep:
      return static_cast<double>(step) / 1000.0;
    case D::kRange:
      return static_cast<double>(range) / 1000.0;
    case D::kMinOf:
      return GoMin(lhs, rhs);
    case D::kMaxOf:
      return GoMax(lhs, rhs);
    case D::kPos:
      return lhs;
    case D::kNeg:
      return -lhs;
    case D::kAdd:
      return lhs + rhs;
    case D::kSub:
      return lhs - rhs;
    case D::kMul:
      return lhs * rhs;
    case D::kDiv:
      if (rhs == 0) return Error{At(expr) + "division by zero"};
      return lhs / rhs;
    case D::kMod:
      if (rhs == 0) return Error{At(expr) + "modulo by zero"};
      return std::fmod(lhs, rhs);
    case D::kPow:
      return std::pow(lhs, rhs);
  }
  return Error{At(expr) + "unexpected duration expression operator"};
}

Status ResolveDurations(Expr& root, DurationMs step, DurationMs range) {
  return ResolveNode(root, step, range);
}

}  // namespace tocsin::promql
