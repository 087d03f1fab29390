# SPDX-License-Identifier: MIT
"""Input arrays: every check that Python can make happens here, before any C call.

Inputs may be numpy arrays or nested lists. Real numeric dtypes (floats and integers) are
converted to float64; a non-contiguous or non-native array is copied into a C-contiguous
float64 buffer (the C side only ever sees row-major contiguous doubles, so strides can never
make it read past an array). Complex, boolean, object and string data raise TypeError; a wrong
number of dimensions or a wrong size raises ValueError naming the argument and the expected
shape; NaN or infinity raises ValueError naming the argument and the first bad index. Nothing
is ever silently reshaped or broadcast.

With :func:`set_strict_inputs` (True), ndarrays are never copied: one that is not float64 raises
TypeError and one that is not C-contiguous raises ValueError, naming the argument (for code
that must not pay for hidden copies of large arrays). Lists are still accepted.
"""
import numpy as np

_F64 = np.dtype(np.float64)
_strict = [False]


def set_strict_inputs(enabled):
    """Refuse (True) or copy (False, the default) ndarray inputs that are not C-contiguous
    float64. Process-wide; returns the previous setting."""
    previous = _strict[0]
    _strict[0] = bool(enabled)
    return previous


def _shape_text(shape):
    return "(" + ", ".join("?" if s is None else str(s) for s in shape) + \
        ("," if len(shape) == 1 else "") + ")"


def as_array(x, name, shape, finite=True):
    """A C-contiguous float64 array of the given shape (None: any size on that axis).

    Raises
    ------
    TypeError
        ``x`` is not real numeric data.
    ValueError
        Wrong number of dimensions, a wrong size, or (``finite``) a NaN or infinite entry.
    """
    if isinstance(x, np.ndarray) and x.dtype == _F64 and x.flags.c_contiguous \
            and x.flags.aligned:
        a = x
    elif _strict[0] and isinstance(x, np.ndarray):
        if x.dtype != _F64:
            raise TypeError("%s: expected a float64 array, got dtype %s (strict inputs: no "
                            "conversion)" % (name, x.dtype))
        if not x.flags.aligned:
            raise ValueError("%s: the buffer is not aligned for float64 (strict inputs: no "
                             "copy; use numpy.array(x))" % name)
        raise ValueError("%s: expected a C-contiguous array (strict inputs: no copy; use "
                         "numpy.ascontiguousarray)" % name)
    else:
        try:
            a = np.asarray(x)
        except (ValueError, TypeError) as exc:  # ragged nested lists
            raise ValueError("%s: cannot be read as an array: %s" % (name, exc)) from None
        kind = a.dtype.kind
        if kind not in "fiu":
            raise TypeError("%s: expected real numbers (float64), got dtype %s" % (name, a.dtype))
        # np.array (not ascontiguousarray, which makes a 0-d input 1-d); an unaligned float64
        # buffer is copied too, as C requires aligned doubles
        a = np.array(a, dtype=_F64, order="C", copy=not (a.dtype == _F64 and a.flags.c_contiguous
                                                          and a.flags.aligned))
    if a.ndim != len(shape):
        if a.ndim == 0:
            raise ValueError("%s: expected a %d-d array of shape %s, got a scalar"
                             % (name, len(shape), _shape_text(shape)))
        raise ValueError("%s: expected a %d-d array of shape %s, got shape %s"
                         % (name, len(shape), _shape_text(shape), a.shape))
    for want, got in zip(shape, a.shape):
        if want is not None and want != got:
            raise ValueError("%s: expected shape %s, got %s" % (name, _shape_text(shape), a.shape))
    # one pass without a temporary (a NaN or infinity makes the sum non-finite; an overflowing
    # sum of finite values only costs the exact check)
    if finite and a.size and not np.isfinite(np.add.reduce(a, axis=None)) \
            and not np.isfinite(a).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
        raise ValueError("%s: entry %s is %r (NaN and infinity are not allowed)"
                         % (name, list(bad), float(a[bad])))
    return a


def optional_weights(w, name, n):
    """None (all ones for the C side) or a checked float64 vector of length n."""
    return None if w is None else as_array(w, name, (n,))


def addr(a):
    """The address of a numpy buffer for a ``c_void_p`` argument (None stays NULL)."""
    return None if a is None else a.__array_interface__["data"][0]


def check_out(out, name, shape):
    """A caller's output array: exactly a writeable, aligned, C-contiguous float64 ndarray of
    ``shape`` (never copied: the result is written into it)."""
    if not isinstance(out, np.ndarray):
        raise TypeError("%s: expected a numpy.ndarray, got %s" % (name, type(out).__name__))
    if out.dtype != _F64:
        raise TypeError("%s: expected dtype float64, got %s" % (name, out.dtype))
    if out.shape != tuple(shape):
        raise ValueError("%s: expected shape %s, got %s" % (name, _shape_text(shape), out.shape))
    if not (out.flags.c_contiguous and out.flags.aligned and out.flags.writeable):
        raise ValueError("%s: must be a writeable, aligned, C-contiguous array" % name)
    return out


def empty(shape):
    """An output buffer (C-contiguous float64)."""
    return np.empty(shape, dtype=_F64)


def empty_sizes(n):
    """An output buffer of size_t."""
    return np.empty(n, dtype=np.uintp)


def check_positive_int(value, name, minimum=0):
    """An int >= minimum (bool rejected), else TypeError/ValueError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError("%s: expected an integer, got %r" % (name, value))
    value = int(value)
    if value < minimum:
        raise ValueError("%s: must be >= %d, got %d" % (name, minimum, value))
    return value
