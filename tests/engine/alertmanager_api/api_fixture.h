// A real AlertingPipeline (SQLite store in a temporary directory) served by the real HTTP server
// on 127.0.0.1 with the Alertmanager API registered, for the API's tests. The pipeline's clock
// is either a manual one (exact, repeatable JSON) or the wall clock on the server's io_context
// (for clients such as amtool that send their own "now").
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/alerting/alerting_pipeline.h"
#include "engine/alerting/asio_scheduler.h"
#include "engine/alerting/config_loader.h"
#include "engine/alertmanager_api/alertmanager_api.h"
#include "engine/http/server.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/engine/http/http_test_support.h"
#include "tests/storage/sqlite/temp_dir.h"
#include "tests/support/manual_scheduler.h"

namespace tocsin::alertmanager_api::testing {

constexpr TimestampMs kT0 = 1714564800000;  // 2024-05-01T12:00:00Z

class ApiFixture : public ::testing::Test {
 protected:
  ~ApiFixture() override {
    server_.reset();
    pipeline_.reset();
    asio_scheduler_.reset();
  }

  // Starts the pipeline from `yaml` and the server in front of it. `real_clock`: the wall
  // clock and Asio timers instead of the manual clock.
  void Start(const std::string& yaml, bool real_clock = false,
             AlertmanagerApiOptions options = {}) {
    auto cfg = alerting::LoadConfig(yaml, dir_.file("alertmanager.yml"), load_options_);
    ASSERT_TRUE(cfg.ok()) << cfg.message();
    auto store = sqlite::SqliteStore::Open(dir_.file("tocsin.db"));
    ASSERT_TRUE(store.ok()) << store.message();
    store_ = std::move(*store);
    alerting::PipelineDeps deps;
    deps.store = store_.get();
    if (real_clock) {
      asio_scheduler_ = std::make_unique<alerting::AsioScheduler>(io_.io());
      deps.scheduler = asio_scheduler_.get();
    } else {
      deps.scheduler = &clock_;
      deps.flush_executor = &inline_;
      deps.delivery_executor = &inline_;
    }
    auto p = alerting::AlertingPipeline::Create(
        std::make_shared<const alerting::Config>(std::move(*cfg)), deps);
    ASSERT_TRUE(p.ok()) << p.message();
    pipeline_ = std::move(*p);
    ASSERT_TRUE(pipeline_->Start().ok());

    http::Router router;
    if (!options.env) options.env = load_options_.env;
    RegisterAlertmanagerApi(router, *pipeline_, std::move(options));
    http::ServerOptions server_options;
    server_options.listen_address = "127.0.0.1:0";
    server_options.body_limit = 1024 * 1024;
    auto s = http::Server::Start(io_.io(), server_options, std::move(router));
    ASSERT_TRUE(s.ok()) << s.message();
    server_ = std::move(*s);
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }

  test::HttpResult Call(const std::string& method, const std::string& path,
                        const std::string& body = "") {
    test::HttpCall call;
    call.method = method;
    call.url = base_ + path;
    call.body = body;
    if (!body.empty()) call.headers.push_back("Content-Type: application/json");
    return test::Fetch(call);
  }
  test::HttpResult Get(const std::string& path) { return Call("GET", path); }
  test::HttpResult Post(const std::string& path, const std::string& body) {
    return Call("POST", path, body);
  }

  // The body as JSON with its key order kept, so comparisons check Alertmanager's order too.
  static nlohmann::ordered_json Parse(const test::HttpResult& r) {
    return nlohmann::ordered_json::parse(r.body, nullptr, false);
  }

  sqlite::testing::TempDir dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
  test::IoThread io_;
  tocsin::testing::ManualScheduler clock_{kT0};
  alerting::InlineExecutor inline_;
  std::unique_ptr<alerting::AsioScheduler> asio_scheduler_;
  alerting::LoadOptions load_options_;
  std::unique_ptr<alerting::AlertingPipeline> pipeline_;
  std::unique_ptr<http::Server> server_;
  std::string base_;
};

}  // namespace tocsin::alertmanager_api::testing
