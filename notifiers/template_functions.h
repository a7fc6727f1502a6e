// The template functions Alertmanager 0.34 gives notification templates (its
// template/template.go DefaultFuncs): toUpper toLower title trimSpace join match safeHtml
// safeUrl urlUnescape reReplaceAll stringSlice routeLabels date tz now since humanizeDuration
// toDate mustToDate toJson base64encode base64decode list append dict.
//
// The notification data model (.Receiver, .Alerts.Firing, KV's .SortedPairs...) is declared by
// the notifier on top of tmpl::TypeBuilder; these functions work on any such values.
//
//   tmpl::Template set(notifiers::AlertmanagerTemplateFunctions());
//   set.Option("missingkey=zero");           // as Alertmanager sets it
//   set.Parse("default.tmpl", default_tmpl);  // then the user's template files
//   tmpl::Template field = set.Clone();       // per configured message field, once
//   field.Parse("", "{{ template \"slack.default.title\" . }}");
//   field.Execute("", data, &out, {.env = &env, .clock = clock});
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engine/template/function.h"
#include "storage/base/result.h"

namespace tocsin::notifiers {

// What the Alertmanager functions need from the notification being rendered.
struct TemplateEnvironment : tmpl::Environment {
  // Backs {{ routeLabels "name" }}: the route label's value, rendered if it is itself a template.
  // Unset, routeLabels gives "" (Alertmanager's placeholder outside a notification).
  std::function<Result<std::string>(std::string_view name)> route_labels;
};

// Alertmanager's functions (Go's builtins come with every template). Shared and immutable.
std::shared_ptr<const tmpl::FuncMap> AlertmanagerTemplateFunctions();

}  // namespace tocsin::notifiers
