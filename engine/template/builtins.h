// Go's builtin template functions: and call eq ge gt html index js le len lt ne not or print
// printf println slice urlquery, with Go's exact semantics and error messages ("incompatible
// types for comparison: float64 and int", "index out of range: 5", ...).
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "engine/template/function.h"
#include "engine/template/value.h"
#include "storage/base/result.h"

namespace tocsin::tmpl {

enum class Builtin {
  kAnd,
  kCall,
  kEq,
  kGe,
  kGt,
  kHtml,
  kIndex,
  kJs,
  kLe,
  kLen,
  kLt,
  kNe,
  kNot,
  kOr,
  kPrint,
  kPrintf,
  kPrintln,
  kSlice,
  kUrlquery,
};

std::optional<Builtin> FindBuiltin(std::string_view name);
// The parameter list Go declares for the builtin (reflect.Value parameters appear as
// interface {}: both accept any value, nil included).
const Signature& BuiltinSignature(Builtin b);

// Calls a builtin other than and/or (which the interpreter evaluates lazily). For `call` the
// first argument is the callee's name as Go reports it.
Result<Value> CallBuiltin(Builtin b, CallContext& ctx, std::span<const Value> args);

// Go's truth of a value for if/with/and/or/not: false, 0, "", nil and empty containers are false.
bool IsTrue(const Value& v);

}  // namespace tocsin::tmpl
