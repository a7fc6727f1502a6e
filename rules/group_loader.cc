#include "rules/group_loader.h"

#include "engine/promql/parser.h"

namespace tocsin::rules {
namespace {

// Prometheus's FromMaps: group labels, then rule labels over them.
Labels MergeLabels(const std::map<std::string, std::string>& group,
                   const std::map<std::string, std::string>& rule) {
  std::map<std::string, std::string> merged = group;
  for (const auto& [k, v] : rule) merged[k] = v;
  std::vector<Label> out;
  out.reserve(merged.size());
  for (auto& [k, v] : merged) out.push_back({k, v});
  return Labels::FromVector(std::move(out));
}

Labels ToLabels(const std::map<std::string, std::string>& m) {
  return MergeLabels({}, m);
}

// The merged labels whose value is "": in Prometheus they delete the label from the output.
std::vector<std::string> RemovedLabels(const std::map<std::string, std::string>& group,
                                       const std::map<std::string, std::string>& rule) {
  std::map<std::string, std::string> merged = group;
  for (const auto& [k, v] : rule) merged[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : merged)
    if (v.empty()) out.push_back(k);
  return out;
}

}  // namespace

std::vector<std::unique_ptr<RuleGroup>> BuildGroups(const RuleFile& file,
                                                    const GroupLoadOptions& options) {
  std::vector<std::unique_ptr<RuleGroup>> groups;
  for (const RuleGroupSpec& g : file.groups) {
    std::vector<std::unique_ptr<Rule>> rules;
    rules.reserve(g.rules.size());
    for (const RuleSpec& r : g.rules) {
      // Validation parsed every expression already; this cannot fail for a validated file.
      promql::ExprPtr expr = std::move(promql::ParseExpr(r.expr, options.files.parser)).value();
      if (r.is_alerting()) {
        rules.push_back(std::make_unique<Rule>(std::make_unique<AlertingRule>(
            AlertingRuleSpec{r.alert, std::move(expr), r.for_duration, r.keep_firing_for,
                             MergeLabels(g.labels, r.labels), ToLabels(r.annotations),
                             RemovedLabels(g.labels, r.labels)})));
      } else {
        rules.push_back(std::make_unique<Rule>(std::make_unique<RecordingRule>(
            r.record, std::move(expr), MergeLabels(g.labels, r.labels),
            RemovedLabels(g.labels, r.labels))));
      }
    }
    RuleGroupOptions go;
    go.file = file.path;
    go.name = g.name;
    go.interval = g.interval != 0 ? g.interval : options.default_interval;
    go.query_offset = g.query_offset;
    go.limit = g.limit;
    groups.push_back(std::make_unique<RuleGroup>(std::move(go), std::move(rules)));
  }
  return groups;
}

LoadedGroups LoadGroups(const std::vector<std::string>& files, const GroupLoadOptions& options) {
  LoadedGroups out;
  for (const std::string& path : files) {
    RuleFileParse parsed = LoadRuleFile(path, options.files);
    out.warnings.insert(out.warnings.end(), parsed.warnings.begin(), parsed.warnings.end());
    if (!parsed.ok()) {
      out.groups.clear();
      out.errors = std::move(parsed.errors);
      return out;
    }
    for (auto& g : BuildGroups(parsed.file, options)) out.groups.push_back(std::move(g));
  }
  return out;
}

}  // namespace tocsin::rules
