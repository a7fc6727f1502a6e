#include "rules/prometheus_template_expander.h"

namespace tocsin::rules {

PrometheusTemplateExpander::PrometheusTemplateExpander(TemplateExpanderOptions options)
    : options_(std::move(options)) {}

std::shared_ptr<const Result<AlertTemplate>> PrometheusTemplateExpander::Compiled(
    std::string_view alert_name, std::string_view text) const {
  std::string key;
  key.reserve(alert_name.size() + text.size() + 1);
  key.append(alert_name).push_back('\0');
  key.append(text);
  std::lock_guard lock(mu_);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  auto parsed =
      std::make_shared<const Result<AlertTemplate>>(AlertTemplate::Parse(alert_name, text));
  cache_.emplace(std::move(key), parsed);
  return parsed;
}

std::string PrometheusTemplateExpander::Expand(std::string_view text,
                                               const AlertExpansionInput& data) const {
  std::shared_ptr<const Result<AlertTemplate>> t = Compiled(data.alert_name, text);
  if (!t->ok()) {
    return "<error expanding template: error parsing template __alert_" +
           std::string(data.alert_name) + ": " + t->message() + ">";
  }
  TemplateEnvironment env;
  env.timestamp = data.eval_time;
  env.query = options_.query;
  env.external_url = options_.external_url;
  const tmpl::Value dot = rules::AlertTemplateData(data.labels, options_.external_labels,
                                                   options_.external_url_variable, data.value);
  return (*t)->ExpandOrErrorText(dot, env);
}

Status PrometheusTemplateExpander::ParseCheck(std::string_view alert_name,
                                              std::string_view text) const {
  std::shared_ptr<const Result<AlertTemplate>> t = Compiled(alert_name, text);
  if (!t->ok()) return t->error();
  return Status::Ok();
}

TemplateParseCheck PrometheusTemplateParseCheck() {
  return [](std::string_view alert_name, std::string_view text) -> Status {
    Result<AlertTemplate> t = AlertTemplate::Parse(alert_name, text);
    if (!t.ok()) return t.error();
    return Status::Ok();
  };
}

}  // namespace tocsin::rules
