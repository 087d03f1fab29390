# SPDX-License-Identifier: MIT
"""The rest of POT's ot.gaussian in gmmot.pot (Bures barycenters, Gaussian Gromov-Wasserstein)
and the POT log keys, against formulas written out independently here."""
import warnings

import numpy as np
import pytest
from scipy.linalg import sqrtm

from conftest import random_spd
from gmmot import pot


def reference_bures_barycenter(C, w, iterations=500):
    """The classical fixed point S <- S^-1/2 (sum_j w_j (S^1/2 C_j S^1/2)^1/2)^2 S^-1/2."""
    S = np.einsum("j,jkl->kl", w, C)
    for _ in range(iterations):
        h = np.real(sqrtm(S))
        hi = np.linalg.inv(h)
        inner = sum(wj * np.real(sqrtm(h @ c @ h)) for wj, c in zip(w, C))
        S = hi @ inner @ inner @ hi
        S = (S + S.T) / 2
    return S


@pytest.fixture
def covs(rng):
    return np.stack([random_spd(rng, 3) for _ in range(4)]), np.array([.1, .2, .3, .4])


def test_bures_barycenter_fixpoint_and_gradient_descent(covs):
    C, w = covs
    ref = reference_bures_barycenter(C, w)
    Cb, info = pot.bures_barycenter_fixpoint(C, w, log=True, eps=1e-12)
    np.testing.assert_allclose(Cb, ref, rtol=1e-9, atol=1e-10)
    assert set(info) == {"num_iter", "final_diff"}
    Cg, info = pot.bures_barycenter_gradient_descent(C, w, log=True, eps=1e-13, num_iter=5000)
    np.testing.assert_allclose(Cg, ref, rtol=1e-8, atol=1e-9)
    assert info["num_iter"] < 5000


def test_stochastic_gradient_descent_is_reproducible_and_approaches_the_barycenter(covs):
    C, w = covs
    ref = reference_bures_barycenter(C, w)

    def objective(S):  # sum_j w_j W2^2(N(0, S), N(0, C_j)), minimal at ref
        return sum(wj * pot.bures_distance(S, c) ** 2 for wj, c in zip(w, C))
    start = np.einsum("j,jkl->kl", w, C)
    gap0 = objective(start) - objective(ref)
    for averaged, step in ((False, 0.05), (True, 0.2)):
        a = pot.bures_barycenter_gradient_descent(C, w, num_iter=300, step_size=step,
                                                  batch_size=2, averaged=averaged, seed=1)
        b = pot.bures_barycenter_gradient_descent(C, w, num_iter=300, step_size=step,
                                                  batch_size=2, averaged=averaged, seed=1)
        assert np.array_equal(a, b) and np.allclose(a, a.T)
        # stochastic: not the minimiser, but most of the way from the start to it
        assert objective(a) - objective(ref) < 0.25 * gap0
    with pytest.raises(ValueError, match="batch_size: must be >= 1"):
        pot.bures_barycenter_gradient_descent(C, w, batch_size=0)


def test_gaussian_gromov_wasserstein_distance_closed_form():
    # Theorem 4.1 by hand: eigenvalues (3, 2, 1) and (1.5, 0.5):
    # 4 (6 - 2)^2 + 8 ((3 - 1.5)^2 + (2 - 0.5)^2) + 8 * 1^2 = 64 + 36 + 8
    rot = np.linalg.qr(np.random.default_rng(1).normal(size=(3, 3)))[0]
    Cs = rot @ np.diag([1., 3., 2.]) @ rot.T
    Ct = np.diag([0.5, 1.5])
    assert np.isclose(pot.gaussian_gromov_wasserstein_distance(Cs, Ct), np.sqrt(108.0),
                      rtol=1e-12)
    assert np.isclose(pot.gaussian_gromov_wasserstein_distance(Ct, Cs), np.sqrt(108.0),
                      rtol=1e-12)
    G, log = pot.gaussian_gromov_wasserstein_distance([[4.0]], [[1.0]], log=True)
    assert np.isclose(G, np.sqrt(12.0) * 3.0) and set(log) == {"d_s", "d_t"}
    assert pot.gaussian_gromov_wasserstein_distance(Cs, rot.T @ Cs @ rot) < 1e-6


def test_gaussian_gromov_wasserstein_mapping_pushes_forward(rng):
    Cs, Ct = random_spd(rng, 3), random_spd(rng, 2)
    ms, mt = rng.normal(size=3), rng.normal(size=2)
    A, b, log = pot.gaussian_gromov_wasserstein_mapping(ms, mt, Cs, Ct, log=True)
    assert A.shape == (3, 2) and b.shape == (2,)
    np.testing.assert_allclose(A.T @ Cs @ A, Ct, atol=1e-12)  # x A + b ~ N(mt, Ct)
    np.testing.assert_allclose(ms @ A + b, mt, atol=1e-12)
    assert set(log) == {"d_s", "d_t", "U_s", "U_t"}
    A2, _ = pot.gaussian_gromov_wasserstein_mapping(ms, mt, Cs, Ct, sign_eigs=[1., -1.])
    np.testing.assert_allclose(A2.T @ Cs @ A2, Ct, atol=1e-12)
    assert not np.allclose(A2, A)
    with pytest.raises(ValueError, match=r"^mu_t: expected shape"):
        pot.gaussian_gromov_wasserstein_mapping(ms, ms, Cs, Ct)


def test_empirical_gromov_wasserstein(rng):
    xs = rng.normal(size=(200, 3)) @ random_spd(rng, 3)
    xt = rng.gamma(2.0, size=(150, 2))
    Cs, Ct = np.cov(xs.T, bias=True), np.cov(xt.T, bias=True)
    G, log = pot.empirical_gaussian_gromov_wasserstein_distance(xs, xt, log=True)
    assert np.isclose(G, pot.gaussian_gromov_wasserstein_distance(Cs, Ct), rtol=1e-12)
    np.testing.assert_allclose(log["Cov_s"], Cs, atol=1e-12)
    for signs in (None, "skewness"):
        A, b = pot.empirical_gaussian_gromov_wasserstein_mapping(xs, xt, sign_eigs=signs)
        assert b.shape == (1, 2)
        y = xs @ A + b
        np.testing.assert_allclose(y.mean(axis=0), xt.mean(axis=0), atol=1e-10)
        np.testing.assert_allclose(np.cov(y.T, bias=True), Ct, atol=1e-10)


def test_pot_log_keys(rng):
    ms, mt = rng.normal(size=(3, 2)), rng.normal(size=(4, 2))
    Cs = np.stack([random_spd(rng, 2) for _ in range(3)])
    Ct = np.stack([random_spd(rng, 2) for _ in range(4)])
    W, log = pot.bures_wasserstein_distance(ms, mt, Cs, Ct, log=True)
    assert W.shape == (3, 4)
    np.testing.assert_allclose(np.einsum("nij,njk->nik", log["Cs12"], log["Cs12"]), Cs,
                               atol=1e-12)
    w = np.full(3, 1 / 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        means, covs = pot.gmm_barycenter_fixed_point([ms, mt], [Cs, Ct], [w, np.full(4, .25)],
                                                     ms, Cs, [.5, .5], iterations=6)
        m2, c2, log = pot.gmm_barycenter_fixed_point([ms, mt], [Cs, Ct], [w, np.full(4, .25)],
                                                     ms, Cs, [.5, .5], iterations=6, log=True)
    assert np.array_equal(log["means_its"][0], ms) and np.array_equal(log["covs_its"][0], Cs)
    assert np.array_equal(log["means_its"][-1], m2) and np.array_equal(log["covs_its"][-1], c2)
    assert len(log["means_its"]) == len(log["energies"]) <= 7
    assert np.all(np.diff(log["energies"]) < 0)
    np.testing.assert_allclose(m2, means, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(c2, covs, rtol=1e-10, atol=1e-10)
