#include "notifiers/template_data_json.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/template/go_time.h"
#include "notifiers/template_data.h"
#include "storage/base/strings.h"

namespace tocsin::notifiers {
namespace {

using tmpl::GoTime;
using tmpl::Value;

// Go's scanner refuses nesting deeper than this (encoding/json maxNestingDepth).
constexpr int kMaxDepth = 10000;

// A parsed JSON value. `raw` is the value's text as written (times are parsed from it, escapes
// and all, as Go's time.Time.UnmarshalJSON does).
struct JsonNode {
  enum Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = kNull;
  std::string_view raw;
  std::string text;  // decoded string
  std::vector<JsonNode> items;
  std::vector<std::pair<std::string, JsonNode>> members;
};

const char* KindName(JsonNode::Kind k) {
  switch (k) {
    case JsonNode::kNull:
      return "null";
    case JsonNode::kBool:
      return "bool";
    case JsonNode::kNumber:
      return "number";
    case JsonNode::kString:
      return "string";
    case JsonNode::kArray:
      return "array";
    case JsonNode::kObject:
      return "object";
  }
  return "value";
}

constexpr uint32_t kReplacement = 0xFFFD;

// Go's quoteChar: how a syntax error shows the offending byte.
std::string QuoteChar(unsigned char c) {
  if (c == '\'') return "'\\''";
  if (c == '"') return "'\"'";
  std::string s;
  switch (c) {
    case '\a':
      s = "\\a";
      break;
    case '\b':
      s = "\\b";
      break;
    case '\f':
      s = "\\f";
      break;
    case '\n':
      s = "\\n";
      break;
    case '\r':
      s = "\\r";
      break;
    case '\t':
      s = "\\t";
      break;
    case '\v':
      s = "\\v";
      break;
    case '\\':
      s = "\\\\";
      break;
    default: {
      char buf[16];
      if (c < 0x20 || c == 0x7F) {
        std::snprintf(buf, sizeof buf, "\\x%02x", c);
        s = buf;
      } else if (c < 0x7F) {
        s = std::string(1, static_cast<char>(c));
      } else if (c < 0xA1 || c == 0xAD) {  // C1 controls, NBSP and soft hyphen: not printable
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        s = buf;
      } else {
        AppendRune(s, c);  // the byte read as a Latin-1 rune, as Go's string(c) does
      }
    }
  }
  return "'" + s + "'";
}

class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) {}

  Result<JsonNode> ParseDocument() {
    JsonNode root;
    SkipSpace();
    if (!ParseValue(root, 0)) return Error{error_};
    SkipSpace();
    if (pos_ < in_.size()) return Error{Invalid("after top-level value")};
    return root;
  }

 private:
  std::string Invalid(const char* context) {
    return "invalid character " + QuoteChar(static_cast<unsigned char>(in_[pos_])) + " " + context;
  }
  bool Fail(std::string message) {
    error_ = std::move(message);
    return false;
  }
  bool FailAt(const char* context) {
    if (pos_ >= in_.size()) return Fail("unexpected end of JSON input");
    return Fail(Invalid(context));
  }
  void SkipSpace() {
    while (pos_ < in_.size() &&
           (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool AtEnd() const { return pos_ >= in_.size(); }
  char Peek() const { return in_[pos_]; }

  bool ParseValue(JsonNode& node, int depth) {
    if (AtEnd()) return FailAt("");
    const size_t start = pos_;
    const char c = Peek();
    bool ok;
    if (c == '{' || c == '[') {
      if (depth + 1 > kMaxDepth) return Fail(Invalid("exceeded max depth"));
      ok = c == '{' ? ParseObject(node, depth + 1) : ParseArray(node, depth + 1);
    } else if (c == '"') {
      node.kind = JsonNode::kString;
      ok = ParseString(node.text);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      node.kind = JsonNode::kNumber;
      ok = ParseNumber();
    } else if (c == 't') {
      node.kind = JsonNode::kBool;
      ok = ParseLiteral("true");
    } else if (c == 'f') {
      node.kind = JsonNode::kBool;
      ok = ParseLiteral("false");
    } else if (c == 'n') {
      node.kind = JsonNode::kNull;
      ok = ParseLiteral("null");
    } else {
      return FailAt("looking for beginning of value");
    }
    if (ok) node.raw = in_.substr(start, pos_ - start);
    return ok;
  }

  bool ParseLiteral(std::string_view word) {
    ++pos_;
    for (size_t i = 1; i < word.size(); ++i, ++pos_) {
      if (AtEnd()) return FailAt("");
      if (Peek() != word[i]) {
        std::string context = "in literal " + std::string(word) + " (expecting " +
                              QuoteChar(static_cast<unsigned char>(word[i])) + ")";
        return Fail(Invalid(context.c_str()));
      }
    }
    return true;
  }

  bool Digit() const { return !AtEnd() && Peek() >= '0' && Peek() <= '9'; }

  bool ParseNumber() {
    if (Peek() == '-') {
      ++pos_;
      if (!Digit()) return FailAt("in numeric literal");
    }
    if (Peek() == '0') {
      ++pos_;
    } else {
      while (Digit()) ++pos_;
    }
    if (!AtEnd() && Peek() == '.') {
      ++pos_;
      if (!Digit()) return FailAt("after decimal point in numeric literal");
      while (Digit()) ++pos_;
    }
    if (!AtEnd() && (Peek() == 'e' || Peek() == 'E')) {
      ++pos_;
      if (!AtEnd() && (Peek() == '+' || Peek() == '-')) ++pos_;
      if (!Digit()) return FailAt("in exponent of numeric literal");
      while (Digit()) ++pos_;
    }
    return true;
  }

  static int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool ParseHex4(uint32_t* r) {
    *r = 0;
    for (int i = 0; i < 4; ++i, ++pos_) {
      if (AtEnd()) return FailAt("");
      int h = HexValue(Peek());
      if (h < 0) return FailAt("in \\u hexadecimal character escape");
      *r = *r * 16 + static_cast<uint32_t>(h);
    }
    return true;
  }

  // A string, decoded as Go decodes it.
  bool ParseString(std::string& out) {
    ++pos_;  // the opening quote
    while (true) {
      if (AtEnd()) return FailAt("");
      const unsigned char c = static_cast<unsigned char>(Peek());
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return FailAt("in string literal");
      if (c == '\\') {
        ++pos_;
        if (AtEnd()) return FailAt("");
        const char e = Peek();
        ++pos_;
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            uint32_t r;
            if (!ParseHex4(&r)) return false;
            if (r >= 0xD800 && r < 0xDC00) {
              // A high surrogate makes a rune only with a low one right after it.
              if (pos_ + 6 <= in_.size() && in_[pos_] == '\\' && in_[pos_ + 1] == 'u') {
                const size_t save = pos_;
                pos_ += 2;
                uint32_t low;
                if (!ParseHex4(&low)) return false;
                if (low >= 0xDC00 && low < 0xE000) {
                  AppendRune(out, 0x10000 + ((r - 0xD800) << 10) + (low - 0xDC00));
                  break;
                }
                pos_ = save;  // not a pair: the second escape is read on its own
              }
              r = kReplacement;
            } else if (r >= 0xDC00 && r < 0xE000) {
              r = kReplacement;
            }
            AppendRune(out, r);
            break;
          }
          default:
            --pos_;
            return FailAt("in string escape code");
        }
        continue;
      }
      if (c < 0x80) {
        out += static_cast<char>(c);
        ++pos_;
        continue;
      }
      // An invalid sequence becomes U+FFFD one byte at a time, as Go decodes it.
      const size_t start = pos_;
      bool valid = true;
      DecodeRune(in_, pos_, &valid);
      if (valid) {
        out.append(in_.substr(start, pos_ - start));
      } else {
        AppendRune(out, kReplacement);
      }
    }
  }

  bool ParseArray(JsonNode& node, int depth) {
    node.kind = JsonNode::kArray;
    ++pos_;
    SkipSpace();
    if (!AtEnd() && Peek() == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      node.items.emplace_back();
      if (!ParseValue(node.items.back(), depth)) return false;
      SkipSpace();
      if (AtEnd()) return FailAt("");
      if (Peek() == ',') {
        ++pos_;
        SkipSpace();
        continue;
      }
      if (Peek() == ']') {
        ++pos_;
        return true;
      }
      return FailAt("after array element");
    }
  }

  bool ParseObject(JsonNode& node, int depth) {
    node.kind = JsonNode::kObject;
    ++pos_;
    SkipSpace();
    if (!AtEnd() && Peek() == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      if (AtEnd() || Peek() != '"') return FailAt("looking for beginning of object key string");
      std::string key;
      if (!ParseString(key)) return false;
      SkipSpace();
      if (AtEnd() || Peek() != ':') return FailAt("after object key");
      ++pos_;
      SkipSpace();
      node.members.emplace_back(std::move(key), JsonNode{});
      if (!ParseValue(node.members.back().second, depth)) return false;
      SkipSpace();
      if (AtEnd()) return FailAt("");
      if (Peek() == ',') {
        ++pos_;
        SkipSpace();
        continue;
      }
      if (Peek() == '}') {
        ++pos_;
        return true;
      }
      return FailAt("after object key:value pair");
    }
  }

  std::string_view in_;
  size_t pos_ = 0;
  std::string error_;
};

// ---------------------------------------------------------------------------------------------
// Decoding into Go's structures. Decoding goes on after a type mismatch (Go keeps the first
// and reports it at the end) but stops at a time that does not parse (an UnmarshalJSON error).

struct KVData {
  bool nil = true;
  std::map<std::string, std::string> entries;
};

struct AlertData {
  std::string status;
  KVData labels, annotations;
  GoTime starts_at, ends_at;
  std::string generator_url, fingerprint;
};

struct Data {
  std::string receiver, status, notification_reason, external_url;
  bool alerts_nil = true;
  std::vector<AlertData> alerts;
  KVData group_labels, common_labels, common_annotations, route_labels;
};

bool AsciiEqualFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// The field a key sets: its exact JSON name, else one equal to it ignoring case.
int FindField(std::string_view key, const std::vector<std::string_view>& names) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == key) return static_cast<int>(i);
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (AsciiEqualFold(names[i], key)) return static_cast<int>(i);
  }
  return -1;
}

class Decoder {
 public:
  // Returns the fatal error, if any; the first type mismatch is kept in type_error().
  std::optional<std::string> DecodeData(const JsonNode& node, Data& d) {
    if (node.kind == JsonNode::kNull) return std::nullopt;
    if (node.kind != JsonNode::kObject) {
      TypeErrorTop(node, "template.Data");
      return std::nullopt;
    }
    static const std::vector<std::string_view> kNames = {"receiver",
                                                         "status",
                                                         "alerts",
                                                         "notification_reason",
                                                         "groupLabels",
                                                         "commonLabels",
                                                         "commonAnnotations",
                                                         "routeLabels",
                                                         "externalURL"};
    for (const auto& [key, value] : node.members) {
      switch (FindField(key, kNames)) {
        case 0:
          DecodeString(value, "Data", "receiver", d.receiver);
          break;
        case 1:
          DecodeString(value, "Data", "status", d.status);
          break;
        case 2:
          if (auto e = DecodeAlerts(value, d); e) return e;
          break;
        case 3:
          DecodeString(value, "Data", "notification_reason", d.notification_reason);
          break;
        case 4:
          DecodeKV(value, "Data", "groupLabels", d.group_labels);
          break;
        case 5:
          DecodeKV(value, "Data", "commonLabels", d.common_labels);
          break;
        case 6:
          DecodeKV(value, "Data", "commonAnnotations", d.common_annotations);
          break;
        case 7:
          DecodeKV(value, "Data", "routeLabels", d.route_labels);
          break;
        case 8:
          DecodeString(value, "Data", "externalURL", d.external_url);
          break;
        default:
          break;
      }
    }
    return std::nullopt;
  }

  const std::optional<std::string>& type_error() const { return type_error_; }

 private:
  void TypeError(const JsonNode& node, std::string_view structure, std::string_view path,
                 std::string_view type) {
    if (type_error_) return;
    type_error_ = "json: cannot unmarshal " + std::string(KindName(node.kind)) +
                  " into Go struct field " + std::string(structure) + "." + std::string(path) +
                  " of type " + std::string(type);
  }
  void TypeErrorTop(const JsonNode& node, std::string_view type) {
    if (type_error_) return;
    type_error_ = "json: cannot unmarshal " + std::string(KindName(node.kind)) +
                  " into Go value of type " + std::string(type);
  }

  void DecodeString(const JsonNode& node, std::string_view structure, std::string_view path,
                    std::string& out) {
    if (node.kind == JsonNode::kNull) return;
    if (node.kind != JsonNode::kString) return TypeError(node, structure, path, "string");
    out = node.text;
  }

  void DecodeKV(const JsonNode& node, std::string_view structure, std::string_view path,
                KVData& out) {
    if (node.kind == JsonNode::kNull) {
      out = KVData{};
      return;
    }
    if (node.kind != JsonNode::kObject) return TypeError(node, structure, path, "template.KV");
    out.nil = false;  // Go fills an existing map, so repeated keys merge
    for (const auto& [key, value] : node.members) {
      std::string& slot = out.entries[key];
      if (value.kind == JsonNode::kNull) continue;
      if (value.kind != JsonNode::kString) {
        TypeError(value, structure, path, "string");
        continue;
      }
      slot = value.text;
    }
  }

  // time.Time's UnmarshalJSON (Go 1.20 and later): a JSON string holding RFC 3339, read from
  // the raw text between the quotes, with the strict checks time.Parse's layout cannot make.
  std::optional<std::string> DecodeTime(const JsonNode& node, GoTime& out) {
    if (node.kind == JsonNode::kNull) return std::nullopt;
    if (node.kind != JsonNode::kString) return "Time.UnmarshalJSON: input is not a JSON string";
    const std::string_view b = node.raw.substr(1, node.raw.size() - 2);
    constexpr std::string_view kRFC3339 = "2006-01-02T15:04:05Z07:00";
    auto t = tmpl::ParseTime(kRFC3339, b, tmpl::Location::Local());
    if (!t.ok()) return t.message();
    const auto quote = [](std::string_view s) { return "\"" + std::string(s) + "\""; };
    const auto elem_error = [&](std::string_view layout_elem, std::string_view value_elem) {
      return "parsing time " + quote(b) + " as " + quote(kRFC3339) + ": cannot parse " +
             quote(value_elem) + " as " + quote(layout_elem);
    };
    const auto num2 = [](std::string_view s) { return 10 * (s[0] - '0') + (s[1] - '0'); };
    if (b.size() > 12 && b[12] == ':') return elem_error("15", b.substr(11, 1));
    if (b.size() > 19 && b[19] == ',') return elem_error(".", ",");
    if (b.back() != 'Z' && b.size() >= 6) {
      if (num2(b.substr(b.size() - 5)) >= 24) {
        return "parsing time " + quote(b) + ": timezone hour out of range";
      }
      if (num2(b.substr(b.size() - 2)) >= 60) {
        return "parsing time " + quote(b) + ": timezone minute out of range";
      }
    }
    out = *t;
    return std::nullopt;
  }

  std::optional<std::string> DecodeAlert(const JsonNode& node, AlertData& a) {
    if (node.kind == JsonNode::kNull) return std::nullopt;
    if (node.kind != JsonNode::kObject) {
      TypeError(node, "Data", "alerts", "template.Alert");
      return std::nullopt;
    }
    static const std::vector<std::string_view> kNames = {
        "status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"};
    for (const auto& [key, value] : node.members) {
      switch (FindField(key, kNames)) {
        case 0:
          DecodeString(value, "Alert", "alerts.status", a.status);
          break;
        case 1:
          DecodeKV(value, "Alert", "alerts.labels", a.labels);
          break;
        case 2:
          DecodeKV(value, "Alert", "alerts.annotations", a.annotations);
          break;
        case 3:
          if (auto e = DecodeTime(value, a.starts_at); e) return e;
          break;
        case 4:
          if (auto e = DecodeTime(value, a.ends_at); e) return e;
          break;
        case 5:
          DecodeString(value, "Alert", "alerts.generatorURL", a.generator_url);
          break;
        case 6:
          DecodeString(value, "Alert", "alerts.fingerprint", a.fingerprint);
          break;
        default:
          break;
      }
    }
    return std::nullopt;
  }

  std::optional<std::string> DecodeAlerts(const JsonNode& node, Data& d) {
    if (node.kind == JsonNode::kNull) {
      d.alerts_nil = true;
      d.alerts.clear();
      return std::nullopt;
    }
    if (node.kind != JsonNode::kArray) {
      TypeError(node, "Data", "alerts", "template.Alerts");
      return std::nullopt;
    }
    // Go decodes into the elements already there, then truncates.
    d.alerts_nil = false;
    d.alerts.resize(node.items.size());
    for (size_t i = 0; i < node.items.size(); ++i) {
      if (auto e = DecodeAlert(node.items[i], d.alerts[i]); e) return e;
    }
    return std::nullopt;
  }

  std::optional<std::string> type_error_;
};

Value KVToValue(const KVData& kv) {
  if (kv.nil) return Value::NilMap(KVType());
  std::vector<std::pair<std::string, Value>> entries;
  entries.reserve(kv.entries.size());
  for (const auto& [k, v] : kv.entries) entries.emplace_back(k, Value::String(v));
  return Value::Map(std::move(entries), KVType());
}

Value AlertToValue(const AlertData& a) {
  return Value::Struct(AlertType(),
                       {Value::String(a.status), KVToValue(a.labels), KVToValue(a.annotations),
                        Value::Time(a.starts_at), Value::Time(a.ends_at),
                        Value::String(a.generator_url), Value::String(a.fingerprint)});
}

}  // namespace

Result<tmpl::Value> TemplateDataFromJson(std::string_view json) {
  auto root = Parser(json).ParseDocument();
  if (!root.ok()) return root.error();
  Data d;
  Decoder decoder;
  if (auto fatal = decoder.DecodeData(*root, d); fatal) return Error{*fatal};
  if (decoder.type_error()) return Error{*decoder.type_error()};

  Value alerts;
  if (d.alerts_nil) {
    alerts = Value::NilList(AlertsType());
  } else {
    std::vector<Value> items;
    items.reserve(d.alerts.size());
    for (const auto& a : d.alerts) items.push_back(AlertToValue(a));
    alerts = Value::List(std::move(items), AlertsType());
  }
  return Value::Struct(
      DataType(),
      {Value::String(d.receiver), Value::String(d.status), std::move(alerts),
       Value::String(d.notification_reason), KVToValue(d.group_labels), KVToValue(d.common_labels),
       KVToValue(d.common_annotations), KVToValue(d.route_labels), Value::String(d.external_url)});
}

}  // namespace tocsin::notifiers
