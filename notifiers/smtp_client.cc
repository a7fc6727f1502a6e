#include "notifiers/smtp_client.h"

#include <algorithm>
#include <cstring>

#include "notifiers/curl_library.h"

namespace tocsin::notifiers {
namespace {

struct Upload {
  const std::string* data;
  size_t offset = 0;
  std::stop_token stop;
};

size_t ReadMessage(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  size_t n = std::min(size * count, upload->data->size() - upload->offset);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Upload*>(user)->stop.stop_requested() ? 1 : 0;
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "127.0.0.1" || host == "::1" || host == "[::1]";
}

long TlsVersion(std::string_view v) {
  if (v == "TLS10") return CURL_SSLVERSION_TLSv1_0;
  if (v == "TLS11") return CURL_SSLVERSION_TLSv1_1;
  if (v == "TLS12") return CURL_SSLVERSION_TLSv1_2;
  if (v == "TLS13") return CURL_SSLVERSION_TLSv1_3;
  return CURL_SSLVERSION_DEFAULT;
}

}  // namespace

SmtpResult SendMail(const SmtpOptions& options, const std::string& from,
                    const std::vector<std::string>& recipients, const std::string& message,
                    std::chrono::milliseconds timeout, std::stop_token stop) {
  SmtpResult result;
  auto loaded = LoadCurl();
  if (!loaded.ok()) {
    result.error = loaded.message();
    return result;
  }
  const CurlLibrary& curl = **loaded;
  CURL* h = curl.easy_init();
  if (h == nullptr) {
    result.error = "cannot create an SMTP handle";
    return result;
  }
  char errbuf[CURL_ERROR_SIZE] = {};
  Upload upload{&message, 0, stop};
  curl_slist* rcpts = nullptr;
  for (const auto& r : recipients) rcpts = curl.slist_append(rcpts, ("<" + r + ">").c_str());

  // The URL path is the EHLO name. IPv6 hosts need brackets.
  std::string host = options.host.find(':') != std::string::npos && options.host.front() != '['
                         ? "[" + options.host + "]"
                         : options.host;
  std::string url = std::string(options.implicit_tls ? "smtps://" : "smtp://") + host + ":" +
                    std::to_string(options.port) + "/" + options.hello;
  long timeout_ms = std::max<long>(1, static_cast<long>(timeout.count()));
  bool encrypted = options.implicit_tls || options.require_tls;

  curl.easy_setopt(h, CURLOPT_URL, url.c_str());
  curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl.easy_setopt(h, CURLOPT_PROXY, "");
  curl.easy_setopt(h, CURLOPT_USE_SSL,
                   options.require_tls && !options.implicit_tls ? CURLUSESSL_ALL : CURLUSESSL_NONE);
  curl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options.tls.insecure_skip_verify ? 0L : 1L);
  curl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options.tls.insecure_skip_verify ? 0L : 2L);
  if (!options.tls.ca_file.empty())
    curl.easy_setopt(h, CURLOPT_CAINFO, options.tls.ca_file.c_str());
  if (!options.tls.cert_file.empty()) {
    curl.easy_setopt(h, CURLOPT_SSLCERT, options.tls.cert_file.c_str());
  }
  if (!options.tls.key_file.empty())
    curl.easy_setopt(h, CURLOPT_SSLKEY, options.tls.key_file.c_str());
  curl.easy_setopt(h, CURLOPT_SSLVERSION, TlsVersion(options.tls.min_version));

  std::string login_options;
  if (!options.username.empty()) {
    curl.easy_setopt(h, CURLOPT_USERNAME, options.username.c_str());
    if (!options.password.empty()) {
      curl.easy_setopt(h, CURLOPT_PASSWORD, options.password.c_str());
      // As Go's smtp.PlainAuth (which Alertmanager uses): PLAIN only over TLS or to this host.
      login_options =
          encrypted || IsLoopback(options.host) ? "AUTH=LOGIN;AUTH=PLAIN" : "AUTH=LOGIN";
      if (!options.identity.empty()) {
        curl.easy_setopt(h, CURLOPT_SASL_AUTHZID, options.identity.c_str());
      }
    } else {
      curl.easy_setopt(h, CURLOPT_PASSWORD, options.secret.c_str());
      login_options = "AUTH=CRAM-MD5";
    }
    curl.easy_setopt(h, CURLOPT_LOGIN_OPTIONS, login_options.c_str());
  }

  curl.easy_setopt(h, CURLOPT_MAIL_FROM, ("<" + from + ">").c_str());
  curl.easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
  curl.easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl.easy_setopt(h, CURLOPT_READFUNCTION, &ReadMessage);
  curl.easy_setopt(h, CURLOPT_READDATA, &upload);
  curl.easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &OnProgress);
  curl.easy_setopt(h, CURLOPT_XFERINFODATA, &upload);

  CURLcode rc = curl.easy_perform(h);
  curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &result.reply_code);
  if (rc == CURLE_OK) {
    result.ok = true;
  } else {
    result.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    std::string detail = errbuf[0] != '\0' ? errbuf : curl.easy_strerror(rc);
    if (rc == CURLE_USE_SSL_FAILED) {
      result.error = "'require_tls' is true (default) but " + options.host + ":" +
                     std::to_string(options.port) + " does not advertise the STARTTLS extension";
    } else if (rc == CURLE_LOGIN_DENIED) {
      result.error = "authentication failed: " + detail;
    } else if (result.timed_out) {
      result.error = "SMTP session timed out: " + detail;
    } else {
      result.error = detail;
    }
    if (result.reply_code != 0) result.error += " (SMTP " + std::to_string(result.reply_code) + ")";
  }
  curl.slist_free_all(rcpts);
  curl.easy_cleanup(h);
  return result;
}

}  // namespace tocsin::notifiers
