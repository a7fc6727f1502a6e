// Which aggregation groups are muted by time intervals, and by which ones (Alertmanager's
// marker.GroupMarker): written by the time stages at each flush, read by the API
// (`/api/v2/alerts/groups` `mutedBy`). Keyed by route id and group key because group keys alone
// are not unique across routes.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace tocsin::alerting {

class GroupMarker {
 public:
  // An empty list clears the mark.
  void SetMuted(const std::string& route_id, const std::string& group_key,
                std::vector<std::string> muted_by) {
    std::lock_guard lock(mu_);
    auto key = std::make_pair(route_id, group_key);
    if (muted_by.empty()) {
      muted_.erase(key);
    } else {
      muted_[key] = std::move(muted_by);
    }
  }
  std::vector<std::string> MutedBy(const std::string& route_id,
                                   const std::string& group_key) const {
    std::lock_guard lock(mu_);
    auto it = muted_.find(std::make_pair(route_id, group_key));
    return it == muted_.end() ? std::vector<std::string>{} : it->second;
  }
  void Delete(const std::string& route_id, const std::string& group_key) {
    std::lock_guard lock(mu_);
    muted_.erase(std::make_pair(route_id, group_key));
  }

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> muted_;
};

}  // namespace tocsin::alerting
