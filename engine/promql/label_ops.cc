#include "engine/promql/label_ops.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <vector>

namespace tocsin::promql {

namespace {

// The byte-wise FNV-1a of label_ops.h, the same function as Labels::hash()
// (storage/base/labels.cc), so that EffectiveHash(m, false) == m.hash().
using label_seq::FnvAdd;
using label_seq::kFnvOffset;

inline uint64_t FnvAddLabel(uint64_t h, const Label& l) {
  return FnvAdd(FnvAdd(h, l.name), l.value);
}

bool HasMetadata(const Labels& m) {
  for (const auto& l : m) {
    // Label sets are sorted and __unit__ sorts last of the three.
    if (l.name > kUnitLabel) break;
    if (IsMetadataLabel(l.name)) return true;
  }
  return false;
}

// --- xxHash64 (the public algorithm by Yann Collet), for PrometheusLabelsHash. ---
constexpr uint64_t kP1 = 0x9E3779B185EBCA87ULL;
constexpr uint64_t kP2 = 0xC2B2AE3D27D4EB4FULL;
constexpr uint64_t kP3 = 0x165667B19E3779F9ULL;
constexpr uint64_t kP4 = 0x85EBCA77C2B2AE63ULL;
constexpr uint64_t kP5 = 0x27D4EB2F165667C5ULL;

inline uint64_t Read64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;  // little-endian hosts only (x86-64, arm64)
}
inline uint32_t Read32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t Round(uint64_t acc, uint64_t input) {
  acc += input * kP2;
  acc = std::rotl(acc, 31);
  return acc * kP1;
}
inline uint64_t MergeRound(uint64_t acc, uint64_t v) {
  acc ^= Round(0, v);
  return acc * kP1 + kP4;
}

uint64_t XxHash64(const unsigned char* p, size_t len) {
  const unsigned char* end = p + len;
  uint64_t h;
  if (len >= 32) {
    uint64_t v1 = kP1 + kP2, v2 = kP2, v3 = 0, v4 = 0 - kP1;
    const unsigned char* limit = end - 32;
    do {
      v1 = Round(v1, Read64(p));
      v2 = Round(v2, Read64(p + 8));
      v3 = Round(v3, Read64(p + 16));
      v4 = Round(v4, Read64(p + 24));
      p += 32;
    } while (p <= limit);
    h = std::rotl(v1, 1) + std::rotl(v2, 7) + std::rotl(v3, 12) + std::rotl(v4, 18);
    h = MergeRound(h, v1);
    h = MergeRound(h, v2);
    h = MergeRound(h, v3);
    h = MergeRound(h, v4);
  } else {
    h = kP5;
  }
  h += len;
  while (p + 8 <= end) {
    h ^= Round(0, Read64(p));
    h = std::rotl(h, 27) * kP1 + kP4;
    p += 8;
  }
  if (p + 4 <= end) {
    h ^= static_cast<uint64_t>(Read32(p)) * kP1;
    h = std::rotl(h, 23) * kP2 + kP3;
    p += 4;
  }
  while (p < end) {
    h ^= static_cast<uint64_t>(*p) * kP5;
    h = std::rotl(h, 11) * kP1;
    ++p;
  }
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  h *= kP3;
  h ^= h >> 32;
  return h;
}

void AppendEncodedString(std::string& out, std::string_view s) {
  const size_t n = s.size();
  if (n < 255) {
    out += static_cast<char>(n);
  } else {
    out += static_cast<char>(255);
    out += static_cast<char>(n & 0xff);
    out += static_cast<char>((n >> 8) & 0xff);
    out += static_cast<char>((n >> 16) & 0xff);
  }
  out += s;
}

}  // namespace

std::string_view GetLabel(const Labels& m, bool hidden, std::string_view name) {
  if (hidden && IsMetadataLabel(name)) return {};
  return m.get(name);
}

Labels DropMetadata(const Labels& m) {
  if (!HasMetadata(m)) return m;
  std::vector<Label> out;
  out.reserve(m.size());
  for (const auto& l : m) {
    if (!IsMetadataLabel(l.name)) out.push_back(l);
  }
  return Labels::FromSorted(std::move(out));
}

uint64_t EffectiveHash(const Labels& m, bool hidden) {
  if (!hidden || !HasMetadata(m)) return m.hash();
  uint64_t h = kFnvOffset;
  for (const auto& l : m) {
    if (!IsMetadataLabel(l.name)) h = FnvAddLabel(h, l);
  }
  return h;
}

bool EffectiveEqual(const Labels& a, bool hidden_a, const Labels& b, bool hidden_b) {
  auto ia = a.begin(), ea = a.end();
  auto ib = b.begin(), eb = b.end();
  while (true) {
    while (ia != ea && hidden_a && IsMetadataLabel(ia->name)) ++ia;
    while (ib != eb && hidden_b && IsMetadataLabel(ib->name)) ++ib;
    if (ia == ea || ib == eb) return ia == ea && ib == eb;
    if (ia->name != ib->name || ia->value != ib->value) return false;
    ++ia;
    ++ib;
  }
}

uint64_t HashOnly(const Labels& m, bool hidden, std::span<const std::string> names) {
  return label_seq::GroupingHash(m.items(), hidden, names, /*without=*/false);
}

uint64_t HashWithout(const Labels& m, bool hidden, std::span<const std::string> names) {
  return label_seq::GroupingHash(m.items(), hidden, names, /*without=*/true);
}

Labels GroupingLabels(const Labels& m, bool hidden, std::span<const std::string> names,
                      bool without) {
  if (!without && names.empty()) return Labels();
  std::vector<Label> out;
  for (const auto& l : m) {
    if (label_seq::KeptByGrouping(l, hidden, names, without)) out.push_back(l);
  }
  return Labels::FromSorted(std::move(out));
}

uint64_t PrometheusLabelsHash(const Labels& m, bool hidden) {
  std::string data;
  for (const auto& l : m) {
    if (hidden && IsMetadataLabel(l.name)) continue;
    AppendEncodedString(data, l.name);
    AppendEncodedString(data, l.value);
  }
  return XxHash64(reinterpret_cast<const unsigned char*>(data.data()), data.size());
}

}  // namespace tocsin::promql
