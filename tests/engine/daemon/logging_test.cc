#include "engine/daemon/logging.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace tocsin::daemon {
namespace {

TEST(LoggingTest, LogfmtQuotesWhatNeedsQuoting) {
  EXPECT_EQ(FormatLogLine(LogFormat::kLogfmt, "info", "Completed loading of configuration file",
                          {{"file", "examples/tocsin.yml"}, {"empty", ""}, {"err", "a \"b\"\nc"}}),
            "level=info msg=\"Completed loading of configuration file\" file=examples/tocsin.yml "
            "empty=\"\" err=\"a \\\"b\\\"\\nc\"");
}

TEST(LoggingTest, JsonIsOneObject) {
  const auto j = nlohmann::json::parse(
      FormatLogLine(LogFormat::kJson, "warn", "reload failed", {{"err", "x.yml:1:2: \"bad\""}}));
  EXPECT_EQ(j["level"], "warn");
  EXPECT_EQ(j["msg"], "reload failed");
  EXPECT_EQ(j["err"], "x.yml:1:2: \"bad\"");
}

TEST(LoggingTest, RejectsUnknownLevelsAndFormats) {
  EXPECT_FALSE(ConfigureLogging("verbose", "logfmt").ok());
  EXPECT_FALSE(ConfigureLogging("info", "xml").ok());
  EXPECT_TRUE(ConfigureLogging("info", "json").ok());
}

}  // namespace
}  // namespace tocsin::daemon
