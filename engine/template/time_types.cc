// time.Time, time.Duration, time.Month and time.Weekday with the methods templates call on them
// ({{ .StartsAt.Format "15:04" }}, {{ (toDuration 90).Minutes }}, {{ .StartsAt.Unix }}).
#include <cmath>
#include <limits>

#include "engine/template/function.h"
#include "engine/template/go_time.h"
#include "engine/template/value.h"

namespace tocsin::tmpl {

namespace {

constexpr int64_t kSecond = 1000000000;

Result<Value> Ok(Value v) {
  return v;
}

double DurationIn(int64_t d, int64_t unit) {
  const int64_t whole = d / unit;
  const int64_t rest = d % unit;
  return static_cast<double>(whole) + static_cast<double>(rest) / static_cast<double>(unit);
}

bool LessThanHalf(int64_t x, int64_t y) {
  return static_cast<uint64_t>(x) + static_cast<uint64_t>(x) < static_cast<uint64_t>(y);
}

int64_t RoundDuration(int64_t d, int64_t m) {
  if (m <= 0) return d;
  int64_t r = d % m;
  if (d < 0) {
    r = -r;
    if (LessThanHalf(r, m)) return d + r;
    if (const int64_t d1 = d - m + r; d1 < d) return d1;
    return std::numeric_limits<int64_t>::min();
  }
  if (LessThanHalf(r, m)) return d - r;
  if (const int64_t d1 = d + m - r; d1 > d) return d1;
  return std::numeric_limits<int64_t>::max();
}

const Type* BuildMonth() {
  return TypeBuilder("time.Month", types::Int())
      .AddMethod("String", {},
                 [](CallContext&, const Value& self, std::span<const Value>) {
                   return Ok(Value::String(MonthName(static_cast<int>(self.as_int()))));
                 })
      .Build();
}

const Type* BuildWeekday() {
  return TypeBuilder("time.Weekday", types::Int())
      .AddMethod("String", {},
                 [](CallContext&, const Value& self, std::span<const Value>) {
                   return Ok(Value::String(WeekdayName(static_cast<int>(self.as_int()))));
                 })
      .Build();
}

const Type* BuildDuration() {
  auto unit = [](int64_t u) {
    return [u](CallContext&, const Value& self, std::span<const Value>) {
      return Ok(Value::Float(DurationIn(self.as_int(), u)));
    };
  };
  auto whole = [](int64_t u) {
    return [u](CallContext&, const Value& self, std::span<const Value>) {
      return Ok(Value::IntOfType(types::Int64(), self.as_int() / u));
    };
  };
  TypeBuilder b("time.Duration", types::Int64());
  b.AddMethod("String", {},
              [](CallContext&, const Value& self, std::span<const Value>) {
                return Ok(Value::String(DurationString(self.as_int())));
              })
      .AddMethod("Hours", {}, unit(3600 * kSecond))
      .AddMethod("Minutes", {}, unit(60 * kSecond))
      .AddMethod("Seconds", {}, unit(kSecond))
      .AddMethod("Milliseconds", {}, whole(1000000))
      .AddMethod("Microseconds", {}, whole(1000))
      .AddMethod("Nanoseconds", {}, whole(1))
      .AddMethod("Round", Signature{{b.type()}, false},
                 [](CallContext&, const Value& self, std::span<const Value> args) {
                   return Ok(Value::Duration(RoundDuration(self.as_int(), args[0].as_int())));
                 })
      .AddMethod("Truncate", Signature{{b.type()}, false},
                 [](CallContext&, const Value& self, std::span<const Value> args) {
                   const int64_t d = self.as_int(), m = args[0].as_int();
                   return Ok(Value::Duration(m <= 0 ? d : d - d % m));
                 })
      .AddMethod("Abs", {}, [](CallContext&, const Value& self, std::span<const Value>) {
        const int64_t d = self.as_int();
        if (d >= 0) return Ok(self);
        if (d == std::numeric_limits<int64_t>::min()) {
          return Ok(Value::Duration(std::numeric_limits<int64_t>::max()));
        }
        return Ok(Value::Duration(-d));
      });
  return b.Build();
}

}  // namespace

namespace types {

const Type* Month() {
  static const Type* t = BuildMonth();
  return t;
}

const Type* Weekday() {
  static const Type* t = BuildWeekday();
  return t;
}

const Type* Duration() {
  static const Type* t = BuildDuration();
  return t;
}

const Type* Time() {
  static const Type* t = [] {
    auto self_time = [](const Value& v) { return v.as_time(); };
    auto int_field = [self_time](int CivilTime::*field) {
      return [self_time, field](CallContext&, const Value& self, std::span<const Value>) {
        return Ok(Value::Int(ToCivil(self_time(self)).*field));
      };
    };
    TypeBuilder b("time.Time", Kind::kTime);
    const Type* self_type = b.type();
    auto compare = [self_time](auto op) {
      return [self_time, op](CallContext&, const Value& self, std::span<const Value> args) {
        const GoTime a = self_time(self), u = self_time(args[0]);
        const int c = a.sec != u.sec ? (a.sec < u.sec ? -1 : 1)
                                     : (a.nsec != u.nsec ? (a.nsec < u.nsec ? -1 : 1) : 0);
        return Ok(op(c));
      };
    };
    b.AddMethod("String", {},
                [self_time](CallContext&, const Value& self, std::span<const Value>) {
                  return Ok(Value::String(TimeString(self_time(self))));
                })
        .AddMethod("Format", Signature{{types::String()}, false},
                   [self_time](CallContext&, const Value& self, std::span<const Value> args) {
                     return Ok(Value::String(FormatTime(self_time(self), args[0].as_string())));
                   })
        .AddMethod("Unix", {},
                   [self_time](CallContext&, const Value& self, std::span<const Value>) {
                     return Ok(Value::IntOfType(types::Int64(), self_time(self).sec));
                   })
        .AddMethod("UnixMilli", {},
                   [self_time](CallContext&, const Value& self, std::span<const Value>) {
                     const GoTime t = self_time(self);
                     return Ok(Value::IntOfType(types::Int64(), t.sec * 1000 + t.nsec / 1000000));
                   })
        .AddMethod("UnixMicro", {},
                   [self_time](CallContext&, const Value& self, std::span<const Value>) {
                     const GoTime t = self_time(self);
                     return Ok(Value::IntOfType(types::Int64(), t.sec * 1000000 + t.nsec / 1000));
                   })
        .AddMethod("UnixNano", {},
                   [self_time](CallContext&, const Value& self, std::span<const Value>) {
                     return Ok(Value::IntOfType(types::Int64(), self_time(self).UnixNano()));
                   })
        .AddMethod("UTC", {},
                   [self_time](CallContext&, const Value& self, std::span<const Value>) {
                     return Ok(Value::Time(self_time(self).UTC()));
                   })
        .AddMethod("Local", {},
                   [self_time](CallContext&, const Value& self, std::span<const Value>) {
                     return Ok(Value::Time(self_time(self).In(Location::Local())));
                   })
        .AddMethod("IsZero", {},
                   [self_time](CallContext&, const Value& self, std::span<const Value>) {
                     return Ok(Value::Bool(self_time(self).IsZero()));
                   })
        .AddMethod("Year", {},
                   [self_time](CallContext&, const Value& self, std::span<const Value>) {
                     return Ok(Value::Int(ToCivil(self_time(self)).year));
                   })
        .AddMethod("Month", {},
                   [self_time](CallContext&, const Value& self, std::span<const Value>) {
                     return Ok(Value::IntOfType(Month(), ToCivil(self_time(self)).month));
                   })
        .AddMethod("Day", {}, int_field(&CivilTime::day))
        .AddMethod("Hour", {}, int_field(&CivilTime::hour))
        .AddMethod("Minute", {}, int_field(&CivilTime::minute))
        .AddMethod("Second", {}, int_field(&CivilTime::second))
        .AddMethod("Nanosecond", {}, int_field(&CivilTime::nanosecond))
        .AddMethod("YearDay", {}, int_field(&CivilTime::yday))
        .AddMethod("Weekday", {},
                   [self_time](CallContext&, const Value& self, std::span<const Value>) {
                     return Ok(Value::IntOfType(Weekday(), ToCivil(self_time(self)).weekday));
                   })
        .AddMethod("Add", Signature{{Duration()}, false},
                   [self_time](CallContext&, const Value& self, std::span<const Value> args) {
                     return Ok(Value::Time(AddDuration(self_time(self), args[0].as_int())));
                   })
        .AddMethod("Sub", Signature{{self_type}, false},
                   [self_time](CallContext&, const Value& self, std::span<const Value> args) {
                     return Ok(Value::Duration(SubTimes(self_time(self), self_time(args[0]))));
                   })
        .AddMethod("Before", Signature{{self_type}, false},
                   compare([](int c) { return Value::Bool(c < 0); }))
        .AddMethod("After", Signature{{self_type}, false},
                   compare([](int c) { return Value::Bool(c > 0); }))
        .AddMethod("Equal", Signature{{self_type}, false},
                   compare([](int c) { return Value::Bool(c == 0); }))
        .AddMethod("Compare", Signature{{self_type}, false},
                   compare([](int c) { return Value::Int(c); }))
        .AddMethod("AddDate", Signature{{Int(), Int(), Int()}, false},
                   [self_time](CallContext&, const Value& self, std::span<const Value> args) {
                     const GoTime t = self_time(self);
                     const CivilTime c = ToCivil(t);
                     return Ok(Value::Time(DateIn(
                         c.year + args[0].as_int(), c.month + static_cast<int>(args[1].as_int()),
                         c.day + static_cast<int>(args[2].as_int()), c.hour, c.minute, c.second,
                         c.nanosecond, t.location())));
                   });
    const Type* time_type = b.Build();
    return time_type;
  }();
  return t;
}

}  // namespace types

}  // namespace tocsin::tmpl
