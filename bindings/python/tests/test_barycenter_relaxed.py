# SPDX-License-Identifier: MIT
"""Mixture barycenters and the relaxed coupled fit, checked by their defining properties
(V recomputed from MW2 plans, LP certificates, marginals)."""
import numpy as np
import pytest

import gmmot
from conftest import clusters, random_mixture_params


@pytest.fixture
def inputs(rng):
    return [gmmot.GaussianMixture(*random_mixture_params(rng, k, 2)) for k in (2, 3, 2)]


def test_exact_barycenter(inputs):
    lam = np.array([0.2, 0.5, 0.3])
    res = gmmot.barycenter_exact(inputs, lam)
    bary = res.mixture
    assert res.n_inputs == 3 and res.n_components == bary.n_components <= 2 + 3 + 2 - 3 + 1
    # V(nu*) recomputed independently from MW2 between the result and each input
    v = sum(l * gmmot.mw2_squared(bary, g) for l, g in zip(lam, inputs))
    assert res.cost == pytest.approx(v, rel=1e-9)
    assert res.energies[-1] == pytest.approx(res.cost, rel=1e-15)
    cert = res.certificate
    assert cert["primal_infeasibility"] < 1e-12 and cert["duality_gap"] < 1e-10 * res.cost
    duals = res.duals
    assert [len(u) for u in duals] == [2, 3, 2]
    assert sum(u @ g.weights for u, g in zip(duals, inputs)) == pytest.approx(res.cost, rel=1e-9)
    for j, g in enumerate(inputs):
        plan = res.plan(j)
        np.testing.assert_allclose(plan.sum(axis=0), g.weights, atol=1e-12)
        np.testing.assert_allclose(plan.sum(axis=1), bary.weights, atol=1e-12)
    tuples = res.tuples
    assert tuples.shape == (res.n_components, 3)
    # component i is the Gaussian barycenter of its tuple
    i = int(np.argmax(bary.weights))
    t = tuples[i]
    m, s = gmmot.gaussian.barycenter([inputs[j].means[t[j]] for j in range(3)],
                                     [inputs[j].covariances[t[j]] for j in range(3)], lam)
    np.testing.assert_allclose(bary.means[i], m, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(bary.covariances[i], s, rtol=1e-8, atol=1e-12)
    assert res.info["pricing_rounds"] >= 1
    with pytest.raises(ValueError, match="j"):
        res.sparse_plan(3)


def test_fixed_support_and_fixed_point(inputs):
    exact = gmmot.barycenter_exact(inputs)
    bary = exact.mixture
    # given the exact barycenter's components as candidates, the fixed-support LP finds V
    fs = gmmot.barycenter_fixed_support(inputs, bary.means, bary.covariances)
    assert fs.cost == pytest.approx(exact.cost, rel=1e-9)
    fp = gmmot.barycenter_fixed_point(inputs, seed=3)
    assert fp.cost >= exact.cost * (1 - 1e-12)  # the fixed point is not exact
    e = fp.energies
    assert len(e) == fp.info["iterations"] + 1 and np.all(np.diff(e) <= 1e-12 * e[0])
    for method in ("euclidean", "bures"):
        h = gmmot.barycenter_fixed_point(inputs, init=bary, method=method)
        assert h.cost >= exact.cost * (1 - 1e-9)
    with pytest.raises(gmmot.GmmotValueError):
        fp.duals  # the fixed point has no LP duals
    with pytest.raises(TypeError, match=r"mixtures\[1\]"):
        gmmot.barycenter_exact([inputs[0], "x"])
    with pytest.raises(ValueError, match="weights"):
        gmmot.barycenter_exact(inputs, [0.5, 0.5])


def test_relaxed_fit(rng):
    x0 = clusters(rng, 400, 2, k=2)
    x1 = x0[rng.permutation(400)[:300]] + np.array([4.0, 0.0])
    fit = gmmot.RelaxedFit.fit(x0, x1, n_components=2, lam=1.0, seed=1,
                               relaxed_max_iterations=2000)
    info = fit.info
    assert info["converged"]
    e = fit.energies
    assert len(e) == info["iterations"] + 1 and np.all(np.diff(e) <= 1e-12 * abs(e[0]))
    terms = fit.energy
    assert terms["energy"] == pytest.approx(
        terms["transport"] - info["lambda_abs"] * (terms["ll0"] + terms["ll1"])
        + terms["penalty"], rel=1e-10)
    m0, m1 = fit.marginals()
    gam = fit.coupling()
    assert gam.dim == 4 and gam.n_components == 2
    np.testing.assert_allclose(gam.means[:, :2], m0.means, rtol=1e-14)
    np.testing.assert_allclose(gam.means[:, 2:], m1.means, rtol=1e-14)
    # the transport term is the cost of the diagonal plan between the marginals
    plan = fit.plan()
    assert plan.squared_distance == pytest.approx(terms["transport"], rel=1e-9)
    np.testing.assert_allclose(np.diag(plan.plan), m0.weights, rtol=1e-14)
    assert plan.map_mean(x0[:5]).shape == (5, 2)
    assert fit.degenerate.shape == (2, 2)
    path = fit.path
    assert path.shape == (1, 8) and path[0, 1] == pytest.approx(terms["energy"], rel=1e-14)
    # warm start from the caller's mixtures, and a lambda continuation
    again = gmmot.RelaxedFit.fit(x0, x1, init=(m0, m1), seed=1, relaxed_max_iterations=2000)
    assert again.energy["energy"] <= terms["energy"] * (1 + 1e-9) + 1e-12
    cont = gmmot.RelaxedFit.fit(x0, x1, n_components=2, lambdas=[10.0, 1.0, 0.1], seed=1,
                                relaxed_max_iterations=2000)
    assert cont.path.shape == (3, 8)
    np.testing.assert_allclose(cont.path[:, 0], [10.0, 1.0, 0.1])
    with pytest.raises(ValueError, match=r"points1: expected shape \(\?, 2\)"):
        gmmot.RelaxedFit.fit(x0, np.zeros((3, 3)))
