#include "engine/template/builtins.h"

#include <array>
#include <string>

#include "engine/template/escape.h"
#include "engine/template/go_format.h"

namespace tocsin::tmpl {

namespace {

struct BuiltinInfo {
  const char* name;
  Builtin id;
};

constexpr std::array<BuiltinInfo, 19> kBuiltins = {{
    {"and", Builtin::kAnd},
    {"call", Builtin::kCall},
    {"eq", Builtin::kEq},
    {"ge", Builtin::kGe},
    {"gt", Builtin::kGt},
    {"html", Builtin::kHtml},
    {"index", Builtin::kIndex},
    {"js", Builtin::kJs},
    {"le", Builtin::kLe},
    {"len", Builtin::kLen},
    {"lt", Builtin::kLt},
    {"ne", Builtin::kNe},
    {"not", Builtin::kNot},
    {"or", Builtin::kOr},
    {"print", Builtin::kPrint},
    {"printf", Builtin::kPrintf},
    {"println", Builtin::kPrintln},
    {"slice", Builtin::kSlice},
    {"urlquery", Builtin::kUrlquery},
}};

Signature Variadic(std::vector<const Type*> fixed) {
  fixed.push_back(types::SliceOf(types::Any()));
  return Signature{std::move(fixed), true};
}

// Go's comparison kinds.
enum class CmpKind { kInvalid, kBool, kInt, kUint, kFloat, kString };

CmpKind BasicKind(const Value& v) {
  switch (v.kind()) {
    case Kind::kBool:
      return CmpKind::kBool;
    case Kind::kInt:
      return v.type() == types::Uint8() ? CmpKind::kUint : CmpKind::kInt;
    case Kind::kFloat:
      return CmpKind::kFloat;
    case Kind::kString:
      return CmpKind::kString;
    default:
      return CmpKind::kInvalid;
  }
}

const Error kBadComparisonType{"invalid type for comparison"};

std::string TypeName(const Value& v) {
  return v.valid() ? v.type()->name() : "<nil>";
}

Error Incompatible(const Value& a, const Value& b) {
  return Error{"incompatible types for comparison: " + TypeName(a) + " and " + TypeName(b)};
}

bool IsNil(const Value& v) {
  return !v.valid() || v.is_nil_pointer();
}

// Equality of two non-basic values, as Go's == on interface values.
bool DeepEqualComparable(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.kind()) {
    case Kind::kTime: {
      const GoTime x = a.as_time(), y = b.as_time();
      return x.sec == y.sec && x.nsec == y.nsec && x.location() == y.location();
    }
    case Kind::kPointer:
      return a.identity() == b.identity() && a.as_int() == b.as_int();
    case Kind::kStruct: {
      for (size_t i = 0; i < a.type()->fields().size(); ++i) {
        const Value fa = a.structure().field(i), fb = b.structure().field(i);
        if (fa.valid() != fb.valid()) return false;
        if (!fa.valid()) continue;
        switch (BasicKind(fa)) {
          case CmpKind::kBool:
          case CmpKind::kInt:
          case CmpKind::kUint:
            if (fa.type() != fb.type() || fa.as_int() != fb.as_int()) return false;
            break;
          case CmpKind::kFloat:
            if (fa.type() != fb.type() || fa.as_float() != fb.as_float()) return false;
            break;
          case CmpKind::kString:
            if (fa.type() != fb.type() || fa.as_string() != fb.as_string()) return false;
            break;
          case CmpKind::kInvalid:
            if (!DeepEqualComparable(fa, fb)) return false;
            break;
        }
      }
      return true;
    }
    default:
      return false;
  }
}

std::string Describe(std::string_view format, std::initializer_list<Value> args) {
  return Sprintf(format, std::vector<Value>(args));
}

Result<bool> Eq(const Value& arg1, std::span<const Value> arg2) {
  if (arg2.empty()) return Error{"missing argument for comparison"};
  const CmpKind k1 = BasicKind(arg1);
  for (const Value& arg : arg2) {
    const CmpKind k2 = BasicKind(arg);
    bool truth = false;
    if (k1 != k2) {
      if (k1 == CmpKind::kInt && k2 == CmpKind::kUint) {
        truth = arg1.as_int() >= 0 && arg1.as_int() == arg.as_int();
      } else if (k1 == CmpKind::kUint && k2 == CmpKind::kInt) {
        truth = arg.as_int() >= 0 && arg1.as_int() == arg.as_int();
      } else if (arg1.valid() && arg.valid()) {
        return Incompatible(arg1, arg);
      }
    } else {
      switch (k1) {
        case CmpKind::kBool:
          truth = arg1.as_bool() == arg.as_bool();
          break;
        case CmpKind::kFloat:
          truth = arg1.as_float() == arg.as_float();
          break;
        case CmpKind::kInt:
        case CmpKind::kUint:
          truth = arg1.as_int() == arg.as_int();
          break;
        case CmpKind::kString:
          truth = arg1.as_string() == arg.as_string();
          break;
        case CmpKind::kInvalid: {
          if (arg1.valid() && arg.valid() && arg1.kind() != arg.kind()) {
            return Error{
                Describe("non-comparable types %s: %v, %s: %v",
                         {arg1, Value::String(TypeName(arg1)), Value::String(TypeName(arg)), arg})};
          }
          if (IsNil(arg1) || IsNil(arg)) {
            truth = IsNil(arg) == IsNil(arg1);
          } else {
            if (!arg.type()->comparable()) {
              return Error{
                  Describe("non-comparable type %s: %v", {arg, Value::String(TypeName(arg))})};
            }
            truth = DeepEqualComparable(arg1, arg);
          }
          break;
        }
      }
    }
    if (truth) return true;
  }
  return false;
}

Result<bool> Lt(const Value& arg1, const Value& arg2) {
  const CmpKind k1 = BasicKind(arg1);
  if (k1 == CmpKind::kInvalid) return kBadComparisonType;
  const CmpKind k2 = BasicKind(arg2);
  if (k2 == CmpKind::kInvalid) return kBadComparisonType;
  if (k1 != k2) {
    if (k1 == CmpKind::kInt && k2 == CmpKind::kUint) {
      return arg1.as_int() < 0 ||
             static_cast<uint64_t>(arg1.as_int()) < static_cast<uint64_t>(arg2.as_int());
    }
    if (k1 == CmpKind::kUint && k2 == CmpKind::kInt) {
      return arg2.as_int() >= 0 &&
             static_cast<uint64_t>(arg1.as_int()) < static_cast<uint64_t>(arg2.as_int());
    }
    return Incompatible(arg1, arg2);
  }
  switch (k1) {
    case CmpKind::kFloat:
      return arg1.as_float() < arg2.as_float();
    case CmpKind::kInt:
      return arg1.as_int() < arg2.as_int();
    case CmpKind::kUint:
      return static_cast<uint64_t>(arg1.as_int()) < static_cast<uint64_t>(arg2.as_int());
    case CmpKind::kString:
      return arg1.as_string() < arg2.as_string();
    default:
      return kBadComparisonType;
  }
}

Result<bool> Le(const Value& a, const Value& b) {
  auto lt = Lt(a, b);
  if (!lt.ok() || *lt) return lt;
  return Eq(a, std::span<const Value>(&b, 1));
}

// Go's indexArg: an integer index within [0, cap].
Result<int64_t> IndexArg(const Value& index, size_t cap) {
  if (!index.valid()) return Error{"cannot index slice/array with nil"};
  if (index.kind() != Kind::kInt) {
    return Error{"cannot index slice/array with type " + index.type()->name()};
  }
  const int64_t x = index.as_int();
  if (x < 0 || static_cast<uint64_t>(x) > cap) {
    return Error{"index out of range: " + std::to_string(x)};
  }
  return x;
}

Result<Value> Index(std::span<const Value> args) {
  Value item = args[0];
  if (!item.valid()) return Error{"index of untyped nil"};
  for (const Value& index : args.subspan(1)) {
    if (!item.valid() || item.is_nil_pointer()) return Error{"index of nil pointer"};
    item = item.Indirect();
    switch (item.kind()) {
      case Kind::kSlice:
      case Kind::kString: {
        auto x = IndexArg(index, item.length());
        if (!x.ok()) return x.error();
        if (static_cast<size_t>(*x) == item.length()) {
          return Error{item.kind() == Kind::kSlice ? "reflect: slice index out of range"
                                                   : "reflect: string index out of range"};
        }
        if (item.kind() == Kind::kSlice) {
          item = item.list().at(static_cast<size_t>(*x));
        } else {
          item = Value::IntOfType(types::Uint8(), static_cast<unsigned char>(item.as_string()[*x]));
        }
        break;
      }
      case Kind::kMap: {
        if (!index.valid()) return Error{"value is nil; should be of type string"};
        if (!AssignableTo(index.type(), types::String())) {
          return Error{"value has type " + index.type()->name() + "; should be string"};
        }
        Value found;
        if (item.map().Find(index.as_string(), &found)) {
          item = std::move(found);
        } else {
          item = Value::Zero(item.type()->elem());
        }
        break;
      }
      default:
        return Error{"can't index item of type " + item.type()->name()};
    }
  }
  return item;
}

Result<Value> Slice(std::span<const Value> args) {
  const Value& item = args[0];
  if (!item.valid()) return Error{"slice of untyped nil"};
  const auto indexes = args.subspan(1);
  if (indexes.size() > 3) return Error{"too many slice indexes: " + std::to_string(indexes.size())};
  size_t cap;
  switch (item.kind()) {
    case Kind::kString:
      if (indexes.size() == 3) return Error{"cannot 3-index slice a string"};
      cap = item.length();
      break;
    case Kind::kSlice:
      cap = item.length();
      break;
    default:
      return Error{"can't slice item of type " + item.type()->name()};
  }
  int64_t idx[3] = {0, static_cast<int64_t>(item.length()), 0};
  for (size_t i = 0; i < indexes.size(); ++i) {
    auto x = IndexArg(indexes[i], cap);
    if (!x.ok()) return x.error();
    idx[i] = *x;
  }
  if (idx[0] > idx[1]) {
    return Error{"invalid slice index: " + std::to_string(idx[0]) + " > " + std::to_string(idx[1])};
  }
  if (indexes.size() == 3 && idx[1] > idx[2]) {
    return Error{"invalid slice index: " + std::to_string(idx[1]) + " > " + std::to_string(idx[2])};
  }
  if (item.kind() == Kind::kString) {
    return Value::StringOfType(
        item.type(), std::string(item.as_string().substr(static_cast<size_t>(idx[0]),
                                                         static_cast<size_t>(idx[1] - idx[0]))));
  }
  std::vector<Value> elems;
  for (int64_t i = idx[0]; i < idx[1]; ++i) elems.push_back(item.list().at(static_cast<size_t>(i)));
  return Value::List(std::move(elems), item.type());
}

Result<Value> Len(const Value& item) {
  if (item.is_nil_pointer()) return Error{"len of nil pointer"};
  const Value v = item.Indirect();
  switch (v.kind()) {
    case Kind::kSlice:
    case Kind::kMap:
    case Kind::kString:
      return Value::Int(static_cast<int64_t>(v.length()));
    case Kind::kInvalid:
      return Error{"reflect: call of reflect.Value.Type on zero Value"};
    default:
      return Error{"len of type " + v.type()->name()};
  }
}

// The text html, js and urlquery escape: the argument itself when it is one string, else
// fmt.Sprint of the arguments with nil shown as "<no value>".
std::string EvalArgs(std::span<const Value> args, CallContext& ctx) {
  if (args.size() == 1 && args[0].type() == types::String())
    return std::string(args[0].as_string());
  std::vector<Value> printable;
  printable.reserve(args.size());
  for (const Value& a : args) {
    if (!a.valid()) {
      printable.push_back(Value::StringRef("<no value>"));
    } else if (a.kind() == Kind::kPointer && !a.is_nil_pointer()) {
      printable.push_back(a.Indirect());
    } else {
      printable.push_back(a);
    }
  }
  std::string s;
  AppendSprint(s, printable, ctx);
  return s;
}

}  // namespace

std::optional<Builtin> FindBuiltin(std::string_view name) {
  for (const auto& b : kBuiltins) {
    if (name == b.name) return b.id;
  }
  return std::nullopt;
}

const Signature& BuiltinSignature(Builtin b) {
  static const Signature kOneThenMany = Variadic({types::Any()});
  static const Signature kMany = Variadic({});
  static const Signature kOne{{types::Any()}, false};
  static const Signature kTwo{{types::Any(), types::Any()}, false};
  static const Signature kPrintfSig = Variadic({types::String()});
  switch (b) {
    case Builtin::kAnd:
    case Builtin::kOr:
    case Builtin::kCall:
    case Builtin::kEq:
    case Builtin::kIndex:
    case Builtin::kSlice:
      return kOneThenMany;
    case Builtin::kHtml:
    case Builtin::kJs:
    case Builtin::kUrlquery:
    case Builtin::kPrint:
    case Builtin::kPrintln:
      return kMany;
    case Builtin::kPrintf:
      return kPrintfSig;
    case Builtin::kLen:
    case Builtin::kNot:
      return kOne;
    default:
      return kTwo;
  }
}

bool IsTrue(const Value& v) {
  switch (v.kind()) {
    case Kind::kInvalid:
      return false;
    case Kind::kBool:
    case Kind::kInt:
      return v.as_int() != 0;
    case Kind::kFloat:
      return v.as_float() != 0;
    case Kind::kString:
    case Kind::kSlice:
    case Kind::kMap:
      return v.length() > 0;
    case Kind::kPointer:
      return !v.is_nil_pointer();
    default:
      return true;
  }
}

Result<Value> CallBuiltin(Builtin b, CallContext& ctx, std::span<const Value> args) {
  auto boolean = [](Result<bool> r) -> Result<Value> {
    if (!r.ok()) return r.error();
    return Value::Bool(*r);
  };
  switch (b) {
    case Builtin::kNot:
      return Value::Bool(!IsTrue(args[0]));
    case Builtin::kLen:
      return Len(args[0]);
    case Builtin::kIndex:
      return Index(args);
    case Builtin::kSlice:
      return Slice(args);
    case Builtin::kEq:
      return boolean(Eq(args[0], args.subspan(1)));
    case Builtin::kNe: {
      auto eq = Eq(args[0], args.subspan(1, 1));
      if (!eq.ok()) return eq.error();
      return Value::Bool(!*eq);
    }
    case Builtin::kLt:
      return boolean(Lt(args[0], args[1]));
    case Builtin::kLe:
      return boolean(Le(args[0], args[1]));
    case Builtin::kGt: {
      auto le = Le(args[0], args[1]);
      if (!le.ok()) return le.error();
      return Value::Bool(!*le);
    }
    case Builtin::kGe: {
      auto lt = Lt(args[0], args[1]);
      if (!lt.ok()) return lt.error();
      return Value::Bool(!*lt);
    }
    case Builtin::kPrint: {
      std::string s;
      AppendSprint(s, args, ctx);
      return Value::String(std::move(s));
    }
    case Builtin::kPrintln: {
      std::string s;
      AppendSprintln(s, args, ctx);
      return Value::String(std::move(s));
    }
    case Builtin::kPrintf: {
      std::string s;
      AppendSprintf(s, args[0].as_string(), args.subspan(1), ctx);
      return Value::String(std::move(s));
    }
    case Builtin::kHtml: {
      std::string s;
      AppendHTMLEscaped(s, EvalArgs(args, ctx));
      return Value::String(std::move(s));
    }
    case Builtin::kJs: {
      std::string s;
      AppendJSEscaped(s, EvalArgs(args, ctx));
      return Value::String(std::move(s));
    }
    case Builtin::kUrlquery: {
      std::string s;
      AppendQueryEscaped(s, EvalArgs(args, ctx));
      return Value::String(std::move(s));
    }
    case Builtin::kCall: {
      // Template data never holds Go function values, so the callee is never callable.
      const Value& fn = args[1];
      if (!fn.valid()) return Error{"call of nil"};
      return Error{"non-function " + std::string(args[0].as_string()) + " of type " +
                   fn.type()->name()};
    }
    case Builtin::kAnd:
    case Builtin::kOr:
      break;  // evaluated by the interpreter
  }
  return Error{"internal error: builtin evaluated out of place"};
}

}  // namespace tocsin::tmpl
