// Every `tocsin` subcommand registers itself on the CLI11 app through one function here; the
// command's options and its run callback live in its own cmd_*.cc file.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace tocsin::cli {

// Exit code a subcommand asks main() to return (set by the run callbacks).
int& ExitCode();

// `tocsin check config FILE...` (amtool check-config).
void RegisterCheckConfigCommand(CLI::App& app);
// `tocsin config routes [show|test]` (amtool config routes).
void RegisterConfigRoutesCommand(CLI::App& app);

void RegisterHistoryCommand(CLI::App& app);
// `tocsin run`: the daemon (cmd_run.cc).
void RegisterRunCommand(CLI::App& app);

// `tocsin test`: the group the test runners hang under (`tocsin test promql`, `tocsin test
// rules`). Made by whichever registers first.
CLI::App& TestCommandGroup(CLI::App& app);

void RegisterTestPromqlCommand(CLI::App& app);  // cmd_test_promql.cc
void RegisterQueryCommand(CLI::App& app);       // cmd_query.cc

// The subcommand `name` of `parent`, created on first use, so that several commands can share
// a parent (`tocsin check config`, `tocsin check rules`, ...).
CLI::App* Subcommand(CLI::App& parent, const std::string& name, const std::string& description);

// `tocsin check rules FILE...` (promtool check rules).
void RegisterCheckRulesCommand(CLI::App& app);
// `tocsin test rules FILE...` (promtool test rules).
void RegisterTestRulesCommand(CLI::App& app);
// `tocsin template render` (amtool template render).
void RegisterTemplateRenderCommand(CLI::App& app);

}  // namespace tocsin::cli
