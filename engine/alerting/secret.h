// A configuration secret (password, token, webhook URL). It keeps the real value for the code
// that needs it (the notifiers) but prints as `<secret>`, as Alertmanager marshals secrets, so
// logs, `config show` output and error messages never reveal it.
#pragma once

#include <ostream>
#include <string>

namespace tocsin::alerting {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  // The real value; only for the place that sends it.
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

  // "<secret>", or "" for an unset secret.
  std::string ToString() const { return value_.empty() ? "" : "<secret>"; }
  friend std::ostream& operator<<(std::ostream& os, const Secret& s) { return os << s.ToString(); }
  friend bool operator==(const Secret&, const Secret&) = default;

 private:
  std::string value_;
};

}  // namespace tocsin::alerting
