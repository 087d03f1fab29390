# SPDX-License-Identifier: MIT
"""MW2 plans against POT's ot.emd on scipy cost matrices and numpy map formulas."""
import pickle

import numpy as np
import pytest

import gmmot
import references as ref
from conftest import clusters, random_mixture_params

ot = pytest.importorskip("ot")


@pytest.fixture
def pair(rng):
    p0 = random_mixture_params(rng, 4, 3)
    p1 = random_mixture_params(rng, 5, 3)
    return p0, p1, gmmot.GaussianMixture(*p0), gmmot.GaussianMixture(*p1)


def test_mw2_vs_pot_emd_on_scipy_costs(pair):
    (w0, m0, c0), (w1, m1, c1), g0, g1 = pair
    cost = ref.cost_matrix(m0, c0, m1, c1)
    want = ot.emd2(w0, w1, cost)
    p = gmmot.MW2Plan(g0, g1)
    assert p.squared_distance == pytest.approx(want, rel=1e-10)
    assert p.distance == pytest.approx(np.sqrt(want), rel=1e-10)
    assert gmmot.mw2_squared(g0, g1) == pytest.approx(want, rel=1e-10)
    assert gmmot.mw2_distance(g0, g1) == pytest.approx(np.sqrt(want), rel=1e-10)
    np.testing.assert_allclose(p.cost_matrix, cost, rtol=1e-10)
    np.testing.assert_allclose(p.plan, ot.emd(w0, w1, cost), atol=1e-12)
    assert p.shape == (4, 5) and p.dim == 3 and p.nnz <= 8
    u, v = p.duals
    assert u @ w0 + v @ w1 == pytest.approx(want, rel=1e-10)
    assert p.info["marginal_error"] < 1e-14
    rows, cols, mass = p.sparse_plan
    assert np.array_equal(mass, p.plan[rows, cols])


def test_maps_vs_numpy(pair, rng):
    (w0, m0, c0), (w1, m1, c1), g0, g1 = pair
    p = gmmot.MW2Plan(g0, g1)
    x = g0.sample(300, seed=1)[0]
    np.testing.assert_allclose(p.map_mean(x), ref.t_mean(x, w0, m0, c0, m1, c1, p.plan),
                               rtol=1e-9, atol=1e-10)
    a, b = p.pair_maps()
    rows, cols, _ = p.sparse_plan
    for n, (k, l) in enumerate(zip(rows, cols)):
        a_ref, b_ref = ref.monge(m0[k], c0[k], m1[l], c1[l])
        np.testing.assert_allclose(a[n], a_ref, rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(b[n], b_ref, rtol=1e-9, atol=1e-11)
    r1 = p.map_rand(x, seed=5)
    assert np.array_equal(r1, p.T_rand(x, seed=5))
    assert not np.array_equal(r1, p.map_rand(x, seed=6))
    # every T_rand image is some pair map applied to its point
    images = np.einsum("nij,pj->pni", a, x) + b[None]
    assert np.all(np.min(np.abs(images - r1[:, None, :]).max(axis=2), axis=1) < 1e-9)
    assert np.array_equal(p.map_mean(x, num_threads=1), p.map_mean(x, num_threads=2))


def test_coupling_and_geodesic(pair):
    (w0, m0, c0), (w1, m1, c1), g0, g1 = pair
    p = gmmot.MW2Plan(g0, g1)
    gam = p.coupling()
    assert gam.dim == 6 and gam.n_components == p.nnz
    rows, cols, mass = p.sparse_plan
    np.testing.assert_allclose(gam.means[:, :3], m0[rows], rtol=1e-15)
    np.testing.assert_allclose(gam.means[:, 3:], m1[cols], rtol=1e-15)
    np.testing.assert_allclose(gam.covariances[:, :3, :3], c0[rows], rtol=1e-12)
    half = p.geodesic(0.5)
    assert half.n_components == p.nnz
    np.testing.assert_allclose(half.means, (m0[rows] + m1[cols]) / 2, rtol=1e-13)
    # constant speed: MW2(mu_0, mu_1/2) = MW2 / 2
    assert gmmot.mw2_distance(g0, half) == pytest.approx(p.distance / 2, rel=1e-8)
    with pytest.raises(ValueError, match="t"):
        p.geodesic(-0.1)


def test_entropic_plan_and_pickle(pair):
    _, _, g0, g1 = pair
    e = gmmot.MW2Plan(g0, g1, method="entropic", entropic_epsilon=1e-4)
    assert e.squared_distance == pytest.approx(gmmot.mw2_squared(g0, g1), rel=1e-4)
    p = gmmot.MW2Plan(g0, g1, num_threads=1)
    q = pickle.loads(pickle.dumps(p))
    assert q.plan.tobytes() == p.plan.tobytes()
    assert q.squared_distance == p.squared_distance


def test_from_points_equals_fits_plus_plan(rng):
    x0, x1 = clusters(rng, 600, 2), clusters(rng, 500, 2) + 3
    # from_points runs the two fits and the plan in Python (keeping the fits); mw2.h
    # guarantees that this is bit-identical to the one C call, checked here against it
    import ctypes as C
    from gmmot._lib import Mw2P, lib
    p = gmmot.MW2Plan.from_points(x0, x1, 3, seed=9)
    opts, out = gmmot.Options(seed=9, em_components=3), Mw2P()
    assert lib.gmmot_mw2_create_from_points(x0.ctypes.data, 600, x1.ctypes.data, 500, 2, None,
                                            None, opts._ptr, C.byref(out)) == 0
    q = gmmot.MW2Plan._from_ptr(out)
    assert p.squared_distance == q.squared_distance
    assert p.plan.tobytes() == q.plan.tobytes()
    assert p.coupling().to_bytes() == q.coupling().to_bytes()
    assert p.source.n_components == 3 and p.target.n_components == 3
    r = pickle.loads(pickle.dumps(p))  # the fits travel: the plan is solved again from them
    assert r.plan.tobytes() == p.plan.tobytes() and r.source.to_bytes() == p.source.to_bytes()
    with pytest.raises(ValueError, match=r"points1: expected shape \(\?, 2\)"):
        gmmot.MW2Plan.from_points(x0, np.zeros((5, 3)), 3)
