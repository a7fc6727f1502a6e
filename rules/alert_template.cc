#include "rules/alert_template.h"

namespace tocsin::rules {

Result<AlertTemplate> AlertTemplate::Parse(std::string_view rule_name, std::string_view text) {
  AlertTemplate t;
  t.name_ = "__alert_" + std::string(rule_name);
  auto tmpl = std::make_shared<tmpl::Template>(PrometheusTemplateFunctions(), t.name_);
  tmpl->set_missing_key(tmpl::MissingKey::kZero);
  std::string full(kAlertTemplatePrelude);
  full += text;
  if (Status s = tmpl->Parse(t.name_, full); !s.ok()) return Error{s.message()};
  t.template_ = std::move(tmpl);
  return t;
}

Result<std::string> AlertTemplate::Expand(const tmpl::Value& data,
                                          const TemplateEnvironment& env) const {
  tmpl::ExecuteOptions opts;
  opts.env = &env;
  std::string out;
  if (Status s = template_->Execute(name_, data, &out, opts); !s.ok()) {
    return Error{"error executing template " + name_ + ": " + s.message()};
  }
  return out;
}

std::string AlertTemplate::ExpandOrErrorText(const tmpl::Value& data,
                                             const TemplateEnvironment& env) const {
  auto r = Expand(data, env);
  if (r.ok()) return std::move(r).value();
  return "<error expanding template: " + r.message() + ">";
}

}  // namespace tocsin::rules
