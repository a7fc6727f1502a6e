// `tocsin test`: only a parent for the test runners, which register their own subcommands.
#include <CLI/CLI.hpp>

#include "engine/cli/commands.h"

namespace tocsin::cli {

CLI::App& TestCommandGroup(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == "test") return *sub;
  }
  CLI::App* test =
      app.add_subcommand("test", "Run test files (PromQL .test files, rule unit tests)");
  test->require_subcommand(1);
  return *test;
}

}  // namespace tocsin::cli
