// Alertmanager API v2 over tocsin's alert pipeline, so that Prometheus can send alerts to tocsin
// and amtool, Grafana or karma can read them, silence and expire:
//
//   GET/POST /api/v2/alerts          GET /api/v2/alerts/groups
//   GET/POST /api/v2/silences        GET/DELETE /api/v2/silence/{silenceID}
//   GET /api/v2/status               GET /api/v2/receivers
//
// JSON shapes, status codes and error texts are Alertmanager 0.34's (api/v2/openapi.yaml);
// /-/healthy and /-/ready are the HTTP server's own. docs/api.md describes every endpoint and
// the differences from Alertmanager.
//
//   http::Router router;
//   RegisterAlertmanagerApi(router, pipeline, {.version = "0.1.0"});
//   auto server = http::Server::Start(io, server_options, std::move(router));
#pragma once

#include <cstddef>
#include <string>

#include "engine/alerting/alerting_pipeline.h"
#include "engine/alerting/env_expander.h"
#include "engine/http/router.h"
#include "storage/base/time.h"

namespace tocsin::alertmanager_api {

struct AlertmanagerApiOptions {
  // versionInfo of GET /api/v2/status.
  std::string version = "0.1.0";
  std::string revision;
  std::string branch;
  std::string build_user;
  std::string build_date;
  std::string go_version = "none (tocsin is C++)";
  // `uptime` of the status: when the process started (0 = when the routes are registered).
  TimestampMs start_time = 0;
  // Bodies of POST requests larger than this are refused with 413 (the server's own limit
  // applies too, and first).
  size_t max_body_bytes = 4 * 1024 * 1024;
  // Most alerts one POST /api/v2/alerts may carry; more is a 413.
  size_t max_alerts_per_post = 10000;
  // How `${VAR}` references in the configuration text were resolved (for the status's
  // config.original); nullptr = the process environment.
  alerting::EnvLookup env;
};

// Adds the routes above to `router`. The pipeline must outlive the server that serves them;
// configuration reloads of the pipeline show up in the next request.
void RegisterAlertmanagerApi(http::Router& router, alerting::AlertingPipeline& pipeline,
                             AlertmanagerApiOptions options = {});

}  // namespace tocsin::alertmanager_api
