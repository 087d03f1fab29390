// SPDX-License-Identifier: MIT
// Attributes for the few hot kernels that get an AVX2/FMA (x86-64-v3) clone next to the
// portable one; the loader picks the clone for the running CPU. A kernel's results are the same
// for every thread count; across CPUs they may differ in the last bits.
#pragma once

// Not under ThreadSanitizer: GCC instruments the clones' ifunc resolver, which the loader runs
// during relocation, before the TSan runtime is initialised, and every program then crashes at
// start-up in __tsan_func_entry (cmake/Sanitize.cmake); the TSan build tests the portable code.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
#define GMMOT_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define GMMOT_CLONES
#endif

// For helpers that must be inlined into each clone to be compiled for its instruction set.
#if defined(__GNUC__)
#define GMMOT_INLINE inline __attribute__((always_inline))
#else
#define GMMOT_INLINE inline
#endif
