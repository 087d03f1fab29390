# SPDX-License-Identifier: MIT
"""Student-t mixtures (GaussianMixture.student_t): accessors, log-density against
scipy.stats.multivariate_t, sampling against the F law of the Mahalanobis distance, saving and
pickling, MW2 between t-mixtures against POT on scipy costs, family errors."""
import math
import pickle

import numpy as np
import pytest
from scipy import stats
from scipy.special import logsumexp

import gmmot
import references as ref
from conftest import random_mixture_params
from gmmot import _errors

NU = 5.5


def t_logpdf(x, m, s, nu):
    """log t_nu(x; m_k, S_k) for every point and component, by scipy, shape (n, K)."""
    return np.stack([stats.multivariate_t(m[k], s[k], df=nu).logpdf(x).reshape(len(x))
                     for k in range(len(m))], axis=1)


@pytest.fixture
def tmix(rng):
    w, m, s = random_mixture_params(rng, 3, 3)
    return (w, m, s), gmmot.GaussianMixture.student_t(w, m, s, NU)


def test_create_and_accessors(tmix):
    (w, m, s), g = tmix
    assert (g.n_components, g.dim) == (3, 3)
    assert g.family == "student_t" and g.is_student_t and g.nu == NU
    np.testing.assert_allclose(g.weights, w, rtol=1e-15)
    assert np.array_equal(g.means, m) and np.array_equal(g.scales, s)
    # covariance of t_nu(m, S) is nu / (nu - 2) S
    np.testing.assert_allclose(g.covariances, NU / (NU - 2) * s, rtol=1e-15)
    assert "student_t" in repr(g)
    gauss = gmmot.GaussianMixture(w, m, s)
    assert gauss.family == "gaussian" and not gauss.is_student_t
    assert gauss.nu == math.inf
    assert np.array_equal(gauss.scales, gauss.covariances)


def test_compressed_scale_layouts(rng):
    w = [0.5, 0.5]
    m = rng.normal(size=(2, 2))
    g = gmmot.GaussianMixture.student_t(w, m, [1.5, 0.5], 3.0, covariance_type="spherical")
    assert g.covariance_type == "spherical"
    np.testing.assert_array_equal(g.scales, [1.5 * np.eye(2), 0.5 * np.eye(2)])
    np.testing.assert_allclose(g.covariances, 3.0 * g.scales, rtol=1e-15)


def test_log_density_vs_scipy(tmix, rng):
    (w, m, s), g = tmix
    # near, far (heavy tails: finite where a Gaussian would underflow) and very far points
    x = np.concatenate([rng.normal(scale=3, size=(200, 3)), rng.normal(scale=1e3, size=(20, 3))])
    comp = t_logpdf(x, m, s, NU)
    np.testing.assert_allclose(g.component_log_densities(x), comp, rtol=1e-13)
    want = logsumexp(comp + np.log(w), axis=1)
    np.testing.assert_allclose(g.log_density(x), want, rtol=1e-13)
    post = np.exp(comp + np.log(w) - want[:, None])
    np.testing.assert_allclose(g.predict_proba(x), post, rtol=1e-11, atol=1e-14)
    assert np.array_equal(g.predict(x), np.argmax(comp + np.log(w), axis=1))
    # a t-mixture is not the Gaussian mixture with the same covariances
    gauss = gmmot.GaussianMixture(w, m, g.covariances)
    assert np.max(np.abs(gauss.log_density(x[:200]) - want[:200])) > 1e-2


def test_sample_follows_the_t_law():
    # well separated components, so every label is checked against its own component
    w = np.array([0.3, 0.7])
    m = np.array([[-40.0, 0.0], [40.0, 5.0]])
    s = np.array([[[2.0, 0.3], [0.3, 0.5]], [[1.0, -0.2], [-0.2, 0.8]]])
    nu = 4.5
    g = gmmot.GaussianMixture.student_t(w, m, s, nu)
    x, labels = g.sample(20000, seed=3)
    x2, labels2 = g.sample(50, seed=3)
    assert np.array_equal(x[:50], x2) and np.array_equal(labels[:50], labels2)
    counts = np.bincount(labels, minlength=2) / len(labels)
    np.testing.assert_allclose(counts, w, atol=0.015)  # >> sqrt(w(1-w)/20000) ~ 0.0033
    for k in range(2):
        z = x[labels == k] - m[k]
        # (x-m)^T S^-1 (x-m) / d ~ F(d, nu) for t_nu(m, S) (a Gaussian would give chi2_d / d)
        delta = np.einsum("ni,ij,nj->n", z, np.linalg.inv(s[k]), z) / 2
        assert stats.kstest(delta, stats.f(2, nu).cdf).pvalue > 1e-3
        assert stats.kstest(delta, stats.chi2(2, scale=0.5).cdf).pvalue < 1e-6
        np.testing.assert_allclose(np.median(z, axis=0), 0.0, atol=0.05)


def test_bad_nu_and_bad_scales(rng):
    w, m, s = random_mixture_params(rng, 2, 2)
    for nu in (2.0, 1.0, -3.0, math.inf, math.nan):
        with pytest.raises(gmmot.GmmotValueError) as info:
            gmmot.GaussianMixture.student_t(w, m, s, nu)
        assert info.value.status == _errors.E_INVALID_ARGUMENT
        assert info.value.name == "GMMOT_E_INVALID_ARGUMENT"
        assert "nu" in info.value.message
    for nu in ("5", None, True, [5.0]):
        with pytest.raises(TypeError, match="nu"):
            gmmot.GaussianMixture.student_t(w, m, s, nu)
    with pytest.raises(ValueError, match="scales"):
        gmmot.GaussianMixture.student_t(w, m, s[:1], 5.0)
    bad = s.copy()
    bad[1] = -np.eye(2)
    with pytest.raises(gmmot.GmmotValueError) as info:
        gmmot.GaussianMixture.student_t(w, m, bad, 5.0)
    assert info.value.status == _errors.E_NOT_PSD and "scales[1]" in info.value.message


def test_save_load_and_pickle_keep_the_family(tmix, tmp_path):
    (w, m, s), g = tmix
    data = g.to_bytes()
    assert len(data) == 40 + 8 * (1 + 3 + 9 + 27)  # nu is 8 more bytes than a Gaussian file
    assert int.from_bytes(data[12:16], "little") == 1  # flag bit 0: Student-t
    path = tmp_path / "t.gmm"
    g.save(path)
    copies = [gmmot.GaussianMixture.from_bytes(data), gmmot.GaussianMixture.load(path),
              pickle.loads(pickle.dumps(g))]
    x = np.random.default_rng(1).normal(size=(30, 3))
    for h in copies:
        assert h.family == "student_t" and h.nu == NU
        assert h.to_bytes() == data
        assert np.array_equal(h.scales, g.scales)
        assert np.array_equal(h.log_density(x), g.log_density(x))


def test_sklearn_refuses_a_t_mixture(tmix):
    pytest.importorskip("sklearn.mixture")
    with pytest.raises(ValueError, match="Student-t"):
        tmix[1].to_sklearn()


@pytest.fixture
def tpair(rng):
    p0 = random_mixture_params(rng, 3, 2)
    p1 = random_mixture_params(rng, 4, 2)
    return p0, p1, (gmmot.GaussianMixture.student_t(*p0, NU),
                    gmmot.GaussianMixture.student_t(*p1, NU))


def test_mw2_between_t_mixtures(tpair):
    ot = pytest.importorskip("ot")
    (w0, m0, s0), (w1, m1, s1), (g0, g1) = tpair
    f = NU / (NU - 2)
    # W2 between t components of one nu: the Gaussian formula on their covariances
    cost = ref.cost_matrix(m0, f * s0, m1, f * s1)
    p = gmmot.MW2Plan(g0, g1)
    np.testing.assert_allclose(p.cost_matrix, cost, rtol=1e-10)
    assert p.squared_distance == pytest.approx(ot.emd2(w0, w1, cost), rel=1e-10)
    rows, cols, mass = p.sparse_plan

    gam = p.coupling()
    assert gam.family == "student_t" and gam.nu == NU and gam.dim == 4
    np.testing.assert_allclose(gam.scales[:, :2, :2], s0[rows], rtol=1e-12)
    np.testing.assert_allclose(gam.scales[:, 2:, 2:], s1[cols], rtol=1e-10)
    np.testing.assert_allclose(gam.covariances, f * gam.scales, rtol=1e-14)
    np.testing.assert_allclose(gam.weights, mass / mass.sum(), rtol=1e-12)

    half = p.geodesic(0.5)
    assert half.family == "student_t" and half.nu == NU
    np.testing.assert_allclose(half.means, (m0[rows] + m1[cols]) / 2, rtol=1e-13)
    for i, (k, l) in enumerate(zip(rows, cols)):
        a, _ = ref.monge(m0[k], f * s0[k], m1[l], f * s1[l])
        mid = (np.eye(2) + a) / 2
        np.testing.assert_allclose(half.covariances[i], mid @ (f * s0[k]) @ mid.T, rtol=1e-9)
    assert gmmot.mw2_distance(g0, half) == pytest.approx(p.distance / 2, rel=1e-8)


def test_family_mismatch_raises_gmmot_e_family(tpair):
    (w0, m0, s0), _, (g0, g1) = tpair
    gauss = gmmot.GaussianMixture(w0, m0, s0)
    other_nu = gmmot.GaussianMixture.student_t(w0, m0, s0, NU + 1)
    for a, b in ((gauss, g1), (g1, gauss), (other_nu, g1)):
        with pytest.raises(gmmot.GmmotFamilyError) as info:
            gmmot.MW2Plan(a, b)
        err = info.value
        assert isinstance(err, gmmot.GmmotError) and isinstance(err, ValueError)
        assert err.status == _errors.E_FAMILY == -18 and err.name == "GMMOT_E_FAMILY"
        assert err.message
    with pytest.raises(gmmot.GmmotFamilyError):
        gmmot.mw2_squared(gauss, g0)
    assert _errors.status_name(-18) == "GMMOT_E_FAMILY"
    assert gmmot.status_string(-18).startswith("GMMOT_E_FAMILY")
    e = pickle.loads(pickle.dumps(_errors.error_for(-18, "x")))
    assert type(e) is gmmot.GmmotFamilyError and e.status == -18


def test_barycenter_of_t_mixtures_is_a_t_mixture(tpair):
    (w0, m0, s0), _, (g0, g1) = tpair
    bary = gmmot.barycenter_exact([g0, g1]).mixture
    assert bary.family == "student_t" and bary.nu == NU
    np.testing.assert_allclose(bary.covariances, NU / (NU - 2) * bary.scales, rtol=1e-14)
    # the barycenter of a mixture with itself is that mixture
    same = gmmot.barycenter_exact([g0, g0]).mixture
    assert gmmot.mw2_squared(same, g0) == pytest.approx(0.0, abs=1e-10)
    with pytest.raises(gmmot.GmmotFamilyError):
        gmmot.barycenter_exact([g0, gmmot.GaussianMixture(w0, m0, s0)])
