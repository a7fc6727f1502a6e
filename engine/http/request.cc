#include "engine/http/request.h"

#include <strings.h>

namespace tocsin::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string_view Params::Get(std::string_view name) const {
  for (const auto& [n, v] : items_) {
    if (n == name) return v;
  }
  return {};
}

bool Params::Has(std::string_view name) const {
  for (const auto& item : items_) {
    if (item.first == name) return true;
  }
  return false;
}

std::vector<std::string> Params::GetAll(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [n, v] : items_) {
    if (n == name) out.push_back(v);
  }
  return out;
}

Result<std::string> PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      const int hi = i + 1 < s.size() ? HexValue(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return Error{"invalid URL escape \"" + std::string(s.substr(i, 3)) + "\""};
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<Params> ParseQueryString(std::string_view query) {
  Params params;
  std::string first_error;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.find(';') != std::string_view::npos) {
      if (first_error.empty()) first_error = "invalid semicolon separator in query";
      continue;
    }
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto name = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!name.ok() || !value.ok()) {
      if (first_error.empty()) first_error = !name.ok() ? name.message() : value.message();
      continue;
    }
    params.Add(std::move(*name), std::move(*value));
  }
  if (!first_error.empty()) return Error{first_error};
  return params;
}

std::string_view Request::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return v;
  }
  return {};
}

std::string_view Request::path_param(std::string_view name) const {
  for (const auto& [n, v] : path_params) {
    if (n == name) return v;
  }
  return {};
}

Result<Params> Request::QueryParams() const {
  return ParseQueryString(query);
}

Result<Params> Request::FormParams() const {
  Params out;
  if (method == "POST" || method == "PUT" || method == "PATCH") {
    // The media type, without parameters and case-insensitively, as mime.ParseMediaType reads it.
    std::string_view type = header("Content-Type");
    type = type.substr(0, type.find(';'));
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
    while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
    if (EqualsIgnoreCase(type, "application/x-www-form-urlencoded")) {
      auto body_params = ParseQueryString(body);
      if (!body_params.ok()) return body_params.error();
      out = std::move(*body_params);
    }
  }
  auto query_params = ParseQueryString(query);
  if (!query_params.ok()) return query_params.error();
  for (auto& [n, v] : query_params->items()) out.Add(n, v);
  return out;
}

}  // namespace tocsin::http
