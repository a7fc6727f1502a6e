#include "rules/manager.h"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/system_timer.hpp>
#include <chrono>
#include <set>

#include "rules/engine_query.h"
#include "rules/eval_slot.h"
#include "rules/prometheus_template_expander.h"

namespace tocsin::rules {

// Runs one group on its slots. Timer operations happen on the runner's strand; an evaluation
// holds eval_mu_, so Stop() returns only once no evaluation is running and none will start.
class RuleManager::GroupRunner : public std::enable_shared_from_this<GroupRunner> {
 public:
  GroupRunner(boost::asio::io_context& io, std::shared_ptr<RuleGroup> group,
              const RuleManager* manager)
      : strand_(boost::asio::make_strand(io)),
        timer_(strand_),
        group_(std::move(group)),
        manager_(manager),
        interval_ns_(std::max<int64_t>(group_->interval(), 1) * 1'000'000) {}

  void Start(int64_t now_ns) {
    // The first evaluation is one interval after the group's slot preceding now.
    slot_ns_ = EvalTimestampNs(group_->hash(), group_->interval(), now_ns) + interval_ns_;
    boost::asio::post(strand_, [self = shared_from_this()] { self->Schedule(); });
  }

  void Stop() {
    {
      std::lock_guard lock(eval_mu_);
      stopped_ = true;
    }
    boost::asio::post(strand_, [self = shared_from_this()] { self->timer_.cancel(); });
  }

 private:
  void Schedule() {
    if (stopped()) return;
    timer_.expires_at(std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(slot_ns_))));
    timer_.async_wait(boost::asio::bind_executor(
        strand_, [self = shared_from_this()](const boost::system::error_code& ec) {
          if (!ec) self->OnTimer();
        }));
  }

  void OnTimer() {
    {
      std::lock_guard lock(eval_mu_);
      if (stopped_) return;
      const int64_t now = manager_->NowNs();
      if (now - slot_ns_ >= interval_ns_) {
        // Overran: skip the slots that have passed entirely, as Prometheus does.
        const int64_t missed = (now - slot_ns_) / interval_ns_;
        group_->AddMissedIterations(static_cast<uint64_t>(missed));
        slot_ns_ += missed * interval_ns_;
      }
      group_->Eval(slot_ns_ / 1'000'000, manager_->Context());
      slot_ns_ += interval_ns_;
    }
    Schedule();
  }

  bool stopped() {
    std::lock_guard lock(eval_mu_);
    return stopped_;
  }

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::system_timer timer_;
  const std::shared_ptr<RuleGroup> group_;
  const RuleManager* manager_;
  const int64_t interval_ns_;
  int64_t slot_ns_ = 0;
  std::mutex eval_mu_;
  bool stopped_ = false;
};

RuleManager::RuleManager(ManagerOptions options) : options_(std::move(options)) {
  query_ = MakeEngineQueryFunc(*options_.engine, *options_.store);
  TemplateExpanderOptions t;
  t.external_labels = options_.external_labels;
  t.external_url_variable = options_.external_url;
  if (!options_.external_url.empty()) t.external_url = options_.external_url;
  t.query = MakeTemplateQueryFunc(*options_.engine, *options_.store, options_.files.parser);
  expander_ = std::make_unique<PrometheusTemplateExpander>(std::move(t));
}

RuleManager::~RuleManager() {
  Stop();
}

int64_t RuleManager::NowNs() const {
  if (options_.now_ns) return options_.now_ns();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

GroupEvalContext RuleManager::Context() const {
  GroupEvalContext ctx;
  ctx.query = &query_;
  ctx.store = options_.store;
  ctx.expander = expander_.get();
  ctx.sink = options_.sink;
  ctx.resend_delay = options_.resend_delay;
  ctx.default_query_offset = options_.default_query_offset;
  ctx.external_labels = options_.external_labels;
  ctx.external_url = options_.external_url;
  return ctx;
}

void RuleManager::StartRunner(Entry& e) {
  e.runner = std::make_shared<GroupRunner>(*io_, e.group, this);
  e.runner->Start(NowNs());
}

Result<size_t> RuleManager::Update(const std::vector<std::string>& files) {
  GroupLoadOptions lo;
  lo.files = options_.files;
  lo.files.template_check = PrometheusTemplateParseCheck();
  lo.default_interval = options_.default_interval;
  LoadedGroups loaded = LoadGroups(files, lo);
  if (!loaded.ok()) {
    std::string message;
    for (const std::string& e : loaded.errors) message += (message.empty() ? "" : "\n") + e;
    return Error{message};
  }
  return Install(std::move(loaded));
}

size_t RuleManager::Install(LoadedGroups loaded) {
  std::lock_guard lock(mu_);
  std::map<std::string, Entry*> old_by_key;
  for (Entry& e : entries_) old_by_key.emplace(e.group->key(), &e);
  std::vector<Entry> next;
  std::set<std::string> kept;
  size_t rules = 0;
  for (auto& g : loaded.groups) {
    const std::string key = g->key();
    if (!kept.insert(key).second) continue;  // a file listed twice
    rules += g->rules().size();
    auto old = old_by_key.find(key);
    if (old != old_by_key.end() && old->second->group->SameDefinition(*g)) {
      next.push_back(std::move(*old->second));
      continue;
    }
    Entry e{std::shared_ptr<RuleGroup>(std::move(g)), nullptr};
    if (old != old_by_key.end()) {
      if (old->second->runner) old->second->runner->Stop();
      e.group->CopyStateFrom(*old->second->group);
      old->second->group.reset();
    }
    if (io_ != nullptr) StartRunner(e);
    next.push_back(std::move(e));
  }
  const TimestampMs now_ms = NowNs() / 1'000'000;
  for (Entry& e : entries_) {
    if (e.group == nullptr || kept.contains(e.group->key())) continue;
    if (e.runner) e.runner->Stop();
    e.group->MarkAllSeriesStale(now_ms, *options_.store);
  }
  entries_ = std::move(next);
  return rules;
}

void RuleManager::Start(boost::asio::io_context& io) {
  std::lock_guard lock(mu_);
  io_ = &io;
  for (Entry& e : entries_) {
    if (!e.runner) StartRunner(e);
  }
}

void RuleManager::Stop() {
  std::lock_guard lock(mu_);
  for (Entry& e : entries_) {
    if (e.runner) e.runner->Stop();
    e.runner.reset();
  }
  io_ = nullptr;
}

void RuleManager::EvalAll(TimestampMs ts) {
  std::lock_guard lock(mu_);
  const GroupEvalContext ctx = Context();
  for (Entry& e : entries_) e.group->Eval(ts, ctx);
}

void RuleManager::ForEachGroup(const std::function<void(const RuleGroup&)>& fn) const {
  std::lock_guard lock(mu_);
  for (const Entry& e : entries_) fn(*e.group);
}

std::vector<RuleAlertState> RuleManager::SnapshotAlerts() const {
  std::vector<RuleAlertState> out;
  std::lock_guard lock(mu_);
  for (const Entry& e : entries_) {
    for (const auto& r : e.group->rules()) {
      if (!r->is_alerting()) continue;
      out.push_back({e.group->key(), r->identity(), r->alerting()->Alerts()});
    }
  }
  return out;
}

void RuleManager::RestoreAlerts(const std::vector<RuleAlertState>& state) {
  std::lock_guard lock(mu_);
  std::map<std::string, RuleGroup*> by_key;
  for (Entry& e : entries_) by_key.emplace(e.group->key(), e.group.get());
  // Rules with the same identity in one group are matched in order, as on reload.
  std::map<std::pair<std::string, std::string>, size_t> next_match;
  for (const RuleAlertState& s : state) {
    auto g = by_key.find(s.group_key);
    if (g == by_key.end()) continue;
    size_t& skip = next_match[{s.group_key, s.rule}];
    size_t seen = 0;
    for (auto& r : g->second->rules()) {
      if (!r->is_alerting() || r->identity() != s.rule) continue;
      if (seen++ < skip) continue;
      r->alerting()->SetAlerts(s.alerts);
      ++skip;
      break;
    }
  }
}

}  // namespace tocsin::rules
