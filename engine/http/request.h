// What a handler sees of an HTTP request, without any Boost types: the daemon's API modules
// include this (and response.h, router.h) and compile without Beast.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/base/result.h"

namespace tocsin::http {

// Ordered name/value pairs with repeats, as Go's url.Values holds them (`match[]` may repeat).
class Params {
 public:
  void Add(std::string name, std::string value) {
    items_.emplace_back(std::move(name), std::move(value));
  }
  // The first value of `name`, or "" (Go's Values.Get / Request.FormValue).
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  std::vector<std::string> GetAll(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// Go's url.ParseQuery: '&'-separated name=value pairs, '+' and %XX unescaped; a ';' separator,
// a bad escape fail with Go's messages ("invalid semicolon separator in query",
// `invalid URL escape "%zz"`).
Result<Params> ParseQueryString(std::string_view query);
// Go's url.PathUnescape / QueryUnescape.
Result<std::string> PercentDecode(std::string_view s, bool plus_is_space);

struct Request {
  std::string method;  // "GET", "POST", ... as sent
  std::string target;  // the raw request target, "/api/v1/query?query=up"
  std::string path;    // the target's path, percent-decoded
  std::string query;   // the raw query string, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string body;
  std::string remote_address;  // "127.0.0.1:53122"
  std::string user;            // the basic-auth user, when authentication is on
  // Values of the route pattern's {name} segments, decoded.
  std::vector<std::pair<std::string, std::string>> path_params;

  // The first header of that name (case-insensitive), or "".
  std::string_view header(std::string_view name) const;
  std::string_view path_param(std::string_view name) const;
  // The query string's parameters.
  Result<Params> QueryParams() const;
  // Go's Request.ParseForm + Form: the parameters of an application/x-www-form-urlencoded body
  // (POST, PUT, PATCH) first, then the query string's, as Prometheus's API reads them.
  Result<Params> FormParams() const;
};

}  // namespace tocsin::http
