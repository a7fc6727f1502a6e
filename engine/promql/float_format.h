// Go's float formatting (strconv.FormatFloat and fmt's %g), which PromQL's messages and label
// values use: count_values labels ('f', shortest), annotation texts (%g), quantile labels.
#pragma once

#include <string>

namespace tocsin::promql {

// strconv.FormatFloat(v, fmt, prec, 64) for fmt 'e', 'f' or 'g'; prec < 0 means the shortest
// representation that reads back to the same value. NaN is "NaN", infinities "+Inf"/"-Inf".
std::string FormatGoFloat(double v, char fmt, int prec);

// fmt.Sprintf("%g", v): the shortest 'g' form.
inline std::string FormatG(double v) {
  return FormatGoFloat(v, 'g', -1);
}

}  // namespace tocsin::promql
