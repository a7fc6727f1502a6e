// `tocsin config routes [show]` and `tocsin config routes test`: amtool's routing commands on
// a local configuration file, with the same output.
//
//   tocsin config routes test --config.file F [--tree] [--verify.receivers=a,b] label=value...
// prints the receivers the label set routes to, comma-separated in tree order; with
// --verify.receivers it exits 1 (after a warning) when they differ. --tree first prints the
// matching part of the tree. Labels are parsed as amtool parses them (UTF-8 matcher syntax with
// the classic fallback; only `=` is allowed).
#include <CLI/CLI.hpp>
#include <iostream>

#include "engine/alerting/config_loader.h"
#include "engine/alerting/matchers_parser.h"
#include "engine/alerting/route_tree.h"
#include "engine/cli/commands.h"
#include "engine/cli/tree_printer.h"

namespace tocsin::cli {
namespace {

using alerting::Route;

struct RoutesOptions {
  std::string config_file;
  std::vector<std::string> labels;
  std::string verify_receivers;
  bool tree = false;
};

void Fatal(const std::string& message) {
  std::cerr << "tocsin: error: " << message << "\n";
  ExitCode() = 1;
}

std::string Slug(const Route& route, bool show_continue, bool show_receiver) {
  std::string out =
      route.matchers().empty() ? "default-route" : alerting::FormatMatchers(route.matchers());
  if (route.continue_matching() && show_continue) out += "  continue: true";
  if (show_receiver) out += "  receiver: " + route.options().receiver;
  return out;
}

TreeNode WholeTree(const Route& route) {
  TreeNode node{Slug(route, true, true), {}};
  for (const auto& child : route.children()) node.children.push_back(WholeTree(*child));
  return node;
}

// amtool's getMatchingTree: the path an alert takes, with receivers on the final nodes.
TreeNode MatchingTree(const Route& route, const Labels& labels) {
  TreeNode node{Slug(route, false, false), {}};
  bool final = true;
  for (const auto& child : route.children()) {
    if (!child->Matches(labels)) continue;
    node.children.push_back(MatchingTree(*child, labels));
    final = false;
    if (!child->continue_matching()) break;
  }
  if (final) node.value = Slug(route, false, true);
  return node;
}

std::optional<alerting::Config> Load(const RoutesOptions& o) {
  if (o.config_file.empty()) {
    Fatal("--config.file is required (tocsin reads the routing tree from a file)");
    return std::nullopt;
  }
  Result<alerting::Config> cfg = alerting::LoadConfigFile(o.config_file);
  if (!cfg.ok()) {
    Fatal(cfg.message() + "\n");
    return std::nullopt;
  }
  return std::move(*cfg);
}

void Show(const RoutesOptions& o) {
  std::optional<alerting::Config> cfg = Load(o);
  if (!cfg) return;
  const alerting::RouteTree tree(cfg->route);
  std::cout << "Routing tree:\n" << RenderTree(TreeNode{".", {WholeTree(tree.root())}}) << "\n";
}

void Test(const RoutesOptions& o) {
  std::optional<alerting::Config> cfg = Load(o);
  if (!cfg) return;
  const alerting::RouteTree tree(cfg->route);
  LabelsBuilder builder;
  for (const std::string& l : o.labels) {
    alerting::MatcherParseOptions po;
    po.origin = "cli";
    Result<LabelMatcher> m = alerting::ParseMatcher(l, po);
    if (!m.ok()) return Fatal("Failed to parse labels: " + m.message() + "\n");
    if (m->type() != MatchType::kEqual)
      return Fatal("Labels must be specified as key=value pairs\n");
    builder.set(m->name(), m->value());
  }
  const Labels labels = builder.labels();
  if (o.tree) {
    std::cout << "Matching routes:\n"
              << RenderTree(TreeNode{".", {MatchingTree(tree.root(), labels)}}) << "\n\n";
  }
  std::string slug;
  for (const std::string& r : tree.MatchReceivers(labels)) {
    if (!slug.empty()) slug += ",";
    slug += r;
  }
  std::cout << slug << "\n";
  if (!o.verify_receivers.empty() && o.verify_receivers != slug) {
    std::cout << "WARNING: Expected receivers did not match resolved receivers.\n";
    ExitCode() = 1;
  }
}

}  // namespace

void RegisterConfigRoutesCommand(CLI::App& app) {
  auto o = std::make_shared<RoutesOptions>();
  CLI::App* config = Subcommand(app, "config", "Inspect an Alertmanager-format configuration");
  CLI::App* routes = config->add_subcommand(
      "routes", "Print the routing tree of an Alertmanager-format configuration (like amtool)");
  routes->add_option("--config.file", o->config_file, "Configuration file");
  CLI::App* show = routes->add_subcommand("show", "Print the routing tree (the default)");
  show->fallthrough();
  CLI::App* test = routes->add_subcommand(
      "test", "Print the receivers a label set routes to, comma-separated in tree order");
  test->fallthrough();  // --config.file may come after `test`, as amtool allows
  test->add_flag("--tree", o->tree, "Also print the matching part of the tree");
  test->add_option("--verify.receivers", o->verify_receivers,
                   "Exit 1 unless the label set routes to exactly these receivers (a,b)");
  test->add_option("labels", o->labels, "label=value pairs");
  routes->callback([o, routes, show, test] {
    if (test->parsed()) {
      Test(*o);
    } else {
      (void)show;
      (void)routes;
      Show(*o);
    }
  });
}

}  // namespace tocsin::cli
