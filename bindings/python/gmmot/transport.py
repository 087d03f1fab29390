# SPDX-License-Identifier: MIT
"""Discrete optimal transport between two weight vectors (gmmot/transport.h): the exact
network simplex (default) or log-domain Sinkhorn."""
import ctypes as C

import numpy as np

from . import _errors
from ._arrays import addr, as_array, empty, empty_sizes
from ._handles import Owned, is_long
from ._lib import TransportP, lib
from ._progress import LongCall
from .options import resolve_named


class TransportPlan(Owned):
    """The result of :func:`solve` (immutable).

    Attributes are computed by the library on demand: ``cost``, ``plan`` (dense K0 x K1),
    ``sparse_plan`` (rows, cols, mass), ``duals`` (u, v), ``iterations``,
    ``marginal_error``, ``shape``, ``nnz``. Pickles as its inputs and option values (solved
    again on loading: the same result, the solvers being deterministic).
    """

    __slots__ = ("_ptr", "_recipe")
    _destroy = "gmmot_transport_destroy"

    def __init__(self, ptr, recipe=None):
        self._ptr = ptr
        self._recipe = recipe

    @property
    def shape(self):
        """(K0, K1)."""
        return lib.gmmot_transport_rows(self._ptr), lib.gmmot_transport_cols(self._ptr)

    @property
    def nnz(self):
        """Number of non-zeros of the plan (at most K0 + K1 - 1 for the exact method)."""
        return lib.gmmot_transport_nnz(self._ptr)

    @property
    def cost(self):
        """sum_ij C_ij P_ij."""
        out = C.c_double()
        _errors.check(lib.gmmot_transport_cost(self._ptr, C.byref(out)))
        return out.value

    @property
    def plan(self):
        """The dense plan, shape (K0, K1)."""
        out = empty(self.shape)
        _errors.check(lib.gmmot_transport_copy_plan(self._ptr, addr(out), out.size))
        return out

    @property
    def sparse_plan(self):
        """``(rows, cols, mass)`` of the non-zeros, sorted by (row, col)."""
        n = self.nnz
        rows, cols, mass = empty_sizes(n), empty_sizes(n), empty((n,))
        _errors.check(lib.gmmot_transport_copy_sparse_plan(self._ptr, addr(rows), addr(cols),
                                                           addr(mass), n))
        return rows.astype(np.intp), cols.astype(np.intp), mass

    @property
    def duals(self):
        """The dual potentials ``(u (K0,), v (K1,))``, centred so that u.a = v.b."""
        k0, k1 = self.shape
        u, v = empty((k0,)), empty((k1,))
        _errors.check(lib.gmmot_transport_copy_duals(self._ptr, addr(u), k0, addr(v), k1))
        return u, v

    def _info(self):
        it, err = C.c_uint64(), C.c_double()
        _errors.check(lib.gmmot_transport_info(self._ptr, C.byref(it), C.byref(err)))
        return it.value, err.value

    @property
    def iterations(self):
        """Simplex pivots or Sinkhorn iterations."""
        return self._info()[0]

    @property
    def marginal_error(self):
        """L1 marginal error of the plan."""
        return self._info()[1]

    def __repr__(self):
        return "TransportPlan(shape=%r, nnz=%d, cost=%.17g)" % (self.shape, self.nnz, self.cost)


def solve(a, b, cost, method=None, warm_start=None, options=None, progress=None,
          **option_kwargs):
    """Solve min <C, P> over plans with marginals a and b.

    Parameters
    ----------
    a : array-like (K0,), b : array-like (K1,)
        Non-negative weights with equal sums (within 1e-8 relative).
    cost : array-like (K0, K1)
    method : {'exact', 'entropic'}, optional
        Network simplex (an exact optimum) or log-domain Sinkhorn with
        ``entropic_epsilon`` relative to max |C|; default: the options' (exact).
    warm_start : (u0, v0), optional
        Dual potentials of a similar problem (exact method only).
    options, progress, **option_kwargs
        ``exact_max_iterations``, ``entropic_epsilon``, ``entropic_tolerance``,
        ``entropic_max_iterations``, ``num_threads``, progress callback.

    Returns
    -------
    TransportPlan
    """
    if method not in (None, "exact", "entropic"):
        raise ValueError("method: expected 'exact' or 'entropic', got %r" % (method,))
    a = as_array(a, "a", (None,))
    b = as_array(b, "b", (None,))
    k0, k1 = a.shape[0], b.shape[0]
    cost = as_array(cost, "cost", (k0, k1))
    opts = resolve_named(options, option_kwargs, progress=progress,
                         transport_method=method)
    out = TransportP()
    if warm_start is not None:
        if method not in (None, "exact"):
            raise ValueError("warm_start: only for method='exact'")
        if isinstance(warm_start, (str, bytes)) or not hasattr(warm_start, "__len__") \
                or len(warm_start) != 2:
            raise ValueError("warm_start: expected a pair (u0 (K0,), v0 (K1,))")
        warm_start = (as_array(warm_start[0], "warm_start[0]", (k0,)),
                      as_array(warm_start[1], "warm_start[1]", (k1,)))
    recipe = (a.copy(), b.copy(), cost.copy(),
              None if warm_start is None else (warm_start[0].copy(), warm_start[1].copy()),
              None if opts is None else opts.as_dict())
    with LongCall(opts, is_long(20 * k0 * k1)) as call:
        if warm_start is None:
            status = lib.gmmot_transport_solve(k0, k1, addr(a), addr(b), addr(cost), call.opts,
                                               C.byref(out))
        else:
            u0, v0 = warm_start
            status = lib.gmmot_transport_solve_warm(k0, k1, addr(a), addr(b), addr(cost),
                                                    addr(u0), addr(v0), call.opts, C.byref(out))
        result = TransportPlan(out, recipe) if status >= 0 else None
        call.finish(status)
    return result


def _rebuild_transport(a, b, cost, warm_start, values):
    return solve(a, b, cost, warm_start=warm_start, **(values or {}))


def emd(a, b, cost, **kwargs):
    """The exact optimal plan (K0, K1), as ``ot.emd``."""
    return solve(a, b, cost, **kwargs).plan


def emd2(a, b, cost, **kwargs):
    """The exact optimal cost, as ``ot.emd2``."""
    return solve(a, b, cost, **kwargs).cost


TransportPlan._rebuild = staticmethod(_rebuild_transport)
