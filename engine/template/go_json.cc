#include "engine/template/go_json.h"

#include <cmath>

#include "engine/template/go_strconv.h"
#include "engine/template/go_time.h"
#include "storage/base/strings.h"

namespace tocsin::tmpl {

namespace {

struct JsonFailure {
  std::string message;
};

void AppendJSONString(std::string& out, std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      if (b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&') {
        out.push_back(static_cast<char>(b));
        continue;
      }
      switch (b) {
        case '\\':
          out += "\\\\";
          break;
        case '"':
          out += "\\\"";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          out += "\\u00";
          out.push_back(kHex[b >> 4]);
          out.push_back(kHex[b & 0xF]);
      }
      continue;
    }
    const size_t start = i;
    bool valid = true;
    const char32_t r = DecodeRune(s, i, &valid);
    if (!valid) {
      out += "\\ufffd";
      i = start + 1;
    } else if (r == 0x2028 || r == 0x2029) {
      out += r == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  out.push_back('"');
}

class Encoder {
 public:
  explicit Encoder(CallContext& ctx) : ctx_(ctx) {}

  void Encode(std::string& out, const Value& v, int depth) {
    if (depth > 1000) throw JsonFailure{"json: unsupported value: encountered a cycle"};
    if (!v.valid()) {
      out += "null";
      return;
    }
    if (const Method* m = v.type()->FindMethod("MarshalJSON"); m && m->signature.params.empty()) {
      if (v.is_nil_pointer()) {
        out += "null";
        return;
      }
      auto r = m->impl(ctx_, v.Indirect(), {});
      if (!r.ok()) {
        throw JsonFailure{"json: error calling MarshalJSON for type " + v.type()->name() + ": " +
                          r.message()};
      }
      out += r->as_string();
      return;
    }
    switch (v.kind()) {
      case Kind::kBool:
        out += v.as_bool() ? "true" : "false";
        return;
      case Kind::kInt:
        out += std::to_string(v.type() == types::Uint8() ? static_cast<uint8_t>(v.as_int())
                                                         : v.as_int());
        return;
      case Kind::kFloat: {
        const double f = v.as_float();
        if (std::isnan(f) || std::isinf(f)) {
          throw JsonFailure{"json: unsupported value: " + FormatGoFloat(f, 'g', -1)};
        }
        const double a = std::fabs(f);
        const char fmt = (a != 0 && (a < 1e-6 || a >= 1e21)) ? 'e' : 'f';
        std::string num = FormatGoFloat(f, fmt, -1);
        if (fmt == 'e') {
          const size_t n = num.size();
          if (n >= 4 && num[n - 4] == 'e' && num[n - 3] == '-' && num[n - 2] == '0') {
            num.erase(n - 2, 1);
          }
        }
        out += num;
        return;
      }
      case Kind::kString:
        AppendJSONString(out, v.as_string());
        return;
      case Kind::kTime: {
        const GoTime t = v.as_time();
        const int64_t year = ToCivil(t).year;
        if (year < 0 || year > 9999) {
          throw JsonFailure{
              "json: error calling MarshalJSON for type time.Time: "
              "Time.MarshalJSON: year outside of range [0,9999]"};
        }
        out.push_back('"');
        out += FormatTime(t, "2006-01-02T15:04:05.999999999Z07:00");
        out.push_back('"');
        return;
      }
      case Kind::kPointer:
        if (v.is_nil_pointer()) {
          out += "null";
        } else {
          Encode(out, v.Indirect(), depth + 1);
        }
        return;
      case Kind::kSlice: {
        if (v.is_nil()) {
          out += "null";
          return;
        }
        out.push_back('[');
        const ListRep& l = v.list();
        for (size_t i = 0; i < l.size(); ++i) {
          if (i > 0) out.push_back(',');
          Encode(out, l.at(i), depth + 1);
        }
        out.push_back(']');
        return;
      }
      case Kind::kMap: {
        if (v.is_nil()) {
          out += "null";
          return;
        }
        out.push_back('{');
        const MapRep& m = v.map();
        for (size_t i = 0; i < m.size(); ++i) {
          if (i > 0) out.push_back(',');
          AppendJSONString(out, m.key(i));
          out.push_back(':');
          Encode(out, m.value(i), depth + 1);
        }
        out.push_back('}');
        return;
      }
      case Kind::kStruct: {
        out.push_back('{');
        const auto& names = v.type()->field_json_names();
        for (size_t i = 0; i < names.size(); ++i) {
          if (i > 0) out.push_back(',');
          AppendJSONString(out, names[i]);
          out.push_back(':');
          Encode(out, v.structure().field(i), depth + 1);
        }
        out.push_back('}');
        return;
      }
      default:
        throw JsonFailure{"json: unsupported type: " + v.type()->name()};
    }
  }

 private:
  CallContext& ctx_;
};

}  // namespace

Result<std::string> MarshalJSON(const Value& v, CallContext& ctx) {
  std::string out;
  try {
    Encoder(ctx).Encode(out, v, 0);
  } catch (const JsonFailure& f) {
    return Error{f.message};
  }
  return out;
}

}  // namespace tocsin::tmpl
