#include "engine/alerting/inhibitor.h"

#include <algorithm>
#include <mutex>
#include <set>

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
  std::unordered_map<uint64_t, AlertPtr> sources;
  // A source in the index, ordered by end (latest first), then fingerprint: the first source
  // of a bucket that has not ended is the one Alertmanager reports (it remembers the source
  // that resolves last), so a query stops at the first usable entry instead of scanning every
  // source with the same `equal` values (hundreds, when `equal` is one coarse label).
  struct Entry {
    TimestampMs ends_at;
    uint64_t fingerprint;
    const Alert* alert;  // owned by `sources`
    bool operator<(const Entry& o) const {
      if (ends_at != o.ends_at) return ends_at > o.ends_at;
      return fingerprint < o.fingerprint;
    }
  };
  // Hash of the equal labels' values -> the sources with those values.
  std::unordered_map<uint64_t, std::set<Entry>> index;

  void Index(const AlertPtr& a) {
    index[EqualHash(a->labels)].insert(Entry{a->ends_at, a->fingerprint(), a.get()});
  }
  void Unindex(const AlertPtr& a) {
    auto ix = index.find(EqualHash(a->labels));
    if (ix == index.end()) return;
    ix->second.erase(Entry{a->ends_at, a->fingerprint(), a.get()});
    if (ix->second.empty()) index.erase(ix);
  }
  // A new copy of a cached source (same labels, so the same bucket): its entry moves to the new
  // end without a new allocation, as every re-sent alert does.
  void Reindex(const AlertPtr& old_copy, const AlertPtr& new_copy) {
    auto ix = index.find(EqualHash(new_copy->labels));
    if (ix == index.end()) return Index(new_copy);
    auto node =
        ix->second.extract(Entry{old_copy->ends_at, old_copy->fingerprint(), old_copy.get()});
    if (node.empty()) return Index(new_copy);
    node.value() = Entry{new_copy->ends_at, new_copy->fingerprint(), new_copy.get()};
    ix->second.insert(std::move(node));
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
      const uint64_t fp = a->fingerprint();
      auto [it, inserted] = r.sources.try_emplace(fp, a);
      if (inserted) {
        r.Index(a);
      } else {
        r.Reindex(it->second, a);
        it->second = a;
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
      if (it == r.sources.end() || it->second != a) continue;
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
      for (const auto& [fp, a] : r.sources) {
        if (a->ResolvedAt(now)) resolved.push_back(a);
      }
    }
  }
  if (!resolved.empty()) OnAlertsDeleted(resolved);
}

std::optional<TimestampMs> Inhibitor::NextTransition(TimestampMs now) const {
  std::shared_lock lock(mu_);
  std::optional<TimestampMs> next;
  for (const Rule& r : rules_) {
    for (const auto& [fp, a] : r.sources) {
      if (a->ends_at > now && (!next || a->ends_at < *next)) next = a->ends_at;
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
