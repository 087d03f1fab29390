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

case=w2_large (W2^2 of ONE pair of Gaussians at d = 512, 1024, 2048, the Frechet Inception
Distance; OpenBLAS on LARGE_BLAS_THREADS = 2 threads, in bench_gaussian too):
  peer_numpy_gaussian.py generate-large DIR
      writes DIR/manifest.txt ("w2_large d<d> <file>") and per case the raw little-endian
      doubles m0 (d), S0 (d*d, row-major), m1, S1: means N(0, I), covariances G G^T/d + 1e-3 I.
  peer_numpy_gaussian.py large DIR [LIBGMMOT_OUTPUT]
      times, on the same data, with extra=threads:2;w2sq:<value>;rel_diff:<|value - libgmmot's|
      / max(|values|)>;rel_tr:<|value - libgmmot's| / (tr S0 + tr S1)>[;agree:yes|no]:
  impl=scipy-sqrtm     |m0 - m1|^2 + tr S0 + tr S1 - 2 tr Re sqrtm(S0 @ S1), as FID code does
                       (scipy.linalg.sqrtm of the non-symmetric product, Schur method).
  impl=numpy-eigvals   the eigenvalue trick: tr sqrtm(S0 S1) = sum sqrt(eigvals(S0 @ S1))
                       (np.linalg.eigvals, complex square roots, real part).
  impl=numpy-twopass   the independent two-pass reference (not a competitor, for accuracy):
                       R = S0^1/2 by np.linalg.eigh, then sum sqrt(eigvalsh(R S1 R)) (clipped at
                       0); agree:yes when rel_tr <= 1e-12, the accuracy target of issue 17.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import (MIN_RUN_SECONDS, NRUNS, libgmmot_results, read_manifest,  # noqa: E402
                         single_threaded_blas, time_median)

LARGE_BLAS_THREADS = 2
if len(sys.argv) > 1 and sys.argv[1] == "large":
    # Single pairs at large d: BLAS on two threads, as bench_gaussian's w2_large rows (set
    # before NumPy is first imported).
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(LARGE_BLAS_THREADS)
else:
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


LARGE_DIMS = (512, 1024, 2048)


def generate_large(outdir):
    os.makedirs(outdir, exist_ok=True)
    lines = []
    for d in LARGE_DIMS:
        rng = np.random.default_rng(7000 + d)
        parts = []
        for _ in range(2):
            m = rng.standard_normal(d)
            g = rng.standard_normal((d, d))
            s = g @ g.T / d + 1e-3 * np.eye(d)
            s = np.triu(s) + np.triu(s, 1).T  # exactly symmetric
            parts += [m, s.ravel()]
        name = "w2_large_d%d.bin" % d
        np.concatenate(parts).astype("<f8").tofile(os.path.join(outdir, name))
        lines.append("w2_large d%d %s\n" % (d, name))
    with open(os.path.join(outdir, "manifest.txt"), "w") as f:
        f.writelines(lines)


def fid_sqrtm(m0, s0, m1, s1):
    covmean = scipy.linalg.sqrtm(s0 @ s1)
    dm = m0 - m1
    return float(dm @ dm + np.trace(s0) + np.trace(s1) - 2.0 * np.trace(np.real(covmean)))


def fid_eigvals(m0, s0, m1, s1):
    ev = np.linalg.eigvals(s0 @ s1).astype(complex)
    dm = m0 - m1
    return float(dm @ dm + np.trace(s0) + np.trace(s1) - 2.0 * np.sqrt(ev).real.sum())


def w2_twopass(m0, s0, m1, s1):
    lam, v = np.linalg.eigh(s0)
    r = (v * np.sqrt(np.clip(lam, 0.0, None))) @ v.T
    ev = np.linalg.eigvalsh(r @ s1 @ r)
    dm = m0 - m1
    return float(dm @ dm + np.trace(s0) + np.trace(s1) - 2.0 * np.sqrt(np.clip(ev, 0.0, None)).sum())


def bench_large(datadir, lib_output):
    lib = libgmmot_results(lib_output)
    for case, n, name in read_manifest(datadir):
        d = int(n[1:])
        x = np.fromfile(os.path.join(datadir, name), dtype="<f8")
        m0, s0 = x[:d], x[d:d + d * d].reshape(d, d)
        off = d + d * d
        m1, s1 = x[off:off + d], x[off + d:].reshape(d, d)
        tr = np.trace(s0) + np.trace(s1)
        ref = lib.get((case, n), {}).get("w2sq")
        for impl, fun in (("scipy-sqrtm", fid_sqrtm), ("numpy-eigvals", fid_eigvals),
                          ("numpy-twopass", w2_twopass)):
            sec, v = time_median(lambda: fun(m0, s0, m1, s1), no_warmup_seconds=0.5)
            extra = "threads:%d;w2sq:%.17e" % (LARGE_BLAS_THREADS, v)
            if ref is None:
                extra += ";rel_diff:NA;rel_tr:NA"
            else:
                diff = abs(v - float(ref))
                extra += ";rel_diff:%.3e;rel_tr:%.3e" % (
                    diff / max(abs(v), abs(float(ref)), 1e-300), diff / tr)
                if impl == "numpy-twopass":
                    extra += ";agree:%s" % ("yes" if diff <= 1e-12 * tr else "no")
            print("case=%s impl=%s n=%s seconds=%.6e extra=%s" % (case, impl, n, sec, extra),
                  flush=True)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "generate-large":
        generate_large(sys.argv[2])
        return 0
    if len(sys.argv) in (3, 4) and sys.argv[1] == "large":
        bench_large(sys.argv[2], sys.argv[3] if len(sys.argv) == 4 else None)
        return 0
    if len(sys.argv) != 1:
        print("usage: peer_numpy_gaussian.py [generate-large DIR | large DIR [LIBGMMOT_OUTPUT]]",
              file=sys.stderr)
        return 2
    for d in (1, 3, 27, 64):
        for k in (10, 100):
            bench_w2cost(d, k)
    bench_gauss_bary()
    return 0


if __name__ == "__main__":
    sys.exit(main())
