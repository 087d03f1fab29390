#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The Python package's benchmarks (issue 16, section 7), run by bench/run_python.sh.

  py_bindings.py DATA_DIR --libgmmot-output FILE [--threads T]

1. case=py_overhead: the same calls bench_calls made in C, through the `gmmot` package, on the
   same mixtures (DATA_DIR/g0.gmm, g1.gmm, saved by bench_calls) and the same points
   (g0.sample with seed 1 = gmmot_gmm_sample with GMMOT_OPT_SEED 1). impl=python lines carry
   overhead_us (per call, over the C time in FILE; target <= 10 us for MW2 at K = 10, d = 3)
   or overhead_pct (T_mean on 786 432 points; target <= 5 %), and whether the results agree.
2. case=pot_<function>: the POT-compatible functions of gmmot.pot (impl=libgmmot) against the
   same computation in NumPy/SciPy written the way POT's ot.gmm / ot.gaussian compute it
   (impl=numpy-scipy: eigh-based square roots, ot.emd/ot.emd2 for the LP; Debian's POT 0.8.2
   has neither ot.gmm nor ot.gaussian), and against POT itself where 0.8.2 has the function
   (impl=pot: ot.da.OT_mapping_linear is 0.8.2's empirical_bures_wasserstein_mapping).
   extra=rel_diff to libgmmot's result. The peers run single-threaded (BLAS too); libgmmot
   with T threads (2).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_common as pc  # noqa: E402

pc.single_threaded_blas()
import numpy as np  # noqa: E402


def line(case, impl, n, seconds, extra):
    print("case=%s impl=%s n=%s seconds=%.6e extra=%s" % (case, impl, n, seconds, extra),
          flush=True)


# ------------------------------------------------------------------------- 1. overhead
def interleaved(fa, fb):
    """Median per-call times of fa and fb measured in alternating runs (A B A B ...), so that
    load from other processes hits both alike; and their last results."""
    import statistics
    import time
    ta, tb = [], []
    ra = fa()
    rb = fb()
    t0 = time.perf_counter()
    fa()
    reps = max(1, int(pc.MIN_RUN_SECONDS / max(time.perf_counter() - t0, 1e-7)) + 1)
    for _ in range(pc.NRUNS):
        for f, acc in ((fa, ta), (fb, tb)):
            t0 = time.perf_counter()
            for _ in range(reps):
                r = f()
            acc.append((time.perf_counter() - t0) / reps)
            if f is fa:
                ra = r
            else:
                rb = r
    return statistics.median(ta), statistics.median(tb), ra, rb


def overhead(gmmot, data, lib, threads):
    """The package call against the bare C function called through ctypes with prepared
    arguments (the least any Python caller pays), interleaved; and against the C program."""
    import ctypes as C
    from gmmot._lib import lib as clib
    g0 = gmmot.GaussianMixture.load(os.path.join(data, "g0.gmm"))
    g1 = gmmot.GaussianMixture.load(os.path.join(data, "g1.gmm"))
    opts = gmmot.Options(num_threads=threads)
    out = C.c_double()
    p0, p1, po, pout = g0._ptr, g1._ptr, opts._ptr, C.byref(out)
    raw_fn = clib.gmmot_mw2_squared

    def raw():
        raw_fn(p0, p1, po, pout)
        return out.value

    t_py, t_raw, v, v_raw = interleaved(lambda: gmmot.mw2_squared(g0, g1, options=opts), raw)
    ref = lib.get(("py_overhead", "mw2_K10_d3"))
    c_s = float(ref["seconds"]) if ref is not None else float("nan")
    same = ref is not None and float(ref["mw2sq"]) == v == v_raw
    line("py_overhead", "python", "mw2_K10_d3", t_py,
         "overhead_us:%.3f;ctypes_bare_s:%.6e;overhead_vs_c_program_us:%.3f;target_us:10;"
         "same_value:%s" % ((t_py - t_raw) * 1e6, t_raw, (t_py - c_s) * 1e6,
                            "yes" if same else "no"))
    x, _ = g0.sample(786432, seed=1, options=opts)
    plan = gmmot.MW2Plan(g0, g1, options=opts)
    y_raw = np.empty_like(x)
    raw_map = clib.gmmot_mw2_map_mean
    px, py_ = x.ctypes.data_as(C.POINTER(C.c_double)), y_raw.ctypes.data_as(C.POINTER(C.c_double))

    def raw_t():
        raw_map(plan._ptr, x.shape[0], px, po, py_, y_raw.size)
        return y_raw

    # both sides write into a buffer allocated once (the bare call cannot allocate), so the
    # difference is the package's own overhead
    y_py = np.empty_like(x)
    t_py, t_raw, y, _ = interleaved(lambda: plan.map_mean(x, out=y_py, options=opts), raw_t)
    ref = lib.get(("py_overhead", "tmean_N786432_d3_K10"))
    c_s = float(ref["seconds"]) if ref is not None else float("nan")
    y_c = np.fromfile(os.path.join(data, "tmean_c.bin"))
    same = y_c.shape == (y.size,) and np.array_equal(y_c, y.ravel())
    line("py_overhead", "python", "tmean_N786432_d3_K10", t_py,
         "overhead_pct:%.2f;ctypes_bare_s:%.6e;overhead_vs_c_program_pct:%.2f;target_pct:5;"
         "same_points:%s" % (100 * (t_py - t_raw) / t_raw, t_raw, 100 * (t_py - c_s) / c_s,
                             "yes" if same else "no"))


# ------------------------------------------------------------------------- 2. POT-compatible
def sqrtm_psd(a):
    """Symmetric square root by eigh, as POT's numpy backend computes sqrtm."""
    s, u = np.linalg.eigh(a)
    return (u * np.sqrt(np.clip(s, 0, None))[..., None, :]) @ np.swapaxes(u, -1, -2)


def np_dist_bures_squared(m_s, m_t, C_s, C_t):
    """POT's ot.gmm.dist_bures_squared: ||m_s - m_t||^2 + B^2 for every pair, batched."""
    dm = ((m_s[:, None, :] - m_t[None, :, :]) ** 2).sum(-1)
    r = sqrtm_psd(C_s)
    cross = sqrtm_psd(r[:, None] @ C_t[None, :] @ r[:, None])
    tr = np.trace(C_s, axis1=-2, axis2=-1)[:, None] + np.trace(C_t, axis1=-2, axis2=-1)[None]
    return np.maximum(dm + tr - 2 * np.trace(cross, axis1=-2, axis2=-1), 0)


def np_bures_mapping(ms, mt, Cs, Ct):
    """POT's ot.gaussian.bures_wasserstein_mapping: A = Cs^-1/2 (Cs^1/2 Ct Cs^1/2)^1/2 Cs^-1/2."""
    r = sqrtm_psd(Cs)
    ri = np.linalg.inv(r)
    a = ri @ sqrtm_psd(r @ Ct @ r) @ ri
    return a, mt - ms @ a


def np_gmm_pdf(x, m, C, w):
    """POT's gmm_pdf: sum_k w_k N(x; m_k, C_k) with inv and slogdet per component."""
    out = np.zeros(x.shape[0])
    d = m.shape[1]
    for k in range(m.shape[0]):
        ci = np.linalg.inv(C[k])
        _, logdet = np.linalg.slogdet(C[k])
        z = x - m[k]
        q = np.einsum("ij,jk,ik->i", z, ci, z)
        out += w[k] * np.exp(-0.5 * (q + logdet + d * np.log(2 * np.pi)))
    return out


def np_apply_map_bary(x, m_s, m_t, C_s, C_t, w_s, w_t, ot):
    """POT's gmm_ot_apply_map(method='bary'): sum_kl plan_kl N_k(x) T_kl(x) / sum_k w_k N_k(x)."""
    plan = ot.emd(w_s, w_t, np_dist_bures_squared(m_s, m_t, C_s, C_t))
    dens = np.stack([w_s[k] * np_gmm_pdf(x, m_s[k:k + 1], C_s[k:k + 1], np.ones(1))
                     for k in range(len(w_s))], 1)
    out = np.zeros_like(x)
    for k in range(len(w_s)):
        for l in range(len(w_t)):
            if plan[k, l] == 0:
                continue
            a, b = np_bures_mapping(m_s[k], m_t[l], C_s[k], C_t[l])
            out += (plan[k, l] / w_s[k]) * dens[:, k:k + 1] * (x @ a + b)
    return out / dens.sum(1, keepdims=True)


def np_bures_barycenter(m, C, weights, num_iter=1000, eps=1e-7):
    """POT's bures_barycenter_fixpoint."""
    cb = np.mean(C * weights[:, None, None], axis=0)
    for _ in range(num_iter):
        r = sqrtm_psd(cb)
        ri = np.linalg.inv(r)
        t = np.sum(weights[:, None, None] * sqrtm_psd(r[None] @ C @ r[None]), axis=0)
        new = ri @ t @ t @ ri
        diff = np.linalg.norm(cb - new)
        cb = new
        if diff <= eps:
            break
    return weights @ m, cb


def random_spd(rng, d):
    b = rng.standard_normal((d, d))
    return b @ b.T / d + 0.1 * np.eye(d)


def rd(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a)), 1e-300))


def pot_compat(gmmot, threads):
    import ot
    P = gmmot.pot
    rng = np.random.default_rng(16)

    def gm(k, d):
        w, m, c = pc.random_mixture(rng, k, d, random_spd)
        return m, c, w

    def both(case, n, ours, peers):
        t, v = pc.time_median(ours, 0.5)
        line(case, "libgmmot", n, t, "threads:%d" % threads)
        for impl, f in peers:
            tp, vp = pc.time_median(f, 0.5)
            line(case, impl, n, tp, "rel_diff:%.3e" % rd(v, vp))

    # gmmot.pot takes POT's arguments only: the library default of all cores (2 here).
    m_s, C_s, w_s = gm(10, 3)
    m_t, C_t, w_t = gm(10, 3)
    x = rng.standard_normal((100000, 3)) * 3
    both("pot_gmm_pdf", "N100000_K10_d3", lambda: P.gmm_pdf(x, m_s, C_s, w_s),
         [("numpy-scipy", lambda: np_gmm_pdf(x, m_s, C_s, w_s))])
    both("pot_dist_bures_squared", "K10_d3", lambda: P.dist_bures_squared(m_s, m_t, C_s, C_t),
         [("numpy-scipy", lambda: np_dist_bures_squared(m_s, m_t, C_s, C_t))])
    both("pot_gmm_ot_loss", "K10_d3",
         lambda: P.gmm_ot_loss(m_s, m_t, C_s, C_t, w_s, w_t),
         [("numpy-scipy", lambda: ot.emd2(w_s, w_t, np_dist_bures_squared(m_s, m_t, C_s, C_t)))])
    both("pot_gmm_ot_plan", "K10_d3",
         lambda: P.gmm_ot_plan(m_s, m_t, C_s, C_t, w_s, w_t),
         [("numpy-scipy", lambda: ot.emd(w_s, w_t, np_dist_bures_squared(m_s, m_t, C_s, C_t)))])
    both("pot_gmm_ot_apply_map", "N100000_K10_d3",
         lambda: P.gmm_ot_apply_map(x, m_s, m_t, C_s, C_t, w_s, w_t),
         [("numpy-scipy", lambda: np_apply_map_bary(x, m_s, m_t, C_s, C_t, w_s, w_t, ot))])
    m_s, C_s, w_s = gm(20, 27)
    m_t, C_t, w_t = gm(20, 27)
    both("pot_dist_bures_squared", "K20_d27",
         lambda: P.dist_bures_squared(m_s, m_t, C_s, C_t),
         [("numpy-scipy", lambda: np_dist_bures_squared(m_s, m_t, C_s, C_t))])
    both("pot_gmm_ot_loss", "K20_d27",
         lambda: P.gmm_ot_loss(m_s, m_t, C_s, C_t, w_s, w_t),
         [("numpy-scipy", lambda: ot.emd2(w_s, w_t, np_dist_bures_squared(m_s, m_t, C_s, C_t)))])
    both("pot_bures_wasserstein_mapping", "d27",
         lambda: P.bures_wasserstein_mapping(m_s[0], m_t[0], C_s[0], C_t[0])[0],
         [("numpy-scipy", lambda: np_bures_mapping(m_s[0], m_t[0], C_s[0], C_t[0])[0])])
    lam = np.full(4, 0.25)
    both("pot_bures_wasserstein_barycenter", "J4_d27",
         lambda: P.bures_wasserstein_barycenter(m_s[:4], C_s[:4], lam, eps=1e-10)[1],
         [("numpy-scipy", lambda: np_bures_barycenter(m_s[:4], C_s[:4], lam, eps=1e-10)[1])])
    xs = rng.standard_normal((10000, 3)) @ np.diag([1, 2, 3])
    xt = rng.standard_normal((10000, 3)) @ np.array([[1, .5, 0], [0, 1, .2], [0, 0, 2]]) + 4
    both("pot_empirical_bures_wasserstein_mapping", "N10000_d3",
         lambda: P.empirical_bures_wasserstein_mapping(xs, xt)[0],
         [("pot", lambda: ot.da.OT_mapping_linear(xs, xt)[0])])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--libgmmot-output", required=True)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    import gmmot
    overhead(gmmot, args.data, pc.libgmmot_results(args.libgmmot_output), args.threads)
    pot_compat(gmmot, args.threads)


if __name__ == "__main__":
    main()
