#include "engine/template/go_format.h"

#include <cinttypes>
#include <cstdio>

#include "engine/template/go_strconv.h"
#include "engine/template/unicode_text.h"
#include "storage/base/strings.h"

namespace tocsin::tmpl {

namespace {

constexpr const char* kLowerDigits = "0123456789abcdefx";
constexpr const char* kUpperDigits = "0123456789ABCDEFX";
constexpr int kMaxWidth = 1000000;  // fmt's tooLarge

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    DecodeRune(s, i);
    ++n;
  }
  return n;
}

bool IsBasicType(const Type* t) {
  return t == types::Bool() || t == types::Int() || t == types::Int64() || t == types::Uint8() ||
         t == types::Float64() || t == types::String();
}

// One fmt call: Go's pp plus its fmt struct.
class Printer {
 public:
  Printer(std::string& buf, CallContext& ctx) : buf_(buf), ctx_(ctx) {}

  void DoPrint(std::span<const Value> args) {
    bool prev_string = false;
    for (size_t i = 0; i < args.size(); ++i) {
      const bool is_string = args[i].kind() == Kind::kString;
      if (i > 0 && !is_string && !prev_string) buf_.push_back(' ');
      ClearFlags();
      PrintArg(args[i], 'v');
      prev_string = is_string;
    }
  }

  void DoPrintln(std::span<const Value> args) {
    for (size_t i = 0; i < args.size(); ++i) {
      if (i > 0) buf_.push_back(' ');
      ClearFlags();
      PrintArg(args[i], 'v');
    }
    buf_.push_back('\n');
  }

  void DoPrintf(std::string_view format, std::span<const Value> a);

 private:
  struct Flags {
    bool wid_present = false, prec_present = false;
    bool minus = false, plus = false, sharp = false, space = false, zero = false;
    bool plus_v = false, sharp_v = false;
    int wid = 0, prec = 0;
  };

  void ClearFlags() { f_ = Flags(); }

  // ---- padding (fmt.pad, fmt.writePadding)
  void WritePadding(int n) {
    if (n <= 0) return;
    buf_.append(static_cast<size_t>(n), f_.zero && !f_.minus ? '0' : ' ');
  }
  void Pad(std::string_view s) {
    if (!f_.wid_present || f_.wid == 0) {
      buf_.append(s);
      return;
    }
    const int width = f_.wid - static_cast<int>(RuneCount(s));
    if (!f_.minus) {
      WritePadding(width);
      buf_.append(s);
    } else {
      buf_.append(s);
      WritePadding(width);
    }
  }

  // ---- scalars
  void FmtBoolean(bool v) { Pad(v ? "true" : "false"); }

  void FmtIntegerDigits(uint64_t u, int base, bool is_signed, char32_t verb, const char* digits) {
    const bool negative = is_signed && static_cast<int64_t>(u) < 0;
    if (negative) u = 0 - u;
    int prec = 0;
    if (f_.prec_present) {
      prec = f_.prec;
      if (prec == 0 && u == 0) {
        const bool old_zero = f_.zero;
        f_.zero = false;
        WritePadding(f_.wid);
        f_.zero = old_zero;
        return;
      }
    } else if (f_.zero && !f_.minus && f_.wid_present) {
      prec = f_.wid;
      if (negative || f_.plus || f_.space) prec--;
    }
    std::string tmp;  // built right to left, then reversed
    do {
      tmp.push_back(digits[u % static_cast<unsigned>(base)]);
      u /= static_cast<unsigned>(base);
    } while (u != 0);
    while (static_cast<int>(tmp.size()) < prec) tmp.push_back('0');
    if (f_.sharp) {
      if (base == 2) {
        tmp += "b0";
      } else if (base == 8) {
        if (tmp.back() != '0') tmp.push_back('0');
      } else if (base == 16) {
        tmp.push_back(digits[16]);
        tmp.push_back('0');
      }
    }
    if (verb == 'O') tmp += "o0";
    if (negative) {
      tmp.push_back('-');
    } else if (f_.plus) {
      tmp.push_back('+');
    } else if (f_.space) {
      tmp.push_back(' ');
    }
    std::string s(tmp.rbegin(), tmp.rend());
    const bool old_zero = f_.zero;
    f_.zero = false;
    Pad(s);
    f_.zero = old_zero;
  }

  void FmtUnicode(uint64_t u) {
    int prec = 4;
    if (f_.prec_present && f_.prec > 4) prec = f_.prec;
    std::string hex;
    {
      uint64_t v = u;
      std::string rev;
      do {
        rev.push_back(kUpperDigits[v & 0xF]);
        v >>= 4;
      } while (v != 0);
      while (static_cast<int>(rev.size()) < prec) rev.push_back('0');
      hex.assign(rev.rbegin(), rev.rend());
    }
    std::string s = "U+" + hex;
    if (f_.sharp && u <= 0x10FFFF && IsGoPrint(static_cast<char32_t>(u))) {
      s += " '";
      AppendRune(s, static_cast<char32_t>(u));
      s += "'";
    }
    const bool old_zero = f_.zero;
    f_.zero = false;
    Pad(s);
    f_.zero = old_zero;
  }

  void FmtInteger(uint64_t v, bool is_signed, char32_t verb) {
    switch (verb) {
      case 'v':
        if (f_.sharp_v && !is_signed) {
          Fmt0x64(v, true);
        } else {
          FmtIntegerDigits(v, 10, is_signed, verb, kLowerDigits);
        }
        return;
      case 'd':
        FmtIntegerDigits(v, 10, is_signed, verb, kLowerDigits);
        return;
      case 'b':
        FmtIntegerDigits(v, 2, is_signed, verb, kLowerDigits);
        return;
      case 'o':
      case 'O':
        FmtIntegerDigits(v, 8, is_signed, verb, kLowerDigits);
        return;
      case 'x':
        FmtIntegerDigits(v, 16, is_signed, verb, kLowerDigits);
        return;
      case 'X':
        FmtIntegerDigits(v, 16, is_signed, verb, kUpperDigits);
        return;
      case 'c': {
        char32_t r = static_cast<char32_t>(v);
        if (v > 0x10FFFF) r = 0xFFFD;
        std::string s;
        AppendRune(s, r);
        Pad(s);
        return;
      }
      case 'q': {
        char32_t r = static_cast<char32_t>(v);
        if (v > 0x10FFFF) r = 0xFFFD;
        std::string s;
        AppendGoQuoteRune(s, r, f_.plus);
        Pad(s);
        return;
      }
      case 'U':
        FmtUnicode(v);
        return;
      default:
        BadVerb(verb);
        return;
    }
  }

  void Fmt0x64(uint64_t v, bool leading0x) {
    const bool sharp = f_.sharp;
    f_.sharp = leading0x;
    FmtIntegerDigits(v, 16, false, 'v', kLowerDigits);
    f_.sharp = sharp;
  }

  void FmtFloatWith(double v, char32_t verb, int prec) {
    if (f_.prec_present) prec = f_.prec;
    std::string num = "+";
    AppendGoFloat(num, v, static_cast<char>(verb), prec);
    if (num[1] == '-' || num[1] == '+') {
      num.erase(0, 1);
    }
    if (f_.space && num[0] == '+' && !f_.plus) num[0] = ' ';
    if (num[1] == 'I' || num[1] == 'N') {
      const bool old_zero = f_.zero;
      f_.zero = false;
      if (num[1] == 'N' && !f_.space && !f_.plus) num.erase(0, 1);
      Pad(num);
      f_.zero = old_zero;
      return;
    }
    if (f_.sharp && verb != 'b') {
      int digits = 0;
      if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'x') {
        digits = prec == -1 ? 6 : prec;
      }
      std::string tail;
      bool has_point = false, saw_nonzero = false;
      for (size_t i = 1; i < num.size(); ++i) {
        const char c = num[i];
        if (c == '.') {
          has_point = true;
        } else if (c == 'p' || c == 'P' || ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')) {
          tail = num.substr(i);
          num.resize(i);
          break;
        } else {
          if (c != '0') saw_nonzero = true;
          if (saw_nonzero) digits--;
        }
      }
      if (!has_point) {
        if (num.size() == 2 && num[1] == '0') digits--;
        num.push_back('.');
      }
      while (digits > 0) {
        num.push_back('0');
        digits--;
      }
      num += tail;
    }
    if (f_.plus || num[0] != '+') {
      if (f_.zero && !f_.minus && f_.wid_present && f_.wid > static_cast<int>(num.size())) {
        buf_.push_back(num[0]);
        WritePadding(f_.wid - static_cast<int>(num.size()));
        buf_.append(num, 1);
        return;
      }
      Pad(num);
      return;
    }
    Pad(std::string_view(num).substr(1));
  }

  void FmtFloat(double v, char32_t verb) {
    switch (verb) {
      case 'v':
        FmtFloatWith(v, 'g', -1);
        return;
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        FmtFloatWith(v, verb, -1);
        return;
      case 'f':
      case 'e':
      case 'E':
        FmtFloatWith(v, verb, 6);
        return;
      case 'F':
        FmtFloatWith(v, 'f', 6);
        return;
      default:
        BadVerb(verb);
        return;
    }
  }

  std::string_view Truncate(std::string_view s) {
    if (f_.prec_present) {
      int n = f_.prec;
      for (size_t i = 0; i < s.size();) {
        if (--n < 0) return s.substr(0, i);
        DecodeRune(s, i);
      }
    }
    return s;
  }

  void FmtS(std::string_view s) { Pad(Truncate(s)); }

  void FmtSx(std::string_view s, const char* digits) {
    size_t length = s.size();
    if (f_.prec_present && static_cast<size_t>(f_.prec) < length) length = f_.prec;
    int width = static_cast<int>(2 * length);
    if (width > 0) {
      if (f_.space) {
        if (f_.sharp) width *= 2;
        width += static_cast<int>(length) - 1;
      } else if (f_.sharp) {
        width += 2;
      }
    } else {
      if (f_.wid_present) WritePadding(f_.wid);
      return;
    }
    if (f_.wid_present && f_.wid > width && !f_.minus) WritePadding(f_.wid - width);
    if (f_.sharp) {
      buf_.push_back('0');
      buf_.push_back(digits[16]);
    }
    for (size_t i = 0; i < length; ++i) {
      if (f_.space && i > 0) {
        buf_.push_back(' ');
        if (f_.sharp) {
          buf_.push_back('0');
          buf_.push_back(digits[16]);
        }
      }
      const unsigned char c = static_cast<unsigned char>(s[i]);
      buf_.push_back(digits[c >> 4]);
      buf_.push_back(digits[c & 0xF]);
    }
    if (f_.wid_present && f_.wid > width && f_.minus) WritePadding(f_.wid - width);
  }

  void FmtQ(std::string_view s) {
    s = Truncate(s);
    if (f_.sharp && GoCanBackquote(s)) {
      std::string q = "`";
      q += s;
      q += "`";
      Pad(q);
      return;
    }
    std::string q;
    AppendGoQuote(q, s, f_.plus);
    Pad(q);
  }

  void FmtString(std::string_view v, char32_t verb) {
    switch (verb) {
      case 'v':
        if (f_.sharp_v) {
          FmtQ(v);
        } else {
          FmtS(v);
        }
        return;
      case 's':
        FmtS(v);
        return;
      case 'x':
        FmtSx(v, kLowerDigits);
        return;
      case 'X':
        FmtSx(v, kUpperDigits);
        return;
      case 'q':
        FmtQ(v);
        return;
      default:
        BadVerb(verb);
        return;
    }
  }

  void FmtPointer(const Value& v, char32_t verb) {
    const Kind k = v.kind();
    if (k != Kind::kPointer && k != Kind::kSlice && k != Kind::kMap) {
      BadVerb(verb);
      return;
    }
    const uint64_t u =
        v.is_nil_pointer() ? 0 : static_cast<uint64_t>(reinterpret_cast<uintptr_t>(v.identity()));
    switch (verb) {
      case 'v':
        if (u == 0) {
          Pad("<nil>");
        } else {
          Fmt0x64(u, !f_.sharp);
        }
        return;
      case 'p':
        Fmt0x64(u, !f_.sharp);
        return;
      case 'b':
      case 'o':
      case 'd':
      case 'x':
      case 'X':
        FmtInteger(u, false, verb);
        return;
      default:
        BadVerb(verb);
        return;
    }
  }

  // ---- errors
  void BadVerb(char32_t verb) {
    erroring_ = true;
    buf_ += "%!";
    AppendRune(buf_, verb);
    buf_.push_back('(');
    if (current_ != nullptr && current_->valid()) {
      const Value v = *current_;  // the printing below reassigns current_
      buf_ += v.type()->name();
      buf_.push_back('=');
      PrintArg(v, 'v');
    } else {
      buf_ += "<nil>";
    }
    buf_.push_back(')');
    erroring_ = false;
  }

  // ---- values
  bool HandleMethods(const Value& v, char32_t verb) {
    if (erroring_ || f_.sharp_v) return false;
    if (verb != 'v' && verb != 's' && verb != 'x' && verb != 'X' && verb != 'q') return false;
    if (!v.valid() || !v.type()->has_string_method()) return false;
    if (v.is_nil_pointer()) {
      Pad("<nil>");  // fmt's catchPanic for a nil receiver
      return true;
    }
    std::string s, error;
    if (!ctx_.CallStringMethod(v, &s, &error)) return false;
    if (!error.empty()) {
      ClearFlags();
      buf_ += "%!";
      AppendRune(buf_, verb);
      buf_ += "(PANIC=String method: ";
      buf_ += error;
      buf_.push_back(')');
      return true;
    }
    FmtString(s, verb);
    return true;
  }

  void PrintArg(const Value& arg, char32_t verb) {
    const Value* saved = current_;
    current_ = &arg;
    if (!arg.valid()) {
      if (verb == 'T' || verb == 'v') {
        Pad("<nil>");
      } else {
        BadVerb(verb);
      }
      current_ = saved;
      return;
    }
    if (verb == 'T') {
      FmtS(arg.type()->name());
    } else if (verb == 'p') {
      FmtPointer(arg, 'p');
    } else if (IsBasicType(arg.type())) {
      PrintScalar(arg, verb);
    } else if (!HandleMethods(arg, verb)) {
      PrintValue(arg, verb, 0);
    }
    current_ = saved;
  }

  // A time.Time its String method does not print (%d, or inside an error's %!verb(...)) prints
  // as Go prints the struct: its unexported fields {wall ext loc}. Without a monotonic clock
  // reading (tocsin's times have none) wall is the nanoseconds, ext the seconds since January 1
  // of year 1, and loc nil for UTC or the Location's address. (Printing it as an error
  // instead, as tocsin did, recursed without end: found by the differential test.)
  void PrintTimeFields(const GoTime& t, char32_t verb) {
    const auto field = [&](const char* name, const char* type, uint64_t u, bool is_signed) {
      if (f_.plus_v) {
        buf_ += name;
        buf_.push_back(':');
      }
      if (std::u32string_view(U"vdbXxoOcqU").find(verb) != std::u32string_view::npos) {
        FmtInteger(u, is_signed, verb);
      } else {
        buf_ += "%!";
        AppendRune(buf_, verb);
        buf_ += std::string("(") + type + "=" +
                (is_signed ? std::to_string(static_cast<int64_t>(u)) : std::to_string(u)) + ")";
      }
    };
    buf_.push_back('{');
    field("wall", "uint64", static_cast<uint64_t>(t.nsec), false);
    buf_.push_back(' ');
    field("ext", "int64", static_cast<uint64_t>(t.sec - GoTime::kZeroUnixSeconds), true);
    buf_.push_back(' ');
    if (f_.plus_v) buf_ += "loc:";
    const bool utc = t.loc == nullptr || t.loc == Location::UTC();
    const uint64_t loc = utc ? 0 : static_cast<uint64_t>(reinterpret_cast<uintptr_t>(t.loc));
    if (verb == 'v') {
      if (loc == 0) {
        buf_ += "<nil>";
      } else {
        Fmt0x64(loc, true);
      }
    } else if (std::u32string_view(U"dbXxo").find(verb) != std::u32string_view::npos) {
      FmtInteger(loc, false, verb);
    } else {
      buf_ += "%!";
      AppendRune(buf_, verb);
      buf_ += loc == 0 ? std::string("(*time.Location=<nil>)")
                       : "(*time.Location=" + std::to_string(loc) + ")";
    }
    buf_.push_back('}');
  }

  void PrintScalar(const Value& v, char32_t verb) {
    switch (v.kind()) {
      case Kind::kBool:
        if (verb == 't' || verb == 'v') {
          FmtBoolean(v.as_bool());
        } else {
          BadVerb(verb);
        }
        return;
      case Kind::kInt:
        FmtInteger(static_cast<uint64_t>(v.as_int()), v.type() != types::Uint8(), verb);
        return;
      case Kind::kFloat:
        FmtFloat(v.as_float(), verb);
        return;
      case Kind::kString:
        FmtString(v.as_string(), verb);
        return;
      default:
        return;
    }
  }

  void PrintValue(const Value& value, char32_t verb, int depth) {
    const Value* saved = current_;
    current_ = &value;
    if (depth > 0 && value.valid() && HandleMethods(value, verb)) {
      current_ = saved;
      return;
    }
    switch (value.kind()) {
      case Kind::kInvalid:
        buf_ += depth == 0 ? "<invalid reflect.Value>" : "<nil>";
        break;
      case Kind::kBool:
      case Kind::kInt:
      case Kind::kFloat:
      case Kind::kString:
        PrintScalar(value, verb);
        break;
      case Kind::kMap: {
        buf_ += "map[";
        const MapRep& m = value.map();
        for (size_t i = 0; i < m.size(); ++i) {
          if (i > 0) buf_.push_back(' ');
          PrintValue(Value::StringRef(m.key(i)), verb, depth + 1);
          buf_.push_back(':');
          PrintValue(m.value(i), verb, depth + 1);
        }
        buf_.push_back(']');
        break;
      }
      case Kind::kStruct: {
        buf_.push_back('{');
        const auto& names = value.type()->fields();
        for (size_t i = 0; i < names.size(); ++i) {
          if (i > 0) buf_.push_back(' ');
          if (f_.plus_v) {
            buf_ += names[i];
            buf_.push_back(':');
          }
          PrintValue(value.structure().field(i), verb, depth + 1);
        }
        buf_.push_back('}');
        break;
      }
      case Kind::kTime:
        PrintTimeFields(value.as_time(), verb);
        break;
      case Kind::kSlice: {
        buf_.push_back('[');
        const ListRep& l = value.list();
        for (size_t i = 0; i < l.size(); ++i) {
          if (i > 0) buf_.push_back(' ');
          PrintValue(l.at(i), verb, depth + 1);
        }
        buf_.push_back(']');
        break;
      }
      case Kind::kPointer: {
        const Value target = value.Indirect();
        if (depth == 0 && target.valid() &&
            (target.kind() == Kind::kSlice || target.kind() == Kind::kStruct ||
             target.kind() == Kind::kMap)) {
          buf_.push_back('&');
          PrintValue(target, verb, depth + 1);
          break;
        }
        FmtPointer(value, verb);
        break;
      }
      case Kind::kInterface:
        buf_ += "<nil>";
        break;
    }
    current_ = saved;
  }

  std::string& buf_;
  CallContext& ctx_;
  Flags f_;
  bool erroring_ = false;
  const Value* current_ = nullptr;  // the operand being printed, for BadVerb
};

bool ParseNum(std::string_view s, size_t start, size_t end, int* num, size_t* newi) {
  *num = 0;
  bool isnum = false;
  size_t i = start;
  if (start >= end) {
    *newi = end;
    return false;
  }
  for (; i < end && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (*num > kMaxWidth || *num < -kMaxWidth) {
      *num = 0;
      *newi = end;
      return false;
    }
    *num = *num * 10 + (s[i] - '0');
    isnum = true;
  }
  *newi = i;
  return isnum;
}

// fmt's intFromArg: the operand for '*' must be an integer of modest size.
bool IntFromArg(std::span<const Value> a, size_t& arg_num, int* num) {
  *num = 0;
  bool is_int = false;
  if (arg_num < a.size()) {
    const Value& v = a[arg_num];
    if (v.kind() == Kind::kInt) {
      const int64_t n = v.as_int();
      if (n >= INT32_MIN && n <= INT32_MAX) {
        *num = static_cast<int>(n);
        is_int = true;
      }
    }
    arg_num++;
    if (*num > kMaxWidth || *num < -kMaxWidth) {
      *num = 0;
      is_int = false;
    }
  }
  return is_int;
}

void Printer::DoPrintf(std::string_view format, std::span<const Value> a) {
  const size_t end = format.size();
  size_t arg_num = 0;
  bool after_index = false;
  bool reordered = false;
  bool good_arg_num = true;

  // fmt's argNumber: an optional [n] before a verb, width or precision.
  auto arg_number = [&](size_t i, size_t* newi) -> bool {
    if (end <= i || format[i] != '[') {
      *newi = i;
      return false;
    }
    reordered = true;
    // parseArgNumber
    for (size_t j = i + 1; j < end; ++j) {
      if (format[j] == ']') {
        int width = 0;
        size_t ni = 0;
        const bool ok = ParseNum(format, i + 1, j, &width, &ni);
        if (!ok || ni != j) {
          good_arg_num = false;
          *newi = j + 1;
          return true;
        }
        const int index = width - 1;
        if (index >= 0 && static_cast<size_t>(index) < a.size()) {
          arg_num = static_cast<size_t>(index);
        } else {
          good_arg_num = false;
        }
        *newi = j + 1;
        return true;
      }
    }
    good_arg_num = false;
    *newi = i + 1;
    return true;
  };

  for (size_t i = 0; i < end;) {
    good_arg_num = true;
    const size_t lasti = i;
    while (i < end && format[i] != '%') ++i;
    if (i > lasti) buf_.append(format.substr(lasti, i - lasti));
    if (i >= end) break;
    ++i;  // skip %
    ClearFlags();
    for (; i < end; ++i) {
      const char c = format[i];
      if (c == '#') {
        f_.sharp = true;
      } else if (c == '0') {
        f_.zero = !f_.minus;
      } else if (c == '+') {
        f_.plus = true;
      } else if (c == '-') {
        f_.minus = true;
        f_.zero = false;
      } else if (c == ' ') {
        f_.space = true;
      } else {
        break;
      }
    }
    after_index = arg_number(i, &i);
    if (i < end && format[i] == '*') {
      ++i;
      f_.wid_present = IntFromArg(a, arg_num, &f_.wid);
      if (!f_.wid_present) buf_ += "%!(BADWIDTH)";
      if (f_.wid < 0) {
        f_.wid = -f_.wid;
        f_.minus = true;
        f_.zero = false;
      }
      after_index = false;
    } else {
      f_.wid_present = ParseNum(format, i, end, &f_.wid, &i);
      if (after_index && f_.wid_present) good_arg_num = false;
    }
    if (i + 1 < end && format[i] == '.') {
      ++i;
      if (after_index) good_arg_num = false;
      after_index = arg_number(i, &i);
      if (i < end && format[i] == '*') {
        ++i;
        f_.prec_present = IntFromArg(a, arg_num, &f_.prec);
        if (f_.prec < 0) {
          f_.prec = 0;
          f_.prec_present = false;
        }
        if (!f_.prec_present) buf_ += "%!(BADPREC)";
        after_index = false;
      } else {
        f_.prec_present = ParseNum(format, i, end, &f_.prec, &i);
        if (!f_.prec_present) {
          f_.prec = 0;
          f_.prec_present = true;
        }
      }
    }
    if (!after_index) after_index = arg_number(i, &i);
    if (i >= end) {
      buf_ += "%!(NOVERB)";
      break;
    }
    size_t next = i;
    const char32_t verb = DecodeRune(format, next);
    i = next;
    if (verb == '%') {
      buf_.push_back('%');
    } else if (!good_arg_num) {
      buf_ += "%!";
      AppendRune(buf_, verb);
      buf_ += "(BADINDEX)";
    } else if (arg_num >= a.size()) {
      buf_ += "%!";
      AppendRune(buf_, verb);
      buf_ += "(MISSING)";
    } else {
      if (verb == 'v') {
        f_.sharp_v = f_.sharp;
        f_.sharp = false;
        f_.plus_v = f_.plus;
        f_.plus = false;
      }
      PrintArg(a[arg_num], verb);
      arg_num++;
    }
  }
  if (!reordered && arg_num < a.size()) {
    ClearFlags();
    buf_ += "%!(EXTRA ";
    for (size_t k = arg_num; k < a.size(); ++k) {
      if (k > arg_num) buf_ += ", ";
      if (!a[k].valid()) {
        buf_ += "<nil>";
      } else {
        buf_ += a[k].type()->name();
        buf_.push_back('=');
        PrintArg(a[k], 'v');
      }
    }
    buf_.push_back(')');
  }
}

}  // namespace

void AppendSprint(std::string& out, std::span<const Value> args, CallContext& ctx) {
  Printer(out, ctx).DoPrint(args);
}

void AppendSprintln(std::string& out, std::span<const Value> args, CallContext& ctx) {
  Printer(out, ctx).DoPrintln(args);
}

void AppendSprintf(std::string& out, std::string_view format, std::span<const Value> args,
                   CallContext& ctx) {
  Printer(out, ctx).DoPrintf(format, args);
}

void AppendValue(std::string& out, const Value& v, CallContext& ctx) {
  Printer(out, ctx).DoPrint(std::span<const Value>(&v, 1));
}

std::string Sprint(std::span<const Value> args) {
  CallContext ctx(nullptr, nullptr);
  std::string out;
  AppendSprint(out, args, ctx);
  return out;
}

std::string Sprintf(std::string_view format, std::span<const Value> args) {
  CallContext ctx(nullptr, nullptr);
  std::string out;
  AppendSprintf(out, format, args, ctx);
  return out;
}

}  // namespace tocsin::tmpl
