// `tocsin template render`: amtool's `template render`, a drop-in with the same flags, data,
// output and exit codes.
//
//   tocsin template render --template.glob 'tmpl/*.tmpl' [--template.glob ...]
//       --template.text '{{ template "slack.default.title" . }}'
//       [--template.type text|html] [--template.data alerts.json]
//
// The template set is Alertmanager's: the default templates, then every file each glob matches
// (in glob order, sorted within a glob, named by base name; a glob matching nothing is fine),
// then --template.text parsed as one more template named "" and executed with missingkey=zero,
// as Alertmanager's ExecuteTextString / ExecuteHTMLString do. The data is the JSON file read as
// Go reads a template.Data, or, without one, amtool's example group of two alerts. The rendering
// goes to standard output with nothing added; an error goes to standard error as
// `tocsin: error: <Go's message>` with exit code 1 and no output.
#include <glob.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "engine/cli/commands.h"
#include "engine/template/go_time.h"
#include "engine/template/template.h"
#include "notifiers/default_templates.h"
#include "notifiers/template_data.h"
#include "notifiers/template_data_json.h"
#include "notifiers/template_functions.h"

namespace tocsin::cli {
namespace {

using tmpl::Value;

struct RenderOptions {
  std::vector<std::string> globs;
  std::string text;
  std::string type;
  std::string data_file;
};

// amtool reports through kingpin's Fatalf, which leaves an empty line after the message.
void Fail(const std::string& message) {
  std::cerr << "tocsin: error: " << message << "\n\n";
  ExitCode() = 1;
}

// Go's filepath.Match syntax check (filepath.Glob refuses a malformed pattern before looking at
// the disk): `[` needs a non-empty class closed by `]`, `\` needs a character after it.
bool ValidGlobPattern(std::string_view p) {
  size_t i = 0;
  // One character of a class, possibly escaped; false when the class is malformed there.
  const auto class_char = [&]() -> bool {
    if (i >= p.size() || p[i] == '-' || p[i] == ']') return false;
    if (p[i] == '\\') {
      ++i;
      if (i >= p.size()) return false;
    }
    ++i;
    return true;
  };
  while (i < p.size()) {
    if (p[i] == '\\') {
      if (i + 1 >= p.size()) return false;
      i += 2;
    } else if (p[i] == '[') {
      ++i;
      if (i < p.size() && p[i] == '^') ++i;
      int ranges = 0;
      while (true) {
        if (i < p.size() && p[i] == ']' && ranges > 0) {
          ++i;
          break;
        }
        if (!class_char()) return false;
        if (i < p.size() && p[i] == '-') {
          ++i;
          if (!class_char()) return false;
        }
        ++ranges;
      }
    } else {
      ++i;
    }
  }
  return true;
}

// The files a glob names, sorted, as Go's filepath.Glob lists them ("*" matches a leading dot).
Result<std::vector<std::string>> Glob(const std::string& pattern) {
  if (!ValidGlobPattern(pattern)) return Error{"syntax error in pattern"};
  glob_t matches{};
  const int rc = glob(pattern.c_str(), GLOB_PERIOD, nullptr, &matches);
  std::vector<std::string> paths;
  if (rc == 0) paths.assign(matches.gl_pathv, matches.gl_pathv + matches.gl_pathc);
  globfree(&matches);
  std::erase_if(paths, [](const std::string& p) {
    const std::string base = std::filesystem::path(p).filename().string();
    return base == "." || base == "..";
  });
  std::sort(paths.begin(), paths.end());
  return paths;
}

Result<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Error{"read " + path + ": is a directory"};
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error{
        "open " + path + ": " +
        (std::filesystem::exists(path, ec) ? "permission denied" : "no such file or directory")};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// amtool's example data (its cli/template_render.go, 0.34): a group of one firing and one
// resolved alert, with times relative to now.
Value DefaultData() {
  using notifiers::KVType;
  const auto kv = [](std::vector<std::pair<std::string, std::string>> entries) {
    std::vector<std::pair<std::string, Value>> values;
    for (auto& [k, v] : entries) values.emplace_back(std::move(k), Value::String(std::move(v)));
    return Value::Map(std::move(values), KVType());
  };
  const int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const auto at = [&](int64_t minutes_ago) {
    return Value::Time(tmpl::GoTime::FromUnixNano(now_ns - minutes_ago * 60'000'000'000)
                           .In(tmpl::Location::Local()));
  };
  const auto common_labels = [] {
    return std::vector<std::pair<std::string, std::string>>{
        {"commonlabelkey1", "commonlabelvalue1"}, {"commonlabelkey2", "commonlabelvalue2"}};
  };
  const auto common_annotations = [] {
    return std::vector<std::pair<std::string, std::string>>{
        {"commonannotationkey1", "commonannotationvalue1"},
        {"commonannotationkey2", "commonannotationvalue2"}};
  };
  const auto with = [](std::vector<std::pair<std::string, std::string>> base,
                       std::vector<std::pair<std::string, std::string>> more) {
    base.insert(base.end(), more.begin(), more.end());
    return base;
  };
  Value firing = Value::Struct(
      notifiers::AlertType(),
      {Value::String("firing"),
       kv(with(common_labels(),
               {{"label1", "value1"}, {"label2", "value2"}, {"instance", "foo.bar:1234"}})),
       kv(with(common_annotations(), {{"annotation1", "value1"}, {"annotation2", "value2"}})),
       at(5), at(0), Value::String("https://generatorurl.com"), Value::String("fingerprint1")});
  Value resolved = Value::Struct(
      notifiers::AlertType(),
      {Value::String("resolved"), kv(with(common_labels(), {{"foo", "bar"}, {"baz", "qux"}})),
       kv(with(common_annotations(), {{"aaa", "bbb"}, {"ccc", "ddd"}})), at(10), at(0),
       Value::String("https://generatorurl.com"), Value::String("fingerprint2")});
  return Value::Struct(
      notifiers::DataType(),
      {Value::String("receiver"), Value::String("alertstatus"),
       Value::List({firing, resolved}, notifiers::AlertsType()), Value::String(""),
       kv({{"grouplabelkey1", "grouplabelvalue1"}, {"grouplabelkey2", "grouplabelvalue2"}}),
       kv(common_labels()), kv(common_annotations()), Value::NilMap(KVType()),
       Value::String("https://example.com")});
}

// {{ routeLabels "name" }} while rendering: the data's RouteLabels value, itself executed as a
// template over the same data (once per label), with reference cycles reported as
// Alertmanager reports them.
class RouteLabelResolver {
 public:
  RouteLabelResolver(const tmpl::Template& set, const Value& data) : set_(set), data_(data) {}

  Result<std::string> Resolve(std::string_view name) {
    // Data's 8th field (index 7) is RouteLabels.
    const Value labels = data_.structure().field(7);
    if (labels.kind() != tmpl::Kind::kMap) return std::string();
    std::optional<std::string> raw;
    for (size_t i = 0; i < labels.map().size(); ++i) {
      if (labels.map().key(i) == name) raw = std::string(labels.map().value(i).as_string());
    }
    if (!raw) return std::string();
    const std::string key(name);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    if (std::find(stack_.begin(), stack_.end(), key) != stack_.end()) {
      std::string cycle;
      for (const auto& s : stack_) cycle += s + " -> ";
      return Error{"route label cycle detected: " + cycle + key};
    }
    if (raw->empty()) return memo_[key] = "";
    stack_.push_back(key);
    auto rendered = Render(*raw);
    stack_.pop_back();
    if (!rendered.ok()) return rendered;
    return memo_[key] = *rendered;
  }

  bool html = false;  // --template.type html: html/template's escaping

  Result<std::string> Render(std::string_view text) {
    tmpl::Template t = set_.Clone();
    if (Status s = t.Parse("", text); !s.ok()) return Error{s.message()};
    notifiers::TemplateEnvironment env;
    env.route_labels = [this](std::string_view n) { return Resolve(n); };
    tmpl::ExecuteOptions options;
    options.env = &env;
    options.escape_html = html;
    return t.ExecuteToString("", data_, options);
  }

 private:
  const tmpl::Template& set_;
  const Value& data_;
  std::map<std::string, std::string> memo_;
  std::vector<std::string> stack_;
};

void Render(const RenderOptions& o) {
  tmpl::Template set(notifiers::AlertmanagerTemplateFunctions());
  set.set_missing_key(tmpl::MissingKey::kZero);
  if (Status s = set.Parse("default.tmpl", notifiers::DefaultTemplates()); !s.ok()) {
    return Fail(s.message());
  }
  for (const auto& pattern : o.globs) {
    auto paths = Glob(pattern);
    if (!paths.ok()) return Fail(paths.message());
    for (const auto& path : *paths) {
      auto text = ReadFile(path);
      if (!text.ok()) return Fail(text.message());
      if (Status s = set.Parse(std::filesystem::path(path).filename().string(), *text); !s.ok()) {
        return Fail(s.message());
      }
    }
  }

  Value data;
  if (o.data_file.empty()) {
    data = DefaultData();
  } else {
    auto json = ReadFile(o.data_file);
    if (!json.ok()) return Fail(json.message());
    auto parsed = notifiers::TemplateDataFromJson(*json);
    if (!parsed.ok()) return Fail(parsed.message());
    data = std::move(*parsed);
  }

  if (o.text.empty()) return;  // Alertmanager renders an empty text as "" without parsing it
  RouteLabelResolver resolver(set, data);
  resolver.html = o.type == "html";
  auto rendered = resolver.Render(o.text);
  if (!rendered.ok()) return Fail(rendered.message());
  std::cout << *rendered << std::flush;
}

}  // namespace

void RegisterTemplateRenderCommand(CLI::App& app) {
  CLI::App* group = Subcommand(app, "template", "Render notification templates (amtool template)");
  CLI::App* cmd = group->add_subcommand(
      "render", "Render a given definition in a template file to standard output.");
  auto o = std::make_shared<RenderOptions>();
  // Required flags and the type's values are checked by the command itself, so that a mistake
  // reads and exits (1) as amtool's does.
  cmd->add_option("--template.glob", o->globs,
                  "Glob of paths that will be expanded and used for rendering (repeatable).")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  // An empty text is allowed (it renders nothing), so the option may take an empty value.
  cmd->add_option("--template.text", o->text, "The template that will be rendered.")
      ->expected(0, 1);
  cmd->add_option("--template.type", o->type,
                  "The type of the template. Can be either text (default) or html.");
  cmd->add_option("--template.data", o->data_file,
                  "JSON file with the template data (Alertmanager's template.Data); without "
                  "it, an example group of two alerts.");
  cmd->callback([o, cmd] {
    if (cmd->count("--template.glob") == 0)
      return Fail("required flag --template.glob not provided");
    if (cmd->count("--template.text") == 0)
      return Fail("required flag --template.text not provided");
    if (!o->type.empty() && o->type != "text" && o->type != "html") {
      return Fail("enum value must be one of html,text, got '" + o->type + "'");
    }
    Render(*o);
  });
}

}  // namespace tocsin::cli
