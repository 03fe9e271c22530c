# linux-s390x (the name Platform gives it): IBM Z, 64-bit, big-endian. Used when this is not the
# build machine's own platform; Debian packages: gcc-s390x-linux-gnu libc6-dev-s390x-cross.
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(JDAEMON_TRIPLET s390x-linux-gnu)
set(JDAEMON_DEBIAN_PACKAGES gcc-s390x-linux-gnu libc6-dev-s390x-cross)
include(${CMAKE_CURRENT_LIST_DIR}/gnu-cross.cmake)
