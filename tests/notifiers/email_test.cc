#include "notifiers/email.h"

#include <gtest/gtest.h>

#include "notifiers/retry.h"
#include "tests/notifiers/notification_fixture.h"
#include "tests/notifiers/template_test_util.h"
#include "tests/support/literal_templates.h"
#include "tests/support/manual_clock.h"
#include "tests/support/smtp_test_server.h"
#include "tests/support/test_certificates.h"

namespace tocsin::notifiers {
namespace {

using testing::LiteralTemplates;
using testing::ReceivedMail;
using testing::SmtpServerOptions;
using testing::SmtpTestServer;
using testing::TestCertificate;
using testing_fixture::kNow;
using testing_fixture::LatencyNotification;
using namespace std::chrono_literals;

EmailConfig PlainConfig(const SmtpTestServer& server) {
  EmailConfig c;
  c.smarthost = "127.0.0.1:" + std::to_string(server.port());
  c.require_tls = false;
  c.from = "Tocsin Alerts <alerts@tocsin.example>";
  c.to = "Ops Team <ops@example.com>, oncall@example.com";
  c.hello = "tocsin.test";
  c.headers = {{"Subject", "[FIRING:1] HighLatency (api critical)"},
               {"X-Tocsin-Receiver", "team-mail"}};
  c.text = "Labels:\n - alertname = HighLatency\nSource: http://prom/graph?x=1&y=2\n";
  c.html = "<h1>1 alert for alertname=HighLatency</h1>\n<p>p99 &gt; 1s</p>\n";
  return c;
}

NotifyContext Context() {
  NotifyContext c;
  c.remaining = 10s;
  c.now = kNow;
  return c;
}

const ReceivedMail& OnlyMessage(const SmtpTestServer& server, std::vector<ReceivedMail>& holder) {
  EXPECT_TRUE(server.WaitForMessages(1, 5s));
  holder = server.messages();
  EXPECT_EQ(holder.size(), 1u);
  static ReceivedMail empty;
  return holder.empty() ? empty : holder[0];
}

TEST(EmailTest, DeliversMultipartTextAndHtml) {
  SmtpTestServer server;
  LiteralTemplates templates;
  EmailNotifier email(PlainConfig(server), templates);
  EXPECT_EQ(email.integration(), "email");
  EXPECT_FALSE(email.send_resolved());
  NotifyResult r = email.Notify(LatencyNotification(), Context());
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status_code, 250);

  std::vector<ReceivedMail> all;
  const ReceivedMail& m = OnlyMessage(server, all);
  EXPECT_EQ(m.parse_error, "");
  EXPECT_TRUE(m.defects.empty()) << m.defects[0];
  EXPECT_EQ(m.mail_from, "alerts@tocsin.example");
  EXPECT_EQ(m.rcpt_tos, (std::vector<std::string>{"ops@example.com", "oncall@example.com"}));
  EXPECT_EQ(m.helo, "tocsin.test");
  EXPECT_FALSE(m.tls);
  EXPECT_EQ(m.auth, "");

  EXPECT_EQ(m.header("Subject"), "[FIRING:1] HighLatency (api critical)");
  EXPECT_EQ(m.header("From"), "Tocsin Alerts <alerts@tocsin.example>");
  EXPECT_EQ(m.addresses("To"), (std::vector<std::string>{"ops@example.com", "oncall@example.com"}));
  EXPECT_EQ(m.header("X-Tocsin-Receiver"), "team-mail");
  EXPECT_EQ(m.header("Date"), "Wed, 01 May 2024 12:00:00 +0000");
  EXPECT_EQ(m.header("MIME-Version"), "1.0");
  EXPECT_TRUE(m.header("Message-Id").starts_with("<1714564800000000000."));
  EXPECT_EQ(m.content_type, "multipart/alternative");
  // The header order a reader sees: From, To, Subject first.
  ASSERT_GE(m.headers.size(), 3u);
  EXPECT_EQ(m.headers[0].first, "From");
  EXPECT_EQ(m.headers[1].first, "To");
  EXPECT_EQ(m.headers[2].first, "Subject");

  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_EQ(m.parts[0].content_type, "text/plain");  // the preferred alternative comes last
  EXPECT_EQ(m.parts[0].charset, "utf-8");
  EXPECT_EQ(m.parts[0].transfer_encoding, "quoted-printable");
  EXPECT_EQ(m.parts[0].content,
            "Labels:\r\n - alertname = HighLatency\r\nSource: http://prom/graph?x=1&y=2\r\n");
  EXPECT_EQ(m.parts[1].content_type, "text/html");
  EXPECT_EQ(m.parts[1].content,
            "<h1>1 alert for alertname=HighLatency</h1>\r\n<p>p99 &gt; 1s</p>\r\n");
}

TEST(EmailTest, LabelValuesCannotInjectHeadersOrRecipients) {
  SmtpTestServer server;
  LiteralTemplates templates;
  EmailConfig c = PlainConfig(server);
  // What a hostile label value renders into the subject and a custom header.
  c.headers = {{"Subject", "[FIRING:1] x\r\nBcc: victim@evil.example\r\nX-Injected: 1"},
               {"X-Alert", "ok\nTo: victim@evil.example"},
               {"Reply-To", "Ops <ops@example.com>"}};
  c.html = "<p>body</p>";
  c.text = "";
  NotifyResult r = EmailNotifier(c, templates).Notify(LatencyNotification(), Context());
  ASSERT_TRUE(r.ok()) << r.error;
  std::vector<ReceivedMail> all;
  const ReceivedMail& m = OnlyMessage(server, all);
  EXPECT_EQ(m.rcpt_tos, (std::vector<std::string>{"ops@example.com", "oncall@example.com"}));
  EXPECT_EQ(m.header_count("Bcc"), 0u);
  EXPECT_EQ(m.header_count("X-Injected"), 0u);
  EXPECT_EQ(m.header_count("Subject"), 1u);
  EXPECT_EQ(m.header_count("To"), 1u);
  EXPECT_EQ(m.header("Subject"), "[FIRING:1] x Bcc: victim@evil.example X-Injected: 1");
  EXPECT_EQ(m.header("X-Alert"), "ok To: victim@evil.example");
  EXPECT_EQ(m.addresses("Reply-To"), (std::vector<std::string>{"ops@example.com"}));
  EXPECT_TRUE(m.defects.empty());
  ASSERT_EQ(m.parts.size(), 1u);  // no text part when the text template is empty
  EXPECT_EQ(m.parts[0].content_type, "text/html");

  // Recipient lists and address headers with line breaks are refused outright.
  for (auto mutate : std::vector<std::function<void(EmailConfig&)>>{
           [](EmailConfig& e) { e.to = "ops@example.com\r\nRCPT TO:<victim@evil.example>"; },
           [](EmailConfig& e) { e.to = "Ops\r\nBcc: victim@evil.example <ops@example.com>"; },
           [](EmailConfig& e) { e.from = "alerts@tocsin.example\nBcc: victim@evil.example"; },
           [](EmailConfig& e) {
             e.headers = {{"Cc", "a@b.c\r\nBcc: victim@evil.example"}};
           },
           [](EmailConfig& e) {
             e.headers = {{"X-Bad\r\nBcc", "x"}};
           },
           [](EmailConfig& e) {
             e.headers = {{"subject", "a"}, {"Subject", "b"}};
           },
       }) {
    EmailConfig bad = PlainConfig(server);
    mutate(bad);
    NotifyResult refused = EmailNotifier(bad, templates).Notify(LatencyNotification(), Context());
    EXPECT_FALSE(refused.ok());
    EXPECT_FALSE(refused.retry) << refused.error;
  }
  EXPECT_EQ(server.messages().size(), 1u);
}

TEST(EmailTest, NonAsciiHeadersAreEncodedAndDecodeBack) {
  SmtpTestServer server;
  LiteralTemplates templates;
  EmailConfig c = PlainConfig(server);
  c.to = "J\xc3\xb6rg M\xc3\xbcller <joerg@example.com>";
  c.headers = {{"Subject",
                "Gr\xc3\xb6\xc3\x9f"
                "e \xf0\x9f\x94\xa5 " +
                    std::string(80, 'x')}};
  c.text =
      "Temperatur: 30 \xc2\xb0"
      "C";
  ASSERT_TRUE(EmailNotifier(c, templates).Notify(LatencyNotification(), Context()).ok());
  std::vector<ReceivedMail> all;
  const ReceivedMail& m = OnlyMessage(server, all);
  EXPECT_EQ(m.header("Subject"),
            "Gr\xc3\xb6\xc3\x9f"
            "e \xf0\x9f\x94\xa5 " +
                std::string(80, 'x'));
  EXPECT_EQ(m.header("To"), "J\xc3\xb6rg M\xc3\xbcller <joerg@example.com>");
  EXPECT_EQ(m.parts.at(0).content,
            "Temperatur: 30 \xc2\xb0"
            "C");
  EXPECT_TRUE(m.defects.empty());
  // The raw message is 7-bit clean.
  for (char ch : m.raw) ASSERT_LT(static_cast<unsigned char>(ch), 0x80);
}

TEST(EmailTest, StartTlsWithAuthentication) {
  TestCertificate cert;
  SmtpServerOptions options;
  options.mode = SmtpServerOptions::Mode::kStartTls;
  options.cert_file = cert.cert_file();
  options.key_file = cert.key_file();
  options.auth_user = "alerts";
  options.auth_password = "pa55word";
  SmtpTestServer server(options);
  LiteralTemplates templates;
  EmailConfig c = PlainConfig(server);
  c.smarthost = "localhost:" + std::to_string(server.port());
  c.require_tls = true;
  c.tls.ca_file = cert.cert_file();
  c.auth_username = "alerts";
  c.auth_password = "pa55word";
  NotifyResult r = EmailNotifier(c, templates).Notify(LatencyNotification(), Context());
  ASSERT_TRUE(r.ok()) << r.error;
  std::vector<ReceivedMail> all;
  const ReceivedMail& m = OnlyMessage(server, all);
  EXPECT_TRUE(m.tls);
  EXPECT_TRUE(m.auth == "LOGIN alerts" || m.auth == "PLAIN alerts") << m.auth;

  // A wrong password is an error (retried, as Alertmanager does), and nothing is delivered.
  c.auth_password = "wrong";
  NotifyResult denied = EmailNotifier(c, templates).Notify(LatencyNotification(), Context());
  EXPECT_FALSE(denied.ok());
  EXPECT_TRUE(denied.retry);
  EXPECT_NE(denied.error.find("authentication failed"), std::string::npos) << denied.error;

  // Without trusting the test CA the STARTTLS handshake fails verification.
  c.auth_password = "pa55word";
  c.tls.ca_file.clear();
  NotifyResult untrusted = EmailNotifier(c, templates).Notify(LatencyNotification(), Context());
  EXPECT_FALSE(untrusted.ok());
  EXPECT_TRUE(untrusted.retry);
  EXPECT_EQ(server.messages().size(), 1u);
}

TEST(EmailTest, RequireTlsRefusesAServerWithoutStartTls) {
  SmtpTestServer server;  // plain: no STARTTLS offered
  LiteralTemplates templates;
  EmailConfig c = PlainConfig(server);
  c.require_tls = true;
  NotifyResult r = EmailNotifier(c, templates).Notify(LatencyNotification(), Context());
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.retry);
  EXPECT_NE(r.error.find("does not advertise the STARTTLS extension"), std::string::npos)
      << r.error;
  EXPECT_TRUE(server.messages().empty());
}

TEST(EmailTest, ImplicitTls) {
  TestCertificate cert;
  SmtpServerOptions options;
  options.mode = SmtpServerOptions::Mode::kImplicitTls;
  options.cert_file = cert.cert_file();
  options.key_file = cert.key_file();
  options.auth_user = "alerts";
  options.auth_password = "pa55word";
  SmtpTestServer server(options);
  LiteralTemplates templates;
  EmailConfig c = PlainConfig(server);
  c.require_tls = true;
  c.force_implicit_tls = true;
  c.tls.ca_file = cert.cert_file();
  c.auth_username = "alerts";
  c.auth_password = "pa55word";
  NotifyResult r = EmailNotifier(c, templates).Notify(LatencyNotification(), Context());
  ASSERT_TRUE(r.ok()) << r.error;
  std::vector<ReceivedMail> all;
  const ReceivedMail& m = OnlyMessage(server, all);
  EXPECT_TRUE(m.tls);
  EXPECT_FALSE(m.auth.empty());
}

TEST(EmailTest, ThreadingHeadersAndCustomMessageId) {
  SmtpTestServer server;
  LiteralTemplates templates;
  EmailConfig c = PlainConfig(server);
  c.threading = true;
  c.headers.emplace_back("message-id", "<fixed@tocsin.example>");
  ASSERT_TRUE(EmailNotifier(c, templates).Notify(LatencyNotification(), Context()).ok());
  std::vector<ReceivedMail> all;
  const ReceivedMail& m = OnlyMessage(server, all);
  EXPECT_EQ(m.header("Message-Id"), "<fixed@tocsin.example>");
  EXPECT_EQ(m.header_count("Message-Id"), 1u);
  // sha256 of the group key, first 16 hex digits, and the day.
  EXPECT_EQ(m.header("References"), "<alert-73042dc50d9d7d78-2024-05-01@alertmanager>");
  EXPECT_EQ(m.header("In-Reply-To"), m.header("References"));
}

TEST(EmailTest, UnreachableServerIsRetriedPerPolicy) {
  LiteralTemplates templates;
  EmailConfig c;
  {
    SmtpTestServer gone;
    c = PlainConfig(gone);
  }  // the server is stopped: its port refuses connections
  EmailNotifier email(c, templates);
  testing::ManualClock clock;
  RetryOptions options;
  options.clock = &clock;
  options.deadline_ms = 3000;
  options.backoff.randomization_factor = 0;
  DeliveryOutcome out = Deliver(email, LatencyNotification(), options);
  EXPECT_EQ(out.status, DeliveryStatus::kDeadlineExceeded);
  EXPECT_EQ(out.attempts, 4);
  EXPECT_TRUE(out.last.retry);
}

TEST(EmailTest, BadSmarthostIsPermanent) {
  LiteralTemplates templates;
  EmailConfig c;
  c.smarthost = "no-port";
  c.to = "a@b.c";
  c.from = "d@e.f";
  NotifyResult r = EmailNotifier(c, templates).Notify(LatencyNotification(), Context());
  EXPECT_FALSE(r.retry);
  EXPECT_NE(r.error.find("host:port"), std::string::npos);
}

TEST(EmailTest, DefaultTemplatesGiveSubjectTextAndHtml) {
  SmtpTestServer server;
  auto templates = testing_fixture::Renderer();
  EmailConfig c;  // Alertmanager's defaults for subject and HTML, tocsin's text part
  c.smarthost = "127.0.0.1:" + std::to_string(server.port());
  c.require_tls = false;
  c.from = "alerts@tocsin.example";
  c.to = "ops@example.com";
  ASSERT_TRUE(EmailNotifier(c, *templates).Notify(LatencyNotification(), Context()).ok());
  std::vector<ReceivedMail> all;
  const ReceivedMail& m = OnlyMessage(server, all);
  EXPECT_EQ(m.header("Subject"), "[FIRING:1] HighLatency (api critical)");
  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_EQ(m.parts[0].content_type, "text/plain");
  std::string text =
      *templates->ExpandText(R"({{ template "email.default.text" . }})", LatencyNotification());
  std::string crlf;
  for (char ch : text) crlf += ch == '\n' ? std::string("\r\n") : std::string(1, ch);
  EXPECT_EQ(m.parts[0].content, crlf);
  EXPECT_EQ(m.parts[1].content_type, "text/html");
  EXPECT_NE(m.parts[1].content.find("summary = p99 &gt; 1s &lt;b&gt;&amp;&lt;/b&gt;"),
            std::string::npos);
  EXPECT_TRUE(m.defects.empty());
}

TEST(EmailTest, FormatsDatesAsRfc1123Z) {
  EXPECT_EQ(FormatMailDate(kNow), "Wed, 01 May 2024 12:00:00 +0000");
  EXPECT_EQ(FormatMailDate(0), "Thu, 01 Jan 1970 00:00:00 +0000");
}

}  // namespace
}  // namespace tocsin::notifiers
