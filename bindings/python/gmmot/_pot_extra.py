# SPDX-License-Identifier: MIT
"""The rest of POT's ``ot.gaussian`` (re-exported by :mod:`gmmot.pot`): the Bures barycenter
by fixed point and by (stochastic, averaged) gradient descent, and the Gaussian
Gromov-Wasserstein distance and mapping of Delon, Desolneux and Salmona (2022, Theorem 4.1)
with their empirical variants.

The Gromov-Wasserstein functions are closed forms computed with NumPy's ``eigh`` (libgmmot has
no Gromov-Wasserstein code); the gradient descent is NumPy too (Chewi, Maunu, Rigollet, Stromme
2020: the Bures-Wasserstein gradient step), the fixed point is libgmmot's.
"""
import numpy as np

from . import gaussian as _g
from ._arrays import as_array


def _covs(C, name="C"):
    C = as_array(C, name, (None, None, None))
    k, d, d2 = C.shape
    if k == 0 or d == 0 or d != d2:
        raise ValueError("%s: expected a non-empty (k, d, d) batch, got shape %s"
                         % (name, C.shape))
    return C


def _weights(weights, k):
    if weights is None:
        return np.full(k, 1.0 / k)
    w = as_array(weights, "weights", (k,))
    if np.any(w < 0) or not w.sum() > 0:
        raise ValueError("weights: expected non-negative weights with a positive sum")
    return w / w.sum()


def _sym_sqrt(a):
    vals, vecs = np.linalg.eigh((a + a.T) / 2)
    vals = np.clip(vals, 0, None)
    return (vecs * np.sqrt(vals)) @ vecs.T, vals, vecs


def _maps_to(Cb, C):
    """The Monge map matrices T_j (symmetric) from N(0, Cb) to each N(0, C_j)."""
    half, vals, vecs = _sym_sqrt(Cb)
    with np.errstate(divide="ignore"):
        inv_half = (vecs * np.where(vals > 0, 1 / np.sqrt(np.where(vals > 0, vals, 1)), 0)) \
            @ vecs.T
    return np.stack([inv_half @ _sym_sqrt(half @ c @ half)[0] @ inv_half for c in C])


def bures_barycenter_fixpoint(C, weights=None, num_iter=1000, eps=1e-7, log=False, nx=None):
    """The Bures barycenter of covariances C (k, d, d): the covariance of the W2 barycenter of
    N(0, C_j). Computed by libgmmot's (accelerated) fixed point, ``eps`` being its relative
    residual tolerance; with ``log``, ``{"num_iter", "final_diff"}``. ``nx`` is accepted and
    ignored (numpy only)."""
    C = _covs(C)
    k, d, _ = C.shape
    w = _weights(weights, k)
    _, Cb, info = _g.barycenter(np.zeros((k, d)), C, w, return_info=True,
                                barycenter_max_iterations=max(1, int(num_iter)),
                                barycenter_tolerance=min(float(eps), 1.0))
    if log:
        return Cb, {"num_iter": info["iterations"], "final_diff": info["residual"]}
    return Cb


def bures_barycenter_gradient_descent(C, weights=None, num_iter=1000, eps=1e-7, log=False,
                                      step_size=1, batch_size=None, averaged=False, nx=None,
                                      seed=None):
    """The Bures barycenter of C (k, d, d) by Bures-Wasserstein gradient descent: with
    T_j the Monge maps from the iterate S to C_j and G = sum_j w_j T_j (a batch of
    ``batch_size`` indices drawn with probabilities ``weights`` for the stochastic variant,
    then averaged uniformly), the step is S <- M S M with M = (1 - step_size) I + step_size G.
    ``averaged`` returns the running W2-geodesic average of the iterates. Stops after
    ``num_iter`` steps or once the mean of the last (up to) 100 step sizes ||S_new - S||_F is
    at most ``eps``. Starts from sum_j w_j C_j. Draws with ``numpy.random`` (as POT) unless
    ``seed`` is given. With ``log``: ``{"num_iter", "final_diff"}``."""
    C = _covs(C)
    k, d, _ = C.shape
    w = _weights(weights, k)
    rng = np.random if seed is None else np.random.RandomState(seed)
    if batch_size is not None:
        batch_size = int(batch_size)
        if batch_size < 1:
            raise ValueError("batch_size: must be >= 1, got %d" % batch_size)
    S = np.einsum("j,jkl->kl", w, C)
    avg = S.copy()
    eye = np.eye(d)
    diffs = []
    it = 0
    for it in range(1, max(1, int(num_iter)) + 1):
        if batch_size is None:
            G = np.einsum("j,jkl->kl", w, _maps_to(S, C))
        else:
            idx = rng.choice(k, size=batch_size, p=w)
            G = _maps_to(S, C[idx]).mean(axis=0)
        M = (1 - step_size) * eye + step_size * G
        new = M @ S @ M
        new = (new + new.T) / 2
        diffs.append(np.linalg.norm(new - S))
        S = new
        if averaged:  # geodesic from avg to S at t = 1/(it + 1)
            t = 1.0 / (it + 1)
            T = _maps_to(avg, S[None])[0]
            Mt = (1 - t) * eye + t * T
            avg = Mt @ avg @ Mt
            avg = (avg + avg.T) / 2
        if np.mean(diffs[-100:]) <= eps:
            break
    out = avg if averaged else S
    if log:
        return out, {"num_iter": it, "final_diff": float(diffs[-1])}
    return out


# ---------------------------------------------------------------------- Gromov-Wasserstein
def _sorted_eigh(cov):
    vals, vecs = np.linalg.eigh((cov + cov.T) / 2)
    order = np.argsort(vals)[::-1]  # decreasing
    return np.clip(vals[order], 0, None), vecs[:, order]


def _cov(cov, name):
    cov = as_array(cov, name, (None, None))
    if cov.shape[0] == 0 or cov.shape[0] != cov.shape[1]:
        raise ValueError("%s: expected a non-empty square matrix, got shape %s"
                         % (name, cov.shape))
    return cov


def gaussian_gromov_wasserstein_distance(Cov_s, Cov_t, log=False):
    """The Gaussian Gromov-Wasserstein distance between N(., Cov_s) on R^ds and N(., Cov_t) on
    R^dt (Delon-Desolneux-Salmona 2022, Theorem 4.1), with the eigenvalues l_s, l_t sorted
    decreasingly and the smaller dimension n:
    ``sqrt(4 (sum l_s - sum l_t)^2 + 8 sum_{i<n} (l_s,i - l_t,i)^2 + 8 sum_{i>=n} l_big,i^2)``.
    With ``log``: ``{"d_s", "d_t"}`` (the sorted eigenvalues, of the larger covariance first
    as in POT)."""
    Cov_s, Cov_t = _cov(Cov_s, "Cov_s"), _cov(Cov_t, "Cov_t")
    big, small = (Cov_s, Cov_t) if Cov_s.shape[0] >= Cov_t.shape[0] else (Cov_t, Cov_s)
    lb, ls = _sorted_eigh(big)[0], _sorted_eigh(small)[0]
    n = ls.size
    value = 4 * (lb.sum() - ls.sum()) ** 2 + 8 * np.sum((lb[:n] - ls) ** 2) \
        + 8 * np.sum(lb[n:] ** 2)
    G = float(np.sqrt(max(value, 0.0)))
    return (G, {"d_s": lb, "d_t": ls}) if log else G


def _moments(x, w, name, wname):
    x = as_array(x, name, (None, None))
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError("%s: at least one sample of dimension >= 1 is needed, got shape %s"
                         % (name, x.shape))
    if w is None:
        w = np.full(x.shape[0], 1.0 / x.shape[0])
    else:
        w = as_array(w, wname, (x.shape[0], 1) if np.ndim(w) == 2 else (x.shape[0],))
        w = w.reshape(-1)
    m = w @ x / w.sum()
    xc = x - m
    return m, (xc * w[:, None]).T @ xc / w.sum(), xc, w


def empirical_gaussian_gromov_wasserstein_distance(xs, xt, ws=None, wt=None, log=False):
    """:func:`gaussian_gromov_wasserstein_distance` between the weighted sample covariances
    (no regularisation); ``log`` adds Cov_s and Cov_t."""
    _, cs, _, _ = _moments(xs, ws, "xs", "ws")
    _, ct, _, _ = _moments(xt, wt, "xt", "wt")
    if log:
        G, info = gaussian_gromov_wasserstein_distance(cs, ct, log=True)
        info.update(Cov_s=cs, Cov_t=ct)
        return G, info
    return gaussian_gromov_wasserstein_distance(cs, ct)


def _ggw_map(mu_s, mu_t, cov_s, cov_t, sign_eigs, xs_c=None, xt_c=None, ws=None, wt=None):
    m, n = cov_s.shape[0], cov_t.shape[0]
    ls, us = _sorted_eigh(cov_s)
    lt, ut = _sorted_eigh(cov_t)
    r = min(m, n)
    if isinstance(sign_eigs, str):
        if sign_eigs != "skewness" or xs_c is None:
            raise ValueError("sign_eigs: expected an array of signs%s, got %r"
                             % (" or 'skewness'" if xs_c is not None else "", sign_eigs))
        skew_s = np.sum((xs_c @ us[:, :r]) ** 3 * ws[:, None], axis=0)
        skew_t = np.sum((xt_c @ ut[:, :r]) ** 3 * wt[:, None], axis=0)
        signs = np.sign(skew_s * skew_t)
    elif sign_eigs is None:
        signs = np.ones(r)
    else:
        signs = as_array(sign_eigs, "sign_eigs", (r,))
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(ls[:r] > 0, np.sqrt(lt[:r]) / np.sqrt(np.where(ls[:r] > 0, ls[:r], 1)),
                         0.0)
    D = np.zeros((m, n))  # x -> x A + b with A = U_s D U_t^T, D (m, n) "diagonal"
    D[np.arange(r), np.arange(r)] = signs * scale
    A = us @ D @ ut.T
    b = mu_t - mu_s @ A
    return A, b, {"d_s": ls, "d_t": lt, "U_s": us, "U_t": ut}


def gaussian_gromov_wasserstein_mapping(mu_s, mu_t, Cov_s, Cov_t, sign_eigs=None, log=False):
    """The Gaussian Gromov-Wasserstein map x -> x A + b from N(mu_s, Cov_s) on R^ds to
    N(mu_t, Cov_t) on R^dt (Theorem 4.1 of Delon-Desolneux-Salmona 2022): A = U_s D U_t^T,
    U the eigenvectors sorted by decreasing eigenvalue, D (ds, dt) with diagonal
    ``sign_eigs * sqrt(l_t / l_s)`` (signs default +1), b = mu_t - mu_s A. Returns (A (ds, dt),
    b (dt,)) and with ``log`` ``{"d_s", "d_t", "U_s", "U_t"}``."""
    Cov_s, Cov_t = _cov(Cov_s, "Cov_s"), _cov(Cov_t, "Cov_t")
    mu_s = as_array(mu_s, "mu_s", (Cov_s.shape[0],))
    mu_t = as_array(mu_t, "mu_t", (Cov_t.shape[0],))
    A, b, info = _ggw_map(mu_s, mu_t, Cov_s, Cov_t, sign_eigs)
    return (A, b, info) if log else (A, b)


def empirical_gaussian_gromov_wasserstein_mapping(xs, xt, ws=None, wt=None, sign_eigs=None,
                                                  log=False):
    """:func:`gaussian_gromov_wasserstein_mapping` between the Gaussians fitted to two weighted
    samples (means and covariances, no regularisation); ``sign_eigs='skewness'`` takes the
    signs of the products of the projected samples' skewness. b has shape (1, dt)."""
    ms, cs, xs_c, ws_ = _moments(xs, ws, "xs", "ws")
    mt, ct, xt_c, wt_ = _moments(xt, wt, "xt", "wt")
    A, b, info = _ggw_map(ms, mt, cs, ct, sign_eigs, xs_c, xt_c, ws_, wt_)
    b = b[None, :]
    if log:
        info.update(Cov_s=cs, Cov_t=ct)
        return A, b, info
    return A, b
