// A Querier over series given in the tests, for evaluator tests that should not depend on the
// ring buffer's behaviour (the storage has its own tests). Series are kept sorted by label set.
#pragma once

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "engine/promql/parser.h"
#include "storage/base/sample.h"
#include "storage/querier.h"

namespace tocsin::promql::testing {

class TestQuerier final : public storage::Querier {
 public:
  // `series` in the .test load notation ("name{l="v"}"), samples (t in ms, value).
  void Add(const std::string& series, std::vector<std::pair<TimestampMs, double>> samples) {
    auto desc = ParseSeriesDesc(series + " 0");
    Entry e{desc->labels, std::move(samples), {}};
    auto it = std::lower_bound(entries_.begin(), entries_.end(), e,
                               [](const Entry& a, const Entry& b) { return a.labels < b.labels; });
    entries_.insert(it, std::move(e));
  }
  // Samples (t in ms, value, start time in ms; 0 for none) of a series with start timestamps.
  void AddWithStartTimes(const std::string& series,
                         const std::vector<std::tuple<TimestampMs, double, TimestampMs>>& samples) {
    std::vector<std::pair<TimestampMs, double>> plain;
    std::vector<TimestampMs> starts;
    for (const auto& [t, v, st] : samples) {
      plain.emplace_back(t, v);
      starts.push_back(st);
    }
    Add(series, std::move(plain));
    for (Entry& e : entries_) {
      if (e.labels == ParseSeriesDesc(series + " 0")->labels) e.starts = std::move(starts);
    }
  }
  // Evenly spaced samples from t=0: value i at i*step ("_" not supported; use Add).
  void Load(const std::string& series, DurationMs step, std::vector<double> values) {
    std::vector<std::pair<TimestampMs, double>> samples;
    for (size_t i = 0; i < values.size(); ++i) {
      samples.emplace_back(static_cast<TimestampMs>(i) * step, values[i]);
    }
    Add(series, std::move(samples));
  }

  storage::SeriesSet Select(std::span<const LabelMatcher> matchers, TimestampMs mint,
                            TimestampMs maxt) const override {
    return SelectSamples(matchers, mint, maxt, false);
  }
  void SelectWithStartTimesInto(std::span<const LabelMatcher> matchers, TimestampMs mint,
                                TimestampMs maxt, storage::SeriesSet& out) const override {
    out = SelectSamples(matchers, mint, maxt, true);
  }
  std::vector<std::string> LabelNames(std::span<const LabelMatcher>) const override { return {}; }
  std::vector<std::string> LabelValues(const std::string&,
                                       std::span<const LabelMatcher>) const override {
    return {};
  }

 private:
  struct Entry {
    Labels labels;
    std::vector<std::pair<TimestampMs, double>> samples;
    std::vector<TimestampMs> starts;  // per sample, or empty
  };

  storage::SeriesSet SelectSamples(std::span<const LabelMatcher> matchers, TimestampMs mint,
                                   TimestampMs maxt, bool with_start_times) const {
    storage::SeriesSet out;
    for (const auto& e : entries_) {
      bool match = true;
      for (const auto& m : matchers) match = match && m.matches(e.labels.get(m.name()));
      if (!match) continue;
      size_t n = 0;
      for (size_t i = 0; i < e.samples.size(); ++i) {
        const auto [t, v] = e.samples[i];
        if (t < mint || t > maxt) continue;
        out.t.push_back(t);
        out.v.push_back(v);
        if (with_start_times) out.st.push_back(e.starts.empty() ? 0 : e.starts[i]);
        ++n;
      }
      if (n == 0) continue;
      out.labels.push_back(e.labels);
      out.offsets.push_back(out.t.size());
    }
    return out;
  }
  std::vector<Entry> entries_;
};

}  // namespace tocsin::promql::testing
