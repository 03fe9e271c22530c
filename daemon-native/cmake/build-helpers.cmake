# Builds the helper once per target platform, each in a build directory of its own:
#
#   cmake -DJDAEMON_SOURCE=daemon-native -DJDAEMON_BUILD=daemon-native/target/cmake
#         -DJDAEMON_HOST=linux-x86_64 "-DJDAEMON_TARGETS=linux-x86_64;linux-aarch64;..."
#         -P daemon-native/cmake/build-helpers.cmake
#
# Maven runs this through io.jdaemon.internal.platform.HelperBuild, which passes Platform's list
# of targets and then checks and packages what was built. The result for target T is
# JDAEMON_BUILD/T/jdaemon-helper.
#
# The host's own platform is built with the default C compiler. Every other one is
# cross-compiled with the toolchain file toolchain/T.cmake; when its compiler or its static C
# library is missing, the target is skipped (its old result deleted) and one line at the end
# names the skipped targets and the Debian packages that add them. Any other failure stops the
# build.
cmake_minimum_required(VERSION 3.14)

foreach(var JDAEMON_SOURCE JDAEMON_BUILD JDAEMON_HOST JDAEMON_TARGETS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "build-helpers.cmake: -D${var}=... is required")
  endif()
endforeach()

# Runs one cmake step quietly; its output is shown only if it fails.
function(jdaemon_run target)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "[jdaemon] building the ${target} helper failed:\n${out}")
  endif()
endfunction()

# Sets <out_var> in the caller to "" if TARGET can be cross-compiled here, else to the reason
# (with the Debian packages that would add it).
function(jdaemon_cross_missing target toolchain out_var)
  include(${toolchain}) # JDAEMON_TRIPLET, JDAEMON_DEBIAN_PACKAGES, CMAKE_C_COMPILER
  string(REPLACE ";" " " packages "${JDAEMON_DEBIAN_PACKAGES}")
  find_program(JDAEMON_CC_${target} NAMES ${CMAKE_C_COMPILER})
  set(compiler "${JDAEMON_CC_${target}}")
  if(NOT compiler)
    set(${out_var} "${target} (needs ${CMAKE_C_COMPILER}: apt-get install ${packages})"
      PARENT_SCOPE)
    return()
  endif()
  # A compiler installed without its C library (apt --no-install-recommends) cannot link
  # statically; gcc prints just "libc.a" when it finds no such file.
  execute_process(COMMAND ${compiler} -print-file-name=libc.a
    OUTPUT_VARIABLE libc OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT IS_ABSOLUTE "${libc}" OR NOT EXISTS "${libc}")
    set(${out_var} "${target} (needs libc.a for ${CMAKE_C_COMPILER}: apt-get install ${packages})"
      PARENT_SCOPE)
    return()
  endif()
  set(${out_var} "" PARENT_SCOPE)
endfunction()

set(built "")
set(skipped "")
foreach(target IN LISTS JDAEMON_TARGETS)
  set(dir "${JDAEMON_BUILD}/${target}")
  set(toolchain_arg "")
  if(NOT target STREQUAL JDAEMON_HOST)
    set(toolchain "${JDAEMON_SOURCE}/cmake/toolchain/${target}.cmake")
    if(NOT EXISTS "${toolchain}")
      message(FATAL_ERROR "[jdaemon] Platform names ${target}, but there is no ${toolchain}")
    endif()
    jdaemon_cross_missing(${target} "${toolchain}" missing)
    if(missing)
      if(skipped)
        string(APPEND skipped ", ")
      endif()
      string(APPEND skipped "${missing}")
      file(REMOVE "${dir}/jdaemon-helper")
      continue()
    endif()
    set(toolchain_arg "-DCMAKE_TOOLCHAIN_FILE=${toolchain}")
  endif()
  jdaemon_run(${target} ${CMAKE_COMMAND} -S "${JDAEMON_SOURCE}" -B "${dir}"
    -DCMAKE_BUILD_TYPE=Release ${toolchain_arg})
  jdaemon_run(${target} ${CMAKE_COMMAND} --build "${dir}")
  list(APPEND built ${target})
endforeach()

string(REPLACE ";" ", " built "${built}")
message("[jdaemon] helpers built: ${built}")
if(skipped)
  message("[jdaemon] helpers skipped, not in this jar: ${skipped}")
endif()
