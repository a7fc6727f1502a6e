#include "engine/template/humanize.h"

#include <cmath>
#include <initializer_list>
#include <span>

#include "engine/template/go_format.h"
#include "engine/template/go_strconv.h"

namespace tocsin::tmpl {

namespace {

std::string Format(std::string_view format, std::initializer_list<Value> args) {
  return Sprintf(format, std::span<const Value>(args.begin(), args.size()));
}

}  // namespace

Result<double> ConvertToFloat(const Value& v) {
  if (!v.valid()) return Error{"can't convert <nil> to float"};
  const Type* t = v.type();
  if (t == types::Float64()) return v.as_float();
  if (t == types::String()) return ParseGoFloat(v.as_string());
  if (t == types::Int() || t == types::Int64()) return static_cast<double>(v.as_int());
  if (t == types::Duration()) {
    constexpr int64_t kSecond = 1000000000;
    const int64_t d = v.as_int();
    return static_cast<double>(d / kSecond) + static_cast<double>(d % kSecond) / 1e9;
  }
  return Error{"can't convert " + t->name() + " to float"};
}

Result<std::string> HumanizeDuration(const Value& arg) {
  auto f = ConvertToFloat(arg);
  if (!f.ok()) return f.error();
  double v = *f;
  if (std::isnan(v) || std::isinf(v)) return Format("%.4g", {Value::Float(v)});
  if (v == 0) return Format("%.4gs", {Value::Float(v)});
  if (std::fabs(v) >= 1) {
    const char* sign = "";
    if (v < 0) {
      sign = "-";
      v = -v;
    }
    const int64_t duration = static_cast<int64_t>(v);
    const Value seconds = Value::Int(duration % 60);
    const Value minutes = Value::Int((duration / 60) % 60);
    const Value hours = Value::Int((duration / 60 / 60) % 24);
    const int64_t days = duration / 60 / 60 / 24;
    const Value s = Value::StringRef(sign);
    if (days != 0) {
      return Format("%s%dd %dh %dm %ds", {s, Value::Int(days), hours, minutes, seconds});
    }
    if (hours.as_int() != 0) return Format("%s%dh %dm %ds", {s, hours, minutes, seconds});
    if (minutes.as_int() != 0) return Format("%s%dm %ds", {s, minutes, seconds});
    return Format("%s%.4gs", {s, Value::Float(v)});
  }
  const char* prefix = "";
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return Format("%.4g%ss", {Value::Float(v), Value::StringRef(prefix)});
}

}  // namespace tocsin::tmpl
