#include "engine/alerting/inhibitor.h"

#include <algorithm>
#include <mutex>
#include <set>

#include "engine/alerting/fingerprint_map.h"

namespace tocsin::alerting {
namespace {

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

void FnvAdd(uint64_t& h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= kFnvPrime;
  }
  h ^= 0xff;
  h *= kFnvPrime;
}

}  // namespace

struct Inhibitor::Rule {
  std::string description;
  Matchers source;
  Matchers target;
  std::vector<std::string> equal;  // sorted, unique
  // A source in the index, ordered by end (latest first), then fingerprint: the first source
  // of a bucket that has not ended is the one Alertmanager reports (it remembers the source
  // that resolves last), so a query stops at the first usable entry instead of scanning every
  // source with the same `equal` values (hundreds, when `equal` is one coarse label).
  struct Entry {
    TimestampMs ends_at;
    uint64_t fingerprint;
    // Owned by `sources`. Not part of the order, so a new copy with the same end replaces it
    // in place.
    mutable const Alert* alert;
    bool operator<(const Entry& o) const {
      if (ends_at != o.ends_at) return ends_at > o.ends_at;
      return fingerprint < o.fingerprint;
    }
  };
  using Bucket = std::set<Entry>;
  // Hash of the equal labels' values -> the sources with those values.
  FingerprintMap<Bucket> index;
  // Each cached source with its entry in the index, so that a new copy finds the entry without
  // walking the bucket's tree (hundreds of nodes, a cache miss each).
  struct Source {
    AlertPtr alert;
    Bucket::iterator entry;
  };
  FingerprintMap<Source> sources;

  void Index(Source& s) {
    Bucket& bucket = index[EqualHash(s.alert->labels)];
    // A new source usually ends last (latest first): try the front before searching.
    s.entry = bucket.insert(bucket.begin(),
                            Entry{s.alert->ends_at, s.alert->fingerprint(), s.alert.get()});
  }
  void Unindex(const Source& s) {
    auto ix = index.find(EqualHash(s.alert->labels));
    if (ix == index.end()) return;
    ix->second.erase(s.entry);
    if (ix->second.empty()) index.erase(ix);
  }
  // A new copy of a cached source (same labels, so the same bucket). With the same end its
  // entry keeps its place; otherwise the entry moves without a new allocation — to the front
  // when it now ends last, as a re-sent firing alert does.
  void Reindex(Source& s, const AlertPtr& new_copy) {
    if (s.entry->ends_at == new_copy->ends_at) {
      s.entry->alert = new_copy.get();
      s.alert = new_copy;
      return;
    }
    auto ix = index.find(EqualHash(new_copy->labels));
    if (ix == index.end()) {  // cannot happen: the source is indexed under its labels
      s.alert = new_copy;
      return Index(s);
    }
    Bucket& bucket = ix->second;
    auto node = bucket.extract(s.entry);
    node.value() = Entry{new_copy->ends_at, new_copy->fingerprint(), new_copy.get()};
    s.entry = bucket.insert(bucket.begin(), std::move(node));
    s.alert = new_copy;
  }

  uint64_t EqualHash(const Labels& labels) const {
    uint64_t h = kFnvOffset;
    for (const std::string& name : equal) FnvAdd(h, labels.get(name));
    return h;
  }
  bool EqualValues(const Labels& a, const Labels& b) const {
    for (const std::string& name : equal) {
      if (a.get(name) != b.get(name)) return false;
    }
    return true;
  }
};

Matchers InhibitSourceMatchers(const InhibitRuleConfig& rule) {
  return LegacyAndNewMatchers(rule.source_match, rule.source_match_re, rule.source_matchers);
}

Matchers InhibitTargetMatchers(const InhibitRuleConfig& rule) {
  return LegacyAndNewMatchers(rule.target_match, rule.target_match_re, rule.target_matchers);
}

Inhibitor::Inhibitor(const std::vector<InhibitRuleConfig>& rules) {
  rules_.reserve(rules.size());
  for (const InhibitRuleConfig& cfg : rules) {
    Rule r;
    r.source = InhibitSourceMatchers(cfg);
    r.target = InhibitTargetMatchers(cfg);
    r.equal = cfg.equal;
    std::sort(r.equal.begin(), r.equal.end());
    r.equal.erase(std::unique(r.equal.begin(), r.equal.end()), r.equal.end());
    if (!cfg.name.empty()) {
      r.description = cfg.name;
    } else {
      Matchers s = r.source, t = r.target;
      SortMatchers(s);
      SortMatchers(t);
      r.description = FormatMatchers(s) + " inhibits " + FormatMatchers(t);
      if (!r.equal.empty()) {
        r.description += " on [";
        for (size_t i = 0; i < r.equal.size(); ++i) {
          r.description += (i ? ", " : "") + r.equal[i];
        }
        r.description += "]";
      }
    }
    rules_.push_back(std::move(r));
  }
}

Inhibitor::~Inhibitor() = default;

void Inhibitor::OnAlertsStored(std::span<const AlertPtr> alerts) {
  if (rules_.empty()) return;
  std::unique_lock lock(mu_);
  for (Rule& r : rules_) {
    for (const AlertPtr& a : alerts) {
      if (!MatchesAll(r.source, a->labels)) continue;
      auto [it, inserted] = r.sources.try_emplace(a->fingerprint(), Rule::Source{a, {}});
      if (inserted) {
        r.Index(it->second);
      } else {
        r.Reindex(it->second, a);
      }
    }
  }
}

void Inhibitor::OnAlertsDeleted(std::span<const AlertPtr> alerts) {
  if (rules_.empty()) return;
  std::unique_lock lock(mu_);
  for (Rule& r : rules_) {
    for (const AlertPtr& a : alerts) {
      const uint64_t fp = a->fingerprint();
      auto it = r.sources.find(fp);
      // Only the copy we cache goes: a newer copy stored since stays.
      if (it == r.sources.end() || it->second.alert != a) continue;
      r.Unindex(it->second);
      r.sources.erase(it);
    }
  }
}

std::optional<Inhibition> Inhibitor::Mutes(const Labels& labels, TimestampMs now) const {
  std::shared_lock lock(mu_);
  for (size_t i = 0; i < rules_.size(); ++i) {
    const Rule& r = rules_[i];
    if (r.sources.empty() || !MatchesAll(r.target, labels)) continue;
    auto ix = r.index.find(r.EqualHash(labels));
    if (ix == r.index.end()) continue;
    const bool two_sided = MatchesAll(r.source, labels);
    for (const Rule::Entry& e : ix->second) {
      const Alert* src = e.alert;
      if (src->ResolvedAt(now)) break;  // latest end first: every later entry ended too
      if (!r.EqualValues(src->labels, labels)) continue;  // a hash collision
      if (two_sided && MatchesAll(r.target, src->labels)) continue;
      return Inhibition{i, e.fingerprint};
    }
  }
  return std::nullopt;
}

bool Inhibitor::IsSource(const Labels& labels) const {
  for (const Rule& r : rules_) {
    if (MatchesAll(r.source, labels)) return true;
  }
  return false;
}

void Inhibitor::GC(TimestampMs now) {
  std::vector<AlertPtr> resolved;
  {
    std::shared_lock lock(mu_);
    for (const Rule& r : rules_) {
      for (const auto& [fp, s] : r.sources) {
        if (s.alert->ResolvedAt(now)) resolved.push_back(s.alert);
      }
    }
  }
  if (!resolved.empty()) OnAlertsDeleted(resolved);
}

std::optional<TimestampMs> Inhibitor::NextTransition(TimestampMs now) const {
  std::shared_lock lock(mu_);
  std::optional<TimestampMs> next;
  for (const Rule& r : rules_) {
    for (const auto& [fp, s] : r.sources) {
      const TimestampMs end = s.alert->ends_at;
      if (end > now && (!next || end < *next)) next = end;
    }
  }
  return next;
}

size_t Inhibitor::rule_count() const {
  return rules_.size();
}

const std::string& Inhibitor::RuleDescription(size_t rule) const {
  return rules_.at(rule).description;
}
const Matchers& Inhibitor::SourceMatchers(size_t rule) const {
  return rules_.at(rule).source;
}
const Matchers& Inhibitor::TargetMatchers(size_t rule) const {
  return rules_.at(rule).target;
}

}  // namespace tocsin::alerting
