#include "engine/template/go_time.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>

namespace tocsin::tmpl {

namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kAlpha = std::numeric_limits<int64_t>::min();  // Go's alpha and omega
constexpr int64_t kOmega = std::numeric_limits<int64_t>::max();

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* year, int* month, int* day) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = y + (*month <= 2);
}

bool IsLeap(int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

int DaysIn(int month, int64_t year) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeap(year)) return 29;
  return kDays[month - 1];
}

// Days before the start of each month in a non-leap year (Go's daysBefore).
constexpr int kDaysBefore[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};

// ---- POSIX TZ strings (Go's tzset)

struct Rule {
  enum Kind { kJulian, kDOY, kMonthWeekDay } kind = kJulian;
  int day = 0, week = 0, mon = 0, time = 0;
};

bool TzsetName(std::string_view& s, std::string* name) {
  if (s.empty()) return false;
  if (s[0] != '<') {
    for (size_t i = 0; i < s.size(); ++i) {
      const char r = s[i];
      if ((r >= '0' && r <= '9') || r == ',' || r == '-' || r == '+') {
        if (i < 3) return false;
        *name = std::string(s.substr(0, i));
        s.remove_prefix(i);
        return true;
      }
    }
    if (s.size() < 3) return false;
    *name = std::string(s);
    s = {};
    return true;
  }
  const size_t close = s.find('>');
  if (close == std::string_view::npos) return false;
  *name = std::string(s.substr(1, close - 1));
  s.remove_prefix(close + 1);
  return true;
}

bool TzsetNum(std::string_view& s, int min, int max, int* num) {
  if (s.empty()) return false;
  int n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char r = s[i];
    if (r < '0' || r > '9') {
      if (i == 0 || n < min) return false;
      *num = n;
      s.remove_prefix(i);
      return true;
    }
    n = n * 10 + (r - '0');
    if (n > max) return false;
  }
  if (n < min) return false;
  *num = n;
  s = {};
  return true;
}

bool TzsetOffset(std::string_view& s, int* offset) {
  if (s.empty()) return false;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  int hours = 0;
  if (!TzsetNum(s, 0, 24 * 7, &hours)) return false;
  int off = hours * 3600;
  if (!s.empty() && s[0] == ':') {
    s.remove_prefix(1);
    int mins = 0;
    if (!TzsetNum(s, 0, 59, &mins)) return false;
    off += mins * 60;
    if (!s.empty() && s[0] == ':') {
      s.remove_prefix(1);
      int secs = 0;
      if (!TzsetNum(s, 0, 59, &secs)) return false;
      off += secs;
    }
  }
  *offset = neg ? -off : off;
  return true;
}

bool TzsetRule(std::string_view& s, Rule* r) {
  if (s.empty()) return false;
  if (s[0] == 'J') {
    s.remove_prefix(1);
    if (!TzsetNum(s, 1, 365, &r->day)) return false;
    r->kind = Rule::kJulian;
  } else if (s[0] == 'M') {
    s.remove_prefix(1);
    if (!TzsetNum(s, 1, 12, &r->mon) || s.empty() || s[0] != '.') return false;
    s.remove_prefix(1);
    if (!TzsetNum(s, 1, 5, &r->week) || s.empty() || s[0] != '.') return false;
    s.remove_prefix(1);
    if (!TzsetNum(s, 0, 6, &r->day)) return false;
    r->kind = Rule::kMonthWeekDay;
  } else {
    if (!TzsetNum(s, 0, 365, &r->day)) return false;
    r->kind = Rule::kDOY;
  }
  if (s.empty() || s[0] != '/') {
    r->time = 2 * 3600;
    return true;
  }
  s.remove_prefix(1);
  return TzsetOffset(s, &r->time);
}

// Seconds from the start of `year` (UTC) to the rule's transition, given the offset in force.
int64_t TzruleTime(int64_t year, const Rule& r, int off) {
  int64_t s = 0;
  switch (r.kind) {
    case Rule::kJulian:
      s = (r.day - 1) * kSecondsPerDay;
      if (IsLeap(year) && r.day >= 60) s += kSecondsPerDay;
      break;
    case Rule::kDOY:
      s = r.day * kSecondsPerDay;
      break;
    case Rule::kMonthWeekDay: {
      const int m1 = (r.mon + 9) % 12 + 1;
      int64_t yy0 = year;
      if (r.mon <= 2) yy0--;
      const int64_t yy1 = yy0 / 100;
      const int64_t yy2 = yy0 % 100;
      int64_t dow = ((26 * m1 - 2) / 10 + 1 + yy2 + yy2 / 4 + yy1 / 4 - 2 * yy1) % 7;
      if (dow < 0) dow += 7;
      int64_t d = r.day - dow;
      if (d < 0) d += 7;
      for (int i = 1; i < r.week; ++i) {
        if (d + 7 >= DaysIn(r.mon, year)) break;
        d += 7;
      }
      d += kDaysBefore[r.mon - 1];
      if (IsLeap(year) && r.mon > 2) d++;
      s = d * kSecondsPerDay;
      break;
    }
  }
  return s + r.time - off;
}

struct ZoneSpan {
  std::string name;
  int offset = 0;
  int64_t start = kAlpha, end = kOmega;
  bool is_dst = false;
};

bool Tzset(std::string_view s, int64_t last_tx_sec, int64_t sec, ZoneSpan* out) {
  std::string std_name, dst_name;
  int std_offset = 0, dst_offset = 0;
  if (!TzsetName(s, &std_name) || !TzsetOffset(s, &std_offset)) return false;
  std_offset = -std_offset;
  if (s.empty() || s[0] == ',') {
    *out = {std_name, std_offset, last_tx_sec, kOmega, false};
    return true;
  }
  if (!TzsetName(s, &dst_name)) return false;
  if (s.empty() || s[0] == ',') {
    dst_offset = std_offset + 3600;
  } else {
    if (!TzsetOffset(s, &dst_offset)) return false;
    dst_offset = -dst_offset;
  }
  if (s.empty()) s = ",M3.2.0,M11.1.0";
  if (s[0] != ',' && s[0] != ';') return false;
  s.remove_prefix(1);
  Rule start_rule, end_rule;
  if (!TzsetRule(s, &start_rule) || s.empty() || s[0] != ',') return false;
  s.remove_prefix(1);
  if (!TzsetRule(s, &end_rule) || !s.empty()) return false;

  const int64_t days = FloorDiv(sec, kSecondsPerDay);
  int64_t year;
  int month, day;
  CivilFromDays(days, &year, &month, &day);
  const int64_t year_start = DaysFromCivil(year, 1, 1) * kSecondsPerDay;
  const int64_t ysec = sec - year_start;
  int64_t start_sec = TzruleTime(year, start_rule, std_offset);
  int64_t end_sec = TzruleTime(year, end_rule, dst_offset);
  bool dst_is_dst = true, std_is_dst = false;
  if (end_sec < start_sec) {
    std::swap(start_sec, end_sec);
    std::swap(std_name, dst_name);
    std::swap(std_offset, dst_offset);
    std::swap(std_is_dst, dst_is_dst);
  }
  if (ysec < start_sec) {
    *out = {std_name, std_offset, year_start, start_sec + year_start, std_is_dst};
  } else if (ysec >= end_sec) {
    *out = {std_name, std_offset, end_sec + year_start, year_start + 365 * kSecondsPerDay,
            std_is_dst};
  } else {
    *out = {dst_name, dst_offset, start_sec + year_start, end_sec + year_start, dst_is_dst};
  }
  return true;
}

}  // namespace

// Location's private lookup exposing the validity span, used by Date and Parse.
struct LocationInternals {
  static ZoneSpan LookupSpan(const Location& l, int64_t sec);
};

namespace {

std::mutex& CacheMutex() {
  static std::mutex mu;
  return mu;
}

std::map<std::string, const Location*>& Cache() {
  static auto* cache = new std::map<std::string, const Location*>();
  return *cache;
}

uint32_t BigEndian32(std::string_view d, size_t off) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(d[off])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(d[off + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(d[off + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(d[off + 3]));
}

uint64_t BigEndian64(std::string_view d, size_t off) {
  return (static_cast<uint64_t>(BigEndian32(d, off)) << 32) | BigEndian32(d, off + 4);
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

bool ContainsDotDot(std::string_view s) {
  if (s.size() < 2) return false;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] == '.' && s[i + 1] == '.') return true;
  }
  return false;
}

}  // namespace

ZoneSpan LocationInternals::LookupSpan(const Location& l, int64_t sec) {
  ZoneSpan out;
  if (l.zones_.empty()) {
    out.name = "UTC";
    return out;
  }
  if (l.transitions_.empty() || sec < l.transitions_[0].when) {
    const Location::Zone& z = l.zones_[l.FirstZone()];
    out.name = z.name;
    out.offset = z.offset;
    out.is_dst = z.is_dst;
    out.start = kAlpha;
    out.end = l.transitions_.empty() ? kOmega : l.transitions_[0].when;
    return out;
  }
  const auto& tx = l.transitions_;
  int64_t end = kOmega;
  size_t lo = 0, hi = tx.size();
  while (hi - lo > 1) {
    const size_t m = lo + (hi - lo) / 2;
    if (sec < tx[m].when) {
      end = tx[m].when;
      hi = m;
    } else {
      lo = m;
    }
  }
  const Location::Zone& z = l.zones_[tx[lo].zone];
  out.name = z.name;
  out.offset = z.offset;
  out.is_dst = z.is_dst;
  out.start = tx[lo].when;
  out.end = end;
  if (lo == tx.size() - 1 && !l.extend_.empty()) {
    ZoneSpan ext;
    if (Tzset(l.extend_, out.start, sec, &ext)) return ext;
  }
  return out;
}

size_t Location::FirstZone() const {
  bool first_used = false;
  for (const auto& t : transitions_) {
    if (t.zone == 0) first_used = true;
  }
  if (!first_used) return 0;
  if (!transitions_.empty() && zones_[transitions_[0].zone].is_dst) {
    for (int zi = static_cast<int>(transitions_[0].zone) - 1; zi >= 0; --zi) {
      if (!zones_[static_cast<size_t>(zi)].is_dst) return static_cast<size_t>(zi);
    }
  }
  for (size_t zi = 0; zi < zones_.size(); ++zi) {
    if (!zones_[zi].is_dst) return zi;
  }
  return 0;
}

Location::Zone Location::Lookup(int64_t unix_seconds) const {
  ZoneSpan s = LocationInternals::LookupSpan(*this, unix_seconds);
  return Zone{std::move(s.name), s.offset, s.is_dst};
}

bool Location::LookupName(std::string_view abbrev, int64_t unix, int* offset) const {
  // First try zone names in effect at the time (Go's lookupName).
  for (const Zone& z : zones_) {
    if (z.name == abbrev) {
      const ZoneSpan s = LocationInternals::LookupSpan(*this, unix - z.offset);
      if (s.name == z.name) {
        *offset = s.offset;
        return true;
      }
    }
  }
  for (const Zone& z : zones_) {
    if (z.name == abbrev) {
      *offset = z.offset;
      return true;
    }
  }
  return false;
}

const Location* Location::UTC() {
  static const Location* utc = [] {
    auto* l = new Location();
    l->name_ = "UTC";
    l->AddRef();  // immortal
    return l;
  }();
  return utc;
}

const Location* Location::Fixed(std::string name, int offset) {
  auto* l = new Location();
  l->name_ = name;
  l->zones_.push_back(Zone{std::move(name), offset, false});
  l->transitions_.push_back(Transition{kAlpha, 0});
  std::lock_guard<std::mutex> lock(CacheMutex());
  // Fixed zones are kept alive for the process like loaded ones: values refer to them freely.
  static auto* fixed = new std::vector<const Location*>();
  l->AddRef();
  fixed->push_back(l);
  return l;
}

Result<const Location*> Location::FromTZif(std::string name, std::string_view data) {
  const Error bad{"unknown time zone " + name};
  auto header = [&](size_t off, uint32_t counts[6]) -> bool {
    if (data.size() < off + 44 || data.substr(off, 4) != "TZif") return false;
    for (int i = 0; i < 6; ++i)
      counts[i] = BigEndian32(data, off + 20 + 4 * static_cast<size_t>(i));
    return true;
  };
  uint32_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  if (!header(0, c)) return bad;
  const char version = data[4];
  size_t off = 44;
  int time_size = 4;
  if (version >= '2') {
    // Skip the 32-bit body and use the 64-bit one that follows.
    off += static_cast<size_t>(c[3]) * 5 + static_cast<size_t>(c[4]) * 6 + c[5] +
           static_cast<size_t>(c[2]) * 8 + c[1] + c[0];
    if (!header(off, c)) return bad;
    off += 44;
    time_size = 8;
  }
  const size_t timecnt = c[3], typecnt = c[4], charcnt = c[5];
  const size_t need = timecnt * static_cast<size_t>(time_size) + timecnt + typecnt * 6 + charcnt;
  if (typecnt == 0 || data.size() < off + need) return bad;
  auto* l = new Location();
  l->name_ = name;
  const size_t times_off = off;
  const size_t idx_off = times_off + timecnt * static_cast<size_t>(time_size);
  const size_t types_off = idx_off + timecnt;
  const size_t chars_off = types_off + typecnt * 6;
  std::string_view chars = data.substr(chars_off, charcnt);
  for (size_t i = 0; i < typecnt; ++i) {
    const size_t t = types_off + i * 6;
    Zone z;
    z.offset = static_cast<int32_t>(BigEndian32(data, t));
    z.is_dst = data[t + 4] != 0;
    const size_t abbr = static_cast<unsigned char>(data[t + 5]);
    if (abbr < chars.size()) {
      const size_t nul = chars.find('\0', abbr);
      z.name = std::string(chars.substr(abbr, nul == std::string_view::npos ? nul : nul - abbr));
    }
    l->zones_.push_back(std::move(z));
  }
  for (size_t i = 0; i < timecnt; ++i) {
    int64_t when;
    if (time_size == 8) {
      when = static_cast<int64_t>(BigEndian64(data, times_off + i * 8));
    } else {
      when = static_cast<int32_t>(BigEndian32(data, times_off + i * 4));
    }
    const uint8_t zi = static_cast<uint8_t>(data[idx_off + i]);
    if (zi >= typecnt) {
      delete l;
      return bad;
    }
    l->transitions_.push_back(Transition{when, zi});
  }
  if (l->transitions_.empty()) l->transitions_.push_back(Transition{kAlpha, 0});
  if (version >= '2') {
    // Footer: "\n<POSIX TZ>\n" after the 64-bit body.
    size_t foot = chars_off + charcnt + static_cast<size_t>(c[2]) * 12 + c[1] + c[0];
    if (foot < data.size() && data[foot] == '\n') {
      const size_t nl = data.find('\n', foot + 1);
      if (nl != std::string_view::npos)
        l->extend_ = std::string(data.substr(foot + 1, nl - foot - 1));
    }
  }
  l->AddRef();  // owned by the caller's cache for the life of the process
  return static_cast<const Location*>(l);
}

namespace {

Result<const Location*> LoadFromZoneinfo(const std::string& name) {
  std::vector<std::string> dirs;
  if (const char* zi = std::getenv("ZONEINFO"); zi && *zi) dirs.emplace_back(zi);
  dirs.emplace_back("/usr/share/zoneinfo");
  dirs.emplace_back("/usr/share/lib/zoneinfo");
  dirs.emplace_back("/usr/lib/locale/TZ");
  dirs.emplace_back("/etc/zoneinfo");
  for (const std::string& dir : dirs) {
    std::string data;
    if (!ReadFile(dir + "/" + name, &data)) continue;
    return Location::FromTZif(name, data);
  }
  return Error{"unknown time zone " + name};
}

const Location* MakeLocal() {
  std::string data;
  const char* tz = std::getenv("TZ");
  std::string path = "/etc/localtime";
  if (tz != nullptr) {
    std::string name = tz;
    if (!name.empty() && name[0] == ':') name.erase(0, 1);
    if (name.empty() || name == "UTC") return Location::UTC();
    path = name[0] == '/' ? name : "/usr/share/zoneinfo/" + name;
  }
  if (ReadFile(path, &data)) {
    // Go names the local zone "Local" whatever file it came from.
    auto l = Location::FromTZif("Local", data);
    if (l.ok()) return *l;
  }
  return Location::UTC();
}

}  // namespace

const Location* Location::Local() {
  static const Location* local = MakeLocal();
  return local;
}

Result<const Location*> Location::Load(std::string_view name_view) {
  if (name_view.empty() || name_view == "UTC") return UTC();
  if (name_view == "Local") return Local();
  const std::string name(name_view);
  if (ContainsDotDot(name) || name[0] == '/' || name[0] == '\\') {
    return Error{"time: invalid location name"};
  }
  {
    std::lock_guard<std::mutex> lock(CacheMutex());
    auto it = Cache().find(name);
    if (it != Cache().end()) return it->second;
  }
  auto loaded = LoadFromZoneinfo(name);
  if (!loaded.ok()) return loaded.error();
  std::lock_guard<std::mutex> lock(CacheMutex());
  auto [it, inserted] = Cache().emplace(name, *loaded);
  if (!inserted) (*loaded)->Release();
  return it->second;
}

// ---------------------------------------------------------------------------------------------
// GoTime

GoTime GoTime::FromUnix(int64_t sec, int64_t nsec) {
  if (nsec < 0 || nsec >= 1000000000) {
    const int64_t n = FloorDiv(nsec, 1000000000);
    sec += n;
    nsec -= n * 1000000000;
  }
  GoTime t;
  t.sec = sec;
  t.nsec = static_cast<int32_t>(nsec);
  t.loc = nullptr;
  return t;
}

GoTime GoTime::FromUnixNano(int64_t ns) {
  const int64_t s = FloorDiv(ns, 1000000000);
  return FromUnix(s, ns - s * 1000000000);
}

GoTime GoTime::FromUnixMilli(int64_t ms) {
  const int64_t s = FloorDiv(ms, 1000);
  return FromUnix(s, (ms - s * 1000) * 1000000);
}

GoTime GoTime::In(const Location* l) const {
  GoTime t = *this;
  t.loc = (l == nullptr || l == Location::UTC()) ? nullptr : l;
  return t;
}

CivilTime ToCivil(const GoTime& t) {
  CivilTime c;
  const Location* loc = t.location();
  ZoneSpan z = LocationInternals::LookupSpan(*loc, t.sec);
  c.offset = z.offset;
  const int64_t local = t.sec + z.offset;
  const int64_t days = FloorDiv(local, kSecondsPerDay);
  int64_t rem = local - days * kSecondsPerDay;
  CivilFromDays(days, &c.year, &c.month, &c.day);
  c.hour = static_cast<int>(rem / 3600);
  rem %= 3600;
  c.minute = static_cast<int>(rem / 60);
  c.second = static_cast<int>(rem % 60);
  c.nanosecond = t.nsec;
  int64_t wd = (days + 4) % 7;
  if (wd < 0) wd += 7;
  c.weekday = static_cast<int>(wd);
  c.yday = static_cast<int>(days - DaysFromCivil(c.year, 1, 1) + 1);
  c.zone = std::move(z.name);
  return c;
}

const char* MonthName(int month) {
  static const char* kNames[] = {"January",   "February", "March",    "April",
                                 "May",       "June",     "July",     "August",
                                 "September", "October",  "November", "December"};
  if (month < 1 || month > 12) return "%!Month(BADMONTH)";
  return kNames[month - 1];
}

const char* WeekdayName(int weekday) {
  static const char* kNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                 "Thursday", "Friday", "Saturday"};
  if (weekday < 0 || weekday > 6) return "%!Weekday(BADWEEKDAY)";
  return kNames[weekday];
}

// ---------------------------------------------------------------------------------------------
// Layouts

namespace {

enum Std {
  kNone = 0,
  kLongMonth,
  kMonth,
  kNumMonth,
  kZeroMonth,
  kLongWeekDay,
  kWeekDay,
  kDay,
  kUnderDay,
  kZeroDay,
  kUnderYearDay,
  kZeroYearDay,
  kHour,
  kHour12,
  kZeroHour12,
  kMinute,
  kZeroMinute,
  kSecond,
  kZeroSecond,
  kLongYear,
  kYear,
  kPM,
  kpm,
  kTZ,
  kISO8601TZ,
  kISO8601SecondsTZ,
  kISO8601ShortTZ,
  kISO8601ColonTZ,
  kISO8601ColonSecondsTZ,
  kNumTZ,
  kNumSecondsTz,
  kNumShortTZ,
  kNumColonTZ,
  kNumColonSecondsTZ,
  kFracSecond0,
  kFracSecond9,
};

struct Chunk {
  std::string_view prefix;
  Std std = kNone;
  int frac_digits = 0;  // for fractional seconds
  char frac_sep = '.';
  std::string_view suffix;
};

bool StartsWithLower(std::string_view s) {
  return !s.empty() && s[0] >= 'a' && s[0] <= 'z';
}
bool IsDigitAt(std::string_view s, size_t i) {
  return i < s.size() && s[i] >= '0' && s[i] <= '9';
}

Chunk NextStdChunk(std::string_view layout) {
  auto at = [&](size_t i, Std std, size_t len) {
    return Chunk{layout.substr(0, i), std, 0, '.', layout.substr(i + len)};
  };
  auto has = [&](size_t i, std::string_view s) { return layout.substr(i, s.size()) == s; };
  for (size_t i = 0; i < layout.size(); ++i) {
    const char c = layout[i];
    switch (c) {
      case 'J':
        if (has(i, "Jan")) {
          if (has(i, "January")) return at(i, kLongMonth, 7);
          if (!StartsWithLower(layout.substr(i + 3))) return at(i, kMonth, 3);
        }
        break;
      case 'M':
        if (has(i, "Mon")) {
          if (has(i, "Monday")) return at(i, kLongWeekDay, 6);
          if (!StartsWithLower(layout.substr(i + 3))) return at(i, kWeekDay, 3);
        }
        if (has(i, "MST")) return at(i, kTZ, 3);
        break;
      case '0':
        if (i + 1 < layout.size() && layout[i + 1] >= '1' && layout[i + 1] <= '6') {
          static constexpr Std kStd0x[] = {kZeroMonth,  kZeroDay,    kZeroHour12,
                                           kZeroMinute, kZeroSecond, kYear};
          return at(i, kStd0x[layout[i + 1] - '1'], 2);
        }
        if (has(i, "002")) return at(i, kZeroYearDay, 3);
        break;
      case '1':
        if (has(i, "15")) return at(i, kHour, 2);
        return at(i, kNumMonth, 1);
      case '2':
        if (has(i, "2006")) return at(i, kLongYear, 4);
        return at(i, kDay, 1);
      case '_':
        if (i + 1 < layout.size() && layout[i + 1] == '2') {
          if (has(i + 1, "2006"))
            return Chunk{layout.substr(0, i + 1), kLongYear, 0, '.', layout.substr(i + 5)};
          return at(i, kUnderDay, 2);
        }
        if (has(i, "__2")) return at(i, kUnderYearDay, 3);
        break;
      case '3':
        return at(i, kHour12, 1);
      case '4':
        return at(i, kMinute, 1);
      case '5':
        return at(i, kSecond, 1);
      case 'P':
        if (has(i, "PM")) return at(i, kPM, 2);
        break;
      case 'p':
        if (has(i, "pm")) return at(i, kpm, 2);
        break;
      case '-':
        if (has(i, "-070000")) return at(i, kNumSecondsTz, 7);
        if (has(i, "-07:00:00")) return at(i, kNumColonSecondsTZ, 9);
        if (has(i, "-0700")) return at(i, kNumTZ, 5);
        if (has(i, "-07:00")) return at(i, kNumColonTZ, 6);
        if (has(i, "-07")) return at(i, kNumShortTZ, 3);
        break;
      case 'Z':
        if (has(i, "Z070000")) return at(i, kISO8601SecondsTZ, 7);
        if (has(i, "Z07:00:00")) return at(i, kISO8601ColonSecondsTZ, 9);
        if (has(i, "Z0700")) return at(i, kISO8601TZ, 5);
        if (has(i, "Z07:00")) return at(i, kISO8601ColonTZ, 6);
        if (has(i, "Z07")) return at(i, kISO8601ShortTZ, 3);
        break;
      case '.':
      case ',':
        if (i + 1 < layout.size() && (layout[i + 1] == '0' || layout[i + 1] == '9')) {
          const char ch = layout[i + 1];
          size_t j = i + 1;
          while (j < layout.size() && layout[j] == ch) ++j;
          if (!IsDigitAt(layout, j)) {
            Chunk ck{layout.substr(0, i), ch == '9' ? kFracSecond9 : kFracSecond0,
                     static_cast<int>(j - (i + 1)), c, layout.substr(j)};
            return ck;
          }
        }
        break;
      default:
        break;
    }
  }
  return Chunk{layout, kNone, 0, '.', {}};
}

void AppendInt(std::string& b, int64_t x, int width) {
  uint64_t u = static_cast<uint64_t>(x);
  if (x < 0) {
    b.push_back('-');
    u = 0 - u;
  }
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  for (int w = n; w < width; ++w) b.push_back('0');
  while (n > 0) b.push_back(buf[--n]);
}

void AppendNano(std::string& b, int nanosec, const Chunk& ck) {
  const bool trim = ck.std == kFracSecond9;
  const int n = ck.frac_digits;
  if (trim && (n == 0 || nanosec == 0)) return;
  b.push_back(ck.frac_sep);
  std::string digits;
  AppendInt(digits, nanosec, 9);
  if (n < 9) digits.resize(static_cast<size_t>(n));
  b += digits;
  if (trim) {
    while (!b.empty() && b.back() == '0') b.pop_back();
    if (!b.empty() && b.back() == ck.frac_sep) b.pop_back();
  }
}

}  // namespace

std::string FormatTime(const GoTime& t, std::string_view layout) {
  const CivilTime c = ToCivil(t);
  std::string b;
  b.reserve(layout.size() + 10);
  while (!layout.empty()) {
    const Chunk ck = NextStdChunk(layout);
    b.append(ck.prefix);
    if (ck.std == kNone) break;
    layout = ck.suffix;
    switch (ck.std) {
      case kYear: {
        int64_t y = c.year;
        if (y < 0) y = -y;
        AppendInt(b, y % 100, 2);
        break;
      }
      case kLongYear:
        AppendInt(b, c.year, 4);
        break;
      case kMonth:
        b.append(MonthName(c.month), 3);
        break;
      case kLongMonth:
        b += MonthName(c.month);
        break;
      case kNumMonth:
        AppendInt(b, c.month, 0);
        break;
      case kZeroMonth:
        AppendInt(b, c.month, 2);
        break;
      case kWeekDay:
        b.append(WeekdayName(c.weekday), 3);
        break;
      case kLongWeekDay:
        b += WeekdayName(c.weekday);
        break;
      case kDay:
        AppendInt(b, c.day, 0);
        break;
      case kUnderDay:
        if (c.day < 10) b.push_back(' ');
        AppendInt(b, c.day, 0);
        break;
      case kZeroDay:
        AppendInt(b, c.day, 2);
        break;
      case kUnderYearDay:
        if (c.yday < 100) {
          b.push_back(' ');
          if (c.yday < 10) b.push_back(' ');
        }
        AppendInt(b, c.yday, 0);
        break;
      case kZeroYearDay:
        AppendInt(b, c.yday, 3);
        break;
      case kHour:
        AppendInt(b, c.hour, 2);
        break;
      case kHour12: {
        int hr = c.hour % 12;
        if (hr == 0) hr = 12;
        AppendInt(b, hr, 0);
        break;
      }
      case kZeroHour12: {
        int hr = c.hour % 12;
        if (hr == 0) hr = 12;
        AppendInt(b, hr, 2);
        break;
      }
      case kMinute:
        AppendInt(b, c.minute, 0);
        break;
      case kZeroMinute:
        AppendInt(b, c.minute, 2);
        break;
      case kSecond:
        AppendInt(b, c.second, 0);
        break;
      case kZeroSecond:
        AppendInt(b, c.second, 2);
        break;
      case kPM:
        b += c.hour >= 12 ? "PM" : "AM";
        break;
      case kpm:
        b += c.hour >= 12 ? "pm" : "am";
        break;
      case kISO8601TZ:
      case kISO8601ColonTZ:
      case kISO8601SecondsTZ:
      case kISO8601ShortTZ:
      case kISO8601ColonSecondsTZ:
      case kNumTZ:
      case kNumColonTZ:
      case kNumSecondsTz:
      case kNumShortTZ:
      case kNumColonSecondsTZ: {
        const Std s = ck.std;
        const bool iso = s == kISO8601TZ || s == kISO8601ColonTZ || s == kISO8601SecondsTZ ||
                         s == kISO8601ShortTZ || s == kISO8601ColonSecondsTZ;
        if (c.offset == 0 && iso) {
          b.push_back('Z');
          break;
        }
        int zone = c.offset / 60;
        int absoffset = c.offset;
        if (zone < 0) {
          b.push_back('-');
          zone = -zone;
          absoffset = -absoffset;
        } else {
          b.push_back('+');
        }
        AppendInt(b, zone / 60, 2);
        if (s == kISO8601ColonTZ || s == kNumColonTZ || s == kISO8601ColonSecondsTZ ||
            s == kNumColonSecondsTZ) {
          b.push_back(':');
        }
        if (s != kNumShortTZ && s != kISO8601ShortTZ) AppendInt(b, zone % 60, 2);
        if (s == kISO8601SecondsTZ || s == kNumSecondsTz || s == kNumColonSecondsTZ ||
            s == kISO8601ColonSecondsTZ) {
          if (s == kNumColonSecondsTZ || s == kISO8601ColonSecondsTZ) b.push_back(':');
          AppendInt(b, absoffset % 60, 2);
        }
        break;
      }
      case kTZ:
        if (!c.zone.empty()) {
          b += c.zone;
        } else {
          int zone = c.offset / 60;
          if (zone < 0) {
            b.push_back('-');
            zone = -zone;
          } else {
            b.push_back('+');
          }
          AppendInt(b, zone / 60, 2);
          AppendInt(b, zone % 60, 2);
        }
        break;
      case kFracSecond0:
      case kFracSecond9:
        AppendNano(b, c.nanosecond, ck);
        break;
      case kNone:
        break;
    }
  }
  return b;
}

std::string TimeString(const GoTime& t) {
  return FormatTime(t, "2006-01-02 15:04:05.999999999 -0700 MST");
}

// ---------------------------------------------------------------------------------------------
// Parse

namespace {

std::string TimeQuote(std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  std::string b = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80 || c < ' ') {
      b += "\\x";
      b.push_back(kHex[c >> 4]);
      b.push_back(kHex[c & 0xF]);
    } else {
      if (c == '"' || c == '\\') b.push_back('\\');
      b.push_back(static_cast<char>(c));
    }
  }
  b.push_back('"');
  return b;
}

Error ParseError(std::string_view layout, std::string_view value, std::string_view layout_elem,
                 std::string_view value_elem, std::string_view message) {
  if (message.empty()) {
    return Error{"parsing time " + TimeQuote(value) + " as " + TimeQuote(layout) +
                 ": cannot parse " + TimeQuote(value_elem) + " as " + TimeQuote(layout_elem)};
  }
  return Error{"parsing time " + TimeQuote(value) + std::string(message)};
}

std::string_view CutSpace(std::string_view s) {
  while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  return s;
}

bool Skip(std::string_view& value, std::string_view prefix) {
  while (!prefix.empty()) {
    if (prefix[0] == ' ') {
      if (!value.empty() && value[0] != ' ') return false;
      prefix = CutSpace(prefix);
      value = CutSpace(value);
      continue;
    }
    if (value.empty() || value[0] != prefix[0]) return false;
    prefix.remove_prefix(1);
    value.remove_prefix(1);
  }
  return true;
}

bool GetNum(std::string_view& s, bool fixed, int* n) {
  if (!IsDigitAt(s, 0)) return false;
  if (!IsDigitAt(s, 1)) {
    if (fixed) return false;
    *n = s[0] - '0';
    s.remove_prefix(1);
    return true;
  }
  *n = (s[0] - '0') * 10 + (s[1] - '0');
  s.remove_prefix(2);
  return true;
}

bool GetNum3(std::string_view& s, bool fixed, int* n) {
  int v = 0;
  size_t i = 0;
  for (; i < 3 && IsDigitAt(s, i); ++i) v = v * 10 + (s[i] - '0');
  if (i == 0 || (fixed && i != 3)) return false;
  *n = v;
  s.remove_prefix(i);
  return true;
}

bool LeadingInt(std::string_view s, int64_t* x, std::string_view* rest) {
  size_t i = 0;
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') break;
    if (v > (std::numeric_limits<int64_t>::max() - 9) / 10) return false;
    v = v * 10 + (c - '0');
  }
  *x = v;
  *rest = s.substr(i);
  return true;
}

bool Atoi(std::string_view s, int64_t* out) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  int64_t q;
  std::string_view rem;
  if (!LeadingInt(s, &q, &rem) || !rem.empty() || s.empty()) return false;
  *out = neg ? -q : q;
  return true;
}

bool Lookup(const char* const* tab, int n, size_t len_limit, std::string_view& val, int* idx) {
  for (int i = 0; i < n; ++i) {
    std::string_view v = tab[i];
    if (len_limit) v = v.substr(0, len_limit);
    if (val.size() >= v.size()) {
      bool match = true;
      for (size_t k = 0; k < v.size(); ++k) {
        char a = val[k], b = v[k];
        if (a >= 'A' && a <= 'Z') a = static_cast<char>(a + 32);
        if (b >= 'A' && b <= 'Z') b = static_cast<char>(b + 32);
        if (a != b) {
          match = false;
          break;
        }
      }
      if (match) {
        val.remove_prefix(v.size());
        *idx = i;
        return true;
      }
    }
  }
  return false;
}

size_t ParseSignedOffset(std::string_view value) {
  const char sign = value[0];
  if (sign != '-' && sign != '+') return 0;
  int64_t x;
  std::string_view rem;
  if (!LeadingInt(value.substr(1), &x, &rem) || rem.size() == value.size() - 1) return 0;
  if (x > 12) return 0;
  return value.size() - rem.size();
}

bool ParseTimeZone(std::string_view value, size_t* length) {
  if (value.size() < 3) return false;
  if (value.substr(0, 4) == "ChST" || value.substr(0, 4) == "MeST") {
    *length = 4;
    return true;
  }
  if (value.substr(0, 3) == "GMT") {
    *length = value.size() == 3 ? 3 : 3 + ParseSignedOffset(value.substr(3));
    return true;
  }
  if (value[0] == '+' || value[0] == '-') {
    *length = ParseSignedOffset(value);
    return *length > 0;
  }
  size_t upper = 0;
  for (; upper < 6; ++upper) {
    if (upper >= value.size() || value[upper] < 'A' || value[upper] > 'Z') break;
  }
  switch (upper) {
    case 5:
      if (value[4] == 'T') {
        *length = 5;
        return true;
      }
      return false;
    case 4:
      if (value[3] == 'T' || value.substr(0, 4) == "WITA") {
        *length = 4;
        return true;
      }
      return false;
    case 3:
      *length = 3;
      return true;
    default:
      return false;
  }
}

bool ParseNanoseconds(std::string_view value, size_t nbytes, int* ns, std::string* range_err) {
  if (value[0] != '.' && value[0] != ',') return false;
  if (nbytes > 10) {
    value = value.substr(0, 10);
    nbytes = 10;
  }
  int64_t v;
  if (!Atoi(value.substr(1, nbytes - 1), &v)) return false;
  if (v < 0) {
    *range_err = "fractional second";
    return true;
  }
  for (size_t i = 0; i < 10 - nbytes; ++i) v *= 10;
  *ns = static_cast<int>(v);
  return true;
}

}  // namespace

// Go's time.Date: the instant at the civil time in `loc`, normalising overflowing fields.
GoTime DateIn(int64_t year, int month, int day, int hour, int min, int sec, int nsec,
              const Location* loc) {
  // Normalise month into 1..12 carrying into the year; the rest carries through seconds.
  int64_t m = month - 1;
  year += FloorDiv(m, 12);
  m -= FloorDiv(m, 12) * 12;
  const int64_t days = DaysFromCivil(year, static_cast<int>(m) + 1, 1) + (day - 1);
  int64_t unix = days * kSecondsPerDay + hour * 3600 + min * 60 + sec;
  int64_t ns = nsec;
  unix += FloorDiv(ns, 1000000000);
  ns -= FloorDiv(ns, 1000000000) * 1000000000;
  ZoneSpan z = LocationInternals::LookupSpan(*loc, unix);
  int offset = z.offset;
  if (offset != 0) {
    const int64_t utc = unix - offset;
    if (utc < z.start || utc >= z.end) offset = LocationInternals::LookupSpan(*loc, utc).offset;
    unix -= offset;
  }
  GoTime t = GoTime::FromUnix(unix, ns);
  return t.In(loc);
}

Result<GoTime> ParseTime(std::string_view layout0, std::string_view value0, const Location* loc) {
  static const char* kLongMonths[] = {"January",   "February", "March",    "April",
                                      "May",       "June",     "July",     "August",
                                      "September", "October",  "November", "December"};
  static const char* kLongDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                    "Thursday", "Friday", "Saturday"};
  if (loc == nullptr) loc = Location::UTC();
  std::string_view layout = layout0, value = value0;
  std::string range_err;
  bool am_set = false, pm_set = false;
  int64_t year = 0;
  int month = -1, day = -1, yday = -1, hour = 0, min = 0, sec = 0, nsec = 0;
  const Location* z = nullptr;
  int zone_offset = -1;
  std::string zone_name;

  for (;;) {
    const Chunk ck = NextStdChunk(layout);
    const std::string_view stdstr =
        layout.substr(ck.prefix.size(), layout.size() - ck.prefix.size() - ck.suffix.size());
    if (!Skip(value, ck.prefix)) return ParseError(layout0, value0, ck.prefix, value, "");
    if (ck.std == kNone) {
      if (!value.empty()) {
        return ParseError(layout0, value0, "", value, ": extra text: " + TimeQuote(value));
      }
      break;
    }
    layout = ck.suffix;
    const std::string_view hold = value;
    bool ok = true;
    int idx = 0;
    switch (ck.std) {
      case kYear: {
        int64_t y;
        if (value.size() < 2 || !Atoi(value.substr(0, 2), &y)) {
          ok = false;
          break;
        }
        value.remove_prefix(2);
        year = y >= 69 ? y + 1900 : y + 2000;
        break;
      }
      case kLongYear: {
        if (value.size() < 4 || !IsDigitAt(value, 0) || !Atoi(value.substr(0, 4), &year)) {
          ok = false;
          break;
        }
        value.remove_prefix(4);
        break;
      }
      case kMonth:
        ok = Lookup(kLongMonths, 12, 3, value, &idx);
        month = idx + 1;
        break;
      case kLongMonth:
        ok = Lookup(kLongMonths, 12, 0, value, &idx);
        month = idx + 1;
        break;
      case kNumMonth:
      case kZeroMonth:
        ok = GetNum(value, ck.std == kZeroMonth, &month);
        if (ok && (month <= 0 || month > 12)) range_err = "month";
        break;
      case kWeekDay:
        ok = Lookup(kLongDays, 7, 3, value, &idx);
        break;
      case kLongWeekDay:
        ok = Lookup(kLongDays, 7, 0, value, &idx);
        break;
      case kDay:
      case kUnderDay:
      case kZeroDay:
        if (ck.std == kUnderDay && !value.empty() && value[0] == ' ') value.remove_prefix(1);
        ok = GetNum(value, ck.std == kZeroDay, &day);
        break;
      case kUnderYearDay:
      case kZeroYearDay:
        for (int i = 0; i < 2; ++i) {
          if (ck.std == kUnderYearDay && !value.empty() && value[0] == ' ') value.remove_prefix(1);
        }
        ok = GetNum3(value, ck.std == kZeroYearDay, &yday);
        break;
      case kHour:
        ok = GetNum(value, false, &hour);
        if (hour < 0 || hour >= 24) range_err = "hour";
        break;
      case kHour12:
      case kZeroHour12:
        ok = GetNum(value, ck.std == kZeroHour12, &hour);
        if (hour < 0 || hour > 12) range_err = "hour";
        break;
      case kMinute:
      case kZeroMinute:
        ok = GetNum(value, ck.std == kZeroMinute, &min);
        if (min < 0 || min >= 60) range_err = "minute";
        break;
      case kSecond:
      case kZeroSecond: {
        ok = GetNum(value, ck.std == kZeroSecond, &sec);
        if (!ok) break;
        if (sec < 0 || sec >= 60) {
          range_err = "second";
          break;
        }
        if (value.size() >= 2 && (value[0] == '.' || value[0] == ',') && IsDigitAt(value, 1)) {
          const Chunk next = NextStdChunk(layout);
          if (next.std == kFracSecond0 || next.std == kFracSecond9) break;
          size_t n = 2;
          while (n < value.size() && IsDigitAt(value, n)) ++n;
          ok = ParseNanoseconds(value, n, &nsec, &range_err);
          value.remove_prefix(n);
        }
        break;
      }
      case kPM:
      case kpm: {
        if (value.size() < 2) {
          ok = false;
          break;
        }
        const std::string_view p = value.substr(0, 2);
        value.remove_prefix(2);
        const bool upper = ck.std == kPM;
        if (p == (upper ? "PM" : "pm")) {
          pm_set = true;
        } else if (p == (upper ? "AM" : "am")) {
          am_set = true;
        } else {
          ok = false;
        }
        break;
      }
      case kISO8601TZ:
      case kISO8601ShortTZ:
      case kISO8601ColonTZ:
      case kISO8601SecondsTZ:
      case kISO8601ColonSecondsTZ:
        if (!value.empty() && value[0] == 'Z') {
          value.remove_prefix(1);
          z = Location::UTC();
          break;
        }
        [[fallthrough]];
      case kNumTZ:
      case kNumShortTZ:
      case kNumColonTZ:
      case kNumSecondsTz:
      case kNumColonSecondsTZ: {
        const Std s = ck.std;
        std::string_view sign, hh, mm, ss;
        if (s == kISO8601ColonTZ || s == kNumColonTZ) {
          if (value.size() < 6 || value[3] != ':') {
            ok = false;
            break;
          }
          sign = value.substr(0, 1), hh = value.substr(1, 2), mm = value.substr(4, 2), ss = "00";
          value.remove_prefix(6);
        } else if (s == kNumShortTZ || s == kISO8601ShortTZ) {
          if (value.size() < 3) {
            ok = false;
            break;
          }
          sign = value.substr(0, 1), hh = value.substr(1, 2), mm = "00", ss = "00";
          value.remove_prefix(3);
        } else if (s == kISO8601ColonSecondsTZ || s == kNumColonSecondsTZ) {
          if (value.size() < 9 || value[3] != ':' || value[6] != ':') {
            ok = false;
            break;
          }
          sign = value.substr(0, 1), hh = value.substr(1, 2), mm = value.substr(4, 2),
          ss = value.substr(7, 2);
          value.remove_prefix(9);
        } else if (s == kISO8601SecondsTZ || s == kNumSecondsTz) {
          if (value.size() < 7) {
            ok = false;
            break;
          }
          sign = value.substr(0, 1), hh = value.substr(1, 2), mm = value.substr(3, 2),
          ss = value.substr(5, 2);
          value.remove_prefix(7);
        } else {
          if (value.size() < 5) {
            ok = false;
            break;
          }
          sign = value.substr(0, 1), hh = value.substr(1, 2), mm = value.substr(3, 2), ss = "00";
          value.remove_prefix(5);
        }
        int hr = 0, mi = 0, se = 0;
        ok = GetNum(hh, true, &hr) && GetNum(mm, true, &mi) && GetNum(ss, true, &se);
        if (hr > 24) range_err = "time zone offset hour";
        if (mi > 60) range_err = "time zone offset minute";
        if (se > 60) range_err = "time zone offset second";
        zone_offset = (hr * 60 + mi) * 60 + se;
        if (sign[0] == '-') {
          zone_offset = -zone_offset;
        } else if (sign[0] != '+') {
          ok = false;
        }
        break;
      }
      case kTZ: {
        if (value.substr(0, 3) == "UTC") {
          z = Location::UTC();
          value.remove_prefix(3);
          break;
        }
        size_t n = 0;
        if (!ParseTimeZone(value, &n)) {
          ok = false;
          break;
        }
        zone_name = std::string(value.substr(0, n));
        value.remove_prefix(n);
        break;
      }
      case kFracSecond0: {
        const size_t ndigit = 1 + static_cast<size_t>(ck.frac_digits);
        if (value.size() < ndigit) {
          ok = false;
          break;
        }
        ok = ParseNanoseconds(value, ndigit, &nsec, &range_err);
        value.remove_prefix(ndigit);
        break;
      }
      case kFracSecond9: {
        if (value.size() < 2 || (value[0] != '.' && value[0] != ',') || value[1] < '0' ||
            value[1] > '9') {
          break;
        }
        size_t i = 0;
        while (i + 1 < value.size() && value[i + 1] >= '0' && value[i + 1] <= '9') ++i;
        ok = ParseNanoseconds(value, 1 + i, &nsec, &range_err);
        value.remove_prefix(1 + i);
        break;
      }
      case kNone:
        break;
    }
    if (!range_err.empty()) {
      return ParseError(layout0, value0, stdstr, value, ": " + range_err + " out of range");
    }
    if (!ok) return ParseError(layout0, value0, stdstr, hold, "");
  }
  if (pm_set && hour < 12) {
    hour += 12;
  } else if (am_set && hour == 12) {
    hour = 0;
  }
  if (yday >= 0) {
    int d = 0, m = 0;
    if (IsLeap(year)) {
      if (yday == 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) {
        yday--;
      }
    }
    if (yday < 1 || yday > 365) {
      return ParseError(layout0, value0, "", value, ": day-of-year out of range");
    }
    if (m == 0) {
      m = (yday - 1) / 31 + 1;
      if (kDaysBefore[m] < yday) m++;
      d = yday - kDaysBefore[m - 1];
    }
    if (month >= 0 && month != m) {
      return ParseError(layout0, value0, "", value, ": day-of-year does not match month");
    }
    month = m;
    if (day >= 0 && day != d) {
      return ParseError(layout0, value0, "", value, ": day-of-year does not match day");
    }
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > DaysIn(month, year)) {
    return ParseError(layout0, value0, "", value, ": day out of range");
  }
  if (z != nullptr) return DateIn(year, month, day, hour, min, sec, nsec, z);
  if (zone_offset != -1) {
    GoTime t = DateIn(year, month, day, hour, min, sec, nsec, Location::UTC());
    t.sec -= zone_offset;
    const Location::Zone zone = loc->Lookup(t.sec);
    if (zone.offset == zone_offset && (zone_name.empty() || zone.name == zone_name)) {
      return t.In(loc);
    }
    return t.In(Location::Fixed(zone_name, zone_offset));
  }
  if (!zone_name.empty()) {
    GoTime t = DateIn(year, month, day, hour, min, sec, nsec, Location::UTC());
    int offset = 0;
    if (loc->LookupName(zone_name, t.sec, &offset)) {
      t.sec -= offset;
      return t.In(loc);
    }
    if (zone_name.size() > 3 && zone_name.substr(0, 3) == "GMT") {
      int64_t h = 0;
      Atoi(std::string_view(zone_name).substr(3), &h);
      offset = static_cast<int>(h * 3600);
    }
    return t.In(Location::Fixed(zone_name, offset));
  }
  return DateIn(year, month, day, hour, min, sec, nsec, loc);
}

// ---------------------------------------------------------------------------------------------
// Durations

std::string DurationString(int64_t d) {
  char buf[32];
  int w = sizeof buf;
  uint64_t u = static_cast<uint64_t>(d);
  const bool neg = d < 0;
  if (neg) u = 0 - u;
  auto fmt_frac = [&](uint64_t v, int prec) {
    bool print = false;
    for (int i = 0; i < prec; ++i) {
      const uint64_t digit = v % 10;
      print = print || digit != 0;
      if (print) buf[--w] = static_cast<char>('0' + digit);
      v /= 10;
    }
    if (print) buf[--w] = '.';
    return v;
  };
  auto fmt_int = [&](uint64_t v) {
    if (v == 0) {
      buf[--w] = '0';
      return;
    }
    while (v > 0) {
      buf[--w] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  if (u < 1000000000) {
    int prec = 0;
    buf[--w] = 's';
    if (u == 0) {
      buf[--w] = '0';
      return std::string(buf + w, sizeof buf - w);
    }
    if (u < 1000) {
      prec = 0;
      buf[--w] = 'n';
    } else if (u < 1000000) {
      prec = 3;
      buf[--w] = '\xB5';
      buf[--w] = '\xC2';
    } else {
      prec = 6;
      buf[--w] = 'm';
    }
    u = fmt_frac(u, prec);
    fmt_int(u);
  } else {
    buf[--w] = 's';
    u = fmt_frac(u, 9);
    fmt_int(u % 60);
    u /= 60;
    if (u > 0) {
      buf[--w] = 'm';
      fmt_int(u % 60);
      u /= 60;
      if (u > 0) {
        buf[--w] = 'h';
        fmt_int(u);
      }
    }
  }
  if (neg) buf[--w] = '-';
  return std::string(buf + w, sizeof buf - w);
}

int64_t SubTimes(const GoTime& t, const GoTime& u) {
  // Go computes in nanoseconds and saturates when the difference overflows.
  const __int128 d = (static_cast<__int128>(t.sec) - u.sec) * 1000000000 + (t.nsec - u.nsec);
  if (d > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (d < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

GoTime AddDuration(const GoTime& t, int64_t d) {
  int64_t dsec = d / 1000000000;
  int64_t nsec = t.nsec + d % 1000000000;
  if (nsec >= 1000000000) {
    dsec++;
    nsec -= 1000000000;
  } else if (nsec < 0) {
    dsec--;
    nsec += 1000000000;
  }
  GoTime r = t;
  r.sec = t.sec + dsec;
  r.nsec = static_cast<int32_t>(nsec);
  return r;
}

}  // namespace tocsin::tmpl
