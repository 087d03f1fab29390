# SPDX-License-Identifier: MIT
"""gmmot.pot against POT: POT 0.8.2 (Debian) where the function exists there (ot.emd,
ot.emd2, ot.da.OT_mapping_linear), otherwise against numpy/scipy implementations of the
formulas of POT's ot.gmm and ot.gaussian (same arguments, same return types)."""
import inspect

import numpy as np
import pytest

import gmmot.pot as gmm_ot
import references as ref
from conftest import random_mixture_params, random_spd

ot = pytest.importorskip("ot")

# signatures of POT's ot.gmm / ot.gaussian (POT 0.9.5), which gmmot.pot reproduces
POT_SIGNATURES = {
    "gmm_pdf": "(x, m, C, w)",
    "gaussian_pdf": "(x, m, C)",
    "gaussian_logpdf": "(x, m, C)",
    "dist_bures_squared": "(m_s, m_t, C_s, C_t)",
    "gmm_ot_loss": "(m_s, m_t, C_s, C_t, w_s, w_t, log=False)",
    "gmm_ot_plan": "(m_s, m_t, C_s, C_t, w_s, w_t, log=False)",
    "gmm_ot_apply_map": "(x, m_s, m_t, C_s, C_t, w_s, w_t, plan=None, method='bary', "
                        "seed=None)",
    "gmm_ot_plan_density": "(x, y, m_s, m_t, C_s, C_t, w_s, w_t, plan=None, atol=0.01)",
    "gmm_barycenter_fixed_point": "(means_list, covs_list, w_list, means_init, covs_init, "
                                  "weights, w_bar=None, iterations=100, log=False, "
                                  "barycentric_proj_method='euclidean')",
    "bures_wasserstein_mapping": "(ms, mt, Cs, Ct, log=False)",
    "bures_wasserstein_distance": "(ms, mt, Cs, Ct, paired=False, log=False)",
    "bures_distance": "(Cs, Ct, paired=False, log=False, nx=None)",
    "bures_wasserstein_barycenter": "(m, C, weights=None, method='fixed_point', num_iter=1000, "
                                    "eps=1e-07, log=False, step_size=1, batch_size=None)",
    "empirical_bures_wasserstein_barycenter": "(X, reg=1e-06, weights=None, num_iter=1000, "
                                              "eps=1e-07, w=None, bias=True, log=False)",
    "empirical_bures_wasserstein_mapping": "(xs, xt, reg=1e-06, ws=None, wt=None, bias=True, "
                                           "log=False)",
    "empirical_bures_wasserstein_distance": "(xs, xt, reg=1e-06, ws=None, wt=None, "
                                            "bias=True, log=False)",
}


@pytest.mark.parametrize("name", sorted(POT_SIGNATURES))
def test_signatures_match_pot(name):
    assert str(inspect.signature(getattr(gmm_ot, name))) == POT_SIGNATURES[name]


@pytest.fixture
def gmms(rng):
    w_s, m_s, C_s = random_mixture_params(rng, 3, 2)
    w_t, m_t, C_t = random_mixture_params(rng, 4, 2)
    return m_s, m_t, C_s, C_t, w_s, w_t


def test_pdfs(gmms, rng):
    m_s, _, C_s, _, w_s, _ = gmms
    x = rng.normal(scale=3, size=(5, 7, 2))  # POT accepts (..., d)
    want = np.exp(ref.mixture_logpdf(x.reshape(-1, 2), w_s, m_s, C_s)).reshape(5, 7)
    np.testing.assert_allclose(gm := gmm_ot.gmm_pdf(x, m_s, C_s, w_s), want, rtol=1e-11)
    assert gm.shape == (5, 7)
    lp = gmm_ot.gaussian_logpdf(x[0], m_s[0], C_s[0])
    np.testing.assert_allclose(lp, ref.component_logpdf(x[0], m_s[:1], C_s[:1])[:, 0],
                               rtol=1e-12)
    np.testing.assert_allclose(gmm_ot.gaussian_pdf(x[0], m_s[0], C_s[0]), np.exp(lp),
                               rtol=1e-14)


def test_loss_plan_and_bures_matrix_vs_pot_emd(gmms):
    m_s, m_t, C_s, C_t, w_s, w_t = gmms
    D = ref.cost_matrix(m_s, C_s, m_t, C_t)
    np.testing.assert_allclose(gmm_ot.dist_bures_squared(m_s, m_t, C_s, C_t), D, rtol=1e-10)
    loss, log = gmm_ot.gmm_ot_loss(m_s, m_t, C_s, C_t, w_s, w_t, log=True)
    assert isinstance(loss, float)
    assert loss == pytest.approx(ot.emd2(w_s, w_t, D), rel=1e-10)
    assert {"cost", "u", "v", "warning", "result_code"} <= set(log)
    plan = gmm_ot.gmm_ot_plan(m_s, m_t, C_s, C_t, w_s, w_t)
    np.testing.assert_allclose(plan, ot.emd(w_s, w_t, D), atol=1e-12)


def test_apply_map(gmms, rng):
    m_s, m_t, C_s, C_t, w_s, w_t = gmms
    x = rng.normal(scale=2, size=(50, 2))
    plan = gmm_ot.gmm_ot_plan(m_s, m_t, C_s, C_t, w_s, w_t)
    want = ref.t_mean(x, w_s, m_s, C_s, m_t, C_t, plan)
    np.testing.assert_allclose(gmm_ot.gmm_ot_apply_map(x, m_s, m_t, C_s, C_t, w_s, w_t), want,
                               rtol=1e-9, atol=1e-10)
    # a caller's plan (here the same one) takes the numpy path: same map
    np.testing.assert_allclose(
        gmm_ot.gmm_ot_apply_map(x, m_s, m_t, C_s, C_t, w_s, w_t, plan=plan), want,
        rtol=1e-9, atol=1e-10)
    r = gmm_ot.gmm_ot_apply_map(x, m_s, m_t, C_s, C_t, w_s, w_t, method="rand", seed=1)
    r2 = gmm_ot.gmm_ot_apply_map(x, m_s, m_t, C_s, C_t, w_s, w_t, plan=plan, method="rand",
                                 seed=1)
    pairs = [ref.monge(m_s[i], C_s[i], m_t[j], C_t[j]) for i, j in zip(*np.nonzero(plan))]
    for out in (r, r2):
        images = np.stack([x @ a.T + b for a, b in pairs], axis=1)
        assert np.all(np.min(np.abs(images - out[:, None, :]).max(axis=2), axis=1) < 1e-9)
    with pytest.raises(ValueError, match="method"):
        gmm_ot.gmm_ot_apply_map(x, m_s, m_t, C_s, C_t, w_s, w_t, method="mean")


def test_plan_density(gmms, rng):
    m_s, m_t, C_s, C_t, w_s, w_t = gmms
    x = rng.normal(size=(4, 2))
    plan = gmm_ot.gmm_ot_plan(m_s, m_t, C_s, C_t, w_s, w_t)
    i, j = np.argwhere(plan > 0)[0]
    a, b = ref.monge(m_s[i], C_s[i], m_t[j], C_t[j])
    y = x @ a.T + b  # y[n] is on the coupling's support above x[n]
    dens = gmm_ot.gmm_ot_plan_density(x, y, m_s, m_t, C_s, C_t, w_s, w_t)
    assert dens.shape == (4, 4)
    comp = np.exp(ref.component_logpdf(x, m_s, C_s))
    assert np.all(np.diag(dens) >= plan[i, j] * comp[:, i] * (1 - 1e-12))


def test_gaussian_functions_vs_pot_082_and_formulas(rng):
    d = 3
    ms, mt = rng.normal(size=d), rng.normal(size=d)
    Cs, Ct = random_spd(rng, d), random_spd(rng, d, 2.0)
    A, b = gmm_ot.bures_wasserstein_mapping(ms, mt, Cs, Ct)
    A_ref, b_ref = ref.monge(ms, Cs, mt, Ct)
    np.testing.assert_allclose(A, A_ref, rtol=1e-10)
    np.testing.assert_allclose(b, b_ref, rtol=1e-10, atol=1e-12)
    _, _, log = gmm_ot.bures_wasserstein_mapping(ms, mt, Cs, Ct, log=True)
    np.testing.assert_allclose(log["Cs12"] @ log["Cs12"], Cs, rtol=1e-12)
    W = gmm_ot.bures_wasserstein_distance(ms, mt, Cs, Ct)
    assert W == pytest.approx(np.sqrt(ref.w2_squared(ms, Cs, mt, Ct)), rel=1e-11)
    m2, C2 = rng.normal(size=(4, d)), np.stack([random_spd(rng, d) for _ in range(4)])
    Wm = gmm_ot.bures_wasserstein_distance(m2[:2], m2[2:], C2[:2], C2[2:])
    assert Wm.shape == (2, 2)
    assert Wm[1, 0] == pytest.approx(np.sqrt(ref.w2_squared(m2[1], C2[1], m2[2], C2[2])),
                                     rel=1e-10)
    Wp = gmm_ot.bures_wasserstein_distance(m2[:2], m2[2:], C2[:2], C2[2:], paired=True)
    assert Wp.shape == (2,) and Wp[1] == pytest.approx(Wm[1, 1], rel=1e-14)
    assert gmm_ot.bures_distance(C2[:2], C2[2:]).shape == (2, 2)
    assert gmm_ot.bures_distance(Cs, Ct) == pytest.approx(
        np.sqrt(ref.w2_squared(np.zeros(d), Cs, np.zeros(d), Ct)), rel=1e-10)
    # POT 0.8.2's linear Gaussian mapping estimated from samples (ot.da.OT_mapping_linear)
    xs = rng.normal(size=(200, d)) @ random_spd(rng, d)
    xt = rng.normal(size=(150, d)) @ random_spd(rng, d) + 2
    ws = rng.uniform(size=(200, 1))
    for kw in ({}, {"bias": False}, {"reg": 1e-3}):
        A1, b1 = gmm_ot.empirical_bures_wasserstein_mapping(xs, xt, **kw)
        A0, b0 = ot.da.OT_mapping_linear(xs, xt, **kw)
        np.testing.assert_allclose(A1, A0, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(b1, b0, rtol=1e-8, atol=1e-10)
        assert b1.shape == b0.shape == (1, d)
    # with sample weights, current POT centres at the weighted mean (POT 0.8.2 did not)
    A1, b1 = gmm_ot.empirical_bures_wasserstein_mapping(xs, xt, ws=ws)
    mw = (ws[:, 0] @ xs) / ws.sum()
    Cw = ((xs - mw) * ws).T @ (xs - mw) / ws.sum() + 1e-6 * np.eye(d)
    A_ref, b_ref = ref.monge(mw, Cw, xt.mean(axis=0),
                             np.cov(xt.T, bias=True) + 1e-6 * np.eye(d))
    np.testing.assert_allclose(A1, A_ref, rtol=1e-8)
    np.testing.assert_allclose(b1[0], b_ref, rtol=1e-8, atol=1e-10)
    mx, mz = xs.mean(axis=0), xt.mean(axis=0)
    Cx = np.cov(xs.T, bias=True) + 1e-6 * np.eye(d)
    Cz = np.cov(xt.T, bias=True) + 1e-6 * np.eye(d)
    assert gmm_ot.empirical_bures_wasserstein_distance(xs, xt) == pytest.approx(
        np.sqrt(ref.w2_squared(mx, Cx, mz, Cz)), rel=1e-9)


def test_bures_barycenter(rng):
    d = 2
    m = rng.normal(size=(3, d))
    C = np.stack([random_spd(rng, d) for _ in range(3)])
    w = np.array([0.2, 0.3, 0.5])
    mb, Cb, log = gmm_ot.bures_wasserstein_barycenter(m, C, w, log=True)
    np.testing.assert_allclose(mb, w @ m, rtol=1e-13)
    r = ref.sqrtm_psd(Cb)
    np.testing.assert_allclose(sum(l * ref.sqrtm_psd(r @ c @ r) for l, c in zip(w, C)), Cb,
                               rtol=1e-6)  # eps = 1e-7 relative residual by default
    assert log["final_diff"] <= 1e-7
    with pytest.raises(ValueError, match="Unknown method"):
        gmm_ot.bures_wasserstein_barycenter(m, C, method="newton")
    X = [rng.normal(size=(100, d)) + i for i in range(3)]
    mb2, Cb2 = gmm_ot.empirical_bures_wasserstein_barycenter(X)
    np.testing.assert_allclose(mb2, np.mean([x.mean(axis=0) for x in X], axis=0), rtol=1e-12)


def test_gmm_barycenter_fixed_point(rng):
    ps = [random_mixture_params(rng, k, 2) for k in (2, 3)]
    means_list = [p[1] for p in ps]
    covs_list = [p[2] for p in ps]
    w_list = [p[0] for p in ps]
    init_w, init_m, init_c = random_mixture_params(rng, 3, 2)
    means, covs = gmm_ot.gmm_barycenter_fixed_point(means_list, covs_list, w_list, init_m,
                                                    init_c, np.array([0.5, 0.5]), iterations=20)
    assert means.shape == (3, 2) and covs.shape == (3, 2, 2)
    # fixed weights (uniform): V of the result is at most V of the start
    import gmmot

    def energy(mm, cc):
        bary = gmmot.GaussianMixture(np.full(3, 1 / 3), mm, cc)
        return sum(0.5 * gmmot.mw2_squared(bary, gmmot.GaussianMixture(w, m, c))
                   for w, m, c in zip(w_list, means_list, covs_list))
    assert energy(means, covs) <= energy(init_m, init_c) * (1 + 1e-12)
    with pytest.raises(ValueError, match="barycentric_proj_method"):
        gmm_ot.gmm_barycenter_fixed_point(means_list, covs_list, w_list, init_m, init_c,
                                          np.array([0.5, 0.5]), barycentric_proj_method="x")
