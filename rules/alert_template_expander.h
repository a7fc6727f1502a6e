// How an alerting rule's label and annotation templates are expanded for one alert. The rule
// owns the state machine only; what a template can see ($labels, $value, $externalLabels,
// $externalURL, the `query` function) and how it is interpreted is the expander's business.
#pragma once

#include <string>
#include <string_view>

#include "storage/base/labels.h"
#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::rules {

struct AlertExpansionInput {
  std::string_view alert_name;
  const Labels& labels;  // the sample's labels, as the query returned them
  double value = 0;
  TimestampMs eval_time = 0;  // the group's evaluation timestamp (what `query` runs at)
};

class AlertTemplateExpander {
 public:
  virtual ~AlertTemplateExpander() = default;

  // The expansion of `text`. A template that fails expands to
  // "<error expanding template: ...>": template errors never fail a rule.
  virtual std::string Expand(std::string_view text, const AlertExpansionInput& data) const = 0;

  // Whether `text` parses as a label/annotation template of alert `alert_name`; Go's parse
  // error otherwise. Used when rule files are loaded.
  virtual Status ParseCheck(std::string_view alert_name, std::string_view text) const = 0;
};

// Whether `text` needs the template engine at all: text without "{{" expands to itself.
inline bool IsTemplated(std::string_view text) {
  return text.find("{{") != std::string_view::npos;
}

}  // namespace tocsin::rules
