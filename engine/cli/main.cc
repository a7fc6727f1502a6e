// tocsin: Prometheus rule evaluation and Alertmanager in one small binary.
#include <CLI/CLI.hpp>

#include "engine/cli/commands.h"

namespace tocsin::cli {

int& ExitCode() {
  static int code = 0;
  return code;
}

}  // namespace tocsin::cli

int main(int argc, char** argv) {
  CLI::App app{"tocsin: Prometheus-compatible alert rule evaluation and alert routing"};
  app.set_version_flag("--version", "tocsin 0.1.0");
  app.require_subcommand(1);
  tocsin::cli::RegisterHistoryCommand(app);
  tocsin::cli::RegisterQueryCommand(app);
  tocsin::cli::RegisterTestPromqlCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return tocsin::cli::ExitCode();
}
