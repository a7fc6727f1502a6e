// Go's html/template contextual escaping, as Alertmanager's ExecuteHTMLString applies it to
// email bodies: the template's own text is read with an HTML state machine (text, tags,
// attribute names and values, URLs, scripts, styles, comments), HTML comments are dropped, a
// stray `<` in text becomes `&lt;`, and each {{action}}'s output is escaped for the context it
// lands in (`&lt;` in text, `&#34;` in attributes, percent-encoding in URLs, JSON in scripts),
// unless it is a value of a safe type (template.HTML from safeHtml, template.URL from safeUrl).
//
// Go decides the escapers once, statically, for every action of the template (and errors when
// the two branches of an {{if}} end in different contexts); tocsin decides them as execution
// reaches each action, from the context the executed path leads to. The result is the same for
// every template Go accepts; the templates Go rejects for an ambiguous context are accepted.
// JavaScript is read with Go's rules for strings, comments and the regexp/division ambiguity;
// CSS only as one context (no CSS strings, comments or url(...)).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::tmpl {

// The parts of Go's html/template context that decide escaping.
struct HtmlContext {
  enum State : uint8_t {
    kText,
    kTag,
    kAttrName,
    kAfterName,
    kBeforeValue,
    kHTMLCmt,
    kRCDATA,
    kAttr,
    kURL,
    kSrcset,
    kJS,
    kJSDqStr,
    kJSSqStr,
    kJSBqStr,
    kJSRegexp,
    kJSBlockCmt,
    kJSLineCmt,
    kCSS,
    kError,
  };
  enum Delim : uint8_t { kDelimNone, kDelimDoubleQuote, kDelimSingleQuote, kDelimSpaceOrTagEnd };
  enum UrlPart : uint8_t { kUrlPartNone, kUrlPartPreQuery, kUrlPartQueryOrFrag };
  enum JsCtx : uint8_t { kJsCtxRegexp, kJsCtxDivOp, kJsCtxUnknown };
  enum Attr : uint8_t {
    kAttrNone,
    kAttrScript,
    kAttrScriptType,
    kAttrStyle,
    kAttrURL,
    kAttrSrcset
  };
  enum Element : uint8_t {
    kElementNone,
    kElementScript,
    kElementStyle,
    kElementTextarea,
    kElementTitle
  };

  State state = kText;
  Delim delim = kDelimNone;
  UrlPart url_part = kUrlPartNone;
  JsCtx js_ctx = kJsCtxRegexp;
  Attr attr = kAttrNone;
  Element element = kElementNone;
  std::string error;  // set with state kError: why the HTML cannot be escaped

  // Go's context String ("{stateText delimNone urlPartNone jsCtxRegexp attrNone elementNone
  // <nil>}"), used in the error for a template that ends inside a tag or attribute.
  std::string String() const;
};

// The escapers html/template adds to an action's pipeline (its _html_template_* functions), and
// Go's own `html` and `urlquery` when a pipeline ends in one that does the same job.
enum class HtmlEscaper : uint8_t {
  kHtml,                // _html_template_htmlescaper
  kAttr,                // _html_template_attrescaper
  kRcdata,              // _html_template_rcdataescaper
  kNospace,             // _html_template_nospaceescaper
  kUrlFilter,           // _html_template_urlfilter
  kUrlNormalizer,       // _html_template_urlnormalizer
  kUrlEscaper,          // _html_template_urlescaper
  kJsVal,               // _html_template_jsvalescaper
  kJsStr,               // _html_template_jsstrescaper
  kJsRegexp,            // _html_template_jsregexpescaper
  kCssValue,            // _html_template_cssvaluefilter
  kComment,             // _html_template_commentescaper
  kNameFilter,          // _html_template_htmlnamefilter
  kSrcset,              // _html_template_srcsetescaper
  kPredefinedHtml,      // text/template's html builtin, kept in place of an equivalent escaper
  kPredefinedUrlquery,  // text/template's urlquery builtin, likewise
};

// The kind of a value's content, from its safe type (template.HTML, template.URL, ...).
enum class HtmlContent : uint8_t { kPlain, kHTML, kHTMLAttr, kURL, kJS, kJSStr, kCSS, kSrcset };
HtmlContent ContentOfType(std::string_view go_type_name);

// Reads template text in context `c`, appends what html/template emits for it to `out`, and
// returns the context after it (state kError with a message on HTML it cannot follow).
HtmlContext EscapeHtmlText(HtmlContext c, std::string_view text, std::string* out);

// The escapers for an {{action}} in context `*c`, in order; updates `*c` as Go does at an
// action (`<a {{.}}` is an attribute name, a value in a script is followed by a division).
// `last_command` is the name of the function the pipeline ends with, when it is `html` or
// `urlquery`: Go then keeps that builtin in place of an escaper it is equivalent to
// (*keeps_predefined says whether it did; otherwise the builtin stays part of the pipeline).
// Errors (an action inside a URL of unknown structure, a predefined escaper before the end of
// the pipeline) are returned through c->state == kError.
std::vector<HtmlEscaper> HtmlActionEscapers(HtmlContext* c, std::string_view last_command,
                                            bool* keeps_predefined);

// jsValEscaper's finishing of a value's JSON: spaces around it when it begins or ends like an
// identifier or number (so `x in{{.}}` cannot run together), U+2028 and U+2029 escaped.
std::string JsValFromJson(std::string_view json);

// Applies one escaper to `s`, whose content is `content` (kPlain after the first escaper).
std::string ApplyHtmlEscaper(HtmlEscaper e, std::string_view s, HtmlContent content);

}  // namespace tocsin::tmpl
