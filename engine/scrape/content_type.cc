#include "engine/scrape/content_type.h"

#include <cctype>
#include <string>

namespace tocsin::scrape {
namespace {

bool IsTokenChar(char c) {
  return c > 32 && c < 127 &&
         std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// mime.ParseMediaType's verdict and the lower-cased media type.
std::optional<std::string> MediaType(std::string_view content_type) {
  const size_t semi = content_type.find(';');
  const std::string_view type = Trim(content_type.substr(0, semi));
  const size_t slash = type.find('/');
  if (slash == std::string_view::npos || !IsToken(type.substr(0, slash)) ||
      !IsToken(type.substr(slash + 1))) {
    return std::nullopt;
  }
  std::string_view rest = semi == std::string_view::npos ? "" : content_type.substr(semi + 1);
  while (!Trim(rest).empty()) {
    rest = Trim(rest);
    const size_t eq = rest.find('=');
    if (eq == std::string_view::npos || !IsToken(Trim(rest.substr(0, eq)))) return std::nullopt;
    rest = Trim(rest.substr(eq + 1));
    if (rest.starts_with('"')) {
      size_t i = 1;
      while (i < rest.size() && rest[i] != '"') i += rest[i] == '\\' ? 2 : 1;
      if (i >= rest.size()) return std::nullopt;
      rest.remove_prefix(i + 1);
    } else {
      size_t i = 0;
      while (i < rest.size() && IsTokenChar(rest[i])) ++i;
      if (i == 0) return std::nullopt;
      rest.remove_prefix(i);
    }
    rest = Trim(rest);
    if (!rest.empty()) {
      if (rest.front() != ';') return std::nullopt;
      rest.remove_prefix(1);
    }
  }
  std::string out(type);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

ExpositionFormat FormatOf(ScrapeProtocol p) {
  return (p == ScrapeProtocol::kOpenMetricsText1_0_0 || p == ScrapeProtocol::kOpenMetricsText0_0_1)
             ? ExpositionFormat::kOpenMetrics
             : ExpositionFormat::kPrometheusText;
}

}  // namespace

Result<ExpositionFormat> FormatForContentType(std::string_view content_type,
                                              std::optional<ScrapeProtocol> fallback) {
  const std::string quoted = "\"" + std::string(content_type) + "\"";
  if (content_type.empty()) {
    if (fallback) return FormatOf(*fallback);
    return Error{
        "non-compliant scrape target sending blank Content-Type and no "
        "fallback_scrape_protocol specified for target"};
  }
  const auto type = MediaType(content_type);
  if (!type) {
    if (fallback) return FormatOf(*fallback);
    return Error{"cannot parse Content-Type " + quoted +
                 " and no fallback_scrape_protocol for target"};
  }
  if (*type == "application/openmetrics-text") return ExpositionFormat::kOpenMetrics;
  if (*type == "text/plain") return ExpositionFormat::kPrometheusText;
  if (fallback) return FormatOf(*fallback);
  if (*type == "application/vnd.google.protobuf") {
    return Error{"received protobuf exposition (Content-Type " + quoted +
                 "), which tocsin does not read; set fallback_scrape_protocol or serve text"};
  }
  return Error{"received unsupported Content-Type " + quoted +
               " and no fallback_scrape_protocol specified for target"};
}

}  // namespace tocsin::scrape
