#include "rules/alerting_rule.h"

#include <algorithm>

namespace tocsin::rules {
namespace {

bool AnyTemplated(const Labels& labels, const Labels& annotations) {
  for (const Label& l : labels)
    if (IsTemplated(l.value)) return true;
  for (const Label& a : annotations)
    if (IsTemplated(a.value)) return true;
  return false;
}

// Go's time.Time.Unix(): seconds, rounded towards negative infinity.
int64_t UnixSeconds(TimestampMs t) {
  return t >= 0 ? t / 1000 : -((-t + 999) / 1000);
}

}  // namespace

std::string_view AlertStateName(AlertState s) {
  switch (s) {
    case AlertState::kUnknown:
      return "unknown";
    case AlertState::kInactive:
      return "inactive";
    case AlertState::kPending:
      return "pending";
    case AlertState::kFiring:
      return "firing";
  }
  return "unknown";
}

bool Alert::NeedsSending(TimestampMs ts, DurationMs resend_delay) const {
  if (state == AlertState::kPending) return false;
  if (resolved_at != kNoTime && resolved_at > last_sent_at) return true;
  return last_sent_at == kNoTime || last_sent_at + resend_delay < ts;
}

AlertingRule::AlertingRule(AlertingRuleSpec spec)
    : name_(std::move(spec.name)),
      expr_(std::move(spec.expr)),
      hold_(spec.hold),
      keep_firing_for_(spec.keep_firing_for),
      labels_(std::move(spec.labels)),
      annotations_(std::move(spec.annotations)),
      removed_labels_(std::move(spec.removed_labels)),
      templated_(AnyTemplated(labels_, annotations_)) {}

void AlertingRule::BuildAlert(const promql::Sample& sample, TimestampMs ts,
                              const AlertTemplateExpander* expander, Alert* out) const {
  const AlertExpansionInput data{name_, sample.metric, sample.v, ts};
  auto expand = [&](const std::string& text) -> std::string {
    if (expander == nullptr || !IsTemplated(text)) return text;
    return expander->Expand(text, data);
  };
  LabelsBuilder lb(sample.metric);
  lb.del(kMetricName);
  for (const Label& l : labels_) lb.set(l.name, expand(l.value));
  for (const std::string& name : removed_labels_) lb.del(name);
  lb.set(kAlertNameLabel, name_);
  out->labels = lb.labels();
  std::vector<Label> annotations;
  annotations.reserve(annotations_.size());
  out->empty_annotations.clear();
  for (const Label& a : annotations_) {
    std::string text = expand(a.value);
    if (text.empty()) {
      out->empty_annotations.push_back(a.name);
    } else {
      annotations.push_back({a.name, std::move(text)});
    }
  }
  out->annotations = Labels::FromVector(std::move(annotations));
  out->value = sample.v;
  out->active_at = ts;
  out->state = AlertState::kPending;
}

promql::Sample AlertingRule::AlertsSample(const Alert& a, TimestampMs t) const {
  // Prometheus starts from the rule's labels as written (templates unexpanded), then sets the
  // alert's labels over them.
  LabelsBuilder lb(labels_);
  for (const Label& l : a.labels) lb.set(l.name, l.value);
  lb.set(kMetricName, kAlertsMetric);
  lb.set(kAlertNameLabel, name_);
  lb.set(kAlertStateLabel, AlertStateName(a.state));
  return promql::Sample{lb.labels(), t, 1.0};
}

promql::Sample AlertingRule::ForStateSample(const Alert& a, TimestampMs t) const {
  LabelsBuilder lb(labels_);
  for (const Label& l : a.labels) lb.set(l.name, l.value);
  lb.set(kMetricName, kAlertsForStateMetric);
  lb.set(kAlertNameLabel, name_);
  return promql::Sample{lb.labels(), t, static_cast<double>(UnixSeconds(a.active_at))};
}

Result<promql::Vector> AlertingRule::Eval(TimestampMs ts, DurationMs query_offset,
                                          const QueryFunc& query,
                                          const AlertTemplateExpander* expander, int64_t limit) {
  {
    std::lock_guard lock(mu_);
    evaluated_ = true;
  }
  Result<promql::Vector> res = query(*expr_, ts - query_offset);
  if (!res.ok()) return res.error();
  if (templated_ && expander == nullptr) {
    return Error{"alerting rule " + name_ + " has templates but no template expander"};
  }

  // Build every alert of this evaluation before touching the state, so that a duplicate label
  // set leaves the state as it was.
  std::unordered_map<Labels, Alert, LabelsHash> current;
  current.reserve(res->size());
  for (const promql::Sample& sample : *res) {
    Alert a;
    BuildAlert(sample, ts, expander, &a);
    Labels key = a.labels;
    if (!current.emplace(std::move(key), std::move(a)).second) {
      return Error{"vector contains metrics with the same labelset after applying alert labels"};
    }
  }

  std::lock_guard lock(mu_);
  for (auto& [labels, a] : current) {
    auto it = active_.find(labels);
    if (it != active_.end() && it->second.state != AlertState::kInactive) {
      it->second.value = a.value;
      it->second.annotations = a.annotations;
      it->second.empty_annotations = a.empty_annotations;
      continue;
    }
    active_.insert_or_assign(labels, std::move(a));
  }

  promql::Vector out;
  const TimestampMs sample_time = ts - query_offset;
  int64_t active_or_pending = 0;
  for (auto it = active_.begin(); it != active_.end();) {
    Alert& a = it->second;
    if (!current.contains(it->first)) {
      bool keep_firing = false;
      if (a.state == AlertState::kFiring && keep_firing_for_ > 0) {
        if (a.keep_firing_since == kNoTime) a.keep_firing_since = ts;
        keep_firing = ts - a.keep_firing_since < keep_firing_for_;
      }
      // Pending alerts vanish without a trace; resolved ones are kept for kResolvedRetention so
      // that the resolution keeps being sent.
      if (a.state == AlertState::kPending ||
          (a.resolved_at != kNoTime && ts - a.resolved_at > kResolvedRetention)) {
        it = active_.erase(it);
        continue;
      }
      if (!keep_firing) {
        if (a.state != AlertState::kInactive) {
          a.state = AlertState::kInactive;
          a.resolved_at = ts;
        }
        ++it;
        continue;
      }
    } else {
      a.keep_firing_since = kNoTime;
    }
    ++active_or_pending;
    if (a.state == AlertState::kPending && ts - a.active_at >= hold_) {
      a.state = AlertState::kFiring;
      a.fired_at = ts;
    }
    // `for` was raised by a reload above the time this alert has been active.
    if (a.state == AlertState::kFiring && ts - a.active_at < hold_) {
      a.state = AlertState::kPending;
      a.fired_at = kNoTime;
      a.last_sent_at = kNoTime;
      a.keep_firing_since = kNoTime;
    }
    out.push_back(AlertsSample(a, sample_time));
    out.push_back(ForStateSample(a, sample_time));
    ++it;
  }

  if (limit > 0 && active_or_pending > limit) {
    active_.clear();
    return Error{"exceeded limit of " + std::to_string(limit) + " with " +
                 std::to_string(active_or_pending) + " alerts"};
  }
  return out;
}

std::vector<Alert> AlertingRule::Alerts() const {
  std::vector<Alert> out;
  {
    std::lock_guard lock(mu_);
    out.reserve(active_.size());
    for (const auto& [labels, a] : active_) out.push_back(a);
  }
  std::sort(out.begin(), out.end(),
            [](const Alert& a, const Alert& b) { return a.labels < b.labels; });
  return out;
}

std::vector<Alert> AlertingRule::ActiveAlerts() const {
  std::vector<Alert> out = Alerts();
  std::erase_if(out, [](const Alert& a) { return a.resolved_at != kNoTime; });
  return out;
}

AlertState AlertingRule::State() const {
  std::lock_guard lock(mu_);
  if (!evaluated_) return AlertState::kUnknown;
  AlertState max = AlertState::kInactive;
  for (const auto& [labels, a] : active_) max = std::max(max, a.state);
  return max;
}

bool AlertingRule::evaluated() const {
  std::lock_guard lock(mu_);
  return evaluated_;
}

std::vector<Alert> AlertingRule::TakeAlertsToSend(TimestampMs ts, DurationMs resend_delay,
                                                  DurationMs interval) {
  std::vector<Alert> out;
  std::lock_guard lock(mu_);
  for (auto& [labels, a] : active_) {
    if (!a.NeedsSending(ts, resend_delay)) continue;
    a.last_sent_at = ts;
    // Valid for two missed evaluations or sends.
    a.valid_until = ts + 4 * std::max(interval, resend_delay);
    out.push_back(a);
  }
  std::sort(out.begin(), out.end(),
            [](const Alert& a, const Alert& b) { return a.labels < b.labels; });
  return out;
}

void AlertingRule::SetAlerts(const std::vector<Alert>& alerts) {
  std::lock_guard lock(mu_);
  active_.clear();
  for (const Alert& a : alerts) active_.insert_or_assign(a.labels, a);
}

}  // namespace tocsin::rules
