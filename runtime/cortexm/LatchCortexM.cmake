# runtime/cortexm/LatchCortexM.cmake - builds Cortex-M firmware images that
# link the bare-metal liblatch_rt (rtm_cm.c), from a host build, with
# arm-none-eabi-gcc called through custom commands: the host toolchain of
# the project is left alone (runtime/CMakeLists.txt stays host-independent).
# A firmware project with its own cross toolchain file uses
# runtime/cortexm/CMakeLists.txt (target latch_rt_cm) instead.
#
# latch_cm_firmware(<name> OUTPUT <elf> LDSCRIPT <ld>
#                   [TRACED <src>...] [PLAIN <src>...]
#                   [CLANG_TRACED <src>...] [CLANG_PLAIN <src>...] [INCLUDES <dir>...]
#                   [DEFINES <d>...] [LDFLAGS <flag>...] [TRACED_FLAGS <flag>...]
#                   [NO_RUNTIME] [NOT_ALL])
#   TRACED        sources compiled with -finstrument-functions (and TRACED_FLAGS)
#   PLAIN         sources compiled without it (start-up, board, simulated world)
#   CLANG_TRACED  sources compiled with clang (LATCH_CM_CLANG, for arm-none-eabi
#                 against newlib's headers) and -finstrument-functions-after-inlining:
#                 only the functions left after inlining are traced (gcc also
#                 traces every inlined copy); linked by arm-none-eabi-gcc
#   CLANG_PLAIN   sources compiled with clang, untraced (the peers of CLANG_TRACED)
#   NOT_ALL       not built by default (benchmark images)
# Adds the custom target <name> (ALL unless NOT_ALL) that produces <elf>.
#
# LATCH_CM_CLOCK picks the runtime's clock at compile time (the hooks read it
# at a fixed address): "dwt" (the DWT cycle counter), "ADDR" (an up-counting
# 32-bit board timer register) or "ADDR:down". The images built here run on
# QEMU mps2-an386, which models no DWT: CMSDK timer 0, a down-counter.
find_program(LATCH_ARM_GCC arm-none-eabi-gcc)
find_program(LATCH_CM_CLANG NAMES clang-19 clang)
find_path(LATCH_CM_NEWLIB_INC newlib.h PATHS /usr/lib/arm-none-eabi/include
  /usr/arm-none-eabi/include NO_DEFAULT_PATH)
set(LATCH_CM_CLANG_OK FALSE)
if(LATCH_ARM_GCC AND LATCH_CM_CLANG AND LATCH_CM_NEWLIB_INC)
  set(LATCH_CM_CLANG_OK TRUE)
endif()
set(LATCH_CM_CLOCK "0x40000004:down" CACHE STRING
  "Cortex-M runtime clock: dwt, ADDR or ADDR:down (docs/target.md)")

# The compile definitions of rtm_cm.c for a LATCH_CM_CLOCK value.
function(latch_cm_clock_defs out spec)
  if(spec STREQUAL "dwt")
    set(_d RTM_CM_CLOCK_ADDR=0xE0001004 RTM_CM_CLOCK_DOWN=0)
  elseif(spec MATCHES "^(0x[0-9a-fA-F]+)(:down)?$")
    set(_down 0)
    if(CMAKE_MATCH_2)
      set(_down 1)
    endif()
    set(_d RTM_CM_CLOCK_ADDR=${CMAKE_MATCH_1} RTM_CM_CLOCK_DOWN=${_down})
  else()
    message(FATAL_ERROR "LATCH_CM_CLOCK '${spec}': expected dwt, 0xADDR or 0xADDR:down")
  endif()
  set(${out} ${_d} PARENT_SCOPE)
endfunction()
set(LATCH_CM_DIR ${CMAKE_CURRENT_LIST_DIR})
set(LATCH_CM_CFLAGS -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -std=c11 -O2 -g
  -Wall -Wextra -Werror -ffunction-sections -fdata-sections)
set(LATCH_CM_CLANG_FLAGS --target=arm-none-eabi -mcpu=cortex-m4 -mthumb -mfloat-abi=hard
  -mfpu=fpv4-sp-d16 -std=c11 -O2 -g -Wall -Wextra -Werror -ffunction-sections -fdata-sections
  -fshort-enums -fomit-frame-pointer -isystem ${LATCH_CM_NEWLIB_INC})
# (-fshort-enums: arm-none-eabi-gcc's ABI, so that clang's and gcc's objects
# agree on the size of every enum they share; -fomit-frame-pointer: gcc's
# default at -O2, not clang's for this target.)

function(latch_cm_firmware name)
  cmake_parse_arguments(F "NO_RUNTIME;NOT_ALL" "OUTPUT;LDSCRIPT"
    "TRACED;PLAIN;CLANG_TRACED;CLANG_PLAIN;INCLUDES;DEFINES;LDFLAGS;TRACED_FLAGS" ${ARGN})
  set(_inc -I${LATCH_CM_DIR}/include -I${LATCH_CM_DIR}/../include -I${LATCH_CM_DIR}/../src)
  foreach(_d IN LISTS F_INCLUDES)
    list(APPEND _inc -I${_d})
  endforeach()
  set(_defs "")
  foreach(_d IN LISTS F_DEFINES)
    list(APPEND _defs -D${_d})
  endforeach()
  set(_objdir ${CMAKE_CURRENT_BINARY_DIR}/${name}.obj)
  file(MAKE_DIRECTORY ${_objdir})
  file(GLOB _rt_headers ${LATCH_CM_DIR}/include/latch/*.h ${LATCH_CM_DIR}/../include/latch/*.h
    ${LATCH_CM_DIR}/../src/rtm_format.h)
  set(_objs "")
  set(_all_srcs "")
  set(_rt "")
  if(NOT F_NO_RUNTIME)
    set(_rt ${LATCH_CM_DIR}/rtm_cm.c)
  endif()
  foreach(_kind TRACED PLAIN CLANG_TRACED CLANG_PLAIN RT)
    if(_kind STREQUAL "RT")
      set(_srcs ${_rt})
    else()
      set(_srcs ${F_${_kind}})
    endif()
    foreach(_src IN LISTS _srcs)
      get_filename_component(_base ${_src} NAME_WE)
      set(_obj ${_objdir}/${_base}.o)
      set(_extra "")
      set(_cc ${LATCH_ARM_GCC} ${LATCH_CM_CFLAGS})
      if(_kind MATCHES "^CLANG_")
        set(_cc ${LATCH_CM_CLANG} ${LATCH_CM_CLANG_FLAGS})
      endif()
      if(_kind STREQUAL "CLANG_TRACED")
        set(_extra -finstrument-functions-after-inlining ${F_TRACED_FLAGS})
      elseif(_kind STREQUAL "TRACED")
        set(_extra -finstrument-functions ${F_TRACED_FLAGS})
      elseif(_kind STREQUAL "RT")
        latch_cm_clock_defs(_clk "${LATCH_CM_CLOCK}")
        set(_extra -fno-instrument-functions)
        foreach(_d IN LISTS _clk)
          list(APPEND _extra -D${_d})
        endforeach()
      endif()
      add_custom_command(OUTPUT ${_obj}
        COMMAND ${_cc} ${_extra} ${_defs} ${_inc}
          -fstack-usage -c ${_src} -o ${_obj}
        DEPENDS ${_src} ${_rt_headers}
        IMPLICIT_DEPENDS C ${_src}
        COMMENT "${_kind} ${_base}.c (${name})"
        VERBATIM)
      list(APPEND _objs ${_obj})
    endforeach()
  endforeach()
  add_custom_command(OUTPUT ${F_OUTPUT}
    COMMAND ${LATCH_ARM_GCC} ${LATCH_CM_CFLAGS} ${_objs} -T ${F_LDSCRIPT}
      -nostartfiles --specs=nosys.specs -Wl,--gc-sections -Wl,--build-id
      -Wl,-Map=${F_OUTPUT}.map ${F_LDFLAGS} -lm -o ${F_OUTPUT}
    DEPENDS ${_objs} ${F_LDSCRIPT}
    COMMENT "Linking Cortex-M image ${F_OUTPUT}"
    VERBATIM)
  if(F_NOT_ALL)
    add_custom_target(${name} DEPENDS ${F_OUTPUT})
  else()
    add_custom_target(${name} ALL DEPENDS ${F_OUTPUT})
  endif()
endfunction()
