#include "tests/support/conformance_record.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/test_paths.h"

namespace tocsin::test {
namespace {

// Case names are file names or argument lists; keep them one path component.
std::string FileNameFor(std::string_view case_name) {
  std::string name(case_name);
  for (char& c : name) {
    if (c == '/' || c == ' ' || c == '\\') c = '_';
  }
  return name;
}

}  // namespace

void RecordConformanceOutcome(std::string_view set, std::string_view case_name, bool passed) {
  const std::filesystem::path dir =
      std::filesystem::path(TOCSIN_BINARY_DIR) / "conformance-results" / std::string(set);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::ofstream out(dir / FileNameFor(case_name), std::ios::trunc);
  out << (passed ? "passed" : "failed") << "\n";
  // A record that cannot be written must not go unnoticed: the summary would under-count.
  EXPECT_TRUE(out.good()) << "cannot write the conformance record in " << dir;
}

int FailedAssertionsSoFar() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return 0;
  const ::testing::TestResult* result = info->result();
  int failed = 0;
  for (int i = 0; i < result->total_part_count(); ++i) {
    if (result->GetTestPartResult(i).failed()) ++failed;
  }
  return failed;
}

ConformanceCaseRecorder::ConformanceCaseRecorder(std::string_view set, std::string_view case_name)
    : set_(set), case_name_(case_name) {}

ConformanceCaseRecorder::~ConformanceCaseRecorder() {
  RecordConformanceOutcome(set_, case_name_, !::testing::Test::HasFailure());
}

}  // namespace tocsin::test
