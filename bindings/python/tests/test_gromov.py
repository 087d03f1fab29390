# SPDX-License-Identifier: MIT
"""MGW2 and the Gromov-Wasserstein solver (gmmot.mgw2, gmmot.gromov_wasserstein) against POT's
ot.gromov.gromov_wasserstein (POT 0.8.2, Debian) on the same W2^2 matrices, the matrices
against a numpy/scipy W2^2, invariances, and errors."""
import numpy as np
import pytest

import gmmot
import references as ref
from conftest import random_mixture_params

ot = pytest.importorskip("ot")


def gw_objective(c0, c1, w):
    """sum_{ikjl} (c0_ik - c1_jl)^2 w_ij w_kl by the dense 4-index formula."""
    diff = c0[:, :, None, None] - c1[None, None, :, :]  # (i, k, j, l)
    return float(np.einsum("ikjl,ij,kl->", diff ** 2, w, w))


def random_orthogonal(rng, d):
    q, r = np.linalg.qr(rng.normal(size=(d, d)))
    return q * np.sign(np.diag(r))


def mixture(rng, k, d):
    return gmmot.GaussianMixture(*random_mixture_params(rng, k, d))


def test_cost_matrices_are_intra_w2_squared(rng):
    w, m, c = random_mixture_params(rng, 5, 3)
    g1 = mixture(rng, 4, 2)
    res = gmmot.mgw2(gmmot.GaussianMixture(w, m, c), g1)
    d0, d1 = res.cost_matrices
    np.testing.assert_allclose(d0, ref.cost_matrix(m, c, m, c) * (1 - np.eye(5)),
                               rtol=1e-10, atol=1e-10)
    w1, m1, c1 = g1.weights, g1.means, g1.covariances
    np.testing.assert_allclose(d1, ref.cost_matrix(m1, c1, m1, c1) * (1 - np.eye(4)),
                               rtol=1e-10, atol=1e-10)
    assert res.shape == (5, 4)
    plan = res.plan
    np.testing.assert_allclose(plan.sum(axis=1), w, atol=1e-13)
    np.testing.assert_allclose(plan.sum(axis=0), g1.weights, atol=1e-13)
    assert res.value == pytest.approx(gw_objective(d0, d1, plan), rel=1e-12)
    assert res.distance == pytest.approx(np.sqrt(res.value), rel=1e-15)
    info = res.info
    assert info["certified"] and 0 <= info["gap"] <= 1e-9
    # product, annealed, then up to 4 random starts, until one does not improve (5 x 4: too
    # many bases for the enumerated-vertex start)
    assert 3 <= info["starts"] <= 6 and 0 <= info["best_start"] < info["starts"]


@pytest.mark.parametrize("k0,k1,d0,d1", [(5, 5, 3, 3), (8, 6, 3, 2), (10, 10, 2, 2),
                                         (12, 7, 4, 1), (20, 20, 3, 3)])
def test_not_worse_than_pot(k0, k1, d0, d1):
    """Our value is <= POT's (one product start) + 1e-12 relative, on the same matrices."""
    rng = np.random.default_rng(100 * k0 + k1)
    for _ in range(3):
        g0, g1 = mixture(rng, k0, d0), mixture(rng, k1, d1)
        res = gmmot.mgw2(g0, g1)
        c0, c1 = res.cost_matrices
        a, b = g0.weights, g1.weights
        t, log = ot.gromov.gromov_wasserstein(c0, c1, a, b, "square_loss", log=True)
        pot_value = gw_objective(c0, c1, t)
        assert log["gw_dist"] == pytest.approx(pot_value, rel=1e-8)
        assert res.value <= pot_value * (1 + 1e-12) + 1e-15
        # The value is the objective of the returned plan, and the plan is a coupling.
        assert res.value == pytest.approx(gw_objective(c0, c1, res.plan), rel=1e-12, abs=1e-14)
        np.testing.assert_allclose(res.plan.sum(axis=1), a, atol=1e-13)
        np.testing.assert_allclose(res.plan.sum(axis=0), b, atol=1e-13)
        # The generic entry point on the same matrices gives the same problem and value.
        gen = gmmot.gromov_wasserstein(c0, c1, a, b)
        assert gen.value == pytest.approx(res.value, rel=1e-12, abs=1e-14)
        # One product start is POT's algorithm: same start, same local minimum here.
        one = gmmot.gromov_wasserstein(c0, c1, a, b, gw_starts=0, gw_annealing=0)
        assert one.info["starts"] == 1 and one.info["best_start"] == 0
        assert one.value == pytest.approx(pot_value, rel=1e-9, abs=1e-12)


def test_invariances_and_isometric_copy(rng):
    w, m, c = random_mixture_params(rng, 6, 3)
    g1 = mixture(rng, 5, 2)
    base = gmmot.mgw2(gmmot.GaussianMixture(w, m, c), g1).value
    q = random_orthogonal(rng, 3)
    q[:, 0] *= -1  # with a reflection
    t = rng.normal(size=3) * 4
    moved = gmmot.GaussianMixture(w, m @ q.T + t, np.einsum("ij,kjl,ml->kim", q, c, q))
    assert gmmot.mgw2(moved, g1).value == pytest.approx(base, rel=1e-10)
    # Embedded into R^5 by an isometry: the same value.
    e = random_orthogonal(rng, 5)[:, :3]
    emb = gmmot.GaussianMixture(w, m @ e.T + rng.normal(size=5),
                                np.einsum("ij,kjl,ml->kim", e, c, e))
    assert gmmot.mgw2(emb, g1).value == pytest.approx(base, rel=1e-10)
    # Symmetry.
    assert gmmot.mgw2(g1, moved).value == pytest.approx(base, rel=1e-10)
    # An isometric copy with permuted components: zero, and the plan pairs them.
    perm = rng.permutation(6)
    copy = gmmot.GaussianMixture(w[perm], (m @ q.T + t)[perm],
                                 np.einsum("ij,kjl,ml->kim", q, c, q)[perm])
    res = gmmot.mgw2(gmmot.GaussianMixture(w, m, c), copy)
    d0 = res.cost_matrices[0]
    # zero up to rounding-level masses (~1e-17) on degenerate entries of the LP's vertices
    assert res.value <= 1e-14 * np.mean(d0 ** 2)
    plan = res.plan
    np.testing.assert_allclose(plan[perm, np.arange(6)], w[perm], rtol=1e-12)


def test_progress_and_options(rng):
    g0, g1 = mixture(rng, 6, 2), mixture(rng, 5, 3)
    seen = []

    def progress(stage, done, total, value):
        if stage == gmmot.Stage.GROMOV:
            seen.append(value)
        return False

    res = gmmot.mgw2(g0, g1, progress=progress, gw_starts=2, gw_epsilon=0.05, seed=3,
                     gw_tolerance=1e-10, gw_max_iterations=500)
    assert 3 <= res.info["starts"] <= 4
    assert len(seen) == res.info["iterations"] + res.info["starts"]  # each start, each step
    assert min(seen) >= res.value * (1 - 1e-12) - 1e-12


def test_bad_input(rng):
    c = np.array([[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match="c0: expected a square"):
        gmmot.gromov_wasserstein(np.zeros((2, 3)), c)
    with pytest.raises(ValueError, match="c1"):
        gmmot.gromov_wasserstein(c, [[0.0, np.nan], [np.nan, 0.0]])
    with pytest.raises(ValueError, match="at least one row"):
        gmmot.gromov_wasserstein(np.zeros((0, 0)), c)
    with pytest.raises(ValueError, match="a: expected shape"):
        gmmot.gromov_wasserstein(c, c, a=[1.0])
    with pytest.raises(gmmot.GmmotError) as err:
        gmmot.gromov_wasserstein(c, [[0.0, 1.0], [2.0, 0.0]])
    assert err.value.name == "GMMOT_E_NOT_SYMMETRIC" and "c1" in err.value.message
    with pytest.raises(gmmot.GmmotError) as err:
        gmmot.gromov_wasserstein(c, c, a=[-0.5, 1.5])
    assert err.value.name == "GMMOT_E_WEIGHTS"
    with pytest.raises(ValueError):
        gmmot.mgw2(mixture(rng, 2, 2), mixture(rng, 2, 2), gw_annealing=2)
    with pytest.raises(TypeError):
        gmmot.mgw2(c, c)


def test_gaussian_gromov_wasserstein(rng):
    """The closed form against the moment formula at its own map, E[(Z^T M Z)^2] =
    (tr MS)^2 + 2 tr(MSMS), Z ~ N(0, S = 2 cov0), M = I - A^T A; the push-forward; 1-D."""
    from conftest import random_spd
    for m, n in ((3, 3), (5, 2), (2, 1)):
        c0, c1 = random_spd(rng, m), random_spd(rng, n)
        m0, m1 = rng.normal(size=m), rng.normal(size=n)
        ggw2, a, b = gmmot.gaussian_gromov_wasserstein(c0, c1, m0, m1, return_map=True)
        s = 2 * c0
        ms = (np.eye(m) - a.T @ a) @ s
        assert ggw2 == pytest.approx(np.trace(ms) ** 2 + 2 * np.trace(ms @ ms), rel=1e-10)
        np.testing.assert_allclose(a @ c0 @ a.T, c1, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(b, m1 - a @ m0, rtol=1e-12, atol=1e-12)
        assert gmmot.gaussian_gromov_wasserstein(c1, c0) == pytest.approx(ggw2, rel=1e-12)
    assert gmmot.gaussian_gromov_wasserstein([[4.0]], [[1.0]]) == pytest.approx(12 * 9.0)
    with pytest.raises(gmmot.GmmotNoMapError):
        gmmot.gaussian_gromov_wasserstein([[1.0]], np.eye(2), return_map=True)
    with pytest.raises(ValueError, match="cov0"):
        gmmot.gaussian_gromov_wasserstein(np.zeros((2, 3)), np.eye(2))


def test_gw_results_copy_as_themselves_and_pickle_as_their_recipe():
    """A copy must not duplicate the C handle (it was freed twice: a crash), and a result
    pickles as its inputs and options, solved again to the same value and plan."""
    import copy
    import pickle
    g0 = gmmot.GaussianMixture([0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[2.0]]])
    g1 = gmmot.GaussianMixture([0.3, 0.7], [[0.0, 1.0], [1.0, 0.0]],
                               [np.eye(2), 2 * np.eye(2)])
    r = gmmot.mgw2(g0, g1, seed=3)
    assert copy.copy(r) is r and copy.deepcopy(r) is r
    back = pickle.loads(pickle.dumps(r))
    assert back.value == r.value and np.array_equal(back.plan, r.plan)
    q = gmmot.gromov_wasserstein(np.array([[0, 1.0], [1.0, 0]]),
                                 np.array([[0, 2.0, 1], [2.0, 0, 1], [1, 1, 0]]))
    back = pickle.loads(pickle.dumps(q))
    assert back.value == q.value and np.array_equal(back.plan, q.plan)
