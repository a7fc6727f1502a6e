// The routing tree: Alertmanager's dispatch/route.go.
//
// Each node has matchers (AND), options inherited from its parent unless set (receiver,
// group_by, group_wait 30s / group_interval 5m / repeat_interval 4h at the root, route labels),
// and children. Matching is depth-first and left to right: an alert that matches a node is
// offered to its children in order; the first matching child ends the search at that level
// unless it has `continue: true`; a node that no child matched handles the alert itself.
//
// Keys, as Alertmanager builds them (they end up in group keys, hence in PagerDuty dedup keys
// and the notification log, and must be byte-identical to upstream's):
//   Route::key()   "{}/{severity=\"critical\"}"       matcher lists from the root, '/'-joined
//   Route::id()    "{}/{severity=\"critical\"}/0"      plus each node's index among siblings
//   GroupKey()     "{}/{severity=\"critical\"}:{alertname=\"X\"}"  key + ':' + group labels
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/alerting/config.h"
#include "engine/alerting/matchers.h"
#include "storage/base/labels.h"
#include "storage/base/time.h"

namespace tocsin::alerting {

struct RouteOptions {
  std::string receiver;
  std::vector<std::string> group_by;  // sorted, unique
  bool group_by_all = false;          // group_by: ['...']
  DurationMs group_wait = 30 * kSecond;
  DurationMs group_interval = 5 * kMinute;
  DurationMs repeat_interval = 4 * kHour;
  // Not inherited: each node lists its own.
  std::vector<std::string> mute_time_intervals;
  std::vector<std::string> active_time_intervals;
  // Route labels, merged down the tree (a child's value wins). Values may be templates.
  std::map<std::string, std::string> labels;
  // tocsin's extension, inherited: see RouteConfig::notify_resolved_on_mute.
  bool notify_resolved_on_mute = false;
};

class Route {
 public:
  const Route* parent() const { return parent_; }
  const RouteOptions& options() const { return options_; }
  const Matchers& matchers() const { return matchers_; }
  bool continue_matching() const { return continue_; }
  const std::vector<std::unique_ptr<Route>>& children() const { return children_; }
  // Alertmanager's Route.Idx: children are numbered before their parent (post-order), so the
  // root has the largest index.
  int index() const { return index_; }
  const std::string& key() const { return key_; }
  const std::string& id() const { return id_; }

  // The nodes that handle an alert with these labels, in tree order; empty when this node's
  // matchers reject the alert.
  void Match(const Labels& labels, std::vector<const Route*>& out) const;
  bool Matches(const Labels& labels) const { return MatchesAll(matchers_, labels); }

  // The alert's labels that this route groups by (all of them under `...`).
  Labels GroupLabels(const Labels& alert) const;
  // GroupLabels(alert).fingerprint(), without building the label set.
  uint64_t GroupFingerprint(const Labels& alert) const;
  // key() + ":" + the group labels printed as `{a="b", c="d"}`.
  std::string GroupKey(const Labels& group_labels) const;

  // Depth-first, parent before children.
  void Walk(const std::function<void(const Route&)>& visit) const;

 private:
  friend class RouteTree;
  const Route* parent_ = nullptr;
  RouteOptions options_;
  Matchers matchers_;
  bool continue_ = false;
  std::vector<std::unique_ptr<Route>> children_;
  int index_ = 0;
  std::string key_;
  std::string id_;
};

class RouteTree {
 public:
  // The root's receiver must be set (LoadConfig guarantees it for loaded configurations).
  explicit RouteTree(const RouteConfig& root);
  RouteTree(RouteTree&&) = default;
  RouteTree& operator=(RouteTree&&) = default;

  const Route& root() const { return *root_; }
  std::vector<const Route*> Match(const Labels& labels) const;
  // The receivers of Match(), in order (what `amtool config routes test` prints).
  std::vector<std::string> MatchReceivers(const Labels& labels) const;
  void Walk(const std::function<void(const Route&)>& visit) const { root_->Walk(visit); }

 private:
  std::unique_ptr<Route> root_;
};

// A label set as Alertmanager's model.LabelSet prints it: `{a="b", c="d"}`, names as they
// are, values Go-quoted.
std::string FormatLabelSet(const Labels& labels);

}  // namespace tocsin::alerting
