#include "rules/rule_group.h"

#include <chrono>
#include <map>

#include "rules/eval_slot.h"
#include "storage/base/sample.h"
#include "storage/tsdb/appender.h"

namespace tocsin::rules {
namespace {

// Go's url.QueryEscape: unreserved bytes stay, space becomes '+', the rest %XX.
std::string QueryEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

OutgoingAlert ToOutgoing(const Alert& a, const GroupEvalContext& ctx, const std::string& url) {
  OutgoingAlert o;
  LabelsBuilder lb(a.labels);
  for (const Label& l : ctx.external_labels) {
    if (!a.labels.has(l.name)) lb.set(l.name, l.value);
  }
  o.labels = lb.labels();
  o.annotations = a.annotations;
  o.starts_at = a.fired_at;
  o.resolved = a.resolved_at != kNoTime;
  o.ends_at = o.resolved ? a.resolved_at : a.valid_until;
  o.generator_url = url;
  return o;
}

}  // namespace

std::string TableLinkForExpression(std::string_view expr) {
  return "/graph?g0.expr=" + QueryEscape(expr) + "&g0.tab=1";
}

RuleGroup::RuleGroup(RuleGroupOptions options, std::vector<std::unique_ptr<Rule>> rules)
    : options_(std::move(options)),
      rules_(std::move(rules)),
      series_in_previous_eval_(rules_.size()) {}

uint64_t RuleGroup::hash() const {
  return GroupHash(options_.file, options_.name);
}

bool RuleGroup::SameDefinition(const RuleGroup& other) const {
  if (options_.file != other.options_.file || options_.name != other.options_.name ||
      options_.interval != other.options_.interval || options_.limit != other.options_.limit ||
      options_.query_offset != other.options_.query_offset ||
      rules_.size() != other.rules_.size()) {
    return false;
  }
  for (size_t i = 0; i < rules_.size(); ++i) {
    const Rule& a = *rules_[i];
    const Rule& b = *other.rules_[i];
    if (a.is_alerting() != b.is_alerting() || a.name() != b.name() || a.query() != b.query() ||
        !(a.labels() == b.labels())) {
      return false;
    }
    if (a.is_alerting()) {
      const AlertingRule& x = *a.alerting();
      const AlertingRule& y = *b.alerting();
      if (x.hold() != y.hold() || x.keep_firing_for() != y.keep_firing_for() ||
          !(x.annotations() == y.annotations())) {
        return false;
      }
    }
  }
  return true;
}

std::string RuleGroup::AppendResult(size_t rule_index, const promql::Vector& samples, TimestampMs t,
                                    storage::SeriesStore& store) {
  storage::Appender app(store);
  SeriesSet returned;
  returned.reserve(samples.size());
  std::string error;
  for (const promql::Sample& s : samples) {
    Result<storage::SeriesRef> ref = app.Append(s.metric, s.t, s.v);
    if (!ref.ok()) {
      error = ref.message();
      continue;
    }
    returned.insert(s.metric);
  }
  storage::CommitResult committed = app.Commit();
  // Prometheus reports a rejected sample as the rule's error (and still counts the series as
  // written for staleness), e.g. two rules writing one series at one time.
  if (committed.counts.duplicate_timestamp > 0) {
    error = "duplicate sample for timestamp";
  } else if (committed.counts.out_of_order > 0) {
    error = "out of order sample";
  } else if (committed.counts.too_old > 0) {
    error = "too old sample";
  }

  // Series written last time but not now end with a stale marker.
  std::vector<Labels> vanished;
  for (const Labels& l : series_in_previous_eval_[rule_index]) {
    if (!returned.contains(l)) vanished.push_back(l);
  }
  if (!vanished.empty()) AppendStale(vanished, t, store);
  series_in_previous_eval_[rule_index] = std::move(returned);
  return error;
}

void RuleGroup::AppendStale(const std::vector<Labels>& series, TimestampMs t,
                            storage::SeriesStore& store) {
  storage::Appender app(store);
  for (const Labels& l : series) (void)app.Append(l, t, StaleNaN());
  // Rejections are expected here (another rule may have written the series at t) and ignored.
  (void)app.Commit();
}

void RuleGroup::Eval(TimestampMs ts, const GroupEvalContext& ctx) {
  std::lock_guard lock(eval_mu_);
  const auto group_start = std::chrono::steady_clock::now();
  const DurationMs offset = options_.query_offset.value_or(ctx.default_query_offset);
  const TimestampMs sample_time = ts - offset;
  std::vector<OutgoingAlert> to_send;

  for (size_t i = 0; i < rules_.size(); ++i) {
    Rule& rule = *rules_[i];
    const auto start = std::chrono::steady_clock::now();
    RuleStatus status;
    status.last_evaluation = ts;
    Result<promql::Vector> result =
        rule.is_alerting()
            ? rule.alerting()->Eval(ts, offset, *ctx.query, ctx.expander, options_.limit)
            : rule.recording()->Eval(ts, offset, *ctx.query, options_.limit);
    if (!result.ok()) {
      status.health = RuleHealth::kErr;
      status.last_error = result.message();
    } else {
      status.health = RuleHealth::kOk;
      status.samples = result->size();
      if (rule.is_alerting()) {
        const std::string url = ctx.external_url + TableLinkForExpression(rule.query());
        for (const Alert& a :
             rule.alerting()->TakeAlertsToSend(ts, ctx.resend_delay, options_.interval)) {
          to_send.push_back(ToOutgoing(a, ctx, url));
        }
      }
      const std::string append_error = AppendResult(i, *result, sample_time, *ctx.store);
      if (!append_error.empty()) {
        status.health = RuleHealth::kErr;
        status.last_error = append_error;
      }
    }
    status.evaluation_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rule.SetStatus(std::move(status));
  }

  if (!stale_series_.empty()) {
    AppendStale(stale_series_, sample_time, *ctx.store);
    stale_series_.clear();
  }
  if (ctx.sink != nullptr && !to_send.empty()) ctx.sink->Send(key(), std::move(to_send));
  last_evaluation_ = ts;
  evaluation_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - group_start).count();
}

void RuleGroup::CopyStateFrom(RuleGroup& old) {
  std::scoped_lock lock(eval_mu_, old.eval_mu_);
  last_evaluation_ = old.last_evaluation_.load();
  evaluation_seconds_ = old.evaluation_seconds_.load();
  // Rules with the same name and labels match in order: the first with the first, and so on.
  std::map<std::string, std::vector<size_t>> old_by_identity;
  for (size_t i = 0; i < old.rules_.size(); ++i) {
    old_by_identity[old.rules_[i]->identity()].push_back(i);
  }
  std::vector<bool> matched(old.rules_.size(), false);
  for (size_t i = 0; i < rules_.size(); ++i) {
    auto it = old_by_identity.find(rules_[i]->identity());
    if (it == old_by_identity.end() || it->second.empty()) continue;
    const size_t from = it->second.front();
    it->second.erase(it->second.begin());
    matched[from] = true;
    series_in_previous_eval_[i] = old.series_in_previous_eval_[from];
    Rule& to_rule = *rules_[i];
    Rule& from_rule = *old.rules_[from];
    if (to_rule.is_alerting() && from_rule.is_alerting()) {
      to_rule.alerting()->SetAlerts(from_rule.alerting()->Alerts());
    }
  }
  stale_series_ = old.stale_series_;
  for (size_t i = 0; i < old.rules_.size(); ++i) {
    if (matched[i]) continue;
    for (const Labels& l : old.series_in_previous_eval_[i]) stale_series_.push_back(l);
  }
}

void RuleGroup::MarkAllSeriesStale(TimestampMs t, storage::SeriesStore& store) {
  std::lock_guard lock(eval_mu_);
  std::vector<Labels> all = stale_series_;
  for (const SeriesSet& set : series_in_previous_eval_)
    all.insert(all.end(), set.begin(), set.end());
  if (!all.empty()) AppendStale(all, t, store);
  for (SeriesSet& set : series_in_previous_eval_) set.clear();
  stale_series_.clear();
}

}  // namespace tocsin::rules
