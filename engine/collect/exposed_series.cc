#include "engine/collect/exposed_series.h"

#include <charconv>

#include "engine/scrape/float_text.h"

namespace tocsin::collect {

std::string_view SuffixText(SeriesSuffix suffix) {
  switch (suffix) {
    case SeriesSuffix::kNone:
      return "";
    case SeriesSuffix::kBucket:
      return "_bucket";
    case SeriesSuffix::kSum:
      return "_sum";
    case SeriesSuffix::kCount:
      return "_count";
  }
  return "";
}

std::string_view BoundLabelName(BoundLabel label) {
  switch (label) {
    case BoundLabel::kNone:
      return "";
    case BoundLabel::kLe:
      return "le";
    case BoundLabel::kQuantile:
      return "quantile";
  }
  return "";
}

std::string BoundLabelValue(double bound) {
  if (std::isnan(bound) || std::isinf(bound)) return scrape::FormatOpenMetricsFloat(bound);
  // TextSerializer prints with precision max_digits10 - 1 = 16 in the default float format,
  // which is printf's %.16g (in the classic locale, as here); a bound such as 0.1 * 3 therefore
  // reaches Prometheus as "0.3".
  char printed[32];
  const auto end =
      std::to_chars(printed, printed + sizeof printed, bound, std::chars_format::general, 16).ptr;
  double read = 0;
  std::from_chars(printed, end, read);
  return scrape::FormatOpenMetricsFloat(read);
}

}  // namespace tocsin::collect
