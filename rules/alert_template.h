// An alerting rule's label or annotation template, handled as Prometheus handles it: the
// convenience variables declared first ($labels, $externalLabels, $externalURL, $value), the
// template named "__alert_<rule name>", missing map keys as empty strings, Prometheus's functions,
// and Prometheus's wording when expansion fails.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "engine/template/template.h"
#include "rules/template_functions.h"
#include "storage/base/result.h"

namespace tocsin::rules {

// Prepended to every alert template, so that positions in error messages are Prometheus's too.
inline constexpr std::string_view kAlertTemplatePrelude =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
    "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

class AlertTemplate {
 public:
  // Parses once, at rule load. The error is the parser's, as `promtool check rules` reports it
  // after `label "x": ` or `annotation "x": ` (`template: __alert_HighLoad:1: function "foo"
  // not defined`).
  static Result<AlertTemplate> Parse(std::string_view rule_name, std::string_view text);

  // Expands for one alert: `data` from AlertTemplateData, `env` for this evaluation. The error
  // reads as Prometheus's (`error executing template __alert_HighLoad: template: ...`).
  Result<std::string> Expand(const tmpl::Value& data, const TemplateEnvironment& env) const;
  // The expansion, or on error the text Prometheus puts in its place:
  // `<error expanding template: error executing template __alert_HighLoad: ...>`.
  std::string ExpandOrErrorText(const tmpl::Value& data, const TemplateEnvironment& env) const;

  const std::string& name() const { return name_; }

 private:
  std::shared_ptr<const tmpl::Template> template_;
  std::string name_;
};

}  // namespace tocsin::rules
