#include "engine/template/go_json.h"

#include "engine/template/go_strconv.h"
#include "engine/template/go_time.h"
#include "storage/base/go_json.h"

namespace tocsin::tmpl {

namespace {

struct JsonFailure {
  std::string message;
};

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
        if (!AppendGoJsonFloat(out, f)) {
          throw JsonFailure{"json: unsupported value: " + FormatGoFloat(f, 'g', -1)};
        }
        return;
      }
      case Kind::kString:
        AppendGoJsonString(out, v.as_string());
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
          AppendGoJsonString(out, m.key(i));
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
          AppendGoJsonString(out, names[i]);
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
