// `tocsin test promql [-v] [--run REGEX] FILE...`: runs PromQL .test files (upstream's promqltest
// DSL) and reports every failing eval statement, ending with "N passed, M failed, K skipped".
#include <re2/re2.h>
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "engine/cli/commands.h"
#include "engine/promql/promqltest/runner.h"

namespace tocsin::cli {
namespace {

using promql::promqltest::EvalOutcome;
using promql::promqltest::FileReport;

struct TestPromqlOptions {
  std::vector<std::string> files;
  bool verbose = false;
  std::string run;
  std::string summary_file;
  std::string per_file_summary;
};

std::string Summary(int passed, int failed, int skipped) {
  return std::to_string(passed) + " passed, " + std::to_string(failed) + " failed, " +
         std::to_string(skipped) + " skipped";
}

// "  label:    first line\n            next line\n"
void PrintField(std::ostream& out, const char* label, const std::string& text) {
  if (text.empty()) return;
  std::string pad = std::string("  ") + label + ":";
  pad.resize(12, ' ');
  out << pad;
  for (char c : text) {
    out << c;
    if (c == '\n') out << std::string(12, ' ');
  }
  out << '\n';
}

void PrintFailure(std::ostream& out, const FileReport& file, const EvalOutcome& e) {
  out << "FAIL " << file.file << ":" << e.line << ": " << e.expr << "\n";
  PrintField(out, "run", e.run);
  PrintField(out, "problem", e.reason);
  PrintField(out, "expected", e.expected);
  PrintField(out, "got", e.got);
}

int Run(const TestPromqlOptions& opts) {
  promql::promqltest::RunnerOptions runner_options;
  if (!opts.run.empty()) {
    RE2::Options re_options;
    re_options.set_log_errors(false);
    auto re = std::make_shared<const RE2>(opts.run, re_options);
    if (!re->ok()) {
      std::cerr << "tocsin test promql: invalid --run regular expression: " << re->error() << "\n";
      return 2;
    }
    runner_options.filter = std::move(re);
  }

  int passed = 0, failed = 0, skipped = 0;
  std::string per_file;
  for (const std::string& path : opts.files) {
    const FileReport report = promql::promqltest::RunTestFile(path, runner_options);
    if (!report.error.empty()) {
      std::cout << "ERROR " << report.error << "\n";
      if (report.not_run > 0) {
        std::cout << "  " << report.not_run
                  << " eval statements could not run and count as failed\n";
      }
    }
    for (const EvalOutcome& e : report.evals) {
      if (e.verdict == EvalOutcome::Verdict::kFailed) PrintFailure(std::cout, report, e);
      if (e.verdict == EvalOutcome::Verdict::kSkipped && opts.verbose) {
        std::cout << "SKIP " << report.file << ":" << e.line << ": " << e.expr << "\n";
        PrintField(std::cout, "reason", e.reason);
      }
    }
    passed += report.passed();
    failed += report.failed();
    skipped += report.skipped();
    per_file +=
        report.file + ": " + Summary(report.passed(), report.failed(), report.skipped()) + "\n";
  }

  const std::string summary = Summary(passed, failed, skipped);
  std::cout << summary << std::endl;
  auto write = [](const std::string& path, const std::string& text) {
    if (path.empty()) return true;
    std::ofstream out(path, std::ios::trunc);
    out << text;
    if (!out) std::cerr << "tocsin test promql: cannot write " << path << "\n";
    return static_cast<bool>(out);
  };
  if (!write(opts.summary_file, summary + "\n") ||
      !write(opts.per_file_summary, per_file + "total: " + summary + "\n")) {
    return 2;
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace

void RegisterTestPromqlCommand(CLI::App& app) {
  auto opts = std::make_shared<TestPromqlOptions>();
  CLI::App* cmd = TestCommandGroup(app).add_subcommand(
      "promql",
      "Run PromQL .test files (Prometheus's promqltest DSL): load, clear, eval instant/range "
      "with expect lines. Ends with 'N passed, M failed, K skipped' (eval statements); exit "
      "code 0 only when none failed.");
  cmd->add_flag("-v,--verbose", opts->verbose, "List skipped evals with the reason");
  cmd->add_option("--run", opts->run,
                  "Only run evals whose expression matches this regular expression (RE2, "
                  "unanchored)");
  cmd->add_option("--summary-file", opts->summary_file, "Also write the summary line to this file");
  cmd->add_option("--per-file-summary", opts->per_file_summary,
                  "Write one summary line per test file (and the total) to this file");
  cmd->add_option("files", opts->files, ".test files")->required()->check(CLI::ExistingFile);
  cmd->callback([opts] { ExitCode() = Run(*opts); });
}

}  // namespace tocsin::cli
