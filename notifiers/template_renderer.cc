#include "notifiers/template_renderer.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "notifiers/default_templates.h"
#include "notifiers/template_data.h"
#include "notifiers/template_functions.h"

namespace tocsin::notifiers {
namespace {

// The name a configured field is parsed under, as Alertmanager's tmpl.New("").
constexpr std::string_view kFieldTemplate = "";
constexpr size_t kMaxCompiled = 4096;  // distinct field sources kept parsed

// routeLabels reads the notification's route labels; the dispatcher has already rendered them.
TemplateEnvironment Environment(const Notification& notification) {
  TemplateEnvironment env;
  env.route_labels = [&notification](std::string_view name) -> Result<std::string> {
    return std::string(notification.group.route_labels.get(name));
  };
  return env;
}

}  // namespace

Result<std::vector<TemplateFile>> ReadTemplateFiles(std::span<const std::string> globs) {
  std::vector<TemplateFile> files;
  for (const auto& pattern : globs) {
    glob_t matches{};
    int rc = glob(pattern.c_str(), 0, nullptr, &matches);
    if (rc != 0 && rc != GLOB_NOMATCH) {
      globfree(&matches);
      return Error{"templates: cannot expand " + pattern};
    }
    std::vector<std::string> paths(matches.gl_pathv, matches.gl_pathv + matches.gl_pathc);
    globfree(&matches);
    std::sort(paths.begin(), paths.end());
    for (const auto& path : paths) {
      std::ifstream in(path, std::ios::binary);
      if (!in) return Error{"templates: cannot read " + path};
      std::ostringstream text;
      text << in.rdbuf();
      files.push_back({std::filesystem::path(path).filename().string(), text.str()});
    }
  }
  return files;
}

TemplateRenderer::TemplateRenderer(tmpl::Template base, tmpl::Clock clock)
    : base_(std::move(base)), clock_(std::move(clock)) {}

Result<std::unique_ptr<TemplateRenderer>> TemplateRenderer::Create(
    std::span<const TemplateFile> files, tmpl::Clock clock) {
  tmpl::Template base(AlertmanagerTemplateFunctions());
  base.set_missing_key(tmpl::MissingKey::kZero);
  if (Status s = base.Parse("default.tmpl", DefaultTemplates()); !s.ok()) {
    return Error{"default templates: " + s.message()};
  }
  for (const auto& file : files) {
    if (Status s = base.Parse(file.name, file.text); !s.ok()) return Error{s.message()};
  }
  return std::unique_ptr<TemplateRenderer>(new TemplateRenderer(std::move(base), std::move(clock)));
}

Result<std::shared_ptr<const tmpl::Template>> TemplateRenderer::Compile(
    std::string_view source) const {
  std::string key(source);
  {
    std::lock_guard lock(mu_);
    auto it = compiled_.find(key);
    if (it != compiled_.end()) return it->second;
  }
  auto compiled = std::make_shared<tmpl::Template>(base_.Clone());
  if (Status s = compiled->Parse(kFieldTemplate, source); !s.ok()) return Error{s.message()};
  std::lock_guard lock(mu_);
  if (compiled_.size() >= kMaxCompiled) compiled_.clear();
  compiled_.emplace(std::move(key), compiled);
  return std::shared_ptr<const tmpl::Template>(std::move(compiled));
}

Result<std::string> TemplateRenderer::ExpandText(std::string_view source,
                                                 const Notification& notification) const {
  if (source.empty()) return std::string();
  auto compiled = Compile(source);
  if (!compiled.ok()) return compiled.error();
  TemplateEnvironment env = Environment(notification);
  tmpl::ExecuteOptions options;
  options.env = &env;
  options.clock = clock_;
  return (*compiled)->ExecuteToString(kFieldTemplate, DataValue(notification), options);
}

Result<std::string> TemplateRenderer::ExpandHtml(std::string_view source,
                                                 const Notification& notification) const {
  if (source.empty()) return std::string();
  auto compiled = Compile(source);
  if (!compiled.ok()) return compiled.error();
  TemplateEnvironment env = Environment(notification);
  tmpl::ExecuteOptions options;
  options.env = &env;
  options.clock = clock_;
  options.escape_html = true;
  return (*compiled)->ExecuteToString(kFieldTemplate, DataValue(notification), options);
}

Result<std::string> TemplateRenderer::ExecuteNamed(std::string_view name,
                                                   const Notification& notification) const {
  TemplateEnvironment env = Environment(notification);
  tmpl::ExecuteOptions options;
  options.env = &env;
  options.clock = clock_;
  return base_.ExecuteToString(name, DataValue(notification), options);
}

}  // namespace tocsin::notifiers
