#include "storage/base/go_float.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace tocsin {
namespace {

// A decimal digit string d[0..nd) with the decimal point after dp digits: the value is
// 0.d * 10^dp. Zero has no digits. Mirrors strconv's decimalSlice.
struct Digits {
  std::string d;
  int dp = 0;
};

// Parses std::to_chars's scientific output ("1.2345e+06", "5e-324") into digits.
Digits FromScientific(std::string_view s) {
  Digits out;
  const size_t e = s.find('e');
  for (size_t i = 0; i < e; ++i) {
    if (s[i] != '.') out.d.push_back(s[i]);
  }
  int exp = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+' ? 1 : 0), s.data() + s.size(), exp);
  out.dp = exp + 1;
  while (!out.d.empty() && out.d.back() == '0') out.d.pop_back();
  if (out.d.empty()) out.dp = 0;
  return out;
}

// Shortest digits that read back as v (v finite, non-negative).
Digits ShortestDigits(double v) {
  if (v == 0) return {};
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  return FromScientific(std::string_view(buf, res.ptr - buf));
}

// v correctly rounded (half to even on exact ties) to n significant digits, n >= 1.
Digits SignificantDigits(double v, int n) {
  if (v == 0) return {};
  std::string buf(static_cast<size_t>(n) + 32, '\0');
  auto res =
      std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::scientific, n - 1);
  return FromScientific(std::string_view(buf.data(), res.ptr - buf.data()));
}

void FmtE(std::string& out, bool neg, const Digits& d, int prec, char fmt) {
  if (neg) out.push_back('-');
  out.push_back(d.d.empty() ? '0' : d.d[0]);
  if (prec > 0) {
    out.push_back('.');
    int i = 1;
    const int m = std::min(static_cast<int>(d.d.size()), prec + 1);
    if (i < m) {
      out.append(d.d, static_cast<size_t>(i), static_cast<size_t>(m - i));
      i = m;
    }
    for (; i <= prec; ++i) out.push_back('0');
  }
  out.push_back(fmt);
  int exp = d.d.empty() ? 0 : d.dp - 1;
  if (exp < 0) {
    out.push_back('-');
    exp = -exp;
  } else {
    out.push_back('+');
  }
  if (exp < 10) {
    out.push_back('0');
    out.push_back(static_cast<char>('0' + exp));
  } else if (exp < 100) {
    out.push_back(static_cast<char>('0' + exp / 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  } else {
    out.push_back(static_cast<char>('0' + exp / 100));
    out.push_back(static_cast<char>('0' + exp / 10 % 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  }
}

void FmtF(std::string& out, bool neg, const Digits& d, int prec) {
  if (neg) out.push_back('-');
  const int nd = static_cast<int>(d.d.size());
  if (d.dp > 0) {
    int m = std::min(nd, d.dp);
    out.append(d.d, 0, static_cast<size_t>(m));
    for (; m < d.dp; ++m) out.push_back('0');
  } else {
    out.push_back('0');
  }
  if (prec > 0) {
    out.push_back('.');
    for (int i = 1; i <= prec; ++i) {
      const int j = d.dp + i - 1;
      out.push_back(j >= 0 && j < nd ? d.d[static_cast<size_t>(j)] : '0');
    }
  }
}

// strconv's %g: %e for large and small exponents, %f otherwise.
void FmtG(std::string& out, bool neg, const Digits& d, int prec, bool shortest, char fmt) {
  const int nd = static_cast<int>(d.d.size());
  int eprec = prec;
  if (eprec > nd && nd >= d.dp) eprec = nd;
  if (shortest) eprec = 6;
  const int exp = d.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > nd) prec = nd;
    FmtE(out, neg, d, prec - 1, fmt == 'g' ? 'e' : 'E');
    return;
  }
  if (prec > d.dp) prec = nd;
  FmtF(out, neg, d, std::max(prec - d.dp, 0));
}

void AppendDecimal(std::string& out, uint64_t u) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, u);
  out.append(buf, res.ptr);
}

// %b: decimal mantissa, binary exponent ("4503599627370496p-52").
void FmtB(std::string& out, bool neg, uint64_t mant, int exp) {
  if (neg) out.push_back('-');
  AppendDecimal(out, mant);
  out.push_back('p');
  exp -= 52;
  if (exp >= 0) out.push_back('+');
  if (exp < 0) {
    out.push_back('-');
    AppendDecimal(out, static_cast<uint64_t>(-exp));
  } else {
    AppendDecimal(out, static_cast<uint64_t>(exp));
  }
}

// %x: -0x1.yyyyp±dd.
void FmtX(std::string& out, int prec, char fmt, bool neg, uint64_t mant, int exp) {
  if (mant == 0) exp = 0;
  mant <<= 60 - 52;
  while (mant != 0 && (mant & (uint64_t{1} << 60)) == 0) {
    mant <<= 1;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const unsigned shift = static_cast<unsigned>(prec * 4);
    const uint64_t extra = (mant << shift) & ((uint64_t{1} << 60) - 1);
    mant >>= 60 - shift;
    if ((extra | (mant & 1)) > (uint64_t{1} << 59)) mant++;
    mant <<= 60 - shift;
    if (mant & (uint64_t{1} << 61)) {
      mant >>= 1;
      exp++;
    }
  }
  const char* hex = fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  if (neg) out.push_back('-');
  out.push_back('0');
  out.push_back(fmt);
  out.push_back(static_cast<char>('0' + ((mant >> 60) & 1)));
  mant <<= 4;
  if (prec < 0 && mant != 0) {
    out.push_back('.');
    while (mant != 0) {
      out.push_back(hex[(mant >> 60) & 15]);
      mant <<= 4;
    }
  } else if (prec > 0) {
    out.push_back('.');
    for (int i = 0; i < prec; ++i) {
      out.push_back(hex[(mant >> 60) & 15]);
      mant <<= 4;
    }
  }
  out.push_back(fmt == 'X' ? 'P' : 'p');
  if (exp < 0) {
    out.push_back('-');
    exp = -exp;
  } else {
    out.push_back('+');
  }
  if (exp < 100) {
    out.push_back(static_cast<char>('0' + exp / 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  } else if (exp < 1000) {
    out.push_back(static_cast<char>('0' + exp / 100));
    out.push_back(static_cast<char>('0' + exp / 10 % 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  } else {
    out.push_back(static_cast<char>('0' + exp / 1000));
    out.push_back(static_cast<char>('0' + exp / 100 % 10));
    out.push_back(static_cast<char>('0' + exp / 10 % 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  }
}

}  // namespace

void AppendGoFloat(std::string& out, double v, char fmt, int prec) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  const uint64_t bits = std::bit_cast<uint64_t>(v);
  const bool neg = bits >> 63;
  if (fmt == 'b' || fmt == 'x' || fmt == 'X') {
    int exp = static_cast<int>((bits >> 52) & 0x7FF);
    uint64_t mant = bits & ((uint64_t{1} << 52) - 1);
    if (exp == 0) {
      exp++;
    } else {
      mant |= uint64_t{1} << 52;
    }
    exp -= 1023;
    if (fmt == 'b') {
      FmtB(out, neg, mant, exp);
    } else {
      FmtX(out, prec, fmt, neg, mant, exp);
    }
    return;
  }
  const double a = std::fabs(v);
  if (prec < 0) {
    const Digits d = ShortestDigits(a);
    const int nd = static_cast<int>(d.d.size());
    switch (fmt) {
      case 'e':
      case 'E':
        FmtE(out, neg, d, std::max(nd - 1, 0), fmt);
        return;
      case 'f':
        FmtF(out, neg, d, std::max(nd - d.dp, 0));
        return;
      case 'g':
      case 'G':
        FmtG(out, neg, d, nd, /*shortest=*/true, fmt);
        return;
      default:
        break;
    }
  } else {
    switch (fmt) {
      case 'e':
      case 'E':
        FmtE(out, neg, SignificantDigits(a, prec + 1), prec, fmt);
        return;
      case 'f': {
        // Exact decimal expansion rounded half to even, as strconv's bigFtoa does.
        std::string buf(static_cast<size_t>(prec) + 330, '\0');
        auto res =
            std::to_chars(buf.data(), buf.data() + buf.size(), a, std::chars_format::fixed, prec);
        if (neg) out.push_back('-');
        out.append(buf.data(), res.ptr);
        return;
      }
      case 'g':
      case 'G': {
        if (prec == 0) prec = 1;
        FmtG(out, neg, SignificantDigits(a, prec), prec, /*shortest=*/false, fmt);
        return;
      }
      default:
        break;
    }
  }
  out.push_back('%');
  out.push_back(fmt);
}

std::string FormatGoFloat(double v, char fmt, int prec) {
  std::string out;
  AppendGoFloat(out, v, fmt, prec);
  return out;
}

}  // namespace tocsin
