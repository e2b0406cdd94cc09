# The one place latch's version is written: the top-level project() and a
# runtime added on its own (add_subdirectory(latch/runtime)) both read it.
include_guard(GLOBAL)
set(LATCH_VERSION 0.1.0)
string(REPLACE "." ";" _latch_v "${LATCH_VERSION}")
list(GET _latch_v 0 LATCH_VERSION_MAJOR)
list(GET _latch_v 1 LATCH_VERSION_MINOR)
