# SPDX-License-Identifier: Apache-2.0
# ctest library_symbols: every global symbol libsimdloss.so (SHARED) and
# libsimdloss.a (STATIC) define starts with simdloss_, and neither refers to a
# C library function or stream that writes output.
#   cmake -DNM=nm -DSHARED=libsimdloss.so -DSTATIC=libsimdloss.a -P check_symbols.cmake
cmake_minimum_required(VERSION 3.20)

# Output functions by their plain names: a leading "__" (the _chk variants of
# _FORTIFY_SOURCE) and a trailing "_chk" or "_unlocked" are removed first.
set(printing printf fprintf vprintf vfprintf dprintf vdprintf puts fputs putc fputc putchar
  _IO_putc fwrite perror psignal write writev warn warnx vwarn vwarnx err errx verr verrx
  error error_at_line syslog vsyslog stdout stderr)

# nm -P: "name type [value size]" per symbol, archive members as "lib[obj]:"
function(sl_symbols out file)
  execute_process(COMMAND ${NM} -P ${ARGN} ${file} RESULT_VARIABLE rc
    OUTPUT_VARIABLE text ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} -P ${ARGN} ${file} failed: ${err}")
  endif()
  string(REPLACE "\n" ";" lines "${text}")
  set(names "")
  foreach(line IN LISTS lines)
    if(NOT line MATCHES ":$" AND line MATCHES "^([^ ]+) [A-Za-z]( |$)")
      string(REGEX REPLACE "@.*" "" name "${CMAKE_MATCH_1}")
      list(APPEND names ${name})
    endif()
  endforeach()
  set(${out} ${names} PARENT_SCOPE)
endfunction()

foreach(lib SHARED STATIC)
  set(file ${${lib}})
  get_filename_component(base ${file} NAME)
  if(lib STREQUAL SHARED)
    # the dynamic symbol table: what a program can bind to
    sl_symbols(defined ${file} -D --defined-only)
    sl_symbols(undefined ${file} -D --undefined-only)
  else()
    sl_symbols(defined ${file} -g --defined-only)
    sl_symbols(undefined ${file} --undefined-only)
  endif()
  set(ok ON)
  list(LENGTH defined ndefined)
  set(outside ${defined})
  list(FILTER outside EXCLUDE REGEX "^simdloss_")
  if(ndefined EQUAL 0)
    message(SEND_ERROR "${base}: no global symbols at all")
    set(ok OFF)
  elseif(outside)
    list(JOIN outside " " outside)
    message(SEND_ERROR "${base}: global symbols without the simdloss_ prefix: ${outside}")
    set(ok OFF)
  endif()
  set(prints "")
  foreach(name IN LISTS undefined)
    string(REGEX REPLACE "^__" "" plain "${name}")
    string(REGEX REPLACE "(_chk|_unlocked)$" "" plain "${plain}")
    if(plain IN_LIST printing)
      list(APPEND prints ${name})
    endif()
  endforeach()
  if(prints)
    list(REMOVE_DUPLICATES prints)
    list(JOIN prints " " prints)
    message(SEND_ERROR "${base} refers to output functions: ${prints}")
    set(ok OFF)
  endif()
  if(ok)
    list(LENGTH undefined nundefined)
    message(STATUS "${base}: ${ndefined} global symbols, all simdloss_*; "
      "${nundefined} undefined, none of them prints")
  endif()
endforeach()
