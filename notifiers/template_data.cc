#include "notifiers/template_data.h"

#include <algorithm>

#include "engine/template/go_time.h"

namespace tocsin::notifiers {
namespace {

using tmpl::CallContext;
using tmpl::Signature;
using tmpl::Type;
using tmpl::TypeBuilder;
using tmpl::Value;
namespace types = tmpl::types;

// The KV's entries in Alertmanager's SortedPairs order: "alertname" first, the rest by name.
std::vector<std::pair<std::string, std::string>> SortedEntries(const Value& kv) {
  std::vector<std::pair<std::string, std::string>> out;
  if (kv.kind() != tmpl::Kind::kMap) return out;
  const tmpl::MapRep& map = kv.map();
  out.reserve(map.size());
  for (size_t i = 0; i < map.size(); ++i) {
    out.emplace_back(std::string(map.key(i)), std::string(map.value(i).as_string()));
  }
  // Map keys are already sorted; only "alertname" moves to the front.
  auto it =
      std::find_if(out.begin(), out.end(), [](const auto& e) { return e.first == "alertname"; });
  if (it != out.end()) std::rotate(out.begin(), it, it + 1);
  return out;
}

Value StringsValue(std::vector<std::string> items) {
  std::vector<Value> values;
  values.reserve(items.size());
  for (auto& s : items) values.push_back(Value::String(std::move(s)));
  return Value::List(std::move(values), StringsType());
}

Value PairsValue(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::vector<Value> pairs;
  pairs.reserve(entries.size());
  for (const auto& [k, v] : entries) {
    pairs.push_back(Value::Struct(PairType(), {Value::String(k), Value::String(v)}));
  }
  return Value::List(std::move(pairs), PairsType());
}

std::string PairsString(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out += ", ";
    out += entries[i].first;
    out += '=';
    out += entries[i].second;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> PairsEntries(const Value& pairs) {
  std::vector<std::pair<std::string, std::string>> out;
  if (pairs.kind() != tmpl::Kind::kSlice) return out;
  for (size_t i = 0; i < pairs.list().size(); ++i) {
    Value p = pairs.list().at(i);
    out.emplace_back(std::string(p.structure().field(0).as_string()),
                     std::string(p.structure().field(1).as_string()));
  }
  return out;
}

Value AlertsWithStatus(const Value& alerts, std::string_view status) {
  std::vector<Value> out;
  if (alerts.kind() == tmpl::Kind::kSlice) {
    for (size_t i = 0; i < alerts.list().size(); ++i) {
      Value a = alerts.list().at(i);
      if (a.structure().field(0).as_string() == status) out.push_back(a);
    }
  }
  // Go returns a non-nil []Alert, so toJson gives [] rather than null.
  return Value::List(std::move(out), types::SliceOf(AlertType()));
}

}  // namespace

const Type* StringsType() {
  static const Type* t = TypeBuilder("template.Strings", types::SliceOf(types::String()))
                             .AddMethod("Join", Signature{{types::String()}, false},
                                        [](CallContext&, const Value& self,
                                           std::span<const Value> args) -> Result<Value> {
                                          std::string out;
                                          for (size_t i = 0; i < self.length(); ++i) {
                                            if (i > 0) out += args[0].as_string();
                                            out += self.list().at(i).as_string();
                                          }
                                          return Value::String(std::move(out));
                                        })
                             .Build();
  return t;
}

const Type* PairType() {
  static const Type* t = TypeBuilder("template.Pair", nullptr)
                             .Field("Name", types::String())
                             .Field("Value", types::String())
                             .Build();
  return t;
}

const Type* PairsType() {
  static const Type* t = [] {
    TypeBuilder b("template.Pairs", types::SliceOf(PairType()));
    b.AddMethod("Names", {},
                [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                  std::vector<std::string> out;
                  for (auto& [k, v] : PairsEntries(self)) out.push_back(k);
                  return StringsValue(std::move(out));
                });
    b.AddMethod("Values", {},
                [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                  std::vector<std::string> out;
                  for (auto& [k, v] : PairsEntries(self)) out.push_back(v);
                  return StringsValue(std::move(out));
                });
    b.AddMethod("String", {},
                [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                  return Value::String(PairsString(PairsEntries(self)));
                });
    return b.Build();
  }();
  return t;
}

const Type* KVType() {
  static const Type* t = [] {
    TypeBuilder b("template.KV", types::MapOf(types::String()));
    const Type* self_type = b.type();
    b.AddMethod("SortedPairs", {},
                [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                  return PairsValue(SortedEntries(self));
                });
    b.AddMethod(
        "Remove", Signature{{types::SliceOf(types::String())}, false},
        [self_type](CallContext&, const Value& self, std::span<const Value> args) -> Result<Value> {
          std::vector<std::pair<std::string, Value>> kept;
          const Value& keys = args[0];
          for (size_t i = 0; self.kind() == tmpl::Kind::kMap && i < self.map().size(); ++i) {
            std::string_view key = self.map().key(i);
            bool removed = false;
            for (size_t j = 0; keys.kind() == tmpl::Kind::kSlice && j < keys.length(); ++j) {
              if (keys.list().at(j).as_string() == key) removed = true;
            }
            if (!removed) kept.emplace_back(std::string(key), self.map().value(i));
          }
          return Value::Map(std::move(kept), self_type);
        });
    b.AddMethod("Names", {},
                [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                  std::vector<std::string> out;
                  for (auto& [k, v] : SortedEntries(self)) out.push_back(k);
                  return StringsValue(std::move(out));
                });
    b.AddMethod("Values", {},
                [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                  std::vector<std::string> out;
                  for (auto& [k, v] : SortedEntries(self)) out.push_back(v);
                  return StringsValue(std::move(out));
                });
    b.AddMethod("String", {},
                [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                  return Value::String(PairsString(SortedEntries(self)));
                });
    return b.Build();
  }();
  return t;
}

const Type* AlertType() {
  static const Type* t = TypeBuilder("template.Alert", nullptr)
                             .Field("Status", types::String(), "status")
                             .Field("Labels", KVType(), "labels")
                             .Field("Annotations", KVType(), "annotations")
                             .Field("StartsAt", types::Time(), "startsAt")
                             .Field("EndsAt", types::Time(), "endsAt")
                             .Field("GeneratorURL", types::String(), "generatorURL")
                             .Field("Fingerprint", types::String(), "fingerprint")
                             .Comparable(false)
                             .Build();
  return t;
}

const Type* AlertsType() {
  static const Type* t = [] {
    TypeBuilder b("template.Alerts", types::SliceOf(AlertType()));
    b.AddMethod("Firing", {},
                [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                  return AlertsWithStatus(self, "firing");
                });
    b.AddMethod("Resolved", {},
                [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                  return AlertsWithStatus(self, "resolved");
                });
    return b.Build();
  }();
  return t;
}

const Type* DataType() {
  static const Type* t = TypeBuilder("template.Data", nullptr)
                             .Field("Receiver", types::String(), "receiver")
                             .Field("Status", types::String(), "status")
                             .Field("Alerts", AlertsType(), "alerts")
                             .Field("NotificationReason", types::String(), "notification_reason")
                             .Field("GroupLabels", KVType(), "groupLabels")
                             .Field("CommonLabels", KVType(), "commonLabels")
                             .Field("CommonAnnotations", KVType(), "commonAnnotations")
                             .Field("RouteLabels", KVType(), "routeLabels")
                             .Field("ExternalURL", types::String(), "externalURL")
                             .Comparable(false)
                             .Build();
  return t;
}

tmpl::Value KVValue(const Labels& labels) {
  std::vector<std::pair<std::string, Value>> entries;
  entries.reserve(labels.size());
  for (const auto& l : labels) entries.emplace_back(l.name, Value::String(l.value));
  return Value::Map(std::move(entries), KVType());
}

tmpl::Value KVValue(const Annotations& annotations) {
  std::vector<std::pair<std::string, Value>> entries;
  entries.reserve(annotations.size());
  for (const auto& a : annotations) entries.emplace_back(a.name, Value::String(a.value));
  return Value::Map(std::move(entries), KVType());
}

tmpl::Value AlertValue(const NotificationAlert& alert) {
  return Value::Struct(
      AlertType(),
      {Value::String(std::string(AlertStatusString(alert.status))), KVValue(alert.labels),
       KVValue(alert.annotations), Value::Time(tmpl::GoTime::FromUnixMilli(alert.starts_at)),
       Value::Time(tmpl::GoTime::FromUnixMilli(alert.ends_at)), Value::String(alert.generator_url),
       Value::String(alert.fingerprint)});
}

tmpl::Value DataValue(const Notification& n) {
  std::vector<Value> alerts;
  alerts.reserve(n.alerts.size());
  for (const auto& a : n.alerts) alerts.push_back(AlertValue(a));
  Value data = Value::Struct(
      DataType(),
      {Value::String(n.receiver), Value::String(std::string(AlertStatusString(n.status))),
       Value::List(std::move(alerts), AlertsType()),
       Value::String(std::string(NotificationReasonString(n.group.reason))),
       KVValue(n.group.group_labels), KVValue(n.common_labels), KVValue(n.common_annotations),
       KVValue(n.group.route_labels), Value::String(n.group.external_url)});
  return data.WithType(types::PointerTo(DataType()));
}

}  // namespace tocsin::notifiers
