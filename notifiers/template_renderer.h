// MessageTemplates over tocsin's Go template interpreter: the default templates, then the user's
// template files (Alertmanager's `templates:` globs), then each configured field parsed as one
// more template of that set and executed over the notification — as Alertmanager's
// ExecuteTextString does, with missingkey=zero.
//
// HTML bodies (ExpandHtml) are executed with html/template's contextual escaping
// (engine/template/html_escape.h), as Alertmanager's ExecuteHTMLString does.
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/template/template.h"
#include "notifiers/message_templates.h"

namespace tocsin::notifiers {

struct TemplateFile {
  std::string name;  // errors name it: "template: team.tmpl:3: ..."
  std::string text;
};

// The files matched by each glob, in glob order and sorted within one glob (Go's filepath.Glob),
// named by their base name. A glob that matches nothing is not an error (as in Alertmanager).
Result<std::vector<TemplateFile>> ReadTemplateFiles(std::span<const std::string> globs);

class TemplateRenderer final : public MessageTemplates {
 public:
  // Parses the defaults, then `files` in order (a later {{define}} replaces an earlier one).
  // `clock` feeds `now` and `since` (empty: the system clock).
  static Result<std::unique_ptr<TemplateRenderer>> Create(std::span<const TemplateFile> files = {},
                                                          tmpl::Clock clock = {});

  Result<std::string> ExpandText(std::string_view source,
                                 const Notification& notification) const override;
  Result<std::string> ExpandHtml(std::string_view source,
                                 const Notification& notification) const override;

  // Executes a named template of the set (e.g. "__subject").
  Result<std::string> ExecuteNamed(std::string_view name, const Notification& notification) const;

 private:
  TemplateRenderer(tmpl::Template base, tmpl::Clock clock);
  // `source` parsed into a copy of the set, cached: the same fields are rendered again and again.
  Result<std::shared_ptr<const tmpl::Template>> Compile(std::string_view source) const;

  tmpl::Template base_;
  tmpl::Clock clock_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const tmpl::Template>> compiled_;
};

}  // namespace tocsin::notifiers
