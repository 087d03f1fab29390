# SPDX-License-Identifier: MIT
"""Small helpers shared by the object modules: output handles and long-call thresholds."""
import ctypes as C

from ._lib import GmmP

#: work (roughly flops) above which a call gets the progress trampoline (Ctrl-C, callbacks);
#: below it the call is short (well under a millisecond) and runs with no extra overhead.
LONG_WORK = 2.0e5


def is_long(work):
    """True when a call of that much work should be cancellable."""
    return work >= LONG_WORK


def new_gmm_ptr():
    """An empty gmmot_gmm_t* to receive an out-handle."""
    return GmmP()


def address(ptr):
    """The integer address of a ctypes pointer (for arrays of handles)."""
    return C.cast(ptr, C.c_void_p).value
