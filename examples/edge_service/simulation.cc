#include "examples/edge_service/simulation.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

namespace tocsin::edge {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// Traffic. Customers write ~6 messages a second (±15% over a 40-minute swell, plus drift); the
// bot answers 92% of them itself.
constexpr double kInboundPerSecond = 6;
constexpr double kBotReplyRatio = 0.92;
constexpr double kHandoffRatio = 0.005;
// The worker pool and the WhatsApp Business sending cap bound the queue's throughput.
constexpr double kWorkers = 60;
constexpr double kSendCapPerSecond = 100;
constexpr double kJobMedianSeconds = 0.08;
constexpr double kSlowJobMedianSeconds = 1.6;  // latency_spike
constexpr double kJobSigma = 0.5;
constexpr double kFailureRatio = 0.002;
constexpr double kDeadLetterRatio = 0.3;  // of failures, after retries
constexpr DurationMs kDeadLetterReplay = 6 * kHour;
// Delivery as WhatsApp reports it.
constexpr double kDeliveryRatio = 0.96;
constexpr double kDroppedDeliveryRatio = 0.12;  // delivery_drop
constexpr double kReadRatio = 0.72;
// Campaigns: a reactivation batch every minute, a few single sends every five; a bulk campaign
// (queue_backlog) enqueues this many a second.
constexpr double kBurstPerSecond = 250;
// Business events, per second.
constexpr double kVisitsPerSecond = 1.0 / 60;
constexpr double kRentalsPerSecond = 1.0 / 900;
constexpr double kSalesPerSecond = 1.0 / 2400;
constexpr double kLeadsPerSecond = 1.0 / 90;
constexpr double kRecordSaleEuros = 6'400'000;  // high_value_sale
// The heap: a GC sawtooth over a base; a leak grows it for 2/3 of memory_leak, then holds.
constexpr double kHeapBaseBytes = 210 * kMiB;
constexpr double kHeapSawtoothBytes = 90 * kMiB;
constexpr double kLeakBytesPerSecond = 45 * kMiB / 60;

// Lane properties: priority index (kPriorities), campaign index (kCampaigns), type mix.
struct LaneInfo {
  size_t priority;
  size_t campaign;
  std::array<double, kMessageTypes.size()> mix;  // text, media, template, interactive
};
constexpr std::array<LaneInfo, 4> kLaneInfo{{
    {0, 0, {0.70, 0.15, 0.00, 0.15}},  // inbound: customers, high priority
    {1, 0, {0.60, 0.15, 0.00, 0.25}},  // bot replies
    {2, 2, {0.00, 0.15, 0.85, 0.00}},  // reactivacion_leads
    {2, 1, {0.00, 0.15, 0.85, 0.00}},  // primavera_2026 (the bulk campaign)
}};

constexpr std::array<double, kErrorTypes.size()> kErrorMix{0.40, 0.25, 0.25, 0.10};
constexpr std::array<double, kStatusCodes.size()> kStatusMix{0.9937, 0.004, 0.002, 0.0001, 0.0002};
constexpr std::array<double, kIntents.size()> kIntentMix{0.30, 0.12, 0.18, 0.05, 0.20, 0.15};
constexpr std::array<double, kCampaigns.size()> kConversionCampaignMix{0.7, 0.1, 0.2};
constexpr std::array<double, kLeadSources.size()> kSourceMix{0.6, 0.3, 0.1};
constexpr std::array<double, kLeadQualities.size()> kQualityMix{0.20, 0.45, 0.35};
constexpr std::array<double, kAppointmentTypes.size()> kAppointmentMix{0.60, 0.25, 0.15};
constexpr std::array<double, kHandoffReasons.size()> kHandoffMix{0.45, 0.25, 0.20, 0.10};
constexpr std::array<double, kInstances.size()> kInstanceMix{0.5, 0.3, 0.2};
constexpr std::array<double, kPipelineStages.size()> kPipelineBase{120, 60, 25, 8, 3};
// Used share of each filesystem at start, its growth (bytes/s) and the share reserved for root
// (node_exporter's avail excludes it).
constexpr std::array<double, kFilesystems.size()> kFsUsed{0.58, 0.35, 0.015, 0.93};
constexpr std::array<double, kFilesystems.size()> kFsGrowth{2 * kMiB / 60, 0.5 * kMiB / 60, 0, 0};
constexpr std::array<double, kFilesystems.size()> kFsReserved{0.05, 0.05, 0, 0};

enum RedisOp { kBrpop, kLpush, kGet, kSet, kHset, kExpire };

}  // namespace

int64_t Simulation::Flow::Emit(double expected) {
  acc += std::max(0.0, expected);
  const double whole = std::floor(acc);
  acc -= whole;
  return static_cast<int64_t>(whole);
}

Simulation::Simulation(SimulationOptions options, EdgeMetrics& metrics)
    : options_(std::move(options)), m_(metrics), rng_(options_.seed) {
  // Flows whose absence a rule would notice start full, so their first event comes in the first
  // second; flows of bad news start empty.
  for (Flow* f : {&inbound_, &bot_replies_, &delivered_, &read_, &visits_, &leads_, &presence_,
                  &status_checks_}) {
    f->acc = 0.999;
  }
  rentals_.acc = 0.5;
  sales_.acc = 0.3;
  contacts_.acc = 0.5;
  for (size_t f = 0; f < kFilesystems.size(); ++f) {
    fs_used_[f] = kFsUsed[f] * kFilesystems[f].size_bytes;
    m_.filesystem_size[f]->Set(kFilesystems[f].size_bytes);
  }
  pipeline_ = kPipelineBase;
  m_.active_instances->Set(static_cast<double>(kInstances.size()));
  m_.redis_up->Set(1);
  m_.redis_connections_idle->Set(static_cast<double>(kRedisPoolSize));
  m_.queue_dlq->Set(dlq_);
  UpdateProcessAndHost(1, 0);
}

void Simulation::AdvanceTo(DurationMs elapsed) {
  while (elapsed_ + kTick <= elapsed) {
    NoteIncidents(elapsed_, elapsed_ + kTick);
    elapsed_ += kTick;
    Tick();
  }
}

std::vector<SimulationEvent> Simulation::TakeEvents() {
  return std::exchange(events_, {});
}

SimulationStatus Simulation::status() const {
  SimulationStatus s;
  s.elapsed = elapsed_;
  for (const auto& lane : waiting_) {
    for (int64_t n : lane) s.waiting += n;
  }
  s.processed_last_second = processed_last_second_;
  s.heap_mib = heap_bytes_ / kMiB;
  s.delivery_ratio = delivery_ratio_;
  s.redis_up = redis_up_;
  for (const IncidentInfo& info : AllIncidents()) {
    if (options_.schedule.Into(info.kind, elapsed_)) s.incidents.push_back(info.kind);
  }
  return s;
}

void Simulation::NoteIncidents(DurationMs from, DurationMs to) {
  const IncidentSchedule& schedule = options_.schedule;
  for (const IncidentInfo& info : AllIncidents()) {
    if (schedule.StartsWithin(info.kind, from, to)) {
      events_.push_back({to, std::string("incident ") + std::string(info.name) +
                                 " starts: " + std::string(info.description)});
    }
    if (schedule.EndsWithin(info.kind, from, to)) {
      events_.push_back({to, std::string("incident ") + std::string(info.name) + " ends"});
    }
  }
}

size_t Simulation::PickType(Lane lane) {
  return rng_.Pick(kLaneInfo[lane].mix);
}

void Simulation::Enqueue(Lane lane, int64_t n) {
  const size_t priority = kLaneInfo[lane].priority;
  for (int64_t i = 0; i < n; ++i) {
    const size_t type = PickType(lane);
    ++waiting_[lane][type];
    m_.queue_messages[priority][type]->Increment();
  }
  if (redis_up_) {
    RedisOperation(kLpush, n);
  } else {
    // The producer holds the messages and retries; each attempt fails.
    m_.redis_operations[kLpush][1]->Increment(static_cast<double>(n));
  }
}

void Simulation::RedisOperation(size_t operation, int64_t n) {
  m_.redis_operations[operation][0]->Increment(static_cast<double>(n));
  for (int64_t i = 0; i < n; ++i) {
    m_.redis_duration[operation]->Observe(rng_.LogNormal(0.0007, 0.45));
  }
}

void Simulation::CallApi(size_t endpoint, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const size_t status = rng_.Pick(kStatusMix);
    m_.api_calls[endpoint][status]->Increment();
    if (kStatusCodes[status] == "429") m_.rate_limit_hits[rng_.Pick(kInstanceMix)]->Increment();
    m_.api_latency[endpoint]->Observe(rng_.LogNormal(0.22, 0.35));
  }
}

void Simulation::SendThroughWhatsApp(Lane lane, size_t type, int64_t n) {
  m_.messages_sent[type][kLaneInfo[lane].campaign]->Increment(static_cast<double>(n));
  CallApi(kMessageTypes[type] == "media" ? 1 : 0, n);
}

void Simulation::ProcessInbound(int64_t n, double job_seconds, double wait_seconds) {
  for (int64_t i = 0; i < n; ++i) {
    const size_t intent = rng_.Pick(kIntentMix);
    m_.intents[intent]->Increment();
    const double u = rng_.Uniform();
    const double confidence = kIntents[intent] == "otro" ? 0.3 + 0.45 * u : 1.0 - 0.4 * u * u * u;
    m_.intent_confidence[intent]->Observe(confidence);
    if (kIntents[intent] == "buscar_propiedad" || kIntents[intent] == "consultar_precio") {
      m_.property_inquiry_value->Observe(rng_.LogNormal(320e3, 0.5));
    }
    // Time to answer: the bot's own work, the job, and however long the message waited.
    m_.response_time->Observe(rng_.LogNormal(6, 0.7) + job_seconds + rng_.Uniform(0, wait_seconds));
  }
  for (int64_t h = handoffs_.Emit(static_cast<double>(n) * kHandoffRatio); h > 0; --h) {
    m_.handoffs[rng_.Pick(kHandoffMix)]->Increment();
  }
  CallApi(2, contacts_.Emit(static_cast<double>(n) * 0.2));  // GET /contacts for new customers
}

void Simulation::RecordConversions() {
  const DurationMs now = elapsed_;
  for (int64_t i = visits_.Emit(kVisitsPerSecond); i > 0; --i) {
    m_.conversions[0][rng_.Pick(kConversionCampaignMix)]->Increment();
    m_.appointments[rng_.Pick(kAppointmentMix)][rng_.Pick(kSourceMix)]->Increment();
  }
  for (int64_t i = rentals_.Emit(kRentalsPerSecond); i > 0; --i) {
    m_.conversions[1][rng_.Pick(kConversionCampaignMix)]->Increment();
    m_.conversion_value_euros[1]->Increment(std::round(rng_.Uniform(9e3, 24e3) / 100) * 100);
  }
  for (int64_t i = sales_.Emit(kSalesPerSecond); i > 0; --i) {
    m_.conversions[2][rng_.Pick(kConversionCampaignMix)]->Increment();
    m_.conversion_value_euros[2]->Increment(std::round(rng_.Uniform(180e3, 850e3) / 1e3) * 1e3);
  }
  if (options_.schedule.StartsWithin(IncidentKind::kHighValueSale, now - kTick, now)) {
    m_.conversions[2][0]->Increment();
    m_.conversion_value_euros[2]->Increment(kRecordSaleEuros);
  }
  for (int64_t i = leads_.Emit(kLeadsPerSecond); i > 0; --i) {
    m_.leads[rng_.Pick(kSourceMix)][rng_.Pick(kQualityMix)]->Increment();
  }
  for (size_t s = 0; s < pipeline_.size(); ++s) {
    pipeline_[s] = std::max(
        0.0, pipeline_[s] + 0.02 * (kPipelineBase[s] - pipeline_[s]) + 0.3 * rng_.Normal());
    m_.sales_pipeline[s]->Set(std::round(pipeline_[s]));
  }
}

void Simulation::UpdateProcessAndHost(double load, int64_t processed) {
  const IncidentSchedule& schedule = options_.schedule;
  double leak = 0;
  if (auto into = schedule.Into(IncidentKind::kMemoryLeak, elapsed_)) {
    DurationMs growing = 0;
    for (const Incident& i : schedule.incidents()) {
      if (i.kind == IncidentKind::kMemoryLeak) growing = i.duration * 2 / 3;
    }
    leak = kLeakBytesPerSecond * static_cast<double>(std::min(*into, growing)) / kSecond;
  }
  const double sawtooth = static_cast<double>(elapsed_ % (75 * kSecond)) / (75 * kSecond);
  heap_bytes_ = kHeapBaseBytes + kHeapSawtoothBytes * sawtooth + 20 * kMiB * load + leak +
                2 * kMiB * rng_.Normal();
  m_.heap_used_bytes->Set(std::round(heap_bytes_));
  // Lag: mostly idle, a little per message, and GC pressure from a big heap.
  const double lag = 0.004 + 0.00005 * static_cast<double>(processed) + 0.03 * leak / (900 * kMiB) +
                     0.001 * std::abs(rng_.Normal());
  m_.eventloop_lag_seconds->Set(lag);
  m_.cpu_seconds->Increment(std::max(0.0, 0.10 + 0.0025 * static_cast<double>(processed) +
                                              0.02 * leak / (900 * kMiB) + 0.01 * rng_.Normal()));
  for (size_t f = 0; f < kFilesystems.size(); ++f) {
    fs_used_[f] += kFsGrowth[f] * static_cast<double>(kTick) / kSecond;
    const double size = kFilesystems[f].size_bytes;
    m_.filesystem_avail[f]->Set(std::round(size - fs_used_[f] - kFsReserved[f] * size));
  }
}

void Simulation::Tick() {
  const IncidentSchedule& schedule = options_.schedule;
  const DurationMs now = elapsed_;
  const bool slow_jobs = schedule.Into(IncidentKind::kLatencySpike, now).has_value();
  redis_up_ = !schedule.Into(IncidentKind::kRedisDown, now).has_value();
  const bool delivery_drop = schedule.Into(IncidentKind::kDeliveryDrop, now).has_value();
  const bool burst = schedule.Into(IncidentKind::kQueueBacklog, now).has_value();

  // --- arrivals ---
  load_drift_ = std::clamp(load_drift_ + 0.004 * rng_.Normal(), -0.1, 0.1);
  const double load =
      1 + 0.15 * std::sin(2 * std::numbers::pi * static_cast<double>(now) / (40.0 * kMinute)) +
      load_drift_;
  const int64_t inbound = inbound_.Emit(kInboundPerSecond * load);
  for (int64_t i = 0; i < inbound; ++i) {
    const size_t type = PickType(kInbound);
    m_.messages_received[type]->Increment();
    m_.webhooks[0][rng_.Pick(kInstanceMix)]->Increment();
  }
  Enqueue(kInbound, inbound);
  const int64_t replies = bot_replies_.Emit(static_cast<double>(inbound) * kBotReplyRatio);
  m_.automated_responses->Increment(static_cast<double>(replies));
  Enqueue(kBotReplies, replies);
  if (now % kMinute == 0) {
    const auto batch = static_cast<int64_t>(rng_.Uniform(40, 81));
    m_.queue_bulk_operations[1]->Increment();
    Enqueue(kReactivation, batch);
  }
  if (now % (5 * kMinute) == 30 * kSecond) {
    m_.queue_bulk_operations[0]->Increment();
    Enqueue(kReactivation, static_cast<int64_t>(rng_.Uniform(1, 11)));
  }
  if (burst) {
    m_.queue_bulk_operations[2]->Increment();
    Enqueue(kSpringCampaign, static_cast<int64_t>(kBurstPerSecond));
  }

  // --- processing: lanes in priority order, types in proportion to what waits ---
  const double job_median = slow_jobs ? kSlowJobMedianSeconds : kJobMedianSeconds;
  const double job_mean = job_median * std::exp(kJobSigma * kJobSigma / 2);
  int64_t budget =
      redis_up_ ? static_cast<int64_t>(std::min(kSendCapPerSecond, kWorkers / job_mean)) : 0;
  std::array<std::array<int64_t, kMessageTypes.size()>, kLanes> done{};
  int64_t processed = 0;
  for (size_t lane = 0; lane < kLanes && budget > 0; ++lane) {
    int64_t lane_total = 0;
    for (int64_t w : waiting_[lane]) lane_total += w;
    const int64_t take = std::min(lane_total, budget);
    if (take == 0) continue;
    int64_t given = 0;
    for (size_t t = 0; t < kMessageTypes.size(); ++t) {
      done[lane][t] = waiting_[lane][t] * take / lane_total;
      given += done[lane][t];
    }
    for (size_t t = 0; given < take && t < kMessageTypes.size(); ++t) {
      const int64_t more = std::min(take - given, waiting_[lane][t] - done[lane][t]);
      done[lane][t] += more;
      given += more;
    }
    for (size_t t = 0; t < kMessageTypes.size(); ++t) waiting_[lane][t] -= done[lane][t];
    budget -= take;
    processed += take;
  }
  processed_last_second_ = processed;

  // Failures, attributed to processed messages at random.
  std::array<std::array<int64_t, kMessageTypes.size()>, kLanes> failed{};
  const int64_t failures = failures_.Emit(static_cast<double>(processed) * kFailureRatio);
  for (int64_t f = 0; f < failures; ++f) {
    std::array<double, kLanes * kMessageTypes.size()> weights{};
    for (size_t l = 0; l < kLanes; ++l) {
      for (size_t t = 0; t < kMessageTypes.size(); ++t) {
        weights[l * kMessageTypes.size() + t] = static_cast<double>(done[l][t] - failed[l][t]);
      }
    }
    const size_t pick = rng_.Pick(weights);
    const size_t type = pick % kMessageTypes.size();
    ++failed[pick / kMessageTypes.size()][type];
    m_.queue_failed[type][rng_.Pick(kErrorMix)]->Increment();
  }
  dlq_ += static_cast<double>(dead_letters_.Emit(static_cast<double>(failures) * kDeadLetterRatio));
  if (now % kDeadLetterReplay == 0) dlq_ = 0;  // the nightly replay
  m_.queue_dlq->Set(dlq_);

  int64_t sent = 0;
  for (size_t lane = 0; lane < kLanes; ++lane) {
    const size_t priority = kLaneInfo[lane].priority;
    for (size_t t = 0; t < kMessageTypes.size(); ++t) {
      for (int64_t i = 0; i < done[lane][t]; ++i) {
        m_.queue_duration[t][priority]->Observe(rng_.LogNormal(job_median, kJobSigma));
      }
      const int64_t ok = done[lane][t] - failed[lane][t];
      m_.queue_processed[t]->Increment(static_cast<double>(ok));
      if (lane != kInbound && ok > 0) {
        SendThroughWhatsApp(static_cast<Lane>(lane), t, ok);
        sent += ok;
      }
    }
  }
  int64_t inbound_done = 0;
  for (int64_t n : done[kInbound]) inbound_done += n;
  int64_t inbound_waiting = 0;
  for (int64_t n : waiting_[kInbound]) inbound_waiting += n;
  inbound_backlog_age_ = inbound_waiting > 0 && !redis_up_ ? inbound_backlog_age_ + 1
                         : inbound_waiting > 0             ? inbound_backlog_age_
                                                           : 0;
  ProcessInbound(inbound_done, job_median, inbound_backlog_age_);

  for (int p = 0; p < 3; ++p) {
    int64_t w = 0;
    for (size_t lane = 0; lane < kLanes; ++lane) {
      if (kLaneInfo[lane].priority == static_cast<size_t>(p)) {
        for (int64_t n : waiting_[lane]) w += n;
      }
    }
    m_.queue_waiting[p]->Set(static_cast<double>(w));
  }
  m_.queue_active->Set(std::round(std::min(kWorkers, static_cast<double>(processed) * job_mean)));

  // --- Redis ---
  if (redis_up_) {
    for (RedisOp op : {kBrpop, kGet, kSet, kHset, kExpire}) RedisOperation(op, processed);
    const double ops = static_cast<double>(processed) * 6 + static_cast<double>(inbound + replies);
    const double active =
        std::clamp(std::round(2 + ops * 0.02 + std::abs(rng_.Normal())), 1.0, 18.0);
    m_.redis_connections_active->Set(active);
    m_.redis_connections_idle->Set(static_cast<double>(kRedisPoolSize) - active);
    m_.redis_up->Set(1);
  } else {
    m_.redis_operations[kBrpop][1]->Increment(3);  // the workers' polls fail
    m_.redis_connections_active->Set(0);
    m_.redis_connections_idle->Set(0);
    m_.redis_up->Set(0);
  }

  // --- WhatsApp: deliveries, reads and their webhooks, presence, instance checks ---
  const double ratio = delivery_drop ? kDroppedDeliveryRatio : kDeliveryRatio;
  const int64_t delivered = delivered_.Emit(static_cast<double>(sent) * ratio);
  const int64_t read = read_.Emit(static_cast<double>(delivered) * kReadRatio);
  delivery_ratio_ = sent > 0 ? static_cast<double>(delivered) / static_cast<double>(sent) : 0;
  m_.messages_delivered->Increment(static_cast<double>(delivered));
  m_.messages_read->Increment(static_cast<double>(read));
  for (int64_t i = 0; i < delivered + read; ++i) {
    m_.webhooks[1][rng_.Pick(kInstanceMix)]->Increment();
  }
  for (int64_t i = presence_.Emit(0.5); i > 0; --i) {
    m_.webhooks[2][rng_.Pick(kInstanceMix)]->Increment();
  }
  // Each instance's status is checked every 30 seconds.
  CallApi(3, status_checks_.Emit(static_cast<double>(kInstances.size()) / 30));
  m_.active_conversations->Set(std::round(kInboundPerSecond * load * 45 + 10 * rng_.Normal()));

  RecordConversions();
  UpdateProcessAndHost(load, processed + inbound);
}

}  // namespace tocsin::edge
