#include "examples/edge_service/incident_schedule.h"

#include <algorithm>
#include <array>

namespace tocsin::edge {
namespace {

const std::array<IncidentInfo, 6>& Catalogue() {
  static const std::array<IncidentInfo, 6> kCatalogue{{
      {IncidentKind::kLatencySpike,
       "latency_spike",
       "the property search backend slows down: queue jobs take ~1.6s instead of ~80ms",
       8 * kMinute,
       {"CriticalQueueLatency"},
       {"HighQueueLatency"}},
      {IncidentKind::kRedisDown,
       "redis_down",
       "Redis is unreachable: redis_up is 0, the pool disconnects and the queue stops moving",
       4 * kMinute,
       {"RedisDown"},
       {}},
      {IncidentKind::kHighValueSale,
       "high_value_sale",
       "a whole building is sold through the assistant: one sale worth 6,400,000 euros",
       0,
       {"HighValueSale"},
       {}},
      {IncidentKind::kDeliveryDrop,
       "delivery_drop",
       "WhatsApp stops delivering most messages: ~12% of sent messages are delivered",
       20 * kMinute,
       {"CriticalDeliveryRate"},
       {"LowDeliveryRate"}},
      {IncidentKind::kQueueBacklog,
       "queue_backlog",
       "a bulk campaign enqueues 250 msg/s while sending is capped at 100 msg/s",
       10 * kMinute,
       {"CriticalQueueBacklog", "HighQueueBacklog"},
       {}},
      {IncidentKind::kMemoryLeak,
       "memory_leak",
       "a leaking cache grows the heap ~45 MiB/min for two thirds of the incident, then holds "
       "until the cache is flushed",
       30 * kMinute,
       {"CriticalMemoryUsage", "HighMemoryUsage"},
       {}},
  }};
  return kCatalogue;
}

std::string_view Trim(std::string_view s, size_t* skipped = nullptr) {
  size_t begin = 0;
  while (begin < s.size() && (s[begin] == ' ' || s[begin] == '\t')) ++begin;
  size_t end = s.size();
  while (end > begin && (s[end - 1] == ' ' || s[end - 1] == '\t')) --end;
  if (skipped) *skipped = begin;
  return s.substr(begin, end - begin);
}

std::string KnownNames() {
  std::string out;
  for (const IncidentInfo& info : Catalogue()) {
    if (!out.empty()) out += ", ";
    out += info.name;
  }
  return out;
}

}  // namespace

std::span<const IncidentInfo> AllIncidents() {
  return Catalogue();
}

const IncidentInfo& Describe(IncidentKind kind) {
  return Catalogue()[static_cast<size_t>(kind)];
}

Result<IncidentSchedule> IncidentSchedule::Make(std::vector<Incident> incidents, DurationMs cycle) {
  std::stable_sort(incidents.begin(), incidents.end(),
                   [](const Incident& a, const Incident& b) { return a.start < b.start; });
  DurationMs last_end = 0;
  for (const Incident& i : incidents) {
    if (i.start < 0 || i.duration < 0) {
      return Error{std::string("incident ") + std::string(Describe(i.kind).name) +
                   ": start and duration must not be negative"};
    }
    last_end = std::max(last_end, i.end());
  }
  if (cycle < 0) return Error{"cycle must not be negative"};
  if (cycle > 0 && cycle < last_end) {
    return Error{std::string("cycle ") + FormatDuration(cycle) +
                 " is shorter than the schedule, which ends at " + FormatDuration(last_end)};
  }
  if (cycle > 0 && !incidents.empty() && incidents.back().start >= cycle) {
    return Error{std::string("cycle ") + FormatDuration(cycle) +
                 " ends before the last incident starts"};
  }
  IncidentSchedule s;
  s.incidents_ = std::move(incidents);
  s.cycle_ = cycle;
  return s;
}

IncidentSchedule IncidentSchedule::Default() {
  return Make(
             {
                 {IncidentKind::kLatencySpike, 2 * kMinute, 8 * kMinute},
                 {IncidentKind::kRedisDown, 20 * kMinute, 4 * kMinute},
                 {IncidentKind::kHighValueSale, 30 * kMinute, 0},
                 {IncidentKind::kDeliveryDrop, 38 * kMinute, 20 * kMinute},
                 {IncidentKind::kQueueBacklog, 75 * kMinute, 10 * kMinute},
                 {IncidentKind::kMemoryLeak, 110 * kMinute, 30 * kMinute},
             },
             150 * kMinute)
      .value();
}

Result<IncidentSchedule> IncidentSchedule::Parse(std::string_view text) {
  if (Trim(text) == "none") return IncidentSchedule{};
  std::vector<Incident> incidents;
  DurationMs cycle = 0;
  size_t item_start = 0;
  for (int item = 1; item_start <= text.size(); ++item) {
    size_t comma = text.find(',', item_start);
    if (comma == std::string_view::npos) comma = text.size();
    size_t skipped = 0;
    const std::string_view raw = text.substr(item_start, comma - item_start);
    const std::string_view entry = Trim(raw, &skipped);
    const size_t column = item_start + skipped + 1;
    auto fail = [&](size_t offset, const std::string& message) -> Error {
      return Error{std::string("item ") + std::to_string(item) + " (\"" + std::string(entry) +
                   "\"), column " + std::to_string(column + offset) + ": " + message};
    };
    if (entry.empty()) return fail(0, "empty item");
    if (entry.starts_with("cycle=")) {
      auto d = ParseDuration(entry.substr(6));
      if (!d.ok()) return fail(6, d.message());
      cycle = *d;
    } else {
      const size_t at = entry.find('@');
      if (at == std::string_view::npos) {
        return fail(0, "expected <incident>@<start>[+<duration>] or cycle=<duration>");
      }
      const std::string_view name = entry.substr(0, at);
      const IncidentInfo* info = nullptr;
      for (const IncidentInfo& candidate : Catalogue()) {
        if (candidate.name == name) info = &candidate;
      }
      if (info == nullptr) {
        return fail(0, std::string("unknown incident \"") + std::string(name) +
                           "\" (known: " + KnownNames() + ")");
      }
      const size_t plus = entry.find('+', at);
      const std::string_view start_text = entry.substr(at + 1, plus - at - 1);
      auto start = ParseDuration(start_text);
      if (!start.ok()) return fail(at + 1, start.message());
      DurationMs duration = info->default_duration;
      if (plus != std::string_view::npos) {
        auto d = ParseDuration(entry.substr(plus + 1));
        if (!d.ok()) return fail(plus + 1, d.message());
        duration = *d;
      }
      incidents.push_back({info->kind, *start, duration});
    }
    item_start = comma + 1;
  }
  return Make(std::move(incidents), cycle);
}

std::string IncidentSchedule::ToString() const {
  if (incidents_.empty()) return "none";
  std::string out;
  for (const Incident& i : incidents_) {
    if (!out.empty()) out += ",";
    out += Describe(i.kind).name;
    out += '@';
    out += FormatDuration(i.start);
    if (i.duration > 0) {
      out += '+';
      out += FormatDuration(i.duration);
    }
  }
  if (cycle_ > 0) {
    out += ",cycle=";
    out += FormatDuration(cycle_);
  }
  return out;
}

std::optional<DurationMs> IncidentSchedule::Into(IncidentKind kind, DurationMs elapsed) const {
  if (elapsed < 0) return std::nullopt;
  const DurationMs local = cycle_ > 0 ? elapsed % cycle_ : elapsed;
  for (const Incident& i : incidents_) {
    if (i.kind == kind && i.start <= local && local < i.end()) return local - i.start;
  }
  return std::nullopt;
}

bool IncidentSchedule::Reaches(DurationMs offset, DurationMs from, DurationMs to) const {
  if (cycle_ == 0) return from < offset && offset <= to;
  // The first time after `from` that is `offset` into a cycle.
  const DurationMs first =
      from < offset ? offset : offset + ((from - offset) / cycle_ + 1) * cycle_;
  return first <= to;
}

bool IncidentSchedule::StartsWithin(IncidentKind kind, DurationMs from, DurationMs to) const {
  for (const Incident& i : incidents_) {
    if (i.kind == kind && Reaches(i.start, from, to)) return true;
  }
  return false;
}

bool IncidentSchedule::EndsWithin(IncidentKind kind, DurationMs from, DurationMs to) const {
  for (const Incident& i : incidents_) {
    if (i.kind == kind && i.duration > 0 && Reaches(i.end(), from, to)) return true;
  }
  return false;
}

}  // namespace tocsin::edge
