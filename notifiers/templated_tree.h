// Structured fields whose strings are templates: PagerDuty `details` and the webhook `payload`.
//
// Alertmanager (template.DeepCopyWithTemplate) executes every string key and value of such a tree
// and then reads each rendered value as YAML (gopkg.in/yaml.v2, i.e. YAML 1.1 scalars): a value
// that decodes to structured data, a number, a bool or null replaces the string — so
// `{{ .Alerts.Firing | toJson }}` becomes a JSON array, "3" becomes 3, "yes" becomes true and an
// empty result becomes null — while anything that decodes to a plain string (or does not parse)
// stays the rendered text verbatim.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "notifiers/message_templates.h"
#include "storage/base/result.h"

namespace YAML {
class Node;
}

namespace tocsin::notifiers {

// Decodes YAML text the way yaml.v2 decodes into interface{}, normalised to JSON types: plain
// scalars resolved with YAML 1.1 rules (null ~ "", yes/no/on/off/y/n, 0x/0o/0b/leading-0 octal
// integers, underscores, .inf/.nan), timestamps kept as strings, non-string map keys dropped.
Result<nlohmann::json> DecodeGoYaml(std::string_view text);
nlohmann::json GoYamlNodeToJson(const YAML::Node& node);

// Expands every string of `tree` (keys too) as described above. Errors name `field`.
Result<nlohmann::json> ExpandTemplatedTree(const nlohmann::json& tree, FieldExpander& expand,
                                           std::string_view field);

}  // namespace tocsin::notifiers
