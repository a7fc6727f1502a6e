#include "engine/alerting/silences.h"

#include <gtest/gtest.h>

#include "storage/sqlite/sqlite_store.h"
#include "tests/storage/sqlite/temp_dir.h"

namespace tocsin::alerting {
namespace {

constexpr TimestampMs kNow = 1714564800000;

SilenceMatcher Eq(std::string n, std::string v) {
  return {std::move(n), std::move(v), false, true};
}
SilenceMatcher Ne(std::string n, std::string v) {
  return {std::move(n), std::move(v), false, false};
}
SilenceMatcher Re(std::string n, std::string v) {
  return {std::move(n), std::move(v), true, true};
}
SilenceMatcher Nre(std::string n, std::string v) {
  return {std::move(n), std::move(v), true, false};
}

Silence Make(std::vector<SilenceMatcher> m, TimestampMs starts, TimestampMs ends,
             std::string comment = "c") {
  Silence s;
  s.matchers = std::move(m);
  s.starts_at = starts;
  s.ends_at = ends;
  s.created_by = "me";
  s.comment = std::move(comment);
  return s;
}

TEST(SilencesTest, StatesAtBoundaries) {
  Silence s = Make({Eq("a", "b")}, kNow, kNow + kHour);
  EXPECT_EQ(s.StateAt(kNow - 1), SilenceState::kPending);
  EXPECT_EQ(s.StateAt(kNow), SilenceState::kActive);
  EXPECT_EQ(s.StateAt(kNow + kHour), SilenceState::kActive);
  EXPECT_EQ(s.StateAt(kNow + kHour + 1), SilenceState::kExpired);
}

TEST(SilencesTest, ValidationMessages) {
  Silences sil;
  struct Case {
    std::vector<SilenceMatcher> matchers;
    std::string error;  // "" = valid
  } cases[] = {
      {{}, "invalid silence: matcher set 0 is empty"},
      {{Eq("a", "")},
       "invalid silence: matcher set 0: at least one matcher must not match the "
       "empty string"},
      {{Re("a", ".*")},
       "invalid silence: matcher set 0: at least one matcher must not match "
       "the empty string"},
      {{Re("a", "b|")},
       "invalid silence: matcher set 0: at least one matcher must not match "
       "the empty string"},
      // Negative matchers never count as matching the empty string.
      {{Ne("a", "b")}, ""},
      {{Nre("a", "b")}, ""},
      {{Eq("a", ""), Eq("b", "c")}, ""},
      {{Eq("", "c")}, "invalid silence: invalid label matcher 0 in set 0: invalid label name \"\""},
      {{Eq("a", "b"), Eq("c", "\xff")},
       "invalid silence: invalid label matcher 1 in set 0: invalid label value \"\\xff\""},
  };
  for (const Case& c : cases) {
    auto r = sil.Set(Make(c.matchers, kNow, kNow + kHour), kNow);
    if (c.error.empty()) {
      EXPECT_TRUE(r.ok()) << r.message();
    } else {
      ASSERT_FALSE(r.ok()) << c.error;
      EXPECT_EQ(r.message(), c.error);
    }
  }
  auto bad_re = sil.Set(Make({Re("a", "a)|(b")}, kNow, kNow + kHour), kNow);
  ASSERT_FALSE(bad_re.ok());
  // Go's regexp.Compile text, as Alertmanager answers it.
  EXPECT_EQ(bad_re.message(),
            "invalid silence: invalid label matcher 0 in set 0: invalid regular expression "
            "\"a)|(b\": error parsing regexp: unexpected ): `a)|(b`");
  EXPECT_EQ(sil.Set(Make({Eq("a", "b")}, kNow, kNow - 1), kNow).message(),
            "invalid silence: end time must not be before start time");
  EXPECT_EQ(sil.Set(Make({Eq("a", "b")}, kNow, 0), kNow).message(),
            "invalid silence: invalid zero end timestamp");
  Silence unknown = Make({Eq("a", "b")}, kNow, kNow + kHour);
  unknown.id = "no-such-id";
  auto r = sil.Set(unknown, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(IsSilenceNotFound(r.error()));
}

TEST(SilencesTest, CreateClampsStartToNow) {
  Silences sil;
  auto id = sil.Set(Make({Eq("a", "b")}, kNow - kHour, kNow + kHour), kNow);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->size(), 36u);  // a UUID
  auto s = sil.Get(*id);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->starts_at, kNow);
  EXPECT_EQ(s->updated_at, kNow);
  // A missing start means now.
  auto id2 = sil.Set(Make({Eq("a", "b")}, 0, kNow + kHour), kNow);
  ASSERT_TRUE(id2.ok());
  EXPECT_EQ(sil.Get(*id2)->starts_at, kNow);
  EXPECT_NE(*id, *id2);
}

TEST(SilencesTest, UpdateInPlaceWhenHistoryIsKept) {
  Silences sil;
  auto id = sil.Set(Make({Eq("a", "b")}, kNow, kNow + kHour), kNow);
  ASSERT_TRUE(id.ok());
  // Active: same matchers, same start (to the second), later end, new comment.
  Silence upd = *sil.Get(*id);
  upd.ends_at = kNow + 2 * kHour;
  upd.starts_at = kNow + 500;  // same second
  upd.comment = "extended";
  auto same = sil.Set(upd, kNow + kMinute);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, *id);
  EXPECT_EQ(sil.Get(*id)->comment, "extended");
  EXPECT_EQ(sil.Get(*id)->updated_at, kNow + kMinute);
  EXPECT_EQ(sil.size(), 1u);

  // Pending: a start still in the future is an in-place change.
  auto pid = sil.Set(Make({Eq("x", "y")}, kNow + kHour, kNow + 2 * kHour), kNow);
  Silence p = *sil.Get(*pid);
  p.starts_at = kNow + 30 * kMinute;
  EXPECT_EQ(*sil.Set(p, kNow), *pid);
  EXPECT_EQ(sil.Get(*pid)->starts_at, kNow + 30 * kMinute);
}

TEST(SilencesTest, UpdateThatRewritesHistoryExpiresAndCreates) {
  Silences sil;
  auto id = sil.Set(Make({Eq("a", "b")}, kNow, kNow + kHour), kNow);
  Silence upd = *sil.Get(*id);
  upd.matchers = {Eq("a", "c")};
  const TimestampMs later = kNow + 10 * kMinute;
  auto nid = sil.Set(upd, later);
  ASSERT_TRUE(nid.ok());
  EXPECT_NE(*nid, *id);
  EXPECT_EQ(sil.Get(*id)->ends_at, later);  // the old one ended at the change
  EXPECT_EQ(sil.Get(*id)->StateAt(later + 1), SilenceState::kExpired);
  EXPECT_EQ(sil.Get(*nid)->starts_at, later);  // clamped to now
  EXPECT_EQ(sil.Get(*nid)->StateAt(later), SilenceState::kActive);

  // Active with a changed start (another second): also a new silence.
  Silence moved = *sil.Get(*nid);
  moved.starts_at = later - kMinute;
  auto mid = sil.Set(moved, later + 1000);
  ASSERT_TRUE(mid.ok());
  EXPECT_NE(*mid, *nid);

  // Pending moved into the past: the old pending one expires with start = end = now.
  auto pid = sil.Set(Make({Eq("x", "y")}, kNow + kHour, kNow + 2 * kHour), kNow);
  Silence p = *sil.Get(*pid);
  p.starts_at = kNow - kMinute;
  auto pnew = sil.Set(p, kNow);
  ASSERT_TRUE(pnew.ok());
  EXPECT_NE(*pnew, *pid);
  EXPECT_EQ(sil.Get(*pid)->starts_at, kNow);
  EXPECT_EQ(sil.Get(*pid)->ends_at, kNow);

  // Updating an expired silence creates a new one and leaves the old as it was.
  const Silence before = *sil.Get(*id);
  Silence revive = before;
  revive.ends_at = kNow + 5 * kHour;
  auto rid = sil.Set(revive, kNow + 2 * kHour);
  ASSERT_TRUE(rid.ok());
  EXPECT_NE(*rid, *id);
  EXPECT_EQ(*sil.Get(*id), before);
}

TEST(SilencesTest, Expire) {
  Silences sil;
  auto active = sil.Set(Make({Eq("a", "b")}, kNow, kNow + kHour), kNow);
  auto pending = sil.Set(Make({Eq("a", "c")}, kNow + kHour, kNow + 2 * kHour), kNow);
  const TimestampMs t = kNow + kMinute;
  ASSERT_TRUE(sil.Expire(*active, t).ok());
  EXPECT_EQ(sil.Get(*active)->ends_at, t);
  EXPECT_EQ(sil.Get(*active)->updated_at, t);
  ASSERT_TRUE(sil.Expire(*pending, t).ok());
  EXPECT_EQ(sil.Get(*pending)->starts_at, t);
  EXPECT_EQ(sil.Get(*pending)->ends_at, t);
  // Idempotent once expired.
  const Silence done = *sil.Get(*active);
  EXPECT_TRUE(sil.Expire(*active, t + kMinute).ok());
  EXPECT_EQ(*sil.Get(*active), done);
  auto missing = sil.Expire("nope", t);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.message(), kSilenceNotFound);
}

TEST(SilencesTest, MutesWithAlertmanagerMatching) {
  Silences sil;
  auto s1 = *sil.Set(Make({Eq("severity", "warning")}, kNow, kNow + kHour), kNow);
  auto s2 = *sil.Set(Make({Re("instance", "web-.*"), Ne("env", "prod")}, kNow, kNow + kHour), kNow);
  auto s3 = *sil.Set(Make({Re("job", "ap")}, kNow, kNow + kHour), kNow);  // anchored
  auto s4 = *sil.Set(Make({Re("msg", "a.b")}, kNow, kNow + kHour), kNow);
  auto pending = *sil.Set(Make({Eq("severity", "warning")}, kNow + kHour, kNow + 2 * kHour), kNow);
  (void)pending;

  EXPECT_EQ(sil.Mutes({{"severity", "warning"}, {"instance", "web-1"}}, kNow),
            (std::vector<std::string>{s1, s2}));
  EXPECT_EQ(sil.Mutes({{"severity", "warning"}, {"instance", "web-1"}, {"env", "prod"}}, kNow),
            (std::vector<std::string>{s1}));
  EXPECT_TRUE(sil.Mutes({{"job", "api"}}, kNow).empty());
  EXPECT_EQ(sil.Mutes({{"job", "ap"}}, kNow), (std::vector<std::string>{s3}));
  // '.' does not match a newline in Alertmanager's regexes.
  EXPECT_EQ(sil.Mutes({{"msg", "axb"}}, kNow), (std::vector<std::string>{s4}));
  EXPECT_TRUE(sil.Mutes({{"msg", "a\nb"}}, kNow).empty());
  // Only active silences mute.
  EXPECT_TRUE(sil.Mutes({{"severity", "warning"}}, kNow - 1).empty());
  EXPECT_TRUE(sil.Mutes({{"severity", "critical"}}, kNow).empty());
  const TimestampMs in_pending = kNow + kHour + kMinute;
  auto ids = sil.Mutes({{"severity", "warning"}}, in_pending);
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_NE(ids[0], s1);
}

TEST(SilencesTest, QueryFiltersAndOrders) {
  Silences sil;
  auto a1 = *sil.Set(Make({Eq("a", "1")}, kNow, kNow + 2 * kHour), kNow);
  auto a2 = *sil.Set(Make({Eq("a", "2")}, kNow, kNow + kHour), kNow);
  auto p1 = *sil.Set(Make({Eq("a", "1")}, kNow + 3 * kHour, kNow + 4 * kHour), kNow);
  auto e1 = *sil.Set(Make({Eq("a", "1")}, kNow, kNow + kHour), kNow);
  ASSERT_TRUE(sil.Expire(e1, kNow + kMinute).ok());
  const TimestampMs t = kNow + 2 * kMinute;

  std::vector<std::string> ids;
  for (const Silence& s : sil.Query({}, t)) ids.push_back(s.id);
  EXPECT_EQ(ids, (std::vector<std::string>{a2, a1, p1, e1}));

  ids.clear();
  SilenceQuery q;
  q.states = {SilenceState::kActive};
  q.filter = {*MakeMatcher(MatchType::kEqual, "a", "1")};
  for (const Silence& s : sil.Query(q, t)) ids.push_back(s.id);
  EXPECT_EQ(ids, (std::vector<std::string>{a1}));

  // The filter compares matchers literally: a=~"1" is not a="1".
  q.states = {};
  q.filter = {*MakeMatcher(MatchType::kRegexp, "a", "1")};
  EXPECT_TRUE(sil.Query(q, t).empty());
}

TEST(SilencesTest, GcAfterRetentionAndNextTransition) {
  Silences sil(SilencesOptions{.retention = kHour});
  auto id = *sil.Set(Make({Eq("a", "1")}, kNow + kMinute, kNow + 10 * kMinute), kNow);
  EXPECT_EQ(sil.NextTransition(kNow), kNow + kMinute);
  EXPECT_EQ(sil.NextTransition(kNow + kMinute), kNow + 10 * kMinute + 1);
  EXPECT_EQ(sil.NextTransition(kNow + 10 * kMinute + 1), std::nullopt);
  const uint64_t gen = sil.generation();
  EXPECT_EQ(*sil.GC(kNow + 10 * kMinute + kHour - 1), 0u);
  EXPECT_EQ(sil.generation(), gen);
  EXPECT_EQ(*sil.GC(kNow + 10 * kMinute + kHour), 1u);
  EXPECT_FALSE(sil.Get(id));
  EXPECT_GT(sil.generation(), gen);
}

TEST(SilencesTest, PersistedAndRestored) {
  sqlite::testing::TempDir dir;
  const std::string path = dir.file("tocsin.db");
  std::string kept, replaced, fresh;
  {
    auto store = sqlite::SqliteStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.message();
    Silences sil(SilencesOptions{.store = store->get()});
    Silence s = Make({Eq("a", "1"), Re("b", "x|y")}, kNow, kNow + kHour, "maintenance");
    s.annotations = {{"ticket", "OPS-1"}};
    kept = *sil.Set(s, kNow);
    replaced = *sil.Set(Make({Eq("c", "1")}, kNow, kNow + kHour), kNow);
    Silence upd = *sil.Get(replaced);
    upd.matchers = {Eq("c", "2")};
    fresh = *sil.Set(upd, kNow + kMinute);
  }
  auto store = sqlite::SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  auto restored = (*store)->LoadSilences();
  ASSERT_TRUE(restored.ok());
  Silences sil(SilencesOptions{.store = store->get()});
  ASSERT_TRUE(sil.Restore(*restored).ok());
  EXPECT_EQ(sil.size(), 3u);
  auto k = sil.Get(kept);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->comment, "maintenance");
  EXPECT_EQ(k->annotations.at("ticket"), "OPS-1");
  EXPECT_EQ(k->matchers.size(), 2u);
  EXPECT_EQ(sil.Get(replaced)->ends_at, kNow + kMinute);
  EXPECT_EQ(sil.Mutes({{"a", "1"}, {"b", "y"}}, kNow + 2 * kMinute),
            (std::vector<std::string>{kept}));
  EXPECT_EQ(sil.Mutes({{"c", "2"}}, kNow + 2 * kMinute), (std::vector<std::string>{fresh}));
}

}  // namespace
}  // namespace tocsin::alerting
