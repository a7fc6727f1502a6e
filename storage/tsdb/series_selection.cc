// The read side of SeriesStore: which series a set of matchers selects, and Select, LabelNames,
// LabelValues on top of it.
//
// Semantics (Prometheus's): a series matches when every matcher accepts its value of the
// matcher's label, a missing label reading as "". So a matcher that rejects "" keeps only series
// that carry a matching value (intersect with the union of those values' postings), and a matcher
// that accepts "" removes the series carrying a rejected value (subtract). When few candidates
// are left, checking their labels directly is cheaper than building postings for a matcher that
// would have to scan every value of its label (a general regex); the plan picks whichever costs
// less.
#include <algorithm>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string_view>

#include "storage/tsdb/series_store.h"

namespace tocsin::storage {

namespace {

// The alternatives of a regex made only of literal text and '|' ("api|web"), or nothing when it
// uses any other regex syntax. Such matchers are answered by direct postings look-ups.
std::optional<std::vector<std::string_view>> LiteralAlternatives(std::string_view re) {
  constexpr std::string_view kSpecial = "\\.+*?()[]{}^$";
  if (re.find_first_of(kSpecial) != std::string_view::npos) return std::nullopt;
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t bar = re.find('|', start);
    out.push_back(re.substr(start, bar == std::string_view::npos ? re.npos : bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return out;
}

// Holds at most one lock stripe, switching when asked for another; releases it when destroyed
// (also when copying a window throws).
class HeldStripe {
 public:
  HeldStripe() = default;
  HeldStripe(const HeldStripe&) = delete;
  HeldStripe& operator=(const HeldStripe&) = delete;
  ~HeldStripe() { Release(); }

  void Hold(std::mutex& mu) {
    if (&mu == held_) return;
    Release();
    mu.lock();
    held_ = &mu;
  }
  void Release() {
    if (held_ != nullptr) held_->unlock();
    held_ = nullptr;
  }

 private:
  std::mutex* held_ = nullptr;
};

}  // namespace

std::vector<SeriesId> SeriesStore::MatchingIds(std::span<const LabelMatcher> matchers) const {
  const auto all = postings_.all();
  if (matchers.empty()) return {all.begin(), all.end()};

  // How a matcher is answered from the index.
  enum class Kind {
    kValues,    // a fixed set of values (=, !=, literal alternatives): direct look-ups
    kAnyValue,  // every value of the label (=~".+", !="" and the like)
    kScan,      // test the matcher against every value of the label
  };
  struct Step {
    const LabelMatcher* m;
    SymbolId name;
    bool intersect;  // true: keep series with a matching value; false: drop rejected values
    Kind kind;
    std::vector<std::string_view> values;  // for kValues: the values to look up
    // Rough work to build the postings for this step; filtering the candidates directly costs
    // about one unit per candidate.
    size_t cost;
  };
  std::vector<Step> steps;
  steps.reserve(matchers.size());
  for (const LabelMatcher& m : matchers) {
    Step step{&m, symbols_.Find(m.name()), !m.matches_empty(), Kind::kScan, {}, 0};
    if (m.is_regex() && m.value() == ".*") {
      if (m.type() == MatchType::kNotRegexp) return {};  // rejects every value, "" included
      continue;                                          // accepts everything, missing included
    }
    if (step.name == kNoSymbol) {
      // No series has this label, so every series reads "".
      if (step.intersect) return {};
      continue;
    }
    const bool negative = m.is_negative();
    if (!m.is_regex()) {
      // name="v" (v non-empty) keeps v; name!="v" drops v; name="" drops every value;
      // name!="" keeps every value.
      if (m.value().empty()) {
        step.kind = Kind::kAnyValue;
      } else {
        step.kind = Kind::kValues;
        step.values.push_back(m.value());
      }
    } else if (m.value() == ".+") {
      step.kind = Kind::kAnyValue;
    } else if (auto literals = LiteralAlternatives(m.value())) {
      // =~"a|b" keeps a and b; !~"a|b" drops a and b. With an empty alternative the matcher's
      // acceptance of "" flips the step (=~"a|" drops everything but a), so scan instead.
      if (negative != step.intersect) {
        step.kind = Kind::kValues;
        step.values = std::move(*literals);
      }
    }
    switch (step.kind) {
      case Kind::kValues: {
        for (std::string_view v : step.values) {
          const SymbolId id = symbols_.Find(v);
          if (id != kNoSymbol) step.cost += postings_.Get(step.name, id).size();
        }
        break;
      }
      case Kind::kAnyValue:
        step.cost = postings_.SeriesWithName(step.name);
        break;
      case Kind::kScan:
        // A regex test per value, then a union over their postings.
        step.cost = postings_.ValueCount(step.name) * 16 + postings_.SeriesWithName(step.name);
        break;
    }
    steps.push_back(std::move(step));
  }
  // Intersections first, cheapest first, so later steps work on the fewest candidates.
  std::stable_sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) {
    if (a.intersect != b.intersect) return a.intersect;
    return a.cost < b.cost;
  });

  std::vector<SeriesId> candidates;
  bool have_candidates = false;
  std::vector<SeriesId> scratch;
  std::vector<std::span<const SeriesId>> lists;
  for (const Step& step : steps) {
    if (!have_candidates && !step.intersect) {
      candidates.assign(all.begin(), all.end());
      have_candidates = true;
    }
    if (have_candidates && candidates.empty()) return {};
    if (have_candidates && candidates.size() < step.cost) {
      // Check each candidate's own value.
      std::erase_if(candidates, [&](SeriesId id) {
        const Series* s = FindById(id);
        const SymbolId v = s->ValueOf(step.name);
        return !step.m->matches(v == kNoSymbol ? std::string_view() : symbols_.Get(v));
      });
      continue;
    }
    // Gather the postings of the values this step keeps (intersect) or drops (subtract).
    lists.clear();
    const bool positive = step.intersect;
    switch (step.kind) {
      case Kind::kValues: {
        // For an intersecting step the literals are kept; for a subtracting one they are the
        // values the matcher rejects (name!="v", name!~"a|b").
        for (std::string_view v : step.values) {
          const SymbolId id = symbols_.Find(v);
          if (id != kNoSymbol) lists.push_back(postings_.Get(step.name, id));
        }
        break;
      }
      case Kind::kAnyValue:
        postings_.ForEachValue(step.name,
                               [&](SymbolId, std::span<const SeriesId> p) { lists.push_back(p); });
        break;
      case Kind::kScan:
        postings_.ForEachValue(step.name, [&](SymbolId v, std::span<const SeriesId> p) {
          if (step.m->matches(symbols_.Get(v)) == positive) lists.push_back(p);
        });
        break;
    }
    if (positive) {
      if (lists.empty()) return {};
      std::span<const SeriesId> keep;
      if (lists.size() == 1) {
        keep = lists[0];
      } else {
        Union(lists, scratch);
        keep = scratch;
      }
      if (!have_candidates) {
        candidates.assign(keep.begin(), keep.end());
        have_candidates = true;
      } else {
        std::vector<SeriesId> out;
        Intersect(candidates, keep, out);
        candidates = std::move(out);
      }
    } else {
      if (lists.empty()) continue;
      std::span<const SeriesId> drop;
      if (lists.size() == 1) {
        drop = lists[0];
      } else {
        Union(lists, scratch);
        drop = scratch;
      }
      std::vector<SeriesId> out;
      Subtract(candidates, drop, out);
      candidates = std::move(out);
    }
  }
  if (!have_candidates) return {all.begin(), all.end()};
  return candidates;
}

bool SeriesStore::LabelsLess(const Series& a, const Series& b) const {
  // Labels' order, compared on symbols: equal ids need no string comparison, and series of one
  // selector share most of their symbols.
  const auto x = a.labels();
  const auto y = b.labels();
  const size_t n = std::min(x.size(), y.size());
  for (size_t i = 0; i < n; ++i) {
    if (x[i].name != y[i].name) return symbols_.Get(x[i].name) < symbols_.Get(y[i].name);
    if (x[i].value != y[i].value) return symbols_.Get(x[i].value) < symbols_.Get(y[i].value);
  }
  return x.size() < y.size();
}

SeriesSet SeriesStore::Select(std::span<const LabelMatcher> matchers, TimestampMs mint,
                              TimestampMs maxt) const {
  SeriesSet out;
  SelectSeries(matchers, mint, maxt, /*sorted=*/true, /*with_start_times=*/false, out);
  return out;
}

void SeriesStore::SelectInto(std::span<const LabelMatcher> matchers, TimestampMs mint,
                             TimestampMs maxt, SeriesSet& out) const {
  SelectSeries(matchers, mint, maxt, /*sorted=*/false, /*with_start_times=*/false, out);
}

void SeriesStore::SelectWithStartTimesInto(std::span<const LabelMatcher> matchers, TimestampMs mint,
                                           TimestampMs maxt, SeriesSet& out) const {
  SelectSeries(matchers, mint, maxt, /*sorted=*/false, /*with_start_times=*/true, out);
}

void SeriesStore::SelectSeries(std::span<const LabelMatcher> matchers, TimestampMs mint,
                               TimestampMs maxt, bool sorted, bool with_start_times,
                               SeriesSet& out) const {
  out.clear();
  if (maxt < mint) return;
  std::shared_lock lock(index_mu_);
  const std::vector<SeriesId> ids = MatchingIds(matchers);
  std::vector<const Series*> matched;
  matched.reserve(ids.size());
  for (SeriesId id : ids) matched.push_back(FindById(id));
  if (sorted) {
    std::sort(matched.begin(), matched.end(),
              [this](const Series* a, const Series* b) { return LabelsLess(*a, *b); });
  }
  out.labels.reserve(matched.size());
  out.offsets.reserve(matched.size() + 1);
  for (const Series* s : matched) {
    uint32_t n;
    {
      std::lock_guard stripe(StripeOf(s->id));
      n = s->ring.CopyRange(mint, maxt, out.t, out.v);
      if (with_start_times) {
        const size_t begin = out.st.size();
        out.st.resize(out.t.size(), 0);
        if (s->start_times) {
          s->start_times->Fill(std::span(out.t).subspan(begin), out.st.data() + begin);
        }
      }
    }
    if (n == 0) continue;  // no samples in the window: not selected
    out.labels.push_back(LabelsOf(*s));
    out.offsets.push_back(out.t.size());
  }
}

void SeriesStore::VisitSelection(std::span<const LabelMatcher> matchers, TimestampMs mint,
                                 TimestampMs maxt, const SelectionVisitor& visit) const {
  if (maxt < mint) return;
  std::shared_lock lock(index_mu_);
  const std::vector<SeriesId> ids = MatchingIds(matchers);
  // The series headers first, in a loop of independent look-ups so that their cache misses
  // overlap (taking a stripe between them, as the prefetching below does, serialises them).
  std::vector<const Series*> series(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) series[i] = FindById(ids[i]);
  // A window that wraps around the end of its ring is joined here so the visitor sees one span.
  std::vector<TimestampMs> joined_t;
  std::vector<double> joined_v;
  std::vector<LabelView> views;  // the current series' labels, in the symbol table
  std::vector<LabelSymbols> symbols;  // ... and as symbol ids
  // Ask for the windows of the next block of series while visiting this one, so their cache
  // misses overlap with the visitor's work instead of stalling each series in turn.
  constexpr size_t kBlock = 8;
  HeldStripe held;
  auto prefetch_block = [&](size_t begin) {
    const size_t end = std::min(begin + kBlock, ids.size());
    for (size_t i = begin; i < end; ++i) {
      const Series* s = series[i];
      held.Hold(StripeOf(s->id));
      s->ring.PrefetchForRead(mint, maxt);
    }
  };
  prefetch_block(0);
  for (size_t begin = 0; begin < ids.size(); begin += kBlock) {
    if (begin + kBlock < ids.size()) prefetch_block(begin + kBlock);
    const size_t end = std::min(begin + kBlock, ids.size());
    for (size_t i = begin; i < end; ++i) {
      const Series& s = *series[i];
      held.Hold(StripeOf(s.id));
      SampleRing::Run first, second;
      if (s.ring.Window(mint, maxt, first, second) == 0) continue;  // not selected
      views.clear();
      symbols.clear();
      for (const LabelRef& l : s.labels()) {
        views.push_back(LabelView{symbols_.Get(l.name), symbols_.Get(l.value)});
        symbols.push_back(LabelSymbols{l.name, l.value});
      }
      SelectedSeries selected;
      selected.labels = views;
      selected.symbols = symbols;
      selected.labels_hash = s.hash;
      selected.t = {first.t, first.n};
      selected.v = {first.v, first.n};
      selected.no_stale_or_decrease = s.ring.newest_break() < first.t[0];
      if (maxt >= s.ring.newest_time()) {
        // The window ends at the ring's newest sample, which the header holds too.
        selected.last_t = s.ring.newest_time();
        selected.last_v = s.ring.newest_value();
      } else {
        const SampleRing::Run& tail = second.n > 0 ? second : first;
        selected.last_t = tail.t[tail.n - 1];
        selected.last_v = tail.v[tail.n - 1];
      }
      if (second.n > 0) {
        joined_t.assign(first.t, first.t + first.n);
        joined_t.insert(joined_t.end(), second.t, second.t + second.n);
        joined_v.assign(first.v, first.v + first.n);
        joined_v.insert(joined_v.end(), second.v, second.v + second.n);
        selected.t = joined_t;
        selected.v = joined_v;
      }
      visit(selected);
    }
  }
}

std::vector<std::string> SeriesStore::LabelNames(std::span<const LabelMatcher> matchers) const {
  std::vector<SymbolId> names;
  std::vector<std::string> out;
  std::shared_lock lock(index_mu_);
  if (matchers.empty()) {
    postings_.ForEachName([&](SymbolId n) { names.push_back(n); });
  } else {
    for (SeriesId id : MatchingIds(matchers)) {
      for (const LabelRef& l : FindById(id)->labels()) names.push_back(l.name);
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
  }
  out.reserve(names.size());
  for (SymbolId n : names) out.emplace_back(symbols_.Get(n));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> SeriesStore::LabelValues(const std::string& name,
                                                  std::span<const LabelMatcher> matchers) const {
  std::vector<SymbolId> values;
  std::vector<std::string> out;
  std::shared_lock lock(index_mu_);
  const SymbolId name_id = symbols_.Find(name);
  if (name_id == kNoSymbol) return out;
  if (matchers.empty()) {
    postings_.ForEachValue(name_id,
                           [&](SymbolId v, std::span<const SeriesId>) { values.push_back(v); });
  } else {
    for (SeriesId id : MatchingIds(matchers)) {
      const SymbolId v = FindById(id)->ValueOf(name_id);
      if (v != kNoSymbol) values.push_back(v);
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
  }
  out.reserve(values.size());
  for (SymbolId v : values) out.emplace_back(symbols_.Get(v));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace tocsin::storage
