#include "engine/template/html_escape.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "engine/template/escape.h"
#include "engine/template/go_strconv.h"

namespace tocsin::tmpl {
namespace {

using C = HtmlContext;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}
bool IsAsciiAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}
bool EqualFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

size_t EatWhiteSpace(std::string_view s, size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

// ---- What kind of content an attribute holds (html/template's attrType).

C::Attr AttrKind(std::string_view raw_name, C::Element element) {
  std::string name = ToLower(raw_name);
  if (element == C::kElementScript && name == "type") return C::kAttrScriptType;
  if (name.rfind("data-", 0) == 0) {
    name = name.substr(5);
  } else if (const size_t colon = name.find(':'); colon != std::string::npos) {
    if (name.substr(0, colon) == "xmlns") return C::kAttrURL;
    name = name.substr(colon + 1);
  }
  static const char* kUrl[] = {"action",   "archive",  "background", "cite",    "classid",
                               "codebase", "data",     "formaction", "href",    "icon",
                               "longdesc", "manifest", "poster",     "profile", "src",
                               "usemap",   "xmlns"};
  for (const char* u : kUrl) {
    if (name == u) return C::kAttrURL;
  }
  if (name == "srcset") return C::kAttrSrcset;
  if (name == "style") return C::kAttrStyle;
  // Attributes html/template knows to be plain, though their names would suggest otherwise.
  static const char* kPlain[] = {"accept", "accept-charset", "dirname", "hreflang", "type"};
  for (const char* p : kPlain) {
    if (name == p) return C::kAttrNone;
  }
  if (name.rfind("on", 0) == 0) return C::kAttrScript;
  if (name.find("src") != std::string::npos || name.find("uri") != std::string::npos ||
      name.find("url") != std::string::npos) {
    return C::kAttrURL;
  }
  return C::kAttrNone;
}

C::State AttrStartState(C::Attr a) {
  switch (a) {
    case C::kAttrScript:
      return C::kJS;
    case C::kAttrStyle:
      return C::kCSS;
    case C::kAttrURL:
      return C::kURL;
    case C::kAttrSrcset:
      return C::kSrcset;
    default:
      return C::kAttr;
  }
}

C::State ElementContentState(C::Element e) {
  switch (e) {
    case C::kElementScript:
      return C::kJS;
    case C::kElementStyle:
      return C::kCSS;
    case C::kElementTextarea:
    case C::kElementTitle:
      return C::kRCDATA;
    default:
      return C::kText;
  }
}

const char* ElementName(C::Element e) {
  switch (e) {
    case C::kElementScript:
      return "script";
    case C::kElementStyle:
      return "style";
    case C::kElementTextarea:
      return "textarea";
    case C::kElementTitle:
      return "title";
    default:
      return "";
  }
}

bool IsComment(C::State s) {
  return s == C::kHTMLCmt || s == C::kJSBlockCmt || s == C::kJSLineCmt;
}
bool IsInScriptLiteral(C::State s) {
  return s == C::kJSDqStr || s == C::kJSSqStr || s == C::kJSBqStr || s == C::kJSRegexp;
}

C Error(std::string message) {
  C c;
  c.state = C::kError;
  c.error = std::move(message);
  return c;
}

// ---- Transitions: each reads a prefix of s in context c and returns the context after it and
// how much it read.

struct Step {
  C c;
  size_t n;
};

// A tag name at s[i]: its end and which special element it is.
size_t EatTagName(std::string_view s, size_t i, C::Element* e) {
  *e = C::kElementNone;
  if (i == s.size() || !IsAsciiAlpha(s[i])) return i;
  size_t j = i + 1;
  while (j < s.size()) {
    const char x = s[j];
    if (!(IsAsciiAlpha(x) || (x >= '0' && x <= '9') || x == ':' || x == '-')) break;
    ++j;
  }
  const std::string name = ToLower(s.substr(i, j - i));
  for (C::Element el :
       {C::kElementScript, C::kElementStyle, C::kElementTextarea, C::kElementTitle}) {
    if (name == ElementName(el)) *e = el;
  }
  return j;
}

Step TText(C c, std::string_view s) {
  size_t k = 0;
  while (true) {
    const size_t i = s.find('<', k);
    if (i == std::string_view::npos || i + 1 == s.size()) return {c, s.size()};
    if (s.substr(i, 4) == "<!--") {
      C n;
      n.state = C::kHTMLCmt;
      return {n, i + 4};
    }
    size_t j = i + 1;
    bool end = false;
    if (s[j] == '/') {
      if (j + 1 == s.size()) return {c, s.size()};
      end = true;
      ++j;
    }
    C::Element e;
    const size_t after = EatTagName(s, j, &e);
    if (after != j) {
      C n;
      n.state = C::kTag;
      n.element = end ? C::kElementNone : e;
      return {n, after};
    }
    k = after;
  }
}

// An attribute name from s[i]: its end, or an error for a quote or '<' inside it.
bool EatAttrName(std::string_view s, size_t i, size_t* end, std::string* err) {
  for (size_t j = i; j < s.size(); ++j) {
    switch (s[j]) {
      case ' ':
      case '\t':
      case '\n':
      case '\f':
      case '\r':
      case '=':
      case '>':
        *end = j;
        return true;
      case '\'':
      case '"':
      case '<':
        *err = GoQuoteString(s.substr(j, 1)) +
               " in attribute name: " + GoQuoteString(s.substr(0, std::min<size_t>(s.size(), 32)));
        return false;
      default:
        break;
    }
  }
  *end = s.size();
  return true;
}

Step TTag(C c, std::string_view s) {
  const size_t i = EatWhiteSpace(s, 0);
  if (i == s.size()) return {c, s.size()};
  if (s[i] == '>') {
    C n;
    n.state = ElementContentState(c.element);
    n.element = c.element;
    return {n, i + 1};
  }
  size_t j;
  std::string err;
  if (!EatAttrName(s, i, &j, &err)) return {Error(err), s.size()};
  if (i == j) {
    return {
        Error("expected space, attr name, or end of tag, but got " + GoQuoteString(s.substr(i))),
        s.size()};
  }
  C n;
  n.element = c.element;
  n.attr = AttrKind(s.substr(i, j - i), c.element);
  n.state = j == s.size() ? C::kAttrName : C::kAfterName;
  return {n, j};
}

Step TAttrName(C c, std::string_view s) {
  size_t i;
  std::string err;
  if (!EatAttrName(s, 0, &i, &err)) return {Error(err), s.size()};
  if (i != s.size()) c.state = C::kAfterName;
  return {c, i};
}

Step TAfterName(C c, std::string_view s) {
  const size_t i = EatWhiteSpace(s, 0);
  if (i == s.size()) return {c, s.size()};
  if (s[i] != '=') {
    c.state = C::kTag;
    return {c, i};
  }
  c.state = C::kBeforeValue;
  return {c, i + 1};
}

Step TBeforeValue(C c, std::string_view s) {
  size_t i = EatWhiteSpace(s, 0);
  if (i == s.size()) return {c, s.size()};
  C::Delim delim = C::kDelimSpaceOrTagEnd;
  if (s[i] == '\'') {
    delim = C::kDelimSingleQuote;
    ++i;
  } else if (s[i] == '"') {
    delim = C::kDelimDoubleQuote;
    ++i;
  }
  c.state = AttrStartState(c.attr);
  c.delim = delim;
  return {c, i};
}

Step THTMLCmt(C c, std::string_view s) {
  if (const size_t i = s.find("-->"); i != std::string_view::npos) return {C{}, i + 3};
  return {c, s.size()};
}

Step TURL(C c, std::string_view s) {
  if (s.find_first_of("#?") != std::string_view::npos) {
    c.url_part = C::kUrlPartQueryOrFrag;
  } else if (s.size() != EatWhiteSpace(s, 0) && c.url_part == C::kUrlPartNone) {
    c.url_part = C::kUrlPartPreQuery;
  }
  return {c, s.size()};
}

bool IsJSIdentPart(char c) {
  return c == '$' || c == '_' || IsAsciiAlpha(c) || (c >= '0' && c <= '9');
}

// Whether a '/' after `s` starts a regexp or a division (Go's nextJSCtx).
C::JsCtx NextJSCtx(std::string_view s, C::JsCtx preceding) {
  size_t end = s.size();
  while (end > 0 && (IsSpace(s[end - 1]) || s[end - 1] == '\v')) --end;
  if (end == 0) return preceding;
  const char c = s[end - 1];
  switch (c) {
    case '+':
    case '-': {
      size_t start = end - 1;
      while (start > 0 && s[start - 1] == c) --start;
      return ((end - start) & 1) == 1 ? C::kJsCtxRegexp : C::kJsCtxDivOp;
    }
    case '.':
      if (end != 1 && s[end - 2] >= '0' && s[end - 2] <= '9') return C::kJsCtxDivOp;
      return C::kJsCtxRegexp;
    case ',':
    case '<':
    case '>':
    case '=':
    case '*':
    case '%':
    case '&':
    case '|':
    case '^':
    case '?':
    case '!':
    case '~':
    case '(':
    case '[':
    case ':':
    case ';':
    case '{':
    case '}':
      return C::kJsCtxRegexp;
    default:
      break;
  }
  size_t j = end;
  while (j > 0 && IsJSIdentPart(s[j - 1])) --j;
  const std::string_view word = s.substr(j, end - j);
  static const char* kRegexpPrecederKeywords[] = {
      "break", "case",       "continue", "delete", "do",  "else",   "finally",
      "in",    "instanceof", "return",   "throw",  "try", "typeof", "void"};
  for (const char* k : kRegexpPrecederKeywords) {
    if (word == k) return C::kJsCtxRegexp;
  }
  return C::kJsCtxDivOp;
}

Step TJS(C c, std::string_view s) {
  const size_t i = s.find_first_of("\"'`/");
  if (i == std::string_view::npos) {
    c.js_ctx = NextJSCtx(s, c.js_ctx);
    return {c, s.size()};
  }
  c.js_ctx = NextJSCtx(s.substr(0, i), c.js_ctx);
  size_t n = i + 1;
  switch (s[i]) {
    case '"':
      c.state = C::kJSDqStr;
      c.js_ctx = C::kJsCtxRegexp;
      break;
    case '\'':
      c.state = C::kJSSqStr;
      c.js_ctx = C::kJsCtxRegexp;
      break;
    case '`':
      c.state = C::kJSBqStr;
      c.js_ctx = C::kJsCtxRegexp;
      break;
    default:  // '/'
      if (i + 1 < s.size() && s[i + 1] == '/') {
        c.state = C::kJSLineCmt;
        ++n;
      } else if (i + 1 < s.size() && s[i + 1] == '*') {
        c.state = C::kJSBlockCmt;
        ++n;
      } else if (c.js_ctx == C::kJsCtxRegexp) {
        c.state = C::kJSRegexp;
      } else if (c.js_ctx == C::kJsCtxDivOp) {
        c.js_ctx = C::kJsCtxRegexp;
      } else {
        return {Error("'/' could start a division or regexp: " +
                      GoQuoteString(s.substr(i, std::min<size_t>(32, s.size() - i)))),
                s.size()};
      }
  }
  return {c, n};
}

Step TJSDelimited(C c, std::string_view s) {
  const char* specials = "\\\"";
  if (c.state == C::kJSSqStr) specials = "\\'";
  if (c.state == C::kJSBqStr) specials = "\\`";
  if (c.state == C::kJSRegexp) specials = "\\/[]";
  bool in_charset = false;
  size_t k = 0;
  while (k < s.size()) {
    const size_t i = s.find_first_of(specials, k);
    if (i == std::string_view::npos) break;
    switch (s[i]) {
      case '\\':
        if (i + 1 == s.size())
          return {Error("unfinished escape sequence in JS string: " + GoQuoteString(s)), s.size()};
        k = i + 2;
        continue;
      case '[':
        in_charset = true;
        break;
      case ']':
        in_charset = false;
        break;
      default:
        if (!in_charset) {
          c.state = C::kJS;
          c.js_ctx = C::kJsCtxDivOp;
          return {c, i + 1};
        }
    }
    k = i + 1;
  }
  if (in_charset) {
    return {Error("unfinished JS regexp charset: " + GoQuoteString(s)), s.size()};
  }
  return {c, s.size()};
}

Step TBlockCmt(C c, std::string_view s) {
  const size_t i = s.find("*/");
  if (i == std::string_view::npos) return {c, s.size()};
  c.state = C::kJS;
  return {c, i + 2};
}

Step TLineCmt(C c, std::string_view s) {
  const size_t i = s.find_first_of("\n\r");
  if (i == std::string_view::npos) return {c, s.size()};
  c.state = C::kJS;
  return {c, i};  // the line end is not part of the comment
}

// The end tag of a special element (`</script>` ...): its offset, or npos.
size_t IndexTagEnd(std::string_view s, std::string_view tag) {
  size_t res = 0;
  while (!s.empty()) {
    const size_t i = s.find("</");
    if (i == std::string_view::npos) return std::string_view::npos;
    s = s.substr(i + 2);
    if (tag.size() <= s.size() && EqualFold(tag, s.substr(0, tag.size()))) {
      s = s.substr(tag.size());
      if (!s.empty() && std::strchr("> \t\n\f/", s[0]) != nullptr && s[0] != '\0') {
        return res + i;
      }
      res += tag.size();
    }
    res += i + 2;
  }
  return std::string_view::npos;
}

Step Transition(C c, std::string_view s) {
  switch (c.state) {
    case C::kText:
      return TText(c, s);
    case C::kTag:
      return TTag(c, s);
    case C::kAttrName:
      return TAttrName(c, s);
    case C::kAfterName:
      return TAfterName(c, s);
    case C::kBeforeValue:
      return TBeforeValue(c, s);
    case C::kHTMLCmt:
      return THTMLCmt(c, s);
    case C::kURL:
      return TURL(c, s);
    case C::kJS:
      return TJS(c, s);
    case C::kJSDqStr:
    case C::kJSSqStr:
    case C::kJSBqStr:
    case C::kJSRegexp:
      return TJSDelimited(c, s);
    case C::kJSBlockCmt:
      return TBlockCmt(c, s);
    case C::kJSLineCmt:
      return TLineCmt(c, s);
    case C::kError:
      return {c, s.size()};
    default:  // RCDATA, attribute values, srcset, CSS: nothing inside changes the context
      return {c, s.size()};
  }
}

// A literal `&quot;` in an attribute value is a quote to the language inside (Go decodes the
// value before reading it). Only the common entities; the rest stay as written.
std::string UnescapeEntities(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '&') {
      static const std::pair<const char*, char> kEntities[] = {
          {"&quot;", '"'}, {"&#34;", '"'}, {"&#39;", '\''}, {"&apos;", '\''},
          {"&lt;", '<'},   {"&gt;", '>'},  {"&amp;", '&'}};
      bool done = false;
      for (const auto& [name, ch] : kEntities) {
        if (s.substr(i, std::strlen(name)) == name) {
          out += ch;
          i += std::strlen(name);
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    out += s[i++];
  }
  return out;
}

Step ContextAfterText(C c, std::string_view s) {
  if (c.delim == C::kDelimNone) {
    size_t i = s.size();
    if (c.element != C::kElementNone &&
        !(c.element == C::kElementScript && (IsInScriptLiteral(c.state) || IsComment(c.state)))) {
      const size_t end = IndexTagEnd(s, ElementName(c.element));
      if (end != std::string_view::npos) {
        if (end == 0) return {C{}, 0};
        i = end;
      }
    }
    return Transition(c, s.substr(0, i));
  }
  const char* ends = c.delim == C::kDelimDoubleQuote   ? "\""
                     : c.delim == C::kDelimSingleQuote ? "'"
                                                       : " \t\n\f\r>";
  size_t i = s.find_first_of(ends);
  if (i == std::string_view::npos) i = s.size();
  if (c.delim == C::kDelimSpaceOrTagEnd) {
    const size_t j = s.substr(0, i).find_first_of("\"'<=`");
    if (j != std::string_view::npos) {
      return {Error(GoQuoteString(s.substr(j, 1)) +
                    " in unquoted attr: " + GoQuoteString(s.substr(0, i))),
              s.size()};
    }
  }
  if (i == s.size()) {
    const std::string u = UnescapeEntities(s);
    std::string_view rest = u;
    while (!rest.empty()) {
      Step step = Transition(c, rest);
      c = step.c;
      rest = rest.substr(step.n);
      if (step.n == 0) break;
    }
    return {c, s.size()};
  }
  C::Element element = c.element;
  if (c.state == C::kAttr && c.element == C::kElementScript && c.attr == C::kAttrScriptType) {
    const std::string type = ToLower(s.substr(0, i));
    const bool js = type.empty() || type.find("javascript") != std::string::npos ||
                    type.find("ecmascript") != std::string::npos || type == "module" ||
                    type.find("json") != std::string::npos ||
                    type.find("jscript") != std::string::npos ||
                    type.find("livescript") != std::string::npos;
    if (!js) element = C::kElementNone;
  }
  if (c.delim != C::kDelimSpaceOrTagEnd) ++i;  // the closing quote
  C n;
  n.state = C::kTag;
  n.element = element;
  return {n, i};
}

// ---- Escapers.

void AppendReplaced(std::string& out, std::string_view s, bool nospace, bool norm) {
  for (size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    const char* repl = nullptr;
    switch (ch) {
      case '\0':
        repl = nospace ? "&#xfffd;" : "\xEF\xBF\xBD";
        break;
      case '"':
        repl = "&#34;";
        break;
      case '&':
        repl = norm ? nullptr : "&amp;";
        break;
      case '\'':
        repl = "&#39;";
        break;
      case '+':
        repl = "&#43;";
        break;
      case '<':
        repl = "&lt;";
        break;
      case '>':
        repl = "&gt;";
        break;
      default:
        break;
    }
    if (nospace && repl == nullptr) {
      switch (ch) {
        case '\t':
          repl = "&#9;";
          break;
        case '\n':
          repl = "&#10;";
          break;
        case '\v':
          repl = "&#11;";
          break;
        case '\f':
          repl = "&#12;";
          break;
        case '\r':
          repl = "&#13;";
          break;
        case ' ':
          repl = "&#32;";
          break;
        case '=':
          repl = "&#61;";
          break;
        case '`':
          repl = "&#96;";
          break;
        default:
          break;
      }
    }
    if (repl) {
      out += repl;
    } else {
      out += ch;
    }
  }
}

// Text of HTML without its tags and comments (Go's stripTags, for HTML put into attributes).
std::string StripTags(std::string_view html) {
  std::string out;
  C c;
  std::string_view s = html;
  while (!s.empty()) {
    if (c.state == C::kText || c.state == C::kRCDATA) {
      Step step = ContextAfterText(c, s);
      size_t i = step.n;
      if (step.c.state != c.state) {
        // Keep the text before the tag's '<'.
        size_t j = i;
        while (j > 0 && s[j - 1] != '<') --j;
        if (j > 0) i = j - 1;
      }
      out.append(s.substr(0, i));
      if (step.n == 0) break;
      c = step.c;
      s = s.substr(step.n);
      continue;
    }
    Step step = ContextAfterText(c, s);
    if (step.n == 0 || step.c.state == C::kError) break;
    c = step.c;
    s = s.substr(step.n);
  }
  return out;
}

void AppendUrlProcessed(std::string& out, std::string_view s, bool norm) {
  for (unsigned char c : s) {
    bool keep = false;
    switch (c) {
      case '!':
      case '#':
      case '$':
      case '&':
      case '*':
      case '+':
      case ',':
      case '/':
      case ':':
      case ';':
      case '=':
      case '?':
      case '@':
      case '[':
      case ']':
      case '%':
        keep = norm;
        break;
      case '-':
      case '.':
      case '_':
      case '~':
        keep = true;
        break;
      default:
        keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    if (keep) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02x", c);
      out += buf;
    }
  }
}

constexpr std::string_view kFailsafe = "ZgotmplZ";

// A URL html/template lets through: no scheme, or http, https or mailto.
bool IsSafeUrl(std::string_view url) {
  const size_t colon = url.find(':');
  if (colon == std::string_view::npos || url.substr(0, colon).find('/') != std::string_view::npos) {
    return true;
  }
  const std::string scheme = ToLower(url.substr(0, colon));
  return scheme == "http" || scheme == "https" || scheme == "mailto";
}

// One source of a srcset value ("url 2x"): the URL normalized when it is safe and its metadata
// only spaces, letters and digits, else "#ZgotmplZ" (Go's filterSrcsetElement).
void AppendSrcsetElement(std::string& out, std::string_view s, size_t left, size_t right) {
  size_t start = left;
  while (start < right && IsSpace(s[start])) ++start;
  size_t end = right;
  for (size_t i = start; i < right; ++i) {
    if (IsSpace(s[i])) {
      end = i;
      break;
    }
  }
  const std::string_view url = s.substr(start, end - start);
  if (IsSafeUrl(url)) {
    bool metadata_ok = true;
    for (size_t i = end; i < right; ++i) {
      const char c = s[i];
      if (!(IsSpace(c) || IsAsciiAlpha(c) || (c >= '0' && c <= '9'))) metadata_ok = false;
    }
    if (metadata_ok) {
      out.append(s.substr(left, start - left));
      AppendUrlProcessed(out, url, true);
      out.append(s.substr(end, right - end));
      return;
    }
  }
  out += '#';
  out += kFailsafe;
}

std::string JsStrEscaped(std::string_view s, bool regexp) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const char* repl = nullptr;
    switch (c) {
      case '\t':
        repl = "\\t";
        break;
      case '\n':
        repl = "\\n";
        break;
      case '\f':
        repl = "\\f";
        break;
      case '\r':
        repl = "\\r";
        break;
      case '"':
        repl = "\\u0022";
        break;
      case '&':
        repl = "\\u0026";
        break;
      case '\'':
        repl = "\\u0027";
        break;
      case '+':
        repl = "\\u002b";
        break;
      case '/':
        repl = "\\/";
        break;
      case '<':
        repl = "\\u003c";
        break;
      case '>':
        repl = "\\u003e";
        break;
      case '\\':
        repl = "\\\\";
        break;
      case '`':
        repl = "\\u0060";
        break;
      default:
        break;
    }
    if (regexp && repl == nullptr && std::strchr("$()*-.?[]^{|}", c) != nullptr && c != 0) {
      out += '\\';
      out += static_cast<char>(c);
      continue;
    }
    if (repl) {
      out += repl;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
                static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string HtmlContext::String() const {
  static const char* kStates[] = {
      "stateText",       "stateTag",       "stateAttrName", "stateAfterName", "stateBeforeValue",
      "stateHTMLCmt",    "stateRCDATA",    "stateAttr",     "stateURL",       "stateSrcset",
      "stateJS",         "stateJSDqStr",   "stateJSSqStr",  "stateJSBqStr",   "stateJSRegexp",
      "stateJSBlockCmt", "stateJSLineCmt", "stateCSS",      "stateError"};
  static const char* kDelims[] = {"delimNone", "delimDoubleQuote", "delimSingleQuote",
                                  "delimSpaceOrTagEnd"};
  static const char* kUrlParts[] = {"urlPartNone", "urlPartPreQuery", "urlPartQueryOrFrag"};
  static const char* kJsCtxs[] = {"jsCtxRegexp", "jsCtxDivOp", "jsCtxUnknown"};
  static const char* kAttrs[] = {"attrNone",  "attrScript", "attrScriptType",
                                 "attrStyle", "attrURL",    "attrSrcset"};
  static const char* kElements[] = {"elementNone", "elementScript", "elementStyle",
                                    "elementTextarea", "elementTitle"};
  return std::string("{") + kStates[state] + " " + kDelims[delim] + " " + kUrlParts[url_part] +
         " " + kJsCtxs[js_ctx] + " " + kAttrs[attr] + " " + kElements[element] + " <nil>}";
}

std::string JsValFromJson(std::string_view json) {
  if (json.empty()) return " null ";
  const bool pad = IsJSIdentPart(json.front()) || IsJSIdentPart(json.back());
  std::string out;
  if (pad) out += ' ';
  for (size_t i = 0; i < json.size(); ++i) {
    if (static_cast<unsigned char>(json[i]) == 0xE2 && i + 2 < json.size() &&
        static_cast<unsigned char>(json[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(json[i + 2]) == 0xA8 ||
         static_cast<unsigned char>(json[i + 2]) == 0xA9)) {
      out += static_cast<unsigned char>(json[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += json[i];
    }
  }
  if (pad) out += ' ';
  return out;
}

HtmlContent ContentOfType(std::string_view t) {
  if (t == "template.HTML") return HtmlContent::kHTML;
  if (t == "template.HTMLAttr") return HtmlContent::kHTMLAttr;
  if (t == "template.URL") return HtmlContent::kURL;
  if (t == "template.JS") return HtmlContent::kJS;
  if (t == "template.JSStr") return HtmlContent::kJSStr;
  if (t == "template.CSS") return HtmlContent::kCSS;
  if (t == "template.Srcset") return HtmlContent::kSrcset;
  return HtmlContent::kPlain;
}

HtmlContext EscapeHtmlText(HtmlContext c, std::string_view s, std::string* out) {
  size_t written = 0;
  size_t i = 0;
  std::string b;
  while (i != s.size()) {
    Step step = ContextAfterText(c, s.substr(i));
    const C c1 = step.c;
    const size_t i1 = i + step.n;
    if (c.state == C::kText || c.state == C::kRCDATA) {
      size_t end = i1;
      if (c1.state != c.state) {
        for (size_t j = end; j-- > i;) {
          if (s[j] == '<') {
            end = j;
            break;
          }
        }
      }
      for (size_t j = i; j < end; ++j) {
        if (s[j] == '<' && !EqualFold(s.substr(j, 9), "<!DOCTYPE")) {
          b.append(s.substr(written, j - written));
          b += "&lt;";
          written = j + 1;
        }
      }
    } else if (IsComment(c.state) && c.delim == C::kDelimNone) {
      if (c.state == C::kJSBlockCmt) {
        const std::string_view cmt = s.substr(written, i1 - written);
        b += cmt.find_first_of("\n\r") != std::string_view::npos ||
                     cmt.find("\xE2\x80\xA8") != std::string_view::npos ||
                     cmt.find("\xE2\x80\xA9") != std::string_view::npos
                 ? '\n'
                 : ' ';
      }
      written = i1;
    }
    if (c.state != c1.state && IsComment(c1.state) && c1.delim == C::kDelimNone) {
      // Keep what comes before the comment's opening ("<!--", "/*" or "//").
      size_t cs = i1 - 2;
      if (c1.state == C::kHTMLCmt) cs -= 2;
      b.append(s.substr(written, cs - written));
      written = i1;
    }
    if (c1.state == C::kError) {
      out->append(b);
      out->append(s.substr(written));
      return c1;
    }
    if (i == i1 && c.state == c1.state) {
      return Error("cannot follow the HTML at " + GoQuoteString(s.substr(i, 32)));
    }
    c = c1;
    i = i1;
  }
  if (!IsComment(c.state) || c.delim != C::kDelimNone) b.append(s.substr(written));
  out->append(b);
  return c;
}

std::vector<HtmlEscaper> HtmlActionEscapers(HtmlContext* cp, std::string_view last_command,
                                            bool* keeps_predefined) {
  *keeps_predefined = false;
  HtmlContext& c = *cp;
  // Go's nudge: an action right in a tag is an attribute name; after `name=` an unquoted value.
  switch (c.state) {
    case C::kTag:
      c.state = C::kAttrName;
      break;
    case C::kBeforeValue:
      c.state = AttrStartState(c.attr);
      c.delim = C::kDelimSpaceOrTagEnd;
      c.attr = C::kAttrNone;
      break;
    case C::kAfterName:
      c.state = C::kAttrName;
      c.attr = C::kAttrNone;
      break;
    default:
      break;
  }
  std::vector<HtmlEscaper> s;
  switch (c.state) {
    case C::kError:
      return s;
    case C::kURL:
      switch (c.url_part) {
        case C::kUrlPartNone:
          s.push_back(HtmlEscaper::kUrlFilter);
          s.push_back(HtmlEscaper::kUrlNormalizer);
          break;
        case C::kUrlPartPreQuery:
          s.push_back(HtmlEscaper::kUrlNormalizer);
          break;
        case C::kUrlPartQueryOrFrag:
          s.push_back(HtmlEscaper::kUrlEscaper);
          break;
      }
      break;
    case C::kJS:
      s.push_back(HtmlEscaper::kJsVal);
      c.js_ctx = C::kJsCtxDivOp;  // a '/' after a value divides
      break;
    case C::kJSDqStr:
    case C::kJSSqStr:
    case C::kJSBqStr:
      s.push_back(HtmlEscaper::kJsStr);
      break;
    case C::kJSRegexp:
      s.push_back(HtmlEscaper::kJsRegexp);
      break;
    case C::kCSS:
      s.push_back(HtmlEscaper::kCssValue);
      break;
    case C::kText:
      s.push_back(HtmlEscaper::kHtml);
      break;
    case C::kRCDATA:
      s.push_back(HtmlEscaper::kRcdata);
      break;
    case C::kAttr:
      break;
    case C::kAttrName:
      s.push_back(HtmlEscaper::kNameFilter);
      break;
    case C::kSrcset:
      s.push_back(HtmlEscaper::kSrcset);
      break;
    default:  // comments
      s.push_back(HtmlEscaper::kComment);
  }
  switch (c.delim) {
    case C::kDelimNone:
      break;
    case C::kDelimSpaceOrTagEnd:
      s.push_back(HtmlEscaper::kNospace);
      break;
    default:
      s.push_back(HtmlEscaper::kAttr);
  }
  // A pipeline ending in `html` or `urlquery` keeps that builtin in place of the escapers it is
  // equivalent to (Go's ensurePipelineContains).
  if (last_command == "html" || last_command == "urlquery") {
    if (last_command == "html" && c.state == C::kAttr && c.delim == C::kDelimSpaceOrTagEnd) {
      c = Error("predefined escaper \"html\" disallowed in template");
      return {};
    }
    for (HtmlEscaper& e : s) {
      const bool html_like =
          e == HtmlEscaper::kAttr || e == HtmlEscaper::kHtml || e == HtmlEscaper::kRcdata;
      const bool url_like = e == HtmlEscaper::kUrlEscaper || e == HtmlEscaper::kUrlNormalizer;
      if (last_command == "html" && html_like) {
        e = HtmlEscaper::kPredefinedHtml;
        *keeps_predefined = true;
      } else if (last_command == "urlquery" && url_like) {
        e = HtmlEscaper::kPredefinedUrlquery;
        *keeps_predefined = true;
      }
    }
  }
  return s;
}

std::string ApplyHtmlEscaper(HtmlEscaper e, std::string_view s, HtmlContent content) {
  std::string out;
  switch (e) {
    case HtmlEscaper::kHtml:
      if (content == HtmlContent::kHTML) return std::string(s);
      AppendReplaced(out, s, false, false);
      return out;
    case HtmlEscaper::kAttr:
      if (content == HtmlContent::kHTML) {
        AppendReplaced(out, StripTags(s), false, true);
        return out;
      }
      AppendReplaced(out, s, false, false);
      return out;
    case HtmlEscaper::kRcdata:
      AppendReplaced(out, s, false, content == HtmlContent::kHTML);
      return out;
    case HtmlEscaper::kNospace:
      if (s.empty()) return std::string(kFailsafe);
      if (content == HtmlContent::kHTML) {
        AppendReplaced(out, StripTags(s), true, true);
        return out;
      }
      AppendReplaced(out, s, true, false);
      return out;
    case HtmlEscaper::kUrlFilter: {
      if (content == HtmlContent::kURL) return std::string(s);
      if (!IsSafeUrl(s)) return "#" + std::string(kFailsafe);
      return std::string(s);
    }
    case HtmlEscaper::kUrlNormalizer:
    case HtmlEscaper::kUrlEscaper:
      AppendUrlProcessed(out, s, e == HtmlEscaper::kUrlNormalizer || content == HtmlContent::kURL);
      return out;
    case HtmlEscaper::kJsVal: {
      // A string value: JSON-quoted as encoding/json writes it, padded from identifiers.
      if (content == HtmlContent::kJS) return std::string(s);
      if (content == HtmlContent::kJSStr) return "\"" + std::string(s) + "\"";
      std::string q = "\"";
      for (unsigned char c : s) {
        switch (c) {
          case '"':
            q += "\\\"";
            break;
          case '\\':
            q += "\\\\";
            break;
          case '\n':
            q += "\\n";
            break;
          case '\r':
            q += "\\r";
            break;
          case '\t':
            q += "\\t";
            break;
          case '<':
            q += "\\u003c";
            break;
          case '>':
            q += "\\u003e";
            break;
          case '&':
            q += "\\u0026";
            break;
          default:
            if (c < 0x20) {
              char buf[8];
              std::snprintf(buf, sizeof buf, "\\u%04x", c);
              q += buf;
            } else {
              q += static_cast<char>(c);
            }
        }
      }
      q += "\"";
      return JsValFromJson(q);
    }
    case HtmlEscaper::kJsStr:
      if (content == HtmlContent::kJSStr) return std::string(s);
      return JsStrEscaped(s, false);
    case HtmlEscaper::kJsRegexp: {
      std::string r = JsStrEscaped(s, true);
      return r.empty() ? "(?:)" : r;
    }
    case HtmlEscaper::kCssValue: {
      if (content == HtmlContent::kCSS) return std::string(s);
      std::string id;
      for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\0' || std::strchr("\"'()/;@[\\]`{}<>", c) != nullptr) {
          return std::string(kFailsafe);
        }
        if (c == '-' && i != 0 && s[i - 1] == '-') return std::string(kFailsafe);
        if (IsAsciiAlpha(c) || (c >= '0' && c <= '9') || c == '-' || c == '_') id += Lower(c);
      }
      if (id.find("expression") != std::string::npos ||
          id.find("mozbinding") != std::string::npos) {
        return std::string(kFailsafe);
      }
      return std::string(s);
    }
    case HtmlEscaper::kComment:
      return "";
    case HtmlEscaper::kNameFilter: {
      if (content == HtmlContent::kHTMLAttr) return std::string(s);
      if (s.empty()) return std::string(kFailsafe);
      const std::string name = ToLower(s);
      if (AttrKind(name, C::kElementNone) != C::kAttrNone) return std::string(kFailsafe);
      for (char c : name) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return std::string(kFailsafe);
      }
      return name;
    }
    case HtmlEscaper::kSrcset: {
      if (content == HtmlContent::kSrcset) return std::string(s);
      if (content == HtmlContent::kURL) {
        // Normalizing drops the spaces between a URL and its metadata; commas separate sources.
        std::string n;
        AppendUrlProcessed(n, s, true);
        for (char c : n) {
          if (c == ',') {
            out += "%2c";
          } else {
            out += c;
          }
        }
        return out;
      }
      size_t written = 0;
      for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == ',') {
          AppendSrcsetElement(out, s, written, i);
          out += ',';
          written = i + 1;
        }
      }
      AppendSrcsetElement(out, s, written, s.size());
      return out;
    }
    case HtmlEscaper::kPredefinedHtml:
      AppendHTMLEscaped(out, s);
      return out;
    case HtmlEscaper::kPredefinedUrlquery:
      AppendQueryEscaped(out, s);
      return out;
  }
  return out;
}

}  // namespace tocsin::tmpl
