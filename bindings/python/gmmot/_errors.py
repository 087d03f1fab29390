# SPDX-License-Identifier: MIT
"""Status codes of libgmmot as Python exceptions and warnings.

A negative status raises a :class:`GmmotError` subclass chosen by the status (each also derives
from the matching built-in exception, so ``except ValueError`` catches bad input whether Python
or C found it); a positive status issues a :class:`GmmotWarning` through :func:`warnings.warn`.
"""
import os
import sys
import warnings

from ._lib import lib

OK = 0
W_NOT_CONVERGED = 1
W_SYMMETRIZED = 2
E_INVALID_ARGUMENT = -1
E_BUFFER_TOO_SMALL = -2
E_OUT_OF_MEMORY = -3
E_DIMENSION = -4
E_TOO_LARGE = -5
E_NONFINITE = -6
E_WEIGHTS = -7
E_NOT_SYMMETRIC = -8
E_NOT_PSD = -9
E_SINGULAR = -10
E_NO_MAP = -11
E_OVERFLOW = -12
E_LAPACK = -13
E_CANCELLED = -14
E_ITERATION_LIMIT = -15
E_FORMAT = -16
E_IO = -17
E_FAMILY = -18
E_INTERNAL = -99

STATUS_NAMES = {
    OK: "GMMOT_OK", W_NOT_CONVERGED: "GMMOT_W_NOT_CONVERGED", W_SYMMETRIZED: "GMMOT_W_SYMMETRIZED",
    E_INVALID_ARGUMENT: "GMMOT_E_INVALID_ARGUMENT", E_BUFFER_TOO_SMALL: "GMMOT_E_BUFFER_TOO_SMALL",
    E_OUT_OF_MEMORY: "GMMOT_E_OUT_OF_MEMORY", E_DIMENSION: "GMMOT_E_DIMENSION",
    E_TOO_LARGE: "GMMOT_E_TOO_LARGE", E_NONFINITE: "GMMOT_E_NONFINITE",
    E_WEIGHTS: "GMMOT_E_WEIGHTS", E_NOT_SYMMETRIC: "GMMOT_E_NOT_SYMMETRIC",
    E_NOT_PSD: "GMMOT_E_NOT_PSD", E_SINGULAR: "GMMOT_E_SINGULAR", E_NO_MAP: "GMMOT_E_NO_MAP",
    E_OVERFLOW: "GMMOT_E_OVERFLOW", E_LAPACK: "GMMOT_E_LAPACK", E_CANCELLED: "GMMOT_E_CANCELLED",
    E_ITERATION_LIMIT: "GMMOT_E_ITERATION_LIMIT", E_FORMAT: "GMMOT_E_FORMAT", E_IO: "GMMOT_E_IO",
    E_FAMILY: "GMMOT_E_FAMILY",
    E_INTERNAL: "GMMOT_E_INTERNAL",
}


class GmmotError(Exception):
    """An error status of libgmmot.

    Attributes
    ----------
    status : int
        The negative status code (``gmmot_status`` in status.h).
    name : str
        Its name, e.g. ``"GMMOT_E_NOT_PSD"``.
    message : str
        ``gmmot_last_error_message()`` of the failing call (names function, argument, entry).
    """

    def __init__(self, status, name, message):
        super().__init__("%s (%d): %s" % (name, status, message))
        self.status = status
        self.name = name
        self.message = message

    def __reduce__(self):
        return (_rebuild_error, (self.status, self.name, self.message))


class GmmotValueError(GmmotError, ValueError):
    """Bad input found by the library (dimensions, weights, non-finite, not PSD, format...)."""


class GmmotMemoryError(GmmotError, MemoryError):
    """GMMOT_E_OUT_OF_MEMORY."""


class GmmotOverflowError(GmmotError, OverflowError):
    """GMMOT_E_OVERFLOW and GMMOT_E_TOO_LARGE."""


class GmmotIOError(GmmotError, OSError):
    """GMMOT_E_IO: a file could not be opened, read or written."""


class GmmotNoMapError(GmmotError, ValueError):
    """GMMOT_E_NO_MAP: no deterministic transport map exists."""


class GmmotFamilyError(GmmotError, ValueError):
    """GMMOT_E_FAMILY: mixtures of different families (Gaussian, Student-t) or different nu
    combined, e.g. MW2 between a Gaussian and a Student-t mixture (no closed form)."""


class GmmotCancelled(GmmotError):
    """GMMOT_E_CANCELLED: a progress callback returned True or the interrupt flag was raised."""


class GmmotConvergenceError(GmmotError, RuntimeError):
    """GMMOT_E_ITERATION_LIMIT: an exact solver hit its iteration cap (no result)."""


class GmmotWarning(UserWarning):
    """A warning status (> 0): the outputs were written but deserve attention.

    Attributes ``status``, ``name`` and ``message`` as :class:`GmmotError`.
    """

    def __init__(self, message, status=0, name=""):
        super().__init__(message)
        self.message = message
        self.status = status
        self.name = name

    def __str__(self):
        return self.message


class GmmotConvergenceWarning(GmmotWarning):
    """GMMOT_W_NOT_CONVERGED: an iteration cap was reached; the best iterate was returned."""


_ERROR_CLASSES = {
    E_INVALID_ARGUMENT: GmmotValueError, E_BUFFER_TOO_SMALL: GmmotValueError,
    E_OUT_OF_MEMORY: GmmotMemoryError, E_DIMENSION: GmmotValueError,
    E_TOO_LARGE: GmmotOverflowError, E_NONFINITE: GmmotValueError, E_WEIGHTS: GmmotValueError,
    E_NOT_SYMMETRIC: GmmotValueError, E_NOT_PSD: GmmotValueError, E_SINGULAR: GmmotValueError,
    E_NO_MAP: GmmotNoMapError, E_OVERFLOW: GmmotOverflowError, E_CANCELLED: GmmotCancelled,
    E_ITERATION_LIMIT: GmmotConvergenceError, E_FORMAT: GmmotValueError, E_IO: GmmotIOError,
    E_FAMILY: GmmotFamilyError,
}


def _rebuild_error(status, name, message):
    return _ERROR_CLASSES.get(status, GmmotError)(status, name, message)


def status_name(status):
    """The name of a status code (``"GMMOT_E_WEIGHTS"``), or ``"unknown status"``."""
    return STATUS_NAMES.get(status, "unknown status")


def status_string(status):
    """``gmmot_status_string(status)``: the library's text for a status code."""
    return lib.gmmot_status_string(status).decode("utf-8", "replace")


def last_error_message():
    """``gmmot_last_error_message()`` of this thread."""
    return lib.gmmot_last_error_message().decode("utf-8", "replace")


def error_for(status, message=None):
    """The exception object for a negative status (reads the thread's message if not given)."""
    if message is None:
        message = last_error_message()
    return _rebuild_error(status, status_name(status), message)


def check(status):
    """Raise for status < 0, warn for status > 0, return status. Must run right after the call,
    on the calling thread (the message is thread-local)."""
    if status == 0:
        return 0
    if status < 0:
        raise error_for(status)
    category = GmmotConvergenceWarning if status == W_NOT_CONVERGED else GmmotWarning
    warnings.warn(category("%s: %s" % (status_name(status), last_error_message()),
                           status, status_name(status)), stacklevel=_user_stacklevel())
    return status


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _user_stacklevel():
    """The stacklevel of the first frame outside this package (so warnings point at the
    user's line)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) \
            == _PACKAGE_DIR:
        frame, level = frame.f_back, level + 1
    return level
