# cmake -DTOOL=<exe> -DNAME=<name> -DHELP2MAN=<help2man> -DVERSION=<v> -DOUT=<page> -P gen-man.cmake
# One man page from the tool's --help. For a tool with commands (latch-trace:
# a "commands:" block in its --help), each `<tool> <command> --help` becomes
# a section of its own, so the page holds every option. Fails when a help
# text cannot be read: a page must not silently lose a command.
get_filename_component(_src "${CMAKE_CURRENT_LIST_DIR}" ABSOLUTE)
get_filename_component(_dir "${OUT}" DIRECTORY)
file(MAKE_DIRECTORY "${_dir}")
set(_inc "${OUT}.h2m")
file(READ "${_src}/${NAME}.h2m" _body)
execute_process(COMMAND "${TOOL}" --help OUTPUT_VARIABLE _help RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "${NAME} --help exited ${_rc}")
endif()
string(REGEX MATCH "\ncommands:\n(([ ]+[a-z]+[^\n]*\n)+)" _block "${_help}")
if(_block)
  string(REGEX MATCHALL "\n  [a-z]+" _cmds "\n${CMAKE_MATCH_1}")
  string(APPEND _body "\n[COMMANDS]\n")
  foreach(_c IN LISTS _cmds)
    string(STRIP "${_c}" _c)
    execute_process(COMMAND "${TOOL}" ${_c} --help OUTPUT_VARIABLE _ch RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
      message(FATAL_ERROR "${NAME} ${_c} --help exited ${_rc}")
    endif()
    # roff: a leading dot or quote would be a request; backslashes escape.
    string(REPLACE "\\" "\\e" _ch "${_ch}")
    string(REGEX REPLACE "\n([.'])" "\n\\\\&\\1" _ch "${_ch}")
    string(APPEND _body ".SS ${_c}\n.nf\n${_ch}.fi\n")
  endforeach()
endif()
file(WRITE "${_inc}" "${_body}")
execute_process(COMMAND "${HELP2MAN}" --no-info --no-discard-stderr "--version-string=${VERSION}"
  --section=1 "--include=${_inc}" "--output=${OUT}" "${TOOL}" RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "help2man ${NAME} exited ${_rc}")
endif()
