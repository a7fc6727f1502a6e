// Building an email that nothing rendered into it can subvert.
//
// Template output (and so label values and annotations) ends up in header values and the
// recipient list. Three rules keep it from injecting a header or a recipient:
//  - header names come only from configuration and must be RFC 5322 field names;
//  - header values never carry a line break: CR, LF and other control characters become spaces,
//    and text that is not plain ASCII is RFC 2047-encoded (UTF-8, Q encoding) — so the message
//    always has exactly the headers tocsin wrote;
//  - address headers (From, To, Cc, Bcc, Reply-To, Sender) and the envelope recipients are
//    parsed as RFC 5322 address lists and written back from the parse; any control character in
//    them is an error, never silently fixed.
// Bodies are quoted-printable with CRLF line ends, in a multipart/alternative message (text
// first, HTML last — the preferred alternative, RFC 2046 5.1.4), as Alertmanager sends them.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/base/result.h"

namespace tocsin::notifiers {

struct MailAddress {
  std::string name;     // display name, decoded text (may be empty)
  std::string address;  // addr-spec: local@domain

  friend bool operator==(const MailAddress&, const MailAddress&) = default;
};

// An RFC 5322 address list ("Ops <ops@example.com>, oncall@example.com"), as Go's
// mail.ParseAddressList accepts it, minus groups. Errors say what is wrong and where.
Result<std::vector<MailAddress>> ParseAddressList(std::string_view text);
// `"Name" <addr>` / `=?utf-8?b?...?= <addr>` / `<addr>`, safe to put in a header.
std::string FormatAddress(const MailAddress& address);

// field-name = 1*(%d33-57 / %d59-126): printable ASCII except the colon.
bool IsValidHeaderName(std::string_view name);
// textproto.CanonicalMIMEHeaderKey: "message-id" -> "Message-Id".
std::string CanonicalHeaderName(std::string_view name);
bool IsAddressHeader(std::string_view canonical_name);

// Control characters (CR and LF included) become spaces; runs of them collapse into one.
std::string StripControlCharacters(std::string_view value);
// A header value ready to follow "Name: ": control characters stripped, and RFC 2047 encoded
// words (folded onto continuation lines) when the value is not printable ASCII or too long.
std::string EncodeHeaderValue(std::string_view value);
// Q-encodes `text` as one or more =?utf-8?q?...?= words of at most 75 characters each, never
// splitting a UTF-8 sequence, joined by `separator`.
std::string QEncodeWords(std::string_view text, std::string_view separator);

// RFC 2045 quoted-printable: lines end in CRLF, are at most 76 characters (soft breaks "="),
// trailing whitespace and every byte outside printable ASCII encoded.
std::string QuotedPrintable(std::string_view body);

struct MimeBody {
  std::string text;  // empty: no text/plain part
  std::string html;  // empty: no text/html part
};

// The whole message: `headers` (already encoded, in order), then Content-Type with `boundary`
// and MIME-Version, then the parts. CRLF line ends throughout.
std::string BuildMimeMessage(const std::vector<std::pair<std::string, std::string>>& headers,
                             const MimeBody& body, std::string_view boundary);

// A fresh random boundary (60 hex digits, as Go's multipart.Writer makes them).
std::string RandomBoundary();

}  // namespace tocsin::notifiers
