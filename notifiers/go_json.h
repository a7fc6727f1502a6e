// JSON printed byte for byte as Go's encoding/json prints it.
//
// Receivers of Alertmanager's payloads (and tests comparing against Alertmanager) see exactly what
// Go's json.Encoder writes: strings and floats as storage/base/go_json.h prints them, no spaces.
// nlohmann's dump() differs, so payloads are built as nlohmann::ordered_json (the insertion order
// is the Go struct's field order; maps must be inserted with sorted keys, as Go sorts map keys)
// and printed here.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tocsin::notifiers {

// json.Marshal(v).
std::string GoJsonMarshal(const nlohmann::ordered_json& value);
// json.NewEncoder(w).Encode(v): Marshal plus a trailing newline.
std::string GoJsonEncode(const nlohmann::ordered_json& value);

// Converts a plain nlohmann::json tree (std::map-backed objects) into an ordered one whose object
// keys are in Go's map order (bytewise), for Go map[string]any values such as PagerDuty details.
nlohmann::ordered_json SortedObject(const nlohmann::json& value);

}  // namespace tocsin::notifiers
