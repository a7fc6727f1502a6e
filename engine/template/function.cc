#include "engine/template/function.h"

#include <chrono>
#include <stdexcept>

#include "engine/template/unicode_text.h"
#include "storage/base/strings.h"

namespace tocsin::tmpl {

GoTime SystemNow() {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  return GoTime::FromUnixNano(ns).In(Location::Local());
}

bool CallContext::CallStringMethod(const Value& self, std::string* out, std::string* error) {
  if (!self.valid()) return false;
  const Method* m = self.type()->FindMethod("String");
  if (m == nullptr || !m->signature.params.empty()) return false;
  auto r = m->impl(*this, self.Indirect(), {});
  if (!r.ok()) {
    *error = r.message();
    return true;
  }
  out->assign(r->as_string());
  return true;
}

namespace {

// Go's goodName: a letter or '_' first, then letters, digits and '_'.
bool IsGoIdentifier(std::string_view name) {
  if (name.empty()) return false;
  bool first = true;
  for (size_t i = 0; i < name.size();) {
    const char32_t r = DecodeRune(name, i);
    if (r != '_' && !IsGoLetter(r) && (first || !IsGoDigit(r))) return false;
    first = false;
  }
  return true;
}

}  // namespace

FuncMap& FuncMap::Add(std::string name, Signature signature, FunctionImpl impl) {
  if (!IsGoIdentifier(name)) {
    throw std::invalid_argument("function name \"" + name + "\" is not a valid identifier");
  }
  funcs_[std::move(name)] =
      std::make_shared<const Function>(Function{std::move(signature), std::move(impl)});
  return *this;
}

FuncMap& FuncMap::Merge(const FuncMap& other) {
  for (const auto& [name, fn] : other.funcs_) funcs_[name] = fn;
  return *this;
}

const Function* FuncMap::Find(std::string_view name) const {
  auto it = funcs_.find(name);
  return it == funcs_.end() ? nullptr : it->second.get();
}

std::vector<std::string> FuncMap::Names() const {
  std::vector<std::string> names;
  names.reserve(funcs_.size());
  for (const auto& [name, fn] : funcs_) names.push_back(name);
  return names;
}

}  // namespace tocsin::tmpl
