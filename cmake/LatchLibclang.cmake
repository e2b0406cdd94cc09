# Finds libclang (the C API: clang-c/Index.h and libclang.so) WITHOUT the
# LLVM/Clang CMake packages. Those live in llvm-19-dev (LLVMConfig.cmake,
# ~300 MB with LLVM's static libraries) and are needed by nothing else: latch
# uses neither LLVM's C++ libraries nor its CMake macros. libclang-19-dev
# alone (which scripts/deps.sh names) has the header and the library.
#
# The LLVM prefix (/usr/lib/llvm-<N> on Debian) is derived, never written
# here: from llvm-config-<N> when it exists (package llvm-<N>), otherwise from
# the real path of clang-<N> (<prefix>/bin/clang). Set LATCH_LLVM_PREFIX to
# choose another installation; LATCH_LLVM_VERSIONS lists the majors tried.
#
# Defines the imported target latch::libclang and
#   LATCH_LLVM_PREFIX         the installation the library comes from
#   LATCH_LLVM_VERSION_MAJOR  its major version
#   LATCH_CLANG_EXE           the clang of that installation (may be empty)
set(LATCH_LLVM_VERSIONS "19;18;17" CACHE STRING "LLVM majors latch-check may use, preferred first")
set(LATCH_LLVM_PREFIX "" CACHE PATH "LLVM installation holding libclang (empty: derived)")

function(_latch_llvm_prefix out_prefix out_major out_how)
  foreach(_v IN LISTS LATCH_LLVM_VERSIONS)
    find_program(_latch_llvm_config_${_v} NAMES llvm-config-${_v} NO_CACHE)
    if(_latch_llvm_config_${_v})
      execute_process(COMMAND ${_latch_llvm_config_${_v}} --prefix
        OUTPUT_VARIABLE _p OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _rc)
      if(_rc EQUAL 0 AND EXISTS "${_p}/include/clang-c/Index.h")
        set(${out_prefix} "${_p}" PARENT_SCOPE)
        set(${out_major} ${_v} PARENT_SCOPE)
        set(${out_how} "llvm-config-${_v} --prefix" PARENT_SCOPE)
        return()
      endif()
    endif()
    find_program(_latch_clang_${_v} NAMES clang-${_v} NO_CACHE)
    if(_latch_clang_${_v})
      file(REAL_PATH "${_latch_clang_${_v}}" _real)
      get_filename_component(_p "${_real}" DIRECTORY)
      get_filename_component(_p "${_p}" DIRECTORY)
      if(EXISTS "${_p}/include/clang-c/Index.h")
        set(${out_prefix} "${_p}" PARENT_SCOPE)
        set(${out_major} ${_v} PARENT_SCOPE)
        set(${out_how} "the real path of ${_latch_clang_${_v}}" PARENT_SCOPE)
        return()
      endif()
    endif()
  endforeach()
endfunction()

if(NOT LATCH_LLVM_PREFIX)
  _latch_llvm_prefix(_latch_prefix _latch_major _latch_how)
  if(NOT _latch_prefix)
    message(FATAL_ERROR "latch: libclang not found: tried llvm-config-N and clang-N for N in "
      "${LATCH_LLVM_VERSIONS} with clang-c/Index.h beside them. Install libclang-19-dev and clang-19 "
      "(scripts/deps.sh), or set -DLATCH_LLVM_PREFIX=<llvm installation>.")
  endif()
  set(LATCH_LLVM_PREFIX "${_latch_prefix}" CACHE PATH "LLVM installation holding libclang (empty: derived)" FORCE)
  message(STATUS "latch: LLVM installation from ${_latch_how}")
endif()

find_path(LATCH_LIBCLANG_INCLUDE_DIR clang-c/Index.h PATHS "${LATCH_LLVM_PREFIX}/include" NO_DEFAULT_PATH)
find_library(LATCH_LIBCLANG_LIBRARY NAMES clang libclang PATHS "${LATCH_LLVM_PREFIX}/lib" NO_DEFAULT_PATH)
if(NOT LATCH_LIBCLANG_INCLUDE_DIR OR NOT LATCH_LIBCLANG_LIBRARY)
  message(FATAL_ERROR "latch: ${LATCH_LLVM_PREFIX} has no clang-c/Index.h or no libclang.so "
    "(header: ${LATCH_LIBCLANG_INCLUDE_DIR}, library: ${LATCH_LIBCLANG_LIBRARY}); install libclang-N-dev")
endif()

# The major version: from the prefix's name (llvm-19), else from the header.
if(NOT LATCH_LLVM_VERSION_MAJOR)
  get_filename_component(_latch_pname "${LATCH_LLVM_PREFIX}" NAME)
  if(_latch_pname MATCHES "^llvm-([0-9]+)$")
    set(LATCH_LLVM_VERSION_MAJOR ${CMAKE_MATCH_1})
  else()
    foreach(_v IN LISTS LATCH_LLVM_VERSIONS)
      if(EXISTS "${LATCH_LLVM_PREFIX}/bin/clang-${_v}" OR EXISTS "${LATCH_LLVM_PREFIX}/lib/clang/${_v}")
        set(LATCH_LLVM_VERSION_MAJOR ${_v})
        break()
      endif()
    endforeach()
  endif()
endif()

find_program(LATCH_CLANG_EXE NAMES clang-${LATCH_LLVM_VERSION_MAJOR} clang
  PATHS "${LATCH_LLVM_PREFIX}/bin" NO_DEFAULT_PATH)
if(NOT TARGET latch::libclang)
  add_library(latch::libclang UNKNOWN IMPORTED GLOBAL)
  set_target_properties(latch::libclang PROPERTIES IMPORTED_LOCATION "${LATCH_LIBCLANG_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LATCH_LIBCLANG_INCLUDE_DIR}")
endif()
message(STATUS "latch: libclang ${LATCH_LLVM_VERSION_MAJOR} from ${LATCH_LLVM_PREFIX}")
