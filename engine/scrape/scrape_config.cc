#include "engine/scrape/scrape_config.h"

#include <algorithm>

namespace tocsin::scrape {
namespace {

struct ProtocolInfo {
  ScrapeProtocol protocol;
  std::string_view name;
  std::string_view header;
  bool escaping;  // the newer formats announce UTF-8 names
};

constexpr ProtocolInfo kProtocols[] = {
    {ScrapeProtocol::kOpenMetricsText1_0_0, "OpenMetricsText1.0.0",
     "application/openmetrics-text;version=1.0.0", true},
    {ScrapeProtocol::kOpenMetricsText0_0_1, "OpenMetricsText0.0.1",
     "application/openmetrics-text;version=0.0.1", false},
    {ScrapeProtocol::kPrometheusText1_0_0, "PrometheusText1.0.0", "text/plain;version=1.0.0", true},
    {ScrapeProtocol::kPrometheusText0_0_4, "PrometheusText0.0.4", "text/plain;version=0.0.4",
     false},
};

const ProtocolInfo& Info(ScrapeProtocol p) {
  for (const auto& i : kProtocols) {
    if (i.protocol == p) return i;
  }
  return kProtocols[0];
}

std::string Quote(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

}  // namespace

std::optional<ScrapeProtocol> ParseScrapeProtocol(std::string_view name) {
  for (const auto& i : kProtocols) {
    if (i.name == name) return i.protocol;
  }
  return std::nullopt;
}

std::string_view ScrapeProtocolName(ScrapeProtocol p) {
  return Info(p).name;
}

std::vector<ScrapeProtocol> DefaultScrapeProtocols() {
  return {ScrapeProtocol::kOpenMetricsText1_0_0, ScrapeProtocol::kOpenMetricsText0_0_1,
          ScrapeProtocol::kPrometheusText1_0_0, ScrapeProtocol::kPrometheusText0_0_4};
}

std::string AcceptHeader(const std::vector<ScrapeProtocol>& protocols) {
  // Weights count down from the number of protocols Prometheus knows (5, protobuf included) + 1.
  int weight = 6;
  std::string out;
  for (ScrapeProtocol p : protocols) {
    const ProtocolInfo& i = Info(p);
    if (!out.empty()) out += ",";
    out += i.header;
    if (i.escaping) out += ";escaping=allow-utf-8";
    out += ";q=0." + std::to_string(weight--);
  }
  if (!out.empty()) out += ",";
  return out + "*/*;q=0." + std::to_string(weight);
}

Status Validate(ScrapeConfig& c, const ScrapeGlobals& g) {
  const std::string job = " for scrape config with job name " + Quote(c.job_name);
  if (c.job_name.empty()) return Error{"job_name is empty"};
  if (c.scheme != "http" && c.scheme != "https") {
    return Error{"invalid scheme " + Quote(c.scheme) + job + " (http or https)"};
  }
  if (c.scrape_interval < 0 || c.scrape_timeout < 0) return Error{"negative duration" + job};
  if (c.scrape_interval == 0) c.scrape_interval = g.scrape_interval;
  if (c.scrape_timeout > c.scrape_interval) {
    return Error{"scrape timeout greater than scrape interval" + job};
  }
  if (c.scrape_timeout == 0) c.scrape_timeout = std::min(g.scrape_timeout, c.scrape_interval);
  if (c.body_size_limit == 0) c.body_size_limit = g.body_size_limit;
  if (c.sample_limit == 0) c.sample_limit = g.sample_limit;
  if (c.label_limit == 0) c.label_limit = g.label_limit;
  if (c.label_name_length_limit == 0) c.label_name_length_limit = g.label_name_length_limit;
  if (c.label_value_length_limit == 0) c.label_value_length_limit = g.label_value_length_limit;
  if (c.scrape_protocols.empty()) {
    c.scrape_protocols = g.scrape_protocols.empty() ? DefaultScrapeProtocols() : g.scrape_protocols;
  }
  for (size_t i = 0; i < c.scrape_protocols.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (c.scrape_protocols[i] == c.scrape_protocols[j]) {
        return Error{"duplicated protocol in scrape_protocols" + job};
      }
    }
  }
  if (!c.metrics_path.starts_with('/')) c.metrics_path = "/" + c.metrics_path;

  const ScrapeAuth& a = c.auth;
  const bool has_authorization = !a.credentials.empty() || !a.credentials_file.empty();
  if (a.basic && has_authorization) {
    return Error{
        "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be "
        "configured" +
        job};
  }
  if (!a.credentials.empty() && !a.credentials_file.empty()) {
    return Error{"at most one of bearer_token & bearer_token_file must be configured" + job};
  }
  if (a.basic && !a.password.empty() && !a.password_file.empty()) {
    return Error{"at most one of basic_auth password & password_file must be configured" + job};
  }
  if (!a.authorization_type.empty() && a.authorization_type != "Bearer" && !has_authorization) {
    return Error{"authorization type " + Quote(a.authorization_type) + " set without credentials" +
                 job};
  }
  for (const StaticConfig& group : c.static_configs) {
    for (const std::string& t : group.targets) {
      if (t.empty() || t.find('/') != std::string::npos) {
        return Error{Quote(t) + " is not a valid hostname" + job +
                     " (targets are host:port, without scheme or path)"};
      }
    }
    for (const Label& l : group.labels) {
      if (!IsValidLabelName(l.name))
        return Error{Quote(l.name) + " is not a valid label name" + job};
      if (!IsValidUtf8(l.value)) return Error{"invalid label value for " + Quote(l.name) + job};
    }
  }
  return Status::Ok();
}

}  // namespace tocsin::scrape
