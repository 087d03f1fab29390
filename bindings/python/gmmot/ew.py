# SPDX-License-Identifier: MIT
"""EW2 between point clouds and MEW2 between mixtures of any two dimensions: W2 and MW2 up to
an isometric embedding, the embedding, and the maps across dimensions (gmmot/mew2.h;
Salmona-Delon-Desolneux, arXiv 2310.11256)."""
import ctypes as C

import numpy as np

from . import _errors
from ._arrays import addr, as_array, check_out, empty, empty_sizes, optional_weights
from ._handles import Owned, is_long
from ._lib import EwP, lib
from ._progress import LongCall
from .mixture import as_mixture
from .options import resolve_named


class EWResult(Owned):
    """A solved EW2 (:func:`ew2`) or MEW2 (:func:`mew2`) problem (immutable): ``value``
    (EW2^2 or MEW2^2), ``distance`` (its square root), ``plan`` (dense rows x cols),
    ``sparse_plan``, ``isometry`` (P, max(m, n) x min(m, n)), ``means`` (mean0, mean1),
    ``info``, ``shape`` (rows, cols), ``dims`` (m, n), ``nnz``; for MEW2 with m >= n the maps
    :meth:`map_mean` and :meth:`map_rand` from R^m to R^n."""

    __slots__ = ("_ptr", "_recipe", "_mixtures")
    _destroy = "gmmot_ew_destroy"

    def __init__(self, ptr, recipe=None, mixtures=False):
        self._ptr = ptr
        self._recipe = recipe  # pickled as its inputs and option values, solved again
        self._mixtures = mixtures  # True for MEW2 (the only results with maps)

    @property
    def shape(self):
        """(rows, cols): (n0, n1) for EW2, (K0, K1) for MEW2."""
        return lib.gmmot_ew_rows(self._ptr), lib.gmmot_ew_cols(self._ptr)

    @property
    def dims(self):
        """(m, n): the dimensions of side 0 and side 1."""
        return lib.gmmot_ew_dim0(self._ptr), lib.gmmot_ew_dim1(self._ptr)

    @property
    def nnz(self):
        """The plan's number of non-zeros."""
        return lib.gmmot_ew_nnz(self._ptr)

    @property
    def is_mixture(self):
        """True for a MEW2 result (it has maps), False for EW2 of point clouds."""
        return self._mixtures

    def _value(self):
        v, r = C.c_double(), C.c_double()
        _errors.check(lib.gmmot_ew_value(self._ptr, C.byref(v), C.byref(r)))
        return v.value, r.value

    @property
    def value(self):
        """The loss at the plan and isometry: EW2^2 or MEW2^2 (a local minimum)."""
        return self._value()[0]

    @property
    def distance(self):
        """The square root of :attr:`value` (EW2 or MEW2)."""
        return self._value()[1]

    @property
    def plan(self):
        """The plan w, shape (rows, cols), a coupling of the two normalised weight vectors."""
        out = empty(self.shape)
        _errors.check(lib.gmmot_ew_copy_plan(self._ptr, addr(out), out.size))
        return out

    @property
    def sparse_plan(self):
        """``(rows, cols, mass)``: the plan's non-zeros sorted by (row, col)."""
        k = self.nnz
        rows, cols, mass = empty_sizes(k), empty_sizes(k), empty((k,))
        if k:
            _errors.check(lib.gmmot_ew_copy_sparse_plan(self._ptr, addr(rows), addr(cols),
                                                        addr(mass), k))
        return rows.astype(np.intp), cols.astype(np.intp), mass

    @property
    def isometry(self):
        """P, shape (max(m, n), min(m, n)), orthonormal columns: it embeds the lower-dimensional
        side into the other's space, y -> P (y - mean_small) + mean_large (side 1 into side 0
        when m >= n)."""
        m, n = self.dims
        out = empty((max(m, n), min(m, n)))
        _errors.check(lib.gmmot_ew_copy_isometry(self._ptr, addr(out), out.size))
        return out

    @property
    def means(self):
        """``(mean0 (m,), mean1 (n,))``: the weighted means removed before solving."""
        m, n = self.dims
        a, b = empty((m,)), empty((n,))
        _errors.check(lib.gmmot_ew_copy_means(self._ptr, addr(a), m, addr(b), n))
        return a, b

    @property
    def info(self):
        """dict: ``iterations`` (alternations over all starts), ``converged`` (the returned
        start stopped by ew_tolerance), ``gradient_norm`` (the Riemannian gradient's norm
        divided by the scale S), ``starts``, ``best_start`` (0 covariance start, then its sign
        flips, the annealed start, the random starts)."""
        it, conv, grad = C.c_uint64(), C.c_int(), C.c_double()
        starts, best = C.c_uint64(), C.c_uint64()
        _errors.check(lib.gmmot_ew_info(self._ptr, C.byref(it), C.byref(conv), C.byref(grad),
                                        C.byref(starts), C.byref(best)))
        return {"iterations": it.value, "converged": bool(conv.value),
                "gradient_norm": grad.value, "starts": starts.value, "best_start": best.value}

    def _inout(self, x, out, what):
        if not self._mixtures:
            raise ValueError("%s: this is an EW2 result of point clouds; the maps need a MEW2 "
                             "result (gmmot.mew2)" % what)
        m, n = self.dims
        x = as_array(x, "x", (None, m))
        rows = x.shape[0]
        if out is None:
            out = empty((rows, n))
        else:
            check_out(out, "out", (rows, n))
            if np.may_share_memory(x, out):
                raise ValueError("out: must not overlap x")
        return x, out, rows

    def _map(self, fn, what, x, out, opts):
        x, out, rows = self._inout(x, out, what)
        m, n = self.dims
        k0, k1 = self.shape
        with LongCall(opts, is_long(rows * k0 * k1 * m * (m + 2))) as call:
            call.finish(fn(self._ptr, rows, addr(x), call.opts, addr(out), out.size))
        return out

    def map_mean(self, x, out=None, options=None, progress=None, **option_kwargs):
        """T_mean across dimensions for the rows of x (N, m), to (N, n): MEW2 results with
        m >= n only (m < n: :class:`gmmot.GmmotNoMapError`, map the other way). ``out``: a
        C-contiguous float64 (N, n) array not overlapping x."""
        opts = resolve_named(options, option_kwargs, progress=progress)
        return self._map(lib.gmmot_mew2_map_mean, "map_mean", x, out, opts)

    def map_rand(self, x, seed=None, out=None, options=None, progress=None, **option_kwargs):
        """One draw of T_rand across dimensions per row of x (N, m), to (N, n); ``seed``
        (default 0) makes it reproducible. Same conditions as :meth:`map_mean`."""
        opts = resolve_named(options, option_kwargs, progress=progress, seed=seed)
        return self._map(lib.gmmot_mew2_map_rand, "map_rand", x, out, opts)

    T_mean = map_mean
    T_rand = map_rand

    def __repr__(self):
        return "EWResult(%s, shape=%r, dims=%r, value=%.6g)" % (
            "MEW2" if self._mixtures else "EW2", self.shape, self.dims, self.value)


def _points(x, name):
    x = as_array(x, name, (None, None))
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError("%s: expected at least one point and one coordinate, got shape %s"
                         % (name, x.shape))
    return x


def _work(rows, cols, m, n):
    return 20 * rows * cols * (rows + cols + m + n)


def ew2(points0, points1, weights0=None, weights1=None, options=None, progress=None,
        **option_kwargs):
    """EW2 between the weighted point clouds points0 (n0, m) and points1 (n1, n), any m and n
    (gmmot_ew2_create): W2 up to an isometric embedding of the smaller space into the larger.
    weights: >= 0, any scale (normalised), default uniform.

    Options: ``ew_max_iterations``, ``ew_tolerance``, ``ew_starts``, ``ew_annealing``,
    ``ew_epsilon``, ``ew_sign_flips``, ``seed``, ``exact_max_iterations``, ``num_threads``,
    progress callback. Returns an :class:`EWResult` (``.value`` EW2^2, ``.distance`` EW2).
    """
    p0 = _points(points0, "points0")
    p1 = _points(points1, "points1")
    (n0, m), (n1, n) = p0.shape, p1.shape
    w0 = optional_weights(weights0, "weights0", n0)
    w1 = optional_weights(weights1, "weights1", n1)
    opts = resolve_named(options, option_kwargs, progress=progress)
    out = EwP()
    with LongCall(opts, is_long(_work(n0, n1, m, n))) as call:
        status = lib.gmmot_ew2_create(addr(p0), n0, m, addr(w0), addr(p1), n1, n, addr(w1),
                                      call.opts, C.byref(out))
        recipe = ("ew2", (p0.copy(), p1.copy(), None if w0 is None else w0.copy(),
                          None if w1 is None else w1.copy()),
                  None if opts is None else opts.as_dict())
        result = EWResult(out, recipe) if status >= 0 else None
        call.finish(status)
    return result


def mew2(g0, g1, options=None, progress=None, **option_kwargs):
    """MEW2 between two :class:`GaussianMixture` of any dimensions (gmmot_mew2_create): MW2 up
    to an isometric embedding. Options: those of :func:`ew2` and ``ew_inner_iterations``.
    Returns an :class:`EWResult` with the maps :meth:`EWResult.map_mean` and
    :meth:`EWResult.map_rand` (from g0's space to g1's, when g0's dimension is the larger)."""
    as_mixture(g0, "g0")
    as_mixture(g1, "g1")
    opts = resolve_named(options, option_kwargs, progress=progress)
    k0, k1 = g0.n_components, g1.n_components
    m, n = g0.dim, g1.dim
    out = EwP()
    with LongCall(opts, is_long(_work(k0, k1, m, n) * max(m, n) ** 2)) as call:
        status = lib.gmmot_mew2_create(g0._ptr, g1._ptr, call.opts, C.byref(out))
        recipe = ("mew2", (g0, g1), None if opts is None else opts.as_dict())
        result = EWResult(out, recipe, mixtures=True) if status >= 0 else None
        call.finish(status)
    return result


def _rebuild_ew(kind, args, values):
    if kind == "mew2":
        return mew2(*args, **(values or {}))
    return ew2(*args, **(values or {}))


EWResult._rebuild = staticmethod(_rebuild_ew)
