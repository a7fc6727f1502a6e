// Go's float formatting: strconv.FormatFloat / AppendFloat, which fmt's %e %f %g %x %b print
// through. PromQL's messages and label values (count_values, quantile labels) and the template
// language's printf and number output must show exactly the digits Go shows.
#pragma once

#include <string>

namespace tocsin {

// strconv.AppendFloat(dst, v, fmt, prec, 64) for fmt in b e E f g G x X; prec -1 asks for the
// shortest representation that reads back exactly. "NaN", "+Inf", "-Inf" for the specials.
void AppendGoFloat(std::string& out, double v, char fmt, int prec);
std::string FormatGoFloat(double v, char fmt, int prec);

// fmt.Sprintf("%g", v): the shortest 'g' form ("1e+06", "0.1").
inline std::string FormatGoG(double v) {
  return FormatGoFloat(v, 'g', -1);
}

}  // namespace tocsin
