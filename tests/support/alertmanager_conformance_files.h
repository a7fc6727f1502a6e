// The files of shared/conformance/alertmanager-config that Alertmanager 0.34 accepts. The loader's
// conformance test checks that tocsin accepts exactly these; the amtool comparison routes label
// sets through them. The rest of the folder is rejected by both (see its README).
#pragma once

#include <string>
#include <vector>

namespace tocsin::test {

inline const std::vector<std::string>& ValidAlertmanagerConformanceFiles() {
  static const std::vector<std::string> files = {
      "conf.good.yml",
      "conf.empty-fields.yml",
      "conf.group-by-all.yml",
      "conf.http-config.good.yml",
      "conf.smtp-no-username-or-password.yml",
      "conf.smtp-password-global-and-local.yml",
      "conf.sns-topic-arn.yml",
      "conf.mattermost-default-webhook-url.yml",
      "conf.mattermost-default-webhook-url-file.yml",
      "conf.opsgenie-default-apikey.yml",
      "conf.opsgenie-default-apikey-file.yml",
      "conf.rocketchat-default-token.yml",
      "conf.rocketchat-default-token-file.yml",
      "conf.slack-default-api-url-file.yml",
      "conf.slack-default-app-token.yml",
      "conf.telegram-default-bot-token.yml",
      "conf.telegram-default-bot-token-file.yml",
      "conf.victorops-default-apikey.yml",
      "conf.victorops-default-apikey-file.yml",
      "conf.wechat-default-api-secret-file.yml",
  };
  return files;
}

}  // namespace tocsin::test
