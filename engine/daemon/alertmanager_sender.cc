#include "engine/daemon/alertmanager_sender.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <stop_token>
#include <thread>

#include <nlohmann/json.hpp>

#include "engine/metrics/self_metrics.h"
#include "notifiers/http_client.h"

namespace tocsin::daemon {

std::string EncodeAlertsForAlertmanager(std::span<const rules::OutgoingAlert> alerts) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const rules::OutgoingAlert& a : alerts) {
    nlohmann::ordered_json j;
    nlohmann::ordered_json labels = nlohmann::ordered_json::object();
    for (const Label& l : a.labels) labels[l.name] = l.value;
    nlohmann::ordered_json annotations = nlohmann::ordered_json::object();
    for (const Label& l : a.annotations) annotations[l.name] = l.value;
    j["labels"] = std::move(labels);
    j["annotations"] = std::move(annotations);
    if (a.starts_at != 0) j["startsAt"] = FormatRfc3339(a.starts_at);
    if (a.ends_at != 0) j["endsAt"] = FormatRfc3339(a.ends_at);
    j["generatorURL"] = a.generator_url;
    out.push_back(std::move(j));
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

struct AlertmanagerSender::Target {
  std::string url;
  notifiers::HttpClientConfig http;
  DurationMs timeout = 10 * kSecond;
  SenderOptions options;

  mutable std::mutex mu;
  std::condition_variable cv;
  std::condition_variable done_cv;
  bool done = false;  // the loop has returned
  std::deque<rules::OutgoingAlert> queue;
  bool stopping = false;
  std::chrono::steady_clock::time_point drain_until;
  uint64_t sent = 0, errors = 0, dropped = 0;

  prometheus::Counter* sent_metric = nullptr;
  prometheus::Counter* errors_metric = nullptr;
  prometheus::Counter* dropped_metric = nullptr;
  prometheus::Gauge* queue_metric = nullptr;

  notifiers::HttpClient client;
  std::stop_source stop_sending;
  std::thread thread;

  void Enqueue(std::span<const rules::OutgoingAlert> alerts) {
    {
      std::lock_guard lock(mu);
      if (stopping) return;
      for (const auto& a : alerts) queue.push_back(a);
      size_t over =
          queue.size() > options.queue_capacity ? queue.size() - options.queue_capacity : 0;
      if (over > 0) {
        queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(over));
        dropped += over;
        if (dropped_metric) dropped_metric->Increment(static_cast<double>(over));
        spdlog::warn("Alert notification queue full, dropping {} alerts (alertmanager {})", over,
                     url);
      }
      if (queue_metric) queue_metric->Set(static_cast<double>(queue.size()));
    }
    cv.notify_one();
  }

  void Loop() {
    SendUntilStopped();
    std::lock_guard lock(mu);
    done = true;
    done_cv.notify_all();
  }

  void SendUntilStopped() {
    while (true) {
      std::vector<rules::OutgoingAlert> batch;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return stopping || !queue.empty(); });
        if (queue.empty() || (stopping && std::chrono::steady_clock::now() >= drain_until)) {
          return;
        }
        const size_t n = std::min(queue.size(), options.max_batch);
        batch.assign(std::make_move_iterator(queue.begin()),
                     std::make_move_iterator(queue.begin() + static_cast<std::ptrdiff_t>(n)));
        queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(n));
        if (queue_metric) queue_metric->Set(static_cast<double>(queue.size()));
      }
      notifiers::HttpRequest request;
      request.method = "POST";
      request.url = url;
      request.headers = {{"Content-Type", "application/json"}};
      request.body = EncodeAlertsForAlertmanager(batch);
      request.timeout = std::chrono::milliseconds(timeout);
      const notifiers::HttpResponse response = client.Send(request, http, stop_sending.get_token());
      std::lock_guard lock(mu);
      if (response.has_response() && response.status / 100 == 2) {
        sent += batch.size();
        if (sent_metric) sent_metric->Increment(static_cast<double>(batch.size()));
      } else {
        errors += batch.size();
        if (errors_metric) errors_metric->Increment(static_cast<double>(batch.size()));
        spdlog::error("Error sending {} alerts to {}: {}", batch.size(), url,
                      notifiers::DescribeFailure(response));
      }
    }
  }
};

AlertmanagerSender::AlertmanagerSender(const std::vector<UpstreamAlertmanager>& alertmanagers,
                                       metrics::SelfMetrics* metrics, SenderOptions options) {
  for (const UpstreamAlertmanager& am : alertmanagers) {
    for (const std::string& url : am.AlertsUrls()) {
      auto t = std::make_unique<Target>();
      t->url = url;
      t->timeout = am.timeout;
      t->options = options;
      t->http.basic_auth_username = am.basic_auth_username;
      t->http.basic_auth_password = am.basic_auth_password;
      t->http.authorization_type = am.authorization_type;
      t->http.authorization_credentials = am.authorization_credentials;
      t->http.tls.ca_file = am.ca_file;
      t->http.tls.cert_file = am.cert_file;
      t->http.tls.key_file = am.key_file;
      t->http.tls.insecure_skip_verify = am.insecure_skip_verify;
      if (metrics != nullptr) {
        const metrics::LabelMap labels{{"alertmanager", url}};
        t->sent_metric = &metrics->Counter("prometheus_notifications_sent_total",
                                           "Total number of alerts sent.", labels);
        t->errors_metric =
            &metrics->Counter("prometheus_notifications_errors_total",
                              "Total number of sent alerts affected by errors.", labels);
        t->dropped_metric = &metrics->Counter(
            "prometheus_notifications_dropped_total",
            "Total number of alerts dropped due to errors when sending to Alertmanager.", labels);
        t->queue_metric =
            &metrics->Gauge("prometheus_notifications_queue_length",
                            "The number of alert notifications in the queue.", labels);
        metrics
            ->Gauge("prometheus_notifications_queue_capacity",
                    "The capacity of the alert notifications queue.", labels)
            .Set(static_cast<double>(options.queue_capacity));
      }
      targets_.push_back(std::move(t));
    }
  }
  if (metrics != nullptr) {
    metrics
        ->Gauge("prometheus_notifications_alertmanagers_discovered",
                "The number of alertmanagers discovered and active.")
        .Set(static_cast<double>(targets_.size()));
  }
  for (auto& t : targets_) {
    Target* raw = t.get();
    t->thread = std::thread([raw] { raw->Loop(); });
  }
}

AlertmanagerSender::~AlertmanagerSender() {
  Stop(std::chrono::milliseconds(0));
}

void AlertmanagerSender::Enqueue(std::span<const rules::OutgoingAlert> alerts) {
  for (auto& t : targets_) t->Enqueue(alerts);
}

void AlertmanagerSender::Stop(std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (auto& t : targets_) {
    {
      std::lock_guard lock(t->mu);
      t->stopping = true;
      t->drain_until = until;
    }
    t->cv.notify_all();
  }
  for (auto& t : targets_) {
    if (!t->thread.joinable()) continue;
    {
      // What is queued goes out until the deadline; a send still in flight then is cancelled.
      std::unique_lock lock(t->mu);
      t->done_cv.wait_until(lock, until, [&] { return t->done; });
    }
    t->stop_sending.request_stop();
    t->thread.join();
  }
}

std::vector<AlertmanagerSender::TargetStats> AlertmanagerSender::Stats() const {
  std::vector<TargetStats> out;
  for (const auto& t : targets_) {
    std::lock_guard lock(t->mu);
    out.push_back({t->url, t->sent, t->errors, t->dropped, t->queue.size()});
  }
  return out;
}

}  // namespace tocsin::daemon
