// `tocsin run`: the daemon. Starts the Engine from --config.file, reloads it on SIGHUP (and on
// POST /-/reload, which the Engine serves), and stops gracefully on SIGTERM or SIGINT.
//
// Signals are taken synchronously: they are blocked before the Engine makes its threads (which
// inherit the mask), and this thread waits for them with sigwait, so no handler runs in an
// arbitrary thread and a reload happens in plain code. Between signals this thread also gives
// the heap's free pages back to the kernel every --memory.trim-interval (process_memory.h).
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <memory>
#include <string>

#include "engine/cli/commands.h"
#include "engine/daemon/logging.h"
#include "engine/daemon/process_memory.h"
#include "storage/base/time.h"
#include "tocsin/engine.h"

namespace tocsin::cli {
namespace {

struct RunOptions {
  std::string config_file = "examples/tocsin.yml";
  std::string listen_address;
  std::string storage_path;
  std::string external_url;
  std::string log_level = "info";
  std::string log_format = "logfmt";
  std::string shutdown_timeout = "10s";
  int malloc_arenas = 2;
  std::string trim_interval = "10s";
};

int Run(const RunOptions& o) {
  if (Status s = daemon::ConfigureLogging(o.log_level, o.log_format); !s.ok()) {
    spdlog::error("{}", s.message());
    return 2;
  }
  auto timeout = ParseDuration(o.shutdown_timeout);
  if (!timeout.ok()) {
    spdlog::error("--shutdown.timeout: {}", timeout.message());
    return 2;
  }

  auto trim_interval = ParseDuration(o.trim_interval);
  if (!trim_interval.ok()) {
    spdlog::error("--memory.trim-interval: {}", trim_interval.message());
    return 2;
  }
  if (o.malloc_arenas < 0) {
    spdlog::error("--memory.malloc-arenas: must be 0 or more, got {}", o.malloc_arenas);
    return 2;
  }
  // Before the Engine makes its threads: arenas are chosen when a thread first allocates.
  daemon::LimitMallocArenas(o.malloc_arenas);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  EngineOptions options;
  options.config_file = o.config_file;
  options.listen_address = o.listen_address;
  options.storage_path = o.storage_path;
  options.external_url = o.external_url;
  spdlog::info("Loading configuration file {}", o.config_file);
  std::string error;
  std::unique_ptr<Engine> engine = Engine::Create(options, &error);
  if (!engine) {
    spdlog::error("Error loading config: {}", error);
    return 1;
  }
  if (!engine->Start(&error)) {
    spdlog::error("Error starting: {}", error);
    return 1;
  }

  // Waits for a signal, at most one trim interval (forever when trimming is off).
  const auto wait_for_signal = [&]() -> int {
    if (*trim_interval <= 0) {
      int sig = 0;
      return sigwait(&signals, &sig) == 0 ? sig : -1;
    }
    const timespec timeout{static_cast<time_t>(*trim_interval / 1000),
                           static_cast<long>(*trim_interval % 1000) * 1'000'000L};
    return sigtimedwait(&signals, nullptr, &timeout);
  };
  while (true) {
    const int sig = wait_for_signal();
    if (sig < 0) {
      if (*trim_interval > 0) daemon::ReturnFreeHeapMemory();  // the interval passed (or EINTR)
      continue;
    }
    if (sig == SIGHUP) {
      engine->Reload();  // logs its outcome
      continue;
    }
    spdlog::info("Received {}, exiting gracefully...", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    break;
  }
  engine->Stop(std::chrono::milliseconds(*timeout));
  return 0;
}

}  // namespace

void RegisterRunCommand(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run the daemon: rule evaluation, the alert pipeline and the HTTP APIs");
  cmd->add_option("--config.file", o->config_file, "tocsin configuration file")
      ->capture_default_str();
  cmd->add_option("--web.listen-address", o->listen_address,
                  "Address to listen on for the APIs (default: the file's web.listen_address, "
                  "else 127.0.0.1:9093)");
  cmd->add_option("--storage.path", o->storage_path,
                  "Data directory holding tocsin.db (default: the file's storage.path, else data "
                  "next to the file)");
  cmd->add_option("--web.external-url", o->external_url,
                  "The URL under which tocsin is reached (alerts' generatorURL, links in "
                  "notifications)");
  cmd->add_option("--log.level", o->log_level,
                  "Only log messages with this severity or above: "
                  "debug, info, warn, error")
      ->capture_default_str();
  cmd->add_option("--log.format", o->log_format, "Output format of log messages: logfmt, json")
      ->capture_default_str();
  cmd->add_option("--shutdown.timeout", o->shutdown_timeout,
                  "How long in-flight notifications may take on SIGTERM before tocsin exits "
                  "(undelivered ones are sent after the next start)")
      ->capture_default_str();
  cmd->add_option("--memory.malloc-arenas", o->malloc_arenas,
                  "At most this many glibc malloc arenas (0: glibc's default, 8 per core); "
                  "MALLOC_ARENA_MAX in the environment wins")
      ->capture_default_str();
  cmd->add_option("--memory.trim-interval", o->trim_interval,
                  "Give the heap's free pages back to the kernel this often (0s: never)")
      ->capture_default_str();
  cmd->callback([o] { ExitCode() = Run(*o); });
}

}  // namespace tocsin::cli
