# SPDX-License-Identifier: MIT
"""The KL-relaxed coupled fit (gmmot/relaxed.h, Delon-Desolneux 2020 section 6.2)."""
import ctypes as C

import numpy as np

from . import _errors
from ._arrays import addr, as_array, optional_weights
from ._handles import Owned
from ._lib import GmmP, Mw2P, RelaxedP, lib
from ._progress import LongCall
from .mixture import GaussianMixture, as_mixture
from .mw2 import MW2Plan
from .options import resolve_named

PATH_COLUMNS = ("lambda", "energy", "transport", "ll0", "ll1", "penalty", "iterations",
                "converged")


class RelaxedFit(Owned):
    """One mixture on R^{2d} fitted to two point clouds with a transport penalty.

    Create it with :meth:`fit`. Read-outs: :meth:`coupling`, :meth:`marginals`, :meth:`plan`
    (an :class:`MW2Plan`, so T_mean/T_rand apply), ``energy``, ``info``, ``energies``,
    ``degenerate``, ``path``. Pickles as its inputs (copied at fit time: the point clouds are
    kept twice in memory) and option values, fitted again on loading.
    """

    __slots__ = ("_ptr", "_recipe")
    _destroy = "gmmot_relaxed_destroy"

    def __init__(self, ptr, recipe=None):
        self._ptr = ptr
        self._recipe = recipe

    @classmethod
    def fit(cls, points0, points1, n_components=None, lam=None, weights0=None, weights1=None,
            init=None, lambdas=None, options=None, progress=None, **option_kwargs):
        """Fit the coupled mixture.

        Parameters
        ----------
        points0 : array-like (n0, d), points1 : array-like (n1, d)
        n_components : int, optional
            K (``relaxed_components``, default 5).
        lam : float, optional
            lambda relative to the data scale (``relaxed_lambda``, default 1).
        weights0, weights1 : array-like, optional
            Point weights (default all 1).
        init : (GaussianMixture, GaussianMixture) or str, optional
            Two start mixtures with K components (gmmot_relaxed_create_from), or 'pooled' /
            'separate' (``relaxed_init``).
        lambdas : array-like, optional
            A decreasing lambda sequence (continuation, gmmot_relaxed_create_path).
        options, progress, **option_kwargs
            ``relaxed_tolerance``, ``relaxed_max_iterations``, ``relaxed_regularization``,
            ``seed``, ``num_threads``, progress callback.
        """
        points0 = as_array(points0, "points0", (None, None))
        n0, d = points0.shape
        points1 = as_array(points1, "points1", (None, d))
        n1 = points1.shape[0]
        w0 = optional_weights(weights0, "weights0", n0)
        w1 = optional_weights(weights1, "weights1", n1)
        starts = None
        init_name = None
        if isinstance(init, str):
            init_name = init
        elif init is not None:
            if not isinstance(init, (tuple, list)) or len(init) != 2:
                raise ValueError("init: expected 'pooled', 'separate' or a pair of "
                                 "GaussianMixture starts, got %r" % (init,))
            starts = (as_mixture(init[0], "init[0]"), as_mixture(init[1], "init[1]"))
            if n_components is None:
                n_components = starts[0].n_components
        if lambdas is not None:
            lambdas = as_array(lambdas, "lambdas", (None,))
            if starts is not None:
                raise ValueError("init: starts and lambdas cannot be combined")
        opts = resolve_named(options, option_kwargs, progress=progress,
                             relaxed_components=n_components, relaxed_lambda=lam,
                             relaxed_init=init_name)
        out = RelaxedP()
        recipe = (points0.copy(), points1.copy(), None if w0 is None else w0.copy(),
                  None if w1 is None else w1.copy(), starts,
                  None if lambdas is None else lambdas.copy(),
                  None if opts is None else opts.as_dict())
        common = (addr(points0), n0, addr(points1), n1, d, addr(w0), addr(w1))
        with LongCall(opts, True) as call:
            if starts is not None:
                status = lib.gmmot_relaxed_create_from(*common, starts[0]._ptr, starts[1]._ptr,
                                                       call.opts, C.byref(out))
            elif lambdas is not None:
                status = lib.gmmot_relaxed_create_path(*common, addr(lambdas), lambdas.size,
                                                       call.opts, C.byref(out))
            else:
                status = lib.gmmot_relaxed_create(*common, call.opts, C.byref(out))
            result = cls(out, recipe) if status >= 0 else None
            call.finish(status)
        return result

    def _gmm(self, fn):
        out = GmmP()
        _errors.check(fn(self._ptr, C.byref(out)))
        return GaussianMixture._from_ptr(out)

    def coupling(self):
        """gamma: K components in dimension 2d."""
        return self._gmm(lib.gmmot_relaxed_coupling)

    def marginals(self):
        """``(P0#gamma, P1#gamma)``: two K-component mixtures in dimension d."""
        return self._gmm(lib.gmmot_relaxed_marginal0), self._gmm(lib.gmmot_relaxed_marginal1)

    def plan(self):
        """gamma's diagonal plan as an :class:`MW2Plan` (maps, coupling, geodesic)."""
        out = Mw2P()
        _errors.check(lib.gmmot_relaxed_plan(self._ptr, C.byref(out)))
        return MW2Plan._from_ptr(out, recipe=("relaxed", self))

    @property
    def energy(self):
        """J and its terms: energy, transport, ll0, ll1, penalty (data units)."""
        vals = [C.c_double() for _ in range(5)]
        _errors.check(lib.gmmot_relaxed_energy(self._ptr, *[C.byref(v) for v in vals]))
        return dict(zip(("energy", "transport", "ll0", "ll1", "penalty"),
                        (v.value for v in vals)))

    @property
    def info(self):
        """iterations, converged, lambda_abs, scale2."""
        it, conv, la, s2 = C.c_uint64(), C.c_int(), C.c_double(), C.c_double()
        _errors.check(lib.gmmot_relaxed_info(self._ptr, C.byref(it), C.byref(conv), C.byref(la),
                                             C.byref(s2)))
        return {"iterations": it.value, "converged": bool(conv.value), "lambda_abs": la.value,
                "scale2": s2.value}

    def _counted(self, fn, width, dtype):
        count = C.c_size_t()
        _errors.check(fn(self._ptr, None, 0, C.byref(count)))
        out = np.empty(count.value * width, dtype=dtype)
        _errors.check(fn(self._ptr, addr(out), out.size, C.byref(count)))
        return out

    @property
    def energies(self):
        """J of every iterate, the start first (non-increasing)."""
        return self._counted(lib.gmmot_relaxed_energies, 1, np.float64)

    @property
    def degenerate(self):
        """Flags per component and marginal, shape (K, 2): bit 0 too few points, bit 1 held
        up by the regularisation."""
        k = self.marginals()[0].n_components
        out = np.empty(2 * k, dtype=np.intc)
        _errors.check(lib.gmmot_relaxed_degenerate(self._ptr, addr(out), out.size, None))
        return out.reshape(k, 2)

    @property
    def path(self):
        """One row per lambda solved, columns :data:`PATH_COLUMNS`, shape (rows, 8)."""
        return self._counted(lib.gmmot_relaxed_path, 8, np.float64).reshape(-1, 8)

    def __repr__(self):
        return "RelaxedFit(energy=%.17g)" % self.energy["energy"]


def _rebuild_fit(points0, points1, weights0, weights1, starts, lambdas, values):
    return RelaxedFit.fit(points0, points1, weights0=weights0, weights1=weights1, init=starts,
                          lambdas=lambdas, **(values or {}))


RelaxedFit._rebuild = staticmethod(_rebuild_fit)
