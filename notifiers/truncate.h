// Cutting text to a receiver's limit the way Alertmanager does (notify.TruncateInRunes):
// at most n runes, the last one replaced by "…" when the text was cut.
#pragma once

#include <string>
#include <string_view>

namespace tocsin::notifiers {

std::string TruncateInRunes(std::string_view s, size_t n, bool* truncated = nullptr);

}  // namespace tocsin::notifiers
