// ExprString: an expression printed back as Prometheus's String() prints it, which is what the
// rules API shows and what error messages quote.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "engine/promql/parser.h"
#include "storage/base/strings.h"

namespace tocsin::promql {

namespace {

// Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest digits that read back exactly, never
// with an exponent.
std::string FormatFloatF(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[512];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

// Go's %v of a float64 (strconv 'g' with the shortest precision): the shortest digits, with an
// exponent when it is below -4 or at least 6 (1e+06, 1.5e-05).
std::string FormatFloatV(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, r.ptr);  // d.ddde+XX
  const size_t e = sci.find('e');
  const int exp = std::stoi(sci.substr(e + 1));
  if (exp < -4 || exp >= 6) {
    std::string mant = sci.substr(0, e);
    std::string digits = sci.substr(e + 1);
    const bool neg = digits[0] == '-';
    std::string n = digits.substr(1);
    while (n.size() > 2 && n[0] == '0') n.erase(0, 1);
    if (n.size() < 2) n = "0" + n;
    mant += neg ? "e-" : "e+";
    mant += n;
    return mant;
  }
  return FormatFloatF(v);
}

// Prometheus's duration format for a number of seconds ("5m", "-1h30m").
std::string FormatSecondsAsDuration(double seconds) {
  if (seconds < 0) {
    std::string out = "-";
    out += FormatDuration(static_cast<DurationMs>(-seconds * 1e9 / 1e6));
    return out;
  }
  return FormatDuration(static_cast<DurationMs>(seconds * 1e9 / 1e6));
}

void WriteLabels(std::string& out, const std::vector<std::string>& names) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    if (IsValidLegacyLabelName(names[i])) {
      out += names[i];
    } else {
      AppendGoQuoted(out, names[i]);
    }
  }
}

void WriteExpr(std::string& out, const Expr& e);

void WriteDuration(std::string& out, const Duration& d) {
  if (d.expr) {
    WriteExpr(out, *d.expr);
  } else {
    out += FormatDuration(d.ms);
  }
}

void WriteOffset(std::string& out, const Duration& d) {
  if (d.expr) {
    out += " offset ";
    WriteExpr(out, *d.expr);
  } else if (d.ms > 0) {
    out += " offset ";
    out += FormatDuration(d.ms);
  } else if (d.ms < 0) {
    out += " offset -";
    out += FormatDuration(-d.ms);
  }
}

void WriteAt(std::string& out, AtModifier at, TimestampMs ts) {
  switch (at) {
    case AtModifier::kTimestamp: {
      char buf[64];
      std::snprintf(buf, sizeof buf, " @ %.3f", static_cast<double>(ts) / 1000.0);
      out += buf;
      break;
    }
    case AtModifier::kStart:
      out += " @ start()";
      break;
    case AtModifier::kEnd:
      out += " @ end()";
      break;
    case AtModifier::kNone:
      break;
  }
}

// name{matchers}, without modifiers.
void WriteSelectorBody(std::string& out, const VectorSelector& vs) {
  std::vector<std::string> matchers;
  for (const auto& m : vs.matchers) {
    // The name matcher made from the name outside the braces is printed as that name.
    if (m.name() == kMetricName && m.type() == MatchType::kEqual && m.value() == vs.name &&
        !m.value().empty()) {
      continue;
    }
    matchers.push_back(m.to_string());
  }
  out += vs.name;
  if (!matchers.empty()) {
    std::sort(matchers.begin(), matchers.end());
    out += '{';
    for (size_t i = 0; i < matchers.size(); ++i) {
      if (i > 0) out += ',';
      out += matchers[i];
    }
    out += '}';
  }
}

void WriteMatching(std::string& out, const VectorMatching& vm) {
  const bool grouped = vm.card == Cardinality::kManyToOne || vm.card == Cardinality::kOneToMany;
  if (!vm.matching_labels.empty() || vm.on || grouped) {
    out += vm.on ? " on (" : " ignoring (";
    WriteLabels(out, vm.matching_labels);
    out += ')';
  }
  if (grouped) {
    out += vm.card == Cardinality::kManyToOne ? " group_left (" : " group_right (";
    WriteLabels(out, vm.include);
    out += ')';
  }
  if (vm.fill_lhs || vm.fill_rhs) {
    if (vm.fill_lhs && vm.fill_rhs && *vm.fill_lhs == *vm.fill_rhs) {
      out += " fill (";
      out += FormatFloatV(*vm.fill_lhs);
      out += ')';
    } else {
      if (vm.fill_lhs) {
        out += " fill_left (";
        out += FormatFloatV(*vm.fill_lhs);
        out += ')';
      }
      if (vm.fill_rhs) {
        out += " fill_right (";
        out += FormatFloatV(*vm.fill_rhs);
        out += ')';
      }
    }
  }
}

void WriteDurationExpr(std::string& out, const DurationExpr& d) {
  using D = DurationExpr::DOp;
  if (d.wrapped) out += '(';
  switch (d.op) {
    case D::kStep:
      out += "step()";
      break;
    case D::kRange:
      out += "range()";
      break;
    case D::kMinOf:
    case D::kMaxOf:
      out += d.op == D::kMinOf ? "min_of(" : "max_of(";
      WriteExpr(out, *d.lhs);
      out += ", ";
      WriteExpr(out, *d.rhs);
      out += ')';
      break;
    case D::kNeg:
      out += '-';
      WriteExpr(out, *d.lhs);
      break;
    case D::kPos:
      WriteExpr(out, *d.lhs);
      break;
    default: {
      static constexpr const char* kOps[] = {"+", "-", "*", "/", "%", "^"};
      WriteExpr(out, *d.lhs);
      out += ' ';
      out += kOps[static_cast<int>(d.op)];
      out += ' ';
      WriteExpr(out, *d.rhs);
    }
  }
  if (d.wrapped) out += ')';
}

void WriteExpr(std::string& out, const Expr& e) {
  switch (e.kind) {
    case ExprKind::kNumberLiteral: {
      const auto& n = As<NumberLiteral>(e);
      out += n.is_duration ? FormatSecondsAsDuration(n.value) : FormatFloatF(n.value);
      break;
    }
    case ExprKind::kStringLiteral:
      AppendGoQuoted(out, As<StringLiteral>(e).value);
      break;
    case ExprKind::kVectorSelector: {
      const auto& vs = As<VectorSelector>(e);
      WriteSelectorBody(out, vs);
      WriteAt(out, vs.at, vs.at_timestamp);
      if (vs.anchored) {
        out += " anchored";
      } else if (vs.smoothed) {
        out += " smoothed";
      }
      WriteOffset(out, vs.original_offset);
      break;
    }
    case ExprKind::kMatrixSelector: {
      const auto& ms = As<MatrixSelector>(e);
      const auto& vs = ms.selector();
      WriteSelectorBody(out, vs);
      out += '[';
      WriteDuration(out, ms.range);
      out += ']';
      if (vs.anchored) {
        out += " anchored";
      } else if (vs.smoothed) {
        out += " smoothed";
      }
      WriteAt(out, vs.at, vs.at_timestamp);
      WriteOffset(out, vs.original_offset);
      break;
    }
    case ExprKind::kSubquery: {
      const auto& sq = As<SubqueryExpr>(e);
      WriteExpr(out, *sq.expr);
      out += '[';
      WriteDuration(out, sq.range);
      out += ':';
      if (sq.step.expr || sq.step.ms != 0) WriteDuration(out, sq.step);
      out += ']';
      WriteAt(out, sq.at, sq.at_timestamp);
      WriteOffset(out, sq.original_offset);
      break;
    }
    case ExprKind::kParen:
      out += '(';
      WriteExpr(out, *As<ParenExpr>(e).expr);
      out += ')';
      break;
    case ExprKind::kUnary: {
      const auto& u = As<UnaryExpr>(e);
      out += OpString(u.op);
      WriteExpr(out, *u.expr);
      break;
    }
    case ExprKind::kBinary: {
      const auto& b = As<BinaryExpr>(e);
      WriteExpr(out, *b.lhs);
      out += ' ';
      out += OpString(b.op);
      if (b.return_bool) out += " bool";
      if (b.matching) WriteMatching(out, *b.matching);
      out += ' ';
      WriteExpr(out, *b.rhs);
      break;
    }
    case ExprKind::kAggregate: {
      const auto& a = As<AggregateExpr>(e);
      out += OpString(a.op);
      if (a.without || !a.grouping.empty()) {
        out += a.without ? " without (" : " by (";
        WriteLabels(out, a.grouping);
        out += ") ";
      }
      out += '(';
      if (IsAggregateWithParam(a.op) && a.param) {
        WriteExpr(out, *a.param);
        out += ", ";
      }
      if (a.expr) WriteExpr(out, *a.expr);
      out += ')';
      break;
    }
    case ExprKind::kCall: {
      const auto& c = As<Call>(e);
      out += c.func ? c.func->name : "";
      out += '(';
      for (size_t i = 0; i < c.args.size(); ++i) {
        if (i > 0) out += ", ";
        WriteExpr(out, *c.args[i]);
      }
      out += ')';
      break;
    }
    case ExprKind::kStepInvariant:
      WriteExpr(out, *As<StepInvariantExpr>(e).expr);
      break;
    case ExprKind::kDuration:
      WriteDurationExpr(out, As<DurationExpr>(e));
      break;
  }
}

}  // namespace

std::string ExprString(const Expr& expr) {
  std::string out;
  WriteExpr(out, expr);
  return out;
}

}  // namespace tocsin::promql
