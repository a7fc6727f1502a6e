// Alert templates expanded as Prometheus expands them: Go text/template with Prometheus's
// functions, the $labels/$value/$externalLabels/$externalURL variables, and
// "<error expanding template: ...>" in place of a template that fails. Each distinct template is
// parsed once and kept; expansion is thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "rules/alert_template.h"
#include "rules/alert_template_expander.h"
#include "rules/rule_file.h"
#include "rules/template_functions.h"

namespace tocsin::rules {

struct TemplateExpanderOptions {
  Labels external_labels;             // $externalLabels
  std::string external_url_variable;  // $externalURL
  // What the `externalURL`/`pathPrefix` functions return; unset (promtool) makes them fail.
  std::optional<std::string> external_url;
  TemplateQueryFunc query;  // the `query` function; empty: it fails
};

class PrometheusTemplateExpander final : public AlertTemplateExpander {
 public:
  explicit PrometheusTemplateExpander(TemplateExpanderOptions options);

  std::string Expand(std::string_view text, const AlertExpansionInput& data) const override;
  Status ParseCheck(std::string_view alert_name, std::string_view text) const override;

 private:
  // The parsed template of (alert, text), or its parse error.
  std::shared_ptr<const Result<AlertTemplate>> Compiled(std::string_view alert_name,
                                                        std::string_view text) const;

  TemplateExpanderOptions options_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const Result<AlertTemplate>>> cache_;
};

// Prometheus's test-parse of rule templates at load time, for RuleFileOptions::template_check.
TemplateParseCheck PrometheusTemplateParseCheck();

}  // namespace tocsin::rules
