# Install-time step of LatchPackage.cmake: writes <name>.pc for the prefix
# the install really goes to (cmake --install --prefix, cpack's /usr), so the
# paths are absolute and the rpath is there only when the library folder is
# not one the dynamic linker searches. Variables set by the caller:
#   LATCH_PC_IN  LATCH_PC_NAME  LATCH_VERSION  LATCH_PC_LIBDIR (relative)
#   LATCH_PC_INCLUDEDIR (relative)  LATCH_PC_IMPLICIT (the compiler's
#   implicit link folders)  LATCH_PC_TMP (a folder of the build tree)
cmake_policy(PUSH)
cmake_policy(SET CMP0057 NEW) # if(IN_LIST); install scripts run without the project's policies
set(LATCH_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(_libdir "${CMAKE_INSTALL_PREFIX}/${LATCH_PC_LIBDIR}")
set(LATCH_PC_RPATH "")
if(NOT _libdir IN_LIST LATCH_PC_IMPLICIT)
  set(LATCH_PC_RPATH "-Wl,-rpath,\${libdir}")
endif()
set(_out "${LATCH_PC_TMP}/${LATCH_PC_NAME}.pc")
configure_file("${LATCH_PC_IN}" "${_out}" @ONLY)
file(INSTALL "${_out}" DESTINATION "${_libdir}/pkgconfig")
cmake_policy(POP)
