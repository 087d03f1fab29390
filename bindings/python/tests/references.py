# SPDX-License-Identifier: MIT
"""Independent numpy/scipy references (never the library)."""
import numpy as np
from scipy import linalg
from scipy.special import logsumexp
from scipy.stats import multivariate_normal


def sqrtm_psd(s):
    vals, vecs = np.linalg.eigh((s + s.T) / 2)
    return (vecs * np.sqrt(np.clip(vals, 0, None))) @ vecs.T


def w2_squared(m0, s0, m1, s1):
    r0 = linalg.sqrtm(s0).real
    cross = linalg.sqrtm(r0 @ s1 @ r0).real
    return float(np.sum((m0 - m1) ** 2) + np.trace(s0 + s1 - 2 * cross))


def monge(m0, s0, m1, s1):
    r0 = sqrtm_psd(s0)
    r0i = np.linalg.inv(r0)
    a = r0i @ sqrtm_psd(r0 @ s1 @ r0) @ r0i
    return a, m1 - a @ m0


def cost_matrix(m0, c0, m1, c1):
    return np.array([[w2_squared(m0[k], c0[k], m1[l], c1[l]) for l in range(len(m1))]
                     for k in range(len(m0))])


def component_logpdf(x, m, c):
    return np.stack([multivariate_normal(m[k], c[k]).logpdf(x).reshape(len(x))
                     for k in range(len(m))], axis=1)


def mixture_logpdf(x, w, m, c):
    return logsumexp(component_logpdf(x, m, c) + np.log(w), axis=1)


def t_mean(x, w0, m0, c0, m1, c1, plan):
    """Delon-Desolneux T_mean with the plan's row sums as the posterior weights."""
    r = plan.sum(axis=1)
    logn = component_logpdf(x, m0, c0)
    with np.errstate(divide="ignore"):
        lp = logn + np.log(r)
    post = np.exp(lp - logsumexp(lp, axis=1, keepdims=True))
    out = np.zeros_like(x)
    for k, l in zip(*np.nonzero(plan)):
        a, b = monge(m0[k], c0[k], m1[l], c1[l])
        out += (post[:, k] * plan[k, l] / r[k])[:, None] * (x @ a.T + b)
    return out
