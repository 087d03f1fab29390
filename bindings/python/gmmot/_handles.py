# SPDX-License-Identifier: MIT
"""Small helpers shared by the object modules: output handles and long-call thresholds."""
import ctypes as C

from ._lib import lib


#: work (roughly flops) above which a call gets the progress trampoline (Ctrl-C, callbacks);
#: below it the call is short (well under a millisecond) and runs with no extra overhead.
LONG_WORK = 2.0e5


def is_long(work):
    """True when a call of that much work should be cancellable."""
    return work >= LONG_WORK


def address(ptr):
    """The integer address of a ctypes pointer (for arrays of handles)."""
    return C.cast(ptr, C.c_void_p).value


class Immutable:
    """Base of the immutable handle-owning results: a copy is the object itself (the default
    copy would duplicate the handle and free it twice)."""

    __slots__ = ()

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class Owned(Immutable):
    """Base of the immutable results that own one C handle (``_ptr``): ``_destroy`` names the C
    function that frees it, and the object pickles as its ``_recipe`` (the inputs and option
    values), solved again on loading by ``_rebuild`` (the solvers are deterministic)."""

    __slots__ = ()
    _destroy = None
    _rebuild = None

    def __del__(self):
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr:
            getattr(lib, self._destroy)(ptr)

    def __reduce__(self):
        recipe = getattr(self, "_recipe", None)
        if recipe is None or type(self)._rebuild is None:
            raise TypeError("this %s has no recipe and cannot be pickled" % type(self).__name__)
        return (type(self)._rebuild, recipe)
