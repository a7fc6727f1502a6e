// edge_service: the anclora WhatsApp assistant, simulated. Runs the model of simulation.h on the
// wall clock (or faster, with --speed), serves its metrics at /metrics through prometheus-cpp's
// pull exposer, and prints the incidents of its schedule as they start and end, with a status
// line every simulated minute. See docs/edge_service.md.
#include <prometheus/exposer.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "examples/edge_service/incident_schedule.h"
#include "examples/edge_service/metrics.h"
#include "examples/edge_service/simulation.h"

namespace {

std::atomic<bool> stop_requested{false};

extern "C" void RequestStop(int) {
  stop_requested = true;
}

// "+01:02:03": simulated time since the start.
std::string Clock(tocsin::DurationMs elapsed) {
  const int64_t s = elapsed / tocsin::kSecond;
  char buf[32];
  std::snprintf(buf, sizeof buf, "+%02lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return buf;
}

std::string StatusLine(const tocsin::edge::SimulationStatus& s) {
  std::string incidents;
  for (auto kind : s.incidents) {
    incidents += incidents.empty() ? "" : ",";
    incidents += tocsin::edge::Describe(kind).name;
  }
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "waiting=%lld processed/s=%lld heap=%.0fMiB delivered=%.0f%% redis=%s "
                "incidents=%s",
                static_cast<long long>(s.waiting), static_cast<long long>(s.processed_last_second),
                s.heap_mib, 100 * s.delivery_ratio, s.redis_up ? "up" : "down",
                incidents.empty() ? "none" : incidents.c_str());
  return buf;
}

void ListIncidents() {
  std::printf("incident kinds (write them as <kind>@<start>[+<duration>]):\n");
  for (const auto& info : tocsin::edge::AllIncidents()) {
    std::string alerts;
    for (auto a : info.intended_alerts) {
      if (!alerts.empty()) alerts += ", ";
      alerts += a;
    }
    std::printf("  %-16s default duration %-4s fires %s\n    %s\n", std::string(info.name).c_str(),
                tocsin::FormatDuration(info.default_duration).c_str(), alerts.c_str(),
                std::string(info.description).c_str());
  }
  std::printf("default schedule: %s\n",
              tocsin::edge::IncidentSchedule::Default().ToString().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "edge_service: a simulated anclora WhatsApp message queue exporting Prometheus "
      "metrics, with incidents on a schedule"};
  std::string listen = "127.0.0.1:9464";
  uint64_t seed = tocsin::edge::SimulationOptions{}.seed;
  double speed = 1;
  std::string incidents_text = tocsin::edge::IncidentSchedule::Default().ToString();
  std::string duration_text = "0s";
  std::string status_every_text = "1m";
  bool list = false;
  app.add_option("--web.listen-address", listen,
                 "host:port to serve /metrics on (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--seed", seed, "seed of the simulation's random numbers")->capture_default_str();
  app.add_option("--speed", speed, "simulated seconds per real second")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 10000.0));
  app.add_option("--incidents", incidents_text,
                 "incident schedule: <kind>@<start>[+<duration>],...[,cycle=<duration>], or none")
      ->capture_default_str();
  app.add_option("--duration", duration_text,
                 "stop after this much simulated time (0s: run until interrupted)")
      ->capture_default_str();
  app.add_option("--status-every", status_every_text,
                 "print a status line every this much simulated time (0s: never)")
      ->capture_default_str();
  app.add_flag("--list-incidents", list, "describe the incident kinds and exit");
  CLI11_PARSE(app, argc, argv);

  if (list) {
    ListIncidents();
    return 0;
  }
  auto schedule = tocsin::edge::IncidentSchedule::Parse(incidents_text);
  if (!schedule.ok()) {
    spdlog::error("--incidents: {}", schedule.message());
    return 2;
  }
  auto duration = tocsin::ParseDuration(duration_text);
  auto status_every = tocsin::ParseDuration(status_every_text);
  if (!duration.ok() || !status_every.ok()) {
    spdlog::error("{}: {}", duration.ok() ? "--status-every" : "--duration",
                  duration.ok() ? status_every.message() : duration.message());
    return 2;
  }

  auto registry = std::make_shared<prometheus::Registry>();
  tocsin::edge::EdgeMetrics metrics(*registry);
  tocsin::edge::Simulation simulation({.seed = seed, .schedule = *schedule}, metrics);

  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    exposer = std::make_unique<prometheus::Exposer>(listen, 2);
  } catch (const std::exception& e) {
    spdlog::error("cannot listen on {}: {}", listen, e.what());
    return 1;
  }
  exposer->RegisterCollectable(registry);
  const auto ports = exposer->GetListeningPorts();
  const std::string host = listen.substr(0, listen.rfind(':'));
  spdlog::info("serving metrics on http://{}:{}/metrics", host, ports.empty() ? 0 : ports[0]);
  spdlog::info("seed {}, speed {}x, schedule {}", seed, speed, schedule->ToString());

  std::signal(SIGINT, RequestStop);
  std::signal(SIGTERM, RequestStop);
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto tick =
      std::chrono::duration<double, std::milli>(tocsin::edge::Simulation::kTick / speed);
  tocsin::DurationMs next_status = *status_every;
  while (!stop_requested) {
    const double real_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    auto elapsed = static_cast<tocsin::DurationMs>(real_ms * speed);
    if (*duration > 0) elapsed = std::min(elapsed, *duration);
    simulation.AdvanceTo(elapsed);
    for (const auto& event : simulation.TakeEvents()) {
      spdlog::info("[{}] {}", ::Clock(event.at), event.text);
    }
    if (*status_every > 0 && simulation.elapsed() >= next_status) {
      spdlog::info("[{}] {}", ::Clock(simulation.elapsed()), StatusLine(simulation.status()));
      next_status += *status_every;
    }
    if (*duration > 0 && simulation.elapsed() >= *duration) break;
    std::this_thread::sleep_for(std::min(tick, std::chrono::duration<double, std::milli>(250)));
  }
  spdlog::info("[{}] stopping", ::Clock(simulation.elapsed()));
  return 0;
}
