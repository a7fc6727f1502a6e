// Every `tocsin` subcommand registers itself on the CLI11 app through one function here; the
// command's options and its run callback live in its own cmd_*.cc file.
#pragma once

namespace CLI {
class App;
}

namespace tocsin::cli {

// Exit code a subcommand asks main() to return (set by the run callbacks).
int& ExitCode();

void RegisterHistoryCommand(CLI::App& app);

}  // namespace tocsin::cli
