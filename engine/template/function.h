// Functions callable from templates, and what they see of the execution calling them.
//
// A FuncMap is fixed when a template is parsed (Go checks names at parse time) and shared by
// every execution. What varies per execution (the evaluation timestamp, the query engine, the
// external URL) reaches functions through an Environment the caller passes to Execute, so a
// template is parsed once and executed many times.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/template/go_time.h"
#include "engine/template/value.h"
#include "storage/base/result.h"

namespace tocsin::tmpl {

// Per-execution data for a function set; subclass it (rules:: and notifiers:: do).
class Environment {
 public:
  virtual ~Environment() = default;
};

// Returns the current time; injectable so that tests of `now` and `since` are exact.
using Clock = std::function<GoTime()>;
GoTime SystemNow();

class CallContext {
 public:
  CallContext(const Environment* env, const Clock* clock) : env_(env), clock_(clock) {}
  const Environment* environment() const { return env_; }
  // The environment as the function set's own type, or null when the caller passed another.
  template <typename T>
  const T* env() const {
    return dynamic_cast<const T*>(env_);
  }
  GoTime Now() const { return clock_ && *clock_ ? (*clock_)() : SystemNow(); }

  // Calls a method of `self` with no arguments (String, for instance) and reports whether it
  // exists; used by fmt to honour Stringers.
  bool CallStringMethod(const Value& self, std::string* out, std::string* error);

 private:
  const Environment* env_;
  const Clock* clock_;
};

// A function's body: receives its arguments already checked against its Signature (a nil passed
// for a string parameter has been refused, an argument for interface {} may be invalid) and
// returns a value or an error, which the interpreter reports as Go does:
// `error calling <name>: <message>`.
using FunctionImpl = std::function<Result<Value>(CallContext& ctx, std::span<const Value> args)>;

struct Function {
  Signature signature;
  FunctionImpl impl;
};

class FuncMap {
 public:
  // Adds or replaces a function. The name must be a Go identifier (letters, digits, '_', not
  // starting with a digit); anything else throws std::invalid_argument, as Go panics.
  FuncMap& Add(std::string name, Signature signature, FunctionImpl impl);
  // Copies every function of `other` into this map, replacing same-named ones.
  FuncMap& Merge(const FuncMap& other);
  const Function* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, std::shared_ptr<const Function>, Hash, std::equal_to<>> funcs_;
};

}  // namespace tocsin::tmpl
