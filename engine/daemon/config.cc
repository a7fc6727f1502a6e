#include "engine/daemon/config.h"

#include <glob.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/daemon/yaml_reader.h"

namespace tocsin::daemon {
namespace {

namespace fs = std::filesystem;

std::string JoinPath(const std::string& dir, const std::string& path) {
  if (path.empty() || dir.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(dir) / path).lexically_normal().string();
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read the file"};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error{path + ": cannot read the file"};
  return text.str();
}

// map[key] without yaml-cpp's pitfall: a missing key gives a null node, not an invalid one
// (which throws on use).
YAML::Node Child(const YAML::Node& map, const char* key) {
  if (!map.IsMap()) return YAML::Node();
  const YAML::Node v = map[key];
  return v.IsDefined() ? v : YAML::Node();
}

bool IsLabelNameChar(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (!first && c >= '0' && c <= '9');
}

// The text of `file_text` with everything outside the block value starting at `value` blanked,
// line and column positions kept, so another YAML loader reports positions in the original file.
// `key_column` is the column of the block's key: the block runs until a line indented no more.
std::string IsolateBlock(const std::string& file_text, const YAML::Node& value, int key_column) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(file_text);
  while (std::getline(in, line)) lines.push_back(line);
  const int first = value.Mark().line;
  const int column = value.Mark().column;
  std::string out;
  bool inside = true;
  for (int i = 0; i < static_cast<int>(lines.size()); ++i) {
    std::string l = lines[static_cast<size_t>(i)];
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (i < first || !inside) {
      out += "\n";
      continue;
    }
    if (i == first) {
      out += std::string(static_cast<size_t>(column), ' ') +
             l.substr(std::min(l.size(), static_cast<size_t>(column))) + "\n";
      continue;
    }
    const size_t indent = l.find_first_not_of(" \t");
    const bool blank = indent == std::string::npos || l[indent] == '#';
    if (!blank && static_cast<int>(indent) <= key_column) {
      inside = false;
      out += "\n";
      continue;
    }
    out += l + "\n";
  }
  return out;
}

void ParseGlobal(YamlReader& r, const YAML::Node& node, GlobalConfig& g) {
  bool timeout_set = false;
  r.Fields(node, "global",
           {"evaluation_interval", "scrape_interval", "scrape_timeout", "rule_query_offset",
            "resend_delay", "query_lookback_delta", "external_labels", "external_url",
            "scrape_protocols", "body_size_limit", "sample_limit", "label_limit",
            "label_name_length_limit", "label_value_length_limit"},
           [&](const std::string& key, const YAML::Node& v) {
             const std::string where = "global." + key;
             if (key == "evaluation_interval") {
               r.Duration(v, where, &g.evaluation_interval);
             } else if (key == "scrape_interval") {
               r.Duration(v, where, &g.scrape_interval);
             } else if (key == "scrape_timeout") {
               timeout_set = r.Duration(v, where, &g.scrape_timeout) && !v.IsNull();
             } else if (key == "rule_query_offset") {
               r.Duration(v, where, &g.rule_query_offset);
             } else if (key == "resend_delay") {
               r.Duration(v, where, &g.resend_delay);
             } else if (key == "query_lookback_delta") {
               r.Duration(v, where, &g.query_lookback_delta);
             } else if (key == "external_url") {
               r.String(v, where, &g.external_url);
             } else if (key == "external_labels") {
               std::map<std::string, std::string> labels;
               if (!r.StringMap(v, where, &labels)) return;
               std::vector<Label> list;
               for (auto& [name, value] : labels) {
                 if (!IsValidLabelName(name) || name == "__name__") {
                   r.Fail(v, where + ": " + "\"" + name + "\" is not a valid label name");
                   continue;
                 }
                 list.push_back({name, ExpandEnv(value)});
               }
               g.external_labels = Labels::FromVector(std::move(list));
             }
             // The scrape-only settings are read by the scrape loader from global_node.
           });
  if (g.evaluation_interval <= 0) {
    r.Fail(Child(node, "evaluation_interval"), "global.evaluation_interval must be greater than 0");
  }
  if (g.scrape_interval <= 0) {
    r.Fail(Child(node, "scrape_interval"), "global.scrape_interval must be greater than 0");
  }
  // As Prometheus: the timeout defaults to 10s, but never more than the interval.
  if (!timeout_set || g.scrape_timeout == 0) {
    g.scrape_timeout = std::min<DurationMs>(10 * kSecond, g.scrape_interval);
  }
  if (g.scrape_timeout > g.scrape_interval) {
    r.Fail(Child(node, "scrape_timeout"), "global.scrape_timeout (" +
                                              FormatDuration(g.scrape_timeout) +
                                              ") is greater than global.scrape_interval (" +
                                              FormatDuration(g.scrape_interval) + ")");
  }
  if (g.query_lookback_delta <= 0) {
    r.Fail(Child(node, "query_lookback_delta"),
           "global.query_lookback_delta must be greater than 0");
  }
}

void ParseAlerting(YamlReader& r, const YAML::Node& node, const std::string& file_text,
                   const std::string& dir, AlertingSource& out) {
  YAML::Node config_key;
  YAML::Node config_value;
  r.Fields(node, "alerting", {"config_file", "config"},
           [&](const std::string& key, const YAML::Node& v) {
             if (key == "config_file") {
               std::string path;
               if (r.String(v, "alerting.config_file", &path))
                 out.config_file = JoinPath(dir, path);
             } else {
               config_value.reset(v);
             }
           });
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == "config") config_key.reset(it->first);
    }
  }
  if (config_value.IsDefined() && !config_value.IsNull()) {
    if (!config_value.IsMap()) {
      r.Fail(config_value, "alerting.config must be a mapping (an Alertmanager configuration)");
    } else if (!out.config_file.empty()) {
      r.Fail(config_value, "alerting: give config_file or config, not both");
    } else {
      out.inline_text = IsolateBlock(file_text, config_value, config_key.Mark().column);
    }
  }
}

void ParseAlertmanager(YamlReader& r, const YAML::Node& node, const std::string& where,
                       const std::string& dir, UpstreamAlertmanager& am) {
  std::string password_file, credentials_file, bearer_token, bearer_token_file;
  r.Fields(
      node, where,
      {"targets", "static_configs", "scheme", "path_prefix", "timeout", "api_version", "basic_auth",
       "authorization", "bearer_token", "bearer_token_file", "tls_config"},
      [&](const std::string& key, const YAML::Node& v) {
        const std::string w = where + "." + key;
        if (key == "targets") {
          r.StringList(v, w, &am.targets);
        } else if (key == "static_configs") {
          const auto items = r.Items(v, w);
          for (size_t i = 0; i < items.size(); ++i) {
            const std::string wi = w + "[" + std::to_string(i) + "]";
            r.Fields(items[i], wi, {"targets", "labels"},
                     [&](const std::string& k, const YAML::Node& tv) {
                       if (k == "targets") {
                         r.StringList(tv, wi + ".targets", &am.targets);
                       } else {
                         r.Fail(tv, wi + ".labels: target labels are not supported for "
                                         "Alertmanagers (there is no relabelling)");
                       }
                     });
          }
        } else if (key == "scheme") {
          if (r.String(v, w, &am.scheme) && am.scheme != "http" && am.scheme != "https") {
            r.Fail(v, w + ": unsupported scheme \"" + am.scheme + "\" (want http or https)");
          }
        } else if (key == "path_prefix") {
          r.String(v, w, &am.path_prefix);
        } else if (key == "timeout") {
          if (r.Duration(v, w, &am.timeout) && am.timeout <= 0) {
            r.Fail(v, w + " must be greater than 0");
          }
        } else if (key == "api_version") {
          if (r.String(v, w, &am.api_version) && am.api_version != "v2") {
            r.Fail(v, w + ": only api_version v2 is supported (v1 was removed from Alertmanager)");
          }
        } else if (key == "basic_auth") {
          r.Fields(v, w, {"username", "password", "password_file"},
                   [&](const std::string& k, const YAML::Node& bv) {
                     if (k == "username") r.String(bv, w + ".username", &am.basic_auth_username);
                     if (k == "password") r.String(bv, w + ".password", &am.basic_auth_password);
                     if (k == "password_file") r.String(bv, w + ".password_file", &password_file);
                   });
          if (am.basic_auth_username.empty()) r.Fail(v, w + ".username is required");
        } else if (key == "authorization") {
          r.Fields(v, w, {"type", "credentials", "credentials_file"},
                   [&](const std::string& k, const YAML::Node& av) {
                     if (k == "type") r.String(av, w + ".type", &am.authorization_type);
                     if (k == "credentials") {
                       r.String(av, w + ".credentials", &am.authorization_credentials);
                     }
                     if (k == "credentials_file") {
                       r.String(av, w + ".credentials_file", &credentials_file);
                     }
                   });
          if (am.authorization_type.empty()) am.authorization_type = "Bearer";
        } else if (key == "bearer_token") {
          r.String(v, w, &bearer_token);
        } else if (key == "bearer_token_file") {
          r.String(v, w, &bearer_token_file);
        } else if (key == "tls_config") {
          r.Fields(v, w,
                   {"ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify"},
                   [&](const std::string& k, const YAML::Node& tv) {
                     const std::string wt = w + "." + k;
                     std::string path;
                     if (k == "ca_file" && r.String(tv, wt, &path))
                       am.ca_file = JoinPath(dir, path);
                     if (k == "cert_file" && r.String(tv, wt, &path)) {
                       am.cert_file = JoinPath(dir, path);
                     }
                     if (k == "key_file" && r.String(tv, wt, &path))
                       am.key_file = JoinPath(dir, path);
                     if (k == "server_name") r.String(tv, wt, &am.server_name);
                     if (k == "insecure_skip_verify") r.Bool(tv, wt, &am.insecure_skip_verify);
                   });
        }
      });

  // Secrets kept in files are read now, so a missing file fails the (re)load, not a send.
  auto read_secret = [&](const std::string& path, const std::string& field, std::string* out) {
    if (path.empty()) return;
    auto text = ReadFile(JoinPath(dir, path));
    if (!text.ok()) {
      r.Fail(node, where + "." + field + ": " + text.message());
      return;
    }
    std::string s = *text;
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    *out = s;
  };
  read_secret(password_file, "basic_auth.password_file", &am.basic_auth_password);
  read_secret(credentials_file, "authorization.credentials_file", &am.authorization_credentials);
  if (!bearer_token.empty() || !bearer_token_file.empty()) {
    if (!am.authorization_credentials.empty() || !am.basic_auth_username.empty()) {
      r.Fail(node, where + ": bearer_token cannot be combined with basic_auth or authorization");
    } else {
      am.authorization_type = "Bearer";
      am.authorization_credentials = bearer_token;
      read_secret(bearer_token_file, "bearer_token_file", &am.authorization_credentials);
    }
  } else if (!am.basic_auth_username.empty() && !am.authorization_credentials.empty()) {
    r.Fail(node, where + ": at most one of basic_auth and authorization may be set");
  }
  if (am.targets.empty()) r.Fail(node, where + ": no targets (host:port of each Alertmanager)");
  for (const std::string& t : am.targets) {
    if (t.empty() || t.find('/') != std::string::npos) {
      r.Fail(node, where + ": target \"" + t + "\" is not host:port");
    }
  }
}

void ParseStorage(YamlReader& r, const YAML::Node& node, StorageConfig& s) {
  r.Fields(
      node, "storage",
      {"path", "retention", "history_retention", "notification_retention", "silence_retention"},
      [&](const std::string& key, const YAML::Node& v) {
        const std::string where = "storage." + key;
        if (key == "path") {
          std::string path;
          if (r.String(v, where, &path)) {
            if (path.empty()) r.Fail(v, where + " must not be empty");
            s.path = path;  // made relative to the file by ParseDaemonConfig
          }
        } else if (key == "retention") {
          DurationMs d = 0;
          if (r.Duration(v, where, &d) && !v.IsNull()) {
            if (d <= 0) {
              r.Fail(v, where + " must be greater than 0");
            } else {
              s.retention = d;
            }
          }
        } else {
          DurationMs* target = key == "history_retention"        ? &s.history_retention
                               : key == "notification_retention" ? &s.notification_retention
                                                                 : &s.silence_retention;
          if (r.Duration(v, where, target) && *target <= 0) {
            r.Fail(v, where + " must be greater than 0");
          }
        }
      });
}

// basic_auth_users and tls_server_config, as in Prometheus's web configuration file.
void ParseWebSecurity(YamlReader& r, const YAML::Node& v, const std::string& key,
                      const std::string& where, const std::string& dir, WebConfig& w) {
  if (key == "basic_auth_users") {
    std::map<std::string, std::string> users;
    if (r.StringMap(v, where + ".basic_auth_users", &users)) {
      for (auto& [user, hash] : users) {
        if (hash.rfind("$2", 0) != 0) {
          r.Fail(v, where + ".basic_auth_users." + user +
                        ": not a bcrypt hash (want $2a$, $2b$ or $2y$...)");
        }
        w.basic_auth_users[user] = hash;
      }
    }
  } else if (key == "tls_server_config") {
    WebTlsConfig tls;
    r.Fields(v, where + ".tls_server_config",
             {"cert_file", "key_file", "client_ca_file", "min_version", "client_auth_type"},
             [&](const std::string& k, const YAML::Node& tv) {
               const std::string wt = where + ".tls_server_config." + k;
               std::string s;
               if (!r.String(tv, wt, &s)) return;
               if (k == "cert_file") tls.cert_file = JoinPath(dir, s);
               if (k == "key_file") tls.key_file = JoinPath(dir, s);
               if (k == "client_ca_file") tls.client_ca_file = JoinPath(dir, s);
               if (k == "min_version") {
                 if (s != "TLS12" && s != "TLS13") {
                   r.Fail(tv, wt + ": unsupported TLS version \"" + s + "\" (want TLS12 or TLS13)");
                 }
                 tls.min_version = s;
               }
               if (k == "client_auth_type" && s != "RequireAndVerifyClientCert" &&
                   s != "NoClientCert" && s != "") {
                 r.Fail(tv, wt + ": \"" + s +
                                "\" is not supported (RequireAndVerifyClientCert, with "
                                "client_ca_file, or NoClientCert)");
               }
             });
    if (tls.cert_file.empty() || tls.key_file.empty()) {
      r.Fail(v, where + ".tls_server_config needs cert_file and key_file");
    }
    w.tls = tls;
  }
}

void ParseWeb(YamlReader& r, const YAML::Node& node, const std::string& dir, WebConfig& w) {
  r.Fields(
      node, "web",
      {"listen_address", "external_url", "config_file", "basic_auth_users", "tls_server_config"},
      [&](const std::string& key, const YAML::Node& v) {
        const std::string where = "web." + key;
        if (key == "listen_address") {
          if (r.String(v, where, &w.listen_address) &&
              w.listen_address.rfind(':') == std::string::npos) {
            r.Fail(v, where + ": \"" + w.listen_address + "\" is not host:port");
          }
        } else if (key == "external_url") {
          r.String(v, where, &w.external_url);
        } else if (key == "config_file") {
          std::string path;
          if (r.String(v, where, &path)) w.config_file = JoinPath(dir, path);
        } else {
          ParseWebSecurity(r, v, key, "web", dir, w);
        }
      });
}

void CheckExternalUrl(YamlReader& r, const YAML::Node& at, const std::string& url,
                      const std::string& where) {
  if (url.empty()) return;
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    r.Fail(at, where + ": \"" + url + "\" must be an absolute http:// or https:// URL");
  }
}

}  // namespace

std::vector<std::string> UpstreamAlertmanager::AlertsUrls() const {
  std::string prefix = path_prefix;
  if (prefix.empty() || prefix.front() != '/') prefix.insert(prefix.begin(), '/');
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  if (prefix == "/") prefix.clear();
  std::vector<std::string> out;
  for (const std::string& t : targets) {
    out.push_back(scheme + "://" + t + prefix + "/api/" + api_version + "/alerts");
  }
  return out;
}

std::string DaemonConfig::ExternalUrl() const {
  std::string url = !web.external_url.empty() ? web.external_url : global.external_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string ExpandEnv(std::string_view text) {
  // Go's os.Expand with os.Getenv; "$$" stays "$" (Prometheus maps the name "$" to itself).
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    std::string name;
    size_t consumed = 0;
    const char next = text[i + 1];
    if (next == '{') {
      const size_t close = text.find('}', i + 2);
      if (close == std::string_view::npos || close == i + 2) {
        // Go: a bad syntax "${" eats the "${" ("${}" too) and yields nothing.
        consumed = close == std::string_view::npos ? 1 : 2;
        i += consumed;
        continue;
      }
      name = std::string(text.substr(i + 2, close - i - 2));
      consumed = close - i;
    } else if (std::string_view("*#$@!?-0123456789").find(next) != std::string_view::npos) {
      name = std::string(1, next);
      consumed = 1;
    } else if (IsLabelNameChar(next, false)) {
      size_t j = i + 1;
      while (j < text.size() && IsLabelNameChar(text[j], false)) ++j;
      name = std::string(text.substr(i + 1, j - i - 1));
      consumed = j - i - 1;
    } else {
      out += '$';  // a '$' not followed by a name is kept
      continue;
    }
    if (name == "$") {
      out += '$';
    } else if (const char* v = std::getenv(name.c_str())) {
      out += v;
    }
    i += consumed;
  }
  return out;
}

Result<DaemonConfig> ParseDaemonConfig(const std::string& text, const std::string& file) {
  auto doc = LoadYamlDocument(text, file);
  if (!doc.ok()) return doc.error();
  DaemonConfig c;
  c.file = file;
  c.dir = fs::path(file).parent_path().string();
  YamlReader r(file);
  if (!doc->IsNull() && !doc->IsMap()) {
    r.Fail(*doc, "the configuration must be a mapping of sections (global, rule_files, ...)");
    return r.ToError();
  }
  YAML::Node web_external_url;
  YAML::Node global_external_url;
  r.Fields(
      *doc, "the configuration",
      {"global", "rule_files", "alerting", "alertmanagers", "scrape_configs", "storage", "web"},
      [&](const std::string& key, const YAML::Node& v) {
        if (key == "global") {
          c.global_node.reset(v);
          global_external_url.reset(Child(v, "external_url"));
          ParseGlobal(r, v, c.global);
        } else if (key == "rule_files") {
          r.StringList(v, "rule_files", &c.rule_files);
          for (const std::string& p : c.rule_files) {
            if (p.empty()) r.Fail(v, "rule_files: an empty pattern");
          }
        } else if (key == "alerting") {
          ParseAlerting(r, v, text, c.dir, c.alerting);
        } else if (key == "alertmanagers") {
          const auto items = r.Items(v, "alertmanagers");
          for (size_t i = 0; i < items.size(); ++i) {
            UpstreamAlertmanager am;
            ParseAlertmanager(r, items[i], "alertmanagers[" + std::to_string(i) + "]", c.dir, am);
            c.alertmanagers.push_back(std::move(am));
          }
        } else if (key == "scrape_configs") {
          if (!v.IsNull() && !v.IsSequence()) {
            r.Fail(v, "scrape_configs must be a list");
          } else {
            c.scrape_configs.reset(v);
          }
        } else if (key == "storage") {
          ParseStorage(r, v, c.storage);
        } else if (key == "web") {
          web_external_url.reset(Child(v, "external_url"));
          ParseWeb(r, v, c.dir, c.web);
        }
      });
  c.storage.path = JoinPath(c.dir, c.storage.path);  // the default "data" too
  CheckExternalUrl(r, global_external_url, c.global.external_url, "global.external_url");
  CheckExternalUrl(r, web_external_url, c.web.external_url, "web.external_url");
  if (!r.ok()) return r.ToError();
  return c;
}

Result<DaemonConfig> ReadDaemonConfig(const std::string& file) {
  auto text = ReadFile(file);
  if (!text.ok()) return text.error();
  return ParseDaemonConfig(*text, file);
}

Status ResolveDaemonConfig(DaemonConfig& c) {
  std::vector<std::string> errors;
  c.rule_file_paths.clear();
  std::set<std::string> seen;
  for (const std::string& pattern : c.rule_files) {
    const std::string full = JoinPath(c.dir, pattern);
    glob_t g{};
    // No GLOB_ERR: like Go's filepath.Glob, unreadable or missing directories match nothing.
    const int rc = ::glob(full.c_str(), 0, nullptr, &g);
    if (rc == 0) {
      std::vector<std::string> matched(g.gl_pathv, g.gl_pathv + g.gl_pathc);
      std::sort(matched.begin(), matched.end());
      for (auto& m : matched) {
        if (seen.insert(m).second) c.rule_file_paths.push_back(m);
      }
    } else if (rc != GLOB_NOMATCH) {
      errors.push_back(c.file + ": rule_files: cannot expand \"" + pattern + "\"");
    }
    globfree(&g);
  }

  if (!c.web.config_file.empty()) {
    auto text = ReadFile(c.web.config_file);
    if (!text.ok()) {
      errors.push_back(c.file + ": web.config_file: " + text.message());
    } else if (auto doc = LoadYamlDocument(*text, c.web.config_file); !doc.ok()) {
      errors.push_back(doc.message());
    } else {
      YamlReader r(c.web.config_file);
      const std::string dir = fs::path(c.web.config_file).parent_path().string();
      r.Fields(*doc, "the web configuration",
               {"basic_auth_users", "tls_server_config", "http_server_config"},
               [&](const std::string& key, const YAML::Node& v) {
                 if (key == "http_server_config") return;  // HTTP/2 and headers: not used
                 ParseWebSecurity(r, v, key, "web configuration", dir, c.web);
               });
      for (const std::string& e : r.errors()) errors.push_back(e);
    }
  }
  if (c.web.tls) {
    for (const std::string* f : {&c.web.tls->cert_file, &c.web.tls->key_file}) {
      if (!f->empty() && !fs::exists(*f)) {
        errors.push_back(c.file + ": web TLS file " + *f + " does not exist");
      }
    }
  }
  if (!errors.empty()) {
    std::string message;
    for (const std::string& e : errors) message += (message.empty() ? "" : "\n") + e;
    return Error{message};
  }
  return Status::Ok();
}

DaemonConfig DefaultDaemonConfig() {
  return DaemonConfig{};
}

}  // namespace tocsin::daemon
