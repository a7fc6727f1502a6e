#include "engine/promql/ast.h"

namespace tocsin::promql {

const char* ValueTypeName(ValueType t) {
  switch (t) {
    case ValueType::kNone:
      return "none";
    case ValueType::kScalar:
      return "scalar";
    case ValueType::kVector:
      return "instant vector";
    case ValueType::kMatrix:
      return "range vector";
    case ValueType::kString:
      return "string";
  }
  return "unknown";
}

const char* OpString(Op op) {
  switch (op) {
    case Op::kAdd:
      return "+";
    case Op::kSub:
      return "-";
    case Op::kMul:
      return "*";
    case Op::kDiv:
      return "/";
    case Op::kMod:
      return "%";
    case Op::kPow:
      return "^";
    case Op::kAtan2:
      return "atan2";
    case Op::kEql:
      return "==";
    case Op::kNeq:
      return "!=";
    case Op::kGtr:
      return ">";
    case Op::kLss:
      return "<";
    case Op::kGte:
      return ">=";
    case Op::kLte:
      return "<=";
    case Op::kLand:
      return "and";
    case Op::kLor:
      return "or";
    case Op::kLunless:
      return "unless";
    case Op::kTrimUpper:
      return "</";
    case Op::kTrimLower:
      return ">/";
    case Op::kSum:
      return "sum";
    case Op::kAvg:
      return "avg";
    case Op::kCount:
      return "count";
    case Op::kMin:
      return "min";
    case Op::kMax:
      return "max";
    case Op::kGroup:
      return "group";
    case Op::kStddev:
      return "stddev";
    case Op::kStdvar:
      return "stdvar";
    case Op::kTopk:
      return "topk";
    case Op::kBottomk:
      return "bottomk";
    case Op::kCountValues:
      return "count_values";
    case Op::kQuantile:
      return "quantile";
    case Op::kLimitK:
      return "limitk";
    case Op::kLimitRatio:
      return "limit_ratio";
  }
  return "?";
}

bool IsComparisonOp(Op op) {
  switch (op) {
    case Op::kEql:
    case Op::kNeq:
    case Op::kGtr:
    case Op::kLss:
    case Op::kGte:
    case Op::kLte:
      return true;
    default:
      return false;
  }
}

bool IsSetOp(Op op) {
  return op == Op::kLand || op == Op::kLor || op == Op::kLunless;
}

bool IsAggregateOp(Op op) {
  return op >= Op::kSum;
}

bool IsAggregateWithParam(Op op) {
  switch (op) {
    case Op::kTopk:
    case Op::kBottomk:
    case Op::kCountValues:
    case Op::kQuantile:
    case Op::kLimitK:
    case Op::kLimitRatio:
      return true;
    default:
      return false;
  }
}

namespace {

ExprPtr CloneOrNull(const ExprPtr& e) {
  return e ? e->Clone() : nullptr;
}

template <typename T>
std::unique_ptr<T> CloneBase(const T& from) {
  auto out = std::make_unique<T>();
  out->pos = from.pos;
  return out;
}

}  // namespace

Duration Duration::Clone() const {
  Duration d;
  d.ms = ms;
  d.expr = CloneOrNull(expr);
  return d;
}

ExprPtr NumberLiteral::Clone() const {
  auto out = CloneBase(*this);
  out->value = value;
  out->is_duration = is_duration;
  return out;
}

ExprPtr StringLiteral::Clone() const {
  auto out = CloneBase(*this);
  out->value = value;
  return out;
}

ExprPtr DurationExpr::Clone() const {
  auto out = CloneBase(*this);
  out->op = op;
  out->lhs = CloneOrNull(lhs);
  out->rhs = CloneOrNull(rhs);
  out->wrapped = wrapped;
  return out;
}

ExprPtr VectorSelector::Clone() const {
  auto out = CloneBase(*this);
  out->name = name;
  out->matchers = matchers;
  out->original_offset = original_offset.Clone();
  out->offset = offset;
  out->at = at;
  out->at_timestamp = at_timestamp;
  out->anchored = anchored;
  out->smoothed = smoothed;
  out->bypass_empty_matcher_check = bypass_empty_matcher_check;
  return out;
}

ExprPtr MatrixSelector::Clone() const {
  auto out = CloneBase(*this);
  out->vector_selector = CloneOrNull(vector_selector);
  out->range = range.Clone();
  return out;
}

ExprPtr SubqueryExpr::Clone() const {
  auto out = CloneBase(*this);
  out->expr = CloneOrNull(expr);
  out->range = range.Clone();
  out->step = step.Clone();
  out->original_offset = original_offset.Clone();
  out->offset = offset;
  out->at = at;
  out->at_timestamp = at_timestamp;
  return out;
}

ExprPtr ParenExpr::Clone() const {
  auto out = CloneBase(*this);
  out->expr = CloneOrNull(expr);
  return out;
}

ExprPtr UnaryExpr::Clone() const {
  auto out = CloneBase(*this);
  out->op = op;
  out->expr = CloneOrNull(expr);
  return out;
}

ValueType BinaryExpr::type() const {
  if (lhs->type() == ValueType::kScalar && rhs->type() == ValueType::kScalar) {
    return ValueType::kScalar;
  }
  return ValueType::kVector;
}

ExprPtr BinaryExpr::Clone() const {
  auto out = CloneBase(*this);
  out->op = op;
  out->lhs = CloneOrNull(lhs);
  out->rhs = CloneOrNull(rhs);
  out->matching = matching;
  out->return_bool = return_bool;
  return out;
}

ExprPtr AggregateExpr::Clone() const {
  auto out = CloneBase(*this);
  out->op = op;
  out->expr = CloneOrNull(expr);
  out->param = CloneOrNull(param);
  out->grouping = grouping;
  out->without = without;
  return out;
}

ValueType Call::type() const {
  return func ? func->return_type : ValueType::kNone;
}

ExprPtr Call::Clone() const {
  auto out = CloneBase(*this);
  out->func = func;
  out->args.reserve(args.size());
  for (const auto& a : args) out->args.push_back(CloneOrNull(a));
  return out;
}

ExprPtr StepInvariantExpr::Clone() const {
  auto out = CloneBase(*this);
  out->expr = CloneOrNull(expr);
  return out;
}

namespace {

template <typename ExprT, typename Out>
void CollectChildren(ExprT& e, Out& out) {
  auto add = [&](auto& p) {
    if (p) out.push_back(p.get());
  };
  switch (e.kind) {
    case ExprKind::kNumberLiteral:
    case ExprKind::kStringLiteral:
    case ExprKind::kVectorSelector:
      break;
    case ExprKind::kMatrixSelector:
      add(As<MatrixSelector>(e).vector_selector);
      break;
    case ExprKind::kSubquery:
      add(As<SubqueryExpr>(e).expr);
      break;
    case ExprKind::kParen:
      add(As<ParenExpr>(e).expr);
      break;
    case ExprKind::kUnary:
      add(As<UnaryExpr>(e).expr);
      break;
    case ExprKind::kBinary:
      add(As<BinaryExpr>(e).lhs);
      add(As<BinaryExpr>(e).rhs);
      break;
    case ExprKind::kAggregate:
      add(As<AggregateExpr>(e).param);
      add(As<AggregateExpr>(e).expr);
      break;
    case ExprKind::kCall:
      for (auto& a : As<Call>(e).args) add(a);
      break;
    case ExprKind::kStepInvariant:
      add(As<StepInvariantExpr>(e).expr);
      break;
    case ExprKind::kDuration:
      add(As<DurationExpr>(e).lhs);
      add(As<DurationExpr>(e).rhs);
      break;
  }
}

void InspectRec(const Expr& e, std::vector<const Expr*>& path,
                const std::function<bool(const Expr&, const std::vector<const Expr*>&)>& visit) {
  if (!visit(e, path)) return;
  path.push_back(&e);
  for (const Expr* c : Children(e)) InspectRec(*c, path, visit);
  path.pop_back();
}

}  // namespace

std::vector<Expr*> Children(Expr& e) {
  std::vector<Expr*> out;
  CollectChildren(e, out);
  return out;
}

std::vector<const Expr*> Children(const Expr& e) {
  std::vector<const Expr*> out;
  CollectChildren(e, out);
  return out;
}

void Inspect(const Expr& root,
             const std::function<bool(const Expr&, const std::vector<const Expr*>&)>& visit) {
  std::vector<const Expr*> path;
  InspectRec(root, path, visit);
}

}  // namespace tocsin::promql
