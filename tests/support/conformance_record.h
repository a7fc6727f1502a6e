// Outcome of one upstream conformance case (a rulefmt file, an Alertmanager config, a promtool
// invocation), kept as a file so `make test` can print "N passed, M failed" per data set after
// ctest has run every case in its own process.
//
// Each outcome is <build>/conformance-results/<set>/<case>, holding "passed" or "failed";
// tests/conformance/print_summary.cmake counts them. The cases still fail their gtest as before:
// the record only adds the count.
#pragma once

#include <string>
#include <string_view>

namespace tocsin::test {

void RecordConformanceOutcome(std::string_view set, std::string_view case_name, bool passed);

// The number of failed assertions in the running test so far: a loop over cases compares it
// before and after one case to know whether that case passed.
int FailedAssertionsSoFar();

// Records the current test's outcome when it goes out of scope, so every ASSERT that returns
// early still counts as a failure. Declare it first in the test body.
class ConformanceCaseRecorder {
 public:
  ConformanceCaseRecorder(std::string_view set, std::string_view case_name);
  ~ConformanceCaseRecorder();
  ConformanceCaseRecorder(const ConformanceCaseRecorder&) = delete;
  ConformanceCaseRecorder& operator=(const ConformanceCaseRecorder&) = delete;

 private:
  std::string set_;
  std::string case_name_;
};

}  // namespace tocsin::test
