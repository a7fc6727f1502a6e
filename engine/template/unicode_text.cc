#include "engine/template/unicode_text.h"

#include <locale.h>
#include <wctype.h>

#include "storage/base/strings.h"

namespace tocsin::tmpl {

namespace {

// The C.UTF-8 locale's classification tables, opened once. Falls back to ASCII-only behaviour
// when the C library has no such locale.
locale_t Utf8Locale() {
  static locale_t loc = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    if (l == static_cast<locale_t>(0)) l = newlocale(LC_CTYPE_MASK, "C.utf8", nullptr);
    return l;
  }();
  return loc;
}

bool HaveLocale() {
  return Utf8Locale() != static_cast<locale_t>(0);
}

bool InRange(char32_t r, char32_t lo, char32_t hi) {
  return r >= lo && r <= hi;
}

// Unicode space separators and line/paragraph separators (category Z) beyond ASCII.
bool IsUnicodeSeparator(char32_t r) {
  return r == 0xA0 || r == 0x1680 || InRange(r, 0x2000, 0x200A) || r == 0x2028 || r == 0x2029 ||
         r == 0x202F || r == 0x205F || r == 0x3000;
}

// Format characters (category Cf), which Go does not count as printable.
bool IsFormatChar(char32_t r) {
  return r == 0xAD || InRange(r, 0x600, 0x605) || r == 0x61C || r == 0x6DD || r == 0x70F ||
         r == 0x890 || r == 0x891 || r == 0x8E2 || r == 0x180E || InRange(r, 0x200B, 0x200F) ||
         InRange(r, 0x202A, 0x202E) || InRange(r, 0x2060, 0x2064) || InRange(r, 0x2066, 0x206F) ||
         r == 0xFEFF || InRange(r, 0xFFF9, 0xFFFB) || r == 0x110BD || r == 0x110CD ||
         InRange(r, 0x13430, 0x1343F) || InRange(r, 0x1BCA0, 0x1BCA3) ||
         InRange(r, 0x1D173, 0x1D17A) || r == 0xE0001 || InRange(r, 0xE0020, 0xE007F);
}

bool IsCombiningMark(char32_t r) {
  return InRange(r, 0x300, 0x36F) || InRange(r, 0x483, 0x489) || InRange(r, 0x591, 0x5BD) ||
         InRange(r, 0x610, 0x61A) || InRange(r, 0x64B, 0x65F) || InRange(r, 0x1AB0, 0x1AFF) ||
         InRange(r, 0x1DC0, 0x1DFF) || InRange(r, 0x20D0, 0x20FF) || InRange(r, 0xFE20, 0xFE2F);
}

bool IsCased(char32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  if (!HaveLocale()) return false;
  const wint_t w = static_cast<wint_t>(r);
  return iswupper_l(w, Utf8Locale()) || iswlower_l(w, Utf8Locale()) || GoToUpper(r) != r ||
         GoToLower(r) != r;
}

// Word-break categories as golang.org/x/text/cases groups them for title casing.
bool IsMid(char32_t r) {
  switch (r) {
    case ':':
    case '.':
    case '\'':
    case 0xB7:
    case 0x387:
    case 0x55F:
    case 0x5F4:
    case 0x2018:
    case 0x2019:
    case 0x2024:
    case 0x2027:
    case 0xFE13:
    case 0xFE52:
    case 0xFE55:
    case 0xFF07:
    case 0xFF0E:
    case 0xFF1A:
      return true;
    default:
      return false;
  }
}

bool IsWordPart(char32_t r) {
  if (r == '_' || IsGoLetter(r) || IsGoDigit(r)) return true;
  if (r == 0x203F || r == 0x2040 || r == 0x2054 || r == 0xFE33 || r == 0xFE34 ||
      InRange(r, 0xFE4D, 0xFE4F) || r == 0xFF3F || r == 0x202F) {
    return true;  // ExtendNumLet
  }
  return IsCombiningMark(r) || IsFormatChar(r) || r == 0x200D;
}

template <typename Map>
std::string MapRunes(std::string_view s, Map map) {
  bool ascii = true;
  for (unsigned char c : s) {
    if (c >= 0x80) {
      ascii = false;
      break;
    }
  }
  std::string out;
  out.reserve(s.size());
  if (ascii) {
    for (char c : s) out.push_back(static_cast<char>(map(static_cast<unsigned char>(c))));
    return out;
  }
  for (size_t i = 0; i < s.size();) {
    const char32_t r = DecodeRune(s, i);
    AppendRune(out, map(r));
  }
  return out;
}

}  // namespace

bool IsGoSpace(char32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
      return true;
    default:
      return r > 0x85 && IsUnicodeSeparator(r);
  }
}

bool IsGoPrint(char32_t r) {
  if (r < 0x80) return r >= 0x20 && r < 0x7F;
  if (r < 0xA0 || r > 0x10FFFF) return false;
  if (IsUnicodeSeparator(r) || IsFormatChar(r)) return false;
  if (InRange(r, 0xD800, 0xDFFF) || InRange(r, 0xE000, 0xF8FF) || r >= 0xF0000) return false;
  if ((r & 0xFFFE) == 0xFFFE || InRange(r, 0xFDD0, 0xFDEF)) return false;  // noncharacters
  if (!HaveLocale()) return true;
  return iswgraph_l(static_cast<wint_t>(r), Utf8Locale()) != 0;
}

bool IsGoLetter(char32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  if (!HaveLocale()) return false;
  return iswalpha_l(static_cast<wint_t>(r), Utf8Locale()) != 0;
}

bool IsGoDigit(char32_t r) {
  if (r < 0x80) return r >= '0' && r <= '9';
  // Decimal digits of other scripts (category Nd): the C library counts them as alphabetic,
  // so recognise the common blocks of ten here.
  static constexpr char32_t kZeros[] = {0x660, 0x6F0, 0x7C0,  0x966,  0x9E6,  0xA66,  0xAE6,
                                        0xB66, 0xBE6, 0xC66,  0xCE6,  0xD66,  0xDE6,  0xE50,
                                        0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0xFF10};
  for (char32_t z : kZeros) {
    if (r >= z && r < z + 10) return true;
  }
  return false;
}

char32_t GoToUpper(char32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') ? r - 32 : r;
  if (!HaveLocale()) return r;
  return static_cast<char32_t>(towupper_l(static_cast<wint_t>(r), Utf8Locale()));
}

char32_t GoToLower(char32_t r) {
  if (r < 0x80) return (r >= 'A' && r <= 'Z') ? r + 32 : r;
  if (!HaveLocale()) return r;
  return static_cast<char32_t>(towlower_l(static_cast<wint_t>(r), Utf8Locale()));
}

char32_t GoToTitle(char32_t r) {
  // The digraphs are the only letters whose title case differs from their upper case.
  switch (r) {
    case 0x1C4:
    case 0x1C5:
    case 0x1C6:
      return 0x1C5;
    case 0x1C7:
    case 0x1C8:
    case 0x1C9:
      return 0x1C8;
    case 0x1CA:
    case 0x1CB:
    case 0x1CC:
      return 0x1CB;
    case 0x1F1:
    case 0x1F2:
    case 0x1F3:
      return 0x1F2;
    default:
      return GoToUpper(r);
  }
}

std::string GoStringsToUpper(std::string_view s) {
  return MapRunes(s, GoToUpper);
}
std::string GoStringsToLower(std::string_view s) {
  return MapRunes(s, GoToLower);
}

std::string_view GoTrimSpace(std::string_view s) {
  // Leading: decode forward.
  size_t start = 0;
  while (start < s.size()) {
    size_t i = start;
    const char32_t r = DecodeRune(s, i);
    if (!IsGoSpace(r)) break;
    start = i;
  }
  // Trailing: find the last rune that is not a space.
  size_t end = start;
  for (size_t i = start; i < s.size();) {
    const char32_t r = DecodeRune(s, i);
    if (!IsGoSpace(r)) end = i;
  }
  return s.substr(start, end - start);
}

namespace {

// x/text's cases use Unicode's full case mappings (SpecialCasing.txt) where a letter's title or
// lower case is more than one rune: ß titles as "Ss", the ligature ﬁ as "Fi", İ lowers to
// "i̇". The simple mappings (GoToTitle, GoToLower) keep such letters as they are.
const char* FullTitleCase(char32_t r) {
  switch (r) {
    case 0x00DF:
      return "Ss";
    case 0x0149:
      return "\u02BCN";
    case 0x01F0:
      return "J\u030C";
    case 0x0587:
      return "\u0535\u0582";
    case 0x1E96:
      return "H\u0331";
    case 0x1E97:
      return "T\u0308";
    case 0x1E98:
      return "W\u030A";
    case 0x1E99:
      return "Y\u030A";
    case 0x1E9A:
      return "A\u02BE";
    case 0xFB00:
      return "Ff";
    case 0xFB01:
      return "Fi";
    case 0xFB02:
      return "Fl";
    case 0xFB03:
      return "Ffi";
    case 0xFB04:
      return "Ffl";
    case 0xFB05:
      return "St";
    case 0xFB06:
      return "St";
    case 0xFB13:
      return "\u0544\u0576";
    case 0xFB14:
      return "\u0544\u0565";
    case 0xFB15:
      return "\u0544\u056B";
    case 0xFB16:
      return "\u054E\u0576";
    case 0xFB17:
      return "\u0544\u056D";
    default:
      return nullptr;
  }
}

const char* FullLowerCase(char32_t r) {
  return r == 0x0130 ? "i\u0307" : nullptr;
}

}  // namespace

std::string GoTitle(std::string_view s, bool lower_rest) {
  std::string out;
  out.reserve(s.size());
  bool mid_word = false;
  bool prev_mid = false;
  for (size_t i = 0; i < s.size();) {
    const char32_t r = DecodeRune(s, i);
    const bool mid = IsMid(r);
    if (prev_mid && mid) mid_word = false;  // two separators in a row end the word
    if (IsCased(r)) {
      if (!mid_word) {
        if (const char* full = FullTitleCase(r)) {
          out += full;
        } else {
          AppendRune(out, GoToTitle(r));
        }
        mid_word = true;
      } else if (!lower_rest) {
        AppendRune(out, r);
      } else if (const char* full = FullLowerCase(r)) {
        out += full;
      } else {
        AppendRune(out, GoToLower(r));
      }
    } else {
      AppendRune(out, r);
      if (!mid && !IsWordPart(r)) mid_word = false;
    }
    prev_mid = mid;
  }
  return out;
}

}  // namespace tocsin::tmpl
