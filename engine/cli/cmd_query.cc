// `tocsin query [--series-file F.test] [--time T | --start S --end E --step D] [--format
// table|json] EXPR`: evaluates one PromQL expression over the data of a .test file's load blocks
// and prints the result as a table or as the Prometheus HTTP API's JSON.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "engine/cli/commands.h"
#include "engine/promql/engine.h"
#include "engine/promql/format/api_json.h"
#include "engine/promql/format/result_table.h"
#include "engine/promql/parser.h"
#include "engine/promql/promqltest/loader.h"
#include "engine/promql/promqltest/runner.h"
#include "engine/promql/promqltest/script.h"
#include "storage/tsdb/series_store.h"

namespace tocsin::cli {
namespace {

struct QueryOptions {
  std::string expr;
  std::string series_file;
  std::string time;
  std::string start;
  std::string end;
  std::string step;
  std::string format = "table";
  bool experimental = false;
};

// A time on the command line: a duration since the Unix epoch as .test files write times ("5m",
// "1h30m", "0"), Unix seconds ("1700000000", "1.5"), or RFC 3339 ("2024-05-01T12:00:00Z").
Result<TimestampMs> ParseTimeArg(const std::string& s) {
  if (auto d = ParseDuration(s); d.ok()) return *d;
  char* end = nullptr;
  const double seconds = std::strtod(s.c_str(), &end);
  if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(seconds)) {
    return static_cast<TimestampMs>(std::llround(seconds * 1000));
  }
  if (auto t = ParseRfc3339(s); t.ok()) return *t;
  return Error{"invalid time \"" + s +
               "\": want a duration since the epoch (5m), Unix seconds or RFC 3339"};
}

Result<DurationMs> ParseStepArg(const std::string& s) {
  DurationMs step = 0;
  if (auto d = ParseDuration(s); d.ok()) {
    step = *d;
  } else {
    char* end = nullptr;
    const double seconds = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(seconds)) {
      return Error{"invalid step \"" + s + "\": want a duration (1m) or seconds"};
    }
    step = static_cast<DurationMs>(std::llround(seconds * 1000));
  }
  if (step <= 0) return Error{"invalid step \"" + s + "\": must be positive"};
  return step;
}

// Loads the file's load blocks in order (a `clear` empties the store; evals are ignored).
// Returns the newest sample time, if any.
Result<std::optional<TimestampMs>> LoadSeriesFile(const std::string& path,
                                                  storage::SeriesStore& store) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read the file"};
  std::ostringstream text;
  text << in.rdbuf();
  auto script = promql::promqltest::ParseScript(text.str(), path);
  if (!script.ok()) return script.error();
  std::optional<TimestampMs> newest;
  size_t dropped = 0;
  for (const auto& c : script->commands) {
    if (std::holds_alternative<promql::promqltest::ClearCommand>(c)) {
      store.Clear();
      newest.reset();
    } else if (const auto* load = std::get_if<promql::promqltest::LoadCommand>(&c)) {
      auto stats = promql::promqltest::LoadIntoStore(*load, store);
      if (!stats.ok()) return Error{path + ":" + stats.message()};
      dropped += stats->histogram_samples_dropped;
      for (const auto& s : load->series) {
        for (size_t i = s.values.size(); i-- > 0;) {
          if (!s.values[i].omitted && !s.values[i].histogram) {
            const TimestampMs t = static_cast<TimestampMs>(i) * load->step;
            newest = newest ? std::max(*newest, t) : t;
            break;
          }
        }
      }
    }
  }
  if (dropped > 0) {
    std::cerr << "note: " << dropped
              << " native-histogram samples were not loaded (native histograms are not "
                 "supported)\n";
  }
  return newest;
}

int Run(const QueryOptions& opts) {
  const bool json = opts.format == "json";
  auto fail = [&](const char* type, const std::string& message) {
    if (json) {
      std::cout << promql::QueryErrorJson(type, message) << "\n";
    } else {
      std::cerr << "error: " << message << "\n";
    }
    return 1;
  };

  const bool range = !opts.start.empty() || !opts.end.empty() || !opts.step.empty();
  if (range && (opts.start.empty() || opts.end.empty() || opts.step.empty())) {
    return fail("bad_data", "a range query needs all of --start, --end and --step");
  }
  if (range && !opts.time.empty()) return fail("bad_data", "--time is for instant queries only");

  storage::SeriesStore store(storage::StoreOptions::Unbounded());
  std::optional<TimestampMs> newest;
  if (!opts.series_file.empty()) {
    auto loaded = LoadSeriesFile(opts.series_file, store);
    if (!loaded.ok()) return fail("bad_data", loaded.message());
    newest = *loaded;
  }

  promql::ParserOptions parser_options;
  promql::EngineOptions engine_options;
  if (opts.experimental) {
    parser_options = promql::promqltest::TestParserOptions();
    engine_options = promql::promqltest::TestEngineOptions();
  }
  auto expr = promql::ParseExpr(opts.expr, parser_options);
  if (!expr.ok()) return fail("bad_data", expr.message());
  const promql::Engine engine(engine_options);

  Result<promql::QueryResult> result = Error{};
  if (range) {
    auto start = ParseTimeArg(opts.start);
    auto end = ParseTimeArg(opts.end);
    auto step = ParseStepArg(opts.step);
    for (const auto* e : {&start, &end}) {
      if (!e->ok()) return fail("bad_data", e->message());
    }
    if (!step.ok()) return fail("bad_data", step.message());
    if (*end < *start) return fail("bad_data", "end timestamp must not be before start time");
    result = engine.RangeQuery(store, **expr, *start, *end, *step);
  } else {
    TimestampMs t = 0;
    if (!opts.time.empty()) {
      auto parsed = ParseTimeArg(opts.time);
      if (!parsed.ok()) return fail("bad_data", parsed.message());
      t = *parsed;
    } else if (newest) {
      t = *newest;
    } else {
      t = std::chrono::duration_cast<std::chrono::milliseconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count();
    }
    result = engine.InstantQuery(store, **expr, t);
  }
  if (!result.ok()) return fail("execution", result.message());
  if (json) {
    std::cout << promql::QuerySuccessJson(*result, opts.expr) << "\n";
  } else {
    std::cout << promql::QueryResultTable(*result, opts.expr);
  }
  return 0;
}

}  // namespace

void RegisterQueryCommand(CLI::App& app) {
  auto opts = std::make_shared<QueryOptions>();
  CLI::App* cmd = app.add_subcommand(
      "query",
      "Evaluate a PromQL expression over the data in a .test file's load blocks. Times are "
      "durations since the Unix epoch (5m), Unix seconds or RFC 3339.");
  cmd->add_option("--series-file", opts->series_file,
                  "A .test file whose load (and clear) commands provide the data")
      ->check(CLI::ExistingFile);
  cmd->add_option("--time", opts->time,
                  "Evaluation time of an instant query (default: the newest loaded sample, or "
                  "now without data)");
  cmd->add_option("--start", opts->start, "Start of a range query");
  cmd->add_option("--end", opts->end, "End of a range query");
  cmd->add_option("--step", opts->step, "Step of a range query (1m, or seconds)");
  cmd->add_option("--format", opts->format, "Output: table (default) or json (Prometheus API)")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->add_flag("--experimental", opts->experimental,
                "Experimental PromQL syntax and delayed name removal, as the .test harness "
                "runs them");
  cmd->add_option("expr", opts->expr, "The PromQL expression")->required();
  cmd->callback([opts] { ExitCode() = Run(*opts); });
}

}  // namespace tocsin::cli
