# linux-x86_64 (the name Platform gives it): 64-bit x86 (amd64). Used when this is not the build
# machine's own platform; Debian packages: gcc-x86-64-linux-gnu libc6-dev-amd64-cross.
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(JDAEMON_TRIPLET x86_64-linux-gnu)
set(JDAEMON_DEBIAN_PACKAGES gcc-x86-64-linux-gnu libc6-dev-amd64-cross)
include(${CMAKE_CURRENT_LIST_DIR}/gnu-cross.cmake)
