// How go-openapi's JSON consumer reads a request body: `json.NewDecoder(body).Decode(&v)` reads
// the first JSON value and stops there (whatever follows is never looked at), an empty or blank
// body is io.EOF (go-openapi's "<body> in body is required"), a value cut short is "unexpected
// EOF", and a syntax error is Go's scanner's text ("invalid character ']' looking for beginning
// of object key string"). nlohmann's parser reads the whole body and words its errors its own
// way, so the decoders check the body here first and give nlohmann only the first value.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tocsin::alertmanager_api::internal {

struct GoJsonValue {
  enum class Kind {
    kValue,  // a complete value: body.substr(0, end)
    kEmpty,  // nothing but white space (io.EOF)
    kError,  // message: Go's error text
  };
  Kind kind = Kind::kEmpty;
  size_t end = 0;
  std::string message;
};

GoJsonValue ReadGoJsonValue(std::string_view body);

}  // namespace tocsin::alertmanager_api::internal
