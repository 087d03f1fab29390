#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Peer benchmark for bench/bench_gaussian.c with Debian's NumPy/SciPy, single-threaded.

Same cases and line format as bench_gaussian:
  case=<case> impl=<name> n=<params> seconds=<median of 5 runs> extra=<k:v;...>
impl=numpy-eigh       case=w2cost: sqrtm of every component of the first mixture by batched
                      np.linalg.eigh (once per run, it is part of the work), then
                      M = s0 @ S1 @ s0 for all pairs by np.matmul broadcasting,
                      np.linalg.eigvalsh batched, tr sqrt = sum of sqrt of clipped eigenvalues.
impl=scipy-sqrtm      case=w2cost: scipy.linalg.sqrtm of every first-mixture component once,
                      then scipy.linalg.sqrtm(s0 @ S1 @ s0) per pair in a Python loop. When the
                      full matrix would take more than ~3 s per run, only the first pairs
                      (row-major) are timed and the pair loop's time is scaled by
                      K0*K1/pairs (the per-component sqrtm is always timed in full); extra
                      says extrapolated_from_pairs:<pairs>.
impl=numpy-fixedpoint case=gauss_bary: the Alvarez-Esteban fixed point
                      S <- S^-1/2 (sum_j l_j (S^1/2 S_j S^1/2)^1/2)^2 S^-1/2 with eigh-based
                      square roots, from S = sum_j l_j S_j, stopped when
                      ||K - S||_F / ||S||_F <= 1e-10 with K = sum_j l_j (S^1/2 S_j S^1/2)^1/2
                      (libgmmot's residual ||K - L^T L|| / ||L^T L|| with the factor L = S^1/2).
Data: the same recipe as bench_gaussian.c (means 3 N(0,1), covariances G G^T/d + 1e-3 I,
uniform weights) from NumPy's own generator, so checksums differ from libgmmot's.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import MIN_RUN_SECONDS, NRUNS, single_threaded_blas, time_median  # noqa: E402

single_threaded_blas()

import numpy as np  # noqa: E402
import scipy.linalg  # noqa: E402


SCIPY_BUDGET_SECONDS = 3.0


def random_mixture(rng, k, d):
    means = 3.0 * rng.standard_normal((k, d))
    g = rng.standard_normal((k, d, d))
    covs = g @ np.swapaxes(g, 1, 2) / d + 1e-3 * np.eye(d)
    covs = 0.5 * (covs + np.swapaxes(covs, 1, 2))
    return np.full(k, 1.0 / k), means, covs


def sqrtm_eigh_batched(s):
    lam, v = np.linalg.eigh(s)
    lam = np.sqrt(np.clip(lam, 0.0, None))
    return (v * lam[..., None, :]) @ np.swapaxes(v, -1, -2)


def w2cost_numpy_eigh(m0, c0, m1, c1):
    s0 = sqrtm_eigh_batched(c0)
    mm = s0[:, None] @ c1[None, :] @ s0[:, None]  # K0 x K1 x d x d
    ev = np.linalg.eigvalsh(mm)
    tr_sqrt = np.sqrt(np.clip(ev, 0.0, None)).sum(axis=-1)
    dm = ((m0[:, None, :] - m1[None, :, :]) ** 2).sum(axis=-1)
    tr0 = np.trace(c0, axis1=1, axis2=2)
    tr1 = np.trace(c1, axis1=1, axis2=2)
    return dm + tr0[:, None] + tr1[None, :] - 2.0 * tr_sqrt


def scipy_setup(c0):
    return [np.real(scipy.linalg.sqrtm(c)) for c in c0]


def scipy_pairs(s0, m0, c0, m1, c1, npairs):
    k1 = c1.shape[0]
    tr0 = np.trace(c0, axis1=1, axis2=2)
    tr1 = np.trace(c1, axis1=1, axis2=2)
    out = np.empty(npairs)
    for p in range(npairs):
        i, j = divmod(p, k1)
        r = np.real(scipy.linalg.sqrtm(s0[i] @ c1[j] @ s0[i]))
        dm = m0[i] - m1[j]
        out[p] = dm @ dm + tr0[i] + tr1[j] - 2.0 * np.trace(r)
    return out


def time_scipy(m0, c0, m1, c1):
    """Median over NRUNS runs of (setup + pair loop); the loop over the first npairs pairs is
    scaled by K0*K1/npairs when the full loop would exceed SCIPY_BUDGET_SECONDS."""
    total = c0.shape[0] * c1.shape[0]
    t0 = time.perf_counter()
    s0 = scipy_setup(c0)
    t1 = time.perf_counter()
    probe = min(total, 20)
    scipy_pairs(s0, m0, c0, m1, c1, probe)
    per_pair = (time.perf_counter() - t1) / probe
    npairs = total
    if (t1 - t0) + per_pair * total > SCIPY_BUDGET_SECONDS:
        npairs = max(probe, min(total, int(SCIPY_BUDGET_SECONDS / per_pair)))
    times = []
    for _ in range(NRUNS):
        reps = 0
        t_setup = t_pairs = 0.0
        while True:  # repeat short runs until MIN_RUN_SECONDS, as everywhere else
            t0 = time.perf_counter()
            s0 = scipy_setup(c0)
            t1 = time.perf_counter()
            out = scipy_pairs(s0, m0, c0, m1, c1, npairs)
            t2 = time.perf_counter()
            t_setup += t1 - t0
            t_pairs += t2 - t1
            reps += 1
            if t_setup + t_pairs >= MIN_RUN_SECONDS:
                break
        times.append((t_setup + t_pairs * total / npairs) / reps)
    return float(np.median(times)), out, npairs


def bench_w2cost(d, k):
    rng = np.random.default_rng(1000 * d + k)
    _, m0, c0 = random_mixture(rng, k, d)
    _, m1, c1 = random_mixture(rng, k, d)
    n = "d%d_K%dx%d" % (d, k, k)

    sec, cost = time_median(lambda: w2cost_numpy_eigh(m0, c0, m1, c1))
    print("case=w2cost impl=numpy-eigh n=%s seconds=%.6e extra=threads:1;checksum:%.12e"
          % (n, sec, cost.sum()), flush=True)

    sec, part, npairs = time_scipy(m0, c0, m1, c1)
    if npairs == k * k:
        extra = "threads:1;checksum:%.12e" % part.sum()
    else:
        extra = "threads:1;extrapolated_from_pairs:%d;checksum_of_timed_pairs:%.12e" % (
            npairs, part.sum())
    print("case=w2cost impl=scipy-sqrtm n=%s seconds=%.6e extra=%s" % (n, sec, extra),
          flush=True)


def barycenter_fixedpoint(w, covs, tol, max_iter=1000):
    s = np.einsum("j,jab->ab", w, covs)
    r = np.inf
    for it in range(1, max_iter + 1):
        lam, v = np.linalg.eigh(s)
        lam = np.clip(lam, 0.0, None)
        root = (v * np.sqrt(lam)) @ v.T
        iroot = (v / np.sqrt(lam)) @ v.T
        k = sqrtm_eigh_batched(root @ covs @ root)
        k = np.einsum("j,jab->ab", w, k)
        r = np.linalg.norm(k - s) / np.linalg.norm(s)
        if r <= tol:
            return s, it - 1, r  # s is already the fixed point to tolerance
        s = iroot @ k @ k @ iroot
        s = 0.5 * (s + s.T)
    return s, max_iter, r


def bench_gauss_bary():
    d, j = 27, 4
    rng = np.random.default_rng(0xBA7)
    covs = np.array([random_mixture(rng, 1, d)[2][0] for _ in range(j)])
    w = np.full(j, 0.25)
    sec, (s, iters, r) = time_median(lambda: barycenter_fixedpoint(w, covs, 1e-10))
    print("case=gauss_bary impl=numpy-fixedpoint n=d27_J4_tol1e-10 seconds=%.6e "
          "extra=iterations:%d;residual:%.3e" % (sec, iters, r), flush=True)


def main():
    for d in (1, 3, 27, 64):
        for k in (10, 100):
            bench_w2cost(d, k)
    bench_gauss_bary()
    return 0


if __name__ == "__main__":
    sys.exit(main())
