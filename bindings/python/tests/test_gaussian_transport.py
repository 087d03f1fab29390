# SPDX-License-Identifier: MIT
"""Single Gaussians against scipy formulas; discrete transport against POT (ot.emd, ot.emd2,
ot.sinkhorn)."""
import numpy as np
import pytest

import gmmot
import references as ref
from conftest import random_mixture_params, random_spd
from gmmot import gaussian as G


@pytest.mark.parametrize("d", [1, 2, 3, 5, 8])
def test_w2_vs_scipy_sqrtm(rng, d):
    m0, m1 = rng.normal(size=d), rng.normal(size=d)
    s0, s1 = random_spd(rng, d), random_spd(rng, d, 3.0)
    want = ref.w2_squared(m0, s0, m1, s1)
    # scipy's sqrtm of well-conditioned SPD matrices: about 1e-13 relative
    assert G.w2_squared(m0, s0, m1, s1) == pytest.approx(want, rel=1e-11, abs=1e-13)
    assert G.w2_distance(m0, s0, m1, s1) == pytest.approx(np.sqrt(want), rel=1e-11)
    assert G.w2_squared(m0, s0, m0, s0) == pytest.approx(0.0, abs=1e-13)


def test_monge_map_and_geodesic(rng):
    d = 4
    m0, m1 = rng.normal(size=d), rng.normal(size=d)
    s0, s1 = random_spd(rng, d), random_spd(rng, d, 2.0)
    a, b, res = G.monge_map(m0, s0, m1, s1, return_residual=True)
    a_ref, b_ref = ref.monge(m0, s0, m1, s1)
    np.testing.assert_allclose(a, a_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(b, b_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a @ s0 @ a, s1, rtol=1e-10, atol=1e-12)  # pushes s0 to s1
    assert res < 1e-12
    mt, st = G.geodesic(m0, s0, m1, s1, 0.3)
    np.testing.assert_allclose(mt, 0.7 * m0 + 0.3 * m1, rtol=1e-14)
    lin = 0.7 * np.eye(d) + 0.3 * a_ref  # ((1-t) I + t A) S0 ((1-t) I + t A)
    np.testing.assert_allclose(st, lin @ s0 @ lin, rtol=1e-10, atol=1e-12)
    full = ref.w2_squared(m0, s0, m1, s1)
    assert ref.w2_squared(m0, s0, mt, st) == pytest.approx(0.09 * full, rel=1e-8)
    with pytest.raises(ValueError, match="t: must be in"):
        G.geodesic(m0, s0, m1, s1, 1.5)


def test_barycenter_fixed_point_equation(rng):
    j, d = 4, 3
    means = rng.normal(size=(j, d))
    covs = np.stack([random_spd(rng, d) for _ in range(j)])
    lam = rng.dirichlet(np.ones(j))
    m, s, info = G.barycenter(means, covs, lam, return_info=True)
    np.testing.assert_allclose(m, lam @ means, rtol=1e-13)
    r = ref.sqrtm_psd(s)
    fixed = sum(l * ref.sqrtm_psd(r @ c @ r) for l, c in zip(lam, covs))
    np.testing.assert_allclose(fixed, s, rtol=1e-9)  # S = sum lambda_j (S^1/2 S_j S^1/2)^1/2
    assert info["residual"] <= 1e-11
    cost = G.multimarginal_cost(means, covs, lam)
    want = sum(l * ref.w2_squared(mu, c, m, s) for l, mu, c in zip(lam, means, covs))
    assert cost == pytest.approx(want, rel=1e-9)
    m_u, _ = G.barycenter(means, covs)  # default weights: uniform
    np.testing.assert_allclose(m_u, means.mean(axis=0), rtol=1e-13)


def test_cost_matrix_between_mixtures(rng):
    w0, m0, c0 = random_mixture_params(rng, 4, 3)
    w1, m1, c1 = random_mixture_params(rng, 5, 3)
    g0, g1 = gmmot.GaussianMixture(w0, m0, c0), gmmot.GaussianMixture(w1, m1, c1)
    np.testing.assert_allclose(gmmot.w2_cost_matrix(g0, g1), ref.cost_matrix(m0, c0, m1, c1),
                               rtol=1e-10)
    with pytest.raises(TypeError, match="g1"):
        gmmot.w2_cost_matrix(g0, "g1")
    with pytest.raises(gmmot.GmmotValueError):
        gmmot.w2_cost_matrix(g0, gmmot.GaussianMixture([1.0], [[0.0]], [[[1.0]]]))


ot = pytest.importorskip("ot")


def test_exact_transport_vs_pot(rng):
    a = rng.dirichlet(np.ones(7))
    b = rng.dirichlet(np.ones(9))
    cost = rng.uniform(size=(7, 9))
    t = gmmot.solve(a, b, cost)
    want = ot.emd2(a, b, cost)
    assert t.cost == pytest.approx(want, rel=1e-12)
    assert gmmot.emd2(a, b, cost) == pytest.approx(want, rel=1e-12)
    plan = t.plan
    np.testing.assert_allclose(plan.sum(axis=1), a, atol=1e-15)
    np.testing.assert_allclose(plan.sum(axis=0), b, atol=1e-15)
    # random costs have a unique optimal plan
    np.testing.assert_allclose(plan, ot.emd(a, b, cost), atol=1e-12)
    assert t.nnz <= 7 + 9 - 1 and t.shape == (7, 9)
    rows, cols, mass = t.sparse_plan
    dense = np.zeros((7, 9))
    dense[rows, cols] = mass
    assert np.array_equal(dense, plan)
    u, v = t.duals
    assert np.all(u[:, None] + v[None, :] <= cost + 1e-14)
    assert u @ a + v @ b == pytest.approx(t.cost, rel=1e-12)
    warm = gmmot.solve(a, b, cost * 1.01, warm_start=(u, v))
    assert warm.cost == pytest.approx(ot.emd2(a, b, cost * 1.01), rel=1e-12)
    assert t.iterations >= 1 and t.marginal_error < 1e-14


def test_entropic_transport_vs_pot_sinkhorn(rng):
    a = rng.dirichlet(np.ones(6))
    b = rng.dirichlet(np.ones(5))
    cost = rng.uniform(size=(6, 5))
    eps_rel = 0.05
    t = gmmot.solve(a, b, cost, method="entropic", entropic_epsilon=eps_rel,
                    entropic_tolerance=1e-13)
    want = ot.sinkhorn(a, b, cost, reg=eps_rel * cost.max(), stopThr=1e-13, numItermax=100000)
    # both converged to 1e-13 marginal error: plans agree to about 1e-10
    np.testing.assert_allclose(t.plan, want, atol=1e-10)


def test_transport_input_errors(monkeypatch):
    with pytest.raises(ValueError, match=r"cost: expected shape \(2, 3\)"):
        gmmot.solve([0.5, 0.5], [0.2, 0.3, 0.5], np.zeros((3, 2)))
    with pytest.raises(gmmot.GmmotValueError) as info:
        gmmot.solve([0.5, 0.5], [0.2, 0.2], np.zeros((2, 2)))
    assert info.value.name == "GMMOT_E_WEIGHTS"
