# Prints the conformance figures after `make test`'s ctest run: the PromQL line the
# conformance_promql test wrote, then one "N passed, M failed" line per other upstream data set,
# counted from the per-case records the gtests leave under conformance-results/<set>/ (see
# tests/support/conformance_record.h).
#
# Variables: BUILD_DIR (the test build tree, an absolute path).
function(print_line set figures)
  string(LENGTH "${set}" len)
  math(EXPR pad "28 - ${len}")
  if(pad LESS 1)
    set(pad 1)
  endif()
  string(REPEAT " " ${pad} spaces)
  message("conformance  ${set}${spaces}${figures}")
endfunction()

set(promql "${BUILD_DIR}/conformance-summary.txt")
if(EXISTS "${promql}")
  file(READ "${promql}" line)
  string(STRIP "${line}" line)
  print_line("promql (evals)" "${line}")
endif()

set(results "${BUILD_DIR}/conformance-results")
if(NOT IS_DIRECTORY "${results}")
  return()
endif()
file(GLOB sets RELATIVE "${results}" "${results}/*")
list(SORT sets)
foreach(set IN LISTS sets)
  file(GLOB cases "${results}/${set}/*")
  set(passed 0)
  set(failed 0)
  foreach(case IN LISTS cases)
    file(READ "${case}" outcome)
    if(outcome MATCHES "^passed")
      math(EXPR passed "${passed} + 1")
    else()
      math(EXPR failed "${failed} + 1")
    endif()
  endforeach()
  print_line("${set}" "${passed} passed, ${failed} failed")
endforeach()
