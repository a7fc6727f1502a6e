#include "storage/tsdb/postings.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "storage/tsdb/open_hash_set.h"
#include "storage/tsdb/postings_index.h"
#include "storage/tsdb/symbol_table.h"

namespace tocsin::storage {
namespace {

std::vector<SeriesId> Ids(std::span<const SeriesId> s) {
  return {s.begin(), s.end()};
}

TEST(PostingsListTest, InlineThenHeapThenBackInline) {
  PostingsList p;
  p.Add(3);
  p.Add(7);
  EXPECT_EQ(p.heap_bytes(), 0u);
  for (SeriesId id = 10; id < 100; ++id) p.Add(id);
  EXPECT_GT(p.heap_bytes(), 0u);
  EXPECT_EQ(p.size(), 92u);
  std::vector<SeriesId> drop;
  for (SeriesId id = 10; id < 100; ++id) drop.push_back(id);
  drop.insert(drop.begin(), 3);
  p.RemoveAll(drop);
  EXPECT_EQ(Ids(p.ids()), std::vector<SeriesId>{7});
  EXPECT_EQ(p.heap_bytes(), 0u);
  PostingsList moved = std::move(p);
  EXPECT_EQ(Ids(moved.ids()), std::vector<SeriesId>{7});
  EXPECT_TRUE(p.empty());  // NOLINT(bugprone-use-after-move): moved-from state is defined
}

TEST(PostingsListTest, OutOfOrderIdsAreInsertedInPlace) {
  PostingsList p;
  for (SeriesId id : {5, 9, 1, 7, 3, 11, 2}) p.Add(id);
  EXPECT_EQ(Ids(p.ids()), (std::vector<SeriesId>{1, 2, 3, 5, 7, 9, 11}));
}

TEST(PostingsOpsTest, IntersectSubtractUnion) {
  std::vector<SeriesId> a{1, 3, 5, 7, 9};
  std::vector<SeriesId> b{2, 3, 4, 9, 10};
  std::vector<SeriesId> out;
  Intersect(a, b, out);
  EXPECT_EQ(out, (std::vector<SeriesId>{3, 9}));
  Subtract(a, b, out);
  EXPECT_EQ(out, (std::vector<SeriesId>{1, 5, 7}));
  std::vector<std::span<const SeriesId>> lists{a, b};
  Union(lists, out);
  EXPECT_EQ(out, (std::vector<SeriesId>{1, 2, 3, 4, 5, 7, 9, 10}));
}

TEST(PostingsOpsTest, GallopingIntersectMatchesTheSimpleOne) {
  std::vector<SeriesId> big;
  for (SeriesId i = 0; i < 100000; i += 3) big.push_back(i);
  std::vector<SeriesId> small{0, 1, 2, 3, 299, 300, 50001, 99999, 200000};
  std::vector<SeriesId> out;
  Intersect(small, big, out);
  EXPECT_EQ(out, (std::vector<SeriesId>{0, 3, 300, 50001, 99999}));
  Intersect(big, small, out);
  EXPECT_EQ(out, (std::vector<SeriesId>{0, 3, 300, 50001, 99999}));
}

struct IdentityHasher {
  uint64_t operator()(uint32_t v) const { return v; }
};

TEST(OpenHashSetTest, InsertFindEraseKeepProbeChainsIntact) {
  OpenHashSet<uint32_t, IdentityHasher> set;
  for (uint32_t i = 1; i <= 5000; ++i) set.Insert(i);
  EXPECT_EQ(set.size(), 5000u);
  for (uint32_t i = 1; i <= 5000; i += 2) EXPECT_TRUE(set.Erase(i));
  EXPECT_FALSE(set.Erase(1));
  for (uint32_t i = 1; i <= 5000; ++i) {
    const uint32_t* found = set.Find(i, [i](uint32_t v) { return v == i; });
    EXPECT_EQ(found != nullptr, i % 2 == 0) << i;
  }
  size_t n = 0;
  set.ForEach([&](uint32_t) { ++n; });
  EXPECT_EQ(n, 2500u);
}

struct RunsOfEightHasher {
  static constexpr bool kRunsOfEight = true;
  uint64_t operator()(uint32_t v) const { return v; }
};

// The series-by-id table keeps runs of 8 consecutive ids in one line of slots. Sets of ids
// that use only some positions of each run (every 2nd, every 8th id: what churn can leave)
// crowd those positions; inserts, look-ups and backward-shift deletes must still agree with a
// plain set, through growth and shrinking.
TEST(OpenHashSetTest, RunsOfEightKeepProbeChainsIntactForStridedIds) {
  for (uint32_t stride : {1u, 2u, 3u, 8u, 16u, 1000u}) {
    OpenHashSet<uint32_t, RunsOfEightHasher> set;
    std::set<uint32_t> expected;
    for (uint32_t k = 0; k < 6000; ++k) {
      const uint32_t id = 1 + k * stride;
      set.Insert(id);
      expected.insert(id);
    }
    // Remove two thirds, in an order unlike the insertion order.
    for (uint32_t k = 0; k < 6000; ++k) {
      if (k % 3 == 0) continue;
      const uint32_t id = 1 + ((k * 7919) % 6000) * stride;
      EXPECT_EQ(set.Erase(id), expected.erase(id) == 1) << stride << " " << id;
    }
    EXPECT_EQ(set.size(), expected.size());
    for (uint32_t k = 0; k < 6000 * stride + 2; k += std::max(1u, stride / 2)) {
      const uint32_t* found = set.Find(k, [k](uint32_t v) { return v == k; });
      EXPECT_EQ(found != nullptr, expected.count(k) == 1) << stride << " " << k;
    }
    size_t n = 0;
    set.ForEach([&](uint32_t v) {
      ++n;
      EXPECT_EQ(expected.count(v), 1u);
    });
    EXPECT_EQ(n, expected.size());
  }
}

TEST(SymbolTableTest, InternsReferenceCountsAndReusesIds) {
  SymbolTable t;
  const SymbolId a = t.Ref("alpha");
  EXPECT_EQ(t.Ref("alpha"), a);
  const SymbolId b = t.Ref("beta");
  EXPECT_NE(a, b);
  EXPECT_EQ(t.Get(a), "alpha");
  EXPECT_EQ(t.Find("beta"), b);
  EXPECT_EQ(t.Find("gamma"), kNoSymbol);
  t.Unref(a);
  EXPECT_EQ(t.Find("alpha"), a);  // one reference left
  t.Unref(a);
  EXPECT_EQ(t.Find("alpha"), kNoSymbol);
  EXPECT_EQ(t.Ref("delta"), a);  // the freed id is reused
  EXPECT_EQ(t.Get(b), "beta");
  const SymbolId empty = t.Ref("");
  EXPECT_EQ(t.Find(""), empty);
}

TEST(SymbolTableTest, CompactionKeepsLiveStrings) {
  SymbolTable t;
  std::vector<SymbolId> ids;
  for (int i = 0; i < 2000; ++i) ids.push_back(t.Ref("value-number-" + std::to_string(i)));
  for (int i = 0; i < 2000; ++i) {
    if (i % 10 != 0) t.Unref(ids[i]);
  }
  for (int i = 0; i < 2000; i += 10) {
    EXPECT_EQ(t.Get(ids[i]), "value-number-" + std::to_string(i));
    EXPECT_EQ(t.Find("value-number-" + std::to_string(i)), ids[i]);
  }
  EXPECT_EQ(t.size(), 200u);
}

TEST(PostingsIndexTest, AddRemoveDropsEmptyValuesAndNames) {
  PostingsIndex index;
  // name 1 = "job", values 10, 11; name 2 = "instance", values 20, 21, 22.
  const LabelRef s1[] = {{1, 10}, {2, 20}};
  const LabelRef s2[] = {{1, 10}, {2, 21}};
  const LabelRef s3[] = {{1, 11}, {2, 22}};
  index.Add(1, s1);
  index.Add(2, s2);
  index.Add(3, s3);
  EXPECT_EQ(Ids(index.Get(1, 10)), (std::vector<SeriesId>{1, 2}));
  EXPECT_EQ(index.ValueCount(2), 3u);
  const SeriesId gone[] = {1, 3};
  index.Remove(gone, {{1, 10}, {2, 20}, {1, 11}, {2, 22}});
  EXPECT_EQ(Ids(index.all()), std::vector<SeriesId>{2});
  EXPECT_EQ(Ids(index.Get(1, 10)), std::vector<SeriesId>{2});
  EXPECT_TRUE(index.Get(1, 11).empty());
  EXPECT_EQ(index.ValueCount(2), 1u);
  EXPECT_EQ(Ids(index.Get(2, 21)), std::vector<SeriesId>{2});
  const SeriesId last[] = {2};
  index.Remove(last, {{1, 10}, {2, 21}});
  size_t names = 0;
  index.ForEachName([&](SymbolId) { ++names; });
  EXPECT_EQ(names, 0u);
}

}  // namespace
}  // namespace tocsin::storage
