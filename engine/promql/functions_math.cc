// Element-wise math on instant vectors (abs, exp, trigonometry, rounding, clamping, ...) and
// the scalar helpers pi(), min_of(), max_of(), scalar() and vector().
#include <cmath>
#include <limits>
#include <numbers>

#include "engine/promql/function_impl.h"
#include "engine/promql/go_math.h"

namespace tocsin::promql {

namespace {

// Applies f to every sample of the first argument; the result drops the metric name.
template <double (*F)(double)>
void Elementwise(InstantCall& c) {
  for (const auto& s : c.args[0]) c.out.push_back(Sample{s.metric, 0, F(s.v), true});
}

double Abs(double v) {
  return std::fabs(v);
}
double Ceil(double v) {
  return std::ceil(v);
}
double Floor(double v) {
  return std::floor(v);
}
double Exp(double v) {
  return std::exp(v);
}
double Sqrt(double v) {
  return std::sqrt(v);
}
double Ln(double v) {
  return std::log(v);
}
double Log2(double v) {
  return std::log2(v);
}
double Log10(double v) {
  return std::log10(v);
}
double Sin(double v) {
  return std::sin(v);
}
double Cos(double v) {
  return std::cos(v);
}
double Tan(double v) {
  return std::tan(v);
}
double Asin(double v) {
  return std::asin(v);
}
double Acos(double v) {
  return std::acos(v);
}
double Atan(double v) {
  return std::atan(v);
}
double Sinh(double v) {
  return std::sinh(v);
}
double Cosh(double v) {
  return std::cosh(v);
}
double Tanh(double v) {
  return std::tanh(v);
}
double Asinh(double v) {
  return std::asinh(v);
}
double Acosh(double v) {
  return std::acosh(v);
}
double Atanh(double v) {
  return std::atanh(v);
}
double Rad(double v) {
  return v * std::numbers::pi / 180;
}
double Deg(double v) {
  return v * 180 / std::numbers::pi;
}
double Sgn(double v) {
  if (v < 0) return -1;
  if (v > 0) return 1;
  return v;  // 0, -0 and NaN stay as they are
}

void ClampGo(InstantCall& c, double lo, double hi) {
  if (hi < lo) return;
  for (const auto& s : c.args[0]) {
    c.out.push_back(Sample{s.metric, 0, GoMax(lo, GoMin(hi, s.v)), true});
  }
}

void FnClamp(InstantCall& c) {
  ClampGo(c, c.scalar(1), c.scalar(2));
}
void FnClampMax(InstantCall& c) {
  ClampGo(c, -HUGE_VAL, c.scalar(1));
}
void FnClampMin(InstantCall& c) {
  ClampGo(c, c.scalar(1), HUGE_VAL);
}

void FnRound(InstantCall& c) {
  const double to_nearest = c.args.size() >= 2 ? c.scalar(1) : 1.0;
  // Multiplying by the inverse loses less precision than dividing; ties round up.
  const double inverse = 1.0 / to_nearest;
  for (const auto& s : c.args[0]) {
    c.out.push_back(Sample{s.metric, 0, std::floor(s.v * inverse + 0.5) / inverse, true});
  }
}

void FnPi(InstantCall& c) {
  c.out.push_back(Sample{Labels(), 0, std::numbers::pi, false});
}
void FnMaxOf(InstantCall& c) {
  c.out.push_back(Sample{Labels(), 0, GoMax(c.scalar(0), c.scalar(1)), false});
}
void FnMinOf(InstantCall& c) {
  c.out.push_back(Sample{Labels(), 0, GoMin(c.scalar(0), c.scalar(1)), false});
}

// scalar(v): the value of a single-element vector, NaN otherwise.
void FnScalar(InstantCall& c) {
  const Vector& v = c.args[0];
  c.out.push_back(Sample{Labels(), 0, v.size() == 1 ? v[0].v : std::nan(""), false});
}

void FnVector(InstantCall& c) {
  c.out.push_back(Sample{Labels(), 0, c.scalar(0), false});
}

}  // namespace

void RegisterMathFunctions(std::vector<FunctionImpl>& t) {
  t.push_back({"abs", nullptr, Elementwise<Abs>});
  t.push_back({"ceil", nullptr, Elementwise<Ceil>});
  t.push_back({"floor", nullptr, Elementwise<Floor>});
  t.push_back({"exp", nullptr, Elementwise<Exp>});
  t.push_back({"sqrt", nullptr, Elementwise<Sqrt>});
  t.push_back({"ln", nullptr, Elementwise<Ln>});
  t.push_back({"log2", nullptr, Elementwise<Log2>});
  t.push_back({"log10", nullptr, Elementwise<Log10>});
  t.push_back({"sin", nullptr, Elementwise<Sin>});
  t.push_back({"cos", nullptr, Elementwise<Cos>});
  t.push_back({"tan", nullptr, Elementwise<Tan>});
  t.push_back({"asin", nullptr, Elementwise<Asin>});
  t.push_back({"acos", nullptr, Elementwise<Acos>});
  t.push_back({"atan", nullptr, Elementwise<Atan>});
  t.push_back({"sinh", nullptr, Elementwise<Sinh>});
  t.push_back({"cosh", nullptr, Elementwise<Cosh>});
  t.push_back({"tanh", nullptr, Elementwise<Tanh>});
  t.push_back({"asinh", nullptr, Elementwise<Asinh>});
  t.push_back({"acosh", nullptr, Elementwise<Acosh>});
  t.push_back({"atanh", nullptr, Elementwise<Atanh>});
  t.push_back({"rad", nullptr, Elementwise<Rad>});
  t.push_back({"deg", nullptr, Elementwise<Deg>});
  t.push_back({"sgn", nullptr, Elementwise<Sgn>});
  t.push_back({"clamp", nullptr, FnClamp});
  t.push_back({"clamp_max", nullptr, FnClampMax});
  t.push_back({"clamp_min", nullptr, FnClampMin});
  t.push_back({"round", nullptr, FnRound});
  t.push_back({"pi", nullptr, FnPi});
  t.push_back({"max_of", nullptr, FnMaxOf});
  t.push_back({"min_of", nullptr, FnMinOf});
  t.push_back({"scalar", nullptr, FnScalar});
  t.push_back({"vector", nullptr, FnVector});
}

}  // namespace tocsin::promql
