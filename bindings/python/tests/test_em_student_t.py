# SPDX-License-Identifier: MIT
"""Student-t EM (GaussianMixture.fit(family="t"), fit_joint, MW2Plan.from_points with
em_family): the fitted t-mixture's log-density against scipy.stats.multivariate_t, nu recovered,
one shared nu in joint fits, and the errors of bad families, nu and data sets."""
import numpy as np
import pytest

import gmmot
from gmmot import _errors

stats = pytest.importorskip("scipy.stats")
special = pytest.importorskip("scipy.special")


def t_sample(rng, n, nu, means, scales, weights):
    """n points of a Student-t mixture: m + L z sqrt(nu / chi2_nu)."""
    labels = rng.choice(len(weights), size=n, p=weights)
    d = means.shape[1]
    z = rng.standard_normal((n, d))
    u = np.sqrt(nu / rng.chisquare(nu, size=n))
    chol = np.linalg.cholesky(scales)
    return means[labels] + np.einsum("nij,nj->ni", chol[labels], z) * u[:, None]


MEANS = np.array([[0.0, 0.0], [6.0, 2.0]])
SCALES = np.array([[[1.0, 0.4], [0.4, 1.0]], [[0.6, 0.0], [0.0, 0.3]]])
WEIGHTS = np.array([0.7, 0.3])


def t_logpdf(x, g, nu):
    """scipy's mixture of multivariate_t with the scales cov (nu - 2) / nu."""
    comps = [np.log(w) + stats.multivariate_t(m, c * (nu - 2) / nu, df=nu).logpdf(x)
             for w, m, c in zip(g.weights, g.means, g.covariances)]
    return special.logsumexp(np.array(comps), axis=0)


def test_fit_t_against_scipy_and_nu_recovered():
    rng = np.random.default_rng(4)
    x = t_sample(rng, 40000, 4.0, MEANS, SCALES, WEIGHTS)
    g = gmmot.GaussianMixture.fit(x, 2, family="t", seed=3)
    (j,) = gmmot.fit_joint([x], 2, family="t", seed=3)  # J = 1: the same fit
    assert np.array_equal(g.covariances, j.covariances)
    nu = j.fit_info["nu"]
    # standard error of nu at 4e4 points about 0.06 (tests/core/test_em_student_t.cpp: 0.04 at 1e5)
    assert abs(nu - 4.0) < 0.35
    xt = rng.normal(scale=4, size=(300, 2))
    np.testing.assert_allclose(g.log_density(xt), t_logpdf(xt, g, nu), rtol=1e-12)
    assert g.fit_info["mean_log_likelihood"] == pytest.approx(g.log_density(x).mean(), abs=1e-12)
    order = np.argsort(g.means[:, 0])
    np.testing.assert_allclose(g.means[order], MEANS, atol=0.05)
    # a fixed nu is kept
    (f,) = gmmot.fit_joint([x], 2, family="t", nu=7.0)
    assert f.fit_info["nu"] == 7.0


def test_fit_joint_shares_nu():
    rng = np.random.default_rng(5)
    x0 = t_sample(rng, 30000, 3.0, MEANS, SCALES, WEIGHTS)
    x1 = t_sample(rng, 15000, 12.0, MEANS, SCALES, WEIGHTS)
    (s0,) = gmmot.fit_joint([x0], 2, family="t")
    (s1,) = gmmot.fit_joint([x1], 2, family="t")
    g0, g1 = gmmot.fit_joint([x0, x1], 2, family="t", num_threads=2)
    nu = g0.fit_info["nu"]
    assert g1.fit_info["nu"] == nu
    assert s0.fit_info["nu"] < nu < s1.fit_info["nu"]
    joint = g0.fit_info["joint"]
    assert joint["converged"] and joint["passes"] > 2
    assert joint["objective"] == pytest.approx(
        g0.fit_info["mean_log_likelihood"] + g1.fit_info["mean_log_likelihood"], abs=1e-11)
    # Gaussian: independent fits, each the plain fit
    a, b = gmmot.fit_joint([x0, x1], 2, weights=[None, np.ones(len(x1))])
    assert np.array_equal(b.covariances, gmmot.GaussianMixture.fit(x1, 2).covariances)
    assert a.fit_info["nu"] == np.inf
    # MW2 between the clouds with the t family: the joint fit, then the plan
    p = gmmot.MW2Plan.from_points(x0, x1, 2, em_family=1)
    q = gmmot.MW2Plan(g0, g1)
    assert p.distance == q.distance > 0


def test_bad_inputs():
    x = np.random.default_rng(0).normal(size=(100, 2))
    with pytest.raises(ValueError, match="family must be"):
        gmmot.GaussianMixture.fit(x, 2, family="cauchy")
    with pytest.raises(gmmot.GmmotValueError, match="GMMOT_OPT_EM_DOF") as e:
        gmmot.GaussianMixture.fit(x, 2, family="t", nu=1.5)
    assert e.value.status == _errors.E_INVALID_ARGUMENT
    with pytest.raises(gmmot.GmmotValueError, match="split-and-merge"):
        gmmot.GaussianMixture.fit(x, 3, family="t", em_split_merge=2)
    with pytest.raises(ValueError, match="dimension"):
        gmmot.fit_joint([x, np.zeros((10, 3))], 2)
    with pytest.raises(ValueError, match="at least one"):
        gmmot.fit_joint([], 2)
    with pytest.raises(ValueError, match="one per data set"):
        gmmot.fit_joint([x, x], 2, weights=[None])
    bad = x.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"datasets\[1\]: entry \[3, 1\] is nan"):
        gmmot.fit_joint([x, bad], 2, family="t")
