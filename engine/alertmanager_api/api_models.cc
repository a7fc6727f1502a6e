#include "engine/alertmanager_api/api_models.h"

#include "engine/alertmanager_api/body_errors.h"
#include "engine/alertmanager_api/go_json_value.h"
#include "engine/alertmanager_api/strfmt_time.h"

#include <map>

#include "storage/base/time.h"

namespace tocsin::alertmanager_api {
namespace {

using alerting::Silence;
using alerting::SilenceMatcher;

// Go's time.Time{} in milliseconds since the epoch.
constexpr TimestampMs kGoZeroTime = -62135596800000;

std::string ApiTime(TimestampMs t) {
  return FormatRfc3339Millis(t);
}

Json LabelsJson(const Labels& labels) {
  Json out = Json::object();
  for (const Label& l : labels) out[l.name] = l.value;
  return out;
}

Json AnnotationsJson(const alerting::Annotations& annotations) {
  Json out = Json::object();
  for (const Label& l : annotations) out[l.name] = l.value;
  return out;
}

Json StringArray(const std::vector<std::string>& items) {
  Json out = Json::array();
  for (const std::string& s : items) out.push_back(s);
  return out;
}

// Go's encoding/json names JSON value kinds this way in "cannot unmarshal X into ..." errors.
std::string_view GoJsonKind(const Json& v) {
  switch (v.type()) {
    case Json::value_t::object:
      return "object";
    case Json::value_t::array:
      return "array";
    case Json::value_t::string:
      return "string";
    case Json::value_t::boolean:
      return "bool";
    case Json::value_t::null:
      return "null";
    default:
      return "number";
  }
}

BodyError ParseFailure(std::string_view body_name, std::string_view why) {
  return internal::ParseFailure(body_name, why);
}

BodyError TypeMismatch(std::string_view body_name, const Json& v, std::string_view field,
                       std::string_view go_type) {
  return internal::TypeMismatch(body_name, GoJsonKind(v), field, go_type);
}

BodyError Required(std::string_view path) {
  return internal::Required(path);
}

// Parses the first JSON value of the body as go-openapi's consumer reads it (Go's syntax errors;
// what follows the value is ignored). A blank body is a missing one, as io.EOF is there.
std::optional<BodyError> ParseBody(std::string_view body, std::string_view body_name, Json& out) {
  const internal::GoJsonValue value = internal::ReadGoJsonValue(body);
  if (value.kind == internal::GoJsonValue::Kind::kEmpty) return Required(body_name);
  if (value.kind == internal::GoJsonValue::Kind::kError) {
    return ParseFailure(body_name, value.message);
  }
  try {
    // Go reads invalid UTF-8 and lone surrogates in strings as U+FFFD; nlohmann refuses them.
    const std::string_view first = body.substr(0, value.end);
    const std::optional<std::string> repaired = internal::ReplaceInvalidStringText(first);
    out = Json::parse(repaired ? std::string_view(*repaired) : first);
  } catch (const Json::exception& e) {
    return ParseFailure(body_name, internal::JsonErrorText(e.what()));
  }
  return std::nullopt;
}

// A labelSet: an object whose values are strings. null reads as empty, as in Go, whose type
// errors name the map field, not the key ("Silence.annotations of type string").
std::optional<BodyError> DecodeLabelPairs(const Json& v, std::string_view body_name,
                                          std::string_view field, std::vector<Label>& out) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_object()) return TypeMismatch(body_name, v, field, "models.LabelSet");
  for (const auto& [name, value] : v.items()) {
    if (!value.is_string()) {
      return TypeMismatch(body_name, value, field, "string");
    }
    out.push_back({name, value.get<std::string>()});
  }
  return std::nullopt;
}

std::optional<BodyError> DecodeTime(const Json& v, std::string_view body_name,
                                    std::string_view field, TimestampMs& out) {
  if (v.is_null()) return std::nullopt;
  // strfmt.DateTime decodes its JSON as a Go string first: the type named is `string`.
  if (!v.is_string()) return TypeMismatch(body_name, v, field, "string");
  auto t = ParseApiTime(v.get<std::string>());
  if (!t.ok()) {
    return ParseFailure(body_name, t.message());
  }
  out = *t;
  return std::nullopt;
}

std::optional<BodyError> DecodeString(const Json& v, std::string_view body_name,
                                      std::string_view field, std::string& out) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_string()) return TypeMismatch(body_name, v, field, "string");
  out = v.get<std::string>();
  return std::nullopt;
}

std::optional<BodyError> DecodeBool(const Json& v, std::string_view body_name,
                                    std::string_view field, std::optional<bool>& out) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_boolean()) return TypeMismatch(body_name, v, field, "bool");
  out = v.get<bool>();
  return std::nullopt;
}

}  // namespace

Result<TimestampMs> ParseApiTime(std::string_view s) {
  auto t = ParseStrfmtDateTime(s);
  if (!t.ok()) return t;
  if (*t == kGoZeroTime) return TimestampMs{0};
  return t;
}

Json GettableAlertJson(const alerting::ApiAlert& a) {
  const alerting::Alert& alert = *a.alert;
  Json receivers = Json::array();
  for (const std::string& r : a.receivers) receivers.push_back(Json{{"name", r}});
  Json status = Json::object();
  status["inhibitedBy"] = StringArray(a.status.inhibited_by);
  status["mutedBy"] = StringArray(a.status.muted_by);
  status["silencedBy"] = StringArray(a.status.silenced_by);
  status["state"] = std::string(alerting::AlertStateString(a.status.state));

  Json out = Json::object();
  out["annotations"] = AnnotationsJson(alert.annotations);
  out["endsAt"] = ApiTime(alert.ends_at);
  out["fingerprint"] = a.fingerprint;
  out["receivers"] = std::move(receivers);
  out["startsAt"] = ApiTime(alert.starts_at);
  out["status"] = std::move(status);
  out["updatedAt"] = ApiTime(alert.updated_at);
  if (!alert.generator_url.empty()) out["generatorURL"] = alert.generator_url;
  out["labels"] = LabelsJson(alert.labels);
  return out;
}

Json AlertGroupJson(const alerting::ApiAlertGroup& group) {
  Json alerts = Json::array();
  for (const alerting::ApiAlert& a : group.alerts) alerts.push_back(GettableAlertJson(a));
  Json route_labels = Json::object();
  for (const auto& [k, v] : group.route_labels) route_labels[k] = v;
  Json out = Json::object();
  out["alerts"] = std::move(alerts);
  out["labels"] = LabelsJson(group.labels);
  out["receiver"] = Json{{"name", group.receiver}};
  out["routeLabels"] = std::move(route_labels);
  return out;
}

Json GettableSilenceJson(const Silence& s, TimestampMs now) {
  Json matchers = Json::array();
  for (const SilenceMatcher& m : s.matchers) {
    Json j = Json::object();
    j["isEqual"] = m.is_equal;
    j["isRegex"] = m.is_regex;
    j["name"] = m.name;
    j["value"] = m.value;
    matchers.push_back(std::move(j));
  }
  Json out = Json::object();
  out["id"] = s.id;
  out["status"] = Json{{"state", std::string(alerting::SilenceStateName(s.StateAt(now)))}};
  out["updatedAt"] = ApiTime(s.updated_at);
  if (!s.annotations.empty()) {
    Json annotations = Json::object();
    for (const auto& [k, v] : s.annotations) annotations[k] = v;
    out["annotations"] = std::move(annotations);
  }
  out["comment"] = s.comment;
  out["createdBy"] = s.created_by;
  out["endsAt"] = ApiTime(s.ends_at);
  out["matchers"] = std::move(matchers);
  out["startsAt"] = ApiTime(s.starts_at);
  return out;
}

Json ReceiverJson(const alerting::ApiReceiver& r) {
  Json out = Json::object();
  if (!r.labels.empty()) {
    Json labels = Json::object();
    for (const auto& [k, v] : r.labels) labels[k] = v;
    out["labels"] = std::move(labels);
  }
  out["name"] = r.name;
  return out;
}

Decoded<Silence> DecodePostableSilence(std::string_view body) {
  constexpr std::string_view kBody = "silence";
  Decoded<Silence> out;
  Json doc;
  if (auto e = ParseBody(body, kBody, doc)) {
    out.error = std::move(e);
    return out;
  }
  // `null` decodes into the zero silence, which then fails the schema's required fields.
  if (doc.is_null()) doc = Json::object();
  // PostableSilence's generated UnmarshalJSON reads its `id` part into an anonymous struct
  // first, then the rest as a models.Silence: Go's type errors name those types.
  if (!doc.is_object()) {
    out.error = ParseFailure(
        kBody, "json: cannot unmarshal " + std::string(GoJsonKind(doc)) +
                   " into Go value of type struct { ID string \"json:\\\"id,omitempty\\\"\" }");
    return out;
  }
  if (auto it = doc.find("id"); it != doc.end()) {
    std::string id;
    if (auto e = DecodeString(*it, kBody, ".id", id)) {
      out.error = std::move(e);
      return out;
    }
  }
  Silence& s = out.value;
  std::map<std::string, bool> seen;
  for (const auto& [key, v] : doc.items()) {
    std::optional<BodyError> e;
    seen[key] = !v.is_null();
    if (key == "id") {
      e = DecodeString(v, kBody, ".id", s.id);
    } else if (key == "comment") {
      e = DecodeString(v, kBody, "Silence.comment", s.comment);
    } else if (key == "createdBy") {
      e = DecodeString(v, kBody, "Silence.createdBy", s.created_by);
    } else if (key == "startsAt") {
      e = DecodeTime(v, kBody, "Silence.startsAt", s.starts_at);
    } else if (key == "endsAt") {
      e = DecodeTime(v, kBody, "Silence.endsAt", s.ends_at);
    } else if (key == "annotations") {
      std::vector<Label> pairs;
      e = DecodeLabelPairs(v, kBody, "Silence.annotations", pairs);
      for (Label& l : pairs) s.annotations[l.name] = l.value;
    } else if (key == "matchers") {
      if (!v.is_null() && !v.is_array()) {
        e = TypeMismatch(kBody, v, "Silence.matchers", "models.Matchers");
      } else if (v.is_array()) {
        for (const Json& m : v) {
          if (!m.is_object()) {
            e = TypeMismatch(kBody, m, "Silence.matchers", "models.Matcher");
            break;
          }
          SilenceMatcher sm;
          std::optional<bool> is_equal, is_regex;
          for (const auto& [mk, mv] : m.items()) {
            if (mk == "name") {
              e = DecodeString(mv, kBody, "Matcher.matchers.name", sm.name);
            } else if (mk == "value") {
              e = DecodeString(mv, kBody, "Matcher.matchers.value", sm.value);
            } else if (mk == "isRegex") {
              e = DecodeBool(mv, kBody, "Matcher.matchers.isRegex", is_regex);
            } else if (mk == "isEqual") {
              e = DecodeBool(mv, kBody, "Matcher.matchers.isEqual", is_equal);
            }
            if (e) break;
          }
          if (e) break;
          sm.is_equal = is_equal.value_or(true);
          sm.is_regex = is_regex.value_or(false);
          s.matchers.push_back(std::move(sm));
        }
      }
    }
    if (e) {
      out.error = std::move(e);
      return out;
    }
  }
  // go-openapi's validation, in the order of the schema's properties.
  for (std::string_view field : {"comment", "createdBy", "endsAt", "matchers", "startsAt"}) {
    auto it = seen.find(std::string(field));
    if (it == seen.end() || !it->second) {
      out.error = Required(field);
      return out;
    }
    if (field == "matchers" && s.matchers.empty()) {
      out.error = BodyError{422, 612, "matchers in body should have at least 1 items"};
      return out;
    }
  }
  const Json& matchers = doc["matchers"];
  for (size_t i = 0; i < matchers.size(); ++i) {
    for (std::string_view field : {"isRegex", "name", "value"}) {
      if (!matchers[i].contains(field) || matchers[i][std::string(field)].is_null()) {
        out.error = Required("matchers." + std::to_string(i) + "." + std::string(field));
        return out;
      }
    }
  }
  return out;
}

}  // namespace tocsin::alertmanager_api
