#include "rules/rule_file.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rules/rule_validation.h"

namespace tocsin::rules {
namespace {

// Go type names, as go-yaml prints them in unmarshal errors.
constexpr std::string_view kGroupsType = "rulefmt.RuleGroups";
constexpr std::string_view kGroupType = "rulefmt.RuleGroup";
constexpr std::string_view kRuleType = "rulefmt.Rule";

RuleSpec DecodeRule(YamlDecoder& d, const YAML::Node& node) {
  RuleSpec rule;
  rule.pos = PosOf(node);
  for (const YamlField& f :
       d.Fields(node, kRuleType,
                {"record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"})) {
    if (f.key == "record") {
      d.String(f.value, &rule.record);
      rule.record_pos = PosOf(f.value.IsNull() ? f.key_node : f.value);
    } else if (f.key == "alert") {
      d.String(f.value, &rule.alert);
      rule.alert_pos = PosOf(f.value.IsNull() ? f.key_node : f.value);
    } else if (f.key == "expr") {
      d.String(f.value, &rule.expr);
      rule.expr_pos = PosOf(f.value.IsNull() ? f.key_node : f.value);
    } else if (f.key == "for") {
      d.Duration(f.value, &rule.for_duration);
    } else if (f.key == "keep_firing_for") {
      d.Duration(f.value, &rule.keep_firing_for);
    } else if (f.key == "labels") {
      d.StringMap(f.value, &rule.labels, &rule.label_pos);
    } else if (f.key == "annotations") {
      d.StringMap(f.value, &rule.annotations, &rule.annotation_pos);
    }
  }
  return rule;
}

RuleGroupSpec DecodeGroup(YamlDecoder& d, const YAML::Node& node) {
  RuleGroupSpec group;
  group.pos = PosOf(node);
  for (const YamlField& f : d.Fields(
           node, kGroupType, {"name", "interval", "query_offset", "limit", "rules", "labels"})) {
    if (f.key == "name") {
      d.String(f.value, &group.name);
    } else if (f.key == "interval") {
      d.Duration(f.value, &group.interval);
    } else if (f.key == "query_offset") {
      if (!f.value.IsNull()) {
        DurationMs offset = 0;
        if (d.Duration(f.value, &offset)) group.query_offset = offset;
      }
    } else if (f.key == "limit") {
      d.Int(f.value, &group.limit);
    } else if (f.key == "labels") {
      d.StringMap(f.value, &group.labels, &group.label_pos);
    } else if (f.key == "rules") {
      for (const YAML::Node& item : d.Items(f.value, "[]rulefmt.Rule")) {
        group.rules.push_back(DecodeRule(d, item));
      }
    }
  }
  return group;
}

}  // namespace

size_t RuleFile::num_rules() const {
  size_t n = 0;
  for (const RuleGroupSpec& g : groups) n += g.rules.size();
  return n;
}

RuleFileParse ParseRuleFile(const std::string& content, const std::string& path,
                            const RuleFileOptions& options) {
  RuleFileParse out;
  out.file.path = path;
  bool more_documents = false;
  Result<YAML::Node> root = LoadFirstYamlDocument(content, &more_documents);
  if (!root.ok()) {
    out.errors.push_back(path + ": " + root.message());
    return out;
  }
  if (more_documents) {
    out.warnings.push_back(path +
                           ": multiple document YAML rule files are not supported, only the "
                           "first document is processed");
  }
  YamlDecoder d(YamlDialect::kGoYamlV3, !options.ignore_unknown_fields);
  for (const YamlField& f : d.Fields(*root, kGroupsType, {"groups"})) {
    for (const YAML::Node& item : d.Items(f.value, "[]rulefmt.RuleGroup")) {
      out.file.groups.push_back(DecodeGroup(d, item));
    }
  }
  if (!d.ok()) {
    out.errors.push_back(path + ": " + d.Summary());
    return out;
  }
  for (std::string& e : ValidateRuleFile(out.file, options)) {
    out.errors.push_back(path + ": " + std::move(e));
  }
  return out;
}

RuleFileParse LoadRuleFile(const std::string& path, const RuleFileOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    RuleFileParse out;
    out.file.path = path;
    out.errors.push_back(path + ": read " + path + ": is a directory");
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    RuleFileParse out;
    out.file.path = path;
    std::string reason = std::strerror(errno);
    // Go's syscall errors are lower-case ("no such file or directory").
    if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(reason[0]));
    out.errors.push_back(path + ": open " + path + ": " + reason);
    return out;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return ParseRuleFile(buf.str(), path, options);
}

}  // namespace tocsin::rules
