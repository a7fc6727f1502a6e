// Alertmanager's template data model (package template: Data, Alert, Alerts, KV, Pairs, Pair,
// Strings) as Go template values, so notification templates see exactly what Alertmanager's
// see: `.Receiver`, `.Status`, `.Alerts.Firing`, `.GroupLabels.SortedPairs.Values`,
// `.CommonLabels.Remove .GroupLabels.Names`, `.Annotations.summary`, `.StartsAt`, ... Struct
// fields carry Alertmanager's JSON names, so `toJson` prints what Alertmanager's does.
#pragma once

#include "engine/template/value.h"
#include "notifiers/notification.h"

namespace tocsin::notifiers {

// The named types, created once.
const tmpl::Type*
KVType();  // template.KV: map[string]string with SortedPairs, Remove, Names, Values, String
const tmpl::Type* PairType();     // template.Pair {Name, Value}
const tmpl::Type* PairsType();    // template.Pairs: []Pair with Names, Values, String
const tmpl::Type* StringsType();  // template.Strings: []string with Join
const tmpl::Type* AlertType();    // template.Alert
const tmpl::Type* AlertsType();   // template.Alerts: []Alert with Firing, Resolved
const tmpl::Type* DataType();     // template.Data

tmpl::Value KVValue(const Labels& labels);
tmpl::Value KVValue(const Annotations& annotations);
tmpl::Value AlertValue(const NotificationAlert& alert);
// *template.Data, as Alertmanager passes it to templates.
tmpl::Value DataValue(const Notification& notification);

}  // namespace tocsin::notifiers
