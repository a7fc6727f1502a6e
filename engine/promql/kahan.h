// Kahan–Neumaier compensated summation, as Prometheus sums floats in sum(), avg(),
// sum_over_time(), avg_over_time() and the linear regression of deriv()/predict_linear().
//
// The results must match Prometheus bit for bit, so this code must not be contracted into
// fused multiply-adds: the promql library is compiled with -ffp-contract=off.
#pragma once

#include <cmath>
#include <limits>

namespace tocsin::promql {

struct KahanSum {
  double sum = 0;
  double c = 0;  // running compensation

  // Adds `inc`. Once the sum overflows to ±Inf, the compensation is reset so that the
  // infinity is the result (as Prometheus's kahansum.Inc does).
  void Add(double inc) {
    const double t = sum + inc;
    if (t > std::numeric_limits<double>::max() || t < -std::numeric_limits<double>::max()) {
      c = 0;
    } else if (std::fabs(sum) >= std::fabs(inc)) {
      c += (sum - t) + inc;
    } else {
      c += (inc - t) + sum;
    }
    sum = t;
  }
};

// One Kahan step on explicit state, for the places that keep sum and compensation apart.
inline void KahanInc(double inc, double& sum, double& c) {
  KahanSum k{sum, c};
  k.Add(inc);
  sum = k.sum;
  c = k.c;
}

}  // namespace tocsin::promql
