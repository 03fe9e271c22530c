# linux-aarch64 (the name Platform gives it): 64-bit ARM (arm64). Used when this is not the
# build machine's own platform; Debian packages: gcc-aarch64-linux-gnu libc6-dev-arm64-cross.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(JDAEMON_TRIPLET aarch64-linux-gnu)
set(JDAEMON_DEBIAN_PACKAGES gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
include(${CMAKE_CURRENT_LIST_DIR}/gnu-cross.cmake)
