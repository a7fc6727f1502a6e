// Grouping on symbol ids must put series in the same groups as grouping on their label strings
// (label_seq::GroupingLabels), for `by` and `without`, with metadata labels visible or hidden,
// and when the series' label names sit at different positions.
#include "engine/promql/symbol_grouping.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "engine/promql/label_ops.h"

namespace tocsin::promql {
namespace {

// A tiny symbol table: one id per distinct string.
class Symbols {
 public:
  uint32_t Id(const std::string& s) {
    auto [it, inserted] = ids_.emplace(s, static_cast<uint32_t>(ids_.size()));
    return it->second;
  }

 private:
  std::map<std::string, uint32_t> ids_;
};

struct Series {
  std::vector<storage::LabelView> views;
  std::vector<storage::LabelSymbols> symbols;
};

Series Make(Symbols& table, const Labels& labels) {
  Series s;
  for (const Label& l : labels) {
    s.views.push_back(storage::LabelView{l.name, l.value});
    s.symbols.push_back(storage::LabelSymbols{table.Id(l.name), table.Id(l.value)});
  }
  return s;
}

TEST(SymbolGrouping, GroupsAsTheLabelStringsDo) {
  const std::vector<Labels> input = {
      Labels{{"__name__", "a_total"}, {"job", "api"}, {"code", "200"}, {"i", "0"}},
      Labels{{"__name__", "a_total"}, {"job", "api"}, {"code", "500"}, {"i", "1"}},
      Labels{{"__name__", "b_total"}, {"job", "api"}, {"code", "200"}, {"i", "2"}},
      Labels{{"__name__", "a_total"}, {"job", "web"}, {"i", "3"}},
      Labels{{"__name__", "a_total"}, {"aa", "x"}, {"job", "web"}, {"code", "200"}, {"i", "4"}},
      Labels{{"__name__", "a_total"}, {"__type__", "counter"}, {"job", "api"}, {"i", "5"}},
      Labels{{"__name__", "a_total"}, {"job", "web"}, {"i", "3"}, {"zone", "z"}},
      Labels{{"job", "api"}, {"code", "200"}, {"i", "0"}},
  };
  const std::vector<std::vector<std::string>> lists = {
      {},    {"job"},        {"code", "job"}, {"__name__"}, {"__type__", "job"},
      {"i"}, {"aa", "zone"}, {"nonexistent"}};
  for (const bool without : {false, true}) {
    for (const auto& names : lists) {
      for (const bool hidden : {false, true}) {
        Symbols table;
        SymbolGrouping grouping(names, without);
        std::vector<Labels> group_labels;
        for (const Labels& l : input) {
          const Series s = Make(table, l);
          const Labels expected = label_seq::GroupingLabels(
              std::span<const storage::LabelView>(s.views), hidden, names, without);
          uint32_t g = grouping.Find(s.views, s.symbols, hidden);
          if (g == SymbolGrouping::kNone) {
            // A new key: no earlier group may have these labels.
            for (const Labels& other : group_labels) {
              EXPECT_NE(other, expected) << l.to_string() << " without=" << without;
            }
            g = static_cast<uint32_t>(group_labels.size());
            group_labels.push_back(expected);
            grouping.Add(g);
          }
          ASSERT_LT(g, group_labels.size());
          EXPECT_EQ(group_labels[g], expected)
              << l.to_string() << " without=" << without << " hidden=" << hidden;
        }
      }
    }
  }
}

}  // namespace
}  // namespace tocsin::promql
