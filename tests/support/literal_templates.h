// A stand-in for the template engine in tests that exercise an integration's wire format: every
// configured field is taken literally, so a test states exactly what it expects on the wire.
// Tests that render real templates use notifiers/template_renderer.h instead.
#pragma once

#include <string>

#include "notifiers/message_templates.h"

namespace tocsin::testing {

class LiteralTemplates final : public notifiers::MessageTemplates {
 public:
  Result<std::string> ExpandText(std::string_view source,
                                 const notifiers::Notification&) const override {
    if (source == kFail) return Error{"template: boom"};
    return std::string(source);
  }
  Result<std::string> ExpandHtml(std::string_view source,
                                 const notifiers::Notification& n) const override {
    return ExpandText(source, n);
  }
  // A field set to this fails to expand, for error-path tests.
  static constexpr std::string_view kFail = "<fail>";
};

}  // namespace tocsin::testing
