#include "rules/unittest/comparison.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include <nlohmann/json.hpp>

#include "storage/base/go_float.h"
#include "storage/base/strings.h"

namespace tocsin::rules::unittest {
namespace {

bool LessAlert(const LabelsAndAnnotations& a, const LabelsAndAnnotations& b) {
  if (a.labels != b.labels) return a.labels < b.labels;
  return a.annotations < b.annotations;
}

// Whether every label of `subset` is in `set` with the same value.
bool Contains(const LabelList& set, const LabelList& subset) {
  for (const Label& l : subset) {
    auto it =
        std::find_if(set.begin(), set.end(), [&](const Label& x) { return x.name == l.name; });
    if (it == set.end() || it->value != l.value) return false;
  }
  return true;
}

bool EntryMatches(const LabelsAndAnnotations& exp, const LabelsAndAnnotations& got) {
  if (exp.partial)
    return Contains(got.labels, exp.labels) && Contains(got.annotations, exp.annotations);
  return exp.labels == got.labels && exp.annotations == got.annotations;
}

nlohmann::ordered_json ToJson(const LabelsAndAnnotations& a) {
  nlohmann::ordered_json j;
  j["Labels"] = nlohmann::ordered_json::object();
  for (const Label& l : a.labels) j["Labels"][l.name] = l.value;
  j["Annotations"] = nlohmann::ordered_json::object();
  for (const Label& l : a.annotations) j["Annotations"][l.name] = l.value;
  return j;
}

}  // namespace

LabelList ToLabelList(const Labels& labels, const std::vector<std::string>& empty_names) {
  LabelList out(labels.begin(), labels.end());
  for (const std::string& n : empty_names) out.push_back({n, ""});
  std::sort(out.begin(), out.end());
  return out;
}

LabelList ToLabelList(const std::map<std::string, std::string>& m) {
  LabelList out;
  for (const auto& [k, v] : m) out.push_back({k, v});
  return out;
}

std::string LabelListString(const LabelList& l) {
  std::string out = "{";
  for (size_t i = 0; i < l.size(); ++i) {
    if (i > 0) out += ", ";
    out += l[i].name + "=" + GoQuote(l[i].value);
  }
  return out + "}";
}

void SortAlerts(std::vector<LabelsAndAnnotations>& alerts) {
  std::sort(alerts.begin(), alerts.end(), LessAlert);
}

bool AlertsMatch(const std::vector<LabelsAndAnnotations>& expected,
                 const std::vector<LabelsAndAnnotations>& got) {
  if (expected.size() != got.size()) return false;
  // Exact entries are matched first: each must find an identical alert. Partial entries then
  // take the remaining alerts; a small backtracking search finds an assignment if one exists.
  std::vector<bool> used(got.size(), false);
  std::vector<const LabelsAndAnnotations*> partial;
  for (const LabelsAndAnnotations& e : expected) {
    if (e.partial) {
      partial.push_back(&e);
      continue;
    }
    bool found = false;
    for (size_t i = 0; i < got.size(); ++i) {
      if (!used[i] && EntryMatches(e, got[i])) {
        used[i] = found = true;
        break;
      }
    }
    if (!found) return false;
  }
  std::function<bool(size_t)> assign = [&](size_t k) -> bool {
    if (k == partial.size()) return true;
    for (size_t i = 0; i < got.size(); ++i) {
      if (used[i] || !EntryMatches(*partial[k], got[i])) continue;
      used[i] = true;
      if (assign(k + 1)) return true;
      used[i] = false;
    }
    return false;
  };
  return assign(0);
}

std::string IndentLines(const std::string& text, const std::string& indent) {
  std::string out;
  size_t start = 0;
  bool first = true;
  while (true) {
    const size_t nl = text.find('\n', start);
    if (!first) out += indent;
    first = false;
    out.append(text, start, nl == std::string::npos ? std::string::npos : nl - start);
    if (nl == std::string::npos) break;
    out += '\n';
    start = nl + 1;
  }
  return out;
}

std::string AlertsString(const std::vector<LabelsAndAnnotations>& alerts) {
  if (alerts.empty()) return "[]";
  std::string out = "[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    out += i == 0 ? "\n" : ",\n";
    const std::string one = "Labels:" + LabelListString(alerts[i].labels) +
                            "\nAnnotations:" + LabelListString(alerts[i].annotations);
    out += std::to_string(i) + ":" + IndentLines("\n" + one, "  ");
  }
  return out + "\n]";
}

std::string FormatValueE(double v) {
  return FormatGoFloat(v, 'E', -1);
}

void SortSamples(std::vector<ComparedSample>& samples) {
  std::stable_sort(
      samples.begin(), samples.end(),
      [](const ComparedSample& a, const ComparedSample& b) { return a.labels < b.labels; });
}

bool FloatsEqual(double a, double b, bool fuzzy) {
  if (a == b) return true;
  if (!fuzzy) return false;
  return std::nextafter(a, -INFINITY) == b || std::nextafter(a, INFINITY) == b;
}

bool SamplesMatch(const std::vector<ComparedSample>& expected,
                  const std::vector<ComparedSample>& got, bool fuzzy) {
  if (expected.size() != got.size()) return false;
  for (size_t i = 0; i < expected.size(); ++i) {
    if (!(expected[i].labels == got[i].labels)) return false;
    if (!FloatsEqual(expected[i].value, got[i].value, fuzzy)) return false;
  }
  return true;
}

std::string SamplesString(const std::vector<ComparedSample>& samples) {
  if (samples.empty()) return "nil";
  std::string out;
  for (size_t i = 0; i < samples.size(); ++i) {
    if (i > 0) out += ", ";
    out += samples[i].labels.to_string() + " " + FormatValueE(samples[i].value);
  }
  return out;
}

std::string AlertsDiff(const std::vector<LabelsAndAnnotations>& expected,
                       const std::vector<LabelsAndAnnotations>& got) {
  std::vector<std::string> exp_lines, got_lines;
  for (const auto& a : expected) exp_lines.push_back(ToJson(a).dump());
  for (const auto& a : got) got_lines.push_back(ToJson(a).dump());
  std::string out;
  for (const std::string& l : exp_lines) {
    const bool shared = std::find(got_lines.begin(), got_lines.end(), l) != got_lines.end();
    out += (shared ? "  " : "- ") + l + "\n";
  }
  for (const std::string& l : got_lines) {
    if (std::find(exp_lines.begin(), exp_lines.end(), l) == exp_lines.end()) out += "+ " + l + "\n";
  }
  if (!out.empty()) out.pop_back();
  return out;
}

}  // namespace tocsin::rules::unittest
