// tocsin's default notification templates: the template names Alertmanager's defaults define
// (`__subject`, `__alertmanagerURL`, `__text_alert_list`, `slack.default.*`,
// `pagerduty.default.*`, `email.default.subject`, `email.default.html`), producing the same
// content, written for tocsin; plus `email.default.text`, the plain-text part tocsin adds to
// every email. A user's template files are parsed after these and may redefine any of them.
#pragma once

#include <string_view>

namespace tocsin::notifiers {

// The template file, parsed under the name "default.tmpl".
std::string_view DefaultTemplates();

}  // namespace tocsin::notifiers
