#include "rules/template_functions.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <span>

#include "engine/template/escape.h"
#include "engine/template/go_format.h"
#include "engine/template/go_regexp.h"
#include "engine/template/go_strconv.h"
#include "engine/template/go_time.h"
#include "engine/template/humanize.h"
#include "engine/template/labels_value.h"
#include "engine/template/unicode_text.h"

namespace tocsin::rules {

namespace {

using tmpl::CallContext;
using tmpl::Signature;
using tmpl::Value;
namespace types = tmpl::types;

const tmpl::Type* AlertDataType() {
  static const tmpl::Type* t =
      tmpl::TypeBuilder(
          "struct { Labels map[string]string; ExternalLabels map[string]string; "
          "ExternalURL string; Value interface {} }",
          nullptr)
          .Field("Labels", types::MapOf(types::String()))
          .Field("ExternalLabels", types::MapOf(types::String()))
          .Field("ExternalURL", types::String())
          .Field("Value", types::Any())
          .Build();
  return t;
}

Signature Params(std::vector<const tmpl::Type*> params) {
  return Signature{std::move(params), false};
}

std::string Sprintf(std::string_view format, std::initializer_list<Value> args) {
  return tmpl::Sprintf(format, std::span<const Value>(args.begin(), args.size()));
}

using tmpl::ConvertToFloat;

std::string G4(double v, std::string_view suffix = "") {
  return Sprintf("%.4g%s", {Value::Float(v), Value::StringRef(suffix)});
}

Result<Value> Humanize(CallContext&, std::span<const Value> args) {
  auto f = ConvertToFloat(args[0]);
  if (!f.ok()) return f.error();
  double v = *f;
  if (v == 0 || std::isnan(v) || std::isinf(v)) return Value::String(G4(v));
  std::string prefix;
  if (std::fabs(v) >= 1) {
    for (const char* p : {"k", "M", "G", "T", "P", "E", "Z", "Y"}) {
      if (std::fabs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return Value::String(G4(v, prefix));
  }
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return Value::String(G4(v, prefix));
}

Result<Value> Humanize1024(CallContext&, std::span<const Value> args) {
  auto f = ConvertToFloat(args[0]);
  if (!f.ok()) return f.error();
  double v = *f;
  if (std::fabs(v) <= 1 || std::isnan(v) || std::isinf(v)) return Value::String(G4(v));
  std::string prefix;
  for (const char* p : {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"}) {
    if (std::fabs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return Value::String(G4(v, prefix));
}

Result<Value> HumanizePercentage(CallContext&, std::span<const Value> args) {
  auto f = ConvertToFloat(args[0]);
  if (!f.ok()) return f.error();
  return Value::String(G4(*f * 100, "%"));
}

Result<Value> HumanizeDuration(CallContext&, std::span<const Value> args) {
  auto s = tmpl::HumanizeDuration(args[0]);
  if (!s.ok()) return s.error();
  return Value::String(std::move(*s));
}

// common/helpers/templates.FloatToTime: seconds to a time, at millisecond precision (it goes
// through model.Time).
Result<tmpl::GoTime> FloatToTime(double v, bool* nan_or_inf) {
  *nan_or_inf = std::isnan(v) || std::isinf(v);
  if (*nan_or_inf) return Error{"value is NaN or Inf"};
  const double timestamp = v * 1e9;
  if (timestamp > 9223372036854775807.0 || timestamp < -9223372036854775808.0) {
    return Error{
        Sprintf("%v cannot be represented as a nanoseconds timestamp since it overflows int64",
                {Value::Float(v)})};
  }
  const int64_t ns = timestamp >= 9223372036854775807.0 ? std::numeric_limits<int64_t>::min()
                                                        : static_cast<int64_t>(timestamp);
  const int64_t ms = ns / 1000000;
  return tmpl::GoTime::FromUnix(ms / 1000, (ms % 1000) * 1000000);
}

Result<Value> HumanizeTimestamp(CallContext&, std::span<const Value> args) {
  auto f = ConvertToFloat(args[0]);
  if (!f.ok()) return f.error();
  bool nan_or_inf = false;
  auto t = FloatToTime(*f, &nan_or_inf);
  if (nan_or_inf) return Value::String(G4(*f));
  if (!t.ok()) return t.error();
  return Value::String(tmpl::TimeString(*t));
}

Result<Value> ToTime(CallContext&, std::span<const Value> args) {
  auto f = ConvertToFloat(args[0]);
  if (!f.ok()) return f.error();
  bool nan_or_inf = false;
  auto t = FloatToTime(*f, &nan_or_inf);
  if (!t.ok()) return t.error();
  return Value::Time(*t).WithType(types::PointerTo(types::Time()));
}

// Go's int64(float64) on amd64: out-of-range and NaN values become the minimum int64.
int64_t GoFloatToInt64(double v) {
  if (std::isnan(v) || v >= 9223372036854775808.0 || v < -9223372036854775808.0) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(v);
}

Result<Value> ToDuration(CallContext&, std::span<const Value> args) {
  auto f = ConvertToFloat(args[0]);
  if (!f.ok()) return f.error();
  return Value::Duration(GoFloatToInt64(*f * 1e9)).WithType(types::PointerTo(types::Duration()));
}

// model.ParseDurationAllowNegative, in nanoseconds (the range Go's time.Duration allows).
Result<double> ParseDurationSeconds(std::string_view s) {
  bool neg = false;
  std::string_view body = s;
  if (!body.empty() && body[0] == '-') {
    neg = true;
    body.remove_prefix(1);
  }
  const std::string orig(body);
  if (body == "0") return 0.0;
  if (body.empty()) return Error{"empty duration string"};
  auto invalid = [&] { return Error{"not a valid duration string: " + tmpl::GoQuoteString(orig)}; };
  struct Unit {
    std::string_view name;
    int pos;
    uint64_t mult;
  };
  static constexpr uint64_t kSec = 1000000000;
  static constexpr Unit kUnits[] = {{"ms", 7, 1000000},          {"s", 6, kSec},
                                    {"m", 5, 60 * kSec},         {"h", 4, 3600 * kSec},
                                    {"d", 3, 86400 * kSec},      {"w", 2, 7 * 86400 * kSec},
                                    {"y", 1, 365 * 86400 * kSec}};
  uint64_t dur = 0;
  int last_pos = 0;
  while (!body.empty()) {
    if (body[0] < '0' || body[0] > '9') return invalid();
    size_t i = 0;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i;
    uint64_t v = 0;
    for (size_t k = 0; k < i; ++k) {
      const uint64_t d = static_cast<uint64_t>(body[k] - '0');
      if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return invalid();
      v = v * 10 + d;
    }
    body.remove_prefix(i);
    i = 0;
    while (i < body.size() && !(body[i] >= '0' && body[i] <= '9')) ++i;
    if (i == 0) return invalid();
    const std::string_view u = body.substr(0, i);
    body.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const Unit& candidate : kUnits) {
      if (candidate.name == u) unit = &candidate;
    }
    if (unit == nullptr) {
      return Error{"unknown unit " + tmpl::GoQuoteString(u) + " in duration " +
                   tmpl::GoQuoteString(orig)};
    }
    if (unit->pos <= last_pos) return invalid();
    last_pos = unit->pos;
    if (v > (uint64_t{1} << 63) / unit->mult) return Error{"duration out of range"};
    dur += v * unit->mult;
    if (dur > (uint64_t{1} << 63) - 1) return Error{"duration out of range"};
  }
  const double seconds = static_cast<double>(static_cast<int64_t>(dur)) / 1e9;
  return neg ? -seconds : seconds;
}

// net.SplitHostPort.
bool SplitHostPort(std::string_view hostport, std::string_view* host, std::string_view* port) {
  const size_t i = hostport.rfind(':');
  if (i == std::string_view::npos) return false;
  size_t j = 0, k = 0;
  if (!hostport.empty() && hostport[0] == '[') {
    const size_t end = hostport.find(']');
    if (end == std::string_view::npos) return false;
    if (end + 1 == hostport.size() || end + 1 != i) return false;
    *host = hostport.substr(1, end - 1);
    j = 1;
    k = end + 1;
  } else {
    *host = hostport.substr(0, i);
    if (host->find(':') != std::string_view::npos) return false;
  }
  if (hostport.substr(j).find('[') != std::string_view::npos) return false;
  if (hostport.substr(k).find(']') != std::string_view::npos) return false;
  *port = hostport.substr(i + 1);
  return true;
}

// net.ParseIP.
bool IsIP(std::string_view s) {
  const std::string str(s);
  unsigned char buf[16];
  return inet_pton(AF_INET, str.c_str(), buf) == 1 || inet_pton(AF_INET6, str.c_str(), buf) == 1;
}

std::string StripDomain(std::string_view host_port) {
  std::string_view host, port;
  if (!SplitHostPort(host_port, &host, &port)) {
    host = host_port;
    port = {};
  }
  if (IsIP(host)) return std::string(host_port);
  host = host.substr(0, host.find('.'));
  if (!port.empty()) {
    // net.JoinHostPort
    if (host.find(':') != std::string_view::npos) {
      return "[" + std::string(host) + "]:" + std::string(port);
    }
    return std::string(host) + ":" + std::string(port);
  }
  return std::string(host);
}

// The path of a URL (url.URL.Path: percent escapes decoded).
std::string UrlPath(std::string_view url) {
  std::string_view rest = url;
  const size_t scheme = rest.find("://");
  if (scheme != std::string_view::npos && rest.find_first_of("/?#") > scheme) {
    rest.remove_prefix(scheme + 3);
    const size_t slash = rest.find_first_of("/?#");
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  rest = rest.substr(0, rest.find_first_of("?#"));
  std::string out;
  for (size_t i = 0; i < rest.size(); ++i) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
      return -1;
    };
    if (rest[i] == '%' && i + 2 < rest.size() && hex(rest[i + 1]) >= 0 && hex(rest[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(rest[i + 1]) * 16 + hex(rest[i + 2])));
      i += 2;
    } else {
      out.push_back(rest[i]);
    }
  }
  return out;
}

// What Go reports when a function dereferences a nil pointer (a nil *sample, a nil *url.URL).
const Error kNilDereference{"runtime error: invalid memory address or nil pointer dereference"};

// The *sample's Labels map, or an error for a nil sample.
Result<Value> SampleField(const Value& s, size_t field) {
  if (s.is_nil_pointer()) return kNilDereference;
  return s.Indirect().structure().field(field);
}

Value MakeSample(const QuerySample& s) {
  return Value::Struct(SampleType(), {tmpl::LabelsValue(s.labels), Value::Float(s.value)})
      .WithType(types::PointerTo(SampleType()));
}

std::shared_ptr<const tmpl::FuncMap> BuildFunctions() {
  auto m = std::make_shared<tmpl::FuncMap>();
  const tmpl::Type* any = types::Any();
  const tmpl::Type* str = types::String();
  const tmpl::Type* sample_ptr = types::PointerTo(SampleType());

  m->Add("query", Params({str}), [](CallContext& ctx, std::span<const Value> a) -> Result<Value> {
    const auto* env = ctx.env<TemplateEnvironment>();
    if (env == nullptr || !env->query) return Error{"no query engine is available"};
    auto samples = env->query(a[0].as_string(), env->timestamp);
    if (!samples.ok()) return samples.error();
    std::vector<Value> out;
    out.reserve(samples->size());
    for (const QuerySample& s : *samples) out.push_back(MakeSample(s));
    return Value::List(std::move(out), QueryResultType());
  });
  m->Add("first", Params({QueryResultType()}),
         [](CallContext&, std::span<const Value> a) -> Result<Value> {
           if (a[0].length() == 0) return Error{"first() called on vector with no elements"};
           return a[0].list().at(0);
         });
  m->Add("label", Params({str, sample_ptr}),
         [](CallContext&, std::span<const Value> a) -> Result<Value> {
           auto labels = SampleField(a[1], 0);
           if (!labels.ok()) return labels.error();
           Value v;
           if (labels->map().Find(a[0].as_string(), &v)) return v;
           return Value::String("");
         });
  m->Add("value", Params({sample_ptr}),
         [](CallContext&, std::span<const Value> a) { return SampleField(a[0], 1); });
  m->Add("strvalue", Params({sample_ptr}),
         [](CallContext&, std::span<const Value> a) -> Result<Value> {
           auto labels = SampleField(a[0], 0);
           if (!labels.ok()) return labels.error();
           Value v;
           if (labels->map().Find("__value__", &v)) return v;
           return Value::String("");
         });
  m->Add("args", Signature{{types::SliceOf(any)}, true},
         [](CallContext&, std::span<const Value> a) -> Result<Value> {
           std::vector<std::pair<std::string, Value>> entries;
           for (size_t i = 0; i < a.size(); ++i)
             entries.emplace_back("arg" + std::to_string(i), a[i]);
           return Value::Map(std::move(entries), types::MapOf(types::Any()));
         });
  m->Add("reReplaceAll", Params({str, str, str}),
         [](CallContext&, std::span<const Value> a) -> Result<Value> {
           auto re = tmpl::GoRegexp::Compile(a[0].as_string());
           if (!re.ok())
             return Error{tmpl::MustCompilePanicMessage(a[0].as_string(), re.message())};
           return Value::String(re->ReplaceAllString(a[2].as_string(), a[1].as_string()));
         });
  m->Add("safeHtml", Params({str}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    return a[0].WithType(types::HTML());
  });
  m->Add("match", Params({str, str}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    auto re = tmpl::GoRegexp::Compile(a[0].as_string());
    if (!re.ok()) return re.error();
    return Value::Bool(re->MatchString(a[1].as_string()));
  });
  m->Add("title", Params({str}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    return Value::String(tmpl::GoTitle(a[0].as_string(), /*lower_rest=*/false));
  });
  m->Add("toUpper", Params({str}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    return Value::String(tmpl::GoStringsToUpper(a[0].as_string()));
  });
  m->Add("toLower", Params({str}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    return Value::String(tmpl::GoStringsToLower(a[0].as_string()));
  });
  auto link = [](const char* tab) {
    return [tab](CallContext&, std::span<const Value> a) -> Result<Value> {
      std::string out = "/graph?g0.expr=";
      tmpl::AppendQueryEscaped(out, a[0].as_string());
      out += "&g0.tab=";
      out += tab;
      return Value::String(std::move(out));
    };
  };
  m->Add("graphLink", Params({str}), link("0"));
  m->Add("tableLink", Params({str}), link("1"));
  m->Add("sortByLabel", Params({str, QueryResultType()}),
         [](CallContext&, std::span<const Value> a) -> Result<Value> {
           std::vector<std::pair<std::string, Value>> keyed;
           const tmpl::ListRep& l = a[1].list();
           for (size_t i = 0; i < l.size(); ++i) {
             Value s = l.at(i);
             std::string key;
             if (!s.is_nil_pointer()) {
               Value v;
               if (s.Indirect().structure().field(0).map().Find(a[0].as_string(), &v)) {
                 key = std::string(v.as_string());
               }
             }
             keyed.emplace_back(std::move(key), std::move(s));
           }
           std::stable_sort(keyed.begin(), keyed.end(),
                            [](const auto& x, const auto& y) { return x.first < y.first; });
           std::vector<Value> out;
           for (auto& [k, v] : keyed) out.push_back(std::move(v));
           return Value::List(std::move(out), QueryResultType());
         });
  m->Add("stripPort", Params({str}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    std::string_view host, port;
    if (!SplitHostPort(a[0].as_string(), &host, &port)) return a[0];
    return Value::String(std::string(host));
  });
  m->Add("stripDomain", Params({str}), [](CallContext&, std::span<const Value> a) -> Result<Value> {
    return Value::String(StripDomain(a[0].as_string()));
  });
  m->Add("humanize", Params({any}), Humanize);
  m->Add("humanize1024", Params({any}), Humanize1024);
  m->Add("humanizeDuration", Params({any}), HumanizeDuration);
  m->Add("humanizePercentage", Params({any}), HumanizePercentage);
  m->Add("humanizeTimestamp", Params({any}), HumanizeTimestamp);
  m->Add("toTime", Params({any}), ToTime);
  m->Add("toDuration", Params({any}), ToDuration);
  m->Add("now", {}, [](CallContext& ctx, std::span<const Value>) -> Result<Value> {
    const auto* env = ctx.env<TemplateEnvironment>();
    return Value::Float(static_cast<double>(env ? env->timestamp : 0) / 1000.0);
  });
  m->Add("pathPrefix", {}, [](CallContext& ctx, std::span<const Value>) -> Result<Value> {
    const auto* env = ctx.env<TemplateEnvironment>();
    if (env == nullptr || !env->external_url) return kNilDereference;
    return Value::String(UrlPath(*env->external_url));
  });
  m->Add("externalURL", {}, [](CallContext& ctx, std::span<const Value>) -> Result<Value> {
    const auto* env = ctx.env<TemplateEnvironment>();
    if (env == nullptr || !env->external_url) return kNilDereference;
    return Value::String(*env->external_url);
  });
  m->Add("parseDuration", Params({str}),
         [](CallContext&, std::span<const Value> a) -> Result<Value> {
           auto d = ParseDurationSeconds(a[0].as_string());
           if (!d.ok()) return d.error();
           return Value::Float(*d);
         });
  m->Add("urlQueryEscape", Params({str}),
         [](CallContext&, std::span<const Value> a) -> Result<Value> {
           std::string out;
           tmpl::AppendQueryEscaped(out, a[0].as_string());
           return Value::String(std::move(out));
         });
  return m;
}

}  // namespace

const tmpl::Type* SampleType() {
  static const tmpl::Type* t = tmpl::TypeBuilder("template.sample", nullptr)
                                   .Field("Labels", types::MapOf(types::String()))
                                   .Field("Value", types::Any())
                                   .Build();
  return t;
}

const tmpl::Type* QueryResultType() {
  static const tmpl::Type* t =
      tmpl::TypeBuilder("template.queryResult", types::SliceOf(types::PointerTo(SampleType())))
          .Build();
  return t;
}

std::shared_ptr<const tmpl::FuncMap> PrometheusTemplateFunctions() {
  static const std::shared_ptr<const tmpl::FuncMap> funcs = BuildFunctions();
  return funcs;
}

Value AlertTemplateData(const Labels& labels, const Labels& external_labels,
                        std::string_view external_url, double value) {
  return AlertTemplateData(labels, tmpl::LabelsValue(external_labels),
                           Value::String(std::string(external_url)), value);
}

Value AlertTemplateData(const Labels& labels, const Value& external_labels,
                        const Value& external_url, double value) {
  return Value::Struct(AlertDataType(), {tmpl::LabelsValue(labels), external_labels, external_url,
                                         Value::Float(value)});
}

}  // namespace tocsin::rules
