#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""libgmmot through ctypes + numpy, the way a Python binding would use it.

Run: GMMOT_LIBRARY=/path/to/libgmmot.so /usr/bin/python3 tests/ffi/python/test_gmmot.py
Exits 77 (CTest skip) when numpy cannot be imported.

Rules followed (c-abi-models.md 13.13): argtypes AND restype for every function used; opaque
handles as POINTER(OpaqueStruct); the version is checked on load; negative statuses raise
GmmotError carrying gmmot_last_error_message(); arrays are C-contiguous float64 numpy arrays.
References are computed in numpy only (eigh-based square roots), never by the library.
"""
import ctypes as C
import os
import re
import sys
import threading
import unittest

try:
    import numpy as np
except ImportError:  # pragma: no cover
    print("numpy is not available: skipping")
    sys.exit(77)

# ----------------------------------------------------------------------------- loading


def _expected_version():
    """GMMOT_VERSION_NUMBER from the source tree's header (fallback: the version written for)."""
    here = os.path.dirname(os.path.abspath(__file__))
    header = os.path.join(here, "..", "..", "..", "include", "gmmot", "version.h")
    try:
        with open(header, encoding="utf-8") as f:
            text = f.read()
        parts = [int(re.search(r"#define GMMOT_VERSION_%s (\d+)" % p, text).group(1))
                 for p in ("MAJOR", "MINOR", "PATCH")]
        return parts[0] * 10000 + parts[1] * 100 + parts[2]
    except (OSError, AttributeError):
        return 300  # 0.3.0


if "GMMOT_LIBRARY" not in os.environ:
    sys.exit("GMMOT_LIBRARY must name libgmmot.so")
lib = C.CDLL(os.environ["GMMOT_LIBRARY"])


class _Gmm(C.Structure):
    """Opaque gmmot_gmm_t; never instantiated."""


class _Options(C.Structure):
    """Opaque gmmot_options_t; never instantiated."""


class _Transport(C.Structure):
    """Opaque gmmot_transport_t; never instantiated."""


class _Mw2(C.Structure):
    """Opaque gmmot_mw2_t; never instantiated."""


class _Interrupt(C.Structure):
    """Opaque gmmot_interrupt_t; never instantiated."""


class _MixtureBarycenter(C.Structure):
    """Opaque gmmot_mw2_barycenter_t; never instantiated."""


GmmP = C.POINTER(_Gmm)
InterruptP = C.POINTER(_Interrupt)
# gmmot_progress_fn(user_data, stage, done, total, value); non-zero return cancels.
ProgressFn = C.CFUNCTYPE(C.c_int, C.c_void_p, C.c_int, C.c_uint64, C.c_uint64, C.c_double)
OptsP = C.POINTER(_Options)
TransportP = C.POINTER(_Transport)
Mw2P = C.POINTER(_Mw2)
BaryP = C.POINTER(_MixtureBarycenter)
U64P = C.POINTER(C.c_uint64)
DblP = C.POINTER(C.c_double)
SizeP = C.POINTER(C.c_size_t)
SZ = C.c_size_t

_PROTOTYPES = {
    "gmmot_version_number": (C.c_int, []),
    "gmmot_version_string": (C.c_char_p, []),
    "gmmot_build_info": (C.c_char_p, []),
    "gmmot_status_string": (C.c_char_p, [C.c_int]),
    "gmmot_last_error_message": (C.c_char_p, []),
    "gmmot_options_create": (C.c_int, [C.POINTER(OptsP)]),
    "gmmot_options_destroy": (None, [OptsP]),
    "gmmot_options_set_int": (C.c_int, [OptsP, C.c_int, C.c_int64]),
    "gmmot_options_get_int": (C.c_int, [OptsP, C.c_int, C.POINTER(C.c_int64)]),
    "gmmot_options_set_progress": (C.c_int, [OptsP, ProgressFn, C.c_void_p]),
    "gmmot_options_set_interrupt": (C.c_int, [OptsP, InterruptP]),
    "gmmot_interrupt_create": (C.c_int, [C.POINTER(InterruptP)]),
    "gmmot_interrupt_destroy": (None, [InterruptP]),
    "gmmot_interrupt_raise": (C.c_int, [InterruptP]),
    "gmmot_interrupt_reset": (C.c_int, [InterruptP]),
    "gmmot_interrupt_is_raised": (C.c_int, [InterruptP, C.POINTER(C.c_int)]),
    "gmmot_gmm_create": (C.c_int, [SZ, SZ, DblP, DblP, DblP, C.POINTER(GmmP)]),
    "gmmot_gmm_destroy": (None, [GmmP]),
    "gmmot_gmm_ncomponents": (SZ, [GmmP]),
    "gmmot_gmm_dim": (SZ, [GmmP]),
    "gmmot_gmm_copy_weights": (C.c_int, [GmmP, DblP, SZ]),
    "gmmot_gmm_copy_means": (C.c_int, [GmmP, DblP, SZ]),
    "gmmot_gmm_copy_covariances": (C.c_int, [GmmP, DblP, SZ]),
    "gmmot_gmm_log_density": (C.c_int, [GmmP, SZ, DblP, OptsP, DblP, SZ]),
    "gmmot_gmm_sample": (C.c_int, [GmmP, SZ, OptsP, DblP, SZ, SizeP, SZ]),
    "gmmot_gaussian_w2_squared": (C.c_int, [SZ, DblP, DblP, DblP, DblP, DblP]),
    "gmmot_gaussian_monge_map": (C.c_int, [SZ, DblP, DblP, DblP, DblP, DblP, SZ, DblP, SZ,
                                           DblP]),
    "gmmot_w2_cost_matrix": (C.c_int, [GmmP, GmmP, OptsP, DblP, SZ]),
    "gmmot_options_set_double": (C.c_int, [OptsP, C.c_int, C.c_double]),
    "gmmot_transport_solve": (C.c_int, [SZ, SZ, DblP, DblP, DblP, OptsP,
                                        C.POINTER(TransportP)]),
    "gmmot_transport_destroy": (None, [TransportP]),
    "gmmot_transport_rows": (SZ, [TransportP]),
    "gmmot_transport_cols": (SZ, [TransportP]),
    "gmmot_transport_nnz": (SZ, [TransportP]),
    "gmmot_transport_cost": (C.c_int, [TransportP, DblP]),
    "gmmot_transport_copy_plan": (C.c_int, [TransportP, DblP, SZ]),
    "gmmot_transport_copy_sparse_plan": (C.c_int, [TransportP, SizeP, SizeP, DblP, SZ]),
    "gmmot_transport_copy_duals": (C.c_int, [TransportP, DblP, SZ, DblP, SZ]),
    "gmmot_transport_info": (C.c_int, [TransportP, U64P, DblP]),
    "gmmot_mw2_create": (C.c_int, [GmmP, GmmP, OptsP, C.POINTER(Mw2P)]),
    "gmmot_mw2_destroy": (None, [Mw2P]),
    "gmmot_mw2_squared": (C.c_int, [GmmP, GmmP, OptsP, DblP]),
    "gmmot_mw2_distance": (C.c_int, [Mw2P, DblP, DblP]),
    "gmmot_mw2_rows": (SZ, [Mw2P]),
    "gmmot_mw2_cols": (SZ, [Mw2P]),
    "gmmot_mw2_nnz": (SZ, [Mw2P]),
    "gmmot_mw2_copy_sparse_plan": (C.c_int, [Mw2P, SizeP, SizeP, DblP, SZ]),
    "gmmot_mw2_barycenter_exact": (C.c_int, [C.POINTER(GmmP), SZ, DblP, SZ, OptsP,
                                             C.POINTER(BaryP)]),
    "gmmot_mw2_barycenter_destroy": (None, [BaryP]),
    "gmmot_mw2_barycenter_cost": (C.c_int, [BaryP, DblP]),
    "gmmot_mw2_barycenter_count": (SZ, [BaryP]),
    "gmmot_mw2_barycenter_components": (SZ, [BaryP]),
    "gmmot_mw2_barycenter_plan_nnz": (SZ, [BaryP, SZ]),
    "gmmot_mw2_barycenter_copy_plan": (C.c_int, [BaryP, SZ, SizeP, SizeP, DblP, SZ]),
    "gmmot_mw2_barycenter_copy_duals": (C.c_int, [BaryP, DblP, SZ]),
}
for _name, (_restype, _argtypes) in _PROTOTYPES.items():
    _f = getattr(lib, _name)
    _f.restype = _restype
    _f.argtypes = _argtypes

GMMOT_OK = 0
GMMOT_E_INVALID_ARGUMENT = -1
GMMOT_E_BUFFER_TOO_SMALL = -2
GMMOT_E_DIMENSION = -4
GMMOT_E_NONFINITE = -6
GMMOT_E_WEIGHTS = -7
GMMOT_E_NOT_PSD = -9
GMMOT_E_CANCELLED = -14
GMMOT_E_ITERATION_LIMIT = -15
GMMOT_STAGE_DENSITY = 7
GMMOT_W_NOT_CONVERGED = 1
GMMOT_OPT_NUM_THREADS = 100
GMMOT_OPT_SEED = 101
GMMOT_OPT_TRANSPORT_METHOD = 300
GMMOT_OPT_EXACT_MAX_ITERATIONS = 301
GMMOT_OPT_ENTROPIC_EPSILON = 302
GMMOT_TRANSPORT_ENTROPIC = 1

EXPECTED_VERSION = _expected_version()
if lib.gmmot_version_number() != EXPECTED_VERSION:
    raise ImportError("libgmmot version %d loaded, bindings written for %d"
                      % (lib.gmmot_version_number(), EXPECTED_VERSION))

# ----------------------------------------------------------------------------- thin binding


class GmmotError(Exception):
    def __init__(self, status, message):
        super().__init__("gmmot status %d: %s" % (status, message))
        self.status = status
        self.message = message


def check(rc):
    """Raise on a negative status; the message is read right away, on this thread."""
    if rc < 0:
        raise GmmotError(rc, lib.gmmot_last_error_message().decode("utf-8", "replace"))
    return rc


def last_message():
    return lib.gmmot_last_error_message().decode("utf-8", "replace")


def as_c(a):
    """A C-contiguous float64 array (copied only if needed). The caller keeps it alive."""
    return np.ascontiguousarray(a, dtype=np.float64)


def ptr(a):
    if a is None:
        return None
    assert a.dtype == np.float64 and a.flags.c_contiguous
    return a.ctypes.data_as(DblP)


class Options:
    def __init__(self):
        self.p = OptsP()
        check(lib.gmmot_options_create(C.byref(self.p)))

    def set_int(self, key, value):
        check(lib.gmmot_options_set_int(self.p, key, value))
        got = C.c_int64(-1)
        check(lib.gmmot_options_get_int(self.p, key, C.byref(got)))
        assert got.value == value
        return self

    def __del__(self):
        lib.gmmot_options_destroy(self.p)


class Gmm:
    def __init__(self, weights, means, covs):
        w, m, c = as_c(weights), as_c(means), as_c(covs)
        k, d = m.shape
        if w.shape != (k,) or c.shape != (k, d, d):
            raise ValueError("shapes")
        self.p = GmmP()
        check(lib.gmmot_gmm_create(k, d, ptr(w), ptr(m), ptr(c), C.byref(self.p)))
        self.k, self.d = k, d

    def __del__(self):
        if getattr(self, "p", None):
            lib.gmmot_gmm_destroy(self.p)

    def weights(self):
        out = np.empty(self.k)
        check(lib.gmmot_gmm_copy_weights(self.p, ptr(out), out.size))
        return out

    def means(self):
        out = np.empty((self.k, self.d))
        check(lib.gmmot_gmm_copy_means(self.p, ptr(out), out.size))
        return out

    def covariances(self):
        out = np.empty((self.k, self.d, self.d))
        check(lib.gmmot_gmm_copy_covariances(self.p, ptr(out), out.size))
        return out

    def log_density(self, points, opts=None):
        x = as_c(points)
        out = np.empty(x.shape[0])
        check(lib.gmmot_gmm_log_density(self.p, x.shape[0], ptr(x), opts.p if opts else None,
                                        ptr(out), out.size))
        return out

    def sample(self, n, opts=None):
        """n points and their labels; the seed is the option GMMOT_OPT_SEED of opts."""
        pts = np.empty((n, self.d))
        labels = np.empty(n, dtype=np.uintp)
        check(lib.gmmot_gmm_sample(self.p, n, opts.p if opts else None, ptr(pts), pts.size,
                                   labels.ctypes.data_as(SizeP), labels.size))
        return pts, labels


def w2sq(m0, s0, m1, s1):
    m0, s0, m1, s1 = as_c(m0), as_c(s0), as_c(m1), as_c(s1)
    out = C.c_double(-1.0)
    check(lib.gmmot_gaussian_w2_squared(m0.size, ptr(m0), ptr(s0), ptr(m1), ptr(s1), C.byref(out)))
    return out.value


def monge_map(m0, s0, m1, s1):
    m0, s0, m1, s1 = as_c(m0), as_c(s0), as_c(m1), as_c(s1)
    d = m0.size
    a, b, res = np.empty((d, d)), np.empty(d), C.c_double(-1.0)
    check(lib.gmmot_gaussian_monge_map(d, ptr(m0), ptr(s0), ptr(m1), ptr(s1), ptr(a), a.size,
                                       ptr(b), b.size, C.byref(res)))
    return a, b, res.value


def threads(n):
    return Options().set_int(GMMOT_OPT_NUM_THREADS, n)


class Transport:
    """gmmot_transport_solve and its getters (a: k0, b: k1, cost: k0 x k1)."""

    def __init__(self, a, b, cost, opts=None):
        a, b, c = as_c(a), as_c(b), as_c(cost)
        k0, k1 = c.shape
        if a.shape != (k0,) or b.shape != (k1,):
            raise ValueError("shapes")
        self.p = TransportP()
        self.status = check(lib.gmmot_transport_solve(k0, k1, ptr(a), ptr(b), ptr(c),
                                                      opts.p if opts else None,
                                                      C.byref(self.p)))
        self.k0, self.k1 = k0, k1

    def __del__(self):
        if getattr(self, "p", None):
            lib.gmmot_transport_destroy(self.p)

    def cost(self):
        out = C.c_double(-1.0)
        check(lib.gmmot_transport_cost(self.p, C.byref(out)))
        return out.value

    def plan(self):
        out = np.empty((self.k0, self.k1))
        check(lib.gmmot_transport_copy_plan(self.p, ptr(out), out.size))
        return out

    def sparse_plan(self):
        n = lib.gmmot_transport_nnz(self.p)
        rows, cols = np.empty(n, dtype=np.uintp), np.empty(n, dtype=np.uintp)
        mass = np.empty(n)
        check(lib.gmmot_transport_copy_sparse_plan(self.p, rows.ctypes.data_as(SizeP),
                                                   cols.ctypes.data_as(SizeP), ptr(mass), n))
        return rows.astype(np.int64), cols.astype(np.int64), mass

    def duals(self):
        u, v = np.empty(self.k0), np.empty(self.k1)
        check(lib.gmmot_transport_copy_duals(self.p, ptr(u), u.size, ptr(v), v.size))
        return u, v

    def info(self):
        it, err = C.c_uint64(0), C.c_double(-1.0)
        check(lib.gmmot_transport_info(self.p, C.byref(it), C.byref(err)))
        return it.value, err.value


class Mw2:
    """gmmot_mw2_create and a few getters."""

    def __init__(self, g0, g1, opts=None):
        self.p = Mw2P()
        self.status = check(lib.gmmot_mw2_create(g0.p, g1.p, opts.p if opts else None,
                                                 C.byref(self.p)))

    def __del__(self):
        if getattr(self, "p", None):
            lib.gmmot_mw2_destroy(self.p)

    def distance(self):
        sq, d = C.c_double(-1.0), C.c_double(-1.0)
        check(lib.gmmot_mw2_distance(self.p, C.byref(sq), C.byref(d)))
        return sq.value, d.value

    def sparse_plan(self):
        n = lib.gmmot_mw2_nnz(self.p)
        rows, cols = np.empty(n, dtype=np.uintp), np.empty(n, dtype=np.uintp)
        mass = np.empty(n)
        check(lib.gmmot_mw2_copy_sparse_plan(self.p, rows.ctypes.data_as(SizeP),
                                             cols.ctypes.data_as(SizeP), ptr(mass), n))
        return rows.astype(np.int64), cols.astype(np.int64), mass


def mw2sq(g0, g1, opts=None):
    out = C.c_double(-1.0)
    check(lib.gmmot_mw2_squared(g0.p, g1.p, opts.p if opts else None, C.byref(out)))
    return out.value


def cost_matrix(g0, g1, opts=None):
    out = np.empty((g0.k, g1.k))
    check(lib.gmmot_w2_cost_matrix(g0.p, g1.p, opts.p if opts else None, ptr(out), out.size))
    return out


# ----------------------------------------------------------------------------- numpy references


def sqrtm_psd(s):
    lam, v = np.linalg.eigh(s)
    return (v * np.sqrt(np.clip(lam, 0.0, None))) @ v.T


def w2sq_ref(m0, s0, m1, s1):
    r = sqrtm_psd(s0)
    mid = r @ s1 @ r
    lam = np.linalg.eigvalsh((mid + mid.T) / 2)
    return float(np.sum((m0 - m1) ** 2) + np.trace(s0) + np.trace(s1)
                 - 2.0 * np.sum(np.sqrt(np.clip(lam, 0.0, None))))


def log_density_ref(w, m, c, x):
    d = m.shape[1]
    terms = []
    for k in range(len(w)):
        chol = np.linalg.cholesky(c[k])
        z = np.linalg.solve(chol, (x - m[k]).T)
        logdet = 2.0 * np.sum(np.log(np.diag(chol)))
        terms.append(np.log(w[k]) - 0.5 * (d * np.log(2 * np.pi) + logdet + np.sum(z * z, axis=0)))
    t = np.array(terms)
    top = t.max(axis=0)
    return top + np.log(np.sum(np.exp(t - top), axis=0))


def transport_ref(a, b, cost):
    """Optimal cost and plan of min <C, P>, P 1 = a, P^T 1 = b, P >= 0, without libgmmot:
    scipy.optimize.linprog (HiGHS) when SciPy is there, otherwise the best basic feasible
    solution over every set of K0 + K1 - 1 cells (tiny problems only)."""
    k0, k1 = cost.shape
    eq = np.zeros((k0 + k1, k0 * k1))
    for i in range(k0):
        eq[i, i * k1:(i + 1) * k1] = 1.0
    for j in range(k1):
        eq[k0 + j, j::k1] = 1.0
    rhs = np.concatenate([a, b])
    try:
        from scipy.optimize import linprog
    except ImportError:
        linprog = None
    if linprog is not None:
        res = linprog(cost.ravel(), A_eq=eq, b_eq=rhs, bounds=(0, None), method="highs")
        assert res.status == 0, res.message
        return float(res.fun), res.x.reshape(k0, k1)
    import itertools
    if k0 * k1 > 16:
        raise unittest.SkipTest("no SciPy and too large for the brute force")
    best, best_x = np.inf, None
    for cells in itertools.combinations(range(k0 * k1), k0 + k1 - 1):
        sub = eq[:, cells]
        x, _, rank, _ = np.linalg.lstsq(sub, rhs, rcond=None)
        if rank < k0 + k1 - 1 or np.abs(sub @ x - rhs).max() > 1e-12 or x.min() < -1e-12:
            continue
        full = np.zeros(k0 * k1)
        full[list(cells)] = x
        val = float(cost.ravel() @ full)
        if val < best:
            best, best_x = val, full.reshape(k0, k1)
    return best, best_x


def random_spd(rng, d, floor=0.1):
    b = rng.standard_normal((d, d))
    s = b @ b.T + floor * np.eye(d)
    return (s + s.T) / 2  # exactly symmetric


def random_gmm_arrays(rng, k, d):
    w = rng.uniform(0.2, 1.0, k)
    w /= w.sum()
    m = rng.standard_normal((k, d)) * 2.0
    c = np.array([random_spd(rng, d) for _ in range(k)])
    return w, m, c


# ----------------------------------------------------------------------------- tests


class TestLoad(unittest.TestCase):
    def test_version(self):
        self.assertEqual(lib.gmmot_version_number(), EXPECTED_VERSION)
        v = EXPECTED_VERSION
        self.assertEqual(lib.gmmot_version_string().decode(),
                         "%d.%d.%d" % (v // 10000, v // 100 % 100, v % 100))
        self.assertTrue(lib.gmmot_build_info())

    def test_status_strings(self):
        self.assertIn(b"GMMOT_E_WEIGHTS", lib.gmmot_status_string(GMMOT_E_WEIGHTS))
        self.assertEqual(lib.gmmot_status_string(4242), b"unknown status")


class TestRowMajor(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(1)
        self.w, self.m, self.c = random_gmm_arrays(self.rng, 3, 4)

    def test_round_trip(self):
        g = Gmm(self.w, self.m, self.c)
        self.assertEqual(lib.gmmot_gmm_ncomponents(g.p), 3)
        self.assertEqual(lib.gmmot_gmm_dim(g.p), 4)
        np.testing.assert_array_equal(g.means(), self.m)
        np.testing.assert_array_equal(g.covariances(), self.c)
        np.testing.assert_allclose(g.weights(), self.w, rtol=1e-15)
        self.assertAlmostEqual(float(g.weights().sum()), 1.0, places=15)

    def test_fortran_ordered_input(self):
        """A Fortran-ordered numpy array means the same (k, d) matrix once made C-contiguous."""
        mf, cf = np.asfortranarray(self.m), np.asfortranarray(self.c)
        self.assertFalse(mf.flags.c_contiguous)
        g = Gmm(self.w, mf, cf)
        np.testing.assert_array_equal(g.means(), self.m)
        np.testing.assert_array_equal(g.covariances(), self.c)

    def test_component_k_is_row_k(self):
        """means[k, :] and covs[k, :, :] belong to component k: component 1 against itself."""
        g = Gmm(self.w, self.m, self.c)
        one = Gmm([1.0], self.m[1:2], self.c[1:2])
        col = cost_matrix(g, one)[:, 0]
        self.assertLessEqual(col[1], 1e-14 * 2 * np.trace(self.c[1]))
        self.assertTrue(np.all(np.delete(col, 1) > 1e-3))
        # And the log density at means[1] of a mixture equals the per-component formula.
        np.testing.assert_allclose(g.log_density(self.m[1:2]),
                                   log_density_ref(self.w, self.m, self.c, self.m[1:2]),
                                   rtol=1e-12)


class TestW2(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(2)

    def test_against_numpy_reference(self):
        """W2^2 vs an eigh-based numpy reference on random SPD matrices, 1e-10 relative."""
        for d in (1, 2, 3, 4, 5, 8, 12, 20):
            for _ in range(5):
                m0, m1 = self.rng.standard_normal(d), self.rng.standard_normal(d)
                s0, s1 = random_spd(self.rng, d), random_spd(self.rng, d)
                got, ref = w2sq(m0, s0, m1, s1), w2sq_ref(m0, s0, m1, s1)
                self.assertLessEqual(abs(got - ref), 1e-10 * abs(ref), (d, got, ref))

    def test_monge_map_pushes_s0_to_s1(self):
        """A S0 A = S1 (1e-10 relative), A symmetric PSD, b = m1 - A m0, A = the numpy formula."""
        for d in (1, 2, 3, 4, 6, 10):
            m0, m1 = self.rng.standard_normal(d), self.rng.standard_normal(d)
            s0, s1 = random_spd(self.rng, d), random_spd(self.rng, d)
            a, b, res = monge_map(m0, s0, m1, s1)
            rel = np.linalg.norm(a @ s0 @ a - s1) / np.linalg.norm(s1)
            self.assertLessEqual(rel, 1e-10, d)
            self.assertLessEqual(res, 1e-10, d)
            self.assertGreaterEqual(res, 0.0, d)
            np.testing.assert_allclose(a, a.T, rtol=0, atol=1e-12 * np.linalg.norm(a))
            self.assertGreater(np.linalg.eigvalsh((a + a.T) / 2).min(), 0.0)
            np.testing.assert_allclose(b, m1 - a @ m0, rtol=1e-12, atol=1e-13)
            r = sqrtm_psd(s0)
            ri = np.linalg.inv(r)
            ref = ri @ sqrtm_psd(r @ s1 @ r) @ ri
            np.testing.assert_allclose(a, ref, rtol=0, atol=1e-9 * np.linalg.norm(ref))

    def test_cost_matrix_vs_pairwise(self):
        w0, m0, c0 = random_gmm_arrays(self.rng, 4, 5)
        w1, m1, c1 = random_gmm_arrays(self.rng, 6, 5)
        g0, g1 = Gmm(w0, m0, c0), Gmm(w1, m1, c1)
        cm = cost_matrix(g0, g1)
        self.assertEqual(cm.shape, (4, 6))
        for k in range(4):
            for l in range(6):
                pair = w2sq(m0[k], c0[k], m1[l], c1[l])
                scale = np.trace(c0[k]) + np.trace(c1[l])
                self.assertLessEqual(abs(cm[k, l] - pair), 1e-12 * pair + 1e-15 * scale)
                ref = w2sq_ref(m0[k], c0[k], m1[l], c1[l])
                self.assertLessEqual(abs(cm[k, l] - ref), 1e-10 * ref)
        # Identical with 1 and 2 threads.
        a = cost_matrix(g0, g1, Options().set_int(GMMOT_OPT_NUM_THREADS, 1))
        b = cost_matrix(g0, g1, Options().set_int(GMMOT_OPT_NUM_THREADS, 2))
        np.testing.assert_array_equal(a, b)


class TestErrors(unittest.TestCase):
    def test_nonfinite_names_argument(self):
        s = np.eye(2)
        bad = np.array([[1.0, 0.0], [0.0, np.nan]])
        with self.assertRaises(GmmotError) as cm:
            w2sq(np.zeros(2), s, np.ones(2), bad)
        self.assertEqual(cm.exception.status, GMMOT_E_NONFINITE)
        self.assertIn("gmmot_gaussian_w2_squared", cm.exception.message)
        self.assertRegex(cm.exception.message, r"(?i)(?<![A-Za-z0-9_])s1(?![A-Za-z0-9_])")

    def test_weights(self):
        with self.assertRaises(GmmotError) as cm:
            Gmm([0.5, 0.6], np.zeros((2, 1)), np.ones((2, 1, 1)))
        self.assertEqual(cm.exception.status, GMMOT_E_WEIGHTS)
        self.assertIn("gmmot_gmm_create", cm.exception.message)
        self.assertRegex(cm.exception.message, r"(?i)\bweights\b")

    def test_not_psd_names_component(self):
        c = np.array([np.eye(2), [[1.0, 2.0], [2.0, 1.0]]])
        with self.assertRaises(GmmotError) as cm:
            Gmm([0.5, 0.5], np.zeros((2, 2)), c)
        self.assertEqual(cm.exception.status, GMMOT_E_NOT_PSD)
        self.assertRegex(cm.exception.message, r"(?i)\b(covs|covariances)\[1(?!\d)")

    def test_null_and_small_buffer(self):
        with self.assertRaises(GmmotError) as cm:
            check(lib.gmmot_gaussian_w2_squared(2, None, ptr(as_c(np.eye(2))), None, None, None))
        self.assertEqual(cm.exception.status, GMMOT_E_INVALID_ARGUMENT)
        g = Gmm([1.0], np.zeros((1, 3)), np.eye(3)[None])
        out = np.full(2, -7.0)
        with self.assertRaises(GmmotError) as cm:
            check(lib.gmmot_gmm_copy_means(g.p, ptr(out), out.size))
        self.assertEqual(cm.exception.status, GMMOT_E_BUFFER_TOO_SMALL)
        np.testing.assert_array_equal(out, [-7.0, -7.0])
        # The message is "" after the next successful call.
        g.means()
        self.assertEqual(last_message(), "")

    def test_dimension_mismatch(self):
        g2 = Gmm([1.0], np.zeros((1, 2)), np.eye(2)[None])
        g3 = Gmm([1.0], np.zeros((1, 3)), np.eye(3)[None])
        with self.assertRaises(GmmotError) as cm:
            cost_matrix(g2, g3)
        self.assertEqual(cm.exception.status, GMMOT_E_DIMENSION)
        self.assertIn("gmmot_w2_cost_matrix", cm.exception.message)


class TestTransport(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(4)

    def check_solution(self, t, a, b, c):
        """nnz <= K0+K1-1, sorted triplets = dense plan, marginals, dual certificate."""
        k0, k1 = c.shape
        self.assertEqual((lib.gmmot_transport_rows(t.p), lib.gmmot_transport_cols(t.p)), (k0, k1))
        plan = t.plan()
        rows, cols, mass = t.sparse_plan()
        self.assertLessEqual(len(mass), k0 + k1 - 1)
        self.assertTrue(np.all(mass > 0))
        keys = rows * k1 + cols
        self.assertTrue(np.all(np.diff(keys) > 0), "triplets sorted by (row, col)")
        dense = np.zeros((k0, k1))
        dense[rows, cols] = mass
        np.testing.assert_array_equal(dense, plan)
        np.testing.assert_allclose(plan.sum(axis=1), a, rtol=0, atol=1e-14)
        np.testing.assert_allclose(plan.sum(axis=0), b, rtol=0, atol=1e-14)
        u, v = t.duals()
        scale = np.abs(c).max()
        self.assertLessEqual((u[:, None] + v[None, :] - c).max(), 1e-13 * scale)
        np.testing.assert_allclose((u[:, None] + v[None, :])[plan > 0], c[plan > 0], rtol=0,
                                   atol=1e-13 * scale)
        self.assertAlmostEqual(u @ a, v @ b, delta=1e-13 * scale)
        self.assertAlmostEqual(u @ a + v @ b, t.cost(), delta=1e-13 * scale)
        it, err = t.info()
        self.assertGreater(it, 0)
        self.assertLessEqual(err, 1e-14)

    def test_small_against_reference(self):
        """A 3x4 problem (brute force possible without SciPy) and a 12x9 one vs linprog."""
        for k0, k1 in ((3, 4), (12, 9)):
            a = self.rng.uniform(0.5, 1.5, k0)
            a /= a.sum()
            b = self.rng.uniform(0.5, 1.5, k1)
            b /= b.sum()
            c = self.rng.uniform(-3.0, 10.0, (k0, k1))  # negative costs are fine
            try:
                ref_cost, ref_plan = transport_ref(a, b, c)
            except unittest.SkipTest:
                continue
            t = Transport(a, b, c)
            self.assertEqual(t.status, GMMOT_OK)
            self.assertLessEqual(abs(t.cost() - ref_cost), 1e-10 * max(1.0, abs(ref_cost)))
            # random costs: the optimum is unique, so the plans agree too
            np.testing.assert_allclose(t.plan(), ref_plan, rtol=0, atol=1e-9)
            self.check_solution(t, a, b, c)

    def test_entropic_close_to_exact(self):
        a = np.full(6, 1 / 6)
        b = self.rng.uniform(0.5, 1.5, 5)
        b /= b.sum()
        c = self.rng.uniform(0.0, 4.0, (6, 5))
        exact = Transport(a, b, c).cost()
        opts = Options().set_int(GMMOT_OPT_TRANSPORT_METHOD, GMMOT_TRANSPORT_ENTROPIC)
        check(lib.gmmot_options_set_double(opts.p, GMMOT_OPT_ENTROPIC_EPSILON, 1e-3))
        t = Transport(a, b, c, opts)
        self.assertEqual(t.status, GMMOT_OK)
        eps_abs = 1e-3 * np.abs(c).max()
        self.assertGreaterEqual(t.cost(), exact - 1e-8)
        self.assertLessEqual(t.cost(), exact + eps_abs * np.log(30.0) + 1e-8)
        _, err = t.info()
        self.assertLessEqual(err, 1e-8)

    def test_errors(self):
        a, b = np.array([0.5, 0.5]), np.array([0.25, 0.75])
        c = np.array([[1.0, 2.0], [np.nan, 0.0]])
        with self.assertRaises(GmmotError) as cm:
            Transport(a, b, c)
        self.assertEqual(cm.exception.status, GMMOT_E_NONFINITE)
        self.assertIn("gmmot_transport_solve", cm.exception.message)
        self.assertIn("cost[1][0]", cm.exception.message)
        with self.assertRaises(GmmotError) as cm:
            Transport([0.5, -0.5, 1.0], b, np.ones((3, 2)))
        self.assertEqual(cm.exception.status, GMMOT_E_WEIGHTS)
        self.assertRegex(cm.exception.message, r"\ba\[1\]")
        with self.assertRaises(GmmotError) as cm:
            Transport(a, [0.5, 0.6], np.ones((2, 2)))
        self.assertEqual(cm.exception.status, GMMOT_E_WEIGHTS)
        # The pivot cap: an error and no object.
        rng = np.random.default_rng(5)
        k = 30
        c = rng.uniform(0.0, 1.0, (k, k))
        w = np.full(k, 1.0 / k)
        with self.assertRaises(GmmotError) as cm:
            Transport(w, w, c, Options().set_int(GMMOT_OPT_EXACT_MAX_ITERATIONS, 2))
        self.assertEqual(cm.exception.status, GMMOT_E_ITERATION_LIMIT)
        # Short buffer: nothing written.
        t = Transport(a, b, np.array([[1.0, 2.0], [3.0, 0.0]]))
        out = np.full(3, -7.0)
        with self.assertRaises(GmmotError) as cm:
            check(lib.gmmot_transport_copy_plan(t.p, ptr(out), out.size))
        self.assertEqual(cm.exception.status, GMMOT_E_BUFFER_TOO_SMALL)
        np.testing.assert_array_equal(out, [-7.0] * 3)
        self.assertEqual(lib.gmmot_transport_nnz(None), 0)


class TestMw2(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(6)

    def test_against_linprog_on_numpy_costs(self):
        """MW2^2 = the LP on the numpy W2^2 matrix; MW2 = sqrt; triplets: marginals, sorted."""
        w0, m0, c0 = random_gmm_arrays(self.rng, 3, 2)
        w1, m1, c1 = random_gmm_arrays(self.rng, 4, 2)
        g0, g1 = Gmm(w0, m0, c0), Gmm(w1, m1, c1)
        cost = np.array([[w2sq_ref(m0[k], c0[k], m1[l], c1[l]) for l in range(4)]
                         for k in range(3)])
        ref, ref_plan = transport_ref(w0, w1, cost)
        p = Mw2(g0, g1)
        self.assertEqual((lib.gmmot_mw2_rows(p.p), lib.gmmot_mw2_cols(p.p)), (3, 4))
        sq, d = p.distance()
        self.assertLessEqual(abs(sq - ref), 1e-9 * ref)
        self.assertAlmostEqual(d, np.sqrt(sq), delta=1e-15 * d)
        self.assertEqual(mw2sq(g0, g1), sq)
        rows, cols, mass = p.sparse_plan()
        self.assertLessEqual(len(mass), 3 + 4 - 1)
        self.assertTrue(np.all(np.diff(rows * 4 + cols) > 0))
        plan = np.zeros((3, 4))
        plan[rows, cols] = mass
        np.testing.assert_allclose(plan.sum(axis=1), w0, atol=1e-14)
        np.testing.assert_allclose(plan.sum(axis=0), w1, atol=1e-14)
        np.testing.assert_allclose(plan, ref_plan, atol=1e-9)
        self.assertLessEqual(abs(float(np.sum(plan * cost)) - sq), 1e-9 * sq)
        # Symmetric, and zero against itself.
        self.assertLessEqual(abs(mw2sq(g1, g0) - sq), 1e-12 * sq)
        self.assertLessEqual(mw2sq(g0, g0), 1e-13 * np.trace(c0, axis1=1, axis2=2).sum())

    def test_dimension_mismatch(self):
        g2 = Gmm([1.0], np.zeros((1, 2)), np.eye(2)[None])
        g3 = Gmm([1.0], np.zeros((1, 3)), np.eye(3)[None])
        with self.assertRaises(GmmotError) as cm:
            Mw2(g2, g3)
        self.assertEqual(cm.exception.status, GMMOT_E_DIMENSION)
        self.assertIn("gmmot_mw2_create", cm.exception.message)


class TestDensityAndSampling(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(3)
        self.w = np.array([0.2, 0.5, 0.3])
        self.m = np.array([[0.0, 0.0], [3.0, -1.0], [-2.0, 4.0]])
        self.c = np.array([random_spd(self.rng, 2, 0.3) for _ in range(3)])
        self.g = Gmm(self.w, self.m, self.c)

    def test_log_density_vs_numpy(self):
        x = self.rng.standard_normal((500, 2)) * 4.0
        x[:5] *= 50.0  # far tails: log-sum-exp must still be accurate
        got, ref = self.g.log_density(x), log_density_ref(self.w, self.m, self.c, x)
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(got, self.g.log_density(x, threads(2)))

    def test_sample_moments(self):
        """200000 samples: mean and covariance within 5 standard errors of the mixture's."""
        n = 200000
        x, labels = self.g.sample(n, Options().set_int(GMMOT_OPT_SEED, 12345))
        self.assertEqual(x.shape, (n, 2))
        self.assertTrue(np.all(labels < 3))
        mean = self.w @ self.m
        cov = sum(self.w[k] * (self.c[k] + np.outer(self.m[k], self.m[k])) for k in range(3))
        cov -= np.outer(mean, mean)
        xm = x.mean(axis=0)
        se_mean = np.sqrt(np.diag(cov) / n)
        self.assertTrue(np.all(np.abs(xm - mean) <= 5 * se_mean), (xm, mean, se_mean))
        xc = x - xm
        for i in range(2):
            for j in range(2):
                z = xc[:, i] * xc[:, j]
                se = z.std() / np.sqrt(n)
                self.assertLessEqual(abs(z.mean() - cov[i, j]), 5 * se, (i, j, z.mean(), cov[i, j]))
        freq = np.bincount(labels.astype(np.int64), minlength=3) / n
        np.testing.assert_allclose(freq, self.w, atol=5 * np.sqrt(0.25 / n))
        # Same seed: identical, with 1 or 2 threads.
        y, ly = self.g.sample(n, threads(1).set_int(GMMOT_OPT_SEED, 12345))
        z2, lz = self.g.sample(n, threads(2).set_int(GMMOT_OPT_SEED, 12345))
        np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(x, z2)
        np.testing.assert_array_equal(labels, ly)
        np.testing.assert_array_equal(labels, lz)


class TestProgressAndCancel(unittest.TestCase):
    """A ctypes progress callback and an interrupt flag raised from another Python thread."""

    def setUp(self):
        rng = np.random.default_rng(5)
        self.g = Gmm(np.array([0.5, 0.5]), np.array([[0.0, 0.0], [3.0, 1.0]]),
                     np.array([random_spd(rng, 2, 0.3) for _ in range(2)]))
        self.x = as_c(rng.standard_normal((200000, 2)))
        self.flag = InterruptP()
        check(lib.gmmot_interrupt_create(C.byref(self.flag)))
        self.opts = threads(2)
        self.calls = []
        self.mode = "run"

        def on_progress(user_data, stage, done, total, value):
            # Must not raise out of the callback: ctypes would print and return 0.
            self.calls.append((stage, done, total))
            if len(self.calls) == 1 and self.mode == "thread":
                t = threading.Thread(target=lambda: lib.gmmot_interrupt_raise(self.flag))
                t.start()
                t.join()
            return 1 if self.mode == "cancel" else 0

        self.callback = ProgressFn(on_progress)  # kept alive while the options use it
        check(lib.gmmot_options_set_progress(self.opts.p, self.callback, None))
        check(lib.gmmot_options_set_interrupt(self.opts.p, self.flag))

    def tearDown(self):
        check(lib.gmmot_options_set_interrupt(self.opts.p, None))
        lib.gmmot_interrupt_destroy(self.flag)

    def density(self, out):
        return lib.gmmot_gmm_log_density(self.g.p, self.x.shape[0], ptr(self.x), self.opts.p,
                                         ptr(out), out.size)

    def test_progress_then_cancel(self):
        ref = self.g.log_density(self.x)
        out = np.full(self.x.shape[0], -7.0)
        self.assertEqual(self.density(out), GMMOT_OK)
        np.testing.assert_array_equal(out, ref)
        self.assertGreaterEqual(len(self.calls), 2)
        dones = [d for (s, d, t) in self.calls]
        self.assertTrue(all(s == GMMOT_STAGE_DENSITY for (s, d, t) in self.calls))
        self.assertEqual(dones, sorted(dones))
        self.assertEqual(self.calls[-1][1:], (self.x.shape[0], self.x.shape[0]))
        # Cancelled by the callback: nothing written.
        self.calls, self.mode = [], "cancel"
        out[:] = -7.0
        self.assertEqual(self.density(out), GMMOT_E_CANCELLED)
        self.assertIn("gmmot_gmm_log_density", last_message())
        self.assertTrue(np.all(out == -7.0))
        # Interrupted from another thread during the call; sticky until reset.
        self.calls, self.mode = [], "thread"
        self.assertEqual(self.density(out), GMMOT_E_CANCELLED)
        self.assertIn("interrupt", last_message())
        self.assertTrue(np.all(out == -7.0))
        raised = C.c_int(-1)
        check(lib.gmmot_interrupt_is_raised(self.flag, C.byref(raised)))
        self.assertEqual(raised.value, 1)
        self.mode = "run"
        self.assertEqual(self.density(out), GMMOT_E_CANCELLED)
        check(lib.gmmot_interrupt_reset(self.flag))
        self.assertEqual(self.density(out), GMMOT_OK)
        np.testing.assert_array_equal(out, ref)


class TestMixtureBarycenter(unittest.TestCase):
    """gmmot/barycenter.h through ctypes: an array of handles in, a result handle out."""

    def test_two_mixtures_are_the_geodesic(self):
        """J = 2: V = lambda_0 lambda_1 MW2^2(mu_0, mu_1), with MW2^2 from numpy costs and the
        reference LP; the plans' marginals; the duals times the weights give V."""
        rng = np.random.default_rng(8)
        arrays = [random_gmm_arrays(rng, 3, 2), random_gmm_arrays(rng, 2, 2)]
        gmms = [Gmm(*a) for a in arrays]
        (w0, m0, c0), (w1, m1, c1) = arrays
        cost = np.array([[w2sq_ref(m0[k], c0[k], m1[l], c1[l]) for l in range(2)]
                         for k in range(3)])
        ref, _ = transport_ref(w0, w1, cost)
        lam = as_c([0.3, 0.7])
        handles = (GmmP * 2)(gmms[0].p, gmms[1].p)
        b = BaryP()
        check(lib.gmmot_mw2_barycenter_exact(handles, 2, ptr(lam), 2, None, C.byref(b)))
        try:
            v = C.c_double(-1.0)
            check(lib.gmmot_mw2_barycenter_cost(b, C.byref(v)))
            self.assertLessEqual(abs(v.value - 0.3 * 0.7 * ref), 1e-9 * v.value)
            self.assertEqual(lib.gmmot_mw2_barycenter_count(b), 2)
            n = lib.gmmot_mw2_barycenter_components(b)
            self.assertTrue(1 <= n <= 3 + 2 - 1)
            rows_of = []
            for j, w in enumerate((w0, w1)):
                nnz = lib.gmmot_mw2_barycenter_plan_nnz(b, j)
                rows = np.empty(nnz, dtype=np.uintp)
                cols = np.empty(nnz, dtype=np.uintp)
                mass = np.empty(nnz)
                check(lib.gmmot_mw2_barycenter_copy_plan(b, j, rows.ctypes.data_as(SizeP),
                                                         cols.ctypes.data_as(SizeP), ptr(mass),
                                                         nnz))
                plan = np.zeros((n, len(w)))
                plan[rows.astype(np.int64), cols.astype(np.int64)] = mass
                np.testing.assert_allclose(plan.sum(axis=0), w, atol=1e-14)
                rows_of.append(plan.sum(axis=1))
            np.testing.assert_allclose(rows_of[0], rows_of[1], atol=1e-14)
            u = np.empty(5)
            check(lib.gmmot_mw2_barycenter_copy_duals(b, ptr(u), 5))
            self.assertLessEqual(abs(float(u[:3] @ w0 + u[3:] @ w1) - v.value), 1e-12 * v.value)
        finally:
            lib.gmmot_mw2_barycenter_destroy(b)

    def test_null_entry_is_named(self):
        g = Gmm([1.0], np.zeros((1, 2)), np.eye(2)[None])
        handles = (GmmP * 2)(g.p, GmmP())
        b = BaryP()
        lam = as_c([0.5, 0.5])
        rc = lib.gmmot_mw2_barycenter_exact(handles, 2, ptr(lam), 2, None, C.byref(b))
        self.assertEqual(rc, GMMOT_E_INVALID_ARGUMENT)
        self.assertIn("gmms[1]", last_message())
        self.assertFalse(b)


if __name__ == "__main__":
    unittest.main()
