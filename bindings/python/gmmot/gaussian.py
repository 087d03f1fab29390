# SPDX-License-Identifier: MIT
"""Optimal transport between single Gaussians (gmmot/gaussian.h): W2 distance, Monge map,
geodesic, barycenter, multi-marginal cost, and the W2 cost matrix between two mixtures."""
import ctypes as C

import numpy as np

from . import _errors
from ._arrays import addr, as_array, empty
from ._handles import is_long
from ._lib import lib
from ._progress import LongCall
from .mixture import as_mixture
from .options import resolve


def _pair(m0, s0, m1, s1):
    m0 = as_array(m0, "m0", (None,))
    d = m0.shape[0]
    return (m0, as_array(s0, "s0", (d, d)), as_array(m1, "m1", (d,)),
            as_array(s1, "s1", (d, d)), d)


def w2_squared(m0, s0, m1, s1):
    """Squared 2-Wasserstein distance between N(m0, s0) and N(m1, s1).

    ``||m0 - m1||^2 + tr(s0 + s1 - 2 (s0^1/2 s1 s0^1/2)^1/2)``, never negative; singular
    covariances are valid. Shapes: m (d,), s (d, d)."""
    m0, s0, m1, s1, d = _pair(m0, s0, m1, s1)
    out = C.c_double()
    _errors.check(lib.gmmot_gaussian_w2_squared(d, addr(m0), addr(s0), addr(m1), addr(s1),
                                                C.byref(out)))
    return out.value


def w2_distance(m0, s0, m1, s1):
    """The 2-Wasserstein distance (square root of :func:`w2_squared`)."""
    return float(np.sqrt(w2_squared(m0, s0, m1, s1)))


def monge_map(m0, s0, m1, s1, return_residual=False):
    """The optimal map T(x) = A x + b pushing N(m0, s0) to N(m1, s1).

    Returns ``(A (d, d), b (d,))`` (and the residual ||A s0 A - s1|| / ||s1|| when
    ``return_residual``). :class:`GmmotNoMapError` when s0 is singular and no map exists."""
    m0, s0, m1, s1, d = _pair(m0, s0, m1, s1)
    a, b, res = empty((d, d)), empty((d,)), C.c_double()
    _errors.check(lib.gmmot_gaussian_monge_map(d, addr(m0), addr(s0), addr(m1), addr(s1),
                                               addr(a), a.size, addr(b), d, C.byref(res)))
    return (a, b, res.value) if return_residual else (a, b)


def geodesic(m0, s0, m1, s1, t):
    """The W2 geodesic N(m_t, s_t) at time t in [0, 1]; returns ``(m_t, s_t)``."""
    m0, s0, m1, s1, d = _pair(m0, s0, m1, s1)
    t = float(t)
    if not 0.0 <= t <= 1.0:
        raise ValueError("t: must be in [0, 1], got %r" % t)
    m, s = empty((d,)), empty((d, d))
    _errors.check(lib.gmmot_gaussian_geodesic(d, addr(m0), addr(s0), addr(m1), addr(s1), t,
                                              addr(m), d, addr(s), s.size))
    return m, s


def _family(means, covs, weights):
    means = as_array(means, "means", (None, None))
    j, d = means.shape
    if j == 0:
        raise ValueError("means: at least one Gaussian is needed, got shape %s" % (means.shape,))
    covs = as_array(covs, "covariances", (j, d, d))
    weights = (np.full(j, 1.0 / j) if weights is None
               else as_array(weights, "weights", (j,)))
    return means, covs, weights, j, d


def barycenter(means, covariances, weights=None, return_info=False, options=None,
               progress=None, **option_kwargs):
    """The W2 barycenter N(m*, S*) of J Gaussians.

    Parameters
    ----------
    means : array-like (J, d)
    covariances : array-like (J, d, d)
    weights : array-like (J,), optional
        On the simplex (default uniform).
    return_info : bool
        Also return ``{"iterations": ..., "residual": ...}``.
    options, progress, **option_kwargs
        ``barycenter_tolerance``, ``barycenter_max_iterations``, progress callback.

    Returns
    -------
    (m*, S*) or (m*, S*, info)
    """
    means, covs, weights, j, d = _family(means, covariances, weights)
    m, s = empty((d,)), empty((d, d))
    it, res = C.c_uint64(), C.c_double()
    opts = resolve(options, progress=progress, **option_kwargs)
    with LongCall(opts, is_long(50 * j * d ** 3)) as call:
        call.finish(lib.gmmot_gaussian_barycenter(j, d, addr(weights), addr(means), addr(covs),
                                                  call.opts, addr(m), d, addr(s), s.size,
                                                  C.byref(it), C.byref(res)))
    if return_info:
        return m, s, {"iterations": it.value, "residual": res.value}
    return m, s


def multimarginal_cost(means, covariances, weights=None, options=None, progress=None,
                       **option_kwargs):
    """sum_j lambda_j W2^2(N(m_j, S_j), barycenter): the multi-marginal cost of J Gaussians."""
    means, covs, weights, j, d = _family(means, covariances, weights)
    out = C.c_double()
    opts = resolve(options, progress=progress, **option_kwargs)
    with LongCall(opts, is_long(50 * j * d ** 3)) as call:
        call.finish(lib.gmmot_gaussian_multimarginal_cost(j, d, addr(weights), addr(means),
                                                          addr(covs), call.opts, C.byref(out)))
    return out.value


def w2_cost_matrix(g0, g1, options=None, progress=None, **option_kwargs):
    """The K0 x K1 matrix of W2^2 between the components of two mixtures."""
    as_mixture(g0, "g0")
    as_mixture(g1, "g1")
    k0, k1 = g0.n_components, g1.n_components
    out = empty((k0, k1))
    opts = resolve(options, progress=progress, **option_kwargs)
    with LongCall(opts, is_long(k0 * k1 * g0.dim ** 3)) as call:
        call.finish(lib.gmmot_w2_cost_matrix(g0._ptr, g1._ptr, call.opts, addr(out), out.size))
    return out
