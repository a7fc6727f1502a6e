// A scrape target: the labels its samples get and the URL it is scraped at, built from a
// static_configs entry as Prometheus builds them (PopulateLabels without relabeling): group
// labels may set job and instance and the reserved __scheme__, __metrics_path__ and
// __param_<name>; instance defaults to the address; labels starting with "__" never reach
// samples.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/scrape/scrape_config.h"
#include "storage/base/labels.h"
#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::scrape {

struct Target {
  std::string job;
  std::string address;  // host:port
  Labels labels;        // job, instance and the group's labels, as added to every sample
  std::string url;      // scheme://host:port/path?params
  // Identity across configuration reloads: a target with the same labels and URL is the same
  // target (its loop and staleness state carry over).
  uint64_t hash = 0;

  // The delay from `now` to this target's first scrape: a per-target point in the interval
  // (from the target's hash and the server's seed), pinned to absolute time, so scrapes of many
  // targets spread out and each target keeps the same phase across restarts.
  DurationMs Offset(DurationMs interval, uint64_t seed, TimestampMs now) const;
};

Result<std::vector<Target>> TargetsFromConfig(const ScrapeConfig& config);

// Go's url.Values.Encode: keys sorted, query-escaped, '&'-joined.
std::string EncodeQuery(std::vector<std::pair<std::string, std::vector<std::string>>> params);

// A seed that differs between servers scraping the same targets (hostname + external labels),
// so that two of them do not scrape in lockstep.
uint64_t OffsetSeed(std::string_view hostname, const Labels& external_labels);

}  // namespace tocsin::scrape
