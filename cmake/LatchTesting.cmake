# latch_add_cmocka_test(<name> SOURCES <src>... [LINK_LIBRARIES <lib>...]
#                       [WRAP <symbol>...] [LABELS <label>...])
# Builds one CMocka executable per module and registers it with ctest under
# the same name, so `ctest -R <name>` runs exactly that module.
pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)

function(latch_add_cmocka_test name)
  cmake_parse_arguments(T "LIB_ALLOC" "" "SOURCES;LINK_LIBRARIES;WRAP;LABELS" ${ARGN})
  if(T_LIB_ALLOC)
    # CMocka's leak checks also see the linked library code
    # (tests/support/lib_alloc.c explains how).
    list(APPEND T_SOURCES ${PROJECT_SOURCE_DIR}/tests/support/lib_alloc.c)
    list(APPEND T_WRAP malloc calloc realloc free strdup strndup vasprintf)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_compile_definitions(${name} PRIVATE UNIT_TESTING=1)
  target_link_libraries(${name} PRIVATE ${T_LINK_LIBRARIES} PkgConfig::CMOCKA latch_host_flags)
  foreach(sym IN LISTS T_WRAP)
    target_link_options(${name} PRIVATE "-Wl,--wrap=${sym}")
  endforeach()
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "unit;${T_LABELS}"
    ENVIRONMENT "CMOCKA_MESSAGE_OUTPUT=stdout")
endfunction()
