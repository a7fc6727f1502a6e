// Label-set operations of the evaluator: the effective label set of a sample whose metric
// name is dropped, grouping keys and vector-matching signatures.
//
// The evaluator drops __name__ (and the other schema metadata labels __type__ and __unit__)
// lazily: a sample keeps its storage label set and a `hidden` flag, and every read goes through
// these functions, which act as if the metadata labels were gone. Only label sets that leave the
// evaluator, or that an operation rewrites, are materialised. That keeps `sum(rate(x[5m]))`
// free of per-series allocations.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/labels.h"

namespace tocsin::promql {

inline constexpr std::string_view kTypeLabel = "__type__";
inline constexpr std::string_view kUnitLabel = "__unit__";
inline constexpr std::string_view kBucketLabel = "le";

// __name__, __type__ and __unit__: the labels that go when an operation changes what a series
// measures.
inline bool IsMetadataLabel(std::string_view name) {
  // All three are 8 bytes long and start with "__", which rejects nearly every other name at
  // once (the evaluator asks for every label of every series it groups or matches).
  return name.size() == 8 && name[0] == '_' && name[1] == '_' &&
         (name == kMetricName || name == kTypeLabel || name == kUnitLabel);
}

// The value of `name` in `m`, or "" when absent or hidden.
std::string_view GetLabel(const Labels& m, bool hidden, std::string_view name);

// `m` without its metadata labels (no allocation when it has none).
Labels DropMetadata(const Labels& m);
inline Labels Effective(const Labels& m, bool hidden) {
  return hidden ? DropMetadata(m) : m;
}

// Equals Effective(m, hidden).hash() without building the label set.
uint64_t EffectiveHash(const Labels& m, bool hidden);
bool EffectiveEqual(const Labels& a, bool hidden_a, const Labels& b, bool hidden_b);

// Hash of the labels named in `names` (sorted) that are present (a key hash, not Labels::hash()).
uint64_t HashOnly(const Labels& m, bool hidden, std::span<const std::string> names);
// Hash of the labels not named in `names` (sorted, unique), never counting __name__.
uint64_t HashWithout(const Labels& m, bool hidden, std::span<const std::string> names);

// The output labels of an aggregation group: `by` keeps `names`; `without` removes `names`
// and __name__.
Labels GroupingLabels(const Labels& m, bool hidden, std::span<const std::string> names,
                      bool without);

// Prometheus's Labels.Hash() (xxhash64 over its string-labels encoding). Only limit_ratio
// exposes it: it samples series by hash / 2^64.
uint64_t PrometheusLabelsHash(const Labels& m, bool hidden);

// --- The same operations on any sorted label sequence: the items() of a Labels, or the
// LabelViews of a series a selection is visiting (storage::SelectedSeries), which are read in the
// store's symbol table without building the series' Labels. ---
namespace label_seq {

inline constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
inline constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

// Must stay the same function as Labels::hash() (storage/base/labels.cc).
inline uint64_t FnvAdd(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= kFnvPrime;
  }
  h ^= 0xff;
  h *= kFnvPrime;
  return h;
}

// A hash of grouping and matching keys, a word at a time (FNV above goes byte by byte). It need
// not equal Labels::hash(): these hashes only index groups and signatures, and every hit is
// confirmed by comparing the labels.
inline uint64_t KeyMix(uint64_t h, uint64_t w) {
  h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
  return h ^ (h >> 29);
}
inline uint64_t KeyHashAdd(uint64_t h, std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  h = KeyMix(h, n);  // the length keeps one string apart from the next
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = KeyMix(h, w);
  }
  if (n > 0) {
    // The last 1-7 bytes in one word, without a variable-length copy (a call to memcpy): two
    // overlapping 4-byte reads, or the first, middle and last byte. Together with the length
    // mixed in above they determine the bytes.
    uint64_t w;
    if (n >= 4) {
      uint32_t a, b;
      std::memcpy(&a, p, 4);
      std::memcpy(&b, p + n - 4, 4);
      w = uint64_t{a} << 32 | b;
    } else {
      w = uint64_t{static_cast<unsigned char>(p[0])} << 16 |
          uint64_t{static_cast<unsigned char>(p[n / 2])} << 8 | static_cast<unsigned char>(p[n - 1]);
    }
    h = KeyMix(h, w);
  }
  return h;
}

inline bool Contains(std::span<const std::string> sorted, std::string_view name) {
  // Grouping and matching lists are short: a scan of equality tests (lengths first) beats a
  // binary search of three-way string comparisons.
  if (sorted.size() <= 8) {
    for (const std::string& n : sorted) {
      if (n == name) return true;
    }
    return false;
  }
  return std::binary_search(sorted.begin(), sorted.end(), name,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

// Calls f(label) for each label that `by (names)` keeps, in label order, looking the (few)
// names up instead of testing every label against them. `names` is sorted; repeats are skipped.
template <typename L, typename F>
void ForEachNamed(std::span<const L> m, bool hidden, std::span<const std::string> names, F&& f) {
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& n = names[i];
    if ((i > 0 && names[i - 1] == n) || (hidden && IsMetadataLabel(n))) continue;
    for (const L& l : m) {
      if (l.name == n) {
        f(l);
        break;
      }
    }
  }
}

template <typename L>
std::string_view Get(std::span<const L> m, bool hidden, std::string_view name) {
  if (hidden && IsMetadataLabel(name)) return {};
  for (const L& l : m) {
    if (l.name == name) return l.value;
  }
  return {};
}

template <typename L>
bool HasTypeOrUnit(std::span<const L> m) {
  for (const L& l : m) {
    // Sorted by name: past the names that could sort before "__unit__" there are none.
    if (!l.name.empty() && static_cast<unsigned char>(l.name[0]) > '_') break;
    if (IsMetadataLabel(l.name) && l.name != kMetricName) return true;
  }
  return false;
}

// Whether an aggregation's grouping (`by` keeps `names`, `without` removes them and __name__)
// leaves label `l` of a series in its group's labels.
template <typename L>
bool KeptByGrouping(const L& l, bool hidden, std::span<const std::string> names, bool without) {
  if (hidden && IsMetadataLabel(l.name)) return false;
  const bool named = Contains(names, l.name);
  return without ? !named && l.name != kMetricName : named;
}

// A hash of the labels the grouping keeps (what HashOnly / HashWithout compute).
template <typename L>
uint64_t GroupingHash(std::span<const L> m, bool hidden, std::span<const std::string> names,
                      bool without) {
  uint64_t h = kFnvOffset;
  if (!without) {
    ForEachNamed(m, hidden, names,
                 [&](const L& l) { h = KeyHashAdd(KeyHashAdd(h, l.name), l.value); });
    return h;
  }
  for (const L& l : m) {
    if (KeptByGrouping(l, hidden, names, without)) h = KeyHashAdd(KeyHashAdd(h, l.name), l.value);
  }
  return h;
}

// Whether the series belongs to the group whose labels (GroupingLabels of its first series)
// are `group`: whether the grouping keeps exactly those labels of it.
template <typename L>
bool InGroup(std::span<const L> m, bool hidden, const Labels& group,
             std::span<const std::string> names, bool without) {
  auto g = group.begin();
  bool same = true;
  auto compare = [&](const L& l) {
    if (!same) return;
    if (g == group.end() || g->name != l.name || g->value != l.value) {
      same = false;
      return;
    }
    ++g;
  };
  if (!without) {
    ForEachNamed(m, hidden, names, compare);
  } else {
    for (const L& l : m) {
      if (KeptByGrouping(l, hidden, names, without)) compare(l);
    }
  }
  return same && g == group.end();
}

template <typename L>
Labels GroupingLabels(std::span<const L> m, bool hidden, std::span<const std::string> names,
                      bool without) {
  if (!without && names.empty()) return Labels();
  std::vector<Label> out;
  for (const L& l : m) {
    if (KeptByGrouping(l, hidden, names, without)) {
      out.push_back(Label{std::string(l.name), std::string(l.value)});
    }
  }
  return Labels::FromSorted(std::move(out));
}

}  // namespace label_seq

}  // namespace tocsin::promql
