#include "engine/scrape/scrape_loop.h"

#include <algorithm>
#include <unordered_set>

#include "engine/scrape/content_type.h"
#include "engine/scrape/scrape_metrics.h"
#include "storage/base/sample.h"
#include "storage/base/strings.h"

namespace tocsin::scrape {
namespace {

constexpr const char* kReportNames[5] = {"up", "scrape_duration_seconds", "scrape_samples_scraped",
                                         "scrape_samples_post_metric_relabeling",
                                         "scrape_series_added"};

std::string Trunc(std::string_view s) {
  return std::string(s.substr(0, 50));
}

}  // namespace

ScrapeLoopOptions ScrapeLoopOptions::From(const ScrapeConfig& c) {
  ScrapeLoopOptions o;
  o.honor_labels = c.honor_labels;
  o.honor_timestamps = c.honor_timestamps;
  o.track_timestamps_staleness = c.track_timestamps_staleness;
  o.fallback_scrape_protocol = c.fallback_scrape_protocol;
  o.sample_limit = c.sample_limit;
  o.label_limit = c.label_limit;
  o.label_name_length_limit = c.label_name_length_limit;
  o.label_value_length_limit = c.label_value_length_limit;
  return o;
}

ScrapeLoop::ScrapeLoop(Target target, ScrapeLoopOptions options, storage::SeriesStore& store,
                       ScrapeMetrics* metrics)
    : target_(std::move(target)),
      options_(std::move(options)),
      store_(store),
      metrics_(metrics),
      app_(store) {}

Labels ScrapeLoop::TargetLabelsApplied(const Labels& exposed) const {
  LabelsBuilder b(exposed);
  if (options_.honor_labels) {
    for (const Label& l : target_.labels) {
      if (!exposed.has(l.name)) b.set(l.name, l.value);
    }
    return b.labels();
  }
  std::vector<Label> clashes;
  for (const Label& l : target_.labels) {
    const std::string_view existing = exposed.get(l.name);
    if (!existing.empty()) clashes.push_back({l.name, std::string(existing)});
    b.set(l.name, l.value);
  }
  std::stable_sort(clashes.begin(), clashes.end(),
                   [](const Label& a, const Label& b) { return a.name.size() < b.name.size(); });
  for (const Label& c : clashes) {
    std::string name = c.name;
    for (;;) {
      name = "exported_" + name;
      if (b.get(name).empty()) {
        b.set(name, c.value);
        break;
      }
    }
  }
  return b.labels();
}

std::string ScrapeLoop::CheckLabelLimits(const Labels& l) const {
  const std::string metric = Trunc(l.metric_name());
  if (options_.label_limit > 0 && l.size() > options_.label_limit) {
    return "label_limit exceeded (metric: " + metric +
           ", number of labels: " + std::to_string(l.size()) +
           ", limit: " + std::to_string(options_.label_limit) + ")";
  }
  for (const Label& label : l) {
    if (options_.label_name_length_limit > 0 &&
        label.name.size() > options_.label_name_length_limit) {
      return "label_name_length_limit exceeded (metric: " + metric +
             ", label name: " + Trunc(label.name) +
             ", length: " + std::to_string(label.name.size()) +
             ", limit: " + std::to_string(options_.label_name_length_limit) + ")";
    }
    if (options_.label_value_length_limit > 0 &&
        label.value.size() > options_.label_value_length_limit) {
      return "label_value_length_limit exceeded (metric: " + metric +
             ", label name: " + Trunc(label.name) + ", value: " + GoQuote(Trunc(label.value)) +
             ", length: " + std::to_string(label.value.size()) +
             ", limit: " + std::to_string(options_.label_value_length_limit) + ")";
    }
  }
  return "";
}

void ScrapeLoop::Stage(const Labels& labels, storage::SeriesRef& ref, TimestampMs t, double v) {
  if (ref != 0) {
    app_.Append(ref, t, v);
  } else {
    auto r = app_.Append(labels, t, v);
    if (!r.ok()) return;  // labels were validated; an invalid set is dropped
    ref = *r;
  }
  staged_.push_back({&labels, &ref, t, v});
}

std::string ScrapeLoop::AppendBody(const FetchResult& fetch, TimestampMs t, ScrapeOutcome& out) {
  auto format = FormatForContentType(fetch.content_type, options_.fallback_scrape_protocol);
  if (!format.ok()) return format.message();
  ExpositionParser p(fetch.body, *format, options_.parser);
  bool sample_limit_hit = false;
  size_t appended = 0;
  for (;;) {
    const scrape::Entry e = p.Next();
    if (e == scrape::Entry::kEnd) break;
    if (e == scrape::Entry::kError) return p.error().message;
    if (e != scrape::Entry::kSeries) continue;
    ++out.samples_scraped;
    const std::optional<TimestampMs> exposed_ts =
        options_.honor_timestamps ? p.timestamp() : std::nullopt;
    const TimestampMs ts = exposed_ts.value_or(t);
    auto [it, inserted] = cache_.try_emplace(std::string(p.series_text()));
    Entry& entry = it->second;
    if (!inserted && entry.last_iter == iter_ && !exposed_ts) {
      // The same series twice in one scrape: the second sample is a duplicate.
      ++out.samples_post_relabeling;
      ++out.counts.duplicate_timestamp;
      if (metrics_) metrics_->sample_duplicate.Increment();
      continue;
    }
    if (inserted) {
      entry.labels = TargetLabelsApplied(p.labels());
      std::string limit = CheckLabelLimits(entry.labels);
      if (!limit.empty()) {
        cache_.erase(it);
        if (metrics_) metrics_->pool_exceeded_label_limits.Increment();
        return limit;
      }
    }
    entry.last_iter = iter_;
    ++out.samples_post_relabeling;
    if (options_.sample_limit > 0 && appended >= options_.sample_limit) {
      sample_limit_hit = true;  // keep reading, to report how many samples there were
      if (inserted) cache_.erase(it);
      continue;
    }
    ++appended;
    Stage(entry.labels, entry.ref, ts, p.value());
    if (!exposed_ts || options_.track_timestamps_staleness) seen_now_[entry.labels] = entry.ref;
    if (inserted && !sample_limit_hit) ++out.series_added;
  }
  if (sample_limit_hit) {
    if (metrics_) metrics_->exceeded_sample_limit.Increment();
    return "sample limit exceeded";
  }
  return "";
}

void ScrapeLoop::StageStaleMarkers(TimestampMs t, ScrapeOutcome& out) {
  for (auto& [labels, ref] : seen_before_) {
    if (seen_now_.contains(labels)) continue;
    Stage(labels, ref, t, StaleNaN());
    ++out.stale_markers;
  }
}

void ScrapeLoop::StageReport(TimestampMs t, const ScrapeOutcome& out, double duration, bool stale) {
  const double values[5] = {out.up ? 1.0 : 0.0, duration, static_cast<double>(out.samples_scraped),
                            static_cast<double>(out.samples_post_relabeling),
                            static_cast<double>(out.series_added)};
  for (int i = 0; i < 5; ++i) {
    Report& r = report_[i];
    if (r.labels.empty()) {
      LabelsBuilder b(target_.labels);
      b.set(kMetricName, kReportNames[i]);
      r.labels = b.labels();
    }
    Stage(r.labels, r.ref, t, stale ? StaleNaN() : values[i]);
  }
}

storage::CommitResult ScrapeLoop::Commit() {
  storage::CommitResult result = app_.Commit();
  if (!result.unknown_refs.empty()) {
    // The store dropped some series since we last saw them: append those samples by labels.
    const std::unordered_set<storage::SeriesRef> unknown(result.unknown_refs.begin(),
                                                         result.unknown_refs.end());
    for (Staged& s : staged_) {
      if (!unknown.contains(*s.ref)) continue;
      auto ref = app_.Append(*s.labels, s.t, s.v);
      if (ref.ok()) *s.ref = *ref;
    }
    storage::CommitResult again = app_.Commit();
    result.counts.appended += again.counts.appended;
    result.counts.out_of_order += again.counts.out_of_order;
    result.counts.duplicate_timestamp += again.counts.duplicate_timestamp;
    result.counts.too_old += again.counts.too_old;
  }
  staged_.clear();
  return result;
}

void ScrapeLoop::IterDone(bool flush) {
  if (flush) {
    successful_count_ = cache_.size();
  } else if (cache_.size() > successful_count_ * 2 + 1000) {
    flush = true;  // failing scrapes with churning series must not grow the cache for ever
  }
  if (flush) {
    std::erase_if(cache_, [&](const auto& kv) { return kv.second.last_iter != iter_; });
  }
  seen_before_.swap(seen_now_);
  seen_now_.clear();
  ++iter_;
}

ScrapeOutcome ScrapeLoop::Append(const FetchResult& fetch, TimestampMs scrape_time,
                                 double duration_seconds) {
  ScrapeOutcome out;
  std::string error = fetch.ok ? std::string() : fetch.error;
  bool flush = false;
  if (fetch.ok && !fetch.body.empty()) {
    std::string body_error = AppendBody(fetch, scrape_time, out);
    if (body_error.empty()) {
      flush = true;
    } else {
      // Nothing of a bad body is kept; what it had seen still counts as seen (as upstream).
      app_.Rollback();
      staged_.clear();
      error = std::move(body_error);
    }
  }
  if (fetch.body_limit_exceeded && metrics_) metrics_->exceeded_body_size_limit.Increment();
  StageStaleMarkers(scrape_time, out);
  out.up = error.empty();
  out.error = std::move(error);
  const size_t duplicates = out.counts.duplicate_timestamp;
  StageReport(scrape_time, out, duration_seconds, /*stale=*/false);
  out.counts = Commit().counts;
  out.counts.duplicate_timestamp += duplicates;
  if (metrics_) {
    metrics_->sample_out_of_order.Increment(static_cast<double>(out.counts.out_of_order));
    metrics_->sample_out_of_bounds.Increment(static_cast<double>(out.counts.too_old));
    metrics_->sample_duplicate.Increment(
        static_cast<double>(out.counts.duplicate_timestamp - duplicates));
  }
  IterDone(flush);
  scraped_ = true;
  return out;
}

size_t ScrapeLoop::AppendEndOfRunStaleness(TimestampMs t) {
  if (!scraped_) return 0;
  ScrapeOutcome out;
  StageStaleMarkers(t, out);
  StageReport(t, out, 0, /*stale=*/true);
  Commit();
  IterDone(false);
  return out.stale_markers;
}

}  // namespace tocsin::scrape
