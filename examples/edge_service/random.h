// The simulation's source of randomness: a seeded xoshiro256** generator with the few
// distributions the model draws from. Written out (not std::*_distribution, whose algorithms the
// standard leaves to each library) so that one seed gives the same run on every platform.
#pragma once

#include <cstdint>
#include <span>

namespace tocsin::edge {

class Random {
 public:
  explicit Random(uint64_t seed);

  uint64_t Next();
  // Uniform in [0, 1).
  double Uniform();
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Standard normal (Box-Muller; one value per call).
  double Normal();
  // Log-normal with the given median and shape (the standard deviation of its logarithm).
  double LogNormal(double median, double sigma);
  bool Chance(double p) { return Uniform() < p; }
  // An index drawn with probability proportional to its weight (weights are not all zero).
  size_t Pick(std::span<const double> weights);

 private:
  uint64_t s_[4];
};

}  // namespace tocsin::edge
