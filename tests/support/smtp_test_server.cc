#include "tests/support/smtp_test_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/test_certificates.h"
#include "tests/support/test_paths.h"

extern char** environ;

namespace tocsin::testing {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string StringOrEmpty(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

ReceivedMail ParseMeta(const nlohmann::json& j, std::string raw) {
  ReceivedMail mail;
  mail.raw = std::move(raw);
  mail.mail_from = StringOrEmpty(j, "mail_from");
  for (const auto& r : j.value("rcpt_tos", nlohmann::json::array())) {
    mail.rcpt_tos.push_back(r.get<std::string>());
  }
  mail.helo = StringOrEmpty(j, "helo");
  mail.tls = j.value("tls", false);
  mail.auth = StringOrEmpty(j, "auth");
  mail.content_type = StringOrEmpty(j, "content_type");
  mail.parse_error = StringOrEmpty(j, "parse_error");
  for (const auto& h : j.value("headers", nlohmann::json::array())) {
    mail.headers.emplace_back(h[0].get<std::string>(), h[1].get<std::string>());
  }
  const nlohmann::json addresses = j.value("addresses", nlohmann::json::object());
  for (const auto& [name, list] : addresses.items()) {
    std::vector<std::string> addrs;
    for (const auto& a : list) addrs.push_back(a.get<std::string>());
    mail.address_headers.emplace_back(name, std::move(addrs));
  }
  for (const auto& p : j.value("parts", nlohmann::json::array())) {
    ReceivedMail::Part part;
    part.content_type = StringOrEmpty(p, "content_type");
    part.charset = StringOrEmpty(p, "charset");
    part.transfer_encoding = StringOrEmpty(p, "transfer_encoding");
    part.content = StringOrEmpty(p, "content");
    mail.parts.push_back(std::move(part));
  }
  for (const auto& d : j.value("defects", nlohmann::json::array())) {
    mail.defects.push_back(d.get<std::string>());
  }
  return mail;
}

}  // namespace

std::string ReceivedMail::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return {};
}

size_t ReceivedMail::header_count(std::string_view name) const {
  return std::count_if(headers.begin(), headers.end(),
                       [&](const auto& h) { return EqualsIgnoreCase(h.first, name); });
}

std::vector<std::string> ReceivedMail::addresses(std::string_view header_name) const {
  for (const auto& [k, v] : address_headers) {
    if (EqualsIgnoreCase(k, header_name)) return v;
  }
  return {};
}

const ReceivedMail::Part* ReceivedMail::part(std::string_view content_type) const {
  for (const auto& p : parts) {
    if (p.content_type == content_type) return &p;
  }
  return nullptr;
}

SmtpTestServer::SmtpTestServer(SmtpServerOptions options) {
  dir_ = MakeTempDir("tocsin-smtp");
  std::vector<std::string> args = {"/usr/bin/python3",
                                   std::string(TOCSIN_SOURCE_DIR) + "/tests/support/smtp_server.py",
                                   "--dir", dir_};
  switch (options.mode) {
    case SmtpServerOptions::Mode::kPlain:
      args.insert(args.end(), {"--mode", "plain"});
      break;
    case SmtpServerOptions::Mode::kStartTls:
      args.insert(args.end(), {"--mode", "starttls"});
      break;
    case SmtpServerOptions::Mode::kImplicitTls:
      args.insert(args.end(), {"--mode", "implicit"});
      break;
  }
  if (!options.cert_file.empty()) {
    args.insert(args.end(), {"--cert", options.cert_file, "--key", options.key_file});
  }
  if (!options.auth_user.empty()) {
    args.insert(args.end(), {"--auth", options.auth_user + ":" + options.auth_password});
  }

  int in_pipe[2];
  int out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::string log = dir_ + "/server.log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  stdin_fd_ = in_pipe[1];
  if (rc != 0) {
    close(out_pipe[0]);
    throw std::runtime_error("cannot start " + args[0]);
  }

  // Wait for "PORT <n>".
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd pfd{out_pipe[0], POLLIN, 0};
    if (left.count() <= 0 || poll(&pfd, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[256];
    ssize_t n = read(out_pipe[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  close(out_pipe[0]);
  if (line.rfind("PORT ", 0) != 0) {
    throw std::runtime_error("SMTP test server did not start: " + ReadFile(log));
  }
  port_ = static_cast<uint16_t>(std::stoi(line.substr(5)));
}

SmtpTestServer::~SmtpTestServer() {
  if (stdin_fd_ >= 0) close(stdin_fd_);  // the server exits on end-of-file
  if (pid_ > 0) {
    int status = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::vector<ReceivedMail> SmtpTestServer::messages() const {
  std::vector<ReceivedMail> out;
  for (int i = 1;; ++i) {
    std::filesystem::path meta = dir_ + "/msg-" + std::to_string(i) + ".json";
    if (!std::filesystem::exists(meta)) break;
    nlohmann::json j = nlohmann::json::parse(ReadFile(meta));
    out.push_back(ParseMeta(j, ReadFile(dir_ + "/msg-" + std::to_string(i) + ".eml")));
  }
  return out;
}

bool SmtpTestServer::WaitForMessages(size_t n, std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (std::filesystem::exists(dir_ + "/msg-" + std::to_string(n) + ".json")) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace tocsin::testing
