#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Student-t mixtures (gmmot/gmm.h, gmmot_gmm_create_t) through ctypes, against SciPy and mpmath.

Run: GMMOT_LIBRARY=/path/to/libgmmot.so /usr/bin/python3 tests/ffi/python/test_student_t.py
Exits 77 (CTest skip) when numpy, scipy, mpmath or POT cannot be imported.

References are independent of the library: scipy.stats.multivariate_t / scipy.stats.t, an
mpmath evaluation of the t log-density (where SciPy's own formula, gammaln(t) - gammaln(df/2)
and log(1 + maha/df), loses digits: 1e-10 at nu = 1e6), numpy/scipy matrix square roots for W2,
POT's exact OT (ot.emd2) for the empirical W2 in 2-D.
"""
import ctypes as C
import math
import os
import sys
import unittest

try:
    import mpmath
    import numpy as np
    import ot
    from scipy import linalg as sla
    from scipy import stats
except ImportError as e:  # pragma: no cover
    print("skipping: %s" % e)
    sys.exit(77)

if "GMMOT_LIBRARY" not in os.environ:
    sys.exit("GMMOT_LIBRARY must name libgmmot.so")
lib = C.CDLL(os.environ["GMMOT_LIBRARY"])

GMMOT_E_FAMILY = -18
GMMOT_E_INVALID_ARGUMENT = -1
FAMILY_GAUSSIAN, FAMILY_STUDENT_T = 0, 1
OPT_NUM_THREADS, OPT_SEED = 100, 101


class _Opaque(C.Structure):
    """An opaque handle type; never instantiated."""


P = C.POINTER(_Opaque)
DP = C.POINTER(C.c_double)
SP = C.POINTER(C.c_size_t)
size_t = C.c_size_t


def _sig(name, args, res=C.c_int):
    f = getattr(lib, name)
    f.argtypes = args
    f.restype = res
    return f


create = _sig("gmmot_gmm_create", [size_t, size_t, DP, DP, DP, C.POINTER(P)])
create_t = _sig("gmmot_gmm_create_t", [size_t, size_t, C.c_double, DP, DP, DP, C.POINTER(P)])
destroy = _sig("gmmot_gmm_destroy", [P], None)
get_family = _sig("gmmot_gmm_get_family", [P, C.POINTER(C.c_int), DP])
copy_cov = _sig("gmmot_gmm_copy_covariances", [P, DP, size_t])
copy_scales = _sig("gmmot_gmm_copy_scales", [P, DP, size_t])
ncomp = _sig("gmmot_gmm_ncomponents", [P], size_t)
log_density = _sig("gmmot_gmm_log_density", [P, size_t, DP, P, DP, size_t])
sample = _sig("gmmot_gmm_sample", [P, size_t, P, DP, size_t, SP, size_t])
opts_create = _sig("gmmot_options_create", [C.POINTER(P)])
opts_set_int = _sig("gmmot_options_set_int", [P, C.c_int, C.c_int64])
opts_destroy = _sig("gmmot_options_destroy", [P], None)
mw2_create = _sig("gmmot_mw2_create", [P, P, P, C.POINTER(P)])
mw2_destroy = _sig("gmmot_mw2_destroy", [P], None)
mw2_distance = _sig("gmmot_mw2_distance", [P, DP, DP])
mw2_nnz = _sig("gmmot_mw2_nnz", [P], size_t)
mw2_sparse = _sig("gmmot_mw2_copy_sparse_plan", [P, SP, SP, DP, size_t])
mw2_pair_maps = _sig("gmmot_mw2_copy_pair_maps", [P, DP, size_t, DP, size_t])
map_mean = _sig("gmmot_mw2_map_mean", [P, size_t, DP, P, DP, size_t])
w2sq_gauss = _sig("gmmot_gaussian_w2_squared", [size_t, DP, DP, DP, DP, DP])
last_error = _sig("gmmot_last_error_message", [], C.c_char_p)


def ptr(a):
    return a.ctypes.data_as(DP)


def arr(a):
    return np.ascontiguousarray(a, dtype=np.float64)


def check(rc):
    if rc < 0:
        raise RuntimeError("status %d: %s" % (rc, last_error().decode()))
    return rc


class Mixture:
    """A mixture handle; nu=None for the Gaussian family (covs), else t with scales."""

    def __init__(self, w, m, s, nu=None):
        self.w, self.m, self.s, self.nu = arr(w), arr(m), arr(s), nu
        self.k, self.d = self.m.shape
        self.h = P()
        if nu is None:
            check(create(self.k, self.d, ptr(self.w), ptr(self.m), ptr(self.s), C.byref(self.h)))
        else:
            check(create_t(self.k, self.d, nu, ptr(self.w), ptr(self.m), ptr(self.s),
                           C.byref(self.h)))

    def __del__(self):
        destroy(self.h)

    def log_density(self, x):
        x = arr(x)
        out = np.empty(x.shape[0])
        check(log_density(self.h, x.shape[0], ptr(x), None, ptr(out), out.size))
        return out

    def sample(self, n, seed, threads=1):
        o = P()
        check(opts_create(C.byref(o)))
        check(opts_set_int(o, OPT_SEED, seed))
        check(opts_set_int(o, OPT_NUM_THREADS, threads))
        out = np.empty((n, self.d))
        labels = np.empty(n, dtype=np.uintp)
        check(sample(self.h, n, o, ptr(out), out.size, labels.ctypes.data_as(SP), n))
        opts_destroy(o)
        return out, labels


def random_spd(rng, d, floor=0.1):
    b = rng.standard_normal((d, d))
    return b @ b.T / d + floor * np.eye(d)


def t_logpdf_mp(x, m, s, nu):
    """log t_nu(x; m, s) with the Mahalanobis form in doubles (scipy solve) and the rest in
    40-digit mpmath: the reference where SciPy's formula loses digits."""
    d = len(m)
    dev = x - m
    cf = sla.cho_factor(s, lower=True)
    maha = float(dev @ sla.cho_solve(cf, dev))
    logdet = 2.0 * float(np.sum(np.log(np.diag(cf[0]))))
    with mpmath.workdps(40):
        nu_ = mpmath.mpf(nu)
        v = (mpmath.loggamma((nu_ + d) / 2) - mpmath.loggamma(nu_ / 2)
             - mpmath.mpf(d) / 2 * mpmath.log(nu_ * mpmath.pi) - mpmath.mpf(logdet) / 2
             - (nu_ + d) / 2 * mpmath.log1p(mpmath.mpf(maha) / nu_))
    return v


def mixture_logpdf_mp(x, w, m, s, nu):
    with mpmath.workdps(40):
        terms = [mpmath.log(w[k]) + t_logpdf_mp(x, m[k], s[k], nu)
                 for k in range(len(w)) if w[k] > 0]
        top = max(terms)
        return float(top + mpmath.log(sum(mpmath.exp(t - top) for t in terms)))


def scipy_mixture_logpdf(x, w, m, s, nu):
    comps = [np.log(w[k]) + stats.multivariate_t(m[k], s[k], df=nu).logpdf(x)
             for k in range(len(w)) if w[k] > 0]
    comps = np.atleast_2d(np.array(comps))
    return np.logaddexp.reduce(comps, axis=0)


def sqrtm_psd(a):
    e, v = np.linalg.eigh(a)
    return (v * np.sqrt(np.clip(e, 0, None))) @ v.T


def w2sq_ref(m0, c0, m1, c1):
    r = sqrtm_psd(c0)
    return float(np.sum((m0 - m1) ** 2) + np.trace(c0 + c1 - 2 * sqrtm_psd(r @ c1 @ r)))


class LogDensity(unittest.TestCase):
    """log-density against SciPy (nu <= 30) and mpmath (all nu) to 1e-13 relative."""

    def test_random_mixtures(self):
        rng = np.random.default_rng(14)
        worst_mp = worst_sp = 0.0
        for d in (1, 2, 3, 5, 10):
            for nu in (2.5, 3.0, 30.0, 1e6):
                k = 3
                w = rng.uniform(0.2, 1.0, k)
                w /= w.sum()
                m = rng.standard_normal((k, d))
                s = np.array([random_spd(rng, d) for _ in range(k)])
                g = Mixture(w, m, s, nu)
                # Points near the components and 10 to 1e100 scale lengths away.
                x = np.concatenate([m[rng.integers(k, size=6)] + 0.5 * rng.standard_normal((6, d)),
                                    rng.standard_normal((4, d)) * np.array([[10.0], [1e3], [1e10],
                                                                            [1e100]])])
                got = g.log_density(x)
                self.assertTrue(np.all(np.isfinite(got)), (d, nu, got))
                ref = np.array([mixture_logpdf_mp(xi, g.w, m, s, nu) for xi in x])
                err = np.abs(got - ref) / np.maximum(np.abs(ref), 1.0)
                worst_mp = max(worst_mp, err.max())
                self.assertLessEqual(err.max(), 1e-13, (d, nu, got, ref))
                # SciPy's own evaluation, within what its formula guarantees: log(1 + maha/df)
                # and the difference of two gammaln lose ~1e-10 at nu = 1e6.
                sp = scipy_mixture_logpdf(x, g.w, m, s, nu)
                err_sp = np.abs(got - sp) / np.maximum(np.abs(sp), 1.0)
                worst_sp = max(worst_sp, err_sp.max() if nu <= 30 else 0.0)
                self.assertLessEqual(err_sp.max(), 1e-13 if nu <= 30 else 1e-8, (d, nu))
        print("log-density: worst relative error %.2e (mpmath), %.2e (SciPy, nu <= 30)"
              % (worst_mp, worst_sp))

    def test_zero_weight_component(self):
        rng = np.random.default_rng(3)
        d, nu = 2, 4.0
        m = rng.standard_normal((3, d))
        s = np.array([random_spd(rng, d) for _ in range(3)])
        g = Mixture([0.4, 0.0, 0.6], m, s, nu)
        x = rng.standard_normal((20, d)) * 3
        ref = scipy_mixture_logpdf(x, np.array([0.4, 0.0, 0.6]), m, s, nu)
        np.testing.assert_allclose(g.log_density(x), ref, rtol=1e-13, atol=1e-13)
        _, labels = g.sample(2000, seed=5)
        self.assertNotIn(1, set(labels.tolist()))

    def test_singular_scale(self):
        """Rank-1 scale in 2-D: the 1-D t density on the support (SciPy 1.10's allow_singular
        t uses d, not the rank, so the reference is scipy.stats.t on the line's coordinate),
        -inf off it, as the degenerate Gaussian handling does (same support rule)."""
        nu = 3.0
        u = np.array([0.6, 0.8])
        sigma2 = 2.0
        s = sigma2 * np.outer(u, u)
        m = np.array([[1.0, -1.0]])
        g = Mixture([1.0], m, s[None], nu)
        gauss = Mixture([1.0], m, (nu / (nu - 2) * s)[None])
        c = np.array([-3.0, -0.5, 0.0, 0.7, 25.0])
        on = m[0] + c[:, None] * u
        ref = stats.t(df=nu, scale=math.sqrt(sigma2)).logpdf(c)
        np.testing.assert_allclose(g.log_density(on), ref, rtol=1e-13, atol=0)
        off = on + 1e-3 * np.array([-0.8, 0.6])
        self.assertTrue(np.all(g.log_density(off) == -np.inf))
        self.assertTrue(np.all(gauss.log_density(off) == -np.inf))
        self.assertTrue(np.all(np.isfinite(gauss.log_density(on))))
        # A Dirac (zero scale) next to a full-rank component: log w_dirac + 0 at the atom.
        s2 = np.array([np.zeros((2, 2)), np.eye(2)])
        g2 = Mixture([0.3, 0.7], [[0.0, 0.0], [5.0, 5.0]], s2, nu)
        at = g2.log_density(np.zeros((1, 2)))[0]
        self.assertAlmostEqual(at, math.log(0.3 + 0.7 * math.exp(
            stats.multivariate_t([5.0, 5.0], np.eye(2), df=nu).logpdf([0.0, 0.0]))), delta=1e-14)

    def test_gaussian_limit(self):
        """nu = 1e8: log t_nu(x; m, S) - log N(x; m, S) = O(1/nu) (|q^2 - 2q - d(d+2)/2| / (4 nu)
        and the covariance ratio): within 1e-6 absolute at |x - m| <= 3 sd."""
        rng = np.random.default_rng(8)
        d = 3
        m = rng.standard_normal((2, d))
        s = np.array([random_spd(rng, d) for _ in range(2)])
        w = [0.3, 0.7]
        x = m[0] + rng.standard_normal((50, d)) * 0.8
        t = Mixture(w, m, s, 1e8).log_density(x)
        gauss = Mixture(w, m, s).log_density(x)
        np.testing.assert_allclose(t, gauss, rtol=0, atol=1e-6)


class Sampling(unittest.TestCase):
    def test_moments_tails_ks(self):
        """One 1-D component and one 3-D component: sample means and covariances
        (nu/(nu-2) S) and tail frequencies within 5 standard errors (z <= 5), KS against
        scipy.stats.t on 1-D draws (p > 1e-4)."""
        n = 400000
        for nu in (5.0, 12.0):  # nu > 4: the sample covariance has a finite variance
            m = np.array([[0.5]])
            s = np.array([[[2.0]]])
            x, _ = Mixture([1.0], m, s, nu).sample(n, seed=11)
            ref = stats.t(df=nu, loc=0.5, scale=math.sqrt(2.0))
            ks = stats.kstest(x[:, 0], ref.cdf)
            self.assertGreater(ks.pvalue, 1e-4, (nu, ks))
            for c in (1.0, 3.0, 8.0):
                p = 2 * ref.sf(0.5 + c)
                freq = np.mean(np.abs(x[:, 0] - 0.5) > c)
                z = abs(freq - p) / math.sqrt(p * (1 - p) / n)
                self.assertLess(z, 5.0, (nu, c, freq, p))
            var = nu / (nu - 2) * 2.0
            self.assertLess(abs(x.mean() - 0.5) / math.sqrt(var / n), 5.0)
            # Var of the sample variance: (mu4 - var^2) / n, mu4 = 3 var^2 (nu-2)/(nu-4).
            mu4 = 3 * var ** 2 * (nu - 2) / (nu - 4)
            self.assertLess(abs(x.var() - var) / math.sqrt((mu4 - var ** 2) / n), 5.0, nu)
        rng = np.random.default_rng(2)
        nu, d = 9.0, 3
        m = rng.standard_normal((1, d))
        s = random_spd(rng, d)[None]
        x, _ = Mixture([1.0], m, s, nu).sample(n, seed=3)
        cov = nu / (nu - 2) * s[0]
        sd = np.sqrt(np.diag(cov))
        self.assertLess(np.max(np.abs(x.mean(0) - m[0]) / (sd / math.sqrt(n))), 5.0)
        emp = np.cov(x.T)
        # Standard error of a covariance entry from the sample itself (fourth moments).
        y = x - x.mean(0)
        se = np.sqrt(np.array([[np.var(y[:, i] * y[:, j]) for j in range(d)]
                               for i in range(d)]) / n)
        self.assertLess(np.max(np.abs(emp - cov) / se), 5.0, (emp, cov))
        # Scale (not covariance) in the draws would be off by nu/(nu-2) = 1.29: far outside.
        self.assertGreater(np.max(np.abs(emp - s[0]) / se), 20.0)

    def test_reproducible_any_threads_and_prefix(self):
        rng = np.random.default_rng(6)
        d = 2
        g = Mixture([0.25, 0.75], rng.standard_normal((2, d)),
                    np.array([random_spd(rng, d) for _ in range(2)]), 3.5)
        a, la = g.sample(5000, seed=99, threads=1)
        b, lb = g.sample(5000, seed=99, threads=2)
        c, lc = g.sample(5000, seed=99, threads=7)
        p, lp = g.sample(1234, seed=99, threads=2)
        self.assertTrue(np.array_equal(a, b) and np.array_equal(a, c))
        self.assertTrue(np.array_equal(la, lb) and np.array_equal(la, lc))
        self.assertTrue(np.array_equal(a[:1234], p) and np.array_equal(la[:1234], lp))
        e, _ = g.sample(5000, seed=100)
        self.assertFalse(np.array_equal(a, e))


class W2MonteCarlo(unittest.TestCase):
    """W2 between two t components (the Gaussian formula on their covariances) against the
    empirical W2 of large samples drawn by the library."""

    def w2_lib(self, m0, c0, m1, c1):
        out = C.c_double()
        check(w2sq_gauss(len(m0), ptr(arr(m0)), ptr(arr(c0)), ptr(arr(m1)), ptr(arr(c1)),
                         C.byref(out)))
        return out.value

    def mw2_k1(self, nu, m0, s0, m1, s1):
        g0, g1 = Mixture([1.0], [m0], [s0], nu), Mixture([1.0], [m1], [s1], nu)
        p = P()
        check(mw2_create(g0.h, g1.h, None, C.byref(p)))
        sq = C.c_double()
        check(mw2_distance(p, C.byref(sq), None))
        mw2_destroy(p)
        return sq.value, g0, g1

    def test_one_d_quantile_coupling(self):
        """1-D: W2^2 of the empirical measures = mean (sorted x - sorted y)^2, n = 1e6, five
        seeds; the exact W2^2 within 5 standard errors of the seeds' mean plus a 1e-3 relative
        allowance for the O(1/n) quantile bias. The W2^2 of the SCALES (what a library that
        mixed up scale and covariance would return) is many such tolerances away."""
        nu = 6.0
        sq, g0, g1 = self.mw2_k1(nu, [0.0], [[1.0]], [0.5], [[4.0]])
        cps = nu / (nu - 2)
        exact = 0.25 + cps * (1.0 + 4.0 - 2 * 2.0)
        wrong = 0.25 + (1.0 + 4.0 - 2 * 2.0)
        self.assertAlmostEqual(sq, exact, delta=1e-14 * exact)
        self.assertAlmostEqual(self.w2_lib([0.0], [[cps]], [0.5], [[4 * cps]]), exact,
                               delta=1e-14 * exact)
        vals = []
        for seed in range(5):
            x, _ = g0.sample(1000000, seed=seed)
            y, _ = g1.sample(1000000, seed=1000 + seed)
            vals.append(np.mean((np.sort(x[:, 0]) - np.sort(y[:, 0])) ** 2))
        mean, se = np.mean(vals), np.std(vals, ddof=1) / math.sqrt(len(vals))
        tol = 5 * se + 1e-3 * exact
        print("1-D W2^2: exact %.6f, empirical %.6f +- %.6f (scales: %.6f)"
              % (exact, mean, se, wrong))
        self.assertLess(abs(mean - exact), tol)
        self.assertGreater(abs(mean - wrong), 5 * tol)

    def test_two_d_exact_ot(self):
        """2-D: W2^2 of two samples of n = 1000 by POT's exact OT, four seed pairs, nu = 5, equal
        means (so that W2^2 is all covariance: exact = nu/(nu-2) W2^2(scales)). At finite n
        W2^2(mu_n, nu_n) is biased upward by about E W2^2(mu_n, mu) + E W2^2(nu_n, nu), each
        about half the W2^2 between two independent samples of the same law; that estimate is
        subtracted per draw. The debiased mean must be within 3 standard errors of the draws
        plus 0.03 of the exact value, and more than that away from W2^2 of the scales."""
        nu = 5.0
        rot = np.array([[math.cos(0.5), -math.sin(0.5)], [math.sin(0.5), math.cos(0.5)]])
        s0 = np.diag([1.0, 0.25])
        s1 = rot @ np.diag([0.25, 1.0]) @ rot.T
        s1 = 0.5 * (s1 + s1.T)
        m = np.zeros(2)
        cps = nu / (nu - 2)
        exact = w2sq_ref(m, cps * s0, m, cps * s1)
        wrong = w2sq_ref(m, s0, m, s1)
        sq, g0, g1 = self.mw2_k1(nu, m, s0, m, s1)
        self.assertAlmostEqual(sq, exact, delta=1e-12 * exact)
        n = 1000
        a = np.full(n, 1.0 / n)
        debiased = []
        for seed in range(4):
            x, _ = g0.sample(n, seed=seed)
            y, _ = g1.sample(n, seed=100 + seed)
            x2, _ = g0.sample(n, seed=200 + seed)
            y2, _ = g1.sample(n, seed=300 + seed)
            cross = ot.emd2(a, a, ot.dist(x, y), numItermax=10 ** 7)
            self0 = ot.emd2(a, a, ot.dist(x, x2), numItermax=10 ** 7)
            self1 = ot.emd2(a, a, ot.dist(y, y2), numItermax=10 ** 7)
            debiased.append(cross - 0.5 * (self0 + self1))
        mean = np.mean(debiased)
        tol = 3 * np.std(debiased, ddof=1) / math.sqrt(len(debiased)) + 0.03 * exact
        print("2-D W2^2: exact %.4f, debiased empirical %.4f (tolerance %.4f; scales: %.4f)"
              % (exact, mean, tol, wrong))
        self.assertLess(abs(mean - exact), tol)
        self.assertGreater(abs(mean - wrong), tol)


class TMean(unittest.TestCase):
    def test_posteriors_are_t(self):
        """T_mean(x) = sum_k rho_k(x) sum_l (w_kl / r_k) (A_kl x + b_kl) with rho_k from SciPy's
        multivariate_t log-densities (the pair maps and plan from the library, the posteriors
        not), to 1e-12; the Gaussian posteriors would differ by far more."""
        rng = np.random.default_rng(21)
        d, nu = 2, 3.0
        m0 = rng.standard_normal((3, d)) * 2
        s0 = np.array([random_spd(rng, d) for _ in range(3)])
        m1 = rng.standard_normal((2, d)) * 2
        s1 = np.array([random_spd(rng, d) for _ in range(2)])
        w0, w1 = np.array([0.2, 0.5, 0.3]), np.array([0.6, 0.4])
        g0, g1 = Mixture(w0, m0, s0, nu), Mixture(w1, m1, s1, nu)
        p = P()
        check(mw2_create(g0.h, g1.h, None, C.byref(p)))
        nnz = mw2_nnz(p)
        rows = np.empty(nnz, dtype=np.uintp)
        cols = np.empty(nnz, dtype=np.uintp)
        mass = np.empty(nnz)
        check(mw2_sparse(p, rows.ctypes.data_as(SP), cols.ctypes.data_as(SP), ptr(mass), nnz))
        A = np.empty((nnz, d, d))
        b = np.empty((nnz, d))
        check(mw2_pair_maps(p, ptr(A), A.size, ptr(b), b.size))
        x = rng.standard_normal((40, d)) * 3
        x[0] = [40.0, -35.0]  # far out: heavy tails decide the posteriors
        got = np.empty_like(x)
        check(map_mean(p, len(x), ptr(x), None, ptr(got), got.size))
        mw2_destroy(p)
        r = np.array([mass[rows == k].sum() for k in range(3)])
        logp = np.array([np.log(r[k]) + stats.multivariate_t(m0[k], s0[k], df=nu).logpdf(x)
                         for k in range(3)])
        rho = np.exp(logp - logp.max(0))
        rho /= rho.sum(0)
        ref = np.zeros_like(x)
        for n_ in range(nnz):
            k = rows[n_]
            ref += (rho[k] * mass[n_] / r[k])[:, None] * (x @ A[n_].T + b[n_])
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
        # The Gaussian posteriors (same covariances) give a visibly different map.
        logg = np.array([np.log(r[k]) + stats.multivariate_normal(m0[k], nu / (nu - 2) * s0[k])
                         .logpdf(x) for k in range(3)])
        rg = np.exp(logg - logg.max(0))
        rg /= rg.sum(0)
        self.assertGreater(np.max(np.abs(rg - rho)), 1e-2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
