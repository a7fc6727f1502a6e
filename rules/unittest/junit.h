// JUnit XML results of rule unit tests, in promtool's layout (util/junitxml): one <testsuite> per
// test file, one <testcase> per test group, a <failure> per failed check, an <error> when the file
// itself could not be run.
#pragma once

#include <string>
#include <vector>

namespace tocsin::rules::unittest {

struct JUnitCase {
  std::string name;
  std::vector<std::string> failures;
  std::string error;
};

struct JUnitSuite {
  std::string name;
  std::string timestamp;  // local time, "2006-01-02T15:04:05"; empty when the file did not load
  int errors = 0;
  std::vector<JUnitCase> cases;

  // A failure of the last case (a case "unknown" is made when there is none yet).
  void Fail(std::string failure);
  // An error of the whole suite, recorded on its last case.
  void Abort(std::string error);
};

// <testsuites><testsuite name=".." tests="N" failures="N" errors="N" skipped="0" timestamp="..">
// ... as Go's encoding/xml writes it (no indentation, no trailing newline).
std::string JUnitXml(const std::vector<JUnitSuite>& suites);

// The current local time as the timestamp attribute wants it.
std::string JUnitTimestampNow();

}  // namespace tocsin::rules::unittest
