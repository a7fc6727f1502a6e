// Go's regexp.Compile error text for a pattern RE2 refused: Prometheus and Alertmanager compile
// with Go's regexp, whose syntax is RE2's, and their answers quote Go's message
// ("error parsing regexp: missing closing ): `^(?:()$`"), not RE2's.
#pragma once

#include <string>

namespace re2 {
class RE2;
}

namespace tocsin {

// `re` must have failed to compile (re.ok() is false).
std::string GoRegexpError(const re2::RE2& re);

}  // namespace tocsin
