# SPDX-License-Identifier: MIT
# GMMOT_SANITIZE: a list for -fsanitize=, e.g. -DGMMOT_SANITIZE="address,undefined" or "thread".
# Included before any target is defined, so the flags reach every target of the tree (the core,
# libgmmot.so, tests, benchmarks, examples) through the directory properties.
#
# Verified on Debian 12 (toolchain.md section 6): use GCC. g++ links the sanitizer runtime into
# libgmmot.so itself, so the shared library's --no-undefined keeps working; clang would need
# -shared-libsan and an rpath to its resource directory.
#  - UBSan findings abort (-fno-sanitize-recover=undefined) instead of printing and continuing.
#  - TSan: GCC 12's shared runtime (libtsan.so.2), linked into libgmmot.so and the programs.
#    "TSan fails to start here" was not the runtime: every TSan program crashed at start-up
#    in __tsan_func_entry, called from the instrumented ifunc resolver of a target_clones
#    kernel, which the loader runs before the runtime is initialised; the static runtime
#    (-static-libtsan) crashed the same way. util/simd.hpp drops the clones under TSan, and
#    then the shared runtime works. (-static-libtsan cannot go into libgmmot.so anyway.)
#  - Tests get ASAN_OPTIONS, UBSAN_OPTIONS and TSAN_OPTIONS with halt_on_error through
#    GMMOT_SANITIZER_ENV (tests/CMakeLists.txt appends it to each test's ENVIRONMENT).
set(GMMOT_SANITIZE "" CACHE STRING
    "Sanitizers for every target, as for -fsanitize= (e.g. address,undefined or thread); empty: none")

set(GMMOT_SANITIZER_ENV "")
set(GMMOT_SANITIZE_ADDRESS OFF)
set(GMMOT_SANITIZE_THREAD OFF)
if(GMMOT_SANITIZE)
  string(REPLACE ";" "," _gmmot_san "${GMMOT_SANITIZE}")
  if(_gmmot_san MATCHES "(^|,)address(,|$)")
    set(GMMOT_SANITIZE_ADDRESS ON)
  endif()
  if(_gmmot_san MATCHES "(^|,)thread(,|$)")
    set(GMMOT_SANITIZE_THREAD ON)
  endif()
  if(GMMOT_SANITIZE_ADDRESS AND GMMOT_SANITIZE_THREAD)
    message(FATAL_ERROR "GMMOT_SANITIZE: address and thread cannot be combined")
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    message(WARNING "GMMOT_SANITIZE is verified with GCC only; with ${CMAKE_CXX_COMPILER_ID} "
                    "the shared library may need -shared-libsan (toolchain.md section 6)")
  endif()
  add_compile_options(-fsanitize=${_gmmot_san} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${_gmmot_san})
  if(_gmmot_san MATCHES "(^|,)undefined(,|$)")
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
  # Reports abort the test (non-zero status); leaks are errors too (LeakSanitizer).
  set(GMMOT_SANITIZER_ENV
    "ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
    "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1"
    "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1")
  message(STATUS "GMMOT_SANITIZE: -fsanitize=${_gmmot_san}")
endif()
