#include "engine/alerting/alert.h"

#include <algorithm>
#include <cstdio>

#include "storage/base/strings.h"

namespace tocsin::alerting {
namespace {

// alert/validate.go's validateLs, over names and values in sorted order (Go reports whichever
// invalid pair its map iteration meets first).
template <typename Pairs>
std::string FirstInvalidPair(const Pairs& pairs) {
  for (const Label& l : pairs) {
    if (!IsValidLabelName(l.name)) return "invalid name " + GoQuote(l.name);
    if (!IsValidUtf8(l.value)) return "invalid value " + GoQuote(l.value);
  }
  return {};
}

}  // namespace

Result<Alert> MakeAlert(const PostableAlert& posted, TimestampMs now, DurationMs resolve_timeout) {
  return MakeAlert(PostableAlert(posted), now, resolve_timeout);
}

Result<Alert> MakeAlert(PostableAlert&& posted, TimestampMs now, DurationMs resolve_timeout) {
  Alert a;
  a.labels = std::move(posted.labels);
  a.annotations = std::move(posted.annotations);
  a.starts_at = posted.starts_at;
  a.ends_at = posted.ends_at;
  a.generator_url = std::move(posted.generator_url);
  a.updated_at = now;
  if (a.starts_at == 0) a.starts_at = a.ends_at == 0 ? now : a.ends_at;
  if (a.ends_at == 0) {
    a.timeout = true;
    a.ends_at = now + resolve_timeout;
  }
  if (a.ends_at < a.starts_at) return Error{"start time must be before end time"};
  if (a.labels.empty()) return Error{"at least one label pair required"};
  if (std::string e = FirstInvalidPair(a.labels); !e.empty()) {
    return Error{"invalid label set: " + e};
  }
  if (std::string e = FirstInvalidPair(a.annotations); !e.empty()) {
    return Error{"invalid annotations: " + e};
  }
  return a;
}

namespace {

// The merged copy is the younger one with these times from the older one.
void TakeTimesFromOlder(const Alert& older, Alert& res, TimestampMs now) {
  if (older.starts_at < res.starts_at) res.starts_at = older.starts_at;
  if (res.ResolvedAt(now)) {
    // Both effectively resolved: the latest resolution wins.
    if (older.ResolvedAt(now) && older.ends_at > res.ends_at) res.ends_at = older.ends_at;
  } else if (older.ends_at > res.ends_at && !older.timeout) {
    // An explicit end beats one derived from resolve_timeout.
    res.ends_at = older.ends_at;
  }
}

}  // namespace

Alert MergeAlerts(const Alert& a, const Alert& b, TimestampMs now) {
  const bool b_younger = !(b.updated_at < a.updated_at);
  Alert res = b_younger ? b : a;
  TakeTimesFromOlder(b_younger ? a : b, res, now);
  return res;
}

Alert MergeAlerts(const Alert& a, Alert&& b, TimestampMs now) {
  if (b.updated_at < a.updated_at) return MergeAlerts(a, static_cast<const Alert&>(b), now);
  Alert res = std::move(b);
  TakeTimesFromOlder(a, res, now);
  return res;
}

bool ShouldMerge(const Alert& stored, const Alert& incoming) {
  return (incoming.ends_at > stored.starts_at && incoming.ends_at < stored.ends_at) ||
         (incoming.starts_at > stored.starts_at && incoming.starts_at < stored.ends_at);
}

bool LabelSetBefore(const Labels& a, const Labels& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  // Walk the union of names in order: the first name missing on one side, or the first
  // differing value, decides.
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].name < b[j].name)) {
      // The name is a's only: b lacks it, and Go checks `a` first: present in a, then absent
      // in b -> false.
      return false;
    }
    if (i == a.size() || b[j].name < a[i].name) return true;  // missing in a
    if (a[i].value != b[j].value) return a[i].value < b[j].value;
    ++i;
    ++j;
  }
  return false;
}

bool AlertOrderLess(const Alert& a, const Alert& b) {
  for (std::string_view key : {std::string_view("job"), std::string_view("instance")}) {
    const bool a_has = a.labels.has(key);
    const bool b_has = b.labels.has(key);
    if (!a_has && !b_has) continue;
    if (!a_has) return false;
    if (!b_has) return true;
    std::string_view av = a.labels.get(key), bv = b.labels.get(key);
    if (av != bv) return av < bv;
  }
  return LabelSetBefore(a.labels, b.labels);
}

std::string FingerprintHex(uint64_t fingerprint) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fingerprint));
  return buf;
}

Annotations MakeAnnotations(std::vector<Label> pairs) {
  // Already sorted with unique names (what Prometheus sends): nothing to do.
  bool sorted = true;
  for (size_t i = 1; i < pairs.size() && sorted; ++i) sorted = pairs[i - 1].name < pairs[i].name;
  if (sorted) return pairs;
  // Stable so that, among equal names, the last one given stays last and wins below.
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const Label& x, const Label& y) { return x.name < y.name; });
  Annotations out;
  out.reserve(pairs.size());
  for (Label& l : pairs) {
    if (!out.empty() && out.back().name == l.name) {
      out.back().value = std::move(l.value);
    } else {
      out.push_back(std::move(l));
    }
  }
  return out;
}

Labels AnnotationsAsLabels(const Annotations& annotations) {
  std::vector<Label> v;
  v.reserve(annotations.size());
  for (const Label& l : annotations) {
    if (!l.value.empty()) v.push_back(l);
  }
  return Labels::FromSorted(std::move(v));
}

Annotations AnnotationsFromLabels(const Labels& labels) {
  return Annotations(labels.begin(), labels.end());
}

}  // namespace tocsin::alerting
