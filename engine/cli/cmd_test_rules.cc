// `tocsin test rules FILE...`: a drop-in for `promtool test rules` (rules/unittest/runner.h).
// Per file: "  SUCCESS" (stdout), or "  FAILED:" and each error (stderr, each followed by a
// blank line on stdout); then a blank line. Exit code 0 when every file passes, 1 otherwise.
// Beyond promtool: --coverage prints which rules and alert states the tests exercised.
#include <re2/re2.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/cli/commands.h"
#include "engine/cli/rule_flags.h"
#include "rules/prometheus_template_expander.h"
#include "rules/unittest/coverage.h"
#include "rules/unittest/runner.h"

namespace tocsin::cli {
namespace {

struct TestRulesArgs {
  std::vector<std::string> files;
  std::vector<std::string> run;
  std::string junit;
  bool debug = false;
  bool diff = false;
  bool coverage = false;
  RuleFlags rule_flags;
};

void Run(const TestRulesArgs& args, const std::string& parent_junit) {
  Result<rules::RuleFileOptions> file_options = args.rule_flags.ToOptions();
  if (!file_options.ok()) {
    std::cerr << file_options.message() << "\n";
    ExitCode() = 1;
    return;
  }
  file_options->template_check = rules::PrometheusTemplateParseCheck();

  std::optional<re2::RE2> run_re;
  if (!args.run.empty()) {
    std::string joined;
    for (const std::string& r : args.run) joined += (joined.empty() ? "" : "|") + r;
    run_re.emplace(joined, re2::RE2::Quiet);
    if (!run_re->ok()) {
      std::cerr << "error parsing --run regexp " << joined << ": " << run_re->error() << "\n";
      ExitCode() = 1;
      return;
    }
  }

  rules::unittest::Coverage coverage;
  rules::unittest::RunOptions options;
  options.rule_files = *file_options;
  options.delayed_name_removal = args.rule_flags.delayed_name_removal();
  options.run = run_re ? &*run_re : nullptr;
  options.debug = args.debug;
  options.diff = args.diff;
  options.coverage = args.coverage ? &coverage : nullptr;
  options.log = &std::cerr;

  bool failed = false;
  std::vector<rules::unittest::JUnitSuite> suites;
  for (const std::string& file : args.files) {
    rules::unittest::FileResult r = rules::unittest::RunTestFile(file, options);
    std::cout.flush();
    if (!r.ok()) {
      std::cerr << "  FAILED:\n";
      for (const std::string& e : r.errors) {
        std::cerr << e << "\n";
        std::cerr.flush();
        std::cout << "\n";
        std::cout.flush();
      }
      failed = true;
    } else {
      std::cout << "  SUCCESS\n";
    }
    std::cout << "\n";
    std::cout.flush();
    suites.push_back(std::move(r.junit));
  }
  const std::string junit = !args.junit.empty() ? args.junit : parent_junit;
  if (!junit.empty()) {
    std::ofstream out(junit, std::ios::trunc);
    out << rules::unittest::JUnitXml(suites);
    if (!out) std::cerr << "failed to write JUnit XML: " << junit << "\n";
  }
  if (args.coverage) std::cout << coverage.Report();
  ExitCode() = failed ? 1 : 0;
}

}  // namespace

void RegisterTestRulesCommand(CLI::App& app) {
  CLI::App& test = TestCommandGroup(app);
  // promtool takes --junit on `test` itself: `promtool test --junit out.xml rules ...`.
  auto parent_junit = std::make_shared<std::string>();
  test.add_option("--junit", *parent_junit, "File to write JUnit XML rule test results to");
  CLI::App* cmd = test.add_subcommand(
      "rules", "Run Prometheus rule unit tests (a drop-in for promtool test rules)");
  auto args = std::make_shared<TestRulesArgs>();
  cmd->add_option("files", args->files, "Unit test files")->required();
  cmd->add_option("--run", args->run,
                  "Only run test groups whose name matches this regular expression (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--junit", args->junit, "File to write JUnit XML test results to");
  cmd->add_flag("--debug", args->debug, "Print test progress and a dump of all series");
  cmd->add_flag("--diff", args->diff, "Show alert mismatches as a diff");
  cmd->add_flag("--coverage", args->coverage,
                "Report which rules and alert states the tests exercised");
  AddRuleFlags(*cmd, args->rule_flags);
  cmd->callback([args, parent_junit] { Run(*args, *parent_junit); });
}

}  // namespace tocsin::cli
