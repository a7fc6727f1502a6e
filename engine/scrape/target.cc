#include "engine/scrape/target.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace tocsin::scrape {
namespace {

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

uint64_t Fnv1a(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

std::string Escape(std::string_view s, bool query) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    const bool keep =
        IsUnreserved(c) || (!query && std::string_view("$&+,/:;=@").find(static_cast<char>(c)) !=
                                          std::string_view::npos);
    if (keep) {
      out.push_back(static_cast<char>(c));
    } else if (query && c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::string EncodeQuery(std::vector<std::pair<std::string, std::vector<std::string>>> params) {
  std::stable_sort(params.begin(), params.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [key, values] : params) {
    for (const std::string& v : values) {
      if (!out.empty()) out += '&';
      out += Escape(key, true) + "=" + Escape(v, true);
    }
  }
  return out;
}

uint64_t OffsetSeed(std::string_view hostname, const Labels& external_labels) {
  return Fnv1a(Fnv1a(kFnvOffset, hostname), external_labels.to_string());
}

DurationMs Target::Offset(DurationMs interval, uint64_t seed, TimestampMs now) const {
  if (interval <= 0) return 0;
  const int64_t base = interval - ((now % interval) + interval) % interval;
  const int64_t offset = static_cast<int64_t>((hash ^ seed) % static_cast<uint64_t>(interval));
  int64_t next = base + offset;
  if (next > interval) next -= interval;
  return next;
}

Result<std::vector<Target>> TargetsFromConfig(const ScrapeConfig& config) {
  std::vector<Target> out;
  for (const StaticConfig& group : config.static_configs) {
    for (const std::string& address : group.targets) {
      std::map<std::string, std::string> all;  // every label, reserved ones included
      for (const Label& l : group.labels) all[l.name] = l.value;
      all["__address__"] = address;
      auto set_default = [&](const std::string& name, const std::string& value) {
        if (all[name].empty()) all[name] = value;
      };
      set_default("job", config.job_name);
      set_default("__scheme__", config.scheme);
      set_default("__metrics_path__", config.metrics_path);
      auto params = config.params;
      for (auto& [name, values] : params) {
        if (!values.empty()) set_default("__param_" + name, values[0]);
      }
      set_default("instance", address);

      Target t;
      t.job = config.job_name;
      t.address = address;
      LabelsBuilder public_labels;
      for (const auto& [name, value] : all) {
        if (name.starts_with("__param_")) {
          const std::string key = name.substr(8);
          auto it = std::find_if(params.begin(), params.end(),
                                 [&](const auto& p) { return p.first == key; });
          if (it == params.end()) {
            params.push_back({key, {value}});
          } else if (it->second.empty()) {
            it->second.push_back(value);
          } else {
            it->second[0] = value;
          }
        }
        if (!name.starts_with("__")) public_labels.set(name, value);
      }
      t.labels = public_labels.labels();
      const std::string& scheme = all["__scheme__"];
      if (scheme != "http" && scheme != "https") {
        return Error{"target " + address + " of job \"" + config.job_name +
                     "\": invalid scheme \"" + scheme + "\""};
      }
      std::string path = all["__metrics_path__"];
      if (!path.starts_with('/')) path = "/" + path;
      t.url = scheme + "://" + address + Escape(path, false);
      const std::string query = EncodeQuery(params);
      if (!query.empty()) t.url += "?" + query;
      char labels_hash[32];
      std::snprintf(labels_hash, sizeof labels_hash, "%016llu",
                    static_cast<unsigned long long>(t.labels.hash()));
      t.hash = Fnv1a(Fnv1a(kFnvOffset, labels_hash), t.url);
      out.push_back(std::move(t));
    }
  }
  return out;
}

}  // namespace tocsin::scrape
