# linux-ppc64le (the name Platform gives it): 64-bit POWER, little-endian, ELFv2 ABI (POWER8 and
# later). Used when this is not the build machine's own platform; Debian packages:
# gcc-powerpc64le- linux-gnu libc6-dev-ppc64el-cross.
set(CMAKE_SYSTEM_PROCESSOR ppc64le)
set(JDAEMON_TRIPLET powerpc64le-linux-gnu)
set(JDAEMON_DEBIAN_PACKAGES gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross)
include(${CMAKE_CURRENT_LIST_DIR}/gnu-cross.cmake)
