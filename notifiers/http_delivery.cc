#include "notifiers/http_delivery.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace tocsin::notifiers {

std::chrono::milliseconds AttemptTimeout(DurationMs configured_timeout,
                                         const NotifyContext& context) {
  std::chrono::milliseconds limit = context.remaining;
  if (configured_timeout > 0)
    limit = std::min(limit, std::chrono::milliseconds(configured_timeout));
  return std::max(limit, std::chrono::milliseconds(1));
}

HttpResponse PostJson(HttpClient& client, const std::string& url, std::string body,
                      const HttpClientConfig& http, DurationMs configured_timeout,
                      const NotifyContext& context) {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = std::move(body);
  request.timeout = AttemptTimeout(configured_timeout, context);
  return client.Send(request, http, context.stop);
}

NotifyResult ResultFromResponse(const HttpResponse& response, const NotifyContext& context,
                                std::span<const int> extra_retry_codes) {
  Disposition disposition = Classify(response, extra_retry_codes);
  if (disposition == Disposition::kSuccess) return NotifyResult::Delivered(response.status);
  NotifyResult result = NotifyResult::Failed(disposition == Disposition::kRetryable,
                                             DescribeFailure(response), response.status);
  if (response.has_response()) {
    std::string_view retry_after = response.header("Retry-After");
    if (!retry_after.empty()) result.retry_after = ParseRetryAfter(retry_after, context.now);
  }
  return result;
}

Result<std::string> ReadSecretFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read " + path};
  std::ostringstream content;
  content << in.rdbuf();
  std::string s = content.str();
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.back())) s.pop_back();
  size_t start = 0;
  while (start < s.size() && is_space(s[start])) ++start;
  return s.substr(start);
}

}  // namespace tocsin::notifiers
