// Strings and float64s printed byte for byte as Go's encoding/json prints them.
//
// Alertmanager's webhook payloads, its templates' JSON functions and Prometheus's rules API all
// come out of encoding/json, and receivers and tests compare the bytes: '<', '>' and '&' escaped
// as \u003c \u003e \u0026 (json.Marshal's HTML-safe default), U+2028 and U+2029 escaped, each
// byte that is not valid UTF-8 replaced by \ufffd, floats in Go's shortest form with its
// fixed/exponent cut-offs. nlohmann's dump() differs on each of these.
#pragma once

#include <string>
#include <string_view>

namespace tocsin {

// A JSON string literal of `s`, quotes included.
void AppendGoJsonString(std::string& out, std::string_view s);

// `v` as json.Marshal prints a float64 ("0.000001", "1e-7", "1e+21"), returning true. NaN and
// the infinities, which json.Marshal refuses ("json: unsupported value"), append nothing and
// return false: each caller decides what its format does with them.
bool AppendGoJsonFloat(std::string& out, double v);

}  // namespace tocsin
