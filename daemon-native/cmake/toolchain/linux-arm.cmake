# linux-arm (the name Platform gives it): 32-bit ARM, hard-float EABI, ARMv7 with VFPv3-D16 as
# Debian's armhf (runs on any ARMv7 Linux with VFP). Used when this is not the build machine's
# own platform; Debian packages: gcc-arm-linux-gnueabihf libc6-dev-armhf-cross.
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(JDAEMON_TRIPLET arm-linux-gnueabihf)
set(JDAEMON_DEBIAN_PACKAGES gcc-arm-linux-gnueabihf libc6-dev-armhf-cross)
include(${CMAKE_CURRENT_LIST_DIR}/gnu-cross.cmake)
