// The float comparison of the PromQL test harness: values agree when their relative difference is
// below an epsilon, with exact rules for zero, subnormals, NaN, the staleness marker and
// infinities.
#pragma once

namespace tocsin::promql::promqltest {

// The tolerance upstream .test files are written against.
inline constexpr double kDefaultEpsilon = 1e-6;

// True when |a-b| / (|a|+|b|) < epsilon. When either value is 0, or |a|+|b| is subnormal, the
// difference must instead be below epsilon times the smallest normal double: effectively exact,
// since a relative error against zero means nothing. Any NaN matches any other NaN except the
// staleness marker, which matches only itself; infinities match only themselves.
bool AlmostEqual(double a, double b, double epsilon = kDefaultEpsilon);

}  // namespace tocsin::promql::promqltest
