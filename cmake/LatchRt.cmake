# LatchRt.cmake - latch_rt_instrument(), the one call that turns a target
# into a traced one. Installed with the package (find_package(latch) includes
# it) and included by runtime/CMakeLists.txt for in-tree builds; both ways
# the runtime targets are named latch::rt, latch::rt_shared and
# latch::rt_heapguard (ALIAS targets in-tree, IMPORTED from the package).
#
# latch_rt_instrument(<target> [HEAPGUARD] [SHARED]
#                     [EXCLUDE_FILES f...] [EXCLUDE_FUNCTIONS f...])
# (`latch_rt_instrument(TARGET <target> ...)` is the same call.)
# Builds <target> with -finstrument-functions and links liblatch_rt (static
# unless SHARED). Call it after the target's sources are all added.
#   EXCLUDE_FILES      sources whose path contains one of these strings are
#                      compiled without instrumentation. The flag is set per
#                      source, for this target only (another target of the
#                      same directory may compile the same files plain), so
#                      it works with gcc and clang alike; gcc also gets
#                      -finstrument-functions-exclude-file-list, which covers
#                      inline functions of excluded headers.
#   EXCLUDE_FUNCTIONS  functions whose name contains one of these strings
#                      (gcc's -finstrument-functions-exclude-function-list;
#                      clang has no such option: there, mark the functions
#                      LATCH_NO_TRACE from latch/annotate.h).
#   HEAPGUARD          also links the interposed allocators.
#   SHARED             links liblatch_rt.so; the installed program finds it
#                      through an INSTALL_RPATH to latch's library folder
#                      (none is added when that folder is a system one).
include_guard(GLOBAL)

function(latch_rt_instrument tgt)
  if(tgt STREQUAL "TARGET")
    list(POP_FRONT ARGN tgt)
  endif()
  if(NOT TARGET ${tgt})
    message(FATAL_ERROR "latch_rt_instrument(${tgt}): no such target")
  endif()
  cmake_parse_arguments(I "HEAPGUARD;SHARED" "" "EXCLUDE_FILES;EXCLUDE_FUNCTIONS" ${ARGN})
  if(I_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "latch_rt_instrument(${tgt}): unknown arguments: ${I_UNPARSED_ARGUMENTS}")
  endif()
  get_target_property(_srcs ${tgt} SOURCES)
  get_target_property(_dir ${tgt} SOURCE_DIR)
  set(_flag "$<$<STREQUAL:$<TARGET_PROPERTY:NAME>,${tgt}>:-finstrument-functions>")
  foreach(_src IN LISTS _srcs)
    if(_src MATCHES "^\\$<")
      continue()
    endif()
    get_filename_component(_abs "${_src}" ABSOLUTE BASE_DIR "${_dir}")
    set(_skip OFF)
    foreach(_pat IN LISTS I_EXCLUDE_FILES)
      string(FIND "${_abs}" "${_pat}" _pos)
      if(NOT _pos EQUAL -1)
        set(_skip ON)
      endif()
    endforeach()
    if(NOT _skip)
      set_property(SOURCE "${_abs}" TARGET_DIRECTORY ${tgt} APPEND PROPERTY COMPILE_OPTIONS "${_flag}")
    endif()
  endforeach()
  if(I_EXCLUDE_FILES)
    list(JOIN I_EXCLUDE_FILES "," _files)
    target_compile_options(${tgt} PRIVATE
      "$<$<C_COMPILER_ID:GNU>:-finstrument-functions-exclude-file-list=${_files}>")
  endif()
  if(I_EXCLUDE_FUNCTIONS)
    if(NOT CMAKE_C_COMPILER_ID STREQUAL "GNU")
      message(WARNING "latch_rt_instrument(${tgt}): ${CMAKE_C_COMPILER_ID} cannot exclude functions by "
        "name (EXCLUDE_FUNCTIONS ${I_EXCLUDE_FUNCTIONS}); mark them LATCH_NO_TRACE instead")
    endif()
    list(JOIN I_EXCLUDE_FUNCTIONS "," _fns)
    target_compile_options(${tgt} PRIVATE
      "$<$<C_COMPILER_ID:GNU>:-finstrument-functions-exclude-function-list=${_fns}>")
  endif()
  if(I_SHARED)
    target_link_libraries(${tgt} PRIVATE latch::rt_shared)
    _latch_rt_install_rpath(${tgt})
  else()
    target_link_libraries(${tgt} PRIVATE latch::rt)
  endif()
  if(I_HEAPGUARD)
    if(NOT TARGET latch::rt_heapguard)
      message(FATAL_ERROR "latch_rt_instrument(${tgt} HEAPGUARD): this latch was built without "
        "the heap guard (libunwind was not found when it was configured)")
    endif()
    target_link_libraries(${tgt} PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,latch::rt_heapguard>")
  endif()
endfunction()

# The folder liblatch_rt.so is installed in, as an INSTALL_RPATH of <tgt>
# unless the dynamic linker searches it anyway. From the package:
# latch_LIBRARY_DIR (latchConfig.cmake); in-tree: this build's libdir.
function(_latch_rt_install_rpath tgt)
  if(DEFINED latch_LIBRARY_DIR)
    set(_lib "${latch_LIBRARY_DIR}")
  elseif(DEFINED CMAKE_INSTALL_FULL_LIBDIR)
    set(_lib "${CMAKE_INSTALL_FULL_LIBDIR}")
  else()
    set(_lib "${CMAKE_INSTALL_PREFIX}/lib")
  endif()
  if(NOT "${_lib}" IN_LIST CMAKE_C_IMPLICIT_LINK_DIRECTORIES)
    set_property(TARGET ${tgt} APPEND PROPERTY INSTALL_RPATH "${_lib}")
  endif()
endfunction()
