# SPDX-License-Identifier: MIT
"""Long calls: progress callbacks, cancellation, Ctrl-C and interpreter exit.

A long call runs with a private clone of its options to which one module-level ctypes
trampoline is attached as the progress callback, and an interrupt flag: the caller's
(``interrupt=``) or a private one. Every running long call is registered here, so that

* Ctrl-C cancels them all (not only the one on the main thread): the main thread's call sees
  it at its next progress report (the trampoline is the only place where Python's signal
  handler can run while C runs) and raises the flags of every other running call;
  :func:`cancel_all` does the same from user code (e.g. in an ``except KeyboardInterrupt``
  around ``future.result()``);
* at interpreter exit an atexit hook raises the flags of the calls still running on daemon
  threads and waits (boundedly) until they have returned: otherwise the library would call the
  trampoline during finalization, where ctypes ends the thread with pthread_exit, unwinding
  through the library's noexcept frames (abort: "FATAL: exception not rethrown").

The trampoline calls the user's callback (if any) and returns non-zero, cancelling the call
(GMMOT_E_CANCELLED, nothing written), when the callback returns a true value, when it raises
(the exception is re-raised after the call), when Ctrl-C was pressed, or once interpreter exit
has begun. Nothing ever escapes it (BaseException included).

While a long call runs on the main thread, SIGINT gets a handler that wraps the previous
Python handler: it runs it, and what it raises (KeyboardInterrupt for the default handler)
stops the call and is raised once the library has returned, with every handle consistent. A
handler that does not raise lets the call go on. Short calls get none of this (no clone, no
callback: a NULL options pointer when no option is set).
"""
import atexit
import ctypes as C
import itertools
import signal
import sys
import threading
import time

from . import _errors
from ._lib import OptsP, ProgressFn, lib
from .options import Interrupt, Stage

_states = {}  # key -> _State of every running long call (all threads)
_keys = itertools.count(1)
_lock = threading.RLock()  # re-entrant: the SIGINT handler may run while this thread holds it
_idle = threading.Condition(_lock)
_main_stack = []  # states of the long calls running on the main thread, innermost last
_exiting = [False]
_saved_handler = [None]
#: how long the exit hook waits for cancelled calls to return (seconds)
EXIT_WAIT = 30.0


class _State:
    __slots__ = ("user", "exc", "user_cancelled", "interrupted", "flag", "own_flag", "main")

    def __init__(self, user, flag, own_flag, main):
        self.user = user
        self.exc = None
        self.user_cancelled = False
        self.interrupted = False  # Ctrl-C or cancel_all: stop at the next report
        self.flag = flag  # the Interrupt attached to the call (kept alive until it returns)
        self.own_flag = own_flag
        self.main = main


def _stage(stage):
    try:
        return Stage(stage)
    except ValueError:  # a stage added by a later library version
        return stage


def _cancel_running(except_state=None):
    """Stop every running long call: private flags are raised at once (the library polls them
    often), calls with a caller's flag stop at their next progress report."""
    with _lock:
        states = list(_states.values())
    for state in states:
        if state is except_state:
            continue
        state.interrupted = True
        if state.own_flag:
            try:
                state.flag.raise_()
            except BaseException:  # pragma: no cover - the flag cannot fail to rise
                pass


def cancel_all():
    """Cancel every long gmmot call running in this process (any thread); they raise
    :class:`gmmot.GmmotCancelled` (KeyboardInterrupt on the main thread after Ctrl-C).
    Returns the number of calls signalled."""
    with _lock:
        n = len(_states)
    _cancel_running()
    return n


@ProgressFn
def _trampoline(user_data, stage, done, total, value):
    state = None
    try:
        state = _states.get(user_data)
        if state is None:
            return 0
        if _exiting[0] or sys.is_finalizing():
            return 1
        if state.interrupted or state.exc is not None:
            return 1
        if state.user is not None and state.user(_stage(stage), done, total, value):
            state.user_cancelled = True
            return 1
        return 1 if (state.interrupted or state.exc is not None) else 0
    except BaseException as exc:  # never let anything unwind through C
        try:
            if state is not None and state.exc is None:
                state.exc = exc
            if isinstance(exc, KeyboardInterrupt):
                _cancel_running(state)
        except BaseException:  # pragma: no cover
            pass
        return 1


def _on_sigint(signum, frame):
    """SIGINT while a long call runs on the main thread: run the previous handler here (not
    inside C) and turn what it raises into a cancellation."""
    prev = _saved_handler[0]
    try:
        if callable(prev):
            prev(signum, frame)
        else:  # pragma: no cover - SIG_DFL/SIG_IGN are never wrapped
            return
    except BaseException as exc:
        if _main_stack:
            state = _main_stack[-1]
            if state.exc is None:
                state.exc = exc
            state.interrupted = True
            _cancel_running()
            return
        raise


def _at_exit():
    """Cancel the calls still running (daemon threads) and wait until they have returned."""
    _exiting[0] = True
    with _lock:
        states = list(_states.values())
    for state in states:
        state.interrupted = True
        try:
            state.flag.raise_()
        except BaseException:  # pragma: no cover
            pass
    deadline = time.monotonic() + EXIT_WAIT
    with _idle:
        while _states and time.monotonic() < deadline:
            _idle.wait(0.05)


atexit.register(_at_exit)


class LongCall:
    """Context manager around one cancellable C call::

        with LongCall(options, active) as call:
            status = lib.gmmot_xxx(..., call.opts, ...)
            call.finish(status)

    ``active`` (the call may take long) or a progress callback in ``options`` attach the
    trampoline and a flag; otherwise ``call.opts`` is the options' own handle (or NULL) and
    ``finish`` is plain status checking.
    """

    __slots__ = ("options", "active", "opts", "state", "key", "old_handler", "wrapped")

    def __init__(self, options, active):
        self.options = options
        self.active = active or (options is not None and options.progress is not None)
        self.opts = None if options is None else options._ptr
        self.state = None
        self.key = 0
        self.old_handler = None
        self.wrapped = False

    def __enter__(self):
        if not self.active:
            return self
        clone = OptsP()
        if self.options is None:
            _errors.check(lib.gmmot_options_create(C.byref(clone)))
        else:
            _errors.check(lib.gmmot_options_clone(self.options._ptr, C.byref(clone)))
        self.opts = clone
        user_flag = None if self.options is None else self.options.interrupt
        flag = user_flag if user_flag is not None else Interrupt()
        _errors.check(lib.gmmot_options_set_interrupt(clone, flag._ptr))
        main = threading.current_thread() is threading.main_thread()
        self.state = _State(None if self.options is None else self.options.progress, flag,
                            user_flag is None, main)
        self.key = next(_keys)
        _errors.check(lib.gmmot_options_set_progress(clone, _trampoline, self.key))
        with _lock:
            _states[self.key] = self.state
        if _exiting[0]:  # a daemon thread starting a call during exit: cancelled at once
            self.state.interrupted = True
            flag.raise_()
        if main:
            if not _main_stack:
                current = signal.getsignal(signal.SIGINT)
                if callable(current) and current is not _on_sigint:
                    _saved_handler[0] = current
                    self.old_handler = signal.signal(signal.SIGINT, _on_sigint)
                    self.wrapped = True
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
        if error is not None:
            raise error
        return _errors.check(status)

    def __exit__(self, exc_type, exc, tb):
        state = self.state
        if state is None:
            return False
        if _main_stack and _main_stack[-1] is state:
            _main_stack.pop()
        if self.wrapped:
            signal.signal(signal.SIGINT, self.old_handler)
            _saved_handler[0] = None
        with _idle:
            _states.pop(self.key, None)
            _idle.notify_all()
        lib.gmmot_options_destroy(self.opts)
        if exc_type is None and state.main and state.exc is not None:
            raise state.exc  # Ctrl-C arrived after the library returned
        return False


#: work (as counted by the callers: rows x K x d (d + 2)) of one block of a point-wise call:
#: about 0.05 s on one core, so that Ctrl-C and progress stay prompt, while a call of that size
#: or less is one C call (each block ends with a join of the library's threads, which costs
#: when the machine is busy)
BLOCK_WORK = 1 << 27
#: the fewest rows per block
MIN_BLOCK_ROWS = 65536


def block_rows(work_per_row):
    """Rows per block for a point-wise call of that much work per row."""
    return max(MIN_BLOCK_ROWS, int(BLOCK_WORK // max(1, work_per_row)))


def run_blocks(options, n, stage, block_call, work_per_row):
    """A point-wise deterministic call over n rows in blocks written straight into the output:
    the C calls get the options without callback or flag (no staging copy), and between blocks
    the user's progress callback runs, the user's interrupt flag is checked and Python delivers
    Ctrl-C. ``block_call(start, stop, opts_ptr)`` returns a status."""
    block = block_rows(work_per_row)
    ptr, tmp = None, None
    user, flag = None, None
    if options is not None:
        user, flag = options.progress, options.interrupt
        ptr = options._ptr
        if flag is not None:  # the flag would make the library stage its output
            tmp = OptsP()
            _errors.check(lib.gmmot_options_clone(ptr, C.byref(tmp)))
            _errors.check(lib.gmmot_options_set_interrupt(tmp, None))
            ptr = tmp
    try:
        start = 0
        while True:
            stop = min(n, start + block)
            if flag is not None and flag.is_raised:
                raise _errors.error_for(_errors.E_CANCELLED, "cancelled by the interrupt flag")
            _errors.check(block_call(start, stop, ptr))
            if user is not None and user(stage, stop, n, 0.0):
                raise _errors.error_for(_errors.E_CANCELLED, "cancelled by the progress callback")
            start = stop
            if start >= n:
                return
    finally:
        if tmp is not None:
            lib.gmmot_options_destroy(tmp)
