// Runs .test files (the PromQL test DSL, see script.h) against tocsin's Engine over a fresh
// in-memory store, with the settings of upstream's harness: lookback 5m, delayed name removal,
// at most 10000 samples per query, 1m default subquery step, every experimental syntax on.
//
// Each eval statement is one unit. It passes only if the query, and for instant evals every
// implicit re-run (step_invariance.h), gives the expected outcome. It is skipped only when it
// needs native histograms, which tocsin's float-only storage cannot hold: an expected value is a
// {{...}} histogram, or a selector reads a series loaded with {{...}} samples or made by
// load_with_nhcb. Evals that read `@st` start timestamps fail, since the store keeps none.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/promql/engine.h"
#include "engine/promql/promqltest/script.h"

namespace re2 {
class RE2;
}

namespace tocsin::promql::promqltest {

struct EvalOutcome {
  enum class Verdict { kPassed, kFailed, kSkipped };
  Verdict verdict = Verdict::kPassed;
  int line = 0;
  std::string expr;  // as written in the file
  // kFailed: what went wrong; kSkipped: why it was not run.
  std::string reason;
  // The run that failed when it was not the eval as written, e.g.
  // "@-pinned re-run at t=-50m: rate(x[5m] @ 300.000)".
  std::string run;
  std::string expected;  // the expected outcome as the file states it
  std::string got;       // the failing run's result or error
};

struct FileReport {
  std::string file;
  // Set when the file could not be read or parsed, or a load failed; evals that could not run
  // because of it count as failed (`not_run`).
  std::string error;
  int not_run = 0;
  std::vector<EvalOutcome> evals;

  int passed() const { return Count(EvalOutcome::Verdict::kPassed); }
  int failed() const { return Count(EvalOutcome::Verdict::kFailed) + not_run; }
  int skipped() const { return Count(EvalOutcome::Verdict::kSkipped); }

 private:
  int Count(EvalOutcome::Verdict v) const;
};

struct RunnerOptions {
  // When set, only evals whose expression this matches (unanchored) run and are counted.
  std::shared_ptr<const re2::RE2> filter;
};

// The engine settings of upstream's test harness.
EngineOptions TestEngineOptions();

// Runs a parsed script from a fresh, empty store.
FileReport RunScript(const Script& script, const RunnerOptions& options = {});

// Reads, parses and runs one file. A file that does not parse reports the error, and all its
// eval statements count as failed.
FileReport RunTestFile(const std::string& path, const RunnerOptions& options = {});

// Same, for text already in memory (`name` labels the report and error messages).
FileReport RunTestText(std::string_view text, std::string_view name,
                       const RunnerOptions& options = {});

}  // namespace tocsin::promql::promqltest
