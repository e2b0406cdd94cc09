# cmake -DLATCH_ARGS_FILE=<file> -P LatchTraceBudgetsRun.cmake
# The ctest step behind latch_trace_budgets() (LatchTools.cmake): record,
# then report against the budgets (text to the output, JUnit to a file).
# Fails (exit 1) when the program or the recording fails or a budget breaks.
include("${LATCH_ARGS_FILE}")
execute_process(COMMAND "${LATCH_TRACE_EXE}" record ${A_RECORD_ARGS} -o "${LATCH_OUT}.latch"
  -- "${LATCH_PROG}" ${A_COMMAND} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "latch_trace_budgets: 'latch-trace record -- ${LATCH_PROG}' exited ${rc}")
endif()
execute_process(COMMAND "${LATCH_TRACE_EXE}" report "${LATCH_OUT}.latch" --budgets "${LATCH_BUDGETS}"
  --format junit -o "${LATCH_OUT}.junit.xml" ${A_REPORT_ARGS} RESULT_VARIABLE junit_rc)
execute_process(COMMAND "${LATCH_TRACE_EXE}" report "${LATCH_OUT}.latch" --budgets "${LATCH_BUDGETS}"
  ${A_REPORT_ARGS} RESULT_VARIABLE rc)
message(STATUS "latch_trace_budgets: JUnit report: ${LATCH_OUT}.junit.xml")
if(NOT rc EQUAL 0 OR NOT junit_rc EQUAL 0)
  message(FATAL_ERROR "latch_trace_budgets: 'latch-trace report --budgets ${LATCH_BUDGETS}' exited "
    "${rc} (1: a budget broken, 2: the report could not be made)")
endif()
