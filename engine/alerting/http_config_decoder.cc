// prometheus/common's HTTP client and TLS settings, and the small value types (URLs,
// host:port, secrets) that the rest of the configuration uses.
#include <algorithm>
#include <cctype>

#include "engine/alerting/config_decoders.h"

namespace tocsin::alerting::internal {
namespace {

constexpr std::string_view kSecretToken = "<secret>";

bool HasControlCharacter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) == 0x7f;
  });
}

// The parts of Go's url.Parse that decide Alertmanager's URL validation: the scheme and the
// host. Returns an error text or "".
std::string CheckHttpUrl(const std::string& s) {
  if (HasControlCharacter(s)) {
    return "parse " + GoQuoteForError(s) + ": net/url: invalid control character in URL";
  }
  std::string scheme;
  std::string_view rest = s;
  const size_t colon = s.find(':');
  const bool has_scheme =
      colon != std::string::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(s[0])) &&
      std::all_of(s.begin(), s.begin() + static_cast<long>(colon), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
      });
  if (colon == 0) return "parse " + GoQuoteForError(s) + ": missing protocol scheme";
  if (has_scheme) {
    scheme = s.substr(0, colon);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    rest = rest.substr(colon + 1);
  }
  if (scheme != "http" && scheme != "https") {
    return "unsupported scheme \"" + scheme + "\" for URL";
  }
  if (!rest.starts_with("//")) return "missing host for URL";
  rest.remove_prefix(2);
  const size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (authority.empty()) return "missing host for URL";
  if (authority.find(' ') != std::string_view::npos) {
    return "parse " + GoQuoteForError(s) + ": invalid character \" \" in host name";
  }
  return "";
}

}  // namespace

std::string GoQuoteForError(const std::string& s) {
  return "\"" + s + "\"";
}

ConfigLocation Locate(const Decoder& d, const SourcePos& pos) {
  return ConfigLocation{d.file(), pos.line, pos.column, pos.path};
}

std::optional<std::string> DecodeUrl(Decoder& d, const YAML::Node& n) {
  if (Decoder::IsNull(n)) return std::nullopt;
  std::optional<std::string> s = d.OptString(n);
  if (!s) return std::nullopt;
  if (!n.IsScalar()) return std::nullopt;  // a type error was recorded
  if (std::string err = CheckHttpUrl(*s); !err.empty()) d.Fail(n, err);
  return s;
}

std::optional<Secret> DecodeSecretUrl(Decoder& d, const YAML::Node& n) {
  if (Decoder::IsNull(n)) return std::nullopt;
  std::optional<std::string> s = d.OptString(n);
  if (!s) return std::nullopt;
  if (!n.IsScalar()) return std::nullopt;
  if (*s == kSecretToken) return Secret(*s);
  if (std::string err = CheckHttpUrl(*s); !err.empty()) {
    // Never echo a secret URL back: Alertmanager redacts it in the same place.
    const size_t pos = err.find(GoQuoteForError(*s));
    if (pos != std::string::npos) err.replace(pos, s->size() + 2, "[REDACTED]");
    d.Fail(n, err);
  }
  return Secret(*s);
}

Secret DecodeSecret(Decoder& d, const YAML::Node& n) {
  return Secret(d.String(n));
}

HostPort DecodeHostPort(Decoder& d, const YAML::Node& n) {
  const std::string s = d.String(n);
  if (s.empty()) return {};
  auto fail = [&](const std::string& why) { d.Fail(n, "address " + s + ": " + why); };
  HostPort hp;
  if (s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string::npos) fail("missing ']' in address");
    if (close + 1 == s.size()) fail("missing port in address");
    if (s[close + 1] != ':') fail("missing port in address");
    hp.host = s.substr(1, close - 1);
    hp.port = s.substr(close + 2);
    if (hp.port.find_first_of("[]:") != std::string::npos) fail("too many colons in address");
  } else {
    const size_t colon = s.rfind(':');
    if (colon == std::string::npos) fail("missing port in address");
    hp.host = s.substr(0, colon);
    hp.port = s.substr(colon + 1);
    if (hp.host.find(':') != std::string::npos) fail("too many colons in address");
    if (hp.host.find_first_of("[]") != std::string::npos) fail("unexpected '[' in address");
  }
  if (hp.port.empty()) d.Fail(n, "address \"" + s + "\": port cannot be empty");
  return hp;
}

TlsConfig DecodeTlsConfig(Decoder& d, const YAML::Node& n) {
  TlsConfig c;
  const size_t errors = d.type_error_count();
  bool has_ca_ref = false, has_cert_ref = false, has_key_ref = false;
  auto tls_version = [&](const YAML::Node& v, std::string& out) {
    const std::string s = d.String(v);
    if (s != "TLS10" && s != "TLS11" && s != "TLS12" && s != "TLS13") {
      d.Fail(v, "unknown TLS version: " + s);
    }
    out = s;
  };
  if (!d.Struct(n, "config.plain", [&](const std::string& k, const YAML::Node& v) {
        if (k == "ca")
          c.ca = d.String(v);
        else if (k == "cert")
          c.cert = d.String(v);
        else if (k == "key")
          c.key = DecodeSecret(d, v);
        else if (k == "ca_file")
          c.ca_file = d.String(v);
        else if (k == "cert_file")
          c.cert_file = d.String(v);
        else if (k == "key_file")
          c.key_file = d.String(v);
        else if (k == "ca_ref")
          has_ca_ref = !d.String(v).empty();
        else if (k == "cert_ref")
          has_cert_ref = !d.String(v).empty();
        else if (k == "key_ref")
          has_key_ref = !d.String(v).empty();
        else if (k == "server_name")
          c.server_name = d.String(v);
        else if (k == "insecure_skip_verify")
          c.insecure_skip_verify = d.Bool(v);
        else if (k == "min_version")
          tls_version(v, c.min_version);
        else if (k == "max_version")
          tls_version(v, c.max_version);
        else
          return false;
        return true;
      })) {
    return c;
  }
  if (d.type_error_count() != errors) return c;
  auto count = [](std::initializer_list<bool> xs) {
    return std::count(xs.begin(), xs.end(), true);
  };
  if (count({!c.ca.empty(), !c.ca_file.empty(), has_ca_ref}) > 1) {
    d.Fail(n, "at most one of ca, ca_file & ca_ref must be configured");
  }
  if (count({!c.cert.empty(), !c.cert_file.empty(), has_cert_ref}) > 1) {
    d.Fail(n, "at most one of cert, cert_file & cert_ref must be configured");
  }
  if (count({!c.key.empty(), !c.key_file.empty(), has_key_ref}) > 1) {
    d.Fail(n, "at most one of key and key_file must be configured");
  }
  const bool using_cert = !c.cert.empty() || !c.cert_file.empty() || has_cert_ref;
  const bool using_key = !c.key.empty() || !c.key_file.empty() || has_key_ref;
  if (using_cert && !using_key) {
    d.Fail(n,
           "exactly one of key or key_file must be configured when a client certificate is "
           "configured");
  }
  if (using_key && !using_cert) {
    d.Fail(n,
           "exactly one of cert or cert_file must be configured when a client key is "
           "configured");
  }
  return c;
}

HttpClientConfig DecodeHttpConfig(Decoder& d, const YAML::Node& n) {
  HttpClientConfig c;
  const size_t errors = d.type_error_count();
  Secret bearer_token;
  std::string bearer_token_file;
  bool has_proxy_connect_header = false;
  bool has_username_ref = false, has_password_ref = false;
  struct OAuth2 {
    std::string client_id, token_url;
  } oauth2;
  bool has_oauth2 = false;
  if (!d.Struct(n, "config.plain", [&](const std::string& k, const YAML::Node& v) {
        if (k == "basic_auth") {
          if (Decoder::IsNull(v)) return true;
          BasicAuth b;
          d.Struct(v, "config.plain", [&](const std::string& bk, const YAML::Node& bv) {
            if (bk == "username")
              b.username = d.String(bv);
            else if (bk == "username_file")
              b.username_file = d.String(bv);
            else if (bk == "username_ref")
              has_username_ref = !d.String(bv).empty();
            else if (bk == "password")
              b.password = DecodeSecret(d, bv);
            else if (bk == "password_file")
              b.password_file = d.String(bv);
            else if (bk == "password_ref")
              has_password_ref = !d.String(bv).empty();
            else
              return false;
            return true;
          });
          c.basic_auth = b;
        } else if (k == "authorization") {
          if (Decoder::IsNull(v)) return true;
          Authorization a;
          a.type.clear();
          d.Struct(v, "config.Authorization", [&](const std::string& ak, const YAML::Node& av) {
            if (ak == "type")
              a.type = d.String(av);
            else if (ak == "credentials")
              a.credentials = DecodeSecret(d, av);
            else if (ak == "credentials_file")
              a.credentials_file = d.String(av);
            else if (ak == "credentials_ref")
              (void)d.String(av);
            else
              return false;
            return true;
          });
          c.authorization = a;
        } else if (k == "oauth2") {
          if (Decoder::IsNull(v)) return true;
          has_oauth2 = true;
          d.Struct(v, "config.plain", [&](const std::string& ok, const YAML::Node& ov) {
            static const std::set<std::string> kOther = {"client_secret",
                                                         "client_secret_file",
                                                         "client_secret_ref",
                                                         "client_certificate_key_id",
                                                         "client_certificate_key",
                                                         "client_certificate_key_file",
                                                         "client_certificate_key_ref",
                                                         "grant_type",
                                                         "signature_algorithm",
                                                         "iss",
                                                         "audience",
                                                         "proxy_url",
                                                         "no_proxy",
                                                         "proxy_from_environment"};
            if (ok == "client_id")
              oauth2.client_id = d.String(ov);
            else if (ok == "token_url")
              oauth2.token_url = d.String(ov);
            else if (ok == "scopes")
              (void)d.StringList(ov);
            else if (ok == "endpoint_params")
              (void)d.StringMap(ov);
            else if (ok == "tls_config")
              (void)DecodeTlsConfig(d, ov);
            else if (ok == "claims" || ok == "proxy_connect_header")
              (void)ov;
            else if (kOther.count(ok))
              (void)d.String(ov);
            else
              return false;
            return true;
          });
        } else if (k == "bearer_token") {
          bearer_token = DecodeSecret(d, v);
        } else if (k == "bearer_token_file") {
          bearer_token_file = d.String(v);
        } else if (k == "tls_config") {
          c.tls_config = DecodeTlsConfig(d, v);
        } else if (k == "follow_redirects") {
          c.follow_redirects = d.Bool(v);
        } else if (k == "enable_http2") {
          c.enable_http2 = d.Bool(v);
        } else if (k == "proxy_url") {
          c.proxy_url = d.String(v);
          if (HasControlCharacter(c.proxy_url)) {
            d.Fail(v, "parse " + GoQuoteForError(c.proxy_url) +
                          ": net/url: invalid control character in URL");
          }
        } else if (k == "no_proxy") {
          c.no_proxy = d.String(v);
        } else if (k == "proxy_from_environment") {
          c.proxy_from_environment = d.Bool(v);
        } else if (k == "proxy_connect_header") {
          has_proxy_connect_header = !Decoder::IsNull(v) && v.IsMap() && v.size() > 0;
        } else if (k == "http_headers") {
          (void)v;  // accepted; tocsin's notifiers do not send extra headers
        } else {
          return false;
        }
        return true;
      })) {
    return c;
  }
  if (d.type_error_count() != errors) return c;
  c.oauth2_configured = has_oauth2;
  if (!bearer_token.empty() && !bearer_token_file.empty()) {
    d.Fail(n, "at most one of bearer_token & bearer_token_file must be configured");
  }
  if ((c.basic_auth || has_oauth2) && (!bearer_token.empty() || !bearer_token_file.empty())) {
    d.Fail(n,
           "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be "
           "configured");
  }
  auto count = [](std::initializer_list<bool> xs) {
    return std::count(xs.begin(), xs.end(), true);
  };
  if (c.basic_auth && count({!c.basic_auth->username.empty(), !c.basic_auth->username_file.empty(),
                             has_username_ref}) > 1) {
    d.Fail(n,
           "at most one of basic_auth username, username_file & username_ref must be "
           "configured");
  }
  if (c.basic_auth && count({!c.basic_auth->password.empty(), !c.basic_auth->password_file.empty(),
                             has_password_ref}) > 1) {
    d.Fail(n,
           "at most one of basic_auth password, password_file & password_ref must be "
           "configured");
  }
  if (c.authorization) {
    if (!bearer_token.empty() || !bearer_token_file.empty()) {
      d.Fail(n, "authorization is not compatible with bearer_token & bearer_token_file");
    }
    if (!c.authorization->credentials.empty() && !c.authorization->credentials_file.empty()) {
      d.Fail(n, "at most one of authorization credentials & credentials_file must be configured");
    }
    std::string& type = c.authorization->type;
    type.erase(0, type.find_first_not_of(" \t\n\r\v\f"));
    type.erase(type.find_last_not_of(" \t\n\r\v\f") + 1);
    if (type.empty()) type = "Bearer";
    std::string lower = type;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (lower == "basic") {
      d.Fail(n, "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
    }
    if (c.basic_auth || has_oauth2) {
      d.Fail(n, "at most one of basic_auth, oauth2 & authorization must be configured");
    }
  } else if (!bearer_token.empty()) {
    c.authorization = Authorization{"Bearer", bearer_token, ""};
  } else if (!bearer_token_file.empty()) {
    c.authorization = Authorization{"Bearer", Secret(), bearer_token_file};
  }
  if (has_oauth2) {
    if (c.basic_auth) {
      d.Fail(n, "at most one of basic_auth, oauth2 & authorization must be configured");
    }
    if (oauth2.client_id.empty()) d.Fail(n, "oauth2 client_id must be configured");
    if (oauth2.token_url.empty()) d.Fail(n, "oauth2 token_url must be configured");
  }
  if (has_proxy_connect_header && !c.proxy_from_environment && c.proxy_url.empty()) {
    d.Fail(n,
           "if proxy_connect_header is configured, proxy_url or proxy_from_environment must "
           "also be configured");
  }
  if (c.proxy_from_environment && !c.proxy_url.empty()) {
    d.Fail(n, "if proxy_from_environment is configured, proxy_url must not be configured");
  }
  if (c.proxy_from_environment && !c.no_proxy.empty()) {
    d.Fail(n, "if proxy_from_environment is configured, no_proxy must not be configured");
  }
  if (c.proxy_url.empty() && !c.no_proxy.empty()) {
    d.Fail(n, "if no_proxy is configured, proxy_url must also be configured");
  }
  return c;
}

void UnsetOptionals::Add(const std::string& name) {
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

void UnsetOptionals::AddRange(const Decoder& d, size_t begin, size_t end) {
  for (size_t i = begin; i < end && i < d.unset_optional().size(); ++i) {
    Add(d.unset_optional()[i].name);
  }
}

std::string UnsetOptionals::Reason() const {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out + (names.size() == 1 ? " is not set" : " are not set");
}

}  // namespace tocsin::alerting::internal
