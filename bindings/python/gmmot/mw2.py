# SPDX-License-Identifier: MIT
"""The MW2 distance between Gaussian mixtures and its plan (gmmot/mw2.h, gmmot/maps.h)."""
import ctypes as C

import numpy as np

from . import _errors
from ._arrays import (addr, as_array, check_out, check_positive_int, empty, empty_sizes,
                      optional_weights)
from ._handles import Owned, is_long
from ._lib import GmmP, Mw2P, lib
from ._progress import LongCall, run_blocks
from .mixture import GaussianMixture, as_mixture
from .options import Stage, resolve, resolve_named


def mw2_squared(g0, g1, options=None, progress=None, **option_kwargs):
    """MW2^2 between two :class:`GaussianMixture` (one call; no plan object kept)."""
    as_mixture(g0, "g0")
    as_mixture(g1, "g1")
    out = C.c_double()
    if options is None and progress is None and not option_kwargs:
        k0, k1, d = g0.n_components, g1.n_components, g0.dim
        if not is_long(k0 * k1 * (d ** 3 + 20)):  # the fast path: no options, no callback
            _errors.check(lib.gmmot_mw2_squared(g0._ptr, g1._ptr, None, C.byref(out)))
            return out.value
    opts = resolve(options, progress=progress, **option_kwargs)
    work = g0.n_components * g1.n_components * (g0.dim ** 3 + 20)
    with LongCall(opts, is_long(work)) as call:
        call.finish(lib.gmmot_mw2_squared(g0._ptr, g1._ptr, call.opts, C.byref(out)))
    return out.value


def mw2_distance(g0, g1, **kwargs):
    """MW2 (the square root of :func:`mw2_squared`)."""
    return float(np.sqrt(mw2_squared(g0, g1, **kwargs)))


class MW2Plan(Owned):
    """The MW2 plan between two mixtures: distance, component plan, coupling, geodesic and
    the transport maps T_mean / T_rand (Delon-Desolneux 2020).

    Parameters
    ----------
    source, target : GaussianMixture
        Mixtures of the same dimension.
    method : {'exact', 'entropic'}, optional
        The discrete solver (default: the options', exact).
    options, progress, **option_kwargs
        Transport options, ``num_threads``, a progress callback.

    Notes
    -----
    Immutable and thread-safe. Pickles (plans built from two mixtures: recomputed from them
    and the option values in the receiving process; bit-identical for the exact method).
    """

    __slots__ = ("_ptr", "source", "target", "_recipe")
    _destroy = "gmmot_mw2_destroy"

    def __init__(self, source, target, method=None, options=None, progress=None,
                 **option_kwargs):
        as_mixture(source, "source")
        as_mixture(target, "target")
        if method not in (None, "exact", "entropic"):
            raise ValueError("method: expected 'exact' or 'entropic', got %r" % (method,))
        opts = resolve_named(options, option_kwargs, progress=progress,
                             transport_method=method)
        out = Mw2P()
        self._ptr = None
        work = source.n_components * target.n_components * (source.dim ** 3 + 20)
        with LongCall(opts, is_long(work)) as call:
            status = lib.gmmot_mw2_create(source._ptr, target._ptr, call.opts, C.byref(out))
            if status >= 0:
                self._ptr = out
            call.finish(status)
        self.source, self.target = source, target
        self._recipe = ("mixtures", None if opts is None else opts.as_dict())

    @classmethod
    def _from_ptr(cls, ptr, source=None, target=None, recipe=None):
        self = cls.__new__(cls)
        self._ptr, self.source, self.target, self._recipe = ptr, source, target, recipe
        return self

    @classmethod
    def from_points(cls, points0, points1, n_components=10, weights0=None, weights1=None,
                    options=None, progress=None, **option_kwargs):
        """MW_{K,2} between two point clouds: EM fits of K components to each (the same
        options and seed), then their MW2 plan. Run as :meth:`GaussianMixture.fit` twice and
        the constructor, which gmmot/mw2.h guarantees bit-identical to
        gmmot_mw2_create_from_points, so ``source`` and ``target`` are the two fits and the
        plan pickles like any plan between two mixtures."""
        points0 = as_array(points0, "points0", (None, None))
        n0, d = points0.shape
        points1 = as_array(points1, "points1", (None, d))
        n1 = points1.shape[0]
        weights0 = optional_weights(weights0, "weights0", n0)
        weights1 = optional_weights(weights1, "weights1", n1)
        k = check_positive_int(n_components, "n_components", 1)
        opts = resolve_named(options, option_kwargs, progress=progress, em_components=k)
        if opts is not None and opts.get("em_family") == 1 and opts.get("em_dof") == 0:
            # Student-t with nu estimated: one joint fit with a shared nu (0.5), as
            # gmmot_mw2_create_from_points does
            from .fitting import fit_joint
            g0, g1 = fit_joint([points0, points1], k, [weights0, weights1], options=opts)
        else:
            g0 = GaussianMixture.fit(points0, k, weights0, options=opts)
            g1 = GaussianMixture.fit(points1, k, weights1, options=opts)
        return cls(g0, g1, options=opts)


    def __reduce__(self):
        if self._recipe is not None and self._recipe[0] == "relaxed":
            return (_relaxed_plan, (self._recipe[1],))
        if self._recipe is None or self._recipe[0] != "mixtures":
            raise TypeError("this MW2Plan has no recipe and cannot be pickled "
                            "(pickle the mixtures instead)")
        return (_rebuild_plan, (self.source, self.target, self._recipe[1]))

    # ------------------------------------------------------------------ read-outs
    @property
    def shape(self):
        """(K0, K1)."""
        return lib.gmmot_mw2_rows(self._ptr), lib.gmmot_mw2_cols(self._ptr)

    @property
    def dim(self):
        """Dimension d."""
        return lib.gmmot_mw2_dim(self._ptr)

    @property
    def nnz(self):
        """Non-zeros of the component plan."""
        return lib.gmmot_mw2_nnz(self._ptr)

    @property
    def squared_distance(self):
        """MW2^2 (the cost of the plan)."""
        out = C.c_double()
        _errors.check(lib.gmmot_mw2_distance(self._ptr, C.byref(out), None))
        return out.value

    @property
    def distance(self):
        """MW2."""
        out = C.c_double()
        _errors.check(lib.gmmot_mw2_distance(self._ptr, None, C.byref(out)))
        return out.value

    @property
    def cost_matrix(self):
        """C_kl = W2^2(mu0^k, mu1^l), shape (K0, K1)."""
        out = empty(self.shape)
        _errors.check(lib.gmmot_mw2_copy_cost_matrix(self._ptr, addr(out), out.size))
        return out

    @property
    def plan(self):
        """The dense component plan w, shape (K0, K1)."""
        out = empty(self.shape)
        _errors.check(lib.gmmot_mw2_copy_plan(self._ptr, addr(out), out.size))
        return out

    @property
    def sparse_plan(self):
        """``(rows, cols, mass)`` of the plan's non-zeros, in the order of the coupling's and
        the geodesic's components and of :meth:`pair_maps`."""
        n = self.nnz
        rows, cols, mass = empty_sizes(n), empty_sizes(n), empty((n,))
        _errors.check(lib.gmmot_mw2_copy_sparse_plan(self._ptr, addr(rows), addr(cols),
                                                     addr(mass), n))
        return rows.astype(np.intp), cols.astype(np.intp), mass

    @property
    def duals(self):
        """Dual potentials ``(u (K0,), v (K1,))`` (GmmotValueError for a given plan)."""
        k0, k1 = self.shape
        u, v = empty((k0,)), empty((k1,))
        _errors.check(lib.gmmot_mw2_copy_duals(self._ptr, addr(u), k0, addr(v), k1))
        return u, v

    @property
    def info(self):
        """``{"iterations": ..., "marginal_error": ...}`` of the discrete solver."""
        it, err = C.c_uint64(), C.c_double()
        _errors.check(lib.gmmot_mw2_info(self._ptr, C.byref(it), C.byref(err)))
        return {"iterations": it.value, "marginal_error": err.value}

    def coupling(self):
        """The optimal coupling on R^{2d}: a GaussianMixture with nnz components."""
        out = GmmP()
        _errors.check(lib.gmmot_mw2_coupling(self._ptr, C.byref(out)))
        return GaussianMixture._from_ptr(out)

    def geodesic(self, t):
        """The MW2 geodesic at time t in [0, 1] (a GaussianMixture with nnz components)."""
        t = float(t)
        if not 0.0 <= t <= 1.0:
            raise ValueError("t: must be in [0, 1], got %r" % t)
        out = GmmP()
        _errors.check(lib.gmmot_mw2_geodesic(self._ptr, t, C.byref(out)))
        return GaussianMixture._from_ptr(out)

    def pair_maps(self):
        """The Monge maps of the paired components: ``(A (nnz, d, d), b (nnz, d))`` with
        T_n(x) = A_n x + b_n, in :attr:`sparse_plan` order."""
        n, d = self.nnz, self.dim
        a, b = empty((n, d, d)), empty((n, d))
        _errors.check(lib.gmmot_mw2_copy_pair_maps(self._ptr, addr(a), a.size, addr(b), b.size))
        return a, b

    def _inout(self, x, out):
        d = self.dim
        x = as_array(x, "x", (None, d))
        n = x.shape[0]
        if out is None:
            out = empty((n, d))
        else:
            check_out(out, "out", (n, d))
            if np.may_share_memory(x, out):
                raise ValueError("out: must not overlap x")
        return x, out, n, d

    def map_mean(self, x, out=None, options=None, progress=None, **option_kwargs):
        """T_mean(x) = E[Y | X = x] under the plan, for the rows of x (n, d); written into
        ``out`` (a C-contiguous float64 (n, d) array, not overlapping x) when given.

        Point-wise and deterministic, so it runs in blocks of rows written straight into the
        output: the progress callback, the interrupt flag and Ctrl-C act between blocks (so a
        cancelled call may have written the first blocks of ``out``)."""
        opts = resolve(options, progress=progress, **option_kwargs)
        x, out, n, d = self._inout(x, out)
        ptr, fn = self._ptr, lib.gmmot_mw2_map_mean
        xa, oa = addr(x), addr(out)
        step = 8 * d

        def block(start, stop, o):
            return fn(ptr, stop - start, xa + start * step, o, oa + start * step,
                      (stop - start) * d)
        run_blocks(opts, n, Stage.MAPS, block, self.shape[0] * d * (d + 2))
        return out

    def map_rand(self, x, seed=None, out=None, options=None, progress=None, **option_kwargs):
        """One draw of T_rand(x) per row of x: pushes samples of the source to samples of the
        target. ``seed`` (default 0: the same draws every call unless a seed is given) makes
        it reproducible. ``out`` as in :meth:`map_mean`."""
        opts = resolve_named(options, option_kwargs, progress=progress, seed=seed)
        x, out, n, d = self._inout(x, out)
        k0 = self.shape[0]
        with LongCall(opts, is_long(n * k0 * d * (d + 2))) as call:
            call.finish(lib.gmmot_mw2_map_rand(self._ptr, n, addr(x), call.opts, addr(out),
                                               out.size))
        return out

    T_mean = map_mean
    T_rand = map_rand

    def __repr__(self):
        return "MW2Plan(shape=%r, dim=%d, nnz=%d, distance=%.17g)" % (
            self.shape, self.dim, self.nnz, self.distance)


def _relaxed_plan(fit):
    return fit.plan()


def _rebuild_plan(source, target, values):
    return MW2Plan(source, target, **(values or {}))
