#include "storage/tsdb/series_store.h"

#include "storage/base/strings.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <shared_mutex>
#include <stdexcept>

namespace tocsin::storage {

namespace {

constexpr TimestampMs kMinTime = std::numeric_limits<TimestampMs>::min();

TimestampMs SaturatingSub(TimestampMs a, DurationMs b) {
  return a < kMinTime + b ? kMinTime : a - b;
}

uint32_t PreferredCapacity(const StoreOptions& o) {
  if (o.retention <= 0) return SampleRing::kUnboundedCapacity;
  const DurationMs interval = std::max<DurationMs>(o.expected_interval, 1);
  const uint64_t n = static_cast<uint64_t>(o.retention / interval) + 1;
  return static_cast<uint32_t>(std::clamp<uint64_t>(n, 1, uint64_t{1} << 30));
}

enum class Outcome { kAppended, kIgnored, kOutOfOrder, kDuplicateTimestamp, kTooOld };

}  // namespace

AppendCounts& AppendCounts::operator+=(const AppendCounts& o) {
  appended += o.appended;
  out_of_order += o.out_of_order;
  duplicate_timestamp += o.duplicate_timestamp;
  too_old += o.too_old;
  unknown_series += o.unknown_series;
  return *this;
}

SeriesStore::SeriesStore(StoreOptions options)
    : options_(options), preferred_capacity_(PreferredCapacity(options)) {}

SeriesStore::~SeriesStore() {
  by_id_.ForEach([](Series* s) { Series::Destroy(s); });
}

Series* SeriesStore::FindById(SeriesId id) const {
  Series* const* s = by_id_.Find(id, [id](const Series* s) { return s->id == id; });
  return s ? *s : nullptr;
}

SeriesId SeriesStore::IdOf(SeriesRef ref) const {
  return (ref >> 32) == generation_ ? static_cast<SeriesId>(ref) : 0;
}

bool SeriesStore::SameLabels(const Series& s, const Labels& labels) const {
  if (s.num_labels != labels.size()) return false;
  const auto refs = s.labels();
  for (size_t i = 0; i < refs.size(); ++i) {
    if (symbols_.Get(refs[i].name) != labels[i].name ||
        symbols_.Get(refs[i].value) != labels[i].value) {
      return false;
    }
  }
  return true;
}

Series* SeriesStore::FindByLabels(const Labels& labels) const {
  const uint64_t hash = labels.hash();
  Series* const* s = by_hash_.Find(
      hash, [&](const Series* s) { return s->hash == hash && SameLabels(*s, labels); });
  return s ? *s : nullptr;
}

Labels SeriesStore::LabelsOf(const Series& s) const {
  std::vector<Label> labels;
  labels.reserve(s.num_labels);
  for (const LabelRef& l : s.labels()) {
    labels.push_back(Label{std::string(symbols_.Get(l.name)), std::string(symbols_.Get(l.value))});
  }
  return Labels::FromSortedWithHash(std::move(labels), s.hash);
}

Result<SeriesRef> SeriesStore::GetOrCreate(const Labels& labels) {
  if (labels.empty()) return Error{"empty label set"};
  if (labels.size() > kMaxLabelsPerSeries) {
    return Error{"label set has " + std::to_string(labels.size()) + " labels, more than " +
                 std::to_string(kMaxLabelsPerSeries)};
  }
  {
    std::shared_lock lock(index_mu_);
    if (Series* s = FindByLabels(labels)) return RefOf(s->id);
  }
  for (const Label& l : labels) {
    if (!IsValidLabelName(l.name)) return Error{"invalid label name " + GoQuote(l.name)};
  }
  std::unique_lock lock(index_mu_);
  if (Series* s = FindByLabels(labels)) return RefOf(s->id);  // created meanwhile
  Result<Series*> s = CreateLocked(labels, 0);
  if (!s.ok()) return s.error();
  return RefOf((*s)->id);
}

Result<Series*> SeriesStore::CreateLocked(const Labels& labels, SeriesId id) {
  if (next_id_ == std::numeric_limits<SeriesId>::max()) RenumberIds();
  std::vector<LabelRef> refs;
  refs.reserve(labels.size());
  try {
    for (const Label& l : labels) refs.push_back({symbols_.Ref(l.name), symbols_.Ref(l.value)});
  } catch (const std::length_error& e) {
    for (const LabelRef& r : refs) {
      symbols_.Unref(r.name);
      symbols_.Unref(r.value);
    }
    return Error{e.what()};
  }
  if (id == 0 || id >= next_id_ || FindById(id) != nullptr) id = next_id_++;
  Series* s = Series::Create(id, labels.hash(), refs);
  by_id_.Insert(s);
  by_hash_.Insert(s);
  postings_.Add(s->id, refs);
  series_created_.fetch_add(1, std::memory_order_relaxed);
  return s;
}

AppendCounts SeriesStore::CommitBatch(std::span<const StagedSample> staged,
                                      std::span<const StagedStartTime> start_times,
                                      std::span<const Labels> labels,
                                      std::vector<SeriesRef>& unknown_refs,
                                      std::vector<Series*>& series) {
  AppendCounts counts;
  int64_t stored_delta = 0;
  TimestampMs batch_max = kMinTime;
  const TimestampMs global_max = max_time_.load(std::memory_order_relaxed);
  const TimestampMs too_old_before = options_.retention > 0 && global_max != kMinTime
                                         ? SaturatingSub(global_max, options_.retention)
                                         : kMinTime;

  // The start timestamp staged with sample `i`, or 0.
  auto start_time_of = [&start_times](size_t i) -> TimestampMs {
    if (start_times.empty()) return 0;
    const auto it =
        std::lower_bound(start_times.begin(), start_times.end(), i,
                         [](const StagedStartTime& st, size_t index) { return st.index < index; });
    return it != start_times.end() && it->index == i ? it->start : 0;
  };
  auto append = [&](Series& s, TimestampMs t, double v, TimestampMs start) {
    Outcome outcome = Outcome::kAppended;
    if (t < too_old_before) {
      outcome = Outcome::kTooOld;
    } else if (!s.ring.empty() && t <= s.ring.newest_time()) {
      if (t < s.ring.newest_time()) {
        outcome = Outcome::kOutOfOrder;
      } else {
        // Bitwise, so a stale marker and an ordinary NaN count as different values.
        outcome = std::bit_cast<uint64_t>(v) == std::bit_cast<uint64_t>(s.ring.newest_value())
                      ? Outcome::kIgnored
                      : Outcome::kDuplicateTimestamp;
      }
    }
    switch (outcome) {
      case Outcome::kAppended: {
        const TimestampMs keep_from =
            options_.retention > 0 ? SaturatingSub(t, options_.retention) : kMinTime;
        const uint32_t dropped = s.ring.Push(t, v, keep_from, preferred_capacity_);
        stored_delta += 1 - static_cast<int64_t>(dropped);
        if (start != 0) {
          if (!s.start_times) s.start_times = std::make_unique<StartTimes>();
          s.start_times->Add(t, start);
        }
        if (dropped > 0 && s.start_times) s.start_times->DropBefore(s.ring.time_at(0));
        ++counts.appended;
        batch_max = std::max(batch_max, t);
        break;
      }
      case Outcome::kIgnored:
        break;
      case Outcome::kOutOfOrder:
        ++counts.out_of_order;
        break;
      case Outcome::kDuplicateTimestamp:
        ++counts.duplicate_timestamp;
        break;
      case Outcome::kTooOld:
        ++counts.too_old;
        break;
    }
  };

  std::vector<size_t> missing;  // staged samples whose series is gone
  {
    std::shared_lock lock(index_mu_);
    // Resolve every ref first: the look-ups are independent, so their cache misses overlap.
    series.resize(staged.size());
    for (size_t i = 0; i < staged.size(); ++i) series[i] = FindById(IdOf(staged[i].ref));
    // Then work in blocks, asking the CPU for the ring memory of the next block while appending
    // to this one, so the misses on 10k different rings overlap instead of stalling each append.
    // (Reading a ring's position needs its stripe too.)
    std::mutex* held = nullptr;
    auto hold = [&held](std::mutex& mu) {
      if (&mu == held) return;
      if (held) held->unlock();
      mu.lock();
      held = &mu;
    };
    constexpr size_t kBlock = 64;
    auto prefetch_block = [&](size_t begin) {
      const size_t end = std::min(begin + kBlock, staged.size());
      for (size_t i = begin; i < end; ++i) {
        if (series[i] == nullptr) continue;
        hold(StripeOf(series[i]->id));
        series[i]->ring.PrefetchForPush();
      }
    };
    prefetch_block(0);
    for (size_t begin = 0; begin < staged.size(); begin += kBlock) {
      if (begin + kBlock < staged.size()) prefetch_block(begin + kBlock);
      const size_t end = std::min(begin + kBlock, staged.size());
      for (size_t i = begin; i < end; ++i) {
        Series* s = series[i];
        if (s == nullptr) {
          missing.push_back(i);
          continue;
        }
        hold(StripeOf(s->id));
        append(*s, staged[i].t, staged[i].v, start_time_of(i));
      }
    }
    if (held) held->unlock();
  }

  if (!missing.empty()) {
    // The series was dropped (GarbageCollect, Clear) between staging and commit. Where the batch
    // has its labels, recreate it under its old id (so refs the caller cached stay valid) and
    // append, all under the exclusive lock so no collection can intervene; otherwise report the
    // ref.
    std::unique_lock lock(index_mu_);
    for (size_t i : missing) {
      const StagedSample& e = staged[i];
      if (e.labels_index == kNoLabels) continue;
      const SeriesId id = IdOf(e.ref);
      if ((id != 0 && FindById(id) != nullptr) || FindByLabels(labels[e.labels_index])) continue;
      (void)CreateLocked(labels[e.labels_index], id);  // an error leaves the samples unknown
    }
    for (size_t i : missing) {
      const StagedSample& e = staged[i];
      Series* s = FindById(IdOf(e.ref));
      if (s == nullptr && e.labels_index != kNoLabels) s = FindByLabels(labels[e.labels_index]);
      if (s == nullptr) {
        ++counts.unknown_series;
        if (std::find(unknown_refs.begin(), unknown_refs.end(), e.ref) == unknown_refs.end()) {
          unknown_refs.push_back(e.ref);
        }
        continue;
      }
      append(*s, e.t, e.v, start_time_of(i));
    }
  }

  TimestampMs seen = max_time_.load(std::memory_order_relaxed);
  while (batch_max > seen &&
         !max_time_.compare_exchange_weak(seen, batch_max, std::memory_order_relaxed)) {
  }
  samples_.fetch_add(stored_delta, std::memory_order_relaxed);
  appended_.fetch_add(counts.appended, std::memory_order_relaxed);
  out_of_order_.fetch_add(counts.out_of_order, std::memory_order_relaxed);
  duplicate_timestamp_.fetch_add(counts.duplicate_timestamp, std::memory_order_relaxed);
  too_old_.fetch_add(counts.too_old, std::memory_order_relaxed);
  unknown_series_.fetch_add(counts.unknown_series, std::memory_order_relaxed);
  return counts;
}

size_t SeriesStore::GarbageCollect(TimestampMs now) {
  std::unique_lock lock(index_mu_);
  const bool bounded = options_.retention > 0;
  const TimestampMs cutoff = bounded ? SaturatingSub(now, options_.retention) : kMinTime;
  std::vector<Series*> dead;
  int64_t forgotten = 0;
  by_id_.ForEach([&](Series* s) {
    if (s->ring.empty()) {
      if (s->empty_at_last_gc) dead.push_back(s);
      s->empty_at_last_gc = true;
      return;
    }
    s->empty_at_last_gc = false;
    if (bounded && s->ring.newest_time() < cutoff) {
      dead.push_back(s);
      return;
    }
    if (bounded) {
      forgotten += s->ring.DropBefore(cutoff);
      s->ring.Shrink(preferred_capacity_);
      if (s->start_times) {
        s->start_times->DropBefore(cutoff);
        if (s->start_times->empty()) s->start_times.reset();
      }
    }
  });
  samples_.fetch_sub(forgotten, std::memory_order_relaxed);
  const size_t dropped = dead.size();
  RemoveSeries(std::move(dead));
  if (next_id_ > renumber_threshold_) RenumberIds();
  return dropped;
}

void SeriesStore::RemoveSeries(std::vector<Series*> dead) {
  if (dead.empty()) return;
  std::sort(dead.begin(), dead.end(),
            [](const Series* a, const Series* b) { return a->id < b->id; });
  std::vector<SeriesId> ids;
  ids.reserve(dead.size());
  std::vector<LabelRef> pairs;
  int64_t samples = 0;
  for (const Series* s : dead) {
    ids.push_back(s->id);
    pairs.insert(pairs.end(), s->labels().begin(), s->labels().end());
    samples += s->ring.size();
  }
  postings_.Remove(ids, std::move(pairs));
  for (Series* s : dead) {
    by_id_.Erase(s);
    by_hash_.Erase(s);
    for (const LabelRef& l : s->labels()) {
      symbols_.Unref(l.name);
      symbols_.Unref(l.value);
    }
    Series::Destroy(s);
  }
  samples_.fetch_sub(samples, std::memory_order_relaxed);
  series_removed_.fetch_add(dead.size(), std::memory_order_relaxed);
}

void SeriesStore::RenumberIds() {
  std::vector<Series*> all;
  all.reserve(by_id_.size());
  by_id_.ForEach([&](Series* s) { all.push_back(s); });
  std::sort(all.begin(), all.end(), [](const Series* a, const Series* b) { return a->id < b->id; });
  std::vector<SeriesId> old_ids;
  old_ids.reserve(all.size());
  for (const Series* s : all) old_ids.push_back(s->id);
  // New id = rank + 1, which preserves the order every postings list is sorted by.
  postings_.MapIds([&](SeriesId old) {
    return static_cast<SeriesId>(std::lower_bound(old_ids.begin(), old_ids.end(), old) -
                                 old_ids.begin() + 1);
  });
  by_id_.Clear();
  for (size_t i = 0; i < all.size(); ++i) {
    all[i]->id = static_cast<SeriesId>(i + 1);
    by_id_.Insert(all[i]);
  }
  next_id_ = static_cast<SeriesId>(all.size() + 1);
  ++generation_;
}

void SeriesStore::Clear() {
  std::unique_lock lock(index_mu_);
  size_t n = 0;
  by_id_.ForEach([&](Series* s) {
    Series::Destroy(s);
    ++n;
  });
  by_id_.Clear();
  by_hash_.Clear();
  postings_.Clear();
  symbols_.Clear();
  samples_.store(0, std::memory_order_relaxed);
  series_removed_.fetch_add(n, std::memory_order_relaxed);
}

size_t SeriesStore::num_series() const {
  std::shared_lock lock(index_mu_);
  return by_id_.size();
}

StoreStats SeriesStore::Stats() const {
  StoreStats st;
  {
    std::shared_lock lock(index_mu_);
    st.series = by_id_.size();
    st.symbols = symbols_.size();
    size_t bytes = symbols_.memory_bytes() + postings_.memory_bytes() + by_id_.memory_bytes() +
                   by_hash_.memory_bytes() + sizeof(*this);
    by_id_.ForEach([&](const Series* s) {
      std::lock_guard stripe(StripeOf(s->id));
      bytes += s->memory_bytes() + s->ring.memory_bytes();
    });
    st.memory_bytes = bytes;
  }
  st.samples = static_cast<size_t>(std::max<int64_t>(samples_.load(std::memory_order_relaxed), 0));
  st.totals.appended = appended_.load(std::memory_order_relaxed);
  st.totals.out_of_order = out_of_order_.load(std::memory_order_relaxed);
  st.totals.duplicate_timestamp = duplicate_timestamp_.load(std::memory_order_relaxed);
  st.totals.too_old = too_old_.load(std::memory_order_relaxed);
  st.totals.unknown_series = unknown_series_.load(std::memory_order_relaxed);
  st.series_created = series_created_.load(std::memory_order_relaxed);
  st.series_removed = series_removed_.load(std::memory_order_relaxed);
  return st;
}

}  // namespace tocsin::storage
