# SPDX-License-Identifier: MIT
"""Options (gmmot/options.h) as keyword arguments, progress callbacks and interrupt flags.

Every function of this package that reads options accepts ``options=`` (an :class:`Options`)
and/or the keyword arguments listed in :data:`OPTION_KEYS` (``num_threads=2, seed=7, ...``),
plus ``progress=`` (a callable) and ``interrupt=`` (an :class:`Interrupt`). Keyword arguments
override the values of ``options``. Without any, the library's defaults are used (a NULL
options pointer, the fastest path).
"""
import ctypes as C
import enum

from . import _errors
from ._lib import InterruptP, OptsP, lib


class Stage(enum.IntEnum):
    """The ``stage`` passed to progress callbacks (gmmot_stage of progress.h)."""
    EM = 1
    EXACT_LP = 2
    SINKHORN = 3
    BARYCENTER = 4
    COST_MATRIX = 5
    MAPS = 6
    DENSITY = 7
    MULTIMARGINAL = 8
    FIXED_POINT = 9
    RELAXED = 10
    GROMOV = 11
    EMBEDDING = 12
    TEXTURE = 13
    COLOUR = 14


_INT, _DOUBLE = 1, 2

#: keyword -> (gmmot_option key, type); the names drop the GMMOT_OPT_ prefix, lower case.
OPTION_KEYS = {
    "num_threads": (100, _INT), "seed": (101, _INT),
    "barycenter_tolerance": (200, _DOUBLE), "barycenter_max_iterations": (201, _INT),
    "transport_method": (300, _INT), "exact_max_iterations": (301, _INT),
    "entropic_epsilon": (302, _DOUBLE), "entropic_tolerance": (303, _DOUBLE),
    "entropic_max_iterations": (304, _INT),
    "em_components": (400, _INT), "em_tolerance": (401, _DOUBLE),
    "em_max_iterations": (402, _INT), "em_regularization": (403, _DOUBLE),
    "em_initializations": (404, _INT), "em_split_merge": (406, _INT),
    "em_family": (407, _INT), "em_dof": (408, _DOUBLE),
    "mmot_max_tuples": (500, _DOUBLE), "mmot_max_iterations": (501, _INT),
    "fixed_point_method": (510, _INT), "fixed_point_components": (511, _INT),
    "fixed_point_tolerance": (512, _DOUBLE), "fixed_point_max_iterations": (513, _INT),
    "fixed_point_max_support": (514, _INT),
    "relaxed_components": (600, _INT), "relaxed_lambda": (601, _DOUBLE),
    "relaxed_tolerance": (602, _DOUBLE), "relaxed_max_iterations": (603, _INT),
    "relaxed_regularization": (604, _DOUBLE), "relaxed_init": (605, _INT),
    "gw_max_iterations": (700, _INT), "gw_tolerance": (701, _DOUBLE),
    "gw_starts": (702, _INT), "gw_annealing": (703, _INT), "gw_epsilon": (704, _DOUBLE),
    "ew_max_iterations": (800, _INT), "ew_tolerance": (801, _DOUBLE),
    "ew_starts": (802, _INT), "ew_annealing": (803, _INT), "ew_epsilon": (804, _DOUBLE),
    "ew_sign_flips": (805, _INT), "ew_inner_iterations": (806, _INT),
    "texture_components": (900, _INT), "texture_patch": (901, _INT),
    "texture_fit_patches": (902, _INT), "texture_em_tolerance": (903, _DOUBLE),
    "texture_em_max_iterations": (904, _INT),
    "colour_fit_points": (950, _INT), "colour_map": (951, _INT), "colour_space": (952, _INT),
    "colour_regularize": (953, _INT), "colour_radius": (954, _INT),
    "colour_epsilon": (955, _DOUBLE), "colour_subsample": (956, _INT), "colour_clip": (957, _INT),
}

#: string values accepted for the enumerated int options
ENUM_VALUES = {
    "transport_method": {"exact": 0, "entropic": 1},
    "fixed_point_method": {"true": 0, "euclidean": 1, "bures": 2},
    "relaxed_init": {"pooled": 0, "separate": 1, "user": 2},
    "colour_map": {"mean": 0, "rand": 1},
    "colour_space": {"rgb": 0, "lab": 1, "ycbcr": 2},
}


class Interrupt:
    """An interrupt flag (gmmot_interrupt_t): raise it from any thread to cancel every call
    running with it (they raise :class:`gmmot.GmmotCancelled`). Sticky until :meth:`reset`."""

    def __init__(self):
        ptr = InterruptP()
        _errors.check(lib.gmmot_interrupt_create(C.byref(ptr)))
        self._ptr = ptr

    def raise_(self):
        """Raise the flag (safe from any thread, also while calls run)."""
        _errors.check(lib.gmmot_interrupt_raise(self._ptr))

    def reset(self):
        """Lower the flag so that calls using it run again."""
        _errors.check(lib.gmmot_interrupt_reset(self._ptr))

    @property
    def is_raised(self):
        """True while the flag is raised."""
        out = C.c_int()
        _errors.check(lib.gmmot_interrupt_is_raised(self._ptr, C.byref(out)))
        return bool(out.value)

    def __del__(self):
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr:
            lib.gmmot_interrupt_destroy(ptr)

    def __repr__(self):
        return "Interrupt(raised=%s)" % self.is_raised

    # A flag is shared on purpose (every call given it watches the same one): copies are the
    # flag itself, and it cannot travel to another process.
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        raise TypeError("gmmot.Interrupt cannot be pickled: it is a flag of this process "
                        "(create a new one on the other side)")


def _encode(name, value):
    if name not in OPTION_KEYS:
        raise TypeError("unknown option %r (known: %s)" % (name, ", ".join(sorted(OPTION_KEYS))))
    key, kind = OPTION_KEYS[name]
    if isinstance(value, str):
        table = ENUM_VALUES.get(name)
        if table is None or value.lower() not in table:
            raise ValueError("option %s: unknown value %r (allowed: %s)"
                             % (name, value, ", ".join(table) if table else "a number"))
        value = table[value.lower()]
    if kind == _INT:
        if isinstance(value, bool) or int(value) != value:
            raise TypeError("option %s: expected an integer, got %r" % (name, value))
        value = int(value)
        # ctypes would silently wrap a value outside int64 (2**64 + 5 -> 5)
        if not -2 ** 63 <= value < 2 ** 63:
            raise ValueError("option %s: %d is out of range (a 64-bit signed integer)"
                             % (name, value))
        return key, kind, value
    return key, kind, float(value)


class Options:
    """An options object (gmmot_options_t) built from keyword arguments.

    Parameters
    ----------
    progress : callable, optional
        ``progress(stage, done, total, value)`` called during long computations (``stage`` a
        :class:`Stage`); returning a true value cancels the call (:class:`GmmotCancelled`),
        an exception raised inside it cancels the call and is re-raised after it.
    interrupt : Interrupt, optional
        A flag that cancels the calls using these options once raised.
    **values
        Any key of :data:`OPTION_KEYS`; out-of-range values raise
        :class:`gmmot.GmmotValueError` with the bounds in the message.
    """

    def __init__(self, progress=None, interrupt=None, **values):
        ptr = OptsP()
        _errors.check(lib.gmmot_options_create(C.byref(ptr)))
        self._ptr = ptr
        self._values = {}
        self.progress = None
        self.interrupt = None
        self._old_flags = []
        self.update(progress=progress, interrupt=interrupt, **values)

    def update(self, progress=None, interrupt=None, **values):
        """Set values in place (and the progress callback or interrupt flag when given;
        ``progress=False`` / ``interrupt=False`` remove them)."""
        for name, value in values.items():
            key, kind, v = _encode(name, value)
            setter = lib.gmmot_options_set_int if kind == _INT else lib.gmmot_options_set_double
            _errors.check(setter(self._ptr, key, v))
            self._values[name] = v
        if progress is False:
            self.progress = None
        elif progress is not None:
            if not callable(progress):
                raise TypeError("progress: expected a callable, got %r" % (progress,))
            self.progress = progress
        if interrupt is not None:
            if interrupt is not False and not isinstance(interrupt, Interrupt):
                raise TypeError("interrupt: expected a gmmot.Interrupt, got %r" % (interrupt,))
            _errors.check(lib.gmmot_options_set_interrupt(
                self._ptr, None if interrupt is False else interrupt._ptr))
            if self.interrupt is not None and self.interrupt is not interrupt:
                # a call on another thread may still read the old flag through these options:
                # it lives as long as they do
                self._old_flags.append(self.interrupt)
            self.interrupt = None if interrupt is False else interrupt
        return self

    def copy(self, **changes):
        """A new Options with the same values, callback and flag, then ``changes`` applied."""
        new = Options(progress=self.progress, interrupt=self.interrupt, **self._values)
        return new.update(**changes)

    def get(self, name):
        """The current value of an option (the library's default if never set)."""
        key, kind, _ = _encode(name, 0)
        if kind == _INT:
            out = C.c_int64()
            _errors.check(lib.gmmot_options_get_int(self._ptr, key, C.byref(out)))
        else:
            out = C.c_double()
            _errors.check(lib.gmmot_options_get_double(self._ptr, key, C.byref(out)))
        return out.value

    @staticmethod
    def bounds(name):
        """``(type, min, max)`` of an option, type ``int`` or ``float`` (gmmot_options_bounds)."""
        if name not in OPTION_KEYS:
            raise TypeError("unknown option %r" % (name,))
        key = OPTION_KEYS[name][0]
        kind, lo, hi = C.c_int(), C.c_double(), C.c_double()
        _errors.check(lib.gmmot_options_bounds(key, C.byref(kind), C.byref(lo), C.byref(hi)))
        return (int if kind.value == _INT else float), lo.value, hi.value

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    def as_dict(self):
        """The values set explicitly (not the defaults)."""
        return dict(self._values)

    def __reduce__(self):
        # The callback and the flag are process-local: only the values travel.
        return (_rebuild_options, (self._values,))

    def __del__(self):
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr:
            lib.gmmot_options_destroy(ptr)

    def __repr__(self):
        extra = "".join(", %s=%r" % kv for kv in sorted(self._values.items()))
        return "Options(progress=%r, interrupt=%r%s)" % (self.progress, self.interrupt, extra)


def _rebuild_options(values):
    return Options(**values)


def resolve(options=None, **kwargs):
    """The Options to use for one call: None when nothing is set (NULL: all defaults)."""
    if options is not None and not isinstance(options, Options):
        raise TypeError("options: expected a gmmot.Options, got %r" % (options,))
    if not kwargs or all(v is None for v in kwargs.values()):
        return options
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    return options.copy(**kwargs) if options is not None else Options(**kwargs)


def handle(options):
    """The C pointer of an Options (None for NULL)."""
    return None if options is None else options._ptr


def resolve_named(options, option_kwargs, **named):
    """:func:`resolve` for functions with named parameters that are options too
    (``n_components`` for ``em_components``, ``method`` for ``transport_method``, ...): a
    named value that is not None is merged into the keywords; the same option given both ways
    with different values is a TypeError."""
    merged = dict(option_kwargs)
    for key, value in named.items():
        if value is None:
            continue
        if key in merged and merged[key] is not None and merged[key] != value:
            raise TypeError("option %s given twice (%r and %r)" % (key, value, merged[key]))
        merged[key] = value
    return resolve(options, **merged)


_FAMILIES = {"gaussian": 0, "t": 1, "student_t": 1, "student-t": 1}


def family_code(family):
    """The gmmot_family value of ``family`` ("gaussian", "t" / "student_t", 0, 1, or None for
    the default); a ValueError names the accepted values."""
    if family is None:
        return None
    if isinstance(family, str) and family.lower() in _FAMILIES:
        return _FAMILIES[family.lower()]
    if not isinstance(family, bool) and isinstance(family, int) and family in (0, 1):
        return family
    raise ValueError("family must be 'gaussian' or 't' (got %r)" % (family,))
