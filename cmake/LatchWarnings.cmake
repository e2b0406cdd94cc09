# latch_host_flags: an INTERFACE target carrying the warning set and the
# sanitizer flags for host code (tools, tests, the simulated sample).
# The runtime links it only when it exists, so a firmware build that does
# add_subdirectory(runtime) on its own picks up nothing from the host.
add_library(latch_host_flags INTERFACE)
target_compile_options(latch_host_flags INTERFACE
  -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2
  $<$<BOOL:${LATCH_WERROR}>:-Werror>)

set(_latch_san "")
if(LATCH_ENABLE_ASAN)
  list(APPEND _latch_san -fsanitize=address)
endif()
if(LATCH_ENABLE_UBSAN)
  list(APPEND _latch_san -fsanitize=undefined -fno-sanitize-recover=undefined)
endif()
if(_latch_san)
  target_compile_options(latch_host_flags INTERFACE ${_latch_san} -fno-omit-frame-pointer)
  target_link_options(latch_host_flags INTERFACE ${_latch_san})
endif()
