// Functions about label sets and order: label_replace, label_join (whole series), absent,
// sort, sort_desc, sort_by_label and sort_by_label_desc.
#include <re2/re2.h>

#include <algorithm>
#include <cmath>

#include "engine/promql/function_impl.h"
#include "engine/promql/label_ops.h"

namespace tocsin::promql {

namespace {

std::string_view StringArg(const Call& call, size_t i) {
  const Expr& e = Unparen(*call.args[i]);
  return static_cast<const StringLiteral&>(e).value;
}

bool IsNameChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c >= 0x80;
}

// Go's Regexp.ExpandString: $1, ${1}, $name, ${name} and $$ in `tmpl`, with the groups of
// the match `groups` (unset groups expand to nothing). A malformed reference stays literal.
std::string Expand(std::string_view tmpl, const RE2& re, const std::vector<re2::StringPiece>& g) {
  std::string out;
  while (!tmpl.empty()) {
    const size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out += '$';
      tmpl.remove_prefix(1);
      continue;
    }
    std::string_view s = tmpl;
    const bool brace = !s.empty() && s[0] == '{';
    if (brace) s.remove_prefix(1);
    size_t i = 0;
    while (i < s.size() && IsNameChar(static_cast<unsigned char>(s[i]))) ++i;
    if (i == 0 || (brace && (i >= s.size() || s[i] != '}'))) {
      out += '$';
      continue;
    }
    const std::string_view name = s.substr(0, i);
    tmpl = s.substr(brace ? i + 1 : i);
    int num = 0;
    for (char ch : name) {
      if (ch < '0' || ch > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (ch - '0');
    }
    if (name[0] == '0' && name.size() > 1) num = -1;
    int group = -1;
    if (num >= 0) {
      group = num;
    } else {
      const auto& named = re.NamedCapturingGroups();
      auto it = named.find(std::string(name));
      if (it != named.end()) group = it->second;
    }
    if (group >= 0 && static_cast<size_t>(group) < g.size() && g[group].data() != nullptr) {
      out.append(g[group].data(), g[group].size());
    }
  }
  out.append(tmpl);
  return out;
}

// facette/natsort's Compare, which Prometheus uses for sort_by_label: strings split into runs
// of digits and non-digits; runs that are both numbers compare numerically.
bool NaturalLess(std::string_view a, std::string_view b) {
  auto chunks = [](std::string_view s) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < s.size()) {
      const bool digit = s[i] >= '0' && s[i] <= '9';
      size_t j = i;
      while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') == digit)) ++j;
      out.push_back(s.substr(i, j - i));
      i = j;
    }
    return out;
  };
  auto as_int = [](std::string_view s, int64_t& v) {
    if (s.empty() || s.size() > 18 || s[0] < '0' || s[0] > '9') return false;
    v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return true;
  };
  const auto ca = chunks(a);
  const auto cb = chunks(b);
  for (size_t i = 0; i < ca.size(); ++i) {
    if (i >= cb.size()) return false;
    int64_t ia = 0, ib = 0;
    const bool equal_chunk = (as_int(ca[i], ia) && as_int(cb[i], ib)) ? ia == ib : ca[i] == cb[i];
    if (equal_chunk) {
      if (i == ca.size() - 1) return true;
      if (i == cb.size() - 1) return false;
      continue;
    }
    if (as_int(ca[i], ia) && as_int(cb[i], ib)) return ia < ib;
    return ca[i] < cb[i];
  }
  return false;
}

// labels.Compare on effective label sets.
int CompareLabels(const Labels& a, bool ha, const Labels& b, bool hb) {
  auto ia = a.begin(), ib = b.begin();
  while (true) {
    while (ia != a.end() && ha && IsMetadataLabel(ia->name)) ++ia;
    while (ib != b.end() && hb && IsMetadataLabel(ib->name)) ++ib;
    if (ia == a.end() || ib == b.end()) {
      if (ia == a.end() && ib == b.end()) return 0;
      return ia == a.end() ? -1 : 1;
    }
    if (ia->name != ib->name) return ia->name < ib->name ? -1 : 1;
    if (ia->value != ib->value) return ia->value < ib->value ? -1 : 1;
    ++ia;
    ++ib;
  }
}

void FnSort(InstantCall& c) {
  c.out = std::move(c.args[0]);
  // Ascending, NaN last.
  std::stable_sort(c.out.begin(), c.out.end(), [](const Sample& a, const Sample& b) {
    if (std::isnan(a.v)) return false;
    if (std::isnan(b.v)) return true;
    return a.v < b.v;
  });
}

void FnSortDesc(InstantCall& c) {
  c.out = std::move(c.args[0]);
  // Descending, NaN last.
  std::stable_sort(c.out.begin(), c.out.end(), [](const Sample& a, const Sample& b) {
    if (std::isnan(a.v)) return false;
    if (std::isnan(b.v)) return true;
    return a.v > b.v;
  });
}

void SortByLabel(InstantCall& c, bool desc) {
  std::vector<std::string_view> names;
  for (size_t i = 1; i < c.call.args.size(); ++i) names.push_back(StringArg(c.call, i));
  c.out = std::move(c.args[0]);
  Evaluator& ev = c.ev;
  std::stable_sort(c.out.begin(), c.out.end(), [&](const Sample& a, const Sample& b) {
    const bool ha = ev.Hidden(a.drop_name), hb = ev.Hidden(b.drop_name);
    for (auto name : names) {
      const auto va = GetLabel(a.metric, ha, name);
      const auto vb = GetLabel(b.metric, hb, name);
      if (va == vb) continue;
      return desc ? !NaturalLess(va, vb) : NaturalLess(va, vb);
    }
    const int cmp = CompareLabels(a.metric, ha, b.metric, hb);
    return desc ? cmp > 0 : cmp < 0;
  });
}

void FnSortByLabel(InstantCall& c) {
  SortByLabel(c, false);
}
void FnSortByLabelDesc(InstantCall& c) {
  SortByLabel(c, true);
}

void FnAbsent(InstantCall& c) {
  if (!c.args[0].empty()) return;
  c.out.push_back(Sample{AbsentLabels(*c.call.args[0]), 0, 1, false});
}

// Sets `dst` to `value` on the effective label set of series `s`.
void SetLabel(Evaluator& ev, StepSeries& s, std::string_view dst, std::string_view value) {
  LabelsBuilder b(Effective(s.metric, ev.Hidden(s.drop_name)));
  b.set(dst, value);
  s.metric = b.labels();
  if (dst == kMetricName) s.drop_name = false;
}

}  // namespace

StepMatrix EvalLabelReplace(Evaluator& ev, const Call& call) {
  const std::string_view dst = StringArg(call, 1);
  const std::string_view repl = StringArg(call, 2);
  const std::string_view src = StringArg(call, 3);
  const std::string_view regex = StringArg(call, 4);

  RE2::Options opts;
  opts.set_log_errors(false);
  RE2 re("^(?s:" + std::string(regex) + ")$", opts);
  if (!re.ok()) {
    ev.Fail("invalid regular expression in label_replace(): " + std::string(regex));
  }
  if (!IsValidLabelName(dst)) {
    ev.Fail("invalid destination label name in label_replace(): " + std::string(dst));
  }
  StepMatrix m = ev.EvalSteps(*call.args[0]);
  std::vector<re2::StringPiece> groups(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1);
  for (auto& s : m.series) {
    const std::string_view value = GetLabel(s.metric, ev.Hidden(s.drop_name), src);
    if (!re.Match(value, 0, value.size(), RE2::UNANCHORED, groups.data(),
                  static_cast<int>(groups.size()))) {
      continue;
    }
    SetLabel(ev, s, dst, Expand(repl, re, groups));
  }
  ev.MergeSameLabelsets(m);
  return m;
}

StepMatrix EvalLabelJoin(Evaluator& ev, const Call& call) {
  const std::string_view dst = StringArg(call, 1);
  const std::string_view sep = StringArg(call, 2);
  std::vector<std::string_view> sources;
  for (size_t i = 3; i < call.args.size(); ++i) {
    const std::string_view src = StringArg(call, i);
    if (!IsValidLabelName(src)) {
      ev.Fail("invalid source label name in label_join(): " + std::string(src));
    }
    sources.push_back(src);
  }
  if (!IsValidLabelName(dst)) {
    ev.Fail("invalid destination label name in label_join(): " + std::string(dst));
  }
  StepMatrix m = ev.EvalSteps(*call.args[0]);
  for (auto& s : m.series) {
    std::string joined;
    for (size_t i = 0; i < sources.size(); ++i) {
      if (i > 0) joined += sep;
      joined += GetLabel(s.metric, ev.Hidden(s.drop_name), sources[i]);
    }
    SetLabel(ev, s, dst, joined);
  }
  ev.MergeSameLabelsets(m);
  return m;
}

void RegisterLabelFunctions(std::vector<FunctionImpl>& t) {
  t.push_back({"sort", nullptr, FnSort});
  t.push_back({"sort_desc", nullptr, FnSortDesc});
  t.push_back({"sort_by_label", nullptr, FnSortByLabel});
  t.push_back({"sort_by_label_desc", nullptr, FnSortByLabelDesc});
  t.push_back({"absent", nullptr, FnAbsent});
}

}  // namespace tocsin::promql
