// `tocsin check rules [FILE...]`: promtool check rules. For each file (or standard input when
// none is given) it prints "Checking FILE" and then either "  SUCCESS: N rules found" (stdout) or
// "  FAILED:" and the errors (stderr), then a blank line. Exit codes as promtool's: 0 when every
// file is valid (lint findings do not count unless --lint-fatal), 1 when a file has errors, 3
// when only lint findings were reported and --lint-fatal is set.
#include <CLI/CLI.hpp>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "engine/cli/commands.h"
#include "engine/cli/rule_flags.h"
#include "rules/prometheus_template_expander.h"
#include "rules/rule_file.h"
#include "rules/rule_lint.h"

namespace tocsin::cli {
namespace {

constexpr int kFailure = 1;
constexpr int kLintFailure = 3;

struct CheckRulesArgs {
  std::vector<std::string> files;
  std::string lint = "duplicate-rules";
  bool lint_fatal = false;
  RuleFlags rule_flags;
};

struct LintSettings {
  bool duplicate_rules = false;
};

LintSettings ParseLint(const std::string& value) {
  LintSettings s;
  if (value.empty()) return s;
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(',', start);
    if (end == std::string::npos) end = value.size();
    std::string option = value.substr(start, end - start);
    if (option == "all" || option == "duplicate-rules") {
      s.duplicate_rules = true;
    } else if (option != "none") {
      std::cout << "WARNING: unknown lint option: \"" << option << "\"\n";
    }
    start = end + 1;
  }
  return s;
}

struct FileOutcome {
  bool failed = false;
  bool has_errors = false;  // failures other than lint findings
};

FileOutcome CheckOne(const rules::RuleFileParse& parsed, const LintSettings& lint) {
  FileOutcome outcome;
  std::cout.flush();  // stdout and stderr interleave as promtool's unbuffered writes do
  for (const std::string& w : parsed.warnings) std::cerr << "WARNING: " << w << "\n";
  if (!parsed.ok()) {
    std::cerr << "  FAILED:\n";
    for (const std::string& e : parsed.errors) std::cerr << e << "\n";
    return {true, true};
  }
  if (lint.duplicate_rules) {
    std::vector<rules::DuplicateRule> dups = rules::FindDuplicateRules(parsed.file);
    if (!dups.empty()) {
      std::cerr << "  FAILED:\n";
      std::cerr << "lint error " << rules::FormatDuplicateRules(dups) << "\n";
      std::cout << "\n";
      return {true, false};
    }
  }
  std::cout << "  SUCCESS: " << parsed.file.num_rules() << " rules found\n\n";
  return outcome;
}

void Run(const CheckRulesArgs& args) {
  Result<rules::RuleFileOptions> options = args.rule_flags.ToOptions();
  if (!options.ok()) {
    std::cerr << options.message() << "\n";
    ExitCode() = kFailure;
    return;
  }
  options->template_check = rules::PrometheusTemplateParseCheck();
  const LintSettings lint = ParseLint(args.lint);
  bool failed = false;
  bool has_errors = false;
  auto record = [&](const FileOutcome& o) {
    failed = failed || o.failed;
    has_errors = has_errors || o.has_errors;
  };
  if (args.files.empty()) {
    std::cout << "Checking standard input\n";
    std::string content((std::istreambuf_iterator<char>(std::cin)),
                        std::istreambuf_iterator<char>());
    record(CheckOne(rules::ParseRuleFile(content, "standard input", *options), lint));
  }
  for (const std::string& file : args.files) {
    std::cout << "Checking " << file << "\n";
    record(CheckOne(rules::LoadRuleFile(file, *options), lint));
  }
  std::cout.flush();
  if (failed && has_errors) {
    ExitCode() = kFailure;
  } else if (failed && args.lint_fatal) {
    ExitCode() = kLintFailure;
  } else {
    ExitCode() = 0;
  }
}

}  // namespace

void RegisterCheckRulesCommand(CLI::App& app) {
  CLI::App* check = Subcommand(app, "check", "Check configuration and rule files");
  CLI::App* cmd = check->add_subcommand(
      "rules", "Check if Prometheus rule files are valid (like promtool check rules)");
  auto args = std::make_shared<CheckRulesArgs>();
  cmd->add_option("files", args->files, "Rule files to check (standard input when none)");
  cmd->add_option("--lint", args->lint,
                  "Linting checks to apply: all, duplicate-rules, none (comma-separated)")
      ->capture_default_str();
  cmd->add_flag("--lint-fatal", args->lint_fatal, "Make lint errors exit with exit code 3");
  AddRuleFlags(*cmd, args->rule_flags);
  cmd->callback([args] { Run(*args); });
}

}  // namespace tocsin::cli
