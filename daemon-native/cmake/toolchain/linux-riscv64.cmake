# linux-riscv64 (the name Platform gives it): 64-bit RISC-V, RV64GC, lp64d ABI. Used when this
# is not the build machine's own platform; Debian packages: gcc-riscv64-linux-gnu
# libc6-dev-riscv64-cross.
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(JDAEMON_TRIPLET riscv64-linux-gnu)
set(JDAEMON_DEBIAN_PACKAGES gcc-riscv64-linux-gnu libc6-dev-riscv64-cross)
include(${CMAKE_CURRENT_LIST_DIR}/gnu-cross.cmake)
