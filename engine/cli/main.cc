// tocsin: Prometheus rule evaluation and Alertmanager in one small binary.
#include <CLI/CLI.hpp>

#include "engine/cli/commands.h"

namespace tocsin::cli {

int& ExitCode() {
  static int code = 0;
  return code;
}

CLI::App* Subcommand(CLI::App& parent, const std::string& name, const std::string& description) {
  for (CLI::App* sub : parent.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == name) return sub;
  }
  CLI::App* sub = parent.add_subcommand(name, description);
  sub->require_subcommand(1);
  return sub;
}

}  // namespace tocsin::cli

int main(int argc, char** argv) {
  CLI::App app{"tocsin: Prometheus-compatible alert rule evaluation and alert routing"};
  app.set_version_flag("--version", "tocsin 0.1.0");
  app.require_subcommand(1);
  tocsin::cli::RegisterCheckConfigCommand(app);
  tocsin::cli::RegisterConfigRoutesCommand(app);
  tocsin::cli::RegisterRunCommand(app);
  tocsin::cli::RegisterHistoryCommand(app);
  tocsin::cli::RegisterQueryCommand(app);
  tocsin::cli::RegisterTestPromqlCommand(app);
  tocsin::cli::RegisterCheckRulesCommand(app);
  tocsin::cli::RegisterTestRulesCommand(app);
  tocsin::cli::RegisterTemplateRenderCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return tocsin::cli::ExitCode();
}
