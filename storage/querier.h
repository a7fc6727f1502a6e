// The read side of the time-series store, as the PromQL evaluator and the HTTP API see it.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/labels.h"
#include "storage/base/matcher.h"
#include "storage/base/time.h"

namespace tocsin::storage {

// The series a selection matched, with their samples, in one flat block (few allocations per
// query). Series i has samples [offsets[i], offsets[i+1]) of `t`/`v`; `offsets` has
// labels.size() + 1 entries. Series are sorted by label set. Stale markers are included as
// stored; the evaluator decides what they mean.
struct SeriesSet {
  std::vector<Labels> labels;
  std::vector<size_t> offsets{0};
  std::vector<TimestampMs> t;
  std::vector<double> v;
  // The samples' start timestamps (0: none), aligned with `t`; filled only by
  // SelectWithStartTimesInto, empty otherwise.
  std::vector<TimestampMs> st;

  size_t size() const { return labels.size(); }
  // Empties the set, keeping the buffers' capacity.
  void clear() {
    labels.clear();
    offsets.assign(1, 0);
    t.clear();
    v.clear();
    st.clear();
  }
  std::span<const TimestampMs> times(size_t i) const {
    return {t.data() + offsets[i], offsets[i + 1] - offsets[i]};
  }
  std::span<const double> values(size_t i) const {
    return {v.data() + offsets[i], offsets[i + 1] - offsets[i]};
  }
  // Empty unless the set was selected with start timestamps.
  std::span<const TimestampMs> start_times(size_t i) const {
    if (st.empty()) return {};
    return {st.data() + offsets[i], offsets[i + 1] - offsets[i]};
  }
};

// A label whose strings live elsewhere: in a Labels, or in the series store's symbol table
// while a selection visits its series. Valid only as long as they are.
struct LabelView {
  std::string_view name;
  std::string_view value;
};

// A label as the ids of its name and value in the querier's string table (the series store's
// symbol table). Within one VisitSelection call equal ids mean equal strings and different ids
// different strings, so a visitor can group or match series on them without reading the
// strings.
struct LabelSymbols {
  uint32_t name;
  uint32_t value;
};

// One series of a selection as Querier::VisitSelection presents it: its labels and its samples
// in the window, all only valid during the call. The labels are views (into the store's symbol
// table, for the series store), so a visitor that only reads some of them, to group or match
// series, allocates nothing; Materialize() builds a Labels for a series that must outlive it.
struct SelectedSeries {
  std::span<const LabelView> labels;  // sorted by name
  // The same labels as symbol ids, in the same order; empty when the querier has none (then
  // a visitor reads the strings).
  std::span<const LabelSymbols> symbols;
  uint64_t labels_hash = 0;           // Labels::hash() of them
  std::span<const TimestampMs> t;
  std::span<const double> v;
  // The window's last sample, t.back() and v.back() bit for bit, where the querier keeps it
  // apart from the sample memory when it can (the series store: the ring's newest sample, in
  // the series header), so a reader of only the window's ends (rate, increase) need not touch
  // the last cache lines of `t` and `v`. Only meaningful when `t` is not empty.
  TimestampMs last_t = 0;
  double last_v = 0;
  // True when the querier knows that the window holds no stale marker and no value lower than
  // the one before it (its first sample aside), so a reader looking for either need not scan
  // it. False means "not known", not "present".
  bool no_stale_or_decrease = false;
  // Set by a querier that holds the series' Labels already; Materialize() then shares it.
  const Labels* materialized = nullptr;

  Labels Materialize() const {
    if (materialized != nullptr) return *materialized;
    std::vector<Label> out;
    out.reserve(labels.size());
    for (const LabelView& l : labels) {
      out.push_back(Label{std::string(l.name), std::string(l.value)});
    }
    return Labels::FromSortedWithHash(std::move(out), labels_hash);
  }
};
using SelectionVisitor = std::function<void(SelectedSeries&)>;

class Querier {
 public:
  virtual ~Querier() = default;

  // Every series matching all `matchers` that has samples with mint <= t <= maxt, with exactly
  // those samples (both ends inclusive; left-open windows are the evaluator's business).
  virtual SeriesSet Select(std::span<const LabelMatcher> matchers, TimestampMs mint,
                           TimestampMs maxt) const = 0;
  // The same series into `out`, replacing its contents but keeping its buffers, so that a
  // caller that reuses `out` (the PromQL evaluator does) selects without allocating once they
  // have grown. Unlike Select, the series come in the store's own order (Prometheus's evaluator
  // does not sort its selections either). The default goes through Select.
  virtual void SelectInto(std::span<const LabelMatcher> matchers, TimestampMs mint,
                          TimestampMs maxt, SeriesSet& out) const {
    out = Select(matchers, mint, maxt);
  }
  // SelectInto, plus each sample's start timestamp in `out.st` (0 where a sample has none). Only
  // PromQL's start-timestamp-aware functions ask for them; the default knows of none.
  virtual void SelectWithStartTimesInto(std::span<const LabelMatcher> matchers, TimestampMs mint,
                                        TimestampMs maxt, SeriesSet& out) const {
    SelectInto(matchers, mint, maxt, out);
    out.st.assign(out.t.size(), 0);
  }

  // Calls `visit` once for each series SelectInto would return, in the same order, with the
  // same samples, but read where the querier keeps them when it can (the series store: straight
  // from the series' ring, under its lock), so a caller that computes over each window and
  // keeps nothing of it copies nothing. `visit` must not call back into the querier. Exceptions
  // it throws propagate. The default goes through SelectInto.
  virtual void VisitSelection(std::span<const LabelMatcher> matchers, TimestampMs mint,
                              TimestampMs maxt, const SelectionVisitor& visit) const {
    SeriesSet set;
    SelectInto(matchers, mint, maxt, set);
    std::vector<LabelView> views;
    for (size_t i = 0; i < set.size(); ++i) {
      views.clear();
      for (const Label& l : set.labels[i]) views.push_back(LabelView{l.name, l.value});
      SelectedSeries s;
      s.labels = views;
      s.labels_hash = set.labels[i].hash();
      s.t = set.times(i);
      s.v = set.values(i);
      if (!s.t.empty()) {
        s.last_t = s.t.back();
        s.last_v = s.v.back();
      }
      s.materialized = &set.labels[i];
      visit(s);
    }
  }

  // Sorted, unique label names / values of the series matching `matchers` (all series when
  // empty), for the HTTP API and the template functions.
  virtual std::vector<std::string> LabelNames(std::span<const LabelMatcher> matchers) const = 0;
  virtual std::vector<std::string> LabelValues(const std::string& name,
                                               std::span<const LabelMatcher> matchers) const = 0;
};

}  // namespace tocsin::storage
