#include "engine/daemon/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

#include <nlohmann/json.hpp>

namespace tocsin::daemon {
namespace {

// logfmt quotes a value that is empty or holds a space, '=', '"' or a control character.
std::string LogfmtValue(std::string_view v) {
  bool quote = v.empty();
  for (char c : v) {
    if (c == ' ' || c == '=' || c == '"' || static_cast<unsigned char>(c) < 0x20) quote = true;
  }
  if (!quote) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  return out + "\"";
}

spdlog::level::level_enum LevelOf(std::string_view level) {
  if (level == "debug") return spdlog::level::debug;
  if (level == "warn") return spdlog::level::warn;
  if (level == "error") return spdlog::level::err;
  return spdlog::level::info;
}

}  // namespace

std::string FormatLogLine(LogFormat format, std::string_view level, std::string_view msg,
                          const LogFields& fields) {
  if (format == LogFormat::kJson) {
    nlohmann::ordered_json j;
    j["level"] = std::string(level);
    j["msg"] = std::string(msg);
    for (const auto& [k, v] : fields) j[k] = v;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string out = "level=" + std::string(level) + " msg=" + LogfmtValue(msg);
  for (const auto& [k, v] : fields) out += " " + k + "=" + LogfmtValue(v);
  return out;
}

namespace {

// Fields travel inside the spdlog payload after this separator (ASCII unit separator), so that
// modules logging through spdlog directly and Log() share one formatter.
constexpr char kFieldSeparator = '\x1f';

std::string_view LevelName(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
    case spdlog::level::critical:
      return "error";
    default:
      return "info";
  }
}

class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(LogFormat format) : format_(format) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    LogFields fields;
    const size_t first = payload.find(kFieldSeparator);
    const std::string_view text = payload.substr(0, first);
    if (first != std::string_view::npos) {
      std::string_view rest = payload.substr(first + 1);
      while (!rest.empty()) {
        const size_t k_end = rest.find(kFieldSeparator);
        const std::string_view key = rest.substr(0, k_end);
        std::string_view value;
        if (k_end == std::string_view::npos) {
          rest = {};
        } else {
          rest = rest.substr(k_end + 1);
          const size_t v_end = rest.find(kFieldSeparator);
          value = rest.substr(0, v_end);
          rest = v_end == std::string_view::npos ? std::string_view{} : rest.substr(v_end + 1);
        }
        fields.emplace_back(std::string(key), std::string(value));
      }
    }
    const std::string time = Time(msg.time);
    std::string line = FormatLogLine(format_, LevelName(msg.level), text, fields);
    if (format_ == LogFormat::kJson) {
      line = "{\"time\":\"" + time + "\"," + line.substr(1);
    } else {
      line = "time=" + time + " " + line;
    }
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>(format_);
  }

 private:
  static std::string Time(spdlog::log_clock::time_point t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
    const std::time_t secs = static_cast<std::time_t>(ms.count() / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms.count() % 1000));
    return buf;
  }

  LogFormat format_;
};

}  // namespace

Status ConfigureLogging(std::string_view level, std::string_view format) {
  if (level != "debug" && level != "info" && level != "warn" && level != "error") {
    return Error{"--log.level: unrecognized log level \"" + std::string(level) +
                 "\" (debug, info, warn, error)"};
  }
  if (format != "logfmt" && format != "json") {
    return Error{"--log.format: unrecognized log format \"" + std::string(format) +
                 "\" (logfmt, json)"};
  }
  const LogFormat f = format == "json" ? LogFormat::kJson : LogFormat::kLogfmt;
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("tocsin", sink);
  logger->set_formatter(std::make_unique<LineFormatter>(f));
  logger->set_level(LevelOf(level));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  return Status::Ok();
}

void Log(std::string_view level, std::string_view msg, const LogFields& fields) {
  const spdlog::level::level_enum l = LevelOf(level);
  if (!spdlog::should_log(l)) return;
  std::string payload(msg);
  for (const auto& [k, v] : fields) {
    payload += kFieldSeparator;
    payload += k;
    payload += kFieldSeparator;
    payload += v;
  }
  spdlog::log(l, "{}", payload);
}

}  // namespace tocsin::daemon
