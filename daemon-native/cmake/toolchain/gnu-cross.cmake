# Shared part of the cross toolchain files: a GNU cross compiler named JDAEMON_TRIPLET-gcc (set by
# the including file, e.g. aarch64-linux-gnu), as Debian's gcc-TRIPLET packages install it, with
# its C library under /usr/TRIPLET. The helper links statically, so only libc.a is needed there.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${JDAEMON_TRIPLET}-gcc)
set(CMAKE_FIND_ROOT_PATH /usr/${JDAEMON_TRIPLET})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
