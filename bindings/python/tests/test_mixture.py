# SPDX-License-Identifier: MIT
"""GaussianMixture against scipy and scikit-learn; saving, loading, pickling (also to worker
processes)."""
import concurrent.futures
import multiprocessing
import pickle

import numpy as np
import pytest

import gmmot
import references as ref
from conftest import clusters, random_mixture_params
from gmmot import _errors

sklearn_mixture = pytest.importorskip("sklearn.mixture")
CTYPES = ("full", "tied", "diag", "spherical")


def test_parameters_and_log_density_vs_scipy(rng):
    w, m, c = random_mixture_params(rng, 4, 3)
    g = gmmot.GaussianMixture(w, m, c)
    assert (g.n_components, g.dim) == (4, 3)
    np.testing.assert_allclose(g.weights, w, rtol=1e-15)
    assert np.array_equal(g.means, m) and np.array_equal(g.covariances, c)
    x = rng.normal(scale=3, size=(200, 3))
    # scipy's logpdf and logsumexp; both double precision, relative 1e-12
    np.testing.assert_allclose(g.log_density(x), ref.mixture_logpdf(x, w, m, c), rtol=1e-12)
    np.testing.assert_allclose(g.pdf(x), np.exp(ref.mixture_logpdf(x, w, m, c)), rtol=1e-11)
    np.testing.assert_allclose(g.component_log_densities(x), ref.component_logpdf(x, m, c),
                               rtol=1e-12)
    post = g.predict_proba(x)
    np.testing.assert_allclose(post.sum(axis=1), 1.0, rtol=1e-14)


def test_sample_statistics_and_reproducibility(rng):
    w, m, c = random_mixture_params(rng, 3, 2)
    g = gmmot.GaussianMixture(w, m, c)
    x, labels = g.sample(60000, seed=7)
    x2, labels2 = g.sample(100, seed=7)
    assert np.array_equal(x[:100], x2) and np.array_equal(labels[:100], labels2)
    assert not np.array_equal(g.sample(100, seed=8)[0], x2)
    counts = np.bincount(labels, minlength=3) / len(labels)
    np.testing.assert_allclose(counts, w, atol=0.01)  # 0.01 >> sqrt(w(1-w)/60000) ~ 0.002
    for k in range(3):
        sel = x[labels == k]
        np.testing.assert_allclose(sel.mean(axis=0), m[k], atol=0.05)
        np.testing.assert_allclose(np.cov(sel.T), c[k], atol=0.08)


@pytest.mark.parametrize("ctype", CTYPES)
def test_sklearn_interop_every_covariance_type(rng, ctype):
    x = clusters(rng, 1500, 3, k=3)
    sk = sklearn_mixture.GaussianMixture(3, covariance_type=ctype, random_state=0).fit(x)
    g = gmmot.GaussianMixture.from_sklearn(sk)
    assert g.covariance_type == ctype
    full = np.array(g.covariances)
    if ctype == "tied":
        assert all(np.array_equal(cv, sk.covariances_) for cv in full)
    elif ctype == "diag":
        assert np.array_equal(full, np.stack([np.diag(v) for v in sk.covariances_]))
    elif ctype == "spherical":
        assert np.array_equal(full, np.stack([v * np.eye(3) for v in sk.covariances_]))
    # log-density vs sklearn's score_samples (both double precision; relative 1e-10)
    np.testing.assert_allclose(g.log_density(x), sk.score_samples(x), rtol=1e-10)
    assert np.array_equal(g.predict(x), sk.predict(x))
    np.testing.assert_allclose(g.predict_proba(x), sk.predict_proba(x), atol=1e-10)
    back = g.to_sklearn()
    assert back.covariance_type == ctype
    np.testing.assert_allclose(back.covariances_, sk.covariances_, rtol=1e-15)
    np.testing.assert_allclose(back.precisions_cholesky_, sk.precisions_cholesky_, rtol=1e-9)
    np.testing.assert_allclose(back.precisions_, sk.precisions_, rtol=1e-9)
    np.testing.assert_allclose(back.score_samples(x), sk.score_samples(x), rtol=1e-12)
    assert np.array_equal(back.predict(x), sk.predict(x))
    back.sample(5)  # a usable fitted model
    if ctype != "full":
        with pytest.raises(ValueError):  # a generic full mixture has no such layout
            gmmot.GaussianMixture.fit(x, 3, seed=1).to_sklearn(ctype)


def test_from_sklearn_requires_a_fitted_model():
    with pytest.raises(TypeError, match="fitted"):
        gmmot.GaussianMixture.from_sklearn(sklearn_mixture.GaussianMixture(2))


def test_em_fit_vs_sklearn(rng):
    x = clusters(rng, 3000, 2, k=3, spread=8)
    weights = rng.uniform(0.5, 2.0, size=len(x))
    g = gmmot.GaussianMixture.fit(x, 3, seed=3, em_initializations=3)
    info = g.fit_info
    assert info["converged"] and info["n_iter"] >= 1 and info["passes"] >= info["n_iter"]
    # the reported mean log-likelihood is the returned mixture's (EM returns one more step)
    assert abs(info["mean_log_likelihood"] - g.score(x)) < 1e-4 * abs(g.score(x))
    sk = sklearn_mixture.GaussianMixture(3, n_init=3, random_state=0, tol=1e-8).fit(x)
    # well separated clusters: both find the same optimum (0.01 nats per point)
    assert abs(g.score(x) - sk.score(x)) < 1e-2
    gw = gmmot.GaussianMixture.fit(x, 3, weights=weights, seed=3)
    assert gw.fit_info["converged"]
    assert not np.array_equal(gw.means, g.means)


def test_em_not_converged_is_a_warning(rng):
    x = clusters(rng, 500, 2)
    with pytest.warns(gmmot.GmmotConvergenceWarning):
        g = gmmot.GaussianMixture.fit(x, 3, seed=1, em_max_iterations=1, em_tolerance=0)
    assert not g.fit_info["converged"]


def test_save_load_bytes_and_corruption(rng, tmp_path):
    w, m, c = random_mixture_params(rng, 5, 4)
    g = gmmot.GaussianMixture(w, m, c)
    data = g.to_bytes()
    assert len(data) == 40 + 8 * (5 + 5 * 4 + 5 * 16) and data[:4] == b"\x89GMM"
    h = gmmot.GaussianMixture.from_bytes(data)
    for a in ("weights", "means", "covariances"):
        assert getattr(h, a).tobytes() == getattr(g, a).tobytes()
    path = tmp_path / "g.gmm"
    g.save(path)
    assert path.read_bytes() == data
    assert gmmot.GaussianMixture.load(str(path)).means.tobytes() == g.means.tobytes()
    bad = bytearray(data)
    bad[50] ^= 1
    (tmp_path / "bad.gmm").write_bytes(bytes(bad))
    for load in (lambda: gmmot.GaussianMixture.from_bytes(bytes(bad)),
                 lambda: gmmot.GaussianMixture.load(tmp_path / "bad.gmm"),
                 lambda: gmmot.GaussianMixture.from_bytes(data[:-3]),
                 lambda: gmmot.GaussianMixture.from_bytes(b"")):
        with pytest.raises(gmmot.GmmotValueError) as info:
            load()
        assert info.value.status in (_errors.E_FORMAT, _errors.E_INVALID_ARGUMENT)
    with pytest.raises(gmmot.GmmotValueError) as info:
        gmmot.GaussianMixture.from_bytes(bytes(bad))
    assert info.value.status == _errors.E_FORMAT and "checksum" in info.value.message.lower()
    with pytest.raises(TypeError, match="data"):
        gmmot.GaussianMixture.from_bytes("not bytes")


def test_pickle_is_bit_exact(rng):
    x = clusters(rng, 800, 3)
    g = gmmot.GaussianMixture.fit(x, 3, seed=5)
    h = pickle.loads(pickle.dumps(g, protocol=pickle.HIGHEST_PROTOCOL))
    for a in ("weights", "means", "covariances"):
        assert getattr(h, a).tobytes() == getattr(g, a).tobytes()
    assert h.fit_info == g.fit_info
    # the loaded handle is the one gmmot_gmm_create makes from these parameters: bit-identical
    # results to it; an EM-made handle may differ in the last ulp (its factors come from the
    # fit), so against g: relative 1e-15
    same = gmmot.GaussianMixture(g.weights, g.means, g.covariances)
    assert same.log_density(x).tobytes() == h.log_density(x).tobytes()
    np.testing.assert_allclose(h.log_density(x), g.log_density(x), rtol=1e-15)
    again = pickle.loads(pickle.dumps(h))
    assert again.log_density(x).tobytes() == h.log_density(x).tobytes()
    sk = sklearn_mixture.GaussianMixture(2, covariance_type="diag", random_state=0).fit(x)
    s = pickle.loads(pickle.dumps(gmmot.GaussianMixture.from_sklearn(sk)))
    assert s.covariance_type == "diag"


def _worker_log_density(g, x):
    return g.log_density(x).tobytes(), g.to_bytes()


def _worker_fit(x):
    return gmmot.GaussianMixture.fit(x, 2, seed=4)


def test_mixtures_travel_to_worker_processes(rng):
    x = clusters(rng, 600, 2)
    g = gmmot.GaussianMixture.fit(x, 3, seed=5)
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing inherited
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as pool:
        results = list(pool.map(_worker_log_density, [g, g], [x, x[:10]]))
        fitted = pool.submit(_worker_fit, x).result()
    g = gmmot.GaussianMixture.from_bytes(g.to_bytes())  # what the workers received
    assert results[0][0] == g.log_density(x).tobytes()
    assert results[1][0] == g.log_density(x[:10]).tobytes()
    assert results[0][1] == g.to_bytes()
    assert fitted.to_bytes() == gmmot.GaussianMixture.fit(x, 2, seed=4).to_bytes()


def test_repr(rng):
    g = gmmot.GaussianMixture([1.0], [[0.0]], [[[1.0]]])
    assert repr(g) == "GaussianMixture(n_components=1, dim=1, covariance_type='full')"
