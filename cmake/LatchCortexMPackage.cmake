# LatchCortexMPackage.cmake - the bare-metal Cortex-M runtime in the
# installed package (issue 15): built here with arm-none-eabi-gcc through
# custom commands (the host build's own compiler is left alone), installed as
#   lib/arm-none-eabi/liblatch_rt_cortexm.a   Cortex-M4F, hard float (the
#                                             sample's and QEMU mps2-an386's CPU)
#   include/latch/rt_cortexm.h
#   share/latch/runtime/                      the sources with their CMakeLists,
#                                             to build for another CPU
#   lib/cmake/latchCortexM/latchCortexMConfig.cmake
#                                             latch::rt_cortexm (IMPORTED) and
#                                             latch_CORTEXM_TOOLCHAIN_FILE
# A firmware project (arm-none-eabi toolchain, 32-bit pointers) uses
# find_package(latchCortexM): the host package latch is for 64-bit host
# programs and its version file says so. latchConfig.cmake includes the
# Cortex-M config too when it is there. Without
# arm-none-eabi-gcc none of this is built or installed.
include_guard(GLOBAL)
find_program(LATCH_ARM_GCC arm-none-eabi-gcc)
find_program(LATCH_ARM_AR arm-none-eabi-ar)
if(NOT LATCH_ARM_GCC OR NOT LATCH_ARM_AR)
  return()
endif()
set(_cm ${PROJECT_SOURCE_DIR}/runtime/cortexm)
set(_rt ${PROJECT_SOURCE_DIR}/runtime)
set(_cmobj ${PROJECT_BINARY_DIR}/latch_rt_cortexm/rtm_cm.o)
set(_cmlib ${PROJECT_BINARY_DIR}/latch_rt_cortexm/liblatch_rt_cortexm.a)
file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/latch_rt_cortexm)
add_custom_command(OUTPUT ${_cmlib}
  COMMAND ${LATCH_ARM_GCC} -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -std=c11
    -O2 -g -Wall -Wextra -Werror -ffunction-sections -fdata-sections -fno-instrument-functions
    -I${_cm}/include -I${_rt}/include -I${_rt}/src -c ${_cm}/rtm_cm.c -o ${_cmobj}
  COMMAND ${CMAKE_COMMAND} -E rm -f ${_cmlib}
  COMMAND ${LATCH_ARM_AR} rcs ${_cmlib} ${_cmobj}
  DEPENDS ${_cm}/rtm_cm.c ${_cm}/include/latch/rt_cortexm.h ${_rt}/src/rtm_format.h
  COMMENT "arm-none-eabi-gcc liblatch_rt_cortexm.a (Cortex-M4F, for the package)"
  VERBATIM)
add_custom_target(latch_rt_cortexm_pkg ALL DEPENDS ${_cmlib})
install(FILES ${_cmlib} DESTINATION ${CMAKE_INSTALL_LIBDIR}/arm-none-eabi)
install(FILES ${_cm}/include/latch/rt_cortexm.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/latch)
set(_share ${CMAKE_INSTALL_DATADIR}/latch/runtime)
install(FILES ${_cm}/CMakeLists.txt ${_cm}/rtm_cm.c ${_cm}/arm-none-eabi.cmake
  DESTINATION ${_share}/cortexm)
install(FILES ${_cm}/include/latch/rt_cortexm.h DESTINATION ${_share}/cortexm/include/latch)
install(FILES ${_rt}/include/latch/rt.h ${_rt}/include/latch/annotate.h
  DESTINATION ${_share}/include/latch)
install(FILES ${_rt}/src/rtm_format.h DESTINATION ${_share}/src)
# the prefix, seen from the installed CMake folder
set(_cmdir ${CMAKE_INSTALL_LIBDIR}/cmake/latchCortexM)
file(RELATIVE_PATH LATCH_CM_UP "/${_cmdir}" "/")
configure_file(${PROJECT_SOURCE_DIR}/cmake/latchCortexMConfig.cmake.in
  ${PROJECT_BINARY_DIR}/latch_rt_cortexm/latchCortexMConfig.cmake @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/latch_rt_cortexm/latchCortexMConfig.cmake
  DESTINATION ${_cmdir})
