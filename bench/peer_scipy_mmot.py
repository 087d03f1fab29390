#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Data generator for bench/bench_barycenter.c and its SciPy/HiGHS peer for the exact MW2
barycenter (Debian's NumPy, SciPy).

Usage:
  peer_scipy_mmot.py generate DIR
      Write the data of every barycenter case (fixed seeds) to DIR: one binary file per case
      plus DIR/manifest.txt with one line per case, "<case> <n> <file>". bench_barycenter,
      this peer and bench/peer_numpy_fixedpoint.py all read these files, so that every side
      solves exactly the same problems.
  peer_scipy_mmot.py run DIR [--libgmmot-output FILE] [--runs R]
      Time the peer on the mw2_bary_exact cases of DIR/manifest.txt and print, like
      bench_barycenter,
        case=<case> impl=scipy-highs n=<params> seconds=<median of R runs> extra=<k:v;...>
      R defaults to 5; bench/run_barycenter.sh passes 1 (one run takes minutes). With FILE
      (bench_barycenter's output), extra also gives the relative difference of the optimal
      values and agree:yes|no (no: above 1e-9).

Cases (numpy.random.default_rng, fixed seeds):
  case=mw2_bary_exact n=J<J>_K<K>_d<d>, (J, K, d) in {(4, 12, 2), (3, 10, 27)}: J mixtures of K
      components (the 4 x 12 in d = 2 of the shapes experiment of Delon-Desolneux 2020 Fig. 5:
      20736 tuples; 1000 tuples in d = 27), weights Dirichlet(1, ..., 1), means 3 N(0, I),
      covariances s Q diag(l) Q^T with Q Haar-orthogonal, s log-uniform in [0.3, 3] and
      eigenvalues l log-uniform in [0.1, 1] (condition numbers <= 10: well-conditioned, so that
      every tuple's fixed point converges fast on both sides); lambda = (0.4, 0.3, 0.2, 0.1) or
      (0.5, 0.3, 0.2).
      impl=scipy-highs, the recipe of the paper's code (000 section 5.3): for every tuple t, its
      Gaussian barycenter nu_t by the Alvarez-Esteban fixed point with scipy.linalg.sqrtm,
        S <- S^-1/2 (sum_j l_j (S^1/2 S_j S^1/2)^1/2)^2 S^-1/2, from S = sum_j l_j S_j,
      until ||S_new - S||_F <= 1e-12 ||S||_F; its cost C_t = sum_j l_j W2^2(mu_j^{t_j}, nu_t);
      then the dense (sum_j K_j) x (prod_j K_j) equality matrix of the J marginals and
      scipy.optimize.linprog(C, A_eq=A, b_eq=weights, bounds=(0, None), method="highs").
      seconds = all of it; extra=cost (the LP optimum), lp_s (linprog alone), components
      (entries > 1e-12 of the solution), tuples, runs, rel_diff, agree.
  case=mw2_bary_fixed_point n=J4_K<K>_d<d>, K in {10, 25, 50}, d in {3, 27}: 4 mixtures drawn
      as above, lambda = (0.4, 0.3, 0.2, 0.1), and an initial barycenter of K components drawn
      the same way but with uniform weights (POT's fixed point keeps uniform weights);
      iterations = 10. The peer is bench/peer_numpy_fixedpoint.py.
Timing as bench_barycenter: a warm-up call unless the first takes >= 1 s, then 5 runs, median
(with --runs R < 5: R timed runs, no warm-up). Single-threaded (OPENBLAS_NUM_THREADS=1).
Binary files are native little-endian (see write_case).
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import agree_tail, libgmmot_results, random_mixture, rel_diff  # noqa: E402
from peer_common import read_manifest, single_threaded_blas, time_median  # noqa: E402

single_threaded_blas()

import numpy as np  # noqa: E402
import scipy.linalg  # noqa: E402
import scipy.optimize  # noqa: E402


NO_WARMUP_SECONDS = 1.0
AGREE_RTOL = 1e-9
BARY_RTOL = 1e-12
BARY_MAX_ITER = 10000
EXACT_CASES = ((4, 12, 2, (0.4, 0.3, 0.2, 0.1)), (3, 10, 27, (0.5, 0.3, 0.2)))
FIXED_POINT_KS = (10, 25, 50)
FIXED_POINT_DS = (3, 27)
FIXED_POINT_LAMBDA = (0.4, 0.3, 0.2, 0.1)
FIXED_POINT_ITERATIONS = 10

MAGIC = b"GMMOTBY1"


# ------------------------------------------------------------------ data
def _f64(x):
    return np.ascontiguousarray(x, dtype="<f8").tobytes()


def write_case(path, lam, mixtures, init, iterations):
    """magic; uint64 d, J, n_init (0: none), iterations (0: exact case); uint64 K_j (J);
    lambda (J); per mixture w (K_j), means (K_j x d), covs (K_j x d x d); then the initial
    barycenter's w, means, covs when n_init > 0."""
    d = mixtures[0][1].shape[1]
    n_init = 0 if init is None else init[0].size
    with open(path, "wb") as f:
        f.write(MAGIC)
        f.write(np.array([d, len(mixtures), n_init, iterations], dtype="<u8").tobytes())
        f.write(np.array([m[0].size for m in mixtures], dtype="<u8").tobytes())
        f.write(_f64(lam))
        for mix in mixtures + ([] if init is None else [init]):
            for x in mix:
                f.write(_f64(x))


def read_case(path):
    """(lambda, [(w, means, covs)] * J, init or None, iterations)."""
    with open(path, "rb") as f:
        if f.read(8) != MAGIC:
            raise ValueError("%s: not a barycenter data file" % path)
        d, j, n_init, iterations = (int(v) for v in np.frombuffer(f.read(32), dtype="<u8"))
        ks = [int(v) for v in np.frombuffer(f.read(8 * j), dtype="<u8")]
        data = np.frombuffer(f.read(), dtype="<f8")
    sizes = ks + ([n_init] if n_init else [])
    if data.size != j + sum(k * (1 + d + d * d) for k in sizes):
        raise ValueError("%s: truncated" % path)
    lam, pos = data[:j].copy(), j
    mixes = []
    for k in sizes:
        mix = []
        for shape in ((k,), (k, d), (k, d, d)):
            size = int(np.prod(shape))
            mix.append(data[pos:pos + size].reshape(shape).copy())
            pos += size
        mixes.append(tuple(mix))
    init = mixes[j] if n_init else None
    return lam, mixes[:j], init, iterations


def random_spd(rng, d):
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    q *= np.sign(np.diag(r))  # Haar-distributed
    lam = 10.0 ** rng.uniform(-1.0, 0.0, d) * 10.0 ** rng.uniform(np.log10(0.3), np.log10(3.0))
    cov = (q * lam) @ q.T
    return 0.5 * (cov + cov.T)  # exactly symmetric


def generate(outdir):
    os.makedirs(outdir, exist_ok=True)
    lines = []
    for j, k, d, lam in EXACT_CASES:
        rng = np.random.default_rng(0xBA0000 + 1000 * d + 10 * k + j)
        mixtures = [random_mixture(rng, k, d, random_spd) for _ in range(j)]
        n = "J%d_K%d_d%d" % (j, k, d)
        name = "exact_%s.bin" % n
        write_case(os.path.join(outdir, name), np.array(lam), mixtures, None, 0)
        lines.append("mw2_bary_exact %s %s" % (n, name))
    for d in FIXED_POINT_DS:
        for k in FIXED_POINT_KS:
            rng = np.random.default_rng(0xBF0000 + 1000 * d + k)
            mixtures = [
                random_mixture(rng, k, d, random_spd) for _ in range(len(FIXED_POINT_LAMBDA))
            ]
            init = random_mixture(rng, k, d, random_spd, uniform=True)
            n = "J%d_K%d_d%d" % (len(FIXED_POINT_LAMBDA), k, d)
            name = "fixed_point_%s.bin" % n
            write_case(os.path.join(outdir, name), np.array(FIXED_POINT_LAMBDA), mixtures, init,
                       FIXED_POINT_ITERATIONS)
            lines.append("mw2_bary_fixed_point %s %s" % (n, name))
    with open(os.path.join(outdir, "manifest.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


# ------------------------------------------------------------------ the peer
def sqrtm(a):
    # scipy returns a complex array when rounding makes an eigenvalue slightly negative.
    return np.real(scipy.linalg.sqrtm(a))


def bures_barycenter(lam, means, covs, what="a Gaussian barycenter"):
    """The Gaussian W2 barycenter (mean, cov) with weights lam: mean sum_j l_j m_j, covariance by
    the Alvarez-Esteban fixed point with scipy sqrtm from sum_j l_j S_j, until
    ||S_new - S||_F <= BARY_RTOL ||S||_F; RuntimeError("<what> did not converge") after
    BARY_MAX_ITER iterations."""
    m = lam @ means
    s = np.einsum("j,jab->ab", lam, covs)
    for _ in range(BARY_MAX_ITER):
        r = sqrtm(s)
        rinv = np.linalg.inv(r)
        k = sum(l * sqrtm(r @ c @ r) for l, c in zip(lam, covs))
        s_new = rinv @ k @ k @ rinv
        s_new = 0.5 * (s_new + s_new.T)
        done = np.linalg.norm(s_new - s) <= BARY_RTOL * np.linalg.norm(s)
        s = s_new
        if done:
            return m, s
    raise RuntimeError("%s did not converge" % what)


def gaussian_barycenter(lam, means, covs):
    """Alvarez-Esteban fixed point with scipy sqrtm; returns (mean, cov, cost)."""
    m, s = bures_barycenter(lam, means, covs, "a tuple barycenter")
    # C_t = sum_j l_j W2^2(mu_j^{t_j}, nu_t), with tr (S^1/2 S_j S^1/2)^1/2 at the final S.
    r = sqrtm(s)
    tr_s = np.trace(s)
    cost = 0.0
    for l, mj, c in zip(lam, means, covs):
        cross = np.trace(sqrtm(r @ c @ r))
        cost += l * (np.sum((mj - m) ** 2) + np.trace(c) + tr_s - 2.0 * cross)
    return m, s, cost


def exact_peer(lam, mixtures):
    ks = [w.size for w, _, _ in mixtures]
    tuples = np.indices(ks).reshape(len(ks), -1).T  # row-major, the last index fastest
    costs = np.empty(len(tuples))
    for i, t in enumerate(tuples):
        means = np.array([mixtures[j][1][tj] for j, tj in enumerate(t)])
        covs = np.array([mixtures[j][2][tj] for j, tj in enumerate(t)])
        costs[i] = gaussian_barycenter(lam, means, covs)[2]
    a_eq = np.zeros((sum(ks), len(tuples)))
    offset = 0
    for j, k in enumerate(ks):
        a_eq[offset + tuples[:, j], np.arange(len(tuples))] = 1.0
        offset += k
    b_eq = np.concatenate([w for w, _, _ in mixtures])
    t0 = time.perf_counter()
    res = scipy.optimize.linprog(costs, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    lp_s = time.perf_counter() - t0
    if res.status != 0:
        raise RuntimeError("linprog: %s" % res.message)
    return float(res.fun), lp_s, int(np.count_nonzero(res.x > 1e-12)), len(tuples)


def timed(fun, runs):
    if runs >= 5:
        return time_median(fun, NO_WARMUP_SECONDS)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fun()
        times.append(time.perf_counter() - t0)
    return float(statistics.median(times)), result


def run(datadir, lib_output, runs):
    lib = libgmmot_results(lib_output)
    for case, n, name in read_manifest(datadir):
        if case != "mw2_bary_exact":
            continue
        lam, mixtures, _, _ = read_case(os.path.join(datadir, name))
        sec, (value, lp_s, nnz, ntuples) = timed(lambda: exact_peer(lam, mixtures), runs)
        rd = rel_diff(lib.get((case, n)), "cost", value)
        tail = agree_tail(rd, AGREE_RTOL)
        print("case=%s impl=scipy-highs n=%s seconds=%.6e "
              "extra=cost:%.17g;lp_s:%.4g;components:%d;tuples:%d;runs:%d;threads:1;%s"
              % (case, n, sec, value, lp_s, nnz, ntuples, runs, tail), flush=True)


def main(argv):
    if len(argv) == 3 and argv[1] == "generate":
        generate(argv[2])
        return 0
    if len(argv) >= 3 and argv[1] == "run":
        opts = dict(zip(argv[3::2], argv[4::2]))
        if len(argv[3:]) % 2 or set(opts) - {"--libgmmot-output", "--runs"}:
            raise SystemExit(__doc__)
        run(argv[2], opts.get("--libgmmot-output"), int(opts.get("--runs", "5")))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
