# SPDX-License-Identifier: MIT
"""Barycenters of Gaussian mixtures for MW2 (gmmot/barycenter.h): exact, fixed support and
fixed point, one result object."""
import ctypes as C

import numpy as np

from . import _errors
from ._arrays import addr, as_array, empty, empty_sizes
from ._handles import Owned, address
from ._lib import BaryP, GmmP, lib
from ._progress import LongCall
from .mixture import GaussianMixture, as_mixture
from .options import resolve, resolve_named


class MixtureBarycenter(Owned):
    """The result of a barycenter solver (immutable).

    Attributes: ``mixture`` (the barycenter, a GaussianMixture), ``cost`` (V), ``n_inputs``,
    ``n_components``; methods :meth:`plan`, :meth:`sparse_plan`; properties ``tuples``,
    ``duals``, ``certificate``, ``info``, ``energies``.
    """

    __slots__ = ("_ptr", "_inputs", "_recipe")
    _destroy = "gmmot_mw2_barycenter_destroy"

    def __init__(self, ptr, inputs, recipe=None):
        self._ptr = ptr
        self._inputs = inputs  # the input mixtures (their sizes shape the plans)
        self._recipe = recipe

    @property
    def mixture(self):
        """The barycenter as a GaussianMixture."""
        out = GmmP()
        _errors.check(lib.gmmot_mw2_barycenter_gmm(self._ptr, C.byref(out)))
        return GaussianMixture._from_ptr(out)

    @property
    def cost(self):
        """V = sum_j lambda_j MW2^2(barycenter, mu_j)."""
        out = C.c_double()
        _errors.check(lib.gmmot_mw2_barycenter_cost(self._ptr, C.byref(out)))
        return out.value

    @property
    def n_inputs(self):
        """J."""
        return lib.gmmot_mw2_barycenter_count(self._ptr)

    @property
    def n_components(self):
        """Number of barycenter components."""
        return lib.gmmot_mw2_barycenter_components(self._ptr)

    def sparse_plan(self, j):
        """The plan to input j as ``(rows, cols, mass)`` (barycenter component, component of
        mu_j, mass)."""
        if isinstance(j, bool) or not isinstance(j, (int, np.integer)):
            raise TypeError("j: expected an integer, got %r" % (j,))
        j = int(j)
        if not 0 <= j < self.n_inputs:
            raise ValueError("j: must be in [0, %d), got %d" % (self.n_inputs, j))
        n = lib.gmmot_mw2_barycenter_plan_nnz(self._ptr, j)
        rows, cols, mass = empty_sizes(n), empty_sizes(n), empty((n,))
        _errors.check(lib.gmmot_mw2_barycenter_copy_plan(self._ptr, j, addr(rows), addr(cols),
                                                         addr(mass), n))
        return rows.astype(np.intp), cols.astype(np.intp), mass

    def plan(self, j):
        """The dense plan to input j, shape (n_components, K_j)."""
        rows, cols, mass = self.sparse_plan(j)
        out = np.zeros((self.n_components, self._inputs[j].n_components))
        np.add.at(out, (rows, cols), mass)
        return out

    @property
    def tuples(self):
        """Exact and true fixed point: the component tuple of each barycenter component,
        shape (n_components, J)."""
        n, j = self.n_components, self.n_inputs
        out = empty_sizes(n * j)
        _errors.check(lib.gmmot_mw2_barycenter_copy_tuples(self._ptr, addr(out), out.size))
        return out.astype(np.intp).reshape(n, j)

    @property
    def duals(self):
        """The LPs' dual potentials, one array per input (sum_j K_j values in all)."""
        sizes = [g.n_components for g in self._inputs]
        out = empty((sum(sizes),))
        _errors.check(lib.gmmot_mw2_barycenter_copy_duals(self._ptr, addr(out), out.size))
        return np.split(out, np.cumsum(sizes)[:-1])

    @property
    def certificate(self):
        """The LPs' optimality certificate: primal infeasibility, dual infeasibility, duality
        gap (absolute, cost units)."""
        p, d, g = C.c_double(), C.c_double(), C.c_double()
        _errors.check(lib.gmmot_mw2_barycenter_certificate(self._ptr, C.byref(p), C.byref(d),
                                                           C.byref(g)))
        return {"primal_infeasibility": p.value, "dual_infeasibility": d.value,
                "duality_gap": g.value}

    @property
    def info(self):
        """Solver figures: iterations, tuple_costs, pricing_rounds."""
        a, b, c = C.c_uint64(), C.c_uint64(), C.c_uint64()
        _errors.check(lib.gmmot_mw2_barycenter_info(self._ptr, C.byref(a), C.byref(b),
                                                    C.byref(c)))
        return {"iterations": a.value, "tuple_costs": b.value, "pricing_rounds": c.value}

    @property
    def energies(self):
        """V per iteration (fixed point, start first) or the single V (LPs)."""
        n = lib.gmmot_mw2_barycenter_energies_len(self._ptr)
        out = empty((n,))
        _errors.check(lib.gmmot_mw2_barycenter_copy_energies(self._ptr, addr(out), n))
        return out

    def __repr__(self):
        return "MixtureBarycenter(n_inputs=%d, n_components=%d, cost=%.17g)" % (
            self.n_inputs, self.n_components, self.cost)


def _inputs(mixtures, weights):
    mixtures = list(mixtures)
    if not mixtures:
        raise ValueError("mixtures: at least one mixture is needed")
    for i, g in enumerate(mixtures):
        as_mixture(g, "mixtures[%d]" % i)
    j = len(mixtures)
    lam = np.full(j, 1.0 / j) if weights is None else as_array(weights, "weights", (j,))
    handles = np.array([address(g._ptr) for g in mixtures], dtype=np.uintp)
    return mixtures, lam, handles, j


def _run(fn_args, mixtures, opts, recipe):
    out = BaryP()
    fn, args = fn_args
    recipe = recipe + (None if opts is None else opts.as_dict(),)
    with LongCall(opts, True) as call:
        status = fn(*args, call.opts, C.byref(out))
        result = MixtureBarycenter(out, mixtures, recipe) if status >= 0 else None
        call.finish(status)
    return result


def _rebuild_barycenter(kind, mixtures, weights, extra, values):
    values = values or {}
    if kind == "exact":
        return barycenter_exact(mixtures, weights, **values)
    if kind == "fixed_support":
        return barycenter_fixed_support(mixtures, extra[0], extra[1], weights, **values)
    return barycenter_fixed_point(mixtures, weights, init=extra, **values)


def barycenter_exact(mixtures, weights=None, options=None, progress=None, **option_kwargs):
    """The exact MW2 barycenter of J mixtures (Delon-Desolneux 2020, section 5).

    Parameters
    ----------
    mixtures : sequence of GaussianMixture
    weights : array-like (J,), optional
        lambda on the simplex (default uniform).
    options, progress, **option_kwargs
        ``mmot_max_tuples``, ``mmot_max_iterations``, ``num_threads``, progress callback.

    Returns
    -------
    MixtureBarycenter
    """
    mixtures, lam, handles, j = _inputs(mixtures, weights)
    opts = resolve(options, progress=progress, **option_kwargs)
    return _run((lib.gmmot_mw2_barycenter_exact, (addr(handles), j, addr(lam), j)), mixtures,
                opts, ("exact", mixtures, lam.copy(), None))


def barycenter_fixed_support(mixtures, means, covariances, weights=None, options=None,
                             progress=None, **option_kwargs):
    """The barycenter supported on n given Gaussians N(means[s], covariances[s])
    (Chen-Georgiou-Tannenbaum 2019); the result keeps them in order with optimal weights."""
    mixtures, lam, handles, j = _inputs(mixtures, weights)
    d = mixtures[0].dim
    means = as_array(means, "means", (None, d))
    n = means.shape[0]
    covs = as_array(covariances, "covariances", (n, d, d))
    opts = resolve(options, progress=progress, **option_kwargs)
    return _run((lib.gmmot_mw2_barycenter_fixed_support,
                 (addr(handles), j, addr(lam), j, n, addr(means), means.size, addr(covs),
                  covs.size)), mixtures, opts,
                ("fixed_support", mixtures, lam.copy(), (means.copy(), covs.copy())))


def barycenter_fixed_point(mixtures, weights=None, init=None, method=None, options=None,
                           progress=None, **option_kwargs):
    """The fixed-point barycenter (Tanguy-Delon-Gozlan): ``method`` 'true' (default),
    'euclidean' or 'bures'; started from ``init`` (a GaussianMixture) or from
    ``fixed_point_components`` random tuple barycenters (``seed``). Issues a
    GmmotConvergenceWarning when the iteration cap came first."""
    mixtures, lam, handles, j = _inputs(mixtures, weights)
    init_ptr = None if init is None else as_mixture(init, "init")._ptr
    opts = resolve_named(options, option_kwargs, progress=progress,
                         fixed_point_method=method)
    return _run((lib.gmmot_mw2_barycenter_fixed_point,
                 (addr(handles), j, addr(lam), j, init_ptr)), mixtures, opts,
                ("fixed_point", mixtures, lam.copy(), init))


MixtureBarycenter._rebuild = staticmethod(_rebuild_barycenter)
