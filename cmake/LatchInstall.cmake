# LatchInstall.cmake - how a latch target becomes part of the package.
#
# latch_install_target(<target> EXPORT_NAME <name>)
#   names <target> latch::<name> (an ALIAS in this build, the same name
#   IMPORTED from an installed package), and, when LATCH_INSTALL is on,
#   installs it into the export set `latch-targets` that latchConfig.cmake
#   loads. Every target a user links goes through here; a new one (the
#   Cortex-M runtime: `latch_install_target(<its target> EXPORT_NAME
#   rt_cortexm)`) needs nothing else to be exported.
#
# LATCH_INSTALL defaults to ON only when latch is the top-level project, so
# add_subdirectory(latch) or FetchContent installs nothing unless asked.
# Destinations are always relative (GNUInstallDirs), so an install writes
# under CMAKE_INSTALL_PREFIX and nowhere else.
include_guard(GLOBAL)
include(GNUInstallDirs)

get_filename_component(_latch_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
if(CMAKE_SOURCE_DIR STREQUAL _latch_root)
  set(_latch_top ON)
else()
  set(_latch_top OFF)
endif()
option(LATCH_INSTALL "Install latch's tools, libraries, headers and CMake package" ${_latch_top})
set(LATCH_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/latch" CACHE STRING
  "Where latchConfig.cmake goes, relative to the prefix")
mark_as_advanced(LATCH_INSTALL_CMAKEDIR)

function(latch_install_target tgt)
  cmake_parse_arguments(A "" "EXPORT_NAME" "" ${ARGN})
  if(NOT A_EXPORT_NAME OR A_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "usage: latch_install_target(<target> EXPORT_NAME <name>)")
  endif()
  set_target_properties(${tgt} PROPERTIES EXPORT_NAME ${A_EXPORT_NAME})
  get_target_property(_type ${tgt} TYPE)
  if(_type STREQUAL "EXECUTABLE")
    add_executable(latch::${A_EXPORT_NAME} ALIAS ${tgt})
  else()
    add_library(latch::${A_EXPORT_NAME} ALIAS ${tgt})
  endif()
  if(LATCH_INSTALL)
    install(TARGETS ${tgt} EXPORT latch-targets
      RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
      LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
      ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  endif()
endfunction()
