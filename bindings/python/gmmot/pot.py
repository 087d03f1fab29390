# SPDX-License-Identifier: MIT
"""POT-compatible functions: the signatures, argument names, defaults and return types of
POT's ``ot.gmm`` and ``ot.gaussian`` (numpy backend), computed by libgmmot.

Switch with one import::

    import gmmot.pot as gmm_ot          # instead of: import ot.gmm as gmm_ot
    loss = gmm_ot.gmm_ot_loss(m_s, m_t, C_s, C_t, w_s, w_t)

Differences from POT, all deliberate: inputs are validated first (ValueError/TypeError naming
the argument instead of assertion errors); ``gmm_ot_apply_map(method='rand')`` draws with
libgmmot's own generator when ``plan`` is None (an integer ``seed`` still makes it
reproducible, but the draws differ from numpy's); ``bures_wasserstein_barycenter`` uses the
accelerated fixed point of libgmmot with ``eps`` as its relative residual tolerance, whatever
``method``; ``gmm_barycenter_fixed_point`` stops early once the energy no longer decreases;
``log`` dictionaries hold libgmmot's figures (keys of POT kept where they exist: cost, u, v,
warning, result_code, Cs12, Cs12inv, Cs, Ct, num_iter, final_diff, means_its, covs_its;
the fixed point's log has the energies per iteration too). Weights of any positive sum are normalised, the density, the
plan and the loss being scaled by the mass as in POT (the two masses must agree to 6 decimals,
as ``ot.emd`` checks). The Bures barycenter solvers and the Gaussian Gromov-Wasserstein
functions are in :mod:`gmmot._pot_extra` (closed forms with NumPy's eigh; see there).
"""
import numpy as np

from . import gaussian as _g
from ._arrays import as_array
from .mixture import GaussianMixture
from .mw2 import MW2Plan

from ._pot_extra import (bures_barycenter_fixpoint, bures_barycenter_gradient_descent,
                         empirical_gaussian_gromov_wasserstein_distance,
                         empirical_gaussian_gromov_wasserstein_mapping,
                         gaussian_gromov_wasserstein_distance,
                         gaussian_gromov_wasserstein_mapping)

__all__ = [
    "gaussian_logpdf", "gaussian_pdf", "gmm_pdf", "dist_bures_squared", "gmm_ot_loss",
    "gmm_ot_plan", "gmm_ot_apply_map", "gmm_ot_plan_density", "gmm_barycenter_fixed_point",
    "bures_distance", "bures_wasserstein_mapping", "bures_wasserstein_distance",
    "bures_wasserstein_barycenter", "empirical_bures_wasserstein_mapping",
    "empirical_bures_wasserstein_distance", "empirical_bures_wasserstein_barycenter",
    "bures_barycenter_fixpoint", "bures_barycenter_gradient_descent",
    "gaussian_gromov_wasserstein_distance", "empirical_gaussian_gromov_wasserstein_distance",
    "gaussian_gromov_wasserstein_mapping", "empirical_gaussian_gromov_wasserstein_mapping",
]


def _gmm_mass(m, C, w, names):
    """The mixture of (m, C, w) with its weights normalised, and their sum: POT takes any
    non-negative weights (float32-rounded, unnormalised) and scales densities and plans by
    their mass."""
    m = as_array(m, names[0], (None, None))
    k, d = m.shape
    if k == 0:
        raise ValueError("%s: at least one component is needed, got shape %s"
                         % (names[0], m.shape))
    C = as_array(C, names[1], (k, d, d))
    if w is None:
        return GaussianMixture(np.full(k, 1.0 / k), m, C), 1.0
    w = as_array(w, names[2], (k,))
    if np.any(w < 0):
        raise ValueError("%s: weights must be >= 0, got %r at index %d"
                         % (names[2], float(w[np.argmax(w < 0)]), int(np.argmax(w < 0))))
    mass = float(w.sum())
    if not mass > 0:
        raise ValueError("%s: the weights sum to 0" % names[2])
    return GaussianMixture(w / mass, m, C), mass


def _gmm(m, C, w, names):
    return _gmm_mass(m, C, w, names)[0]


def _flat_points(x, d, name="x"):
    x = np.asarray(x) if not isinstance(x, np.ndarray) else x
    if x.ndim < 1 or x.shape[-1] != d:
        raise ValueError("%s: expected shape (..., %d), got %s" % (name, d, x.shape))
    lead = x.shape[:-1]
    return as_array(x.reshape(-1, d), name, (None, d)), lead


# ---------------------------------------------------------------------- ot.gmm
def gaussian_logpdf(x, m, C):
    """log N(x; m, C) for x of shape (..., d); shape (...)."""
    m = as_array(m, "m", (None,))
    g = GaussianMixture([1.0], m[None], as_array(C, "C", (m.size, m.size))[None])
    pts, lead = _flat_points(x, m.size)
    return g.log_density(pts).reshape(lead)


def gaussian_pdf(x, m, C):
    """N(x; m, C) for x of shape (..., d); shape (...)."""
    return np.exp(gaussian_logpdf(x, m, C))


def gmm_pdf(x, m, C, w):
    """The mixture density sum_k w_k N(x; m_k, C_k) for x of shape (..., d); shape (...)."""
    g, mass = _gmm_mass(m, C, w, ("m", "C", "w"))
    pts, lead = _flat_points(x, g.dim)
    return (mass * np.exp(g.log_density(pts))).reshape(lead)


def dist_bures_squared(m_s, m_t, C_s, C_t):
    """The (k_s, k_t) matrix of squared W2 (Bures-Wasserstein) distances between the
    components of two mixtures."""
    g_s = _gmm(m_s, C_s, None, ("m_s", "C_s", None))
    g_t = _gmm(m_t, C_t, None, ("m_t", "C_t", None))
    if g_s.dim != g_t.dim:
        raise ValueError("m_t: dimension %d differs from m_s's %d" % (g_t.dim, g_s.dim))
    return _g.w2_cost_matrix(g_s, g_t)


def _plan(m_s, m_t, C_s, C_t, w_s, w_t):
    """The plan between the normalised mixtures and the source mass: as ot.emd, the weights
    may have any (equal, to 6 decimals) sum, and the plan then has the mass of w_s."""
    g_s, mass_s = _gmm_mass(m_s, C_s, w_s, ("m_s", "C_s", "w_s"))
    g_t, mass_t = _gmm_mass(m_t, C_t, w_t, ("m_t", "C_t", "w_t"))
    if g_s.dim != g_t.dim:
        raise ValueError("m_t: dimension %d differs from m_s's %d" % (g_t.dim, g_s.dim))
    if abs(mass_s - mass_t) >= 1.5e-6:  # numpy's assert_almost_equal(decimal=6), as ot.emd
        raise ValueError("w_s, w_t: the weights must have the same sum (to 6 decimals), got "
                         "%.17g and %.17g" % (mass_s, mass_t))
    return MW2Plan(g_s, g_t), mass_s


def _log(p, mass):
    u, v = p.duals
    return {"cost": mass * p.squared_distance, "u": u, "v": v, "warning": None,
            "result_code": 1, "iterations": p.info["iterations"]}


def gmm_ot_loss(m_s, m_t, C_s, C_t, w_s, w_t, log=False):
    """The GMM-OT (MW2^2) loss between two mixtures (Delon-Desolneux 2020); with ``log``,
    also a dict with the cost and the dual potentials u, v. Weights with a sum other than 1
    scale the loss, as in POT."""
    p, mass = _plan(m_s, m_t, C_s, C_t, w_s, w_t)
    loss = mass * p.squared_distance
    return (loss, _log(p, mass)) if log else loss


def gmm_ot_plan(m_s, m_t, C_s, C_t, w_s, w_t, log=False):
    """The GMM-OT component plan, shape (k_s, k_t) (total mass: the sum of w_s); with
    ``log``, also the log dict."""
    p, mass = _plan(m_s, m_t, C_s, C_t, w_s, w_t)
    plan = mass * p.plan
    return (plan, _log(p, mass)) if log else plan


def _given_plan_terms(x, m_s, m_t, C_s, C_t, w_s, plan):
    """Posterior-weighted pair terms for a caller's plan: (log N_i(x) - log mu_s(x)) and the
    pair maps of the plan's positive entries."""
    g_s, mass = _gmm_mass(m_s, C_s, w_s, ("m_s", "C_s", "w_s"))
    m_t = as_array(m_t, "m_t", (None, g_s.dim))
    C_t = as_array(C_t, "C_t", (m_t.shape[0], g_s.dim, g_s.dim))
    plan = as_array(plan, "plan", (g_s.n_components, m_t.shape[0]))
    # POT divides by gmm_pdf(x, m_s, C_s, w_s), i.e. by the mass times the normalised density
    log_post = g_s.component_log_densities(x) - g_s.log_density(x)[:, None] - np.log(mass)
    pairs = [(i, j) + _g.monge_map(g_s.means[i], g_s.covariances[i], m_t[j], C_t[j])
             for i, j in zip(*np.nonzero(plan > 0))]
    return log_post, pairs, plan


def gmm_ot_apply_map(x, m_s, m_t, C_s, C_t, w_s, w_t, plan=None, method="bary", seed=None):
    """Map the rows of x (n, d) by the GMM-OT plan: 'bary' is T_mean (the barycentric
    projection), 'rand' is T_rand (a random pair per point, then its Gaussian map)."""
    if method not in ("bary", "rand"):
        raise ValueError("method: expected 'bary' or 'rand', got %r" % (method,))
    if plan is None:
        p = _plan(m_s, m_t, C_s, C_t, w_s, w_t)[0]
        x = as_array(x, "x", (None, p.dim))
        if method == "bary":
            return p.map_mean(x)
        if seed is None:  # as POT: a fresh draw each call
            seed = int(np.random.randint(0, 2 ** 31 - 1))
        return p.map_rand(x, seed=int(seed))
    x = as_array(x, "x", (None, None))
    log_post, pairs, plan = _given_plan_terms(x, m_s, m_t, C_s, C_t, w_s, plan)
    if method == "bary":
        out = np.zeros_like(x)
        for i, j, a, b in pairs:
            out += (plan[i, j] * np.exp(log_post[:, i]))[:, None] * (x @ a.T + b)
        return out
    rng = np.random.RandomState(seed)
    probs = np.stack([plan[i, j] * np.exp(log_post[:, i]) for i, j, _, _ in pairs], axis=1)
    probs /= probs.sum(axis=1, keepdims=True)
    out = np.empty_like(x)
    for n in range(x.shape[0]):
        _, _, a, b = pairs[rng.choice(len(pairs), p=probs[n])]
        out[n] = a @ x[n] + b
    return out


def gmm_ot_plan_density(x, y, m_s, m_t, C_s, C_t, w_s, w_t, plan=None, atol=1e-2):
    """The density of the GMM-OT coupling at the pairs (x[i], y[j]), shape (n, m), as POT:
    sum over plan entries of plan_kl N(x; m_k, C_k) where |T_kl(x) - y| < atol."""
    x = as_array(x, "x", (None, None))
    y = as_array(y, "y", (None, x.shape[1]))
    if plan is None:
        plan = gmm_ot_plan(m_s, m_t, C_s, C_t, w_s, w_t)
    g_s = _gmm(m_s, C_s, w_s, ("m_s", "C_s", "w_s"))
    m_t = as_array(m_t, "m_t", (None, g_s.dim))
    C_t = as_array(C_t, "C_t", (m_t.shape[0], g_s.dim, g_s.dim))
    plan = as_array(plan, "plan", (g_s.n_components, m_t.shape[0]))
    dens = np.exp(g_s.component_log_densities(x))
    out = np.zeros((x.shape[0], y.shape[0]))
    for i, j in zip(*np.nonzero(plan)):
        a, b = _g.monge_map(g_s.means[i], g_s.covariances[i], m_t[j], C_t[j])
        close = np.linalg.norm((x @ a.T + b)[:, None, :] - y[None, :, :], axis=-1) < atol
        out += plan[i, j] * dens[:, i][:, None] * close
    return out


def gmm_barycenter_fixed_point(means_list, covs_list, w_list, means_init, covs_init, weights,
                               w_bar=None, iterations=100, log=False,
                               barycentric_proj_method="euclidean"):
    """The GMM-OT barycenter by the fixed-point heuristic with fixed weights (Tanguy-Delon-
    Gozlan, Alg. 3), projection 'euclidean' or 'bures'. Returns (means, covs) and with
    ``log`` a dict with POT's ``means_its`` and ``covs_its`` (the start, then every iterate)
    and the energies per iteration. With ``log`` the iterations run one library call each
    (to read the iterates out; the same iterates up to rounding)."""
    if barycentric_proj_method not in ("euclidean", "bures"):
        raise ValueError("Unknown barycentric_proj_method")
    from .barycenter import barycenter_fixed_point
    mixtures = [_gmm(m, c, w, ("means_list[%d]" % i, "covs_list[%d]" % i, "w_list[%d]" % i))
                for i, (m, c, w) in enumerate(zip(means_list, covs_list, w_list))]
    init = _gmm(means_init, covs_init, w_bar, ("means_init", "covs_init", "w_bar"))
    import warnings
    from ._errors import GmmotConvergenceWarning
    with warnings.catch_warnings():  # POT runs a fixed number of iterations silently
        warnings.simplefilter("ignore", GmmotConvergenceWarning)
        if not log:
            res = barycenter_fixed_point(mixtures, weights, init=init,
                                         method=barycentric_proj_method,
                                         fixed_point_max_iterations=int(iterations))
            g = res.mixture
            return np.array(g.means), np.array(g.covariances)
        g = init
        means_its, covs_its = [np.array(g.means)], [np.array(g.covariances)]
        energies = []
        for _ in range(int(iterations)):
            res = barycenter_fixed_point(mixtures, weights, init=g,
                                         method=barycentric_proj_method,
                                         fixed_point_max_iterations=1)
            e = res.energies
            if not energies:
                energies.append(float(e[0]))
            if e[-1] >= energies[-1] and len(energies) > 1:
                break  # no longer decreasing: where the one-call path stops too
            energies.append(float(e[-1]))
            g = res.mixture
            means_its.append(np.array(g.means))
            covs_its.append(np.array(g.covariances))
    return means_its[-1], covs_its[-1], {"means_its": means_its, "covs_its": covs_its,
                                         "energies": np.array(energies)}


# ---------------------------------------------------------------------- ot.gaussian
def _sqrtm_pair(Cs):
    vals, vecs = np.linalg.eigh(Cs)
    vals = np.clip(vals, 0, None)
    half = (vecs * np.sqrt(vals)) @ vecs.T
    with np.errstate(divide="ignore"):
        inv = (vecs * np.where(vals > 0, 1 / np.sqrt(vals), 0)) @ vecs.T
    return half, inv


def _vec(m, name, d=None):
    m = as_array(m, name, (None,) if np.ndim(m) == 1 else (1, None))
    return m.reshape(-1) if d is None or m.size == d else m


def _gaussians(ms, mt, Cs, Ct):
    """Two Gaussians checked under POT's argument names (before libgmmot's, m0/s0/..., could
    name them)."""
    ms, mt = _vec(ms, "ms"), _vec(mt, "mt")
    d = ms.size
    if d == 0:
        raise ValueError("ms: at least one dimension is needed")
    mt = as_array(mt, "mt", (d,))
    return ms, mt, as_array(Cs, "Cs", (d, d)), as_array(Ct, "Ct", (d, d))


def bures_wasserstein_mapping(ms, mt, Cs, Ct, log=False):
    """The optimal affine map x -> x A + b from N(ms, Cs) to N(mt, Ct): returns (A, b)
    (A symmetric) and with ``log`` a dict with Cs12 and Cs12inv."""
    shape = np.shape(ms)
    ms, mt, Cs, Ct = _gaussians(ms, mt, Cs, Ct)
    a, b = _g.monge_map(ms, Cs, mt, Ct)
    b = b.reshape(shape)
    if log:
        cs12, cs12inv = _sqrtm_pair(Cs)
        return a, b, {"Cs12": cs12, "Cs12inv": cs12inv}
    return a, b


def _bures_batch(ms, mt, Cs, Ct, paired):
    """W2 between batches: (n, m) cross distances, or (n,) paired ones."""
    ms = as_array(ms, "ms", (None, None))
    n, d = ms.shape
    if n == 0 or d == 0:
        raise ValueError("ms: expected a non-empty (n, d) batch, got shape %s" % (ms.shape,))
    Cs = as_array(Cs, "Cs", (n, d, d))
    mt = as_array(mt, "mt", (None, d))
    if mt.shape[0] == 0:
        raise ValueError("mt: expected a non-empty (m, d) batch, got shape %s" % (mt.shape,))
    Ct = as_array(Ct, "Ct", (mt.shape[0], d, d))
    if paired and len(Cs) == len(Ct):
        return np.sqrt(np.array([_g.w2_squared(ms[i], Cs[i], mt[i], Ct[i])
                                 for i in range(len(Cs))]))
    return np.sqrt(dist_bures_squared(ms, mt, Cs, Ct))


def bures_distance(Cs, Ct, paired=False, log=False, nx=None):
    """The Bures distance between covariances (d, d) (a float), or between batches
    (n, d, d) and (m, d, d): the (n, m) matrix, or the (n,) paired distances when ``paired``
    and n == m. ``nx`` (POT's backend) is accepted and ignored: numpy only."""
    Cs, Ct = np.asarray(Cs), np.asarray(Ct)
    if Cs.ndim == 2 and Ct.ndim == 2:
        d = as_array(Cs, "Cs", (None, None)).shape[0]
        _, _, Cs, Ct = _gaussians(np.zeros(d), np.zeros(d), Cs, Ct)
        W = float(np.sqrt(_g.w2_squared(np.zeros(d), Cs, np.zeros(d), Ct)))
    else:
        if Cs.ndim != 3 or Ct.ndim != 3:
            raise ValueError("Cs, Ct: both must be (d, d) or both batched (n, d, d)")
        d = Cs.shape[-1]
        W = _bures_batch(np.zeros((len(Cs), d)), np.zeros((len(Ct), d)), Cs, Ct, paired)
    if log:
        return W, {"Cs12": np.array([_sqrtm_pair(c)[0] for c in Cs.reshape(-1, d, d)])
                   .reshape(Cs.shape)}
    return W


def bures_wasserstein_distance(ms, mt, Cs, Ct, paired=False, log=False):
    """The W2 distance between N(ms, Cs) and N(mt, Ct) (a float); batches ms (n, d),
    Cs (n, d, d) and mt (m, d), Ct (m, d, d) give the (n, m) matrix, or the (n,) paired
    distances when ``paired`` and n == m."""
    if np.ndim(ms) == 2 and np.ndim(mt) == 2:
        ms, mt = np.asarray(ms), np.asarray(mt)
        W = _bures_batch(ms, mt, Cs, Ct, paired)
        if log:
            cs = as_array(Cs, "Cs", (None, None, None))
            return W, {"Cs12": np.array([_sqrtm_pair(c)[0] for c in cs]).reshape(cs.shape)}
        return W
    ms, mt, Cs, Ct = _gaussians(ms, mt, Cs, Ct)
    W = float(np.sqrt(_g.w2_squared(ms, Cs, mt, Ct)))
    if log:
        return W, {"Cs12": _sqrtm_pair(Cs)[0]}
    return W


def _empirical(xs, xt, reg, ws, wt, bias):
    xs = as_array(xs, "xs", (None, None))
    d = xs.shape[1]
    xt = as_array(xt, "xt", (None, d))
    for x, name in ((xs, "xs"), (xt, "xt")):
        if x.shape[0] == 0 or d == 0:
            raise ValueError("%s: at least one sample of dimension >= 1 is needed, got shape %s"
                             % (name, x.shape))
    stats = []
    for x, w, name in ((xs, ws, "ws"), (xt, wt, "wt")):
        if w is None:
            w = np.full(x.shape[0], 1.0 / x.shape[0])
        else:
            w = as_array(w, name, (x.shape[0], 1) if np.ndim(w) == 2 else (x.shape[0],))
            w = w.reshape(-1)
        m = w @ x / w.sum() if bias else np.zeros(d)
        xc = x - m
        stats.append((m, (xc * w[:, None]).T @ xc / w.sum() + reg * np.eye(d)))
    return stats


def empirical_bures_wasserstein_mapping(xs, xt, reg=1e-6, ws=None, wt=None, bias=True,
                                        log=False):
    """The Gaussian (linear) OT map estimated from samples: (A, b) with b of shape (1, d), as
    POT (and POT 0.8.2's ``ot.da.OT_mapping_linear``)."""
    (ms, Cs), (mt, Ct) = _empirical(xs, xt, reg, ws, wt, bias)
    a, b = _g.monge_map(ms, Cs, mt, Ct)
    b = b[None, :]
    if log:
        cs12, cs12inv = _sqrtm_pair(Cs)
        return a, b, {"Cs12": cs12, "Cs12inv": cs12inv, "Cs": Cs, "Ct": Ct}
    return a, b


def empirical_bures_wasserstein_distance(xs, xt, reg=1e-6, ws=None, wt=None, bias=True,
                                         log=False):
    """The W2 distance between the Gaussians estimated from two samples."""
    (ms, Cs), (mt, Ct) = _empirical(xs, xt, reg, ws, wt, bias)
    W = float(np.sqrt(_g.w2_squared(ms, Cs, mt, Ct)))
    return (W, {"Cs": Cs, "Ct": Ct}) if log else W


BARYCENTER_METHODS = ("fixed_point", "gradient_descent", "stochastic_gradient_descent",
                      "averaged_stochastic_gradient_descent")


def bures_wasserstein_barycenter(m, C, weights=None, method="fixed_point", num_iter=1000,
                                 eps=1e-7, log=False, step_size=1, batch_size=None):
    """The W2 barycenter (mb (d,), Cb (d, d)) of Gaussians m (k, d), C (k, d, d).

    Every ``method`` of POT is accepted and solved by libgmmot's accelerated fixed point (they
    all target the same unique minimiser); ``step_size`` and ``batch_size`` are then unused.
    ``eps`` is the relative fixed-point residual at which the iteration stops."""
    if method not in BARYCENTER_METHODS:
        raise ValueError("Unknown method '%s'." % (method,))
    m = as_array(m, "m", (None, None))
    if m.shape[0] == 0 or m.shape[1] == 0:
        raise ValueError("m: at least one Gaussian of dimension >= 1 is needed, got shape %s"
                         % (m.shape,))
    C = as_array(C, "C", (m.shape[0], m.shape[1], m.shape[1]))
    if weights is not None:
        weights = as_array(weights, "weights", (m.shape[0],))
    mb, Cb, info = _g.barycenter(m, C, weights, return_info=True,
                                 barycenter_max_iterations=max(1, int(num_iter)),
                                 barycenter_tolerance=min(float(eps), 1.0))
    if log:
        return mb, Cb, {"num_iter": info["iterations"], "final_diff": info["residual"]}
    return mb, Cb


def empirical_bures_wasserstein_barycenter(X, reg=1e-6, weights=None, num_iter=1000, eps=1e-7,
                                           w=None, bias=True, log=False):
    """The W2 barycenter of the Gaussians estimated from the samples X[i] (n_i, d)."""
    X = [as_array(x, "X[%d]" % i, (None, None)) for i, x in enumerate(X)]
    ms, Cs = [], []
    for i, x in enumerate(X):
        (mi, Ci), _ = _empirical(x, x, reg, None if w is None else w[i], None, bias)
        ms.append(mi)
        Cs.append(Ci)
    return bures_wasserstein_barycenter(np.array(ms), np.array(Cs), weights, num_iter=num_iter,
                                        eps=eps, log=log)
