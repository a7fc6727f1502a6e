#include "engine/alerting/silences.h"

#include <re2/re2.h>
#include <algorithm>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <mutex>

#include "storage/base/go_regexp_error.h"
#include "storage/base/strings.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/write_batch.h"

namespace tocsin::alerting {

struct Silences::Entry {
  Silence silence;
  Matchers matchers;
  uint64_t seq = 0;  // creation order, for stable answers
};

namespace {

MatchType TypeOf(const SilenceMatcher& m) {
  if (m.is_regex) return m.is_equal ? MatchType::kRegexp : MatchType::kNotRegexp;
  return m.is_equal ? MatchType::kEqual : MatchType::kNotEqual;
}

// silence.go's matchesEmpty: only `=` and `=~` count; a negative matcher never does, even when
// it would accept the empty string.
bool CountsAsMatchingEmpty(const SilenceMatcher& m, const LabelMatcher& compiled) {
  switch (TypeOf(m)) {
    case MatchType::kEqual:
      return m.value.empty();
    case MatchType::kRegexp:
      return compiled.matches("");
    default:
      return false;
  }
}

// time.Time.Unix() of a millisecond timestamp: whole seconds, rounded down.
int64_t UnixSeconds(TimestampMs t) {
  return t >= 0 ? t / 1000 : -((-t + 999) / 1000);
}

std::string NewSilenceId() {
  thread_local boost::uuids::random_generator generate;
  return boost::uuids::to_string(generate());
}

// canUpdate: whether `next` may replace `prev` without rewriting what was silenced when.
bool CanUpdateInPlace(const Silence& prev, const Silence& next, TimestampMs now) {
  if (prev.matchers != next.matchers) return false;
  switch (prev.StateAt(now)) {
    case SilenceState::kActive:
      if (UnixSeconds(prev.starts_at) != UnixSeconds(next.starts_at)) return false;
      if (next.ends_at < now) return false;
      return true;
    case SilenceState::kPending:
      return next.starts_at >= now;
    case SilenceState::kExpired:
      return false;
  }
  return false;
}

bool HasMatcher(const Silence& s, const LabelMatcher& filter) {
  for (const SilenceMatcher& m : s.matchers) {
    if (m.name == filter.name() && TypeOf(m) == filter.type() && m.value == filter.value()) {
      return true;
    }
  }
  return false;
}

int StateRank(SilenceState s) {
  switch (s) {
    case SilenceState::kActive:
      return 1;
    case SilenceState::kPending:
      return 2;
    case SilenceState::kExpired:
      return 3;
  }
  return 4;
}

}  // namespace

std::string_view SilenceStateName(SilenceState s) {
  switch (s) {
    case SilenceState::kActive:
      return "active";
    case SilenceState::kPending:
      return "pending";
    case SilenceState::kExpired:
      return "expired";
  }
  return "unknown";
}

SilenceState Silence::StateAt(TimestampMs now) const {
  if (now < starts_at) return SilenceState::kPending;
  if (now > ends_at) return SilenceState::kExpired;
  return SilenceState::kActive;
}

bool IsSilenceNotFound(const Error& e) {
  return e.message == kSilenceNotFound;
}
bool IsSilenceNotFound(const Status& s) {
  return !s.ok() && s.message() == kSilenceNotFound;
}

Result<Matchers> CompileSilenceMatchers(const std::vector<SilenceMatcher>& matchers) {
  if (matchers.empty()) return Error{"matcher set 0 is empty"};
  Matchers out;
  out.reserve(matchers.size());
  bool all_match_empty = true;
  for (size_t i = 0; i < matchers.size(); ++i) {
    const SilenceMatcher& m = matchers[i];
    const std::string where = "invalid label matcher " + std::to_string(i) + " in set 0: ";
    if (!IsValidLabelName(m.name)) return Error{where + "invalid label name " + GoQuote(m.name)};
    if (!m.is_regex && !IsValidUtf8(m.value)) {
      return Error{where + "invalid label value " + GoQuote(m.value)};
    }
    if (m.is_regex) {
      // Validated unanchored, as Go's regexp.Compile(pattern) does: `a)|(b` must fail here
      // even though its anchored form `^(?:a)|(b)$` would compile.
      RE2 raw(m.value, RE2::Quiet);
      if (!raw.ok()) {
        return Error{where + "invalid regular expression " + GoQuote(m.value) + ": " +
                     GoRegexpError(raw)};
      }
    }
    auto compiled = MakeMatcher(TypeOf(m), m.name, m.value);
    if (!compiled.ok()) {
      return Error{where + "invalid regular expression " + GoQuote(m.value) + ": " +
                   compiled.message()};
    }
    all_match_empty = all_match_empty && CountsAsMatchingEmpty(m, *compiled);
    out.push_back(std::move(*compiled));
  }
  if (all_match_empty) {
    return Error{"matcher set 0: at least one matcher must not match the empty string"};
  }
  return out;
}

sqlite::SilenceRecord ToRecord(const Silence& s) {
  sqlite::SilenceRecord r;
  r.id = s.id;
  r.matchers = s.matchers;
  r.starts_at = s.starts_at;
  r.ends_at = s.ends_at;
  r.updated_at = s.updated_at;
  r.created_by = s.created_by;
  r.comment = s.comment;
  std::vector<Label> annotations;
  for (const auto& [k, v] : s.annotations) annotations.push_back({k, v});
  r.annotations = Labels::FromVector(std::move(annotations));
  return r;
}

Silence FromRecord(const sqlite::SilenceRecord& r) {
  Silence s;
  s.id = r.id;
  s.matchers = r.matchers;
  s.starts_at = r.starts_at;
  s.ends_at = r.ends_at;
  s.updated_at = r.updated_at;
  s.created_by = r.created_by;
  s.comment = r.comment;
  for (const Label& l : r.annotations) s.annotations[l.name] = l.value;
  return s;
}

Silences::Silences(SilencesOptions options) : options_(options) {}
Silences::~Silences() = default;

Status Silences::Restore(const std::vector<sqlite::SilenceRecord>& records) {
  std::unique_lock lock(mu_);
  by_id_.clear();
  by_label_.clear();
  unindexed_.clear();
  std::string errors;
  for (const sqlite::SilenceRecord& r : records) {
    auto matchers = CompileSilenceMatchers(r.matchers);
    if (!matchers.ok()) {
      errors += (errors.empty() ? "" : "; ") + ("silence " + r.id + ": " + matchers.message());
      continue;
    }
    auto e = std::make_shared<Entry>();
    e->silence = FromRecord(r);
    e->matchers = std::move(*matchers);
    e->seq = next_seq_++;
    InsertLocked(std::move(e));
  }
  ++generation_;
  if (!errors.empty()) return Error{"restoring silences: " + errors};
  return Status::Ok();
}

Status Silences::Persist(const std::vector<const Silence*>& upserts,
                         const std::vector<std::string>& deletes) {
  if (options_.store == nullptr) return Status::Ok();
  sqlite::WriteBatch batch;
  for (const Silence* s : upserts) batch.UpsertSilence(ToRecord(*s));
  for (const std::string& id : deletes) batch.DeleteSilence(id);
  auto r = options_.store->Commit(batch);
  if (!r.ok()) return Error{"persisting silences: " + r.message()};
  return Status::Ok();
}

void Silences::InsertLocked(EntryPtr entry) {
  const Silence& s = entry->silence;
  by_id_[s.id] = entry;
  for (const SilenceMatcher& m : s.matchers) {
    if (!m.is_regex && m.is_equal && !m.value.empty()) {
      by_label_[m.name][m.value].push_back(entry);
      return;
    }
  }
  unindexed_.push_back(std::move(entry));
}

void Silences::EraseLocked(const std::string& id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  const Entry* e = it->second.get();
  auto same = [e](const EntryPtr& p) { return p.get() == e; };
  bool indexed = false;
  for (const SilenceMatcher& m : e->silence.matchers) {
    if (!m.is_regex && m.is_equal && !m.value.empty()) {
      auto& by_value = by_label_[m.name];
      auto& list = by_value[m.value];
      std::erase_if(list, same);
      if (list.empty()) by_value.erase(m.value);
      if (by_value.empty()) by_label_.erase(m.name);
      indexed = true;
      break;
    }
  }
  if (!indexed) std::erase_if(unindexed_, same);
  by_id_.erase(it);
}

Silence Silences::ExpiredCopy(const Silence& s, TimestampMs now) const {
  Silence out = s;
  switch (s.StateAt(now)) {
    case SilenceState::kActive:
      out.ends_at = now;
      break;
    case SilenceState::kPending:
      // Both ends at now: the silence moves straight to expired.
      out.starts_at = now;
      out.ends_at = now;
      break;
    case SilenceState::kExpired:
      break;
  }
  out.updated_at = now;
  return out;
}

Result<std::string> Silences::Set(Silence silence, TimestampMs now) {
  if (silence.starts_at == 0) silence.starts_at = now;
  auto matchers = CompileSilenceMatchers(silence.matchers);
  if (!matchers.ok()) return Error{"invalid silence: " + matchers.message()};
  if (silence.ends_at == 0) return Error{"invalid silence: invalid zero end timestamp"};
  if (silence.ends_at < silence.starts_at) {
    return Error{"invalid silence: end time must not be before start time"};
  }

  std::unique_lock lock(mu_);
  EntryPtr prev;
  if (!silence.id.empty()) {
    auto it = by_id_.find(silence.id);
    if (it == by_id_.end()) return Error{std::string(kSilenceNotFound)};
    prev = it->second;
  }

  if (prev && CanUpdateInPlace(prev->silence, silence, now)) {
    silence.updated_at = now;
    if (Status s = Persist({&silence}, {}); !s.ok()) return Error{s.message()};
    auto e = std::make_shared<Entry>();
    e->seq = prev->seq;
    e->silence = std::move(silence);
    e->matchers = std::move(*matchers);
    const std::string id = e->silence.id;
    EraseLocked(id);
    InsertLocked(std::move(e));
    ++generation_;
    return id;
  }

  // A new silence, or one replacing `prev`.
  if (options_.max_silences > 0 && by_id_.size() + 1 > options_.max_silences) {
    return Error{"exceeded maximum number of silences: " + std::to_string(by_id_.size()) +
                 " (limit: " + std::to_string(options_.max_silences) + ")"};
  }
  silence.id = NewSilenceId();
  if (silence.starts_at < now) silence.starts_at = now;
  silence.updated_at = now;

  std::optional<Silence> expired_prev;
  if (prev && prev->silence.StateAt(now) != SilenceState::kExpired) {
    expired_prev = ExpiredCopy(prev->silence, now);
  }
  std::vector<const Silence*> upserts;
  if (expired_prev) upserts.push_back(&*expired_prev);
  upserts.push_back(&silence);
  if (Status s = Persist(upserts, {}); !s.ok()) return Error{s.message()};

  if (expired_prev) {
    auto e = std::make_shared<Entry>(*prev);
    e->silence = std::move(*expired_prev);
    EraseLocked(e->silence.id);
    InsertLocked(std::move(e));
  }
  auto e = std::make_shared<Entry>();
  e->seq = next_seq_++;
  e->silence = std::move(silence);
  e->matchers = std::move(*matchers);
  const std::string id = e->silence.id;
  InsertLocked(std::move(e));
  ++generation_;
  return id;
}

Status Silences::Expire(const std::string& id, TimestampMs now) {
  std::unique_lock lock(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return Error{std::string(kSilenceNotFound)};
  if (it->second->silence.StateAt(now) == SilenceState::kExpired) return Status::Ok();
  auto e = std::make_shared<Entry>(*it->second);
  e->silence = ExpiredCopy(e->silence, now);
  if (Status s = Persist({&e->silence}, {}); !s.ok()) return s;
  EraseLocked(id);
  InsertLocked(std::move(e));
  ++generation_;
  return Status::Ok();
}

std::optional<Silence> Silences::Get(const std::string& id) const {
  std::shared_lock lock(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second->silence;
}

std::vector<Silence> Silences::Query(const SilenceQuery& query, TimestampMs now) const {
  std::vector<Silence> out;
  {
    std::shared_lock lock(mu_);
    std::vector<const Entry*> entries;
    entries.reserve(by_id_.size());
    for (const auto& [id, e] : by_id_) entries.push_back(e.get());
    std::sort(entries.begin(), entries.end(),
              [](const Entry* a, const Entry* b) { return a->seq < b->seq; });
    for (const Entry* e : entries) {
      const Silence& s = e->silence;
      if (!query.states.empty() && std::find(query.states.begin(), query.states.end(),
                                             s.StateAt(now)) == query.states.end()) {
        continue;
      }
      bool all = true;
      for (const LabelMatcher& f : query.filter) all = all && HasMatcher(s, f);
      if (all) out.push_back(s);
    }
  }
  std::stable_sort(out.begin(), out.end(), [now](const Silence& a, const Silence& b) {
    const SilenceState sa = a.StateAt(now), sb = b.StateAt(now);
    if (sa != sb) return StateRank(sa) < StateRank(sb);
    switch (sa) {
      case SilenceState::kActive:
        return a.ends_at < b.ends_at;
      case SilenceState::kPending:
        return a.starts_at < b.starts_at;
      case SilenceState::kExpired:
        return a.ends_at > b.ends_at;
    }
    return false;
  });
  return out;
}

std::vector<std::string> Silences::Mutes(const Labels& labels, TimestampMs now) const {
  std::vector<const Entry*> hits;
  auto check = [&](const EntryPtr& e) {
    if (e->silence.StateAt(now) == SilenceState::kActive && MatchesAll(e->matchers, labels)) {
      hits.push_back(e.get());
    }
  };
  {
    std::shared_lock lock(mu_);
    if (by_id_.empty()) return {};
    if (!by_label_.empty()) {
      for (const Label& l : labels) {
        auto n = by_label_.find(l.name);
        if (n == by_label_.end()) continue;
        auto v = n->second.find(l.value);
        if (v == n->second.end()) continue;
        for (const EntryPtr& e : v->second) check(e);
      }
    }
    for (const EntryPtr& e : unindexed_) check(e);
    if (hits.empty()) return {};
    std::sort(hits.begin(), hits.end(),
              [](const Entry* a, const Entry* b) { return a->seq < b->seq; });
    std::vector<std::string> ids;
    ids.reserve(hits.size());
    for (const Entry* e : hits) ids.push_back(e->silence.id);
    return ids;
  }
}

Result<size_t> Silences::GC(TimestampMs now) {
  std::unique_lock lock(mu_);
  std::vector<std::string> gone;
  for (const auto& [id, e] : by_id_) {
    if (e->silence.ends_at + options_.retention <= now) gone.push_back(id);
  }
  if (gone.empty()) return size_t{0};
  if (Status s = Persist({}, gone); !s.ok()) return Error{s.message()};
  for (const std::string& id : gone) EraseLocked(id);
  ++generation_;
  return gone.size();
}

uint64_t Silences::generation() const {
  std::shared_lock lock(mu_);
  return generation_;
}

std::optional<TimestampMs> Silences::NextTransition(TimestampMs now) const {
  std::shared_lock lock(mu_);
  std::optional<TimestampMs> next;
  auto consider = [&](TimestampMs t) {
    if (t > now && (!next || t < *next)) next = t;
  };
  for (const auto& [id, e] : by_id_) {
    consider(e->silence.starts_at);
    // A silence stops muting once now > endsAt, i.e. at endsAt + 1ms.
    consider(e->silence.ends_at + 1);
  }
  return next;
}

size_t Silences::size() const {
  std::shared_lock lock(mu_);
  return by_id_.size();
}

}  // namespace tocsin::alerting
