# SPDX-License-Identifier: MIT
"""MGW2 between mixtures of any dimensions and the square-loss Gromov-Wasserstein solver
(gmmot/gromov.h; Salmona-Delon-Desolneux, arXiv 2310.11256)."""
import ctypes as C

import numpy as np

from . import _errors
from ._arrays import addr, as_array, empty
from ._handles import Owned, is_long
from ._lib import GwP, lib
from ._progress import LongCall
from .mixture import as_mixture
from .options import resolve_named


class GWResult(Owned):
    """A solved Gromov-Wasserstein problem (immutable): ``value`` (MGW2^2 for :func:`mgw2`),
    ``distance`` (its square root), ``plan`` (dense K0 x K1), ``cost_matrices`` (D0, D1),
    ``info`` (iterations, gap, certified, starts, best_start), ``shape``."""

    __slots__ = ("_ptr", "_recipe")
    _destroy = "gmmot_gw_destroy"

    def __init__(self, ptr, recipe=None):
        self._ptr = ptr
        self._recipe = recipe  # pickled as its inputs and option values, solved again

    @property
    def shape(self):
        """(K0, K1)."""
        return lib.gmmot_gw_rows(self._ptr), lib.gmmot_gw_cols(self._ptr)

    def _value(self):
        v, r = C.c_double(), C.c_double()
        _errors.check(lib.gmmot_gw_value(self._ptr, C.byref(v), C.byref(r)))
        return v.value, r.value

    @property
    def value(self):
        """The objective at the plan: sum (C0_ik - C1_jl)^2 w_ij w_kl (MGW2^2 for mgw2)."""
        return self._value()[0]

    @property
    def distance(self):
        """The square root of :attr:`value` (MGW2 for mgw2)."""
        return self._value()[1]

    @property
    def plan(self):
        """The plan w, shape (K0, K1), a coupling of the two weight vectors."""
        out = empty(self.shape)
        _errors.check(lib.gmmot_gw_copy_plan(self._ptr, addr(out), out.size))
        return out

    @property
    def cost_matrices(self):
        """``(D0 (K0, K0), D1 (K1, K1))``: the problem's matrices (W2^2 within each mixture)."""
        k0, k1 = self.shape
        d0, d1 = empty((k0, k0)), empty((k1, k1))
        _errors.check(lib.gmmot_gw_copy_cost_matrices(self._ptr, addr(d0), d0.size, addr(d1),
                                                      d1.size))
        return d0, d1

    @property
    def info(self):
        """dict: ``iterations`` (Frank-Wolfe steps over all starts), ``gap`` (the plan's
        relative Frank-Wolfe gap), ``certified`` (gap <= gw_tolerance), ``starts``,
        ``best_start`` (0 product coupling, 1 annealed when on, then random starts)."""
        it, gap, cert = C.c_uint64(), C.c_double(), C.c_int()
        starts, best = C.c_uint64(), C.c_uint64()
        _errors.check(lib.gmmot_gw_info(self._ptr, C.byref(it), C.byref(gap), C.byref(cert),
                                        C.byref(starts), C.byref(best)))
        return {"iterations": it.value, "gap": gap.value, "certified": bool(cert.value),
                "starts": starts.value, "best_start": best.value}

    def __repr__(self):
        k0, k1 = self.shape
        return "GWResult(K0=%d, K1=%d, value=%.6g)" % (k0, k1, self.value)


def mgw2(g0, g1, options=None, progress=None, **option_kwargs):
    """MGW2 between two :class:`GaussianMixture` of any dimensions (gmmot_mgw2_create).

    Options: ``gw_max_iterations``, ``gw_tolerance``, ``gw_starts``, ``gw_annealing``,
    ``gw_epsilon``, ``seed``, ``exact_max_iterations``, ``num_threads``, progress callback.
    Returns a :class:`GWResult` (``.value`` is MGW2^2, ``.distance`` MGW2).
    """
    as_mixture(g0, "g0")
    as_mixture(g1, "g1")
    opts = resolve_named(options, option_kwargs, progress=progress)
    k0, k1 = g0.n_components, g1.n_components
    out = GwP()
    with LongCall(opts, is_long(50 * k0 * k1 * (k0 + k1))) as call:
        status = lib.gmmot_mgw2_create(g0._ptr, g1._ptr, call.opts, C.byref(out))
        recipe = ("mgw2", (g0, g1), None if opts is None else opts.as_dict())
        result = GWResult(out, recipe) if status >= 0 else None
        call.finish(status)
    return result


def gromov_wasserstein(c0, c1, a=None, b=None, options=None, progress=None, **option_kwargs):
    """Square-loss Gromov-Wasserstein between symmetric matrices c0 (K0, K0) and c1 (K1, K1)
    with weights a (K0,) and b (K1,) (default uniform), as POT's
    ``ot.gromov.gromov_wasserstein(c0, c1, a, b, 'square_loss')`` (gmmot_gw_create).
    Same options as :func:`mgw2`. Returns a :class:`GWResult`."""
    c0 = as_array(c0, "c0", (None, None))
    k0 = c0.shape[0]
    if c0.shape[1] != k0:
        raise ValueError("c0: expected a square matrix, got shape %s" % (c0.shape,))
    c1 = as_array(c1, "c1", (None, None))
    k1 = c1.shape[0]
    if c1.shape[1] != k1:
        raise ValueError("c1: expected a square matrix, got shape %s" % (c1.shape,))
    if k0 == 0 or k1 == 0:
        raise ValueError("c0, c1: expected at least one row each, got shapes %s and %s"
                         % (c0.shape, c1.shape))
    a = np.full(k0, 1.0 / k0) if a is None else as_array(a, "a", (k0,))
    b = np.full(k1, 1.0 / k1) if b is None else as_array(b, "b", (k1,))
    opts = resolve_named(options, option_kwargs, progress=progress)
    out = GwP()
    with LongCall(opts, is_long(50 * k0 * k1 * (k0 + k1))) as call:
        status = lib.gmmot_gw_create(k0, addr(a), addr(c0), k1, addr(b), addr(c1), call.opts,
                                     C.byref(out))
        recipe = ("gw", (c0.copy(), c1.copy(), a.copy(), b.copy()),
                  None if opts is None else opts.as_dict())
        result = GWResult(out, recipe) if status >= 0 else None
        call.finish(status)
    return result


def gaussian_gromov_wasserstein(cov0, cov1, mean0=None, mean1=None, return_map=False):
    """The Gaussian Gromov-Wasserstein closed form (gmmot_gaussian_gw; Delon-Desolneux-Salmona
    2022 Thm 4.1) between N(mean0, cov0) on R^m and N(mean1, cov1) on R^n, any m and n.

    Returns GGW^2 (POT's gaussian_gromov_wasserstein_distance is its square root), or with
    ``return_map=True`` ``(ggw2, A (n, m), b (n,))``, the optimal map x -> A x + b (m >= n;
    otherwise :class:`gmmot.GmmotNoMapError`).
    """
    cov0 = as_array(cov0, "cov0", (None, None))
    m = cov0.shape[0]
    if cov0.shape[1] != m or m == 0:
        raise ValueError("cov0: expected a non-empty square matrix, got shape %s" % (cov0.shape,))
    cov1 = as_array(cov1, "cov1", (None, None))
    n = cov1.shape[0]
    if cov1.shape[1] != n or n == 0:
        raise ValueError("cov1: expected a non-empty square matrix, got shape %s" % (cov1.shape,))
    mean0 = None if mean0 is None else as_array(mean0, "mean0", (m,))
    mean1 = None if mean1 is None else as_array(mean1, "mean1", (n,))
    out = C.c_double()
    if not return_map:
        _errors.check(lib.gmmot_gaussian_gw(m, addr(mean0), addr(cov0), n, addr(mean1),
                                            addr(cov1), C.byref(out), None, 0, None, 0))
        return out.value
    a, b = empty((n, m)), empty((n,))
    _errors.check(lib.gmmot_gaussian_gw(m, addr(mean0), addr(cov0), n, addr(mean1), addr(cov1),
                                        C.byref(out), addr(a), a.size, addr(b), b.size))
    return out.value, a, b


def _rebuild_gw(kind, args, values):
    if kind == "mgw2":
        return mgw2(*args, **(values or {}))
    c0, c1, a, b = args
    return gromov_wasserstein(c0, c1, a, b, **(values or {}))


GWResult._rebuild = staticmethod(_rebuild_gw)
