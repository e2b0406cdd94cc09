# LatchCPack.cmake - `cpack -G DEB` (in the build directory) builds
# latch_<version>_<arch>.deb: tools, runtime libraries, headers, CMake and
# pkg-config files, rule pack, man pages, bash completion. Depends: is
# computed: dpkg-shlibdeps (package dpkg-dev) over the ELF files, plus the
# package that holds the clang resource directory latch-check was built
# against (libclang parses with its stddef.h & co.; no shared library names
# it, so dpkg-shlibdeps cannot see it): found with dpkg -S at configure.
include_guard(GLOBAL)
set(CPACK_PACKAGE_NAME latch)
set(CPACK_PACKAGE_VERSION ${LATCH_VERSION})
set(CPACK_PACKAGE_VENDOR "latch")
set(CPACK_PACKAGE_CONTACT "latch maintainers <latch@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "static interlock checker, tracing runtime and WCET/memory reports for C")
set(CPACK_PACKAGE_DESCRIPTION "latch-check walks every path from an interlock function with libclang and
rejects heap allocation, unbounded loops, recursion and blocking calls.
liblatch_rt traces a -finstrument-functions build; latch-trace turns the
trace and the ELF/DWARF into WCET tables, latency histograms, memory maps and
stack depths, and fails the build when a budget breaks.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_STRIP_FILES OFF)

set(_latch_extra_depends "")
if(LATCH_BUILD_TOOLS AND LATCH_CLANG_RESOURCE_DIR)
  find_program(LATCH_DPKG_QUERY dpkg-query)
  if(LATCH_DPKG_QUERY)
    execute_process(COMMAND ${LATCH_DPKG_QUERY} -S "${LATCH_CLANG_RESOURCE_DIR}/include/stddef.h"
      OUTPUT_VARIABLE _latch_owner OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _rc)
    if(_rc EQUAL 0 AND _latch_owner MATCHES "^([^:, ]+)")
      list(APPEND _latch_extra_depends ${CMAKE_MATCH_1})
    endif()
  endif()
endif()
list(JOIN _latch_extra_depends ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
include(CPack)
