// What the HTTP integrations (webhook, Slack, PagerDuty) share around one POST: the per-attempt
// timeout, the JSON content type, and turning the response into a NotifyResult.
#pragma once

#include <span>
#include <string>

#include "notifiers/http_client.h"
#include "notifiers/notifier.h"

namespace tocsin::notifiers {

// The limit for one attempt: what is left of the retry deadline, and no more than the
// integration's own `timeout` when that is set (0 = none), as Alertmanager nests the contexts.
std::chrono::milliseconds AttemptTimeout(DurationMs configured_timeout,
                                         const NotifyContext& context);

// POSTs `body` as application/json.
HttpResponse PostJson(HttpClient& client, const std::string& url, std::string body,
                      const HttpClientConfig& http, DurationMs configured_timeout,
                      const NotifyContext& context);

// Success for 2xx; otherwise a failure classified by Classify() (with the integration's extra
// retryable codes), carrying Retry-After when the receiver sent one.
NotifyResult ResultFromResponse(const HttpResponse& response, const NotifyContext& context,
                                std::span<const int> extra_retry_codes = {});

// A secret read from a *_file setting at send time (so rotating the file needs no reload),
// surrounding whitespace trimmed.
Result<std::string> ReadSecretFile(const std::string& path);

}  // namespace tocsin::notifiers
