// What a handler returns. The server adds Content-Length and Connection; for HEAD requests it
// sends the headers of the response a GET would have had, without the body.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tocsin::http {

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  Response& Header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  std::string_view header(std::string_view name) const;  // case-insensitive, "" when absent

  static Response Text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  // A body that is already JSON text (see json.h for nlohmann values).
  static Response Json(int status, std::string json_text);
  // Go's http.Error: the message and a newline, as text/plain, with X-Content-Type-Options.
  static Response Error(int status, std::string_view message);
};

// "OK", "Not Found", ... ("" for codes it does not know).
std::string_view StatusText(int status);

}  // namespace tocsin::http
