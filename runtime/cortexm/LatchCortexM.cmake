# runtime/cortexm/LatchCortexM.cmake - builds Cortex-M firmware images that
# link the bare-metal liblatch_rt (rtm_cm.c), from a host build, with
# arm-none-eabi-gcc called through custom commands: the host toolchain of
# the project is left alone (runtime/CMakeLists.txt stays host-independent).
# A firmware project with its own cross toolchain file uses
# runtime/cortexm/CMakeLists.txt (target latch_rt_cm) instead.
#
# latch_cm_firmware(<name> OUTPUT <elf> LDSCRIPT <ld>
#                   [TRACED <src>...] [PLAIN <src>...] [INCLUDES <dir>...]
#                   [DEFINES <d>...] [LDFLAGS <flag>...] [TRACED_FLAGS <flag>...]
#                   [NO_RUNTIME] [NOT_ALL])
#   TRACED        sources compiled with -finstrument-functions (and TRACED_FLAGS)
#   PLAIN         sources compiled without it (start-up, board, simulated world)
#   NOT_ALL       not built by default (benchmark images)
# Adds the custom target <name> (ALL unless NOT_ALL) that produces <elf>.
find_program(LATCH_ARM_GCC arm-none-eabi-gcc)
set(LATCH_CM_DIR ${CMAKE_CURRENT_LIST_DIR})
set(LATCH_CM_CFLAGS -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -std=c11 -O2 -g
  -Wall -Wextra -Werror -ffunction-sections -fdata-sections)

function(latch_cm_firmware name)
  cmake_parse_arguments(F "NO_RUNTIME;NOT_ALL" "OUTPUT;LDSCRIPT"
    "TRACED;PLAIN;INCLUDES;DEFINES;LDFLAGS;TRACED_FLAGS" ${ARGN})
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
  foreach(_kind TRACED PLAIN RT)
    if(_kind STREQUAL "RT")
      set(_srcs ${_rt})
    else()
      set(_srcs ${F_${_kind}})
    endif()
    foreach(_src IN LISTS _srcs)
      get_filename_component(_base ${_src} NAME_WE)
      set(_obj ${_objdir}/${_base}.o)
      set(_extra "")
      if(_kind STREQUAL "TRACED")
        set(_extra -finstrument-functions ${F_TRACED_FLAGS})
      elseif(_kind STREQUAL "RT")
        set(_extra -fno-instrument-functions)
      endif()
      add_custom_command(OUTPUT ${_obj}
        COMMAND ${LATCH_ARM_GCC} ${LATCH_CM_CFLAGS} ${_extra} ${_defs} ${_inc}
          -fstack-usage -c ${_src} -o ${_obj}
        DEPENDS ${_src} ${_rt_headers}
        IMPLICIT_DEPENDS C ${_src}
        COMMENT "arm-none-eabi-gcc ${_base}.c (${name})"
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
