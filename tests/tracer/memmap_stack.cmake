# Tests of latch-trace memmap and stack (issue 6), included from
# tests/tracer/CMakeLists.txt.
find_package(Python3 REQUIRED COMPONENTS Interpreter) # also in CMakeLists.txt; harmless twice

# Unit tests read the test executable itself as their ELF (host, built
# with -g whatever the build type), so they need no fixture files.
foreach(mod elf regions dwarf_cu memdiff frames callgraph stackdepth disasm irq)
  latch_add_cmocka_test(test_${mod} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_${mod}.c
    LINK_LIBRARIES trc_core LABELS tracer)
  target_compile_options(test_${mod} PRIVATE -g)  # they read their own DWARF
endforeach()
# The roots of stack come back in a buffer the test frees, so the library's
# allocations go through CMocka too (and its leak checks see them).
latch_add_cmocka_test(test_stackroots SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_stackroots.c
  LINK_LIBRARIES trc_core LABELS tracer LIB_ALLOC)
# disasm and irq also read the checked-in Cortex-M4 image.
foreach(mod disasm irq)
  target_compile_definitions(test_${mod} PRIVATE
    TEST_FW_MIN_ELF="${CMAKE_CURRENT_SOURCE_DIR}/data/golden/fw_min.elf")
endforeach()

add_test(NAME memmap_check
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/memmap_check.py
          $<TARGET_FILE:latch-trace> ${CMAKE_CURRENT_SOURCE_DIR}/data
          ${CMAKE_CURRENT_BINARY_DIR}/memmap_check)
# stack_chain.c again, instrumented and linked with the runtime, for the
# --trace cross-check of measured against static stack depths.
add_executable(trc_stack_chain data/stack_chain.c)
target_compile_options(trc_stack_chain PRIVATE -O2 -g -fno-inline -fomit-frame-pointer
  -fno-optimize-sibling-calls)
latch_rt_instrument(trc_stack_chain)
add_test(NAME stack_check
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/stack_check.py
          $<TARGET_FILE:latch-trace> ${CMAKE_CURRENT_SOURCE_DIR}/data
          ${CMAKE_CURRENT_BINARY_DIR}/stack_check $<TARGET_FILE:trc_stack_chain>)
# The Cortex-M firmware built from the sample's portable core: skipped
# (exit 77) with the reason printed when arm-none-eabi-gcc is missing.
add_test(NAME memmap_arm
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/memmap_arm.py
          $<TARGET_FILE:latch-trace> ${PROJECT_SOURCE_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/memmap_arm)
# Cortex-M stack fixtures whose worst cases the script recomputes from
# readelf/objdump/nm: library chain, variadic frame, frames:, interrupts,
# truncated ELF files.
add_test(NAME stack_arm
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/stack_arm.py
          $<TARGET_FILE:latch-trace> ${PROJECT_SOURCE_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/stack_arm)
# Golden reports of a small checked-in Cortex-M ELF (data/golden/).
add_test(NAME memmap_golden
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/memmap_golden.py
          $<TARGET_FILE:latch-trace> ${CMAKE_CURRENT_SOURCE_DIR}/data/golden)
set_tests_properties(memmap_check stack_check memmap_arm stack_arm memmap_golden PROPERTIES
  LABELS "tracer;integration" SKIP_RETURN_CODE 77 TIMEOUT 300)
