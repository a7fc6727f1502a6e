// `tocsin check config FILE...`: amtool check-config. Output, per file:
//   Checking 'FILE'  SUCCESS            (or "  FAILED: <error>")
//   Found:
//    - global config
//    - route
//    - N inhibit rules
//    - N receivers
//    - N templates
//     SUCCESS                           (template files, when there are any)
// then a blank line. Exit code 1 when any file failed. Warnings (matcher syntax fallbacks,
// integrations tocsin does not implement, integrations switched off by unset variables) go to
// standard error.
#include <glob.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "engine/alerting/config_loader.h"
#include "engine/cli/commands.h"

namespace tocsin::cli {
namespace {

// The template files the globs name must be readable. (Their Go template syntax is checked when
// the notification templates are loaded.)
std::string CheckTemplates(const std::vector<std::string>& globs) {
  for (const std::string& pattern : globs) {
    glob_t g{};
    const int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
    if (rc != 0 && rc != GLOB_NOMATCH) {
      globfree(&g);
      return "syntax error in pattern";
    }
    for (size_t i = 0; i < g.gl_pathc; ++i) {
      std::ifstream in(g.gl_pathv[i]);
      if (!in) {
        const std::string path = g.gl_pathv[i];
        globfree(&g);
        return "open " + path + ": permission denied";
      }
    }
    globfree(&g);
  }
  return "";
}

int CheckFiles(const std::vector<std::string>& files) {
  int failed = 0;
  for (const std::string& file : files) {
    std::cout << "Checking '" << file << "'";
    Result<alerting::Config> cfg =
        file == "-" || file == "/dev/stdin"
            ? alerting::LoadConfig(std::string(std::istreambuf_iterator<char>(std::cin), {}), "")
            : alerting::LoadConfigFile(file);
    if (!cfg.ok()) {
      std::cout << "  FAILED: " << cfg.message() << "\n\n";
      ++failed;
      continue;
    }
    std::cout << "  SUCCESS\n";
    for (const std::string& w : cfg->warnings) std::cerr << "warning: " << w << "\n";
    std::cout << "Found:\n - global config\n - route\n";
    std::cout << " - " << cfg->inhibit_rules.size() << " inhibit rules\n";
    std::cout << " - " << cfg->receivers.size() << " receivers\n";
    std::cout << " - " << cfg->templates.size() << " templates\n";
    if (!cfg->templates.empty()) {
      if (std::string err = CheckTemplates(cfg->templates); !err.empty()) {
        std::cout << "  FAILED: " << err << "\n";
        ++failed;
      } else {
        std::cout << "  SUCCESS\n";
      }
    }
    std::cout << "\n";
  }
  return failed;
}

}  // namespace

void RegisterCheckConfigCommand(CLI::App& app) {
  CLI::App* check = Subcommand(app, "check", "Check configuration and rule files");
  CLI::App* cmd = check->add_subcommand(
      "config", "Validate Alertmanager-format configuration files (like amtool check-config)");
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("files", *files, "Files to validate (standard input when none)");
  cmd->callback([files] {
    std::vector<std::string> args = *files;
    for (const std::string& f : args) {
      if (!std::filesystem::exists(f)) {
        std::cerr << "tocsin: error: path '" << f << "' does not exist\n";
        ExitCode() = 1;
        return;
      }
    }
    if (args.empty()) args.push_back("/dev/stdin");
    const int failed = CheckFiles(args);
    if (failed > 0) {
      std::cerr << "tocsin: error: failed to validate " << failed << " file(s)\n";
      ExitCode() = 1;
    }
  });
}

}  // namespace tocsin::cli
