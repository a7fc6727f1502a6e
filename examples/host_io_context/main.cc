// host_io_context: a service that runs tocsin on its own Boost.Asio io_context, one thread in
// all (docs/embedding.md, "On the host's io_context"). The service's timer moves a backlog
// gauge in its prometheus-cpp registry; tocsin collects the registry, evaluates
// queue.rules.yml and calls back on the same thread when QueueBacklog goes pending, firing and
// resolved. SIGINT/SIGTERM (or --duration) stop the engine from a handler on that thread.
//
//   host_io_context --config.file examples/host_io_context/tocsin.yml --storage.path /tmp/hio
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "tocsin/engine.h"

int main(int argc, char** argv) {
  CLI::App app{"host_io_context: tocsin on the host service's own io_context"};
  tocsin::EngineOptions options;
  options.serve_http = false;
  int duration_s = 0;
  app.add_option("--config.file", options.config_file, "tocsin's configuration")->required();
  app.add_option("--storage.path", options.storage_path, "the data directory (tocsin.db)");
  app.add_option("--web.listen-address", options.listen_address,
                 "serve tocsin's HTTP APIs on the same io_context (default: no HTTP server)");
  app.add_option("--duration", duration_s, "stop after this many seconds (0: on SIGINT/SIGTERM)");
  CLI11_PARSE(app, argc, argv);
  options.serve_http = !options.listen_address.empty();

  boost::asio::io_context io;  // the service's event loop; main() is its only thread

  // The service's own metrics: a backlog that grows for 9s, then drains.
  auto registry = std::make_shared<prometheus::Registry>();
  auto& waiting = prometheus::BuildGauge()
                      .Name("jobs_waiting")
                      .Help("Jobs in the queue.")
                      .Register(*registry)
                      .Add({{"queue", "high"}});
  const auto started = std::chrono::steady_clock::now();
  boost::asio::steady_timer work(io);
  std::function<void()> tick = [&] {
    const auto s =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started)
            .count();
    waiting.Set(s < 9 ? 30.0 * static_cast<double>(s) : 0.0);
    work.expires_after(std::chrono::milliseconds(250));
    work.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  };
  tick();

  std::string error;
  auto engine = tocsin::Engine::Create(options, &error);
  if (!engine) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  engine->CollectFrom(registry, {{"job", "host_io_context"}});
  engine->OnAlert([](const tocsin::AlertEvent& e) {  // on main()'s thread, inside io.run()
    std::printf("alert %s: %s -> %s (value %g)\n", e.alertname.c_str(),
                e.from.empty() ? "new" : e.from.c_str(), e.to.c_str(), e.value);
    std::fflush(stdout);
  });
  if (!engine->Start(io, &error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  if (!engine->http_address().empty()) {
    std::printf("tocsin's APIs on http://%s\n", engine->http_address().c_str());
  }

  // Stopping from a handler on the io_context's own thread is fine: Stop waits only for the
  // engine's work in progress, never for the io_context.
  auto stop = [&] {
    engine->Stop(std::chrono::seconds(5));
    work.cancel();
    io.stop();
  };
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) stop();
  });
  boost::asio::steady_timer deadline(io);
  if (duration_s > 0) {
    deadline.expires_after(std::chrono::seconds(duration_s));
    deadline.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) stop();
    });
  }
  io.run();
  std::printf("stopped\n");
  return 0;
}
