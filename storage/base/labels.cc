#include "storage/base/labels.h"

#include <algorithm>

#include "storage/base/strings.h"

namespace tocsin {

namespace {

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;
constexpr unsigned char kSeparator = 0xff;

uint64_t FnvAdd(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

uint64_t FnvAddByte(uint64_t h, unsigned char c) {
  h ^= c;
  h *= kFnvPrime;
  return h;
}

uint64_t HashLabels(const std::vector<Label>& labels) {
  uint64_t h = kFnvOffset;
  for (const auto& l : labels) {
    h = FnvAddByte(FnvAdd(h, l.name), kSeparator);
    h = FnvAddByte(FnvAdd(h, l.value), kSeparator);
  }
  return h;
}

// Sorted by name, unique, no empty value: what nearly every producer sends (Prometheus sorts
// its label sets), checked in one pass so that those sets skip the sort and the copy below.
bool IsCanonical(const std::vector<Label>& labels) {
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i].value.empty() || (i > 0 && !(labels[i - 1].name < labels[i].name))) {
      return false;
    }
  }
  return true;
}

void SortUnique(std::vector<Label>& labels) {
  if (IsCanonical(labels)) return;
  // Stable so that, among repeated names, the last one given survives.
  std::stable_sort(labels.begin(), labels.end(),
                   [](const Label& a, const Label& b) { return a.name < b.name; });
  std::vector<Label> out;
  out.reserve(labels.size());
  for (auto& l : labels) {
    if (!out.empty() && out.back().name == l.name) {
      out.back() = std::move(l);
    } else {
      out.push_back(std::move(l));
    }
  }
  std::erase_if(out, [](const Label& l) { return l.value.empty(); });
  labels = std::move(out);
}

}  // namespace

Labels::Labels(std::initializer_list<Label> labels)
    : Labels(FromVector(std::vector<Label>(labels))) {}

Labels Labels::FromVector(std::vector<Label> labels) {
  SortUnique(labels);
  return FromSorted(std::move(labels));
}

Labels Labels::FromSorted(std::vector<Label> labels) {
  const uint64_t h = HashLabels(labels);
  return FromSortedWithHash(std::move(labels), h);
}

Labels Labels::FromSortedWithHash(std::vector<Label> labels, uint64_t hash) {
  Labels out;
  if (labels.empty()) return out;
  out.impl_ = std::make_shared<const Impl>(Impl{std::move(labels), hash});
  return out;
}

std::string_view Labels::get(std::string_view name) const {
  for (const auto& l : items()) {
    if (l.name == name) return l.value;
  }
  return {};
}

bool Labels::has(std::string_view name) const {
  for (const auto& l : items()) {
    if (l.name == name) return true;
  }
  return false;
}

std::string Labels::to_string() const {
  std::string out = "{";
  bool first = true;
  for (const auto& l : items()) {
    if (!first) out += ", ";
    first = false;
    if (IsValidLegacyLabelName(l.name)) {
      out += l.name;
    } else {
      AppendGoQuoted(out, l.name);
    }
    out += '=';
    AppendGoQuoted(out, l.value);
  }
  out += '}';
  return out;
}

std::string Labels::to_metric_string() const {
  const std::string_view name = metric_name();
  const bool legacy_name = !name.empty() && IsValidLegacyMetricName(name);
  std::string out;
  if (legacy_name) out += name;
  std::string body;
  bool first = true;
  if (!name.empty() && !legacy_name) {
    AppendGoQuoted(body, name);
    first = false;
  }
  for (const auto& l : items()) {
    if (l.name == kMetricName) continue;
    if (!first) body += ", ";
    first = false;
    if (IsValidLegacyLabelName(l.name)) {
      body += l.name;
    } else {
      AppendGoQuoted(body, l.name);
    }
    body += '=';
    AppendGoQuoted(body, l.value);
  }
  if (!body.empty() || out.empty()) out += "{" + body + "}";
  return out;
}

Labels Labels::without(std::span<const std::string> names) const {
  std::vector<Label> out;
  out.reserve(size());
  for (const auto& l : items()) {
    if (std::find(names.begin(), names.end(), l.name) == names.end()) out.push_back(l);
  }
  return FromSorted(std::move(out));
}

Labels Labels::only(std::span<const std::string> names) const {
  std::vector<Label> out;
  for (const auto& l : items()) {
    if (std::find(names.begin(), names.end(), l.name) != names.end()) out.push_back(l);
  }
  return FromSorted(std::move(out));
}

Labels Labels::without_metric_name() const {
  if (!has(kMetricName)) return *this;
  std::vector<Label> out;
  out.reserve(size());
  for (const auto& l : items()) {
    if (l.name != kMetricName) out.push_back(l);
  }
  return FromSorted(std::move(out));
}

bool operator==(const Labels& a, const Labels& b) {
  if (a.impl_ == b.impl_) return true;
  if (a.hash() != b.hash() || a.size() != b.size()) return false;
  return std::equal(a.begin(), a.end(), b.begin());
}

bool operator<(const Labels& a, const Labels& b) {
  const auto x = a.items();
  const auto y = b.items();
  const size_t n = std::min(x.size(), y.size());
  for (size_t i = 0; i < n; ++i) {
    if (x[i].name != y[i].name) return x[i].name < y[i].name;
    if (x[i].value != y[i].value) return x[i].value < y[i].value;
  }
  return x.size() < y.size();
}

LabelsBuilder::LabelsBuilder(const Labels& base) {
  reset(base);
}

void LabelsBuilder::reset(const Labels& base) {
  labels_.assign(base.begin(), base.end());
}

LabelsBuilder& LabelsBuilder::set(std::string_view name, std::string_view value) {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (value.empty()) {
    if (it != labels_.end() && it->name == name) labels_.erase(it);
    return *this;
  }
  if (it != labels_.end() && it->name == name) {
    it->value = std::string(value);
  } else {
    labels_.insert(it, Label{std::string(name), std::string(value)});
  }
  return *this;
}

LabelsBuilder& LabelsBuilder::del(std::string_view name) {
  return set(name, {});
}

std::string_view LabelsBuilder::get(std::string_view name) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != labels_.end() && it->name == name) return it->value;
  return {};
}

Labels LabelsBuilder::labels() const {
  return Labels::FromSorted(labels_);
}

bool IsValidLegacyLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (digit && i > 0))) return false;
  }
  return true;
}

bool IsValidLegacyMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (digit && i > 0))) return false;
  }
  return true;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {  // ASCII, the common case: one byte, valid
      ++i;
      continue;
    }
    bool valid = true;
    DecodeRune(s, i, &valid);
    if (!valid) return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name) {
  return !name.empty() && IsValidUtf8(name);
}

}  // namespace tocsin
