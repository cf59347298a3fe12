# SPDX-License-Identifier: Apache-2.0
# Cross build for AArch64 Linux with Debian's gcc-aarch64-linux-gnu; the
# tests run under qemu-user (packages: scripts/deps.sh arm64).
#   cmake -S . -B build/arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# pkg-config must see the arm64 .pc files (libsleef-dev:arm64, check:arm64)
# and never the host's.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# Plain qemu-aarch64: the multiarch arm64 libc and libraries are found in /.
# Not "-L /usr/aarch64-linux-gnu": that mixes two C library builds and hangs
# Check's forked tests.
find_program(SL_QEMU_AARCH64 qemu-aarch64)
if(SL_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${SL_QEMU_AARCH64}")
endif()

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
