// A .test file of the PromQL test DSL (Prometheus's promqltest format), parsed into commands:
// `load`/`load_with_nhcb` blocks, `clear`, and `eval instant`/`eval range` statements with their
// `expect` lines and expected results, including the deprecated eval_fail/eval_warn/eval_info/
// eval_ordered and expected_fail_message/expected_fail_regexp forms.
//
// The file is read line by line as upstream's harness reads it: lines are trimmed, a line whose
// first character is `#` counts as blank, and a block runs to the next blank line. Errors in the
// DSL itself fail the whole file and name file:line (and the column where the PromQL parser gives
// one). An eval expression that does not parse only fails its own eval, so that one parser gap
// does not hide every other result in the file (upstream would fail the whole file).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/promql/ast.h"
#include "engine/promql/parser.h"
#include "engine/promql/promqltest/expectation.h"
#include "storage/base/labels.h"
#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::promql::promqltest {

// The parser options of upstream's test engine: every experimental syntax on.
ParserOptions TestParserOptions();

struct LoadedSeries {
  int line = 0;
  Labels labels;
  // Value i is at time i*step; `omitted` values leave a gap, `histogram` marks {{...}} samples.
  std::vector<SequenceValue> values;
  // From an `@st` line before the series: per value, the start timestamp as an offset from the
  // sample's time (nullopt for `_`). Empty when the series has no `@st` line.
  std::vector<std::optional<DurationMs>> start_offsets;
};

struct LoadCommand {
  int line = 0;
  DurationMs step = 0;
  bool with_nhcb = false;  // load_with_nhcb: classic histograms also become NHCB series
  std::vector<LoadedSeries> series;
};

struct ClearCommand {
  int line = 0;
};

struct EvalCommand {
  int line = 0;
  std::string expr_text;    // as written in the file
  ExprPtr expr;             // null when the expression did not parse
  std::string parse_error;  // then: the parser's error, placed at file:line:col
  bool is_range = false;
  TimestampMs eval_time = 0;  // instant evals (the end of an `expect range vector` grid)
  TimeGrid range;             // range evals
  ExpectedResult expected;
  FailExpectation fail;
  AnnotationExpectations annotations;
  // `expect string` and `expect range vector` results have no range-query counterpart.
  bool skip_range_mode_check = false;
  std::vector<std::string> result_lines;  // the expected result as written, for reports
};

using Command = std::variant<LoadCommand, ClearCommand, EvalCommand>;

struct Script {
  std::string file_name;
  std::vector<Command> commands;
};

// Parses the DSL. `file_name` only prefixes error messages ("file.test:12: ...").
Result<Script> ParseScript(std::string_view text, std::string_view file_name);

// Go's strconv-style number of a bare scalar line: ParseInt with base prefixes, else ParseFloat
// (decimal, exponent, hex float, Inf/Infinity/NaN in any case, optional sign).
std::optional<double> ParseGoNumber(std::string_view s);

// How many eval statements the file holds, counted from the command words alone, so a file that
// fails to parse can still be counted.
int CountEvalStatements(std::string_view text);

}  // namespace tocsin::promql::promqltest
