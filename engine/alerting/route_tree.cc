#include "engine/alerting/route_tree.h"

#include <algorithm>

#include "storage/base/strings.h"

namespace tocsin::alerting {
void Route::Match(const Labels& labels, std::vector<const Route*>& out) const {
  if (!Matches(labels)) return;
  const size_t before = out.size();
  for (const auto& child : children_) {
    const size_t mark = out.size();
    child->Match(labels, out);
    if (out.size() != mark && !child->continue_) break;
  }
  if (out.size() == before) out.push_back(this);
}

Labels Route::GroupLabels(const Labels& alert) const {
  if (options_.group_by_all) return alert;
  std::vector<Label> kept;
  for (const Label& l : alert) {
    if (std::binary_search(options_.group_by.begin(), options_.group_by.end(), l.name)) {
      kept.push_back(l);
    }
  }
  return Labels::FromSorted(std::move(kept));
}

uint64_t Route::GroupFingerprint(const Labels& alert) const {
  if (options_.group_by_all) return alert.fingerprint();
  // Labels::hash()'s FNV-1a over "name\xffvalue\xff" in name order (the tests hold the two
  // equal), fed the kept labels as GroupLabels would keep them.
  uint64_t h = 0xcbf29ce484222325ULL;
  auto add = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
    h ^= 0xff;
    h *= 0x100000001b3ULL;
  };
  for (const Label& l : alert) {
    if (std::binary_search(options_.group_by.begin(), options_.group_by.end(), l.name)) {
      add(l.name);
      add(l.value);
    }
  }
  return h;
}

std::string Route::GroupKey(const Labels& group_labels) const {
  return key_ + ":" + FormatLabelSet(group_labels);
}

void Route::Walk(const std::function<void(const Route&)>& visit) const {
  visit(*this);
  for (const auto& child : children_) child->Walk(visit);
}

namespace {

// Alertmanager's newRoute: start from the parent's options and override what the node sets.
void Inherit(const RouteConfig& cfg, RouteOptions& opts) {
  if (!cfg.labels.empty()) {
    for (const auto& [k, v] : cfg.labels) opts.labels[k] = v;
  }
  if (!cfg.receiver.empty()) opts.receiver = cfg.receiver;
  if (cfg.group_by) {
    opts.group_by = *cfg.group_by;
    std::sort(opts.group_by.begin(), opts.group_by.end());
    opts.group_by.erase(std::unique(opts.group_by.begin(), opts.group_by.end()),
                        opts.group_by.end());
    opts.group_by_all = false;
  } else if (cfg.group_by_all) {
    opts.group_by_all = true;
  }
  if (cfg.group_wait) opts.group_wait = *cfg.group_wait;
  if (cfg.group_interval) opts.group_interval = *cfg.group_interval;
  if (cfg.repeat_interval) opts.repeat_interval = *cfg.repeat_interval;
  if (cfg.notify_resolved_on_mute) opts.notify_resolved_on_mute = *cfg.notify_resolved_on_mute;
  opts.mute_time_intervals = cfg.mute_time_intervals;
  opts.active_time_intervals = cfg.active_time_intervals;
}

}  // namespace

// Children are built (and numbered) before their parent's index is assigned, as upstream does.
RouteTree::RouteTree(const RouteConfig& root) {
  int counter = 0;
  std::function<std::unique_ptr<Route>(const RouteConfig&, Route*, size_t)> build =
      [&](const RouteConfig& cfg, Route* parent, size_t sibling_index) {
        auto route = std::make_unique<Route>();
        RouteOptions opts = parent ? parent->options_ : RouteOptions{};
        Inherit(cfg, opts);
        route->options_ = std::move(opts);
        route->parent_ = parent;
        route->matchers_ = cfg.AllMatchers();
        route->continue_ = cfg.continue_matching;
        const std::string own = FormatMatchers(route->matchers_);
        route->key_ = parent ? parent->key_ + "/" + own : own;
        route->id_ = parent ? parent->id_ + "/" + own + "/" + std::to_string(sibling_index) : own;
        for (size_t i = 0; i < cfg.routes.size(); ++i) {
          route->children_.push_back(build(cfg.routes[i], route.get(), i));
        }
        route->index_ = counter++;
        return route;
      };
  root_ = build(root, nullptr, 0);
}

std::vector<const Route*> RouteTree::Match(const Labels& labels) const {
  std::vector<const Route*> out;
  root_->Match(labels, out);
  return out;
}

std::vector<std::string> RouteTree::MatchReceivers(const Labels& labels) const {
  std::vector<std::string> out;
  for (const Route* r : Match(labels)) out.push_back(r->options().receiver);
  return out;
}

std::string FormatLabelSet(const Labels& labels) {
  std::string out = "{";
  bool first = true;
  for (const Label& l : labels) {
    if (!first) out += ", ";
    first = false;
    out += l.name;
    out.push_back('=');
    AppendGoQuoted(out, l.value);
  }
  out.push_back('}');
  return out;
}

}  // namespace tocsin::alerting
