#include "engine/alerting/env_expander.h"

#include <cstdlib>

namespace tocsin::alerting {
namespace {

bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsNameChar(char c) {
  return IsNameStart(c) || (c >= '0' && c <= '9');
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<Expansion> ExpandEnv(std::string_view input, const EnvLookup& lookup) {
  Expansion out;
  size_t references = 0;
  bool only_reference = true;
  for (size_t i = 0; i < input.size();) {
    const char c = input[i];
    if (c != '$' || i + 1 >= input.size() || (input[i + 1] != '$' && input[i + 1] != '{')) {
      out.value.push_back(c);
      only_reference = false;
      ++i;
      continue;
    }
    if (input[i + 1] == '$') {
      out.value.push_back('$');
      only_reference = false;
      i += 2;
      continue;
    }
    const size_t close = input.find('}', i + 2);
    if (close == std::string_view::npos) {
      return Error{"unterminated variable reference \"" + std::string(input.substr(i)) + "\""};
    }
    const std::string_view body = input.substr(i + 2, close - i - 2);
    size_t n = 0;
    while (n < body.size() && IsNameChar(body[n])) ++n;
    if (n == 0 || !IsNameStart(body[0])) {
      return Error{"invalid variable reference \"${" + std::string(body) + "}\""};
    }
    const std::string name(body.substr(0, n));
    const std::string_view rest = body.substr(n);
    std::optional<std::string> value = lookup(name);
    if (rest.empty()) {
      if (!value) out.unset_required.push_back(name);
      out.value += value.value_or("");
    } else if (rest.starts_with(":-") || rest.starts_with("-")) {
      const bool empty_counts_as_unset = rest.starts_with(":-");
      const std::string_view fallback = rest.substr(empty_counts_as_unset ? 2 : 1);
      if (!value || (empty_counts_as_unset && value->empty())) {
        out.unset_optional.push_back(name);
        out.value += fallback;
      } else {
        out.value += *value;
      }
    } else {
      return Error{"invalid variable reference \"${" + std::string(body) +
                   "}\" (expected ${NAME}, ${NAME:-default} or ${NAME-default})"};
    }
    ++references;
    i = close + 1;
  }
  out.empty_reference = references == 1 && only_reference && out.value.empty();
  return out;
}

}  // namespace tocsin::alerting
