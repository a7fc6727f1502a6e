// How integrations turn their configured strings ("{{ template \"slack.default.title\" . }}")
// into message text. Every text field of every integration is a Go template executed over the
// notification's template data, as in Alertmanager; the implementation over engine/template, with
// tocsin's default templates, lives in notifiers/template_renderer.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "notifiers/notification.h"
#include "storage/base/result.h"

namespace tocsin::notifiers {

class MessageTemplates {
 public:
  virtual ~MessageTemplates() = default;
  // Executes `source` as a text/template over `notification`.
  virtual Result<std::string> ExpandText(std::string_view source,
                                         const Notification& notification) const = 0;
  // Executes `source` with html/template's escaping (email HTML bodies).
  virtual Result<std::string> ExpandHtml(std::string_view source,
                                         const Notification& notification) const = 0;
};

// Expands many fields of one message and keeps the first error, so integration code reads as a
// list of fields (Alertmanager's TmplText). After an error every further call returns "".
class FieldExpander {
 public:
  FieldExpander(const MessageTemplates& templates, const Notification& notification)
      : templates_(templates), notification_(notification) {}

  std::string operator()(std::string_view source, std::string_view field) {
    if (error_) return {};
    if (source.empty()) return {};
    auto r = templates_.ExpandText(source, notification_);
    if (!r.ok()) {
      error_ = std::string(field) + ": " + r.message();
      return {};
    }
    return std::move(r).value();
  }
  std::string Html(std::string_view source, std::string_view field) {
    if (error_) return {};
    if (source.empty()) return {};
    auto r = templates_.ExpandHtml(source, notification_);
    if (!r.ok()) {
      error_ = std::string(field) + ": " + r.message();
      return {};
    }
    return std::move(r).value();
  }

  bool ok() const { return !error_.has_value(); }
  const std::string& error() const { return *error_; }
  const MessageTemplates& templates() const { return templates_; }
  const Notification& notification() const { return notification_; }

 private:
  const MessageTemplates& templates_;
  const Notification& notification_;
  std::optional<std::string> error_;
};

}  // namespace tocsin::notifiers
