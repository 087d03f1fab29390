# SPDX-License-Identifier: MIT
"""Joint EM fits of several data sets with one shared component family (gmmot/em.h,
gmmot_em_fit_joint): for Student-t mixtures, one nu for all, so that MW2 can compare them."""
import ctypes as C

from . import _errors
from ._arrays import addr, as_array, check_positive_int, optional_weights
from ._lib import EmP, GmmP, lib
from ._progress import LongCall
from .mixture import GaussianMixture
from .options import family_code, resolve_named


def _nu_of(ptr):
    family, nu = C.c_int(), C.c_double()
    _errors.check(lib.gmmot_gmm_get_family(ptr, C.byref(family), C.byref(nu)))
    return nu.value if family.value == 1 else float("inf")


def fit_joint(datasets, n_components=10, weights=None, family=None, nu=None, options=None,
              progress=None, **option_kwargs):
    """Fit one mixture per data set with one shared family (gmmot_em_fit_joint, @since 0.5).

    Parameters
    ----------
    datasets : sequence of array-like, each of shape (n_j, d)
        At least one; all of one dimension d.
    n_components : int
        K for every fit (``em_components``).
    weights : None, or a sequence with one entry per data set (None or shape (n_j,))
    family : {"gaussian", "t"}, optional
        "t": Student-t mixtures whose nu is estimated jointly (one ECM run per data set in
        lockstep, one pooled nu step per iteration) when ``nu`` is 0 (default), or fixed.
    nu : float, optional
        ``em_dof``: 0 estimates nu, a value > 2 fixes it.
    options, progress, **option_kwargs
        As :meth:`GaussianMixture.fit`.

    Returns
    -------
    list of GaussianMixture
        One per data set, each with ``fit_info``: mean_log_likelihood (of its own data set),
        nu (inf for Gaussian mixtures) and joint, a dict with the library's summary of the joint
        fit: objective (the sum of the mean log-likelihoods), n_iter, converged, passes.
    """
    if isinstance(datasets, (str, bytes)) or not hasattr(datasets, "__len__"):
        raise TypeError("datasets: expected a sequence of (n, d) arrays")
    j = len(datasets)
    if j == 0:
        raise ValueError("datasets: at least one data set is needed")
    arrays = [as_array(x, "datasets[%d]" % i, (None, None)) for i, x in enumerate(datasets)]
    d = arrays[0].shape[1]
    for i, x in enumerate(arrays):
        if x.shape[1] != d:
            raise ValueError("datasets[%d] has dimension %d but datasets[0] has %d"
                             % (i, x.shape[1], d))
    if weights is not None and len(weights) != j:
        raise ValueError("weights: expected %d entries (one per data set), got %d"
                         % (j, len(weights)))
    ws = [optional_weights(None if weights is None else weights[i], "weights[%d]" % i,
                           x.shape[0]) for i, x in enumerate(arrays)]
    k = check_positive_int(n_components, "n_components", 1)
    opts = resolve_named(options, option_kwargs, progress=progress, em_components=k,
                         em_family=family_code(family), em_dof=nu)
    n = (C.c_size_t * j)(*[x.shape[0] for x in arrays])
    pts = (C.c_void_p * j)(*[addr(x) for x in arrays])
    wts = (C.c_void_p * j)(*[addr(w) for w in ws])
    out = (GmmP * j)()
    with LongCall(opts, True) as call:
        em = EmP()
        _errors.check(lib.gmmot_em_create(call.opts, C.byref(em)))
        try:
            status = lib.gmmot_em_fit_joint(em, j, d, n, pts, wts, out)
            # owned at once (freed even if finish raises)
            results = [GaussianMixture._from_ptr(out[i]) for i in range(j)] if status >= 0 else []
            call.finish(status)
            ll, it, conv = C.c_double(), C.c_uint64(), C.c_int()
            passes, moves = C.c_uint64(), C.c_uint64()
            _errors.check(lib.gmmot_em_info(em, C.byref(ll), C.byref(it), C.byref(conv)))
            _errors.check(lib.gmmot_em_work(em, C.byref(passes), C.byref(moves)))
        finally:
            lib.gmmot_em_destroy(em)
    joint = {"objective": ll.value, "n_iter": it.value, "converged": bool(conv.value),
             "passes": passes.value}
    for g, x, w in zip(results, arrays, ws):
        lp = g.log_density(x)
        mean = float(lp.mean()) if w is None else float((lp * w).sum() / w.sum())
        g.fit_info = {"mean_log_likelihood": mean, "nu": _nu_of(g._ptr), "joint": joint}
    return results
