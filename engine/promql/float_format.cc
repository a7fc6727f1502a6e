#include "engine/promql/float_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace tocsin::promql {

namespace {

// A decimal number 0.d1d2...dn × 10^dp, as Go's strconv represents it while formatting.
struct Digits {
  std::string d;  // significant digits, no trailing zeros; empty for zero
  int dp = 0;     // position of the decimal point
};

// Digits of |v| rounded to `significant` digits, or the shortest round-trip digits when
// significant < 0. std::to_chars rounds correctly, as Go's strconv does.
Digits DecimalDigits(double v, int significant) {
  Digits out;
  if (v == 0) return out;
  char buf[64];
  std::to_chars_result r =
      significant < 0
          ? std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::scientific)
          : std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::scientific,
                          std::max(significant - 1, 0));
  const std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
  const size_t e = s.find('e');
  for (size_t i = 0; i < e; ++i) {
    if (s[i] != '.') out.d += s[i];
  }
  const int exp = std::atoi(std::string(s.substr(e + 1)).c_str());
  out.dp = exp + 1;
  while (!out.d.empty() && out.d.back() == '0') out.d.pop_back();
  if (out.d.empty()) out.dp = 0;
  return out;
}

void AppendE(std::string& out, const Digits& digs, int prec, char fmt) {
  const int nd = static_cast<int>(digs.d.size());
  out += nd == 0 ? '0' : digs.d[0];
  if (prec > 0) {
    out += '.';
    int i = 1;
    const int m = std::min(nd, prec + 1);
    for (; i < m; ++i) out += digs.d[static_cast<size_t>(i)];
    for (; i <= prec; ++i) out += '0';
  }
  out += fmt;
  int exp = nd == 0 ? 0 : digs.dp - 1;
  if (exp < 0) {
    out += '-';
    exp = -exp;
  } else {
    out += '+';
  }
  if (exp < 10) out += '0';
  out += std::to_string(exp);
}

void AppendF(std::string& out, const Digits& digs, int prec) {
  const int nd = static_cast<int>(digs.d.size());
  if (digs.dp > 0) {
    int m = std::min(nd, digs.dp);
    out.append(digs.d, 0, static_cast<size_t>(m));
    for (; m < digs.dp; ++m) out += '0';
  } else {
    out += '0';
  }
  if (prec > 0) {
    out += '.';
    for (int i = 1; i <= prec; ++i) {
      const int j = digs.dp + i - 1;
      out += (j >= 0 && j < nd) ? digs.d[static_cast<size_t>(j)] : '0';
    }
  }
}

}  // namespace

std::string FormatGoFloat(double v, char fmt, int prec) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::string out;
  if (std::signbit(v)) out += '-';
  const bool shortest = prec < 0;

  if (fmt == 'f' && !shortest) {
    char buf[400];
    auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::fixed, prec);
    out.append(buf, r.ptr);
    return out;
  }

  Digits digs;
  if (shortest) {
    digs = DecimalDigits(v, -1);
  } else if (fmt == 'e') {
    digs = DecimalDigits(v, prec + 1);
  } else {  // 'g'
    digs = DecimalDigits(v, prec == 0 ? 1 : prec);
    if (prec == 0) prec = 1;
  }
  const int nd = static_cast<int>(digs.d.size());
  if (shortest) {
    switch (fmt) {
      case 'e':
        prec = std::max(nd - 1, 0);
        break;
      case 'f':
        prec = std::max(nd - digs.dp, 0);
        break;
      default:
        prec = nd;
        break;
    }
  }

  switch (fmt) {
    case 'e':
      AppendE(out, digs, prec, 'e');
      return out;
    case 'f':
      AppendF(out, digs, prec);
      return out;
    default: {
      int eprec = prec;
      if (eprec > nd && nd >= digs.dp) eprec = nd;
      // Go decides on the exponent form with precision 6 when printing the shortest form.
      if (shortest) eprec = 6;
      const int exp = digs.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > nd) prec = nd;
        AppendE(out, digs, prec - 1, 'e');
        return out;
      }
      if (prec > digs.dp) prec = nd;
      AppendF(out, digs, std::max(prec - digs.dp, 0));
      return out;
    }
  }
}

}  // namespace tocsin::promql
