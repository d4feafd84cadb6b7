# Fails when a file of stage STAGE includes a project header outside ALLOWED (the stage's own
# folder and those of the stages it depends on); writes STAMP when every include is allowed.
# ALLOWED and FILES come comma-separated (see refract_stage in CMakeLists.txt).
string(REPLACE "," ";" ALLOWED "${ALLOWED}")
string(REPLACE "," ";" FILES "${FILES}")
set(bad "")
foreach(file IN LISTS FILES)
  if(NOT EXISTS "${file}")
    continue()
  endif()
  # Project headers are named from the source root (folder/file.h); others are not stages.
  file(STRINGS "${file}" includes REGEX "^#include \"[^\"]+/")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^#include \"([^\"]+)/[^/\"]+\".*" "\\1" folder "${line}")
    list(FIND ALLOWED "${folder}" found)
    if(found EQUAL -1)
      string(APPEND bad "  ${file}: ${line}\n")
    endif()
  endforeach()
endforeach()
if(bad)
  message(FATAL_ERROR "stage '${STAGE}' includes headers of stages it does not depend on "
                      "(allowed: ${ALLOWED}):\n${bad}")
endif()
file(WRITE "${STAMP}" "ok\n")
