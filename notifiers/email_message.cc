#include "notifiers/email_message.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "storage/base/strings.h"

namespace tocsin::notifiers {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";

bool IsControl(unsigned char c) {
  return c < 0x20 || c == 0x7f;
}

// RFC 5322 atext, plus any non-ASCII byte (Go's net/mail accepts UTF-8 atoms).
bool IsAtext(unsigned char c) {
  if (c >= 0x80) return true;
  if (std::isalnum(c)) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
         std::string_view::npos;
}

bool IsDotAtom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!IsAtext(c)) {
      return false;
    }
  }
  return true;
}

// A quoted-string (RFC 5322 3.2.4): quotes and backslashes escaped.
std::string QuoteString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string Base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

class AddressParser {
 public:
  explicit AddressParser(std::string_view text) : s_(text) {}

  Result<std::vector<MailAddress>> ParseList() {
    for (size_t i = 0; i < s_.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(s_[i]);
      if (IsControl(c) && c != '\t') {
        return Error{"control character at offset " + std::to_string(i) + " in address list " +
                     GoQuote(s_)};
      }
    }
    std::vector<MailAddress> out;
    for (;;) {
      SkipSpace();
      if (AtEnd()) {
        if (!out.empty()) return Fail("missing address after comma");
        break;
      }
      auto address = ParseAddress();
      if (!address.ok()) return address.error();
      out.push_back(std::move(address).value());
      SkipSpace();
      if (AtEnd()) break;
      if (s_[pos_] != ',') return Fail("expected comma");
      ++pos_;
    }
    if (out.empty()) return Error{"no address in " + GoQuote(s_)};
    return out;
  }

 private:
  bool AtEnd() const { return pos_ >= s_.size(); }
  void SkipSpace() {
    while (!AtEnd() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  Error Fail(std::string_view what) const {
    return Error{std::string(what) + " at offset " + std::to_string(pos_) + " in address list " +
                 GoQuote(s_)};
  }

  Result<MailAddress> ParseAddress() {
    // A bare addr-spec first ("ops@example.com"), else display-name and <addr-spec>.
    size_t start = pos_;
    auto bare = ParseAddrSpec();
    if (bare.ok()) {
      SkipSpace();
      if (AtEnd() || s_[pos_] == ',') return MailAddress{"", std::move(bare).value()};
    }
    pos_ = start;
    std::string name;
    while (!AtEnd() && s_[pos_] != '<') {
      auto word = ParseWord();
      if (!word.ok()) return word.error();
      if (!name.empty()) name += ' ';
      name += *word;
      SkipSpace();
    }
    if (AtEnd()) return Fail("missing '<' before the address");
    ++pos_;  // '<'
    auto spec = ParseAddrSpec();
    if (!spec.ok()) return spec.error();
    if (AtEnd() || s_[pos_] != '>') return Fail("missing '>' after the address");
    ++pos_;
    return MailAddress{std::move(name), std::move(spec).value()};
  }

  // An atom or a quoted string of a display name.
  Result<std::string> ParseWord() {
    if (s_[pos_] == '"') return ParseQuotedString();
    size_t start = pos_;
    // Display names also allow '.' in practice (obs-phrase); Go accepts it too.
    while (!AtEnd() && (IsAtext(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.')) ++pos_;
    if (pos_ == start) {
      if (s_[pos_] == '(') return Fail("comments are not supported");
      return Fail("unexpected character " + GoQuote(s_.substr(pos_, 1)));
    }
    return std::string(s_.substr(start, pos_ - start));
  }

  Result<std::string> ParseQuotedString() {
    ++pos_;  // opening quote
    std::string out;
    while (!AtEnd()) {
      char c = s_[pos_++];
      if (c == '"') return out;
      if (c == '\\') {
        if (AtEnd()) break;
        c = s_[pos_++];
      }
      out += c;
    }
    return Fail("unterminated quoted string");
  }

  Result<std::string> ParseAddrSpec() {
    std::string local;
    if (!AtEnd() && s_[pos_] == '"') {
      auto quoted = ParseQuotedString();
      if (!quoted.ok()) return quoted.error();
      local = *quoted;
      if (local.empty()) return Fail("empty quoted local part");
    } else {
      size_t start = pos_;
      while (!AtEnd() && (IsAtext(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.')) {
        ++pos_;
      }
      local = std::string(s_.substr(start, pos_ - start));
      if (!IsDotAtom(local)) return Fail("invalid local part");
    }
    if (AtEnd() || s_[pos_] != '@') return Fail("missing @ in address");
    ++pos_;
    size_t start = pos_;
    std::string domain;
    if (!AtEnd() && s_[pos_] == '[') {
      size_t close = s_.find(']', pos_);
      if (close == std::string_view::npos) return Fail("unterminated domain literal");
      domain = std::string(s_.substr(pos_, close + 1 - pos_));
      if (domain.find_first_of("[\\", 1) != std::string::npos)
        return Fail("invalid domain literal");
      pos_ = close + 1;
    } else {
      while (!AtEnd() && (IsAtext(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.')) {
        ++pos_;
      }
      domain = std::string(s_.substr(start, pos_ - start));
      if (!IsDotAtom(domain)) return Fail("invalid domain");
    }
    std::string spec = IsDotAtom(local) ? local : QuoteString(local);
    return spec + "@" + domain;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// Words that are RFC 2047 encoded words already ("=?utf-8?q?...?="), kept as written.
bool IsEncodedWords(std::string_view name) {
  size_t i = 0;
  while (i < name.size()) {
    size_t end = name.find(' ', i);
    std::string_view word = name.substr(i, end == std::string_view::npos ? name.npos : end - i);
    if (word.size() < 8 || !word.starts_with("=?") || !word.ends_with("?=")) return false;
    for (char c : word) {
      if (!IsAtext(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) {
        return false;
      }
    }
    if (end == std::string_view::npos) break;
    i = end + 1;
  }
  return true;
}

bool IsPrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7f;
  });
}

}  // namespace

Result<std::vector<MailAddress>> ParseAddressList(std::string_view text) {
  return AddressParser(text).ParseList();
}

std::string FormatAddress(const MailAddress& address) {
  std::string angle = "<" + address.address + ">";
  if (address.name.empty()) return angle;
  std::string name = StripControlCharacters(address.name);
  if (IsEncodedWords(name)) return name + " " + angle;
  if (IsPrintableAscii(name)) return QuoteString(name) + " " + angle;
  // Base64 words may carry any character a display name can hold (RFC 2047 5.3).
  return "=?utf-8?b?" + Base64(name) + "?= " + angle;
}

bool IsValidHeaderName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return u >= 33 && u <= 126 && u != ':';
  });
}

std::string CanonicalHeaderName(std::string_view name) {
  std::string out(name);
  bool upper = true;
  for (char& c : out) {
    c = upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    upper = c == '-';
  }
  return out;
}

bool IsAddressHeader(std::string_view canonical_name) {
  static constexpr std::array<std::string_view, 6> kAddressHeaders = {"From", "To",       "Cc",
                                                                      "Bcc",  "Reply-To", "Sender"};
  return std::find(kAddressHeaders.begin(), kAddressHeaders.end(), canonical_name) !=
         kAddressHeaders.end();
}

std::string StripControlCharacters(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool in_run = false;
  for (char c : value) {
    if (IsControl(static_cast<unsigned char>(c))) {
      if (!in_run) out += ' ';
      in_run = true;
    } else {
      out += c;
      in_run = false;
    }
  }
  return out;
}

std::string QEncodeWords(std::string_view text, std::string_view separator) {
  constexpr std::string_view kPrefix = "=?utf-8?q?";
  constexpr std::string_view kSuffix = "?=";
  constexpr size_t kMaxWord = 75;
  std::string out;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    if (!out.empty()) out += separator;
    out += kPrefix;
    out += word;
    out += kSuffix;
    word.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    DecodeRune(text, i);
    std::string encoded;  // one whole rune, so a word never splits a UTF-8 sequence
    for (size_t j = start; j < i; ++j) {
      unsigned char c = static_cast<unsigned char>(text[j]);
      if (c == ' ') {
        encoded += '_';
      } else if (c > 0x20 && c < 0x7f && c != '=' && c != '?' && c != '_') {
        encoded += static_cast<char>(c);
      } else {
        encoded += '=';
        encoded += kHexUpper[c >> 4];
        encoded += kHexUpper[c & 0xF];
      }
    }
    if (kPrefix.size() + word.size() + encoded.size() + kSuffix.size() > kMaxWord) flush();
    word += encoded;
  }
  flush();
  return out;
}

std::string EncodeHeaderValue(std::string_view value) {
  std::string clean = StripControlCharacters(value);
  // Plain ASCII goes as is while it fits on a line (998 octets, RFC 5322 2.1.1).
  if (IsPrintableAscii(clean) && clean.size() <= 900) return clean;
  return QEncodeWords(clean, "\r\n ");
}

std::string QuotedPrintable(std::string_view body) {
  constexpr size_t kMaxLine = 76;
  std::string out;
  out.reserve(body.size() + body.size() / 8);
  size_t line_length = 0;
  auto emit = [&](std::string_view token) {
    if (line_length + token.size() > kMaxLine - 1) {  // leave room for the soft break "="
      out += "=\r\n";
      line_length = 0;
    }
    out += token;
    line_length += token.size();
  };
  size_t i = 0;
  while (i < body.size()) {
    unsigned char c = static_cast<unsigned char>(body[i]);
    if (c == '\r' || c == '\n') {
      // CRLF, a lone CR and a lone LF are all one line break.
      out += "\r\n";
      line_length = 0;
      i += (c == '\r' && i + 1 < body.size() && body[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    bool line_end = i + 1 == body.size() || body[i + 1] == '\r' || body[i + 1] == '\n';
    bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !line_end);
    if (literal) {
      char ch = static_cast<char>(c);
      emit(std::string_view(&ch, 1));
    } else {
      char token[3] = {'=', kHexUpper[c >> 4], kHexUpper[c & 0xF]};
      emit(std::string_view(token, 3));
    }
    ++i;
  }
  return out;
}

std::string BuildMimeMessage(const std::vector<std::pair<std::string, std::string>>& headers,
                             const MimeBody& body, std::string_view boundary) {
  std::string out;
  for (const auto& [name, value] : headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "Content-Type: multipart/alternative; boundary=";
  out += boundary;
  out += "\r\n";
  out += "MIME-Version: 1.0\r\n\r\n";

  bool first = true;
  auto part = [&](std::string_view type, std::string_view content) {
    out += first ? "--" : "\r\n--";
    first = false;
    out += boundary;
    out += "\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: ";
    out += type;
    out += "; charset=UTF-8\r\n\r\n";
    out += QuotedPrintable(content);
  };
  if (!body.text.empty()) part("text/plain", body.text);
  if (!body.html.empty()) part("text/html", body.html);
  out += first ? "--" : "\r\n--";
  out += boundary;
  out += "--\r\n";
  return out;
}

std::string RandomBoundary() {
  unsigned char bytes[30];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // Never expected; a boundary need only be absent from the parts, which QP guarantees for
    // any boundary without "=".
    std::fill(std::begin(bytes), std::end(bytes), 0x5a);
  }
  std::string out;
  for (unsigned char b : bytes) {
    out += "0123456789abcdef"[b >> 4];
    out += "0123456789abcdef"[b & 0xF];
  }
  return out;
}

}  // namespace tocsin::notifiers
