// The errors Alertmanager's generated server gives for request bodies, shared by the body
// decoders (api_models.cc, alerts_body.cc).
#pragma once

#include <string>
#include <string_view>

#include "engine/alertmanager_api/api_models.h"

namespace tocsin::alertmanager_api::internal {

// go-openapi's 400 for a body that does not decode: "parsing alerts body from "" failed,
// because <why>".
inline BodyError ParseFailure(std::string_view body_name, std::string_view why) {
  return BodyError{
      400, 400,
      "parsing " + std::string(body_name) + " body from \"\" failed, because " + std::string(why)};
}

// Go's encoding/json type error, `kind` being what the JSON held ("object", "string", "number",
// "bool", "array", "null").
inline BodyError TypeMismatch(std::string_view body_name, std::string_view kind,
                              std::string_view field, std::string_view go_type) {
  return ParseFailure(body_name, "json: cannot unmarshal " + std::string(kind) +
                                     " into Go struct field " + std::string(field) + " of type " +
                                     std::string(go_type));
}

inline BodyError ValueTypeMismatch(std::string_view body_name, std::string_view kind,
                                   std::string_view go_type) {
  return ParseFailure(body_name, "json: cannot unmarshal " + std::string(kind) +
                                     " into Go value of type " + std::string(go_type));
}

// go-openapi's 422 for a required property that is missing.
inline BodyError Required(std::string_view path) {
  return BodyError{422, 602, std::string(path) + " in body is required"};
}

// nlohmann's exception text without its "[json.exception.parse_error.101] " prefix.
inline std::string JsonErrorText(std::string what) {
  if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
  return what;
}

}  // namespace tocsin::alertmanager_api::internal
