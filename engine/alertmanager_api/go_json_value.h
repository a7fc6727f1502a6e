// How go-openapi's JSON consumer reads a request body: `json.NewDecoder(body).Decode(&v)` reads
// the first JSON value and stops there (whatever follows is never looked at), an empty or blank
// body is io.EOF (go-openapi's "<body> in body is required"), a value cut short is "unexpected
// EOF", and a syntax error is Go's scanner's text ("invalid character ']' looking for beginning
// of object key string"). nlohmann's parser reads the whole body and words its errors its own
// way, so the decoders check the body here first and give nlohmann only the first value.
#pragma once

#include <cstddef>
#include <optional>
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

// Go decodes a byte that is not valid UTF-8, and a \u escape of a UTF-16 surrogate that is not
// part of a pair, as U+FFFD; nlohmann refuses both. For a value ReadGoJsonValue accepted: the
// text with each of those inside strings written as \ufffd, or nullopt when there is none.
std::optional<std::string> ReplaceInvalidStringText(std::string_view json);

}  // namespace tocsin::alertmanager_api::internal
