// Runs another program (a reference tool such as amtool or promtool, or our own `tocsin` binary)
// and collects what it wrote and how it ended, for tests that compare command-line behaviour.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tocsin::test {

struct ProcessResult {
  // The exit status, or 128 + signal number when the program was killed by a signal (as a
  // shell reports it); -1 when it could not be started.
  int exit_code = -1;
  std::string out;
  std::string err;
  bool timed_out = false;
};

struct ProcessOptions {
  // Replaces the environment when set (so a test controls exactly what the program sees);
  // otherwise the program inherits the test's environment.
  std::optional<std::map<std::string, std::string>> env;
  // The program is killed (SIGKILL) when it runs longer; the result says timed_out.
  std::chrono::milliseconds timeout{30'000};
};

// argv[0] is the program's path (no PATH lookup). Standard input is /dev/null.
ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

}  // namespace tocsin::test
