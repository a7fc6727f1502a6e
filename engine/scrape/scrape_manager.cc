#include "engine/scrape/scrape_manager.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <unordered_map>

#include "engine/metrics/self_metrics.h"
#include "engine/scrape/http_fetcher.h"
#include "engine/scrape/scrape_metrics.h"
#include "engine/scrape/target.h"

namespace tocsin::scrape {

using Clock = std::chrono::steady_clock;

namespace {

TimestampMs WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct ScrapeManager::Running {
  std::shared_ptr<const ScrapeConfig> config;
  std::unique_ptr<ScrapeLoop> loop;
  FetchRequest request;
  Clock::time_point next_due;
  TimestampMs aligned = 0;  // the aligned scrape time of the last scrape
  Clock::time_point last_start{};
  bool in_flight = false;
  bool due_while_in_flight = false;
  TimestampMs scrape_time = 0;
  Clock::time_point started{};
  TargetStatus status;
};

struct ScrapeManager::State {
  HttpFetcher fetcher;
  std::map<uint64_t, std::shared_ptr<Running>> running;  // by target hash
  // Targets that went away, waiting to write their end-of-run stale markers.
  struct Gone {
    std::shared_ptr<Running> target;
    TimestampMs stale_time;
    Clock::time_point write_at;
  };
  std::map<uint64_t, Gone> gone;
};

ScrapeManager::ScrapeManager(storage::SeriesStore& store, metrics::SelfMetrics* metrics,
                             ScrapeManagerOptions options)
    : store_(store),
      metrics_(metrics ? std::make_unique<ScrapeMetrics>(*metrics) : nullptr),
      options_(std::move(options)),
      seed_(OffsetSeed(options_.hostname, options_.external_labels)),
      state_(std::make_unique<State>()) {
  thread_ = std::thread([this] { Run(); });
}

ScrapeManager::~ScrapeManager() {
  Stop();
}

void ScrapeManager::Stop() {
  if (stop_.exchange(true)) return;
  state_->fetcher.Wakeup();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  installed_generation_ = pending_generation_;
  installed_cv_.notify_all();
}

Status ScrapeManager::ApplyConfig(std::vector<ScrapeConfig> configs, const ScrapeGlobals& globals) {
  std::vector<std::string> names;
  for (ScrapeConfig& c : configs) {
    Status s = Validate(c, globals);
    if (!s.ok()) {
      if (metrics_) metrics_->pool_reloads_failed.Increment();
      return s;
    }
    if (std::find(names.begin(), names.end(), c.job_name) != names.end()) {
      return Error{"found multiple scrape configs with job name \"" + c.job_name + "\""};
    }
    names.push_back(c.job_name);
    auto targets = TargetsFromConfig(c);
    if (!targets.ok()) return targets.error();
  }
  std::unique_lock lock(mu_);
  if (stop_) return Error{"the scrape manager is stopped"};
  pending_ = std::move(configs);
  has_pending_ = true;
  const uint64_t generation = ++pending_generation_;
  lock.unlock();
  state_->fetcher.Wakeup();
  lock.lock();
  installed_cv_.wait(lock, [&] { return installed_generation_ >= generation || stop_; });
  return Status::Ok();
}

std::vector<TargetStatus> ScrapeManager::Targets() const {
  std::lock_guard lock(mu_);
  return status_;
}

void ScrapeManager::Install() {
  std::vector<ScrapeConfig> configs;
  uint64_t generation;
  {
    std::lock_guard lock(mu_);
    if (!has_pending_) return;
    configs = std::move(pending_);
    has_pending_ = false;
    generation = pending_generation_;
  }
  State& s = *state_;
  std::map<uint64_t, std::shared_ptr<Running>> next;
  const auto now = Clock::now();
  const TimestampMs wall = WallMs();
  for (ScrapeConfig& c : configs) {
    auto config = std::make_shared<const ScrapeConfig>(std::move(c));
    auto targets = TargetsFromConfig(*config);
    if (!targets.ok()) continue;  // checked in ApplyConfig
    if (metrics_) {
      metrics_->pools_total.Increment();
      metrics_->SetTargets(config->job_name, static_cast<double>(targets->size()));
    }
    ScrapeLoopOptions loop_options = ScrapeLoopOptions::From(*config);
    loop_options.parser.max_samples = options_.max_samples_per_scrape;
    for (Target& t : *targets) {
      const uint64_t hash = t.hash;
      std::shared_ptr<Running> r;
      if (auto it = s.running.find(hash); it != s.running.end()) {
        r = it->second;  // the same target: keep its state
        if (metrics_) metrics_->pool_reloads.Increment();
      } else if (auto g = s.gone.find(hash); g != s.gone.end()) {
        r = g->second.target;  // came back before its stale markers were written
        s.gone.erase(g);
      }
      if (r && r->config->scrape_interval != config->scrape_interval) {
        r->next_due =
            now + std::chrono::milliseconds(t.Offset(config->scrape_interval, seed_, wall));
      }
      if (!r) {
        r = std::make_shared<Running>();
        r->next_due =
            now + std::chrono::milliseconds(t.Offset(config->scrape_interval, seed_, wall));
      }
      r->config = config;
      r->request = FetchRequest::For(*config, t.url);
      r->status.job = t.job;
      r->status.url = t.url;
      r->status.labels = t.labels;
      r->status.interval = config->scrape_interval;
      r->status.timeout = config->scrape_timeout;
      if (r->loop) {
        r->loop->set_options(loop_options);
        r->loop->set_target(std::move(t));
      } else {
        r->loop = std::make_unique<ScrapeLoop>(std::move(t), loop_options, store_, metrics_.get());
      }
      next[hash] = r;
    }
  }
  // Targets that went: stale markers at their next scrape time, written an interval (+10%)
  // after it, as Prometheus waits for a target that might come back.
  for (auto& [hash, r] : s.running) {
    if (next.contains(hash)) continue;
    const DurationMs interval = r->config->scrape_interval;
    const auto until_next = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::max(r->next_due - now, Clock::duration::zero()));
    State::Gone g;
    g.target = r;
    g.stale_time = wall + until_next.count();
    g.write_at = r->next_due + std::chrono::milliseconds(interval + interval / 10);
    s.gone[hash] = std::move(g);
  }
  s.running = std::move(next);
  std::lock_guard lock(mu_);
  status_.clear();
  for (auto& [hash, r] : s.running) status_.push_back(r->status);
  installed_generation_ = generation;
  installed_cv_.notify_all();
}

void ScrapeManager::StartDue() {
  State& s = *state_;
  const auto now = Clock::now();
  for (auto& [hash, r] : s.running) {
    if (now < r->next_due) continue;
    const auto interval = std::chrono::milliseconds(r->config->scrape_interval);
    while (r->next_due <= now) r->next_due += interval;  // missed ticks are dropped
    if (r->in_flight) {
      r->due_while_in_flight = true;
      continue;
    }
    // The scrape time, aligned to the previous ones when within the tolerance (Prometheus:
    // min(interval/100, 2ms)), so samples get regular timestamps despite timer jitter.
    TimestampMs t = WallMs();
    const DurationMs iv = r->config->scrape_interval;
    if (r->aligned == 0) {
      r->aligned = t;
    } else {
      while (t - r->aligned >= iv) r->aligned += iv;
      if (t - r->aligned <= std::min<DurationMs>(iv / 100, 2)) t = r->aligned;
    }
    if (metrics_ && r->last_start != Clock::time_point{}) {
      metrics_->ObserveInterval(FormatGoDuration(iv),
                                std::chrono::duration<double>(now - r->last_start).count());
    }
    r->last_start = now;
    r->in_flight = true;
    r->scrape_time = t;
    r->started = now;
    std::weak_ptr<Running> weak = r;
    s.fetcher.Start(r->request, [this, weak](FetchResult result) {
      if (auto r = weak.lock()) FinishScrape(r, std::move(result));
    });
  }
  // End-of-run staleness for targets that went away.
  for (auto it = s.gone.begin(); it != s.gone.end();) {
    if (now < it->second.write_at || it->second.target->in_flight) {
      ++it;
      continue;
    }
    it->second.target->loop->AppendEndOfRunStaleness(it->second.stale_time);
    it = s.gone.erase(it);
  }
}

void ScrapeManager::FinishScrape(const std::shared_ptr<Running>& r, FetchResult result) {
  r->in_flight = false;
  const double duration = std::chrono::duration<double>(Clock::now() - r->started).count();
  const ScrapeOutcome out = r->loop->Append(result, r->scrape_time, duration);
  r->status.health = out.up ? "up" : "down";
  r->status.last_error = out.error;
  r->status.last_scrape = r->scrape_time;
  r->status.last_scrape_duration = duration;
  ++scrapes_;
  {
    std::lock_guard lock(mu_);
    for (TargetStatus& st : status_) {
      if (st.url == r->status.url && st.labels == r->status.labels) st = r->status;
    }
  }
  if (r->due_while_in_flight) {
    r->due_while_in_flight = false;
    r->next_due = Clock::now();  // the tick that came while scraping, as Go's ticker buffers it
  }
}

void ScrapeManager::Run() {
  State& s = *state_;
  while (!stop_) {
    Install();
    StartDue();
    // Sleep in curl until the next due scrape (or a wake-up), at most a second.
    auto wake = Clock::now() + std::chrono::seconds(1);
    for (auto& [hash, r] : s.running) {
      if (!r->in_flight) wake = std::min(wake, r->next_due);
    }
    for (auto& [hash, g] : s.gone) wake = std::min(wake, g.write_at);
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now());
    s.fetcher.Poll(static_cast<int>(std::clamp<int64_t>(wait.count(), 0, 1000)));
  }
}

}  // namespace tocsin::scrape
