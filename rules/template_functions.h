// The template functions Prometheus gives alerting-rule labels and annotations (its
// template/template.go): humanize and friends, string helpers, links, and `query`, which runs
// PromQL through a function the rule evaluator supplies. Also the data an alert template sees.
//
//   auto funcs = rules::PrometheusTemplateFunctions();
//   tmpl::Template t(funcs);
//   t.Option("missingkey=zero");
//   ...
//   rules::TemplateEnvironment env;          // per evaluation
//   env.timestamp = eval_time;
//   env.query = [&](std::string_view q, TimestampMs at) { return RunInstantQuery(q, at); };
//   env.external_url = "http://prometheus.example.com";   // --web.external-url
//   t.Execute(name, rules::AlertTemplateData(labels, external, url, value), &out, {.env = &env});
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/template/function.h"
#include "engine/template/value.h"
#include "storage/base/labels.h"
#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::rules {

// One element of a `query` result.
struct QuerySample {
  Labels labels;
  double value = 0;
};

// Runs an instant query at `at` for the `query` template function. Errors come back to the
// template as `error calling query: <message>`.
using TemplateQueryFunc =
    std::function<Result<std::vector<QuerySample>>(std::string_view query, TimestampMs at)>;

// What the Prometheus functions need from the evaluation running the template.
struct TemplateEnvironment : tmpl::Environment {
  TimestampMs timestamp = 0;  // `now` and the time `query` runs at
  TemplateQueryFunc query;    // when empty, `query` fails
  // `externalURL`, and `pathPrefix` (its path). Unset, both fail as Prometheus's do when it has
  // no external URL (promtool's rule tests): with a nil pointer dereference.
  std::optional<std::string> external_url;
};

// Prometheus's template functions (Go's builtins come with every template). Shared and
// immutable: parse every rule template with it.
std::shared_ptr<const tmpl::FuncMap> PrometheusTemplateFunctions();

// The struct Prometheus hands alert templates: .Labels, .ExternalLabels (map[string]string),
// .ExternalURL (string) and .Value (float64). Shares the label sets instead of copying them.
tmpl::Value AlertTemplateData(const Labels& labels, const Labels& external_labels,
                              std::string_view external_url, double value);
// The same with .ExternalLabels and .ExternalURL prepared once (LabelsValue, Value::String) and
// shared by every alert of an evaluation.
tmpl::Value AlertTemplateData(const Labels& labels, const tmpl::Value& external_labels,
                              const tmpl::Value& external_url, double value);

// The type of the values `query` returns ([]*sample as template.queryResult) and of their
// elements, for callers building test data.
const tmpl::Type* QueryResultType();
const tmpl::Type* SampleType();

}  // namespace tocsin::rules
