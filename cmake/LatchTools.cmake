# LatchTools.cmake - latch's tools as ctest entries, so a project does not
# write these steps by hand. Installed with the package (find_package(latch)
# includes it) and included by latch's own top-level CMakeLists.txt. The
# tools are latch::latch-check and latch::latch-trace: IMPORTED from the
# package, ALIAS targets in-tree (built when LATCH_BUILD_TOOLS=ON).
#
# latch_check(<target> [NAME <test>] [CONFIG <file>] [ONLY_UNDER <dir>]
#             [ARGS <arg>...])
#   A ctest entry (default name latch_check_<target>) that runs
#     latch-check -p <build dir> --config <file> [--only-under <dir>] <sources>
#   reachability over the whole compile database, the findings restricted
#   to <target>'s C sources. CONFIG defaults to the .latch.yaml beside the
#   target's CMakeLists.txt (without one, latch-check searches upward from
#   the sources). Switches on EXPORT_COMPILE_COMMANDS for <target>. The test
#   passes on exit 0 and fails on 1 (findings) and 2 (check not done).
#
# latch_trace_budgets(NAME <test> COMMAND <prog> [<arg>...] BUDGETS <file>
#                     [RECORD_ARGS <arg>...] [REPORT_ARGS <arg>...])
#   A ctest entry that records a run (latch-trace record -o <test>.latch --
#   <prog> <args>; <prog> may be a target) and checks the budgets: section
#   of <file> (latch-trace report --budgets). The text report goes to the
#   test's output, <test>.junit.xml beside the trace in the current binary
#   directory, for CI. Fails when the run fails or a budget breaks.
include_guard(GLOBAL)

function(_latch_tool out name)
  if(NOT TARGET latch::${name})
    message(FATAL_ERROR "${CMAKE_CURRENT_FUNCTION}: latch::${name} is not available: in-tree, "
      "configure latch with -DLATCH_BUILD_TOOLS=ON; otherwise find_package(latch) first")
  endif()
  set(${out} "$<TARGET_FILE:latch::${name}>" PARENT_SCOPE)
endfunction()

function(latch_check tgt)
  cmake_parse_arguments(A "" "NAME;CONFIG;ONLY_UNDER" "ARGS" ${ARGN})
  if(A_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "latch_check(${tgt}): unknown arguments: ${A_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${tgt})
    message(FATAL_ERROR "latch_check(${tgt}): no such target")
  endif()
  if(NOT CMAKE_GENERATOR MATCHES "Makefiles|Ninja")
    message(FATAL_ERROR "latch_check(${tgt}): needs compile_commands.json, which only the Makefile "
      "and Ninja generators write (this is ${CMAKE_GENERATOR})")
  endif()
  _latch_tool(_exe latch-check)
  set_property(TARGET ${tgt} PROPERTY EXPORT_COMPILE_COMMANDS ON)
  if(NOT A_NAME)
    set(A_NAME latch_check_${tgt})
  endif()
  get_target_property(_dir ${tgt} SOURCE_DIR)
  if(NOT A_CONFIG AND EXISTS "${_dir}/.latch.yaml")
    set(A_CONFIG "${_dir}/.latch.yaml")
  endif()
  set(_cmd ${_exe} -p ${CMAKE_BINARY_DIR})
  if(A_CONFIG)
    get_filename_component(A_CONFIG "${A_CONFIG}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND _cmd --config ${A_CONFIG})
  endif()
  if(A_ONLY_UNDER)
    get_filename_component(A_ONLY_UNDER "${A_ONLY_UNDER}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND _cmd --only-under ${A_ONLY_UNDER})
  endif()
  list(APPEND _cmd ${A_ARGS})
  get_target_property(_srcs ${tgt} SOURCES)
  set(_n 0)
  foreach(_src IN LISTS _srcs)
    if(_src MATCHES "^\\$<" OR NOT _src MATCHES "\\.c$")
      continue()
    endif()
    get_filename_component(_abs "${_src}" ABSOLUTE BASE_DIR "${_dir}")
    list(APPEND _cmd "${_abs}")
    math(EXPR _n "${_n} + 1")
  endforeach()
  if(_n EQUAL 0)
    message(FATAL_ERROR "latch_check(${tgt}): the target has no C sources to check")
  endif()
  add_test(NAME ${A_NAME} COMMAND ${_cmd})
  set_tests_properties(${A_NAME} PROPERTIES LABELS "latch")
endfunction()

function(latch_trace_budgets)
  cmake_parse_arguments(A "" "NAME;BUDGETS" "COMMAND;RECORD_ARGS;REPORT_ARGS" ${ARGN})
  if(NOT A_NAME OR NOT A_COMMAND OR NOT A_BUDGETS OR A_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "usage: latch_trace_budgets(NAME <test> COMMAND <prog> [<arg>...] BUDGETS <file> "
      "[RECORD_ARGS ...] [REPORT_ARGS ...])${A_UNPARSED_ARGUMENTS}")
  endif()
  _latch_tool(_exe latch-trace)
  list(POP_FRONT A_COMMAND _prog)
  if(TARGET ${_prog})
    set(_prog "$<TARGET_FILE:${_prog}>")
  endif()
  get_filename_component(_budgets "${A_BUDGETS}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  set(_base "${CMAKE_CURRENT_BINARY_DIR}/${A_NAME}")
  # The argument lists travel in a generated file: no quoting through -D.
  set(_args "${_base}.latch-budgets.cmake")
  set(_q "")
  foreach(_var IN ITEMS A_COMMAND A_RECORD_ARGS A_REPORT_ARGS)
    set(_l "")
    foreach(_a IN LISTS ${_var})
      string(APPEND _l " [==[${_a}]==]")
    endforeach()
    string(APPEND _q "set(${_var}${_l})\n")
  endforeach()
  file(GENERATE OUTPUT "${_args}" CONTENT "set(LATCH_TRACE_EXE [==[${_exe}]==])
set(LATCH_PROG [==[${_prog}]==])
set(LATCH_BUDGETS [==[${_budgets}]==])
set(LATCH_OUT [==[${_base}]==])
${_q}")
  add_test(NAME ${A_NAME} COMMAND ${CMAKE_COMMAND} -DLATCH_ARGS_FILE=${_args}
    -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/LatchTraceBudgetsRun.cmake")
  set_tests_properties(${A_NAME} PROPERTIES LABELS "latch")
endfunction()
