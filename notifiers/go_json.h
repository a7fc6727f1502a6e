// JSON printed byte for byte as Go's encoding/json prints it.
//
// Receivers of Alertmanager's payloads (and tests comparing against Alertmanager) see exactly what
// Go's json.Encoder writes: '<', '>' and '&' escaped as \u003c \u003e \u0026, U+2028 and U+2029
// escaped, invalid UTF-8 bytes replaced by \ufffd, floats in Go's shortest form, no spaces.
// nlohmann's dump() differs on each of these, so payloads are built as nlohmann::ordered_json (the
// insertion order is the Go struct's field order; maps must be inserted with sorted keys, as Go
// sorts map keys) and printed here.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tocsin::notifiers {

// json.Marshal(v).
std::string GoJsonMarshal(const nlohmann::ordered_json& value);
// json.NewEncoder(w).Encode(v): Marshal plus a trailing newline.
std::string GoJsonEncode(const nlohmann::ordered_json& value);

void AppendGoJsonString(std::string& out, std::string_view s);
void AppendGoJsonFloat(std::string& out, double v);

// Converts a plain nlohmann::json tree (std::map-backed objects) into an ordered one whose object
// keys are in Go's map order (bytewise), for Go map[string]any values such as PagerDuty details.
nlohmann::ordered_json SortedObject(const nlohmann::json& value);

}  // namespace tocsin::notifiers
