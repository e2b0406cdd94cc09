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

# pkg-config, for make-based (firmware) builds: written at install time
# (cmake/LatchPcInstall.cmake) for the prefix the install really goes to, so
# cpack's /usr gets plain paths and no rpath, and `--prefix $HOME/opt/latch`
# gets an rpath to its lib folder. A new runtime (Cortex-M) adds its
# cmake/<name>.pc.in and its name here.
set(_latch_pcs latch_rt)
if(TARGET latch_rt_heapguard)
  list(APPEND _latch_pcs latch_rt_heapguard)
endif()
foreach(_pc IN LISTS _latch_pcs)
  install(CODE "set(LATCH_PC_IN [==[${CMAKE_CURRENT_LIST_DIR}/${_pc}.pc.in]==])
    set(LATCH_PC_NAME ${_pc})
    set(LATCH_PC_TMP [==[${CMAKE_CURRENT_BINARY_DIR}/pc-install]==])
    set(LATCH_VERSION ${LATCH_VERSION})
    set(LATCH_PC_LIBDIR [==[${CMAKE_INSTALL_LIBDIR}]==])
    set(LATCH_PC_INCLUDEDIR [==[${CMAKE_INSTALL_INCLUDEDIR}]==])
    set(LATCH_PC_IMPLICIT [==[${CMAKE_C_IMPLICIT_LINK_DIRECTORIES}]==])
    include([==[${CMAKE_CURRENT_LIST_DIR}/LatchPcInstall.cmake]==])")
endforeach()

if(LATCH_BUILD_TOOLS)
  add_subdirectory(${PROJECT_SOURCE_DIR}/packaging ${PROJECT_BINARY_DIR}/packaging)
endif()
# In-tree (LATCH_INSTALL=ON in a user's build) the CPack set-up is the user's.
if(PROJECT_IS_TOP_LEVEL)
  include(LatchCPack)
endif()
