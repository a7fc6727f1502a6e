#include "engine/promql/format/api_json.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace tocsin::promql {
namespace {

void AppendMetric(std::string& out, const Labels& labels) {
  out += "{";
  bool first = true;
  for (const Label& l : labels) {
    if (!first) out += ",";
    first = false;
    out += JsonString(l.name) + ":" + JsonString(l.value);
  }
  out += "}";
}

void AppendPoint(std::string& out, TimestampMs t, double v) {
  out += '[';
  out += FormatApiTimestamp(t);
  out += ",\"";
  out += FormatApiFloat(v);
  out += "\"]";
}

void AppendStrings(std::string& out, const char* key, const std::vector<std::string>& items) {
  if (items.empty()) return;
  out += ",\"";
  out += key;
  out += "\":[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ",";
    out += JsonString(items[i]);
  }
  out += "]";
}

}  // namespace

std::string FormatApiFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Go's strconv.FormatFloat(v, 'f', -1, 64), switching to 'e' for very small and very large
  // magnitudes exactly where Prometheus's encoder does.
  const double a = std::fabs(v);
  const auto format = (a != 0 && (a < 1e-6 || a >= 1e21)) ? std::chars_format::scientific
                                                          : std::chars_format::fixed;
  char buf[400];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, format);
  return std::string(buf, r.ptr);
}

std::string FormatApiTimestamp(TimestampMs t) {
  std::string out;
  uint64_t u = static_cast<uint64_t>(t);
  if (t < 0) {
    out += "-";
    u = ~u + 1;  // magnitude, also for INT64_MIN
  }
  out += std::to_string(u / 1000);
  if (const uint64_t ms = u % 1000; ms != 0) {
    out += ".";
    if (ms < 100) out += "0";
    if (ms < 10) out += "0";
    out += std::to_string(ms);
  }
  return out;
}

std::string JsonString(std::string_view s) {
  // nlohmann writes valid JSON (invalid UTF-8 replaced by U+FFFD, as Go does); Go additionally
  // escapes the characters that are unsafe inside HTML and the JavaScript line separators.
  const std::string plain =
      nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(plain.size());
  for (size_t i = 0; i < plain.size(); ++i) {
    const char c = plain[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xe2' && i + 2 < plain.size() && plain[i + 1] == '\x80' &&
               (plain[i + 2] == '\xa8' || plain[i + 2] == '\xa9')) {
      out += plain[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string LabelsJson(const Labels& labels) {
  std::string out;
  AppendMetric(out, labels);
  return out;
}

std::string QueryDataJson(const Value& value) {
  std::string out = R"({"resultType":)";
  if (const auto* vec = std::get_if<Vector>(&value)) {
    out += R"("vector","result":[)";
    for (size_t i = 0; i < vec->size(); ++i) {
      const Sample& s = (*vec)[i];
      if (i > 0) out += ",";
      out += R"({"metric":)";
      AppendMetric(out, s.metric);
      out += R"(,"value":)";
      AppendPoint(out, s.t, s.v);
      out += "}";
    }
    out += "]";
  } else if (const auto* mat = std::get_if<Matrix>(&value)) {
    out += R"("matrix","result":[)";
    for (size_t i = 0; i < mat->size(); ++i) {
      const Series& s = (*mat)[i];
      if (i > 0) out += ",";
      out += R"({"metric":)";
      AppendMetric(out, s.metric);
      out += R"(,"values":[)";
      for (size_t j = 0; j < s.points.size(); ++j) {
        if (j > 0) out += ",";
        AppendPoint(out, s.points[j].t, s.points[j].v);
      }
      out += "]}";
    }
    out += "]";
  } else if (const auto* sc = std::get_if<Scalar>(&value)) {
    out += R"("scalar","result":)";
    AppendPoint(out, sc->t, sc->v);
  } else {
    const auto& str = std::get<String>(value);
    out += R"("string","result":[)" + FormatApiTimestamp(str.t) + "," + JsonString(str.v) + "]";
  }
  out += "}";
  return out;
}

std::string QuerySuccessJson(const QueryResult& result, std::string_view query) {
  std::string out = R"({"status":"success","data":)" + QueryDataJson(result.value);
  std::vector<std::string> warnings, infos;
  for (const Annotation& a : result.warnings) warnings.push_back(FormatAnnotation(a, query));
  for (const Annotation& a : result.infos) infos.push_back(FormatAnnotation(a, query));
  AppendStrings(out, "warnings", warnings);
  AppendStrings(out, "infos", infos);
  out += "}";
  return out;
}

std::string QueryErrorJson(std::string_view error_type, std::string_view message) {
  return R"({"status":"error","errorType":)" + JsonString(error_type) + R"(,"error":)" +
         JsonString(message) + "}";
}

}  // namespace tocsin::promql
