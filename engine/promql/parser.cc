// The PromQL parser: hand-written recursive descent with precedence climbing, producing the
// same trees, the same type checks and the same error texts and positions as Prometheus's
// yacc grammar.
//
// Error handling follows the upstream parser's model. Semantic problems (an unknown function, a
// second offset, a bad literal) are recorded and parsing goes on; a syntax error ends parsing.
// Only the first recorded error is reported. A syntax error is worded after the innermost
// grammar rule that has an error alternative upstream: "in label matching", "in grouping opts",
// "in offset", "in aggregation", ...; outside of those it is a bare "unexpected X".
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

#include "engine/promql/lexer.h"
#include "engine/promql/literals.h"
#include "engine/promql/parse_error.h"
#include "engine/promql/parser.h"
#include "storage/base/labels.h"
#include "storage/base/strings.h"

namespace tocsin::promql {

std::string PositionString(std::string_view query, int offset) {
  if (query.empty()) return "unknown position";
  if (offset < 0 || offset > static_cast<int>(query.size())) return "invalid position";
  int line = 1;
  int last_break = -1;
  for (int i = 0; i < offset; ++i) {
    if (query[i] == '\n') {
      last_break = i;
      ++line;
    }
  }
  return std::to_string(line) + ":" + std::to_string(offset - last_break);
}

Error FormatParseError(std::string_view query, const ParseError& e) {
  return Error{PositionString(query, e.pos.start) + ": parse error: " + e.message};
}

namespace {

using T = TokenType;

constexpr int kPowPrecedence = 6;

// Binary operator precedence, lowest first; 0 for tokens that are not binary operators.
int Precedence(T t) {
  switch (t) {
    case T::kLor:
      return 1;
    case T::kLand:
    case T::kLunless:
      return 2;
    case T::kEqlc:
    case T::kNeq:
    case T::kLss:
    case T::kLte:
    case T::kGtr:
    case T::kGte:
    case T::kTrimUpper:
    case T::kTrimLower:
      return 3;
    case T::kAdd:
    case T::kSub:
      return 4;
    case T::kMul:
    case T::kDiv:
    case T::kMod:
    case T::kAtan2:
      return 5;
    case T::kPow:
      return kPowPrecedence;
    default:
      return 0;
  }
}

Op BinaryOp(T t) {
  switch (t) {
    case T::kAdd:
      return Op::kAdd;
    case T::kSub:
      return Op::kSub;
    case T::kMul:
      return Op::kMul;
    case T::kDiv:
      return Op::kDiv;
    case T::kMod:
      return Op::kMod;
    case T::kPow:
      return Op::kPow;
    case T::kAtan2:
      return Op::kAtan2;
    case T::kEqlc:
      return Op::kEql;
    case T::kNeq:
      return Op::kNeq;
    case T::kGtr:
      return Op::kGtr;
    case T::kLss:
      return Op::kLss;
    case T::kGte:
      return Op::kGte;
    case T::kLte:
      return Op::kLte;
    case T::kLand:
      return Op::kLand;
    case T::kLor:
      return Op::kLor;
    case T::kLunless:
      return Op::kLunless;
    case T::kTrimUpper:
      return Op::kTrimUpper;
    case T::kTrimLower:
      return Op::kTrimLower;
    default:
      return Op::kAdd;
  }
}

Op AggregateOp(T t) {
  switch (t) {
    case T::kSum:
      return Op::kSum;
    case T::kAvg:
      return Op::kAvg;
    case T::kCount:
      return Op::kCount;
    case T::kMin:
      return Op::kMin;
    case T::kMax:
      return Op::kMax;
    case T::kGroup:
      return Op::kGroup;
    case T::kStddev:
      return Op::kStddev;
    case T::kStdvar:
      return Op::kStdvar;
    case T::kTopk:
      return Op::kTopk;
    case T::kBottomk:
      return Op::kBottomk;
    case T::kCountValues:
      return Op::kCountValues;
    case T::kQuantile:
      return Op::kQuantile;
    case T::kLimitK:
      return Op::kLimitK;
    case T::kLimitRatio:
      return Op::kLimitRatio;
    default:
      return Op::kSum;
  }
}

// Tokens that may name a metric outside braces (keywords that cannot be mistaken there).
bool IsMetricIdentifier(T t) {
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

// Tokens accepted as a label name in by/without/on/ignoring/group_x lists.
bool IsMaybeLabel(T t) {
  if (IsAggregatorToken(t)) return true;
  switch (t) {
    case T::kIdentifier:
    case T::kMetricIdentifier:
    case T::kBool:
    case T::kBy:
    case T::kGroupLeft:
    case T::kGroupRight:
    case T::kFill:
    case T::kFillLeft:
    case T::kFillRight:
    case T::kIgnoring:
    case T::kLand:
    case T::kLor:
    case T::kLunless:
    case T::kOffset:
    case T::kOn:
    case T::kStart:
    case T::kEnd:
    case T::kAtan2:
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

bool IsMatchOp(T t) {
  return t == T::kEql || t == T::kNeq || t == T::kEqlRegex || t == T::kNeqRegex;
}

MatchType MatchTypeOf(T t) {
  switch (t) {
    case T::kNeq:
      return MatchType::kNotEqual;
    case T::kEqlRegex:
      return MatchType::kRegexp;
    case T::kNeqRegex:
      return MatchType::kNotRegexp;
    default:
      return MatchType::kEqual;
  }
}

// Go's %f, as used in "timestamp out of bounds for @ modifier: %f".
std::string FormatPercentF(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[512];
  std::snprintf(buf, sizeof buf, "%f", v);
  return buf;
}

// Seconds as a Go time.Duration would turn them into milliseconds: rounded to nanoseconds,
// then truncated to milliseconds.
DurationMs SecondsToMs(double seconds) {
  const double ns = std::round(seconds * 1e9);
  return static_cast<DurationMs>(ns / 1e6);
}

// A Go time.Duration's Seconds(), from milliseconds.
double MsToSeconds(DurationMs ms) {
  return static_cast<double>(ms / 1000) + static_cast<double>((ms % 1000) * 1000000) / 1e9;
}

bool DurationOutOfRange(double seconds) {
  return seconds > 9223372036.854775807 || seconds < -9223372036.854775808;
}

template <typename E>
std::unique_ptr<E> Make(PosRange pos) {
  auto e = std::make_unique<E>();
  e->pos = pos;
  return e;
}

// Thrown to end parsing at a syntax error, once it has been recorded.
struct SyntaxAbort {};

class Parser {
 public:
  Parser(std::string_view input, const ParserOptions& options) : input_(input), options_(options) {
    tokens_ = Lexer::Tokenize(input, /*series_desc=*/false, &lex_error_);
  }

  Result<ExprPtr> ParseExpression() {
    ExprPtr expr;
    try {
      if (Peek().type == T::kEof) {
        AddError({0, 0}, "no expression found in input");
      } else {
        expr = ParseBinary(1);
        if (Peek().type != T::kEof) Unexpected("", "");
      }
    } catch (const SyntaxAbort&) {
    }
    if (errors_.empty()) CheckAst(*expr);
    if (!errors_.empty()) return FormatParseError(input_, errors_.front());
    return expr;
  }

  Result<std::vector<LabelMatcher>> ParseSelector() {
    std::vector<LabelMatcher> matchers;
    try {
      const Token& t = Peek();
      if (IsMetricIdentifier(t.type)) {
        auto vs = ParseVectorSelector();
        matchers = std::move(vs->matchers);
      } else if (t.type == T::kLeftBrace) {
        auto vs = ParseVectorSelector();
        matchers = std::move(vs->matchers);
      } else {
        Unexpected("", "");
      }
      if (Peek().type != T::kEof) Unexpected("", "");
    } catch (const SyntaxAbort&) {
    }
    if (!errors_.empty()) return FormatParseError(input_, errors_.front());
    return matchers;
  }

 private:
  // ---- Tokens and errors. ----

  const Token& Peek() {
    const Token& t = tokens_[index_];
    if (t.type == T::kError) {
      // The lexer's message is the error; nothing after it can be parsed.
      AddError({t.pos, static_cast<int>(input_.size())}, std::string(t.text));
      throw SyntaxAbort{};
    }
    return t;
  }
  // The token after the next one, without reporting lexer errors (those come when reached).
  T PeekSecond() const {
    if (tokens_[index_].type == T::kEof || tokens_[index_].type == T::kError) return T::kEof;
    return tokens_[index_ + 1].type;
  }
  Token Consume() {
    Token t = Peek();
    last_end_ = t.end();
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
    if (context.empty() && !contexts_.empty()) {
      context = contexts_.back().name;
      expected = contexts_.back().expected;
    }
    if (!context.empty()) {
      msg += " in ";
      msg += context;
    }
    if (!expected.empty()) {
      msg += ", expected ";
      msg += expected;
    }
    AddError({t.pos, t.end()}, std::move(msg));
    throw SyntaxAbort{};
  }

  std::string Unquote(const Token& t) {
    auto r = UnquoteString(t.text);
    if (!r.ok()) {
      AddError({t.pos, t.end()}, "error unquoting string " + GoQuote(t.text) + ": " + r.message());
      return {};
    }
    return std::move(r).value();
  }

  double Number(const Token& t) {
    auto r = ParseNumber(t.text);
    if (!r.ok()) {
      AddError({t.pos, t.end()}, "error parsing number: " + r.message());
      return 0;
    }
    return *r;
  }

  // NUMBER or DURATION as a NumberLiteral (durations in seconds).
  std::unique_ptr<NumberLiteral> ParseNumberLiteral() {
    const Token t = Consume();
    auto nl = Make<NumberLiteral>({t.pos, t.end()});
    if (t.type == T::kDuration) {
      nl->is_duration = true;
      auto d = ParseDuration(t.text);
      if (!d.ok()) {
        AddError({t.pos, t.end()}, d.message());
      } else {
        nl->value = MsToSeconds(*d);
      }
    } else {
      nl->value = Number(t);
    }
    return nl;
  }

  // ---- Expressions. ----

  ExprPtr ParseBinary(int min_precedence) {
    ExprPtr lhs = ParseUnary();
    // Each operator in a chain nests the tree one level deeper (`a + b + c` is `(a + b) + c`),
    // so the links count towards the depth bound as recursion does.
    int links = 0;
    struct Restore {
      int& depth;
      int& links;
      ~Restore() { depth -= links; }
    } restore{depth_, links};
    for (;;) {
      const Token& op = Peek();
      const int prec = Precedence(op.type);
      if (prec == 0 || prec < min_precedence) return lhs;
      DepthGuard link(*this);
      ++depth_;
      ++links;
      const Token op_token = Consume();
      auto bin = std::make_unique<BinaryExpr>();
      bin->op = BinaryOp(op_token.type);
      bin->matching.emplace();
      ParseBinModifiers(*bin);
      // `^` is right-associative; everything else is left-associative.
      ExprPtr rhs = ParseBinary(prec == kPowPrecedence ? prec : prec + 1);
      bin->pos = {lhs->pos.start, rhs->pos.end};
      bin->lhs = std::move(lhs);
      bin->rhs = std::move(rhs);
      const VectorMatching& vm = *bin->matching;
      if (!options_.binop_fill_modifiers && (vm.fill_lhs || vm.fill_rhs)) {
        AddError(bin->pos, "binop fill modifiers are experimental and not enabled");
      }
      lhs = std::move(bin);
    }
  }

  void ParseBinModifiers(BinaryExpr& bin) {
    VectorMatching& vm = *bin.matching;
    if (Accept(T::kBool)) bin.return_bool = true;
    const T t = Peek().type;
    if (t == T::kOn || t == T::kIgnoring) {
      Consume();
      vm.on = t == T::kOn;
      vm.matching_labels = ParseGroupingLabels();
      const T g = Peek().type;
      if (g == T::kGroupLeft || g == T::kGroupRight) {
        Consume();
        vm.card = g == T::kGroupLeft ? Cardinality::kManyToOne : Cardinality::kOneToMany;
        if (Peek().type == T::kLeftParen) vm.include = ParseGroupingLabels();
      }
    }
    const T f = Peek().type;
    if (f == T::kFill) {
      Consume();
      const double v = ParseFillValue();
      vm.fill_lhs = v;
      vm.fill_rhs = v;
    } else if (f == T::kFillLeft) {
      Consume();
      vm.fill_lhs = ParseFillValue();
      if (Accept(T::kFillRight)) vm.fill_rhs = ParseFillValue();
    } else if (f == T::kFillRight) {
      Consume();
      vm.fill_rhs = ParseFillValue();
      if (Accept(T::kFillLeft)) vm.fill_lhs = ParseFillValue();
    }
  }

  double ParseFillValue() {
    if (!Accept(T::kLeftParen)) Unexpected("", "");
    double sign = 1;
    if (Peek().type == T::kAdd || Peek().type == T::kSub) {
      if (Consume().type == T::kSub) sign = -1;
    }
    const T t = Peek().type;
    if (t != T::kNumber && t != T::kDuration) Unexpected("", "");
    const double v = sign * ParseNumberLiteral()->value;
    if (!Accept(T::kRightParen)) Unexpected("", "");
    return v;
  }

  std::vector<std::string> ParseGroupingLabels() {
    std::vector<std::string> labels;
    if (!Accept(T::kLeftParen)) Unexpected("grouping opts", "\"(\"");
    if (Accept(T::kRightParen)) return labels;
    for (;;) {
      const Token& t = Peek();
      if (IsMaybeLabel(t.type)) {
        const Token l = Consume();
        if (!IsValidLabelName(l.text)) {
          AddError({l.pos, l.end()}, "invalid label name for grouping: " + GoQuote(l.text));
        }
        labels.emplace_back(l.text);
      } else if (t.type == T::kString) {
        const Token l = Consume();
        std::string name = Unquote(l);
        if (!IsValidLabelName(name)) {
          AddError({l.pos, l.end()}, "invalid label name for grouping: " + GoQuote(name));
        }
        labels.push_back(std::move(name));
      } else {
        Unexpected("grouping opts", "label");
      }
      if (Accept(T::kComma)) {
        if (Accept(T::kRightParen)) return labels;
        continue;
      }
      if (Accept(T::kRightParen)) return labels;
      Unexpected("grouping opts", "\",\" or \")\"");
    }
  }

  // Bounds recursion so that hostile input cannot overflow the stack.
  class DepthGuard {
   public:
    explicit DepthGuard(Parser& p) : p_(p) {
      if (++p_.depth_ > kMaxDepth) {
        const Token& t = p_.Peek();
        p_.AddError({t.pos, t.end()}, "expression nested too deeply (more than " +
                                          std::to_string(kMaxDepth) + " levels)");
        throw SyntaxAbort{};
      }
    }
    ~DepthGuard() { --p_.depth_; }

   private:
    Parser& p_;
  };
  static constexpr int kMaxDepth = 1000;

  ExprPtr ParseUnary() {
    DepthGuard guard(*this);
    const T t = Peek().type;
    if (t == T::kAdd || t == T::kSub) {
      const Token op = Consume();
      // A unary sign binds like `*`: only `^` (and postfix modifiers) bind tighter.
      ExprPtr operand = ParseBinary(kPowPrecedence);
      if (operand->kind == ExprKind::kNumberLiteral) {
        auto& nl = As<NumberLiteral>(*operand);
        if (op.type == T::kSub) nl.value = -nl.value;
        nl.pos.start = op.pos;
        return operand;
      }
      auto u = Make<UnaryExpr>({op.pos, operand->pos.end});
      u->op = op.type == T::kSub ? Op::kSub : Op::kAdd;
      u->expr = std::move(operand);
      return u;
    }
    return ParsePostfix(ParsePrimary());
  }

  ExprPtr ParsePrimary() {
    const Token& t = Peek();
    switch (t.type) {
      case T::kNumber:
      case T::kDuration:
        return ParseNumberLiteral();
      case T::kString: {
        const Token s = Consume();
        auto sl = Make<StringLiteral>({s.pos, s.end()});
        sl->value = Unquote(s);
        return sl;
      }
      case T::kLeftParen: {
        const Token open = Consume();
        ExprPtr inner = ParseBinary(1);
        if (Peek().type != T::kRightParen) Unexpected("", "");
        const Token close = Consume();
        auto p = Make<ParenExpr>({open.pos, close.end()});
        p->expr = std::move(inner);
        return p;
      }
      case T::kLeftBrace:
        return ParseVectorSelector();
      case T::kIdentifier:
        if (PeekSecond() == T::kLeftParen) return ParseCall();
        return ParseVectorSelector();
      case T::kStart:
      case T::kEnd:
      case T::kStep:
      case T::kRange:
      case T::kMaxOf:
      case T::kMinOf:
        if (PeekSecond() == T::kLeftParen) return ParseCall();
        return ParseVectorSelector();
      default:
        break;
    }
    if (IsAggregatorToken(t.type)) {
      const T next = PeekSecond();
      if (next == T::kLeftParen || next == T::kBy || next == T::kWithout) {
        return ParseAggregate();
      }
      return ParseVectorSelector();
    }
    if (IsMetricIdentifier(t.type)) return ParseVectorSelector();
    Unexpected("", "");
  }

  // Arguments of a call or an aggregation, after the `(`; consumes the `)`.
  std::vector<ExprPtr> ParseArgs() {
    std::vector<ExprPtr> args;
    if (Accept(T::kRightParen)) return args;
    for (;;) {
      args.push_back(ParseBinary(1));
      if (Peek().type == T::kComma) {
        const Token comma = Consume();
        if (Peek().type == T::kRightParen) {
          AddError({comma.pos, comma.end()}, "trailing commas not allowed in function call args");
          Consume();
          return args;
        }
        continue;
      }
      if (Accept(T::kRightParen)) return args;
      Unexpected("", "");
    }
  }

  ExprPtr ParseCall() {
    const Token name = Consume();
    Consume();  // (
    auto call = std::make_unique<Call>();
    call->args = ParseArgs();
    call->pos = {name.pos, last_end_};
    call->func = FindFunction(name.text);
    if (call->func == nullptr) {
      AddError({name.pos, name.end()}, "unknown function with name " + GoQuote(name.text));
    } else if (call->func->experimental && !options_.experimental_functions) {
      AddError({name.pos, name.end()}, "function " + GoQuote(name.text) + " is not enabled");
    }
    return call;
  }

  ExprPtr ParseAggregate() {
    const Token op = Consume();
    auto agg = std::make_unique<AggregateExpr>();
    agg->op = AggregateOp(op.type);
    auto modifier = [&] {
      agg->without = Consume().type == T::kWithout;
      agg->grouping = ParseGroupingLabels();
    };
    const T first = Peek().type;
    std::vector<ExprPtr> args;
    contexts_.push_back({"aggregation", ""});
    if (first == T::kBy || first == T::kWithout) {
      modifier();
      if (!Accept(T::kLeftParen)) Unexpected("", "");
      args = ParseArgs();
      contexts_.pop_back();
    } else {
      Consume();  // (
      args = ParseArgs();
      contexts_.pop_back();
      const T after = Peek().type;
      if (after == T::kBy || after == T::kWithout) modifier();
    }
    agg->pos = {op.pos, last_end_};

    if (args.empty()) {
      AddError(agg->pos, "no arguments for aggregate expression provided");
      return agg;
    }
    size_t wanted = 1;
    if (IsAggregateWithParam(agg->op)) {
      if (!options_.experimental_functions &&
          (agg->op == Op::kLimitK || agg->op == Op::kLimitRatio)) {
        AddError(agg->pos, std::string(OpString(agg->op)) +
                               "() is experimental and must be enabled with "
                               "--enable-feature=promql-experimental-functions");
        return agg;
      }
      wanted = 2;
    }
    if (args.size() != wanted) {
      AddError(agg->pos, "wrong number of arguments for aggregate expression provided, expected " +
                             std::to_string(wanted) + ", got " + std::to_string(args.size()));
      if (wanted == 2) agg->param = std::move(args[0]);
      return agg;
    }
    if (wanted == 2) agg->param = std::move(args[0]);
    agg->expr = std::move(args[wanted - 1]);
    return agg;
  }

  std::unique_ptr<VectorSelector> ParseVectorSelector() {
    auto vs = std::make_unique<VectorSelector>();
    const Token& first = Peek();
    vs->pos.start = first.pos;
    if (first.type != T::kLeftBrace) {
      const Token name = Consume();
      vs->name = std::string(name.text);
      vs->pos.end = name.end();
    }
    if (Peek().type == T::kLeftBrace) {
      ParseLabelMatchers(*vs);
      vs->pos.end = last_end_;
    }
    if (!vs->name.empty()) {
      auto m = LabelMatcher::Make(MatchType::kEqual, std::string(kMetricName), vs->name);
      if (m.ok()) vs->matchers.push_back(std::move(m).value());
    }
    return vs;
  }

  void ParseLabelMatchers(VectorSelector& vs) {
    Consume();  // {
    if (Accept(T::kRightBrace)) return;
    for (;;) {
      ParseLabelMatcher(vs);
      if (Accept(T::kComma)) {
        if (Accept(T::kRightBrace)) return;
        continue;
      }
      if (Accept(T::kRightBrace)) return;
      Unexpected("label matching", "\",\" or \"}\"");
    }
  }

  void ParseLabelMatcher(VectorSelector& vs) {
    const Token& t = Peek();
    if (t.type != T::kIdentifier && t.type != T::kString) {
      Unexpected("label matching", "identifier or \"}\"");
    }
    const Token name_token = Consume();
    std::string name =
        name_token.type == T::kString ? Unquote(name_token) : std::string(name_token.text);
    if (!IsMatchOp(Peek().type)) {
      if (name_token.type == T::kIdentifier) {
        Unexpected("label matching", "label matching operator");
      }
      // A lone quoted string is the metric name: {"my.metric"}.
      auto m = LabelMatcher::Make(MatchType::kEqual, std::string(kMetricName), std::move(name));
      if (!m.ok()) {
        AddError({name_token.pos, name_token.end()}, m.message());
      } else {
        vs.matchers.push_back(std::move(m).value());
      }
      return;
    }
    const Token op = Consume();
    if (Peek().type != T::kString) Unexpected("label matching", "string");
    const Token value_token = Consume();
    std::string value = Unquote(value_token);
    auto m = LabelMatcher::Make(MatchTypeOf(op.type), std::move(name), std::move(value));
    if (!m.ok()) {
      AddError({name_token.pos, value_token.end()}, m.message());
      return;
    }
    vs.matchers.push_back(std::move(m).value());
  }

  // ---- Postfix modifiers: [range], [range:step], offset, @, anchored, smoothed. ----

  ExprPtr ParsePostfix(ExprPtr e) {
    for (;;) {
      switch (Peek().type) {
        case T::kLeftBracket:
          e = ParseRangeOrSubquery(std::move(e));
          break;
        case T::kOffset:
          ParseOffset(*e);
          break;
        case T::kAt:
          ParseAt(*e);
          break;
        case T::kAnchored:
        case T::kSmoothed:
          ParseExtendedRange(*e, Consume().type == T::kAnchored);
          break;
        default:
          return e;
      }
    }
  }

  static bool StartsDuration(T t) {
    return t == T::kNumber || t == T::kDuration || t == T::kAdd || t == T::kSub || t == T::kStep ||
           t == T::kRange || t == T::kMinOf || t == T::kMaxOf || t == T::kLeftParen;
  }

  // A duration inside brackets, which must be greater than zero when it is a literal.
  Duration ParsePositiveDuration() {
    ExprPtr d = ParseDurationExpr(1);
    if (d->kind == ExprKind::kNumberLiteral) {
      const auto& nl = As<NumberLiteral>(*d);
      if (nl.value <= 0) {
        AddError(nl.pos, "duration must be greater than 0");
        return {};
      }
    }
    return ToDuration(std::move(d));
  }

  static Duration ToDuration(ExprPtr d) {
    Duration out;
    if (d->kind == ExprKind::kNumberLiteral) {
      out.ms = SecondsToMs(As<NumberLiteral>(*d).value);
    } else {
      out.expr = std::move(d);
    }
    return out;
  }

  ExprPtr ParseRangeOrSubquery(ExprPtr e) {
    const Token open = Consume();  // [
    Duration range;
    {
      ContextGuard context(*this, "subquery or range selector",
                           "number, duration, step(), or range()");
      if (!StartsDuration(Peek().type)) Unexpected("", "");
      range = ParsePositiveDuration();
    }
    if (Peek().type == T::kRightBracket) {
      const Token close = Consume();
      std::string error;
      if (e->kind != ExprKind::kVectorSelector) {
        error = "ranges only allowed for vector selectors";
      } else {
        const auto& vs = As<VectorSelector>(*e);
        if (vs.original_offset.ms != 0 || vs.original_offset.expr) {
          error = "no offset modifiers allowed before range";
        } else if (vs.at != AtModifier::kNone) {
          error = "no @ modifiers allowed before range";
        }
      }
      if (!error.empty()) AddError({open.pos, close.end()}, error);
      auto ms = Make<MatrixSelector>({e->pos.start, close.end()});
      ms->vector_selector = std::move(e);
      ms->range = std::move(range);
      return ms;
    }
    if (Peek().type != T::kColon) Unexpected("subquery or range", "\":\" or \"]\"");
    Consume();
    auto sq = std::make_unique<SubqueryExpr>();
    sq->range = std::move(range);
    if (Peek().type != T::kRightBracket) {
      ContextGuard context(*this, "subquery selector",
                           "number, duration, step(), range(), or \"]\"");
      if (!StartsDuration(Peek().type)) Unexpected("", "");
      sq->step = ParsePositiveDuration();
      if (Peek().type != T::kRightBracket) Unexpected("subquery selector", "\"]\"");
    }
    const Token close = Consume();
    sq->pos = {e->pos.start, close.end()};
    sq->expr = std::move(e);
    return sq;
  }

  // The duration after `offset`: a literal, step(), range(), min_of/max_of(..) or a
  // parenthesised duration expression, optionally signed. Anything after it belongs to the
  // enclosing expression (`x offset 1m * 2` multiplies the selection), except that a
  // parenthesised expression without a sign goes on with duration arithmetic.
  void ParseOffset(Expr& e) {
    Consume();  // offset
    ExprPtr d = ParseOffsetDuration();
    SetOffset(e, ToDuration(std::move(d)));
  }

  ExprPtr ParseOffsetDuration() {
    ContextGuard context(*this, "offset", "number, duration, step(), or range()");
    const T t = Peek().type;
    ExprPtr d;
    if (t == T::kNumber || t == T::kDuration) {
      auto nl = ParseNumberLiteral();
      if (DurationOutOfRange(nl->value)) {
        AddError(nl->pos, "duration out of range");
        nl->value = 0;
      }
      d = std::move(nl);
    } else if (t == T::kAdd || t == T::kSub) {
      const Token op = Consume();
      const T n = Peek().type;
      if (n == T::kNumber || n == T::kDuration) {
        auto nl = ParseNumberLiteral();
        if (op.type == T::kSub) nl->value = -nl->value;
        nl->pos.start = op.pos;
        if (DurationOutOfRange(nl->value)) {
          AddError({op.pos, op.end()}, "duration out of range");
          nl->value = 0;
        }
        d = std::move(nl);
      } else if (n == T::kStep || n == T::kRange || n == T::kMinOf || n == T::kMaxOf) {
        ExprPtr inner = ParseDurationPrimary();
        d = UnaryDuration(op, std::move(inner), /*check_experimental=*/true);
      } else if (n == T::kLeftParen) {
        const Token open = Consume();
        ExprPtr inner = ParseDurationExpr(1);
        if (Peek().type != T::kRightParen)
          Unexpected("offset", "number, duration, step(), or range()");
        const Token close = Consume();
        CheckDurationExperimental(*inner);
        d = UnaryDuration(op, WrapParen(std::move(inner), {open.pos, close.end()}), false);
      } else {
        Unexpected("offset", "number, duration, step(), or range()");
      }
    } else if (t == T::kStep || t == T::kRange || t == T::kMinOf || t == T::kMaxOf) {
      d = ParseDurationPrimary();
    } else if (t == T::kLeftParen) {
      d = ParseDurationBinaryRest(ParseDurationPrimary(), 1);
    } else {
      Unexpected("offset", "number, duration, step(), or range()");
    }
    return d;
  }

  void SetOffset(Expr& e, Duration offset) {
    Duration* target = nullptr;
    switch (e.kind) {
      case ExprKind::kVectorSelector:
        target = &As<VectorSelector>(e).original_offset;
        break;
      case ExprKind::kMatrixSelector: {
        auto& ms = As<MatrixSelector>(e);
        if (ms.vector_selector->kind != ExprKind::kVectorSelector) {
          AddError(e.pos, "ranges only allowed for vector selectors");
          return;
        }
        target = &ms.selector().original_offset;
        break;
      }
      case ExprKind::kSubquery:
        target = &As<SubqueryExpr>(e).original_offset;
        break;
      default:
        AddError(e.pos,
                 "offset modifier must be preceded by an instant vector selector or range vector "
                 "selector or a subquery");
        return;
    }
    if (target->ms != 0 || target->expr) {
      AddError(e.pos, "offset may not be set multiple times");
    } else {
      *target = std::move(offset);
    }
    e.pos.end = last_end_;
  }

  void ParseAt(Expr& e) {
    Consume();  // @
    ContextGuard context(*this, "@", "timestamp");
    const T t = Peek().type;
    AtModifier at = AtModifier::kTimestamp;
    double ts = 0;
    if (t == T::kNumber || t == T::kDuration) {
      ts = ParseNumberLiteral()->value;
    } else if (t == T::kAdd || t == T::kSub) {
      const Token sign = Consume();
      const T n = Peek().type;
      if (n != T::kNumber && n != T::kDuration) Unexpected("@", "timestamp");
      ts = ParseNumberLiteral()->value;
      if (sign.type == T::kSub) ts = -ts;
    } else if (t == T::kStart || t == T::kEnd) {
      Consume();
      if (!Accept(T::kLeftParen) || !Accept(T::kRightParen)) Unexpected("@", "timestamp");
      at = t == T::kStart ? AtModifier::kStart : AtModifier::kEnd;
    } else {
      Unexpected("@", "timestamp");
    }
    if (at == AtModifier::kTimestamp &&
        (std::isnan(ts) || std::isinf(ts) ||
         ts >= static_cast<double>(std::numeric_limits<int64_t>::max()) ||
         ts <= static_cast<double>(std::numeric_limits<int64_t>::min()))) {
      AddError(e.pos, "timestamp out of bounds for @ modifier: " + FormatPercentF(ts));
    }
    AtModifier* target_at = nullptr;
    TimestampMs* target_ts = nullptr;
    switch (e.kind) {
      case ExprKind::kVectorSelector: {
        auto& vs = As<VectorSelector>(e);
        target_at = &vs.at;
        target_ts = &vs.at_timestamp;
        break;
      }
      case ExprKind::kMatrixSelector: {
        auto& ms = As<MatrixSelector>(e);
        if (ms.vector_selector->kind != ExprKind::kVectorSelector) {
          AddError(e.pos, "ranges only allowed for vector selectors");
          return;
        }
        auto& vs = ms.selector();
        target_at = &vs.at;
        target_ts = &vs.at_timestamp;
        break;
      }
      case ExprKind::kSubquery: {
        auto& sq = As<SubqueryExpr>(e);
        target_at = &sq.at;
        target_ts = &sq.at_timestamp;
        break;
      }
      default:
        AddError(e.pos,
                 "@ modifier must be preceded by an instant vector selector or range vector "
                 "selector or a subquery");
        return;
    }
    if (*target_at != AtModifier::kNone) {
      AddError(e.pos, "@ <timestamp> may not be set multiple times");
      return;
    }
    *target_at = at;
    if (at == AtModifier::kTimestamp && std::isfinite(ts)) {
      const double ms = std::round(ts * 1000.0);
      if (ms < 9.2e18 && ms > -9.2e18) *target_ts = static_cast<TimestampMs>(ms);
    }
    e.pos.end = last_end_;
  }

  void ParseExtendedRange(Expr& e, bool anchored) {
    const char* name = anchored ? "anchored" : "smoothed";
    if (!options_.extended_range_selectors) {
      AddError(e.pos, std::string(name) + " modifier is experimental and not enabled");
      return;
    }
    VectorSelector* vs = nullptr;
    switch (e.kind) {
      case ExprKind::kVectorSelector:
        vs = &As<VectorSelector>(e);
        break;
      case ExprKind::kMatrixSelector:
        if (As<MatrixSelector>(e).vector_selector->kind != ExprKind::kVectorSelector) return;
        vs = &As<MatrixSelector>(e).selector();
        break;
      case ExprKind::kSubquery:
        AddError(e.pos, std::string(name) + " modifier is not supported for subqueries");
        return;
      default:
        AddError(e.pos, std::string(name) + " modifier not implemented");
        return;
    }
    (anchored ? vs->anchored : vs->smoothed) = true;
    if (vs->anchored && vs->smoothed) {
      AddError(e.pos, "anchored and smoothed modifiers cannot be used together");
    }
  }

  // ---- Duration expressions. ----

  void CheckDurationExperimental(const Expr& e) {
    if (!options_.duration_expressions) {
      AddError(e.pos, "experimental duration expression is not enabled");
    }
  }

  static ExprPtr WrapParen(ExprPtr inner, PosRange pos) {
    if (inner->kind == ExprKind::kDuration) {
      As<DurationExpr>(*inner).wrapped = true;
      return inner;
    }
    auto de = Make<DurationExpr>(pos);
    de->op = DurationExpr::DOp::kPos;
    de->lhs = std::move(inner);
    de->wrapped = true;
    return de;
  }

  ExprPtr UnaryDuration(const Token& op, ExprPtr operand, bool check_experimental) {
    if (operand->kind == ExprKind::kNumberLiteral) {
      auto& nl = As<NumberLiteral>(*operand);
      if (op.type == T::kSub) nl.value = -nl.value;
      if (DurationOutOfRange(nl.value)) {
        AddError({op.pos, op.end()}, "duration out of range");
        nl.value = 0;
      }
      nl.pos.start = op.pos;
      return operand;
    }
    if (op.type == T::kAdd) {
      if (check_experimental) CheckDurationExperimental(*operand);
      return operand;
    }
    auto de = Make<DurationExpr>({op.pos, operand->pos.end});
    de->op = DurationExpr::DOp::kNeg;
    de->lhs = std::move(operand);
    if (check_experimental) CheckDurationExperimental(*de);
    return de;
  }

  ExprPtr ParseDurationExpr(int min_precedence) {
    DepthGuard guard(*this);
    ExprPtr lhs;
    const T t = Peek().type;
    if (t == T::kAdd || t == T::kSub) {
      const Token op = Consume();
      lhs = UnaryDuration(op, ParseDurationExpr(kPowPrecedence), false);
    } else {
      lhs = ParseDurationPrimary();
    }
    return ParseDurationBinaryRest(std::move(lhs), min_precedence);
  }

  ExprPtr ParseDurationBinaryRest(ExprPtr lhs, int min_precedence) {
    int links = 0;
    struct Restore {
      int& depth;
      int& links;
      ~Restore() { depth -= links; }
    } restore{depth_, links};
    for (;;) {
      const T t = Peek().type;
      DurationExpr::DOp op;
      switch (t) {
        case T::kAdd:
          op = DurationExpr::DOp::kAdd;
          break;
        case T::kSub:
          op = DurationExpr::DOp::kSub;
          break;
        case T::kMul:
          op = DurationExpr::DOp::kMul;
          break;
        case T::kDiv:
          op = DurationExpr::DOp::kDiv;
          break;
        case T::kMod:
          op = DurationExpr::DOp::kMod;
          break;
        case T::kPow:
          op = DurationExpr::DOp::kPow;
          break;
        default:
          return lhs;
      }
      const int prec = Precedence(t);
      if (prec < min_precedence) return lhs;
      DepthGuard link(*this);
      ++depth_;
      ++links;
      const Token op_token = Consume();
      ExprPtr rhs = ParseDurationExpr(prec == kPowPrecedence ? prec : prec + 1);
      CheckDurationExperimental(*lhs);
      if ((op == DurationExpr::DOp::kDiv || op == DurationExpr::DOp::kMod) &&
          rhs->kind == ExprKind::kNumberLiteral && As<NumberLiteral>(*rhs).value == 0) {
        AddError({op_token.pos, op_token.end()},
                 op == DurationExpr::DOp::kDiv ? "division by zero" : "modulo by zero");
        lhs = Make<NumberLiteral>({lhs->pos.start, rhs->pos.end});
        continue;
      }
      auto de = Make<DurationExpr>({lhs->pos.start, rhs->pos.end});
      de->op = op;
      de->lhs = std::move(lhs);
      de->rhs = std::move(rhs);
      lhs = std::move(de);
    }
  }

  ExprPtr ParseDurationPrimary() {
    const Token& t = Peek();
    switch (t.type) {
      case T::kNumber:
      case T::kDuration: {
        auto nl = ParseNumberLiteral();
        if (DurationOutOfRange(nl->value)) {
          AddError(nl->pos, "duration out of range");
          nl->value = 0;
        }
        return nl;
      }
      case T::kStep:
      case T::kRange: {
        const Token kw = Consume();
        if (!Accept(T::kLeftParen) || Peek().type != T::kRightParen) Unexpected("", "");
        Consume();
        auto de = Make<DurationExpr>({kw.pos, last_end_});
        de->op = kw.type == T::kStep ? DurationExpr::DOp::kStep : DurationExpr::DOp::kRange;
        CheckDurationExperimental(*de);
        return de;
      }
      case T::kMinOf:
      case T::kMaxOf: {
        const Token kw = Consume();
        if (!Accept(T::kLeftParen)) Unexpected("", "");
        ExprPtr a = ParseDurationExpr(1);
        if (!Accept(T::kComma)) Unexpected("", "");
        ExprPtr b = ParseDurationExpr(1);
        if (Peek().type != T::kRightParen) Unexpected("", "");
        Consume();
        auto de = Make<DurationExpr>({kw.pos, last_end_});
        de->op = kw.type == T::kMinOf ? DurationExpr::DOp::kMinOf : DurationExpr::DOp::kMaxOf;
        de->lhs = std::move(a);
        de->rhs = std::move(b);
        CheckDurationExperimental(*de);
        return de;
      }
      case T::kLeftParen: {
        const Token open = Consume();
        ExprPtr inner = ParseDurationExpr(1);
        if (Peek().type != T::kRightParen) Unexpected("", "");
        const Token close = Consume();
        CheckDurationExperimental(*inner);
        return WrapParen(std::move(inner), {open.pos, close.end()});
      }
      default:
        Unexpected("", "");
    }
  }

  // ---- Type checking, after a successful parse. ----

  ValueType CheckAst(Expr& node) {
    const ValueType type = node.type();
    switch (node.kind) {
      case ExprKind::kAggregate: {
        auto& n = As<AggregateExpr>(node);
        ExpectType(*n.expr, ValueType::kVector, "aggregation expression");
        switch (n.op) {
          case Op::kTopk:
          case Op::kBottomk:
          case Op::kQuantile:
          case Op::kLimitK:
          case Op::kLimitRatio:
            ExpectType(*n.param, ValueType::kScalar, "aggregation parameter");
            break;
          case Op::kCountValues:
            ExpectType(*n.param, ValueType::kString, "aggregation parameter");
            break;
          default:
            break;
        }
        break;
      }
      case ExprKind::kBinary:
        CheckBinary(As<BinaryExpr>(node));
        break;
      case ExprKind::kCall:
        CheckCall(As<Call>(node));
        break;
      case ExprKind::kParen:
        CheckAst(*As<ParenExpr>(node).expr);
        break;
      case ExprKind::kUnary: {
        const ValueType t = CheckAst(*As<UnaryExpr>(node).expr);
        if (t != ValueType::kScalar && t != ValueType::kVector) {
          AddError(node.pos,
                   std::string("unary expression only allowed on expressions of type scalar or "
                               "instant vector, got ") +
                       GoQuote(ValueTypeName(t)));
        }
        break;
      }
      case ExprKind::kSubquery: {
        const ValueType t = CheckAst(*As<SubqueryExpr>(node).expr);
        if (t != ValueType::kVector) {
          AddError(node.pos, std::string("subquery is only allowed on instant vector, got ") +
                                 RawTypeName(t) + " instead");
        }
        break;
      }
      case ExprKind::kMatrixSelector:
        CheckAst(*As<MatrixSelector>(node).vector_selector);
        break;
      case ExprKind::kVectorSelector:
        CheckVectorSelector(As<VectorSelector>(node));
        break;
      case ExprKind::kStepInvariant:
        CheckAst(*As<StepInvariantExpr>(node).expr);
        break;
      case ExprKind::kNumberLiteral:
      case ExprKind::kStringLiteral:
      case ExprKind::kDuration:
        break;
    }
    return type;
  }

  // ValueType's own name (Go's ValueType.String()), which one message uses.
  static const char* RawTypeName(ValueType t) {
    switch (t) {
      case ValueType::kScalar:
        return "scalar";
      case ValueType::kVector:
        return "vector";
      case ValueType::kMatrix:
        return "matrix";
      case ValueType::kString:
        return "string";
      default:
        return "none";
    }
  }

  void ExpectType(Expr& e, ValueType want, std::string_view context) {
    const ValueType t = CheckAst(e);
    if (t != want) {
      AddError(e.pos, std::string("expected type ") + ValueTypeName(want) + " in " +
                          std::string(context) + ", got " + ValueTypeName(t));
    }
  }

  // The operator's place: between the operands, without the spaces around it.
  PosRange OperatorRange(const BinaryExpr& n) const {
    PosRange r{n.lhs->pos.end, n.rhs->pos.start - 1};
    auto space = [&](int i) {
      const char c = input_[i];
      return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    };
    const int size = static_cast<int>(input_.size());
    while (r.start < size && space(r.start)) ++r.start;
    while (r.end > 0 && r.end < size && space(r.end)) --r.end;
    return r;
  }

  void CheckBinary(BinaryExpr& n) {
    const ValueType lt = CheckAst(*n.lhs);
    const ValueType rt = CheckAst(*n.rhs);
    const std::string op = OpString(n.op);
    if (n.return_bool && !IsComparisonOp(n.op)) {
      AddError(OperatorRange(n), "bool modifier can only be used on comparison operators");
    }
    if (IsComparisonOp(n.op) && !n.return_bool && n.rhs->type() == ValueType::kScalar &&
        n.lhs->type() == ValueType::kScalar) {
      AddError(OperatorRange(n), "comparisons between scalars must use BOOL modifier");
    }
    VectorMatching& vm = *n.matching;
    if (IsSetOp(n.op) && vm.card == Cardinality::kOneToOne) vm.card = Cardinality::kManyToMany;
    if (vm.on) {
      for (const auto& l1 : vm.matching_labels) {
        for (const auto& l2 : vm.include) {
          if (l1 == l2) {
            AddError(OperatorRange(n),
                     "label " + GoQuote(l1) + " must not occur in ON and GROUP clause at once");
          }
        }
      }
    }
    if (lt != ValueType::kScalar && lt != ValueType::kVector) {
      AddError(n.lhs->pos, "binary expression must contain only scalar and instant vector types");
    }
    if (rt != ValueType::kScalar && rt != ValueType::kVector) {
      AddError(n.rhs->pos, "binary expression must contain only scalar and instant vector types");
    }
    if (lt != ValueType::kVector || rt != ValueType::kVector) {
      if (!vm.matching_labels.empty()) {
        AddError(n.pos, "vector matching only allowed between instant vectors");
      }
      if (vm.fill_lhs || vm.fill_rhs) {
        AddError(n.pos, "filling in missing series only allowed between instant vectors");
      }
      n.matching.reset();
    } else if (IsSetOp(n.op)) {
      if (vm.card == Cardinality::kOneToMany || vm.card == Cardinality::kManyToOne) {
        AddError(n.pos, "no grouping allowed for " + GoQuote(op) + " operation");
      }
      if (vm.card != Cardinality::kManyToMany) {
        AddError(n.pos, "set operations must always be many-to-many");
      }
      if (vm.fill_lhs || vm.fill_rhs) {
        AddError(n.pos, "filling in missing series not allowed for set operators");
      }
    }
    if ((lt == ValueType::kScalar || rt == ValueType::kScalar) && IsSetOp(n.op)) {
      AddError(n.pos, "set operator " + GoQuote(op) + " not allowed in binary scalar expression");
    }
  }

  void CheckCall(Call& n) {
    const FunctionInfo& f = *n.func;
    const int nargs = static_cast<int>(f.arg_types.size());
    const int given = static_cast<int>(n.args.size());
    const std::string name = GoQuote(f.name);
    if (f.variadic == 0) {
      if (nargs != given) {
        AddError(n.pos, "expected " + std::to_string(nargs) + " argument(s) in call to " + name +
                            ", got " + std::to_string(given));
      }
    } else {
      const int na = nargs - 1;
      if (na > given) {
        AddError(n.pos, "expected at least " + std::to_string(na) + " argument(s) in call to " +
                            name + ", got " + std::to_string(given));
      } else if (f.variadic > 0 && na + f.variadic < given) {
        AddError(n.pos, "expected at most " + std::to_string(na + f.variadic) +
                            " argument(s) in call to " + name + ", got " + std::to_string(given));
      }
    }
    if (f.name == "info" && given > 1) {
      Expr& labels = *n.args[1];
      if (labels.type() != ValueType::kVector) {
        AddError(n.pos, std::string("expected type instant vector in call to function ") + name +
                            ", got " + ValueTypeName(labels.type()));
      }
      if (labels.kind == ExprKind::kVectorSelector) {
        auto& vs = As<VectorSelector>(labels);
        if (!vs.name.empty()) {
          AddError(labels.pos, "expected label selectors only, got vector selector instead");
        } else {
          vs.bypass_empty_matcher_check = true;
        }
      } else {
        AddError(labels.pos, "expected label selectors only");
      }
    }
    for (int i = 0; i < given; ++i) {
      int k = i;
      if (k >= nargs) {
        if (f.variadic == 0) break;
        k = nargs - 1;
      }
      const ValueType t = CheckAst(*n.args[i]);
      if (t != f.arg_types[k]) {
        AddError(n.args[i]->pos, std::string("expected type ") + ValueTypeName(f.arg_types[k]) +
                                     " in call to function " + name + ", got " + ValueTypeName(t));
      }
    }
  }

  void CheckVectorSelector(VectorSelector& n) {
    if (!n.name.empty()) {
      // The last matcher is the one made from the name outside the braces.
      for (size_t i = 0; i + 1 < n.matchers.size(); ++i) {
        if (n.matchers[i].name() == kMetricName) {
          AddError(n.pos, "metric name must not be set twice: " + GoQuote(n.name) + " or " +
                              GoQuote(n.matchers[i].value()));
        }
      }
      return;
    }
    if (n.bypass_empty_matcher_check) return;
    for (const auto& m : n.matchers) {
      if (!m.matches_empty()) return;
    }
    AddError(n.pos, "vector selector must contain at least one non-empty matcher");
  }

  std::string_view input_;
  ParserOptions options_;
  std::string lex_error_;
  std::vector<Token> tokens_;
  size_t index_ = 0;
  int last_end_ = 0;  // end of the last consumed token
  int depth_ = 0;
  std::vector<ParseError> errors_;
  // The rules being parsed whose error alternative words a syntax error inside them.
  struct Context {
    const char* name;
    const char* expected;
  };
  std::vector<Context> contexts_;
  class ContextGuard {
   public:
    ContextGuard(Parser& p, const char* name, const char* expected) : p_(p) {
      p_.contexts_.push_back({name, expected});
    }
    ~ContextGuard() { p_.contexts_.pop_back(); }

   private:
    Parser& p_;
  };
};

}  // namespace

Result<ExprPtr> ParseExpr(std::string_view input, const ParserOptions& options) {
  return Parser(input, options).ParseExpression();
}

Result<std::vector<LabelMatcher>> ParseMetricSelector(std::string_view input) {
  return Parser(input, ParserOptions{}).ParseSelector();
}

}  // namespace tocsin::promql
