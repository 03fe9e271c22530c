# linux-x86 (the name Platform gives it): 32-bit x86 (i686 and later). Used when this is not the
# build machine's own platform; Debian packages: gcc-i686-linux-gnu libc6-dev-i386-cross.
set(CMAKE_SYSTEM_PROCESSOR i686)
set(JDAEMON_TRIPLET i686-linux-gnu)
set(JDAEMON_DEBIAN_PACKAGES gcc-i686-linux-gnu libc6-dev-i386-cross)
include(${CMAKE_CURRENT_LIST_DIR}/gnu-cross.cmake)
