#include "engine/promql/promqltest/script.h"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "storage/base/strings.h"

namespace tocsin::promql::promqltest {
namespace {

// Upstream's command grammar, kept as regular expressions so that odd spacing and greedy/lazy
// splitting of `from ... to ... step ...` behave as upstream's do (RE2 and Go's regexp agree).
const RE2& LoadPattern() {
  static const RE2 re(R"(^load(?:_(with_nhcb))?\s+(.+?)$)");
  return re;
}
const RE2& EvalInstantPattern() {
  static const RE2 re(R"(^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$)");
  return re;
}
const RE2& EvalRangePattern() {
  static const RE2 re(
      R"(^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$)");
  return re;
}
const RE2& ExpectPattern() {
  static const RE2 re(
      R"(^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$)");
  return re;
}
const RE2& ExpectRangeVectorPattern() {
  static const RE2 re(R"(^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$)");
  return re;
}

constexpr std::string_view kExpectRangeVector = "expect range vector";
constexpr std::string_view kExpectString = "expect string";

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct Line {
  std::string text;  // trimmed; empty for blank and comment lines
  int indent = 0;    // bytes trimmed from the front, to place parser columns
};

std::vector<Line> SplitLines(std::string_view input) {
  std::vector<Line> lines;
  size_t pos = 0;
  while (true) {
    const size_t nl = input.find('\n', pos);
    const std::string_view raw =
        input.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    Line line;
    const std::string_view trimmed = Trim(raw);
    if (!trimmed.starts_with('#')) {
      line.text = std::string(trimmed);
      line.indent = static_cast<int>(trimmed.data() - raw.data());
    }
    lines.push_back(std::move(line));
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return lines;
}

std::string FirstWord(std::string_view line) {
  const size_t end = line.find_first_of(" \t");
  return std::string(line.substr(0, end));
}

// Parses the PromQL parser's "L:C: message" prefix so the position can be moved into the file.
struct Positioned {
  int line = 0;
  int col = 0;
  std::string rest;
};
std::optional<Positioned> SplitPosition(const std::string& message) {
  Positioned p;
  const char* s = message.data();
  const char* end = s + message.size();
  auto r1 = std::from_chars(s, end, p.line);
  if (r1.ec != std::errc() || r1.ptr == end || *r1.ptr != ':') return std::nullopt;
  auto r2 = std::from_chars(r1.ptr + 1, end, p.col);
  if (r2.ec != std::errc() || r2.ptr + 1 >= end || r2.ptr[0] != ':' || r2.ptr[1] != ' ') {
    return std::nullopt;
  }
  p.rest = std::string(r2.ptr + 2, end);
  return p;
}

class ScriptParser {
 public:
  ScriptParser(std::string_view text, std::string_view file_name)
      : lines_(SplitLines(text)), file_(file_name) {}

  Result<Script> Parse() {
    Script script;
    script.file_name = file_;
    for (size_t i = 0; i < lines_.size(); ++i) {
      const std::string& l = lines_[i].text;
      if (l.empty()) continue;
      const std::string word = Lower(FirstWord(l));
      Status st;
      if (word == "clear") {
        script.commands.emplace_back(ClearCommand{LineNo(i)});
      } else if (word.starts_with("load")) {
        auto cmd = ParseLoad(i);
        if (!cmd.ok()) return cmd.error();
        script.commands.emplace_back(std::move(cmd).value());
      } else if (word.starts_with("eval")) {
        auto cmd = ParseEval(i);
        if (!cmd.ok()) return cmd.error();
        script.commands.emplace_back(std::move(cmd).value());
      } else {
        return Err(i, "invalid command " + GoQuote(l));
      }
    }
    return script;
  }

 private:
  static int LineNo(size_t i) { return static_cast<int>(i) + 1; }

  Error Err(size_t i, const std::string& message) const {
    return Error{file_ + ":" + std::to_string(LineNo(i)) + ": " + message};
  }

  // A PromQL parser error for text that starts at byte `col_offset` of line i.
  Error ParserErr(size_t i, int col_offset, const std::string& message) const {
    if (auto p = SplitPosition(message)) {
      const int line = LineNo(i) + p->line - 1;
      const int col = p->line == 1 ? p->col + col_offset : p->col;
      return Error{file_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + p->rest};
    }
    return Err(i, message);
  }

  Result<SeriesDesc> ParseSeries(size_t i, std::string_view text) const {
    auto desc = ParseSeriesDesc(text);
    if (!desc.ok()) return ParserErr(i, lines_[i].indent, desc.message());
    return desc;
  }

  Result<DurationMs> ParseTime(size_t i, const char* what, const std::string& s) const {
    auto d = ParseDuration(s);
    if (!d.ok())
      return Err(i, std::string("invalid ") + what + " " + GoQuote(s) + ": " + d.message());
    return d;
  }

  // ---- load ------------------------------------------------------------------------------

  Result<LoadCommand> ParseLoad(size_t& i) {
    std::string nhcb, step_text;
    if (!RE2::FullMatch(lines_[i].text, LoadPattern(), &nhcb, &step_text)) {
      return Err(i, "invalid load command (want: load[_with_nhcb] <step>)");
    }
    LoadCommand cmd;
    cmd.line = LineNo(i);
    cmd.with_nhcb = nhcb == "with_nhcb";
    auto step = ParseTime(i, "step definition", step_text);
    if (!step.ok()) return step.error();
    cmd.step = *step;

    std::optional<LoadedSeries> pending_st;  // an @st line waiting for its sample line
    size_t pending_line = 0;
    while (i + 1 < lines_.size()) {
      ++i;
      const std::string& def = lines_[i].text;
      if (def.empty()) {
        --i;
        break;
      }
      if (auto st_metric_end = StartTimestampMarker(def)) {
        if (pending_st) return Err(pending_line, "@st line has no following sample line");
        auto st = ParseStartTimestampLine(i, def, *st_metric_end);
        if (!st.ok()) return st.error();
        pending_st = std::move(st).value();
        pending_line = i;
        continue;
      }
      auto desc = ParseSeries(i, def);
      if (!desc.ok()) return desc.error();
      LoadedSeries s{LineNo(i), std::move(desc->labels), std::move(desc->values), {}};
      if (pending_st) {
        if (!(pending_st->labels == s.labels)) {
          return Err(pending_line, "@st metric does not match the following sample line metric");
        }
        if (pending_st->start_offsets.size() != s.values.size()) {
          return Err(pending_line,
                     "@st line has " + std::to_string(pending_st->start_offsets.size()) +
                         " values but sample line has " + std::to_string(s.values.size()));
        }
        s.start_offsets = std::move(pending_st->start_offsets);
        pending_st.reset();
      }
      // A label set given twice in one block keeps the later line, as upstream's map does.
      auto same = std::find_if(cmd.series.begin(), cmd.series.end(),
                               [&](const LoadedSeries& o) { return o.labels == s.labels; });
      if (same != cmd.series.end()) {
        *same = std::move(s);
      } else {
        cmd.series.push_back(std::move(s));
      }
    }
    if (pending_st) return Err(pending_line, "@st line has no following sample line");
    return cmd;
  }

  // If the line is `selector@st values`, the length of the selector.
  static std::optional<size_t> StartTimestampMarker(std::string_view def) {
    size_t i = 0;
    while (i < def.size() && !IsSpace(def[i]) && def[i] != '{' && def[i] != '@') ++i;
    if (i < def.size() && def[i] == '{') {
      char quote = 0;
      for (++i; i < def.size(); ++i) {
        const char c = def[i];
        if (quote) {
          if (c == '\\' && quote != '`') {
            ++i;
          } else if (c == quote) {
            quote = 0;
          }
        } else if (c == '"' || c == '\'' || c == '`') {
          quote = c;
        } else if (c == '}') {
          break;
        }
      }
      if (i >= def.size()) return std::nullopt;
      ++i;
    }
    const std::string_view rest = def.substr(i);
    if (!rest.starts_with("@st")) return std::nullopt;
    if (rest.size() > 3 && !IsSpace(rest[3])) return std::nullopt;
    return i;
  }

  Result<LoadedSeries> ParseStartTimestampLine(size_t i, std::string_view def,
                                               size_t metric_end) const {
    LoadedSeries st;
    st.line = LineNo(i);
    auto desc = ParseSeries(i, std::string(def.substr(0, metric_end)) + " _");
    if (!desc.ok()) return desc.error();
    st.labels = std::move(desc->labels);
    const std::string_view items = Trim(def.substr(metric_end + 3));
    if (items.empty()) return Err(i, "invalid @st line: missing value sequence");
    size_t pos = 0;
    while (pos < items.size()) {
      while (pos < items.size() && IsSpace(items[pos])) ++pos;
      size_t end = pos;
      while (end < items.size() && !IsSpace(items[end])) ++end;
      if (end == pos) break;
      const std::string_view item = items.substr(pos, end - pos);
      if (Status s = AppendStartTimestampItem(item, st.start_offsets); !s.ok()) {
        return Err(i,
                   "invalid @st sequence: invalid ST item " + GoQuote(item) + ": " + s.message());
      }
      pos = end;
    }
    return st;
  }

  // A Prometheus duration with an optional sign at the front of s; stops before an `x` (repeat
  // count) or a `+`/`-` (step). Returns milliseconds and advances s.
  static Result<DurationMs> TakeDuration(std::string_view& s) {
    bool negative = false;
    size_t i = 0;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
    const size_t start = i;
    // Digits and unit letters may alternate ("1m30s"); `x` is never part of a unit.
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) ||
                            (std::isalpha(static_cast<unsigned char>(s[i])) && s[i] != 'x'))) {
      ++i;
    }
    if (i == start || !std::isdigit(static_cast<unsigned char>(s[start]))) {
      return Error{"expected digits in duration " + GoQuote(s)};
    }
    auto d = ParseDuration(s.substr(start, i - start));
    if (!d.ok()) return d.error();
    s.remove_prefix(i);
    return negative ? -*d : *d;
  }

  static Result<size_t> TakeCount(std::string_view s) {
    size_t n = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) {
      return Error{"invalid repeat count"};
    }
    return n;
  }

  static Status AppendStartTimestampItem(std::string_view item,
                                         std::vector<std::optional<DurationMs>>& out) {
    if (item == "_") {
      out.emplace_back();
      return Status::Ok();
    }
    if (item.starts_with("_x")) {
      auto n = TakeCount(item.substr(2));
      if (!n.ok() || *n == 0) return Error{"invalid repeat count"};
      out.insert(out.end(), *n, std::nullopt);
      return Status::Ok();
    }
    std::string_view rest = item;
    auto base = TakeDuration(rest);
    if (!base.ok()) return base.error();
    if (rest.empty()) {
      out.emplace_back(*base);
      return Status::Ok();
    }
    DurationMs delta = 0;
    if (rest[0] == '+' || rest[0] == '-') {
      const bool negative = rest[0] == '-';
      rest.remove_prefix(1);
      auto d = TakeDuration(rest);
      if (!d.ok()) return Error{"invalid step duration: " + d.message()};
      delta = negative ? -*d : *d;
      if (rest.empty() || rest[0] != 'x') return Error{"expected 'x<count>' after step duration"};
    } else if (rest[0] != 'x') {
      return Error{std::string("unexpected character '") + rest[0] + "' after duration"};
    }
    auto n = TakeCount(rest.substr(1));
    if (!n.ok()) return n.error();
    DurationMs offset = *base;
    for (size_t k = 0; k <= *n; ++k) {
      out.emplace_back(offset);
      offset += delta;
    }
    return Status::Ok();
  }

  // ---- eval ------------------------------------------------------------------------------

  Result<EvalCommand> ParseEval(size_t& i) {
    const std::string& header = lines_[i].text;
    std::string mod, at, expr, from, to, step;
    EvalCommand cmd;
    cmd.line = LineNo(i);
    const bool instant = RE2::FullMatch(header, EvalInstantPattern(), &mod, &at, &expr);
    if (!instant) {
      if (!RE2::FullMatch(header, EvalRangePattern(), &mod, &from, &to, &step, &expr)) {
        return Err(i,
                   "invalid evaluation command; want 'eval[_fail|_warn|_info|_ordered] instant "
                   "[at <offset:duration>] <query>' or 'eval[_fail|_warn|_info] range from "
                   "<from> to <to> step <step> <query>'");
      }
    }
    cmd.expr_text = expr;
    auto parsed = ParseExpr(expr, TestParserOptions());
    if (parsed.ok()) {
      cmd.expr = std::move(parsed).value();
    } else {
      const int col_offset = lines_[i].indent + static_cast<int>(header.find(expr));
      cmd.parse_error = ParserErr(i, col_offset, parsed.message()).message;
    }
    auto eval_err = [&](const std::string& m) {
      return Err(i, "error in eval " + expr + ": " + m);
    };

    if (instant) {
      auto t = ParseTime(i, "timestamp definition", at);
      if (!t.ok()) return eval_err(t.message());
      cmd.eval_time = *t;
    } else {
      auto grid = ParseGrid(from, to, step);
      if (!grid.ok()) return eval_err(grid.message());
      cmd.is_range = true;
      cmd.range = *grid;
      cmd.expected.grid = *grid;
    }
    if (mod == "ordered") cmd.expected.ordered = true;
    if (mod == "fail") cmd.fail.expected = true;
    if (mod == "warn") cmd.annotations.require_warn = true;
    if (mod == "info") cmd.annotations.require_info = true;
    const bool legacy_fail = mod == "fail";

    bool range_vector = false;
    int expect_fail_lines = 0;
    int position = 1;  // counts result lines (and expect range vector/string lines), as upstream
    while (i + 1 < lines_.size()) {
      ++i;
      const std::string& def = lines_[i].text;
      if (def.empty()) {
        --i;
        break;
      }
      if (legacy_fail && def.starts_with("expected_fail_message")) {
        cmd.fail.legacy_matcher =
            TextMatcher::Exact(std::string(Trim(std::string_view(def).substr(21))));
        break;
      }
      if (legacy_fail && def.starts_with("expected_fail_regexp")) {
        const std::string pattern(Trim(std::string_view(def).substr(20)));
        auto m = TextMatcher::Regex(pattern);
        if (!m.ok()) return eval_err("invalid regexp '" + pattern + "' for expected_fail_regexp");
        cmd.fail.legacy_matcher = std::move(m).value();
        break;
      }
      if (def.starts_with(kExpectRangeVector)) {
        std::string f, t, s;
        if (!RE2::FullMatch(def, ExpectRangeVectorPattern(), &f, &t, &s)) {
          return eval_err("invalid range vector definition " + GoQuote(def));
        }
        auto grid = ParseGrid(f, t, s);
        if (!grid.ok()) return eval_err(grid.message());
        range_vector = true;
        cmd.expected.grid = *grid;
        cmd.eval_time = grid->end;
        cmd.skip_range_mode_check = true;
        ++position;
        continue;
      }
      if (def.starts_with(kExpectString)) {
        auto s = ParseExpectedString(def);
        if (!s.ok()) return eval_err(s.message());
        cmd.expected.string = std::move(s).value();
        cmd.skip_range_mode_check = true;
        cmd.result_lines.push_back(def);
        ++position;
        continue;
      }
      if (def.substr(0, def.find(' ')) == "expect") {
        if (Status s = ParseExpect(def, cmd, expect_fail_lines); !s.ok())
          return eval_err(s.message());
        continue;
      }
      if (auto number = ParseGoNumber(def)) {
        cmd.expected.scalar = SequenceValue{false, *number, false};
        cmd.result_lines.push_back(def);
        break;  // a scalar line ends the block
      }
      auto desc = ParseSeries(i, def);
      if (!desc.ok()) return desc.error();
      if (desc->values.size() > 1 && instant && !range_vector) {
        return eval_err(
            "expecting multiple values in instant evaluation not allowed; use 'expect range "
            "vector' for a range vector result of an instant query");
      }
      cmd.expected.AddSeries(
          ExpectedSeries{LineNo(i), position, std::move(desc->labels), std::move(desc->values)});
      cmd.result_lines.push_back(def);
      ++position;
    }
    return cmd;
  }

  static Result<TimeGrid> ParseGrid(const std::string& from, const std::string& to,
                                    const std::string& step) {
    auto f = ParseDuration(from);
    if (!f.ok())
      return Error{"invalid start timestamp definition " + GoQuote(from) + ": " + f.message()};
    auto t = ParseDuration(to);
    if (!t.ok())
      return Error{"invalid end timestamp definition " + GoQuote(to) + ": " + t.message()};
    if (*t < *f) {
      return Error{"invalid test definition, end timestamp (" + to +
                   ") is before start timestamp (" + from + ")"};
    }
    auto s = ParseDuration(step);
    if (!s.ok()) return Error{"invalid step definition " + GoQuote(step) + ": " + s.message()};
    return TimeGrid{*f, *t, *s};
  }

  static Result<std::string> ParseExpectedString(const std::string& def) {
    const std::string_view rest = std::string_view(def).substr(kExpectString.size());
    if (rest.empty() || rest.size() == 1) {
      return Error{"expected string literal not valid - a quoted string literal is required"};
    }
    const std::string_view quoted = rest.substr(1);  // after the one separating space
    // A Go-quoted string: double quotes with escapes, or back quotes verbatim. PromQL string
    // literals have exactly these forms, so the PromQL parser unquotes them.
    if (rest[0] == ' ' && (quoted.starts_with('"') || quoted.starts_with('`'))) {
      auto e = ParseExpr(quoted);
      if (e.ok() && (*e)->kind == ExprKind::kStringLiteral) {
        return static_cast<const StringLiteral&>(**e).value;
      }
    }
    return Error{"expected string literal not valid - check that the string is correctly quoted"};
  }

  static Status ParseExpect(const std::string& def, EvalCommand& cmd, int& fail_lines) {
    std::string type, match_type, text;
    if (!RE2::FullMatch(std::string(Trim(def)), ExpectPattern(), &type, &match_type, &text)) {
      return Error{"invalid expect statement, must match `expect <type> <match_type>: <string>`"};
    }
    TextMatcher matcher = TextMatcher::Any();
    if (match_type == "msg") {
      matcher = TextMatcher::Exact(std::string(Trim(text)));
    } else if (match_type == "regex") {
      auto m = TextMatcher::Regex(std::string(Trim(text)));
      if (!m.ok()) return Error{"invalid regex " + std::string(Trim(text)) + " for " + type};
      matcher = std::move(m).value();
    }
    AnnotationExpectations& a = cmd.annotations;
    if (type == "ordered") {
      cmd.expected.ordered = true;
    } else if (type == "fail") {
      if (++fail_lines > 1) {
        return Error{"invalid expect lines, multiple expect fail lines are not allowed"};
      }
      cmd.fail.expected = true;
      if (match_type == "msg" || match_type == "regex") cmd.fail.matcher = std::move(matcher);
    } else if (type == "warn") {
      a.warn.push_back(std::move(matcher));
    } else if (type == "no_warn") {
      a.no_warn = true;
    } else if (type == "info") {
      a.info.push_back(std::move(matcher));
    } else if (type == "no_info") {
      a.no_info = true;
    }
    if (!a.info.empty() && a.no_info) {
      return Error{"invalid expect lines, info and no_info cannot be used together"};
    }
    if (!a.warn.empty() && a.no_warn) {
      return Error{"invalid expect lines, warn and no_warn cannot be used together"};
    }
    return Status::Ok();
  }

  std::vector<Line> lines_;
  std::string file_;
};

bool EqualFold(std::string_view a, std::string_view b) {
  return a.size() == b.size() && Lower(a) == Lower(b);
}

std::optional<double> ParseGoInt(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  bool prefixed = false;
  if (s.size() >= 2 && s[0] == '0') {
    const char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s[1])));
    if (p == 'x') base = 16, prefixed = true;
    if (p == 'o') base = 8, prefixed = true;
    if (p == 'b') base = 2, prefixed = true;
    if (!prefixed) base = 8;  // a leading 0 means octal
  }
  std::string digits;
  std::string_view body = prefixed ? s.substr(2) : s;
  for (size_t k = 0; k < body.size(); ++k) {
    if (body[k] == '_') {
      // Underscores only separate digits, and only with a base prefix (Go's rule).
      if (!prefixed || k + 1 == body.size() || body[k + 1] == '_') return std::nullopt;
      continue;
    }
    digits += body[k];
  }
  if (digits.empty()) return std::nullopt;
  uint64_t magnitude = 0;
  auto r = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) return std::nullopt;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (magnitude > limit) return std::nullopt;
  const double v = static_cast<double>(magnitude);
  return negative ? -v : v;
}

}  // namespace

ParserOptions TestParserOptions() {
  ParserOptions o;
  o.experimental_functions = true;
  o.duration_expressions = true;
  o.extended_range_selectors = true;
  o.binop_fill_modifiers = true;
  return o;
}

Result<Script> ParseScript(std::string_view text, std::string_view file_name) {
  return ScriptParser(text, file_name).Parse();
}

std::optional<double> ParseGoNumber(std::string_view s) {
  if (auto i = ParseGoInt(s)) return i;
  bool negative = false;
  std::string_view body = s;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (EqualFold(body, "inf") || EqualFold(body, "infinity")) {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (EqualFold(body, "nan")) return std::numeric_limits<double>::quiet_NaN();
  if (body.empty()) return std::nullopt;
  double v = 0;
  std::from_chars_result r{};
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    // Hex floats need a binary exponent in Go ("0x1.8p3").
    if (body.find_first_of("pP") == std::string_view::npos) return std::nullopt;
    r = std::from_chars(body.data() + 2, body.data() + body.size(), v, std::chars_format::hex);
  } else {
    if (!std::isdigit(static_cast<unsigned char>(body[0])) && body[0] != '.') return std::nullopt;
    r = std::from_chars(body.data(), body.data() + body.size(), v, std::chars_format::general);
  }
  if (r.ec != std::errc() || r.ptr != body.data() + body.size()) return std::nullopt;
  return negative ? -v : v;
}

int CountEvalStatements(std::string_view text) {
  int n = 0;
  for (const Line& line : SplitLines(text)) {
    if (line.text.empty()) continue;
    if (RE2::FullMatch(line.text, EvalInstantPattern()) ||
        RE2::FullMatch(line.text, EvalRangePattern())) {
      ++n;
    }
  }
  return n;
}

}  // namespace tocsin::promql::promqltest
