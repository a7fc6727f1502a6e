#include "engine/scrape/scrape_config_yaml.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <functional>
#include <map>
#include <stdexcept>

namespace tocsin::scrape {
namespace {

// Thrown inside this file only; converted to an Error at the public functions.
struct YamlError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Reader {
 public:
  explicit Reader(std::string_view file) : file_(file) {}

  [[noreturn]] void Fail(const YAML::Node& n, const std::string& message) const {
    const YAML::Mark m = n.Mark();
    std::string where(file_);
    if (m.line >= 0) where += ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
    throw YamlError(where + ": " + message);
  }

  std::string String(const YAML::Node& n, std::string_view field) const {
    if (!n.IsScalar()) Fail(n, std::string(field) + ": expected a string");
    return n.Scalar();
  }
  bool Bool(const YAML::Node& n, std::string_view field) const {
    const std::string s = String(n, field);
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    Fail(n, std::string(field) + ": cannot unmarshal " + s + " into bool");
  }
  uint64_t Uint(const YAML::Node& n, std::string_view field) const {
    const std::string s = String(n, field);
    uint64_t v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
      Fail(n, std::string(field) + ": cannot unmarshal " + s + " into an unsigned integer");
    }
    return v;
  }
  DurationMs Duration(const YAML::Node& n, std::string_view field) const {
    auto d = ParseDuration(String(n, field));
    if (!d.ok()) Fail(n, std::string(field) + ": " + d.message());
    return *d;
  }
  // units.Base2Bytes: a number and a unit B, KB, MB, GB, TB, PB, EB (powers of 1024; KiB too).
  uint64_t Bytes(const YAML::Node& n, std::string_view field) const {
    const std::string s = String(n, field);
    size_t i = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    uint64_t v = 0;
    std::from_chars(s.data(), s.data() + i, v);
    std::string unit = s.substr(i);
    if (unit.size() == 3 && unit[1] == 'i') unit.erase(1, 1);  // KiB -> KB
    static const std::map<std::string, uint64_t> kUnits = {
        {"B", 1},           {"KB", 1ull << 10}, {"MB", 1ull << 20}, {"GB", 1ull << 30},
        {"TB", 1ull << 40}, {"PB", 1ull << 50}, {"EB", 1ull << 60}};
    auto u = kUnits.find(unit);
    if (i == 0 || (u == kUnits.end() && !(unit.empty() && s == "0"))) {
      Fail(n, std::string(field) + ": invalid size \"" + s + "\" (e.g. 10MB)");
    }
    return v * (u == kUnits.end() ? 1 : u->second);
  }
  // Calls `handle(key, value)` for each key; unknown keys fail.
  void Map(const YAML::Node& n, std::string_view type,
           const std::map<std::string, std::function<void(const YAML::Node&)>>& fields) const {
    if (!n.IsMap()) Fail(n, std::string(type) + ": expected a mapping");
    for (const auto& kv : n) {
      const std::string key = kv.first.Scalar();
      auto it = fields.find(key);
      if (it == fields.end())
        Fail(kv.first, "field " + key + " not found in type " + std::string(type));
      if (!kv.second.IsNull()) it->second(kv.second);
    }
  }
  std::vector<ScrapeProtocol> Protocols(const YAML::Node& n) const {
    if (!n.IsSequence()) Fail(n, "scrape_protocols: expected a list");
    std::vector<ScrapeProtocol> out;
    for (const auto& item : n) out.push_back(Protocol(item, "scrape_protocols"));
    if (out.empty()) Fail(n, "scrape_protocols cannot be empty");
    return out;
  }
  ScrapeProtocol Protocol(const YAML::Node& n, std::string_view field) const {
    const std::string name = String(n, field);
    if (name == "PrometheusProto") {
      Fail(n, std::string(field) + ": PrometheusProto (protobuf) is not supported by tocsin");
    }
    auto p = ParseScrapeProtocol(name);
    if (!p) {
      Fail(n, std::string(field) + ": unknown scrape protocol " + name +
                  ", supported: [OpenMetricsText0.0.1 OpenMetricsText1.0.0 PrometheusText0.0.4 "
                  "PrometheusText1.0.0]");
    }
    return *p;
  }

  ScrapeConfig Config(const YAML::Node& n) const {
    ScrapeConfig c;
    const auto ignore = [](const YAML::Node&) {};
    const auto unsupported = [this](std::string field) {
      return [this, field](const YAML::Node& v) {
        Fail(v, field + " is not supported by tocsin (static targets only, no relabeling)");
      };
    };
    Map(n, "scrape_config",
        {
            {"job_name", [&](const YAML::Node& v) { c.job_name = String(v, "job_name"); }},
            {"honor_labels",
             [&](const YAML::Node& v) { c.honor_labels = Bool(v, "honor_labels"); }},
            {"honor_timestamps",
             [&](const YAML::Node& v) { c.honor_timestamps = Bool(v, "honor_timestamps"); }},
            {"track_timestamps_staleness",
             [&](const YAML::Node& v) {
               c.track_timestamps_staleness = Bool(v, "track_timestamps_staleness");
             }},
            {"params",
             [&](const YAML::Node& v) {
               if (!v.IsMap()) Fail(v, "params: expected a mapping of lists");
               for (const auto& kv : v) {
                 std::vector<std::string> values;
                 if (!kv.second.IsSequence()) Fail(kv.second, "params: expected a list of strings");
                 for (const auto& item : kv.second) values.push_back(String(item, "params"));
                 c.params.push_back({kv.first.Scalar(), std::move(values)});
               }
             }},
            {"scrape_interval",
             [&](const YAML::Node& v) { c.scrape_interval = Duration(v, "scrape_interval"); }},
            {"scrape_timeout",
             [&](const YAML::Node& v) { c.scrape_timeout = Duration(v, "scrape_timeout"); }},
            {"scrape_protocols", [&](const YAML::Node& v) { c.scrape_protocols = Protocols(v); }},
            {"fallback_scrape_protocol",
             [&](const YAML::Node& v) {
               c.fallback_scrape_protocol = Protocol(v, "fallback_scrape_protocol");
             }},
            {"metrics_path",
             [&](const YAML::Node& v) { c.metrics_path = String(v, "metrics_path"); }},
            {"scheme", [&](const YAML::Node& v) { c.scheme = String(v, "scheme"); }},
            {"enable_compression",
             [&](const YAML::Node& v) { c.enable_compression = Bool(v, "enable_compression"); }},
            {"body_size_limit",
             [&](const YAML::Node& v) { c.body_size_limit = Bytes(v, "body_size_limit"); }},
            {"sample_limit",
             [&](const YAML::Node& v) { c.sample_limit = Uint(v, "sample_limit"); }},
            {"label_limit", [&](const YAML::Node& v) { c.label_limit = Uint(v, "label_limit"); }},
            {"label_name_length_limit",
             [&](const YAML::Node& v) {
               c.label_name_length_limit = Uint(v, "label_name_length_limit");
             }},
            {"label_value_length_limit",
             [&](const YAML::Node& v) {
               c.label_value_length_limit = Uint(v, "label_value_length_limit");
             }},
            {"basic_auth",
             [&](const YAML::Node& v) {
               c.auth.basic = true;
               Map(v, "basic_auth",
                   {{"username",
                     [&](const YAML::Node& x) { c.auth.username = String(x, "username"); }},
                    {"password",
                     [&](const YAML::Node& x) { c.auth.password = String(x, "password"); }},
                    {"password_file", [&](const YAML::Node& x) {
                       c.auth.password_file = String(x, "password_file");
                     }}});
             }},
            {"authorization",
             [&](const YAML::Node& v) {
               Map(v, "authorization",
                   {{"type",
                     [&](const YAML::Node& x) { c.auth.authorization_type = String(x, "type"); }},
                    {"credentials",
                     [&](const YAML::Node& x) { c.auth.credentials = String(x, "credentials"); }},
                    {"credentials_file", [&](const YAML::Node& x) {
                       c.auth.credentials_file = String(x, "credentials_file");
                     }}});
             }},
            {"bearer_token",
             [&](const YAML::Node& v) { c.auth.credentials = String(v, "bearer_token"); }},
            {"bearer_token_file",
             [&](const YAML::Node& v) {
               c.auth.credentials_file = String(v, "bearer_token_file");
             }},
            {"tls_config",
             [&](const YAML::Node& v) {
               Map(v, "tls_config",
                   {{"ca_file",
                     [&](const YAML::Node& x) { c.tls_config.ca_file = String(x, "ca_file"); }},
                    {"cert_file",
                     [&](const YAML::Node& x) { c.tls_config.cert_file = String(x, "cert_file"); }},
                    {"key_file",
                     [&](const YAML::Node& x) { c.tls_config.key_file = String(x, "key_file"); }},
                    {"server_name",
                     [&](const YAML::Node& x) {
                       c.tls_config.server_name = String(x, "server_name");
                     }},
                    {"insecure_skip_verify",
                     [&](const YAML::Node& x) {
                       c.tls_config.insecure_skip_verify = Bool(x, "insecure_skip_verify");
                     }},
                    {"min_version", ignore}});
             }},
            {"follow_redirects", ignore},
            {"enable_http2", ignore},
            {"static_configs",
             [&](const YAML::Node& v) {
               if (!v.IsSequence()) Fail(v, "static_configs: expected a list");
               for (const auto& group : v) {
                 StaticConfig sc;
                 Map(group, "static_config",
                     {{"targets",
                       [&](const YAML::Node& x) {
                         if (!x.IsSequence()) Fail(x, "targets: expected a list");
                         for (const auto& t : x) sc.targets.push_back(String(t, "targets"));
                       }},
                      {"labels", [&](const YAML::Node& x) {
                         if (!x.IsMap()) Fail(x, "labels: expected a mapping");
                         for (const auto& kv : x) {
                           sc.labels.push_back({kv.first.Scalar(), String(kv.second, "labels")});
                         }
                       }}});
                 c.static_configs.push_back(std::move(sc));
               }
             }},
            {"relabel_configs", unsupported("relabel_configs")},
            {"metric_relabel_configs", unsupported("metric_relabel_configs")},
        });
    if (c.job_name.empty()) Fail(n, "job_name is empty");
    return c;
  }

  ScrapeGlobals Globals(const YAML::Node& n) const {
    ScrapeGlobals g;
    if (!n.IsMap()) Fail(n, "global: expected a mapping");
    bool timeout_set = false;
    for (const auto& kv : n) {
      const std::string key = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (key == "scrape_interval") g.scrape_interval = Duration(v, key);
      if (key == "scrape_timeout") {
        g.scrape_timeout = Duration(v, key);
        timeout_set = true;
      }
      if (key == "scrape_protocols") g.scrape_protocols = Protocols(v);
      if (key == "body_size_limit") g.body_size_limit = Bytes(v, key);
      if (key == "sample_limit") g.sample_limit = Uint(v, key);
      if (key == "label_limit") g.label_limit = Uint(v, key);
      if (key == "label_name_length_limit") g.label_name_length_limit = Uint(v, key);
      if (key == "label_value_length_limit") g.label_value_length_limit = Uint(v, key);
    }
    if (g.scrape_interval == 0) g.scrape_interval = kMinute;
    if (g.scrape_timeout > g.scrape_interval) {
      Fail(n, "global scrape timeout greater than scrape interval");
    }
    if (!timeout_set || g.scrape_timeout == 0) {
      g.scrape_timeout = std::min<DurationMs>(10 * kSecond, g.scrape_interval);
    }
    return g;
  }

 private:
  std::string_view file_;
};

}  // namespace

Result<std::vector<ScrapeConfig>> ParseScrapeConfigs(const YAML::Node& node,
                                                     std::string_view file) {
  Reader r(file);
  try {
    std::vector<ScrapeConfig> out;
    if (node.IsNull()) return out;
    if (!node.IsSequence()) r.Fail(node, "scrape_configs: expected a list");
    for (const auto& item : node) out.push_back(r.Config(item));
    return out;
  } catch (const YamlError& e) {
    return Error{e.what()};
  } catch (const YAML::Exception& e) {
    return Error{std::string(file) + ":" + std::to_string(e.mark.line + 1) + ":" +
                 std::to_string(e.mark.column + 1) + ": " + e.msg};
  }
}

Result<ScrapeGlobals> ParseScrapeGlobals(const YAML::Node& node, std::string_view file) {
  Reader r(file);
  try {
    if (node.IsNull()) return ScrapeGlobals{};
    return r.Globals(node);
  } catch (const YamlError& e) {
    return Error{e.what()};
  } catch (const YAML::Exception& e) {
    return Error{std::string(file) + ":" + std::to_string(e.mark.line + 1) + ":" +
                 std::to_string(e.mark.column + 1) + ": " + e.msg};
  }
}

Result<ScrapeSection> ParseScrapeYaml(std::string_view text, std::string_view file) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Error{std::string(file) + ":" + std::to_string(e.mark.line + 1) + ":" +
                 std::to_string(e.mark.column + 1) + ": " + e.msg};
  }
  ScrapeSection section;
  if (!root.IsMap()) return section;
  if (root["global"]) {
    auto g = ParseScrapeGlobals(root["global"], file);
    if (!g.ok()) return g.error();
    section.globals = *g;
  }
  auto configs = ParseScrapeConfigs(root["scrape_configs"], file);
  if (!configs.ok()) return configs.error();
  // Positions for validation errors: each config's node.
  const YAML::Node list = root["scrape_configs"];
  for (size_t i = 0; i < configs->size(); ++i) {
    Status s = Validate((*configs)[i], section.globals);
    if (!s.ok()) {
      const YAML::Mark m = list[i].Mark();
      return Error{std::string(file) + ":" + std::to_string(m.line + 1) + ":" +
                   std::to_string(m.column + 1) + ": " + s.message()};
    }
    for (size_t j = 0; j < i; ++j) {
      if ((*configs)[j].job_name == (*configs)[i].job_name) {
        const YAML::Mark m = list[i].Mark();
        return Error{std::string(file) + ":" + std::to_string(m.line + 1) + ":" +
                     std::to_string(m.column + 1) +
                     ": found multiple scrape configs with job name \"" + (*configs)[i].job_name +
                     "\""};
      }
    }
  }
  section.configs = std::move(*configs);
  return section;
}

}  // namespace tocsin::scrape
