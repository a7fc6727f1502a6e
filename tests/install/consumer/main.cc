// Evaluates one always-true alerting rule with the installed tocsin and exits 0 once the alert
// fires (1 on any failure, 2 when it does not fire within 20 seconds).
#include <tocsin/engine.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer WORKDIR\n");
    return 1;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "rules.yml") << "groups:\n  - name: consumer\n    interval: 1s\n    rules:\n"
                                      "      - alert: Always\n        expr: vector(1)\n";
  tocsin::EngineOptions options;
  options.rule_files = {(dir / "rules.yml").string()};
  options.storage_path = (dir / "data").string();
  options.serve_http = false;
  std::string error;
  auto engine = tocsin::Engine::Create(options, &error);
  if (!engine || !engine->Start(&error)) {
    std::fprintf(stderr, "consumer: %s\n", error.c_str());
    return 1;
  }
  std::atomic<bool> fired{false};
  engine->OnAlert([&](const tocsin::AlertEvent& e) {
    if (e.alertname == "Always" && e.to == "firing") fired = true;
  });
  for (int i = 0; i < 200 && !fired; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  engine->Stop(std::chrono::seconds(2));
  std::printf("consumer: alert Always %s\n", fired ? "fired" : "did not fire");
  return fired ? 0 : 2;
}
