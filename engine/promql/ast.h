// The PromQL syntax tree: what the parser produces and the evaluator walks.
//
// Nodes own their children through unique_ptr; Clone() makes deep copies (the test harness and
// the evaluator's pre-processing rewrite trees). Every node records its byte range in the query
// text (PosRange) so errors and annotations can point at "line:col".
//
// Durations appear in three places (range `[..]`, subquery `[..:..]`, `offset ..`). Each holds
// either a literal value in milliseconds or, for duration expressions (`[5m*2]`, `offset
// step()`), a DurationExpr evaluated once per query, before evaluation, when step and range are
// known.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/matcher.h"
#include "storage/base/time.h"

namespace tocsin::promql {

enum class ValueType { kNone, kScalar, kVector, kMatrix, kString };
const char* ValueTypeName(ValueType t);  // "scalar", "instant vector", "range vector", "string"

// Byte offsets [start, end) into the query text.
struct PosRange {
  int start = 0;
  int end = 0;
};

enum class ExprKind {
  kNumberLiteral,
  kStringLiteral,
  kVectorSelector,
  kMatrixSelector,
  kSubquery,
  kParen,
  kUnary,
  kBinary,
  kAggregate,
  kCall,
  kStepInvariant,  // inserted by pre-processing, never by the parser
  kDuration,       // arithmetic on durations inside [..] or after offset
};

// Binary operators, aggregation operators and unary signs share one token set, as in the lexer.
enum class Op {
  // arithmetic
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kAtan2,
  // comparison
  kEql,
  kNeq,
  kGtr,
  kLss,
  kGte,
  kLte,
  // set
  kLand,
  kLor,
  kLunless,
  // native-histogram trim operators (parsed; evaluating them needs native histograms)
  kTrimUpper,
  kTrimLower,
  // aggregations
  kSum,
  kAvg,
  kCount,
  kMin,
  kMax,
  kGroup,
  kStddev,
  kStdvar,
  kTopk,
  kBottomk,
  kCountValues,
  kQuantile,
  kLimitK,
  kLimitRatio,
};
const char* OpString(Op op);  // "+", "and", "sum", ...
bool IsComparisonOp(Op op);
bool IsSetOp(Op op);
bool IsAggregateOp(Op op);
// topk, bottomk, count_values, quantile, limitk, limit_ratio.
bool IsAggregateWithParam(Op op);

// `@` modifier: a fixed timestamp, or start()/end() of the query.
enum class AtModifier { kNone, kTimestamp, kStart, kEnd };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  explicit Expr(ExprKind k) : kind(k) {}
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  virtual ValueType type() const = 0;
  virtual ExprPtr Clone() const = 0;

  const ExprKind kind;
  PosRange pos;
};

struct NumberLiteral final : Expr {
  NumberLiteral() : Expr(ExprKind::kNumberLiteral) {}
  ValueType type() const override { return ValueType::kScalar; }
  ExprPtr Clone() const override;
  double value = 0;
  bool is_duration = false;  // written as a duration ("5m"); prints back as one
};

struct StringLiteral final : Expr {
  StringLiteral() : Expr(ExprKind::kStringLiteral) {}
  ValueType type() const override { return ValueType::kString; }
  ExprPtr Clone() const override;
  std::string value;
};

// Arithmetic over durations, e.g. `5m*2`, `step()`, `min_of(range(), 1h)`, `-(1h/2)`.
// Leaves are NumberLiterals (seconds, as PromQL numbers are; `is_duration` when written as a
// duration) or step()/range() nodes. Unary kNeg/kPos keep their operand in `lhs`; kPos is also
// how a parenthesised bare literal `(5m)` is kept (with `wrapped`), so printing round-trips.
struct DurationExpr final : Expr {
  enum class DOp { kAdd, kSub, kMul, kDiv, kMod, kPow, kNeg, kPos, kStep, kRange, kMinOf, kMaxOf };
  DurationExpr() : Expr(ExprKind::kDuration) {}
  ValueType type() const override { return ValueType::kScalar; }
  ExprPtr Clone() const override;
  DOp op = DOp::kAdd;
  ExprPtr lhs;           // binary ops: left; kNeg/kPos: the operand; kMinOf/kMaxOf: first argument
  ExprPtr rhs;           // binary ops: right; kMinOf/kMaxOf: second argument
  bool wrapped = false;  // written in parentheses
};

// A duration in a query: a literal, or an expression resolved before evaluation.
struct Duration {
  DurationMs ms = 0;
  ExprPtr expr;  // non-null for a duration expression; `ms` is filled in when resolved
  Duration Clone() const;
};

struct VectorSelector final : Expr {
  VectorSelector() : Expr(ExprKind::kVectorSelector) {}
  ValueType type() const override { return ValueType::kVector; }
  ExprPtr Clone() const override;

  // The metric name when written outside the braces (`foo{..}`); empty for `{"foo"}`, whose
  // name is only a __name__ matcher, as in Prometheus.
  std::string name;
  // In the order written; a name outside the braces adds a trailing __name__="name" matcher.
  std::vector<LabelMatcher> matchers;
  Duration original_offset;  // as written (negative allowed)
  DurationMs offset = 0;     // effective offset after pre-processing
  AtModifier at = AtModifier::kNone;
  TimestampMs at_timestamp = 0;  // for kTimestamp (and filled in for start/end)
  // Experimental extended range selectors (promql-extended-range-selectors).
  bool anchored = false;
  bool smoothed = false;
  // Set for the label-selector argument of info(), which may match the empty string.
  bool bypass_empty_matcher_check = false;
};

struct MatrixSelector final : Expr {
  MatrixSelector() : Expr(ExprKind::kMatrixSelector) {}
  ValueType type() const override { return ValueType::kMatrix; }
  ExprPtr Clone() const override;

  ExprPtr vector_selector;  // always a VectorSelector (offset/@ are stored there)
  Duration range;

  VectorSelector& selector() { return static_cast<VectorSelector&>(*vector_selector); }
  const VectorSelector& selector() const {
    return static_cast<const VectorSelector&>(*vector_selector);
  }
};

struct SubqueryExpr final : Expr {
  SubqueryExpr() : Expr(ExprKind::kSubquery) {}
  ValueType type() const override { return ValueType::kMatrix; }
  ExprPtr Clone() const override;

  ExprPtr expr;
  Duration range;
  Duration step;  // ms == 0 and no expr: the default (evaluation interval)
  Duration original_offset;
  DurationMs offset = 0;
  AtModifier at = AtModifier::kNone;
  TimestampMs at_timestamp = 0;
};

struct ParenExpr final : Expr {
  ParenExpr() : Expr(ExprKind::kParen) {}
  ValueType type() const override { return expr->type(); }
  ExprPtr Clone() const override;
  ExprPtr expr;
};

struct UnaryExpr final : Expr {
  UnaryExpr() : Expr(ExprKind::kUnary) {}
  ValueType type() const override { return expr->type(); }
  ExprPtr Clone() const override;
  Op op = Op::kSub;  // kAdd or kSub
  ExprPtr expr;
};

enum class Cardinality { kOneToOne, kManyToOne, kOneToMany, kManyToMany };

struct VectorMatching {
  Cardinality card = Cardinality::kOneToOne;
  std::vector<std::string> matching_labels;  // on(...) or ignoring(...) list
  bool on = false;                           // on(...) given (else ignoring, possibly empty)
  std::vector<std::string> include;          // group_left(...)/group_right(...) extra labels
  // Experimental fill modifiers: value used when a side has no match.
  std::optional<double> fill_lhs;
  std::optional<double> fill_rhs;
};

struct BinaryExpr final : Expr {
  BinaryExpr() : Expr(ExprKind::kBinary) {}
  ValueType type() const override;
  ExprPtr Clone() const override;

  Op op = Op::kAdd;
  ExprPtr lhs;
  ExprPtr rhs;
  // Present when both sides are vectors (set ops always get many-to-many).
  std::optional<VectorMatching> matching;
  bool return_bool = false;
};

struct AggregateExpr final : Expr {
  AggregateExpr() : Expr(ExprKind::kAggregate) {}
  ValueType type() const override { return ValueType::kVector; }
  ExprPtr Clone() const override;

  Op op = Op::kSum;
  ExprPtr expr;
  ExprPtr param;  // topk/bottomk/quantile/count_values/limitk/limit_ratio
  std::vector<std::string> grouping;
  bool without = false;
};

struct FunctionInfo;  // functions.h

struct Call final : Expr {
  Call() : Expr(ExprKind::kCall) {}
  ValueType type() const override;
  ExprPtr Clone() const override;

  const FunctionInfo* func = nullptr;
  std::vector<ExprPtr> args;
};

// Marks a subtree whose value is the same at every step of a range query (it uses @ or is
// constant), so the evaluator computes it once.
struct StepInvariantExpr final : Expr {
  StepInvariantExpr() : Expr(ExprKind::kStepInvariant) {}
  ValueType type() const override { return expr->type(); }
  ExprPtr Clone() const override;
  ExprPtr expr;
};

// Function signatures, kept in one table (functions.cc). The evaluator looks up its
// implementation by name.
struct FunctionInfo {
  std::string name;
  std::vector<ValueType> arg_types;
  int variadic = 0;  // 0: exactly arg_types; -1: unlimited trailing; n>0: up to n optional
  ValueType return_type = ValueType::kVector;
  bool experimental = false;
};
const FunctionInfo* FindFunction(std::string_view name);
// Every function, in name order (for docs and tests).
const std::vector<FunctionInfo>& AllFunctions();

// Walking a tree. Children() lists the direct sub-expressions in evaluation order (for a
// MatrixSelector its VectorSelector; for a DurationExpr its operands; durations inside [..] and
// offsets are not children). Inspect() visits `root` and then every descendant depth-first; the
// visitor gets the node and the path of its ancestors (root first) and returns false to skip the
// node's children.
std::vector<Expr*> Children(Expr& e);
std::vector<const Expr*> Children(const Expr& e);
void Inspect(const Expr& root,
             const std::function<bool(const Expr&, const std::vector<const Expr*>& path)>& visit);

// Casts with a checked kind, for code that switches on Expr::kind.
template <typename T>
const T& As(const Expr& e) {
  return static_cast<const T&>(e);
}
template <typename T>
T& As(Expr& e) {
  return static_cast<T&>(e);
}

}  // namespace tocsin::promql
