// Every expression and series line of the upstream conformance data parses: the `.test` files
// (with the options the upstream harness uses: everything experimental on) and promtool's
// rule-test data (rule files and unit-test files).
#include <yaml-cpp/yaml.h>

#include <gtest/gtest.h>
#include <filesystem>
#include <fstream>
#include <regex>

#include "engine/promql/parser.h"

namespace tocsin::promql {
namespace {

namespace fs = std::filesystem;

const fs::path kShared = TOCSIN_SHARED_DIR;

ParserOptions AllOn() {
  ParserOptions o;
  o.experimental_functions = true;
  o.duration_expressions = true;
  o.extended_range_selectors = true;
  o.binop_fill_modifiers = true;
  return o;
}

std::string Trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r");
  const auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

TEST(ConformanceParseTest, EveryTestFileExpressionAndSeriesParses) {
  const fs::path dir = kShared / "conformance" / "promql";
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  // `eval[_x] instant at <t> <expr>` or `eval[_x] range from <a> to <b> step <s> <expr>`.
  const std::regex eval_re(
      R"(^eval(_fail|_warn|_info|_ordered)?\s+(instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.*)$)");
  int exprs = 0, series = 0, files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".test") continue;
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    int lineno = 0;
    bool in_load = false;
    while (std::getline(in, line)) {
      ++lineno;
      const std::string where = entry.path().filename().string() + ":" + std::to_string(lineno);
      const bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
      const std::string text = Trim(line);
      if (text.empty() || text[0] == '#') continue;
      if (!indented) in_load = text.rfind("load", 0) == 0;
      std::smatch m;
      if (std::regex_match(text, m, eval_re)) {
        ++exprs;
        auto r = ParseExpr(m[3].str(), AllOn());
        EXPECT_TRUE(r.ok()) << where << ": " << m[3].str() << "\n  " << r.message();
      } else if (indented && in_load && text.find("@st ") == std::string::npos &&
                 text.find("}@st") == std::string::npos) {
        ++series;
        auto r = ParseSeriesDesc(text);
        EXPECT_TRUE(r.ok()) << where << ": " << text << "\n  " << r.message();
      }
    }
  }
  EXPECT_EQ(files, 21);
  EXPECT_GE(exprs, 2200);
  EXPECT_GE(series, 500);
}

// Collects every `expr` and every input series in a promtool YAML file.
void Walk(const YAML::Node& node, std::vector<std::string>& exprs,
          std::vector<std::string>& series) {
  if (node.IsMap()) {
    if (node["series"] && node["values"]) {
      series.push_back(node["series"].as<std::string>() + " " + node["values"].as<std::string>());
    }
    for (const auto& kv : node) {
      if (kv.first.as<std::string>() == "expr" && kv.second.IsScalar()) {
        exprs.push_back(kv.second.as<std::string>());
      } else {
        Walk(kv.second, exprs, series);
      }
    }
  } else if (node.IsSequence()) {
    for (const auto& n : node) Walk(n, exprs, series);
  }
}

TEST(ConformanceParseTest, PromtoolTestDataParses) {
  const fs::path dir = kShared / "conformance" / "promtool" / "testdata";
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  int exprs = 0, series = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".yml") continue;
    const std::string name = entry.path().filename().string();
    YAML::Node root;
    try {
      root = YAML::LoadFile(entry.path().string());
    } catch (const YAML::Exception&) {
      continue;  // files that test YAML errors
    }
    std::vector<std::string> e, s;
    Walk(root, e, s);
    for (const auto& expr : e) {
      ++exprs;
      // promtool's defaults, except for the file that tests --enable-feature.
      ParserOptions options = name == "features.yml" ? AllOn() : ParserOptions{};
      auto r = ParseExpr(expr, options);
      if (name == "bad-rules-syntax.yml") {
        ASSERT_FALSE(r.ok()) << expr;
        EXPECT_EQ(r.message(), "1:7: parse error: unexpected end of input");
      } else {
        EXPECT_TRUE(r.ok()) << name << ": " << expr << "\n  " << r.message();
      }
    }
    for (const auto& line : s) {
      ++series;
      auto r = ParseSeriesDesc(line);
      if (name == "bad-input-series.yml") {
        ASSERT_FALSE(r.ok()) << line;
        EXPECT_EQ(r.message(), "1:48: parse error: unexpected character inside braces: '0'");
      } else {
        EXPECT_TRUE(r.ok()) << name << ": " << line << "\n  " << r.message();
      }
    }
  }
  EXPECT_GE(exprs, 40);
  EXPECT_GE(series, 20);
}

}  // namespace
}  // namespace tocsin::promql
