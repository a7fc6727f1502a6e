#include "notifiers/template_functions.h"

#include <array>
#include <string>
#include <vector>

#include "engine/template/escape.h"
#include "engine/template/go_json.h"
#include "engine/template/go_regexp.h"
#include "engine/template/go_time.h"
#include "engine/template/humanize.h"
#include "engine/template/unicode_text.h"
#include "engine/template/value.h"

namespace tocsin::notifiers {

namespace {

using tmpl::CallContext;
using tmpl::Signature;
using tmpl::Value;
namespace types = tmpl::types;

constexpr const char* kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

Signature Params(std::vector<const tmpl::Type*> params) {
  return Signature{std::move(params), false};
}
Signature Variadic(std::vector<const tmpl::Type*> params) {
  return Signature{std::move(params), true};
}

// base64.URLEncoding.EncodeToString.
std::string Base64UrlEncode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const uint32_t v = static_cast<uint8_t>(in[i]) << 16 | static_cast<uint8_t>(in[i + 1]) << 8 |
                       static_cast<uint8_t>(in[i + 2]);
    out.push_back(kBase64Url[v >> 18 & 63]);
    out.push_back(kBase64Url[v >> 12 & 63]);
    out.push_back(kBase64Url[v >> 6 & 63]);
    out.push_back(kBase64Url[v & 63]);
  }
  if (const size_t rem = in.size() - i; rem > 0) {
    uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    if (rem == 2) v |= static_cast<uint8_t>(in[i + 1]) << 8;
    out.push_back(kBase64Url[v >> 18 & 63]);
    out.push_back(kBase64Url[v >> 12 & 63]);
    out.push_back(rem == 2 ? kBase64Url[v >> 6 & 63] : '=');
    out.push_back('=');
  }
  return out;
}

// base64.URLEncoding.DecodeString, with Go's error positions
// (`illegal base64 data at input byte 4`).
Result<std::string> Base64UrlDecode(std::string_view src) {
  std::array<int, 256> decode;
  decode.fill(-1);
  for (int i = 0; i < 64; ++i) decode[static_cast<unsigned char>(kBase64Url[i])] = i;
  auto corrupt = [](size_t at) {
    return Error{"illegal base64 data at input byte " + std::to_string(at)};
  };
  std::string out;
  size_t si = 0;
  while (si < src.size()) {
    int dbuf[4] = {0, 0, 0, 0};
    size_t dlen = 4;
    bool end = false;
    for (size_t j = 0; j < 4; ++j) {
      if (si == src.size()) {
        if (j == 0) return out;
        return corrupt(si - j);  // padding is required
      }
      const unsigned char in = static_cast<unsigned char>(src[si]);
      si++;
      if (decode[in] >= 0) {
        dbuf[j] = decode[in];
        continue;
      }
      if (in == '\n' || in == '\r') {
        j--;
        continue;
      }
      if (in != '=') return corrupt(si - 1);
      // Padding: "=" ends the input ("==" after two symbols).
      if (j == 0 || j == 1) return corrupt(si - 1);
      if (j == 2) {
        while (si < src.size() && (src[si] == '\n' || src[si] == '\r')) si++;
        if (si == src.size()) return corrupt(src.size());
        if (src[si] != '=') return corrupt(si - 1);
        si++;
      }
      while (si < src.size() && (src[si] == '\n' || src[si] == '\r')) si++;
      if (si < src.size()) return corrupt(si);
      dlen = j;
      end = true;
      break;
    }
    const uint32_t v = static_cast<uint32_t>(dbuf[0]) << 18 | static_cast<uint32_t>(dbuf[1]) << 12 |
                       static_cast<uint32_t>(dbuf[2]) << 6 | static_cast<uint32_t>(dbuf[3]);
    const char bytes[3] = {static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                           static_cast<char>(v)};
    out.append(bytes, dlen - 1);
    if (end) break;
  }
  return out;
}

std::string_view Str(const Value& v) {
  return v.as_string();
}

std::shared_ptr<const tmpl::FuncMap> BuildFunctions() {
  auto m = std::make_shared<tmpl::FuncMap>();
  const tmpl::Type* str = types::String();
  const tmpl::Type* any = types::Any();
  const tmpl::Type* time = types::Time();
  const tmpl::Type* any_slice = types::SliceOf(any);
  const tmpl::Type* str_slice = types::SliceOf(str);

  m->Add("toUpper", Params({str}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    return Value::String(tmpl::GoStringsToUpper(Str(a[0])));
  });
  m->Add("toLower", Params({str}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    return Value::String(tmpl::GoStringsToLower(Str(a[0])));
  });
  m->Add("title", Params({str}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    return Value::String(tmpl::GoTitle(Str(a[0]), /*lower_rest=*/true));
  });
  m->Add("trimSpace", Params({str}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    return Value::String(std::string(tmpl::GoTrimSpace(Str(a[0]))));
  });
  m->Add("join", Params({str, str_slice}),
         [](CallContext&, std::span<const Value> a) -> Result<Value> {
           std::string out;
           const tmpl::ListRep& l = a[1].list();
           for (size_t i = 0; i < l.size(); ++i) {
             if (i > 0) out += Str(a[0]);
             out += l.at(i).as_string();
           }
           return Value::String(std::move(out));
         });
  m->Add("match", Params({str, str}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    auto re = tmpl::GoRegexp::Compile(Str(a[0]));
    if (!re.ok()) return re.error();
    return Value::Bool(re->MatchString(Str(a[1])));
  });
  m->Add("safeHtml", Params({str}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    return a[0].WithType(types::HTML());
  });
  m->Add("safeUrl", Params({str}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    return a[0].WithType(types::URL());
  });
  m->Add("urlUnescape", Params({str}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    auto s = tmpl::QueryUnescape(Str(a[0]));
    if (!s.ok()) return s.error();
    return Value::String(std::move(*s));
  });
  m->Add("reReplaceAll", Params({str, str, str}),
         [](CallContext&, std::span<const Value> a) -> Result<Value> {
           auto re = tmpl::GoRegexp::Compile(Str(a[0]));
           if (!re.ok()) return Error{tmpl::MustCompilePanicMessage(Str(a[0]), re.message())};
           return Value::String(re->ReplaceAllString(Str(a[2]), Str(a[1])));
         });
  m->Add("stringSlice", Variadic({str_slice}),
         [str_slice](CallContext&, std::span<const Value> a) -> Result<Value> {
           // Go passes the variadic arguments as the slice itself: nil when there are none.
           if (a.empty()) return Value::NilList(str_slice);
           return Value::List(std::vector<Value>(a.begin(), a.end()), str_slice);
         });
  m->Add("routeLabels", Params({str}),
         [](CallContext& ctx, std::span<const Value> a) -> Result<Value> {
           const auto* env = ctx.env<TemplateEnvironment>();
           if (env == nullptr || !env->route_labels) return Value::String("");
           auto v = env->route_labels(Str(a[0]));
           if (!v.ok()) return v.error();
           return Value::String(std::move(*v));
         });
  m->Add("date", Params({str, time}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    return Value::String(tmpl::FormatTime(a[1].as_time(), Str(a[0])));
  });
  m->Add("tz", Params({str, time}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    auto loc = tmpl::Location::Load(Str(a[0]));
    if (!loc.ok()) return loc.error();
    return Value::Time(a[1].as_time().In(*loc));
  });
  m->Add("now", {}, [](CallContext& ctx, std::span<const Value>) -> Result<Value> {
    return Value::Time(ctx.Now());
  });
  m->Add("since", Params({time}), [](CallContext& ctx, std::span<const Value> a) -> Result<Value> {
    return Value::Duration(tmpl::SubTimes(ctx.Now(), a[0].as_time()));
  });
  m->Add("humanizeDuration", Params({any}),
         [](CallContext&, std::span<const Value> a) -> Result<Value> {
           auto s = tmpl::HumanizeDuration(a[0]);
           if (!s.ok()) return s.error();
           return Value::String(std::move(*s));
         });
  m->Add("toDate", Params({str, str}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    auto t = tmpl::ParseTime(Str(a[0]), Str(a[1]), tmpl::Location::UTC());
    return Value::Time(t.ok() ? *t : tmpl::GoTime{});
  });
  m->Add("mustToDate", Params({str, str}),
         [](CallContext&, std::span<const Value> a) -> Result<Value> {
           auto t = tmpl::ParseTime(Str(a[0]), Str(a[1]), tmpl::Location::UTC());
           if (!t.ok()) return t.error();
           return Value::Time(*t);
         });
  m->Add("toJson", Params({any}), [](CallContext& ctx, std::span<const Value> a) -> Result<Value> {
    auto s = tmpl::MarshalJSON(a[0], ctx);
    if (!s.ok()) return s.error();
    return Value::String(std::move(*s));
  });
  m->Add("base64encode", Params({str}),
         [](CallContext&, std::span<const Value> a) -> Result<Value> {
           return Value::String(Base64UrlEncode(Str(a[0])));
         });
  m->Add("base64decode", Params({str}),
         [](CallContext&, std::span<const Value> a) -> Result<Value> {
           auto s = Base64UrlDecode(Str(a[0]));
           if (!s.ok()) return s.error();
           return Value::String(std::move(*s));
         });
  m->Add("list", Variadic({any_slice}),
         [any_slice](CallContext&, std::span<const Value> a) -> Result<Value> {
           return Value::List(std::vector<Value>(a.begin(), a.end()), any_slice);
         });
  m->Add("append", Variadic({any_slice, any_slice}),
         [any_slice](CallContext&, std::span<const Value> a) -> Result<Value> {
           std::vector<Value> out;
           const tmpl::ListRep& l = a[0].list();
           out.reserve(l.size() + a.size() - 1);
           for (size_t i = 0; i < l.size(); ++i) out.push_back(l.at(i));
           for (size_t i = 1; i < a.size(); ++i) out.push_back(a[i]);
           if (out.empty() && a[0].is_nil()) return Value::NilList(any_slice);
           return Value::List(std::move(out), any_slice);
         });
  m->Add("dict", Variadic({any_slice}),
         [](CallContext&, std::span<const Value> a) -> Result<Value> {
           if (a.size() % 2 != 0) return Error{"dict requires an even number of arguments"};
           std::vector<std::pair<std::string, Value>> entries;
           for (size_t i = 0; i < a.size(); i += 2) {
             if (a[i].type() != types::String()) return Error{"dict keys must be strings"};
             entries.emplace_back(std::string(a[i].as_string()), a[i + 1]);
           }
           return Value::Map(std::move(entries), types::MapOf(types::Any()));
         });
  return m;
}

}  // namespace

std::shared_ptr<const tmpl::FuncMap> AlertmanagerTemplateFunctions() {
  static const std::shared_ptr<const tmpl::FuncMap> funcs = BuildFunctions();
  return funcs;
}

}  // namespace tocsin::notifiers
