#include "notifiers/truncate.h"

#include <vector>

#include "storage/base/strings.h"

namespace tocsin::notifiers {

std::string TruncateInRunes(std::string_view s, size_t n, bool* truncated) {
  std::vector<size_t> starts;  // byte offset of each rune
  size_t i = 0;
  while (i < s.size()) {
    starts.push_back(i);
    DecodeRune(s, i);
  }
  bool cut = starts.size() > n;
  if (truncated != nullptr) *truncated = cut;
  if (!cut) return std::string(s);
  if (n <= 3) return std::string(s.substr(0, starts[n]));
  return std::string(s.substr(0, starts[n - 1])) + "…";
}

}  // namespace tocsin::notifiers
