# Runs `tocsin test promql` over the upstream PromQL conformance files and fails only when the
# number of passing eval statements drops below the checked-in floor (or when the run itself
# breaks: a crash, a sanitizer report, no summary line). Failing evals alone do not fail it: the
# suite measures progress; the floor keeps it from going backwards.
#
# Variables: TOCSIN (the binary), TEST_DIR (the .test files), FLOOR_FILE, OUT_DIR,
# MAX_SKIPPED (evals that need native histograms; more skips mean the heuristic is wrong), and
# optionally TEST_DIR_2_42: the Prometheus 2.42 files, run for information only (2.x semantics
# differ: left-closed windows, no delayed name removal), never gating.
file(GLOB files "${TEST_DIR}/*.test")
if(NOT files)
  message(FATAL_ERROR "no .test files in ${TEST_DIR} (set TOCSIN_SHARED_DIR)")
endif()
list(SORT files)

set(summary_file "${OUT_DIR}/conformance-summary.txt")
set(per_file "${OUT_DIR}/conformance-promql-by-file.txt")
set(log "${OUT_DIR}/conformance-promql.log")
file(REMOVE "${summary_file}")
execute_process(
  COMMAND "${TOCSIN}" test promql --summary-file "${summary_file}" --per-file-summary "${per_file}"
          ${files}
  RESULT_VARIABLE rc
  OUTPUT_FILE "${log}"
  ERROR_VARIABLE stderr)

if(stderr MATCHES "Sanitizer|runtime error:")
  message(FATAL_ERROR "sanitizer report while running the conformance suite:\n${stderr}")
endif()
# Exit code 1 only says that some evals failed.
if(NOT rc EQUAL 0 AND NOT rc EQUAL 1)
  message(FATAL_ERROR "tocsin test promql exited with ${rc}:\n${stderr}\n(log: ${log})")
endif()
if(NOT EXISTS "${summary_file}")
  message(FATAL_ERROR "no summary written (log: ${log})\n${stderr}")
endif()

file(READ "${summary_file}" summary)
string(STRIP "${summary}" summary)
if(NOT summary MATCHES "^([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$")
  message(FATAL_ERROR "unexpected summary line: ${summary}")
endif()
set(passed ${CMAKE_MATCH_1})
set(skipped ${CMAKE_MATCH_3})

file(STRINGS "${FLOOR_FILE}" floor_lines REGEX "^[0-9]+$")
list(GET floor_lines 0 floor)
message(STATUS "PromQL conformance: ${summary} (floor ${floor}); per file: ${per_file}; log: ${log}")
if(passed LESS floor)
  message(FATAL_ERROR "PromQL conformance regressed: ${passed} evals pass, the floor is ${floor} "
                      "(failures in ${log})")
endif()
if(skipped GREATER MAX_SKIPPED)
  message(FATAL_ERROR "${skipped} evals skipped, more than the ${MAX_SKIPPED} that need native "
                      "histograms")
endif()

if(TEST_DIR_2_42)
  file(GLOB old_files "${TEST_DIR_2_42}/*.test")
  list(SORT old_files)
  execute_process(
    COMMAND "${TOCSIN}" test promql --summary-file "${OUT_DIR}/conformance-promql-2.42-summary.txt"
            --per-file-summary "${OUT_DIR}/conformance-promql-2.42-by-file.txt" ${old_files}
    OUTPUT_FILE "${OUT_DIR}/conformance-promql-2.42.log"
    ERROR_QUIET)
  if(EXISTS "${OUT_DIR}/conformance-promql-2.42-summary.txt")
    file(READ "${OUT_DIR}/conformance-promql-2.42-summary.txt" old_summary)
    string(STRIP "${old_summary}" old_summary)
    message(STATUS "For information, the Prometheus 2.42 files (2.x semantics): ${old_summary}")
  endif()
endif()
