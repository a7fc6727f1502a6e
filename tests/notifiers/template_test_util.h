// Helpers for the notification template tests: a renderer with tocsin's defaults and a pinned
// clock, and a one-call way to expand a template source over a notification.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "notifiers/template_renderer.h"
#include "tests/notifiers/notification_fixture.h"

namespace tocsin::notifiers::testing_fixture {

// now() is pinned two minutes after the fixture's kNow.
inline std::unique_ptr<TemplateRenderer> Renderer(std::vector<TemplateFile> files = {}) {
  auto r =
      TemplateRenderer::Create(files, [] { return tmpl::GoTime::FromUnixMilli(kNow + 120000); });
  EXPECT_TRUE(r.ok()) << r.message();
  return r.ok() ? std::move(r).value() : nullptr;
}

inline std::string Text(const TemplateRenderer& r, std::string_view source,
                        const Notification& n = LatencyNotification()) {
  auto out = r.ExpandText(source, n);
  EXPECT_TRUE(out.ok()) << source << ": " << out.message();
  return out.ok() ? *out : "<error>";
}

inline constexpr std::string_view kAlertsUrl =
    "http://tocsin.example:9093/#/alerts?receiver=team-web%5C.hook";

}  // namespace tocsin::notifiers::testing_fixture
