# SPDX-License-Identifier: MIT
"""EW2 and MEW2 across dimensions (gmmot.ew2, gmmot.mew2): values against numpy/POT
references (isometric copies give 0 and recover the isometry, a brute-force rotation grid
with ot.emd2 in 2-D, the loss recomputed from the plan and isometry), MEW2 <= MW2 when m = n,
the maps against a numpy T_mean after the embedding, pickling and errors."""
import pickle

import numpy as np
import pytest

import gmmot
import references as ref
from conftest import random_mixture_params

ot = pytest.importorskip("ot")


def random_orthogonal(rng, d):
    q, r = np.linalg.qr(rng.normal(size=(d, d)))
    return q * np.sign(np.diag(r))


def sq_dists(x, y):
    return ((x[:, None, :] - y[None, :, :]) ** 2).sum(axis=2)


def ew_loss(res, x, y):
    """sum_kl w_kl |x_k - phi(y_l)|^2 for clouds x in the larger space, recomputed in numpy
    from the result's plan, isometry and means (side 0 is the larger one here)."""
    p, (mean0, mean1) = res.isometry, res.means
    return float((res.plan * sq_dists(x, (y - mean1) @ p.T + mean0)).sum())


def embedded(p, mean1, mean0, g):
    """phi#g in the larger space for phi(y) = P (y - mean1) + mean0: means and covariances."""
    means = (g.means - mean1) @ p.T + mean0
    covs = np.einsum("ij,ljk,mk->lim", p, g.covariances, p)
    return means, covs


def test_isometric_copy_gives_zero_and_recovers_the_isometry(rng):
    n, d = 12, 3
    x = rng.normal(size=(n, d)) * [3.0, 2.0, 1.0]  # distinct spreads: a unique isometry
    q = random_orthogonal(rng, d)
    q[:, 0] *= -1  # a reflection too
    perm = rng.permutation(n)
    y = x[perm] @ q.T + [5.0, -1.0, 2.0]
    w = rng.uniform(0.5, 2.0, size=n)
    res = gmmot.ew2(x, y, w, w[perm])
    assert res.shape == (n, n) and res.dims == (d, d)
    assert res.value == pytest.approx(0.0, abs=1e-9)
    assert res.distance == pytest.approx(np.sqrt(max(res.value, 0.0)), abs=1e-12)
    # P embeds side 1 into side 0: y -> P (y - mean1) + mean0 = x, so P = q^T
    np.testing.assert_allclose(res.isometry, q.T, atol=1e-7)
    mean0, mean1 = res.means
    np.testing.assert_allclose(mean0, np.average(x, axis=0, weights=w), atol=1e-12)
    np.testing.assert_allclose(mean1, np.average(y, axis=0, weights=w[perm]), atol=1e-12)
    want = np.zeros((n, n))
    want[perm, np.arange(n)] = w[perm] / w.sum()
    np.testing.assert_allclose(res.plan, want, atol=1e-12)
    rows, cols, mass = res.sparse_plan
    assert len(mass) == res.nnz == n
    np.testing.assert_allclose(res.plan[rows, cols], mass)
    info = res.info
    assert info["converged"] and info["gradient_norm"] < 1e-6
    assert 0 <= info["best_start"] < info["starts"] and info["iterations"] >= 1


def test_lower_dimensional_copy_embeds_with_zero_value(rng):
    y = rng.normal(size=(10, 2)) * [2.0, 0.7]
    q = random_orthogonal(rng, 3)[:, :2]  # an isometric embedding of R^2 into R^3
    x = y @ q.T + [1.0, 2.0, 3.0]
    for args, p_shape in (((x, y), (3, 2)), ((y, x), (3, 2))):
        res = gmmot.ew2(*args)
        assert res.value == pytest.approx(0.0, abs=1e-9)
        p = res.isometry
        assert p.shape == p_shape
        np.testing.assert_allclose(p.T @ p, np.eye(2), atol=1e-10)
    res = gmmot.ew2(x, y)
    mean0, mean1 = res.means
    np.testing.assert_allclose((y - mean1) @ res.isometry.T + mean0, x, atol=1e-7)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ew2_in_2d_against_a_brute_force_rotation_grid(seed):
    rng = np.random.default_rng(seed)
    n0, n1 = 7, 6
    x = rng.normal(size=(n0, 2)) * [2.0, 1.0]
    y = rng.normal(size=(n1, 2)) * [1.5, 1.0] + 3.0
    a = rng.uniform(0.5, 1.5, size=n0)
    b = rng.uniform(0.5, 1.5, size=n1)
    a, b = a / a.sum(), b / b.sum()
    xc, yc = x - a @ x, y - b @ y
    best = np.inf
    for theta in np.linspace(0, 2 * np.pi, 1440, endpoint=False):
        c, s = np.cos(theta), np.sin(theta)
        for rot in (np.array([[c, -s], [s, c]]), np.array([[c, s], [s, -c]])):
            best = min(best, ot.emd2(a, b, sq_dists(xc, yc @ rot.T)))
    res = gmmot.ew2(x, y, a * 3.0, b)  # weights of any scale
    # the grid's step (0.25 degree) costs at most ~ (step * radius)^2 above the minimum
    slack = (np.pi / 720) ** 2 * 4 * max((xc ** 2).sum(1).max(), (yc ** 2).sum(1).max())
    assert best - slack - 1e-12 <= res.value <= best + 1e-9
    assert res.value == pytest.approx(ew_loss(res, x, y), rel=1e-10, abs=1e-12)
    # the plan is an exact optimal plan for the returned isometry
    p, (m0, m1) = res.isometry, res.means
    assert res.value == pytest.approx(ot.emd2(a, b, sq_dists(x, (y - m1) @ p.T + m0)),
                                      rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(res.plan.sum(axis=1), a, atol=1e-12)
    np.testing.assert_allclose(res.plan.sum(axis=0), b, atol=1e-12)


def test_ew2_is_symmetric_and_below_w2_when_m_equals_n(rng):
    x = rng.normal(size=(9, 3))
    y = rng.normal(size=(8, 3)) + 1.0
    res, rev = gmmot.ew2(x, y), gmmot.ew2(y, x)
    assert res.value == pytest.approx(rev.value, rel=1e-6, abs=1e-10)
    a, b = np.full(9, 1 / 9), np.full(8, 1 / 8)
    xc, yc = x - x.mean(0), y - y.mean(0)
    assert res.value <= ot.emd2(a, b, sq_dists(xc, yc)) + 1e-10


def mixture(rng, k, d):
    return gmmot.GaussianMixture(*random_mixture_params(rng, k, d))


def test_mew2_value_is_the_loss_at_its_plan_and_isometry(rng):
    g0, g1 = mixture(rng, 3, 3), mixture(rng, 4, 2)
    res = gmmot.mew2(g0, g1)
    assert res.shape == (3, 4) and res.dims == (3, 2) and res.is_mixture
    mean0, mean1 = res.means
    np.testing.assert_allclose(mean0, g0.weights @ g0.means, atol=1e-12)
    np.testing.assert_allclose(mean1, g1.weights @ g1.means, atol=1e-12)
    p = res.isometry
    np.testing.assert_allclose(p.T @ p, np.eye(2), atol=1e-10)
    b, s = embedded(p, mean1, mean0, g1)
    cost = ref.cost_matrix(g0.means, g0.covariances, b, s)
    assert res.value == pytest.approx(float((cost * res.plan).sum()), rel=1e-7)
    np.testing.assert_allclose(res.plan.sum(axis=1), g0.weights, atol=1e-12)
    np.testing.assert_allclose(res.plan.sum(axis=0), g1.weights, atol=1e-12)
    # the plan is an exact optimal plan between g0 and the embedded g1
    assert res.value == pytest.approx(ot.emd2(g0.weights, g1.weights, cost), rel=1e-7)


def test_mew2_below_mw2_and_zero_for_an_isometric_copy(rng):
    for _ in range(3):
        g0, g1 = mixture(rng, 3, 2), mixture(rng, 3, 2)
        assert gmmot.mew2(g0, g1).value <= gmmot.mw2_squared(g0, g1) + 1e-9
    w, m, c = random_mixture_params(rng, 3, 3)
    c = c * np.array([3.0, 1.0, 0.3])[None, :, None] ** 0.5  # distinct spreads
    c = (c + c.transpose(0, 2, 1)) / 2 + 0.1 * np.eye(3)
    q = random_orthogonal(rng, 3)
    g0 = gmmot.GaussianMixture(w, m, c)
    g1 = gmmot.GaussianMixture(w, m @ q.T - 4.0, np.einsum("ij,ljk,mk->lim", q, c, q))
    res = gmmot.mew2(g0, g1)
    assert res.value == pytest.approx(0.0, abs=1e-8)
    np.testing.assert_allclose(res.isometry, q.T, atol=1e-5)


def test_maps_match_t_mean_after_the_embedding(rng):
    g0, g1 = mixture(rng, 2, 3), mixture(rng, 4, 2)  # rows of the plan split: T_rand random
    res = gmmot.mew2(g0, g1)
    assert res.nnz > 2
    p, (mean0, mean1), w = res.isometry, res.means, res.plan
    x = rng.normal(scale=2.0, size=(6, 3))
    got = res.map_mean(x)
    assert got.shape == (6, 2)
    b, s = embedded(p, mean1, np.zeros(3), g1)  # nu' = P#(nu - mean1), centred
    want = mean1 + ref.t_mean(x - mean0, g0.weights, g0.means - mean0, g0.covariances,
                              b, s, w) @ p
    np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-7)
    out = np.empty((6, 2))
    assert res.map_mean(x, out=out) is out and np.array_equal(out, got)
    r1, r2 = res.map_rand(x, seed=7), res.map_rand(x, seed=7)
    assert r1.shape == (6, 2) and np.array_equal(r1, r2)
    assert not np.array_equal(r1, res.map_rand(x, seed=8))
    # T_rand's mean over many draws of one point is T_mean there
    # (each point has its own stream: 4000 copies of one point are 4000 independent draws)
    for i in range(len(x)):
        draws = res.map_rand(np.repeat(x[i:i + 1], 4000, axis=0), seed=i)
        np.testing.assert_allclose(draws.mean(axis=0), got[i], atol=0.25)
    assert res.map_mean(np.empty((0, 3))).shape == (0, 2)


def test_pickle_round_trip(rng):
    x, y = rng.normal(size=(6, 3)), rng.normal(size=(5, 2))
    res = gmmot.ew2(x, y, ew_starts=2, seed=4)
    back = pickle.loads(pickle.dumps(res))
    assert back.value == res.value and np.array_equal(back.isometry, res.isometry)
    assert back.info == res.info and back.dims == (3, 2)
    g0, g1 = mixture(rng, 2, 3), mixture(rng, 3, 2)
    m = gmmot.mew2(g0, g1, ew_inner_iterations=10)
    back = pickle.loads(pickle.dumps(m))
    assert back.value == m.value and np.array_equal(back.plan, m.plan)
    z = rng.normal(size=(3, 3))
    assert np.array_equal(back.map_mean(z), m.map_mean(z))
    import copy
    assert copy.deepcopy(m) is m
    assert "MEW2" in repr(m) and "EW2" in repr(res)


def test_options_and_progress(rng):
    x, y = rng.normal(size=(15, 3)), rng.normal(size=(12, 2))
    seen = []
    res = gmmot.ew2(x, y, ew_annealing=0, ew_sign_flips=0, ew_starts=3, seed=1,
                    progress=lambda stage, done, total, value: seen.append(stage) or 0)
    assert res.info["starts"] == 4
    assert gmmot.Stage.EMBEDDING in seen and gmmot.Stage(12) is gmmot.Stage.EMBEDDING
    with pytest.warns(gmmot.GmmotConvergenceWarning):
        capped = gmmot.ew2(x, y, ew_max_iterations=1, ew_tolerance=0.0)
    assert not capped.info["converged"]


def test_errors(rng):
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(4, 2))
    with pytest.raises(ValueError, match="points0"):
        gmmot.ew2(np.empty((0, 3)), y)
    with pytest.raises(ValueError, match="points1"):
        gmmot.ew2(x, y.ravel())
    with pytest.raises(ValueError, match="weights1"):
        gmmot.ew2(x, y, weights1=np.ones(5))
    with pytest.raises(ValueError, match="points0"):
        gmmot.ew2(np.where(np.eye(5, 3) > 0, np.nan, x), y)
    with pytest.raises(gmmot.GmmotValueError, match="weights0") as err:
        gmmot.ew2(x, y, weights0=-np.ones(5))
    assert err.value.status < 0
    with pytest.raises(TypeError, match="g1"):
        gmmot.mew2(mixture(rng, 2, 2), "not a mixture")
    with pytest.raises(gmmot.GmmotError, match="GMMOT_OPT_EW_STARTS"):
        gmmot.ew2(x, y, ew_starts=-1)
    res = gmmot.ew2(x, y)
    with pytest.raises(ValueError, match="MEW2"):
        res.map_mean(x)
    m = gmmot.mew2(mixture(rng, 2, 3), mixture(rng, 2, 2))
    with pytest.raises(ValueError, match="x"):
        m.map_mean(y)
    with pytest.raises(ValueError, match="out"):
        m.map_rand(x, out=np.empty((5, 3)))
    with pytest.raises(gmmot.GmmotNoMapError):
        gmmot.mew2(mixture(rng, 2, 2), mixture(rng, 2, 3)).map_mean(y)
