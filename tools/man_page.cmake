# Writes OUT, refract's man page (roff), from the same text as `refract --help` and each
# command's `refract COMMAND --help`, so the page cannot drift from the binary.
# cmake -DREFRACT=path/to/refract -DVERSION=x.y.z -DOUT=refract.1 -P tools/man_page.cmake
function(roff_escape text out_var)
  string(REPLACE "\\" "\\e" text "${text}")
  # A line that starts with . or ' would be a roff request.
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

execute_process(COMMAND ${REFRACT} --help OUTPUT_VARIABLE help RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "refract --help failed")
endif()
roff_escape("${help}" help)
set(page ".TH REFRACT 1 \"\" \"refract ${VERSION}\" \"User Commands\"\n")
string(APPEND page ".SH NAME\nrefract \\- compile Sigma detection rules into SIEM queries\n")
string(APPEND page ".SH DESCRIPTION\n.nf\n${help}.fi\n")
foreach(command translate check bundle hunt test list)
  execute_process(COMMAND ${REFRACT} ${command} --help OUTPUT_VARIABLE text
                  RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "refract ${command} --help failed")
  endif()
  roff_escape("${text}" text)
  string(TOUPPER ${command} title)
  string(APPEND page ".SH ${title}\n.nf\n${text}.fi\n")
endforeach()
file(WRITE ${OUT} "${page}")
