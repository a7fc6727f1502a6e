#include "engine/alertmanager_api/query_params.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "engine/alerting/matchers_parser.h"

namespace tocsin::alertmanager_api {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

Result<bool> BoolParam(const http::Params& params, std::string_view name, bool fallback) {
  if (!params.Has(name)) return fallback;
  const std::string raw(params.Get(name));
  if (raw.empty()) return fallback;
  // go-openapi's swag.ConvertBool: these spellings are true, everything else is false — it
  // never fails, so `active=maybe` is `active=false`, not a 422.
  static constexpr std::array<std::string_view, 10> kTrue = {
      "true", "1", "yes", "ok", "y", "on", "selected", "checked", "t", "enabled"};
  const std::string v = Lower(raw);
  return std::find(kTrue.begin(), kTrue.end(), v) != kTrue.end();
}

Result<alerting::Matchers> MatcherParams(const http::Params& params, std::string_view name) {
  alerting::Matchers out;
  alerting::MatcherParseOptions options;
  options.origin = "api";
  for (const std::string& raw : params.GetAll(name)) {
    auto m = alerting::ParseMatcher(raw, options);
    if (!m.ok()) return Error{m.message()};
    out.push_back(std::move(*m));
  }
  return out;
}

bool MatchesLabelMap(const alerting::Matchers& matchers,
                     const std::map<std::string, std::string>& labels) {
  for (const LabelMatcher& m : matchers) {
    auto it = labels.find(m.name());
    if (!m.matches(it == labels.end() ? std::string_view() : std::string_view(it->second))) {
      return false;
    }
  }
  return true;
}

}  // namespace tocsin::alertmanager_api
