# LatchPackage.cmake - what `cmake --install` adds beyond the targets
# (included by the top-level CMakeLists.txt when LATCH_INSTALL is on):
#   <libdir>/cmake/latch/   latchConfig.cmake, latchConfigVersion.cmake,
#                           latchTargets*.cmake (latch::rt, latch::rt_shared,
#                           latch::rt_heapguard, latch::annotate,
#                           latch::latch-check, latch::latch-trace),
#                           LatchRt.cmake, LatchTools.cmake
#   <libdir>/pkgconfig/     latch_rt.pc (and latch_rt_heapguard.pc)
#   man pages, bash completion (packaging/), and the .deb (cpack -G DEB).
include_guard(GLOBAL)
include(CMakePackageConfigHelpers)

install(EXPORT latch-targets NAMESPACE latch:: FILE latchTargets.cmake
  DESTINATION ${LATCH_INSTALL_CMAKEDIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/latchConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/latchConfig.cmake
  INSTALL_DESTINATION ${LATCH_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_DATADIR)
# 0.x: a minor release may break the ABI, so only the same minor matches.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/latchConfigVersion.cmake
  VERSION ${LATCH_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/latchConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/latchConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/LatchRt.cmake ${CMAKE_CURRENT_LIST_DIR}/LatchTools.cmake
  ${CMAKE_CURRENT_LIST_DIR}/LatchTraceBudgetsRun.cmake
  DESTINATION ${LATCH_INSTALL_CMAKEDIR})

# pkg-config, for make-based (firmware) builds. The prefix is found from the
# .pc file's own place, so the installed tree can move. An rpath is written
# only when the library folder is not one the dynamic linker searches.
set(LATCH_PC_RPATH "")
if(NOT CMAKE_INSTALL_FULL_LIBDIR IN_LIST CMAKE_C_IMPLICIT_LINK_DIRECTORIES)
  set(LATCH_PC_RPATH "-Wl,-rpath,\${libdir}")
endif()
file(RELATIVE_PATH LATCH_PC_TO_PREFIX "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig" "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/$" "" LATCH_PC_TO_PREFIX "${LATCH_PC_TO_PREFIX}")
set(_latch_pcs latch_rt)
if(TARGET latch_rt_heapguard)
  list(APPEND _latch_pcs latch_rt_heapguard)
endif()
foreach(_pc IN LISTS _latch_pcs)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/${_pc}.pc.in ${CMAKE_CURRENT_BINARY_DIR}/${_pc}.pc @ONLY)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/${_pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()

if(LATCH_BUILD_TOOLS)
  add_subdirectory(${PROJECT_SOURCE_DIR}/packaging ${PROJECT_BINARY_DIR}/packaging)
endif()
include(LatchCPack)
