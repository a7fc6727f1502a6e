// Decoders for the parts of alertmanager.yml, shared by config_loader.cc and
// receiver_decoder.cc. Internal to engine/alerting.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/alerting/config.h"
#include "engine/alerting/yaml_decoder.h"

namespace tocsin::alerting::internal {

ConfigLocation Locate(const Decoder& d, const SourcePos& pos);
// `"s"` (a plain quoted form for messages that quote URLs).
std::string GoQuoteForError(const std::string& s);

// prometheus/common's HTTPClientConfig and TLSConfig, validated as upstream does.
HttpClientConfig DecodeHttpConfig(Decoder& d, const YAML::Node& n);
TlsConfig DecodeTlsConfig(Decoder& d, const YAML::Node& n);

// Alertmanager's URL type: http or https with a host. nullopt for null or an unset optional
// variable; an invalid URL fails.
std::optional<std::string> DecodeUrl(Decoder& d, const YAML::Node& n);
// A secret URL; `<secret>` is accepted as upstream does (a marshalled config read back).
std::optional<Secret> DecodeSecretUrl(Decoder& d, const YAML::Node& n);
// "host:port" with Go's net.SplitHostPort rules; "" is an empty HostPort.
HostPort DecodeHostPort(Decoder& d, const YAML::Node& n);
Secret DecodeSecret(Decoder& d, const YAML::Node& n);

// Unset `${VAR:-}` variables seen while decoding one part, by name, in order, without repeats.
struct UnsetOptionals {
  std::vector<std::string> names;
  void Add(const std::string& name);
  void AddRange(const Decoder& d, size_t begin, size_t end);
  std::string Reason() const;  // "SMTP_SMARTHOST and ALERT_EMAIL_TO are not set"
};

// ---- Receivers (receiver_decoder.cc).

struct IntegrationDraftBase {
  SourcePos pos;
  std::string label;  // "email_configs[0]"
  // Unset variables referenced inside this integration: `${VAR:-}` ones (which switch it off
  // when they leave its destination empty) and `${VAR}` ones (an error if the receiver is used).
  UnsetOptionals unset;
  UnsetOptionals unset_required;
  size_t optional_begin = 0;
  size_t required_begin = 0;
  bool decoded = false;  // the lists above are complete
  bool disabled = false;
  std::string disabled_reason;
};

struct EmailDraft : IntegrationDraftBase {
  EmailConfig cfg;
  bool has_require_tls = false;
  bool has_tls_config = false;
  bool is_null = false;
};

struct SlackDraft : IntegrationDraftBase {
  SlackConfig cfg;
  bool has_http_config = false;
  bool has_app_url = false;
};

struct PagerdutyDraft : IntegrationDraftBase {
  PagerdutyConfig cfg;
  bool has_http_config = false;
  bool has_url = false;
  bool is_null = false;
};

struct WebhookDraft : IntegrationDraftBase {
  WebhookConfig cfg;
  bool has_http_config = false;
  bool is_null = false;
};

// One of Alertmanager's other integrations: the fields its config-level checks look at.
struct OtherDraft : IntegrationDraftBase {
  std::string kind;  // "opsgenie"
  bool send_resolved = true;
  bool is_null = false;
  std::map<std::string, bool> has;  // field name -> given (non-empty)
};

struct ReceiverDraft {
  ReceiverConfig cfg;  // name, labels, location
  SourcePos pos;
  std::vector<EmailDraft> email;
  std::vector<SlackDraft> slack;
  std::vector<PagerdutyDraft> pagerduty;
  std::vector<WebhookDraft> webhook;
  // In Alertmanager's order of config-level checks.
  std::vector<OtherDraft> others;
  // `${VAR}` references in this receiver that are unset: errors if the receiver is used.
  std::vector<Decoder::UnsetVariable> unset_required;
};

// Unset optional variables behind each global field, for the integrations that inherit them.
using GlobalUnsets = std::map<std::string, UnsetOptionals>;

ReceiverDraft DecodeReceiver(Decoder& d, const YAML::Node& n);
// Alertmanager's config-level pass over one receiver: inherit globals, check what must be set.
// Integrations whose destination is missing because of an unset optional variable are moved
// to disabled_configs instead of failing. Returns the final receiver.
ReceiverConfig ResolveReceiver(Decoder& d, ReceiverDraft& draft, const GlobalConfig& global,
                               const GlobalUnsets& global_unsets,
                               std::vector<std::string>& warnings);

}  // namespace tocsin::alerting::internal
