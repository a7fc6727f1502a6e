// Every upstream .test file must read as a script, with the statement counts the conformance
// README gives for the 3.14 snapshot (so no block is silently lost or merged).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/promql/promqltest/script.h"

namespace tocsin::promql::promqltest {
namespace {

struct Counts {
  int evals = 0, instant = 0, range = 0, expect_fail = 0, loads = 0, nhcb_loads = 0, clears = 0;
  int unparsed_exprs = 0;
};

Counts CountDir(const std::filesystem::path& dir, std::vector<std::string>* errors) {
  Counts c;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".test") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto script = ParseScript(text.str(), entry.path().filename().string());
    if (!script.ok()) {
      errors->push_back(script.message());
      continue;
    }
    for (const Command& cmd : script->commands) {
      if (const auto* ev = std::get_if<EvalCommand>(&cmd)) {
        ++c.evals;
        ++(ev->is_range ? c.range : c.instant);
        c.expect_fail += ev->fail.expected ? 1 : 0;
        if (!ev->expr) {
          ++c.unparsed_exprs;
          errors->push_back(ev->parse_error);
        }
      } else if (const auto* load = std::get_if<LoadCommand>(&cmd)) {
        ++c.loads;
        c.nhcb_loads += load->with_nhcb ? 1 : 0;
      } else {
        ++c.clears;
      }
    }
  }
  return c;
}

TEST(UpstreamFilesTest, AllPromqlFilesParseWithTheDocumentedCounts) {
  std::vector<std::string> errors;
  const Counts c =
      CountDir(std::filesystem::path(TOCSIN_SHARED_DIR) / "conformance" / "promql", &errors);
  for (const std::string& e : errors) ADD_FAILURE() << e;
  EXPECT_EQ(c.evals, 2214);
  EXPECT_EQ(c.instant, 1885);
  EXPECT_EQ(c.range, 329);
  EXPECT_EQ(c.expect_fail, 35);
  EXPECT_EQ(c.loads, 310);
  EXPECT_EQ(c.nhcb_loads, 33);
  EXPECT_EQ(c.clears, 231);
}

TEST(UpstreamFilesTest, The242FilesParseToo) {
  std::vector<std::string> errors;
  const Counts c = CountDir(
      std::filesystem::path(TOCSIN_SHARED_DIR) / "conformance" / "promql-v2.42.0", &errors);
  EXPECT_EQ(c.evals, 566);
  EXPECT_EQ(c.instant, 566);
  EXPECT_EQ(c.expect_fail, 7);
  EXPECT_EQ(c.loads, 75);
  EXPECT_EQ(c.clears, 57);
  // 2.x syntax that 3.x dropped (holt_winters) may not parse; structure must.
  for (const std::string& e : errors) {
    EXPECT_NE(e.find("holt_winters"), std::string::npos) << e;
  }
}

}  // namespace
}  // namespace tocsin::promql::promqltest
