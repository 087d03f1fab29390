# SPDX-License-Identifier: MIT
"""Long calls: progress callbacks, cancellation and Ctrl-C.

A long call runs with a private clone of its options to which one module-level ctypes
trampoline is attached as the progress callback. The trampoline calls the user's callback (if
any) and returns non-zero, cancelling the call (GMMOT_E_CANCELLED, nothing written), when the
callback returns a true value, when it raises (the exception is re-raised after the call), or
when Ctrl-C was pressed.

Ctrl-C: ctypes releases the GIL during the call, so Python's SIGINT handler can only run when
the library calls back into Python, i.e. inside the trampoline. A KeyboardInterrupt raised
there could escape before any ``try`` (CPython checks signals on function entry) and would be
lost by ctypes, so while a long call runs on the main thread (and SIGINT has Python's default
handler) a handler is installed that only records the interrupt; the trampoline then cancels
the call and KeyboardInterrupt is raised once the library has returned, with every handle
consistent. Short calls get none of this (no clone, no callback: a NULL options pointer when no
option is set).
"""
import ctypes as C
import itertools
import signal
import threading

from . import _errors
from ._lib import OptsP, ProgressFn, lib
from .options import Stage

_states = {}
_keys = itertools.count(1)
_main_stack = []  # states of the long calls running on the main thread, innermost last


class _State:
    __slots__ = ("user", "exc", "user_cancelled", "interrupted")

    def __init__(self, user):
        self.user = user
        self.exc = None
        self.user_cancelled = False
        self.interrupted = False


def _stage(stage):
    try:
        return Stage(stage)
    except ValueError:  # a stage added by a later library version
        return stage


@ProgressFn
def _trampoline(user_data, stage, done, total, value):
    state = None
    try:
        state = _states.get(user_data)
        if state is None:
            return 0
        if state.interrupted or state.exc is not None:
            return 1
        if state.user is not None and state.user(_stage(stage), done, total, value):
            state.user_cancelled = True
            return 1
        return 1 if state.interrupted else 0
    except BaseException as exc:  # never let anything unwind through C
        if state is not None:
            state.exc = exc
        return 1


def _on_sigint(signum, frame):
    if _main_stack:
        _main_stack[-1].interrupted = True
    else:  # pragma: no cover - only between two long calls
        raise KeyboardInterrupt


class LongCall:
    """Context manager around one cancellable C call::

        with LongCall(options, active) as call:
            status = lib.gmmot_xxx(..., call.opts, ...)
            call.finish(status)

    ``active`` (the call may take long) or a progress callback in ``options`` attach the
    trampoline; otherwise ``call.opts`` is the options' own handle (or NULL) and ``finish`` is
    plain status checking.
    """

    __slots__ = ("options", "active", "opts", "state", "key", "old_handler")

    def __init__(self, options, active):
        self.options = options
        self.active = active or (options is not None and options.progress is not None)
        self.opts = None if options is None else options._ptr
        self.state = None
        self.key = 0
        self.old_handler = None

    def __enter__(self):
        if not self.active:
            return self
        clone = OptsP()
        if self.options is None:
            _errors.check(lib.gmmot_options_create(C.byref(clone)))
        else:
            _errors.check(lib.gmmot_options_clone(self.options._ptr, C.byref(clone)))
        self.opts = clone
        self.state = _State(None if self.options is None else self.options.progress)
        self.key = next(_keys)
        _states[self.key] = self.state
        _errors.check(lib.gmmot_options_set_progress(clone, _trampoline, self.key))
        if threading.current_thread() is threading.main_thread():
            if not _main_stack and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
                self.old_handler = signal.signal(signal.SIGINT, _on_sigint)
            _main_stack.append(self.state)
        return self

    def finish(self, status):
        """Raise or warn for ``status`` (reading the thread's message first), or re-raise what
        stopped the call (the callback's exception, KeyboardInterrupt)."""
        state = self.state
        if state is None:
            return _errors.check(status)
        error = _errors.error_for(status) if status < 0 else None
        if state.exc is not None:
            raise state.exc
        if state.interrupted:
            raise KeyboardInterrupt
        if error is not None:
            raise error
        return _errors.check(status)

    def __exit__(self, exc_type, exc, tb):
        state = self.state
        if state is None:
            return False
        if _main_stack and _main_stack[-1] is state:
            _main_stack.pop()
        if self.old_handler is not None:
            signal.signal(signal.SIGINT, self.old_handler)
        _states.pop(self.key, None)
        lib.gmmot_options_destroy(self.opts)
        if exc_type is None and state.interrupted:
            raise KeyboardInterrupt  # Ctrl-C arrived after the library returned
        return False
