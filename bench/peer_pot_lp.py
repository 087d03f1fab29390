#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Data generator and POT peer for bench/bench_lp.c (Debian's python3-pot, NumPy, SciPy).

Usage:
  peer_pot_lp.py generate DIR
      Write the benchmark data (fixed seeds) to DIR: one binary file per case plus
      DIR/manifest.txt with one line per case, "<case> <n> <file>". bench_lp and the peer
      below both read these files, so the two sides solve exactly the same problems.
  peer_pot_lp.py run DIR [--libgmmot-output FILE]
      Time POT on the cases of DIR/manifest.txt and print, like bench_lp,
        case=<case> impl=<name> n=<params> seconds=<median of 5 runs> extra=<k:v;...>
      With FILE (bench_lp's output), extra also gives the relative difference to libgmmot's
      result and, for lp_emd, agree:yes|no (no: |cost_gmmot - cost_pot| / |cost| > 1e-9).

Cases (all generated here with numpy.random.default_rng and fixed seeds):
  case=lp_emd n=K<K>_<random|uniform>, K in {10, 100, 1000, 3000}: K0 = K1 = K, costs the
      squared Euclidean distances (scipy cdist 'sqeuclidean') between K standard normal points
      in R^10 and K others shifted by 0.5 in every coordinate; weights either random
      (independent Exp(1) draws, i.e. Dirichlet(1, ..., 1), each vector normalised to sum 1)
      or uniform 1/K (assignment-like, highly degenerate).
      impl=pot-emd: ot.emd(a, b, C, numItermax=1e8, log=True) (POT's network simplex, exact
      below the iteration cap; result_code is checked). extra=cost (log['cost']), nnz
      (entries > 0 of the dense plan), iterations:NA (POT does not report them),
      rel_diff, agree.
  case=mw2 n=d<d>_K<K>, (d, K) in {(3, 10), (27, 10), (64, 100)}: two K-component mixtures
      with weights Dirichlet(1, ..., 1), means 3 N(0, I), covariances s Q diag(l) Q^T with Q
      Haar-orthogonal, s log-uniform in [0.1, 10] and eigenvalues l log-spaced at random
      between 1 and 10^-c, c uniform in [0, 6] per component (condition numbers 1 to 1e6).
      impl=numpy-eigh+pot: end to end from the arrays, the K0 x K1 matrix of Gaussian W2^2
      by bench/peer_numpy_gaussian.py's w2cost_numpy_eigh (eigh square roots, batched
      eigvalsh) then ot.emd(w0, w1, C, numItermax=1e8, log=True); extra=mw2sq (log['cost']),
      nnz, rel_diff.
Timing: a warm-up call that also sets the repetitions (a run repeats the call until 20 ms
have passed), then 5 runs, median. A call taking >= 1 s has no separate warm-up (the first
call is the first timed run), the same rule as bench_lp. Single-threaded (OPENBLAS_NUM_THREADS
=1, POT numThreads=1). Binary files are native little-endian: an 8-byte magic, uint64 sizes,
then float64 arrays (see write_lp / write_mw2).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import agree_tail, libgmmot_results, random_mixture, rel_diff  # noqa: E402
from peer_common import read_manifest, single_threaded_blas, time_median  # noqa: E402

single_threaded_blas()

import numpy as np  # noqa: E402
import ot  # noqa: E402
import scipy.spatial.distance  # noqa: E402

from peer_numpy_gaussian import w2cost_numpy_eigh  # noqa: E402

NO_WARMUP_SECONDS = 1.0
NUM_ITER_MAX = 100_000_000
AGREE_RTOL = 1e-9
LP_DIM = 10
LP_KS = (10, 100, 1000, 3000)
LP_KINDS = ("random", "uniform")
MW2_CASES = ((3, 10), (27, 10), (64, 100))

MAGIC_LP = b"GMMOTLP1"
MAGIC_MW2 = b"GMMOTMW1"


# ------------------------------------------------------------------ data
def _f64(x):
    return np.ascontiguousarray(x, dtype="<f8").tobytes()


def write_lp(path, a, b, cost):
    """magic, uint64 K0, uint64 K1, a (K0), b (K1), cost (K0 x K1 row-major)."""
    with open(path, "wb") as f:
        f.write(MAGIC_LP)
        f.write(np.array([a.size, b.size], dtype="<u8").tobytes())
        for x in (a, b, cost):
            f.write(_f64(x))


def read_lp(path):
    with open(path, "rb") as f:
        if f.read(8) != MAGIC_LP:
            raise ValueError("%s: not an lp data file" % path)
        k0, k1 = (int(v) for v in np.frombuffer(f.read(16), dtype="<u8"))
        data = np.frombuffer(f.read(), dtype="<f8")
    if data.size != k0 + k1 + k0 * k1:
        raise ValueError("%s: truncated" % path)
    a = data[:k0].copy()
    b = data[k0:k0 + k1].copy()
    cost = data[k0 + k1:].reshape(k0, k1).copy()
    return a, b, cost


def write_mw2(path, d, mix0, mix1):
    """magic, uint64 d, K0, K1, then w0 (K0), m0 (K0 x d), c0 (K0 x d x d), w1, m1, c1."""
    with open(path, "wb") as f:
        f.write(MAGIC_MW2)
        f.write(np.array([d, mix0[0].size, mix1[0].size], dtype="<u8").tobytes())
        for x in mix0 + mix1:
            f.write(_f64(x))


def read_mw2(path):
    with open(path, "rb") as f:
        if f.read(8) != MAGIC_MW2:
            raise ValueError("%s: not an mw2 data file" % path)
        d, k0, k1 = (int(v) for v in np.frombuffer(f.read(24), dtype="<u8"))
        data = np.frombuffer(f.read(), dtype="<f8")
    if data.size != (k0 + k1) * (1 + d + d * d):
        raise ValueError("%s: truncated" % path)
    out, pos = [], 0
    for k in (k0, k1):
        for shape in ((k,), (k, d), (k, d, d)):
            size = int(np.prod(shape))
            out.append(data[pos:pos + size].reshape(shape).copy())
            pos += size
    return out  # w0, m0, c0, w1, m1, c1


def lp_data(k, kind):
    rng = np.random.default_rng(0x1B000 + k)  # the points do not depend on the kind
    x = rng.standard_normal((k, LP_DIM))
    y = rng.standard_normal((k, LP_DIM)) + 0.5
    cost = scipy.spatial.distance.cdist(x, y, "sqeuclidean")
    if kind == "uniform":
        a = np.full(k, 1.0 / k)
        b = np.full(k, 1.0 / k)
    else:
        wrng = np.random.default_rng(0x1B100 + k)
        a = wrng.exponential(size=k)
        b = wrng.exponential(size=k)
        a /= a.sum()
        b /= b.sum()
    return a, b, cost


def random_spd(rng, d):
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    q *= np.sign(np.diag(r))  # Haar-distributed
    c = rng.uniform(0.0, 6.0)  # log10 of the condition number
    t = np.sort(rng.uniform(0.0, 1.0, d))
    if d > 1:
        t[0], t[-1] = 0.0, 1.0
    lam = 10.0 ** (rng.uniform(-1.0, 1.0) - c * t)
    cov = (q * lam) @ q.T
    return 0.5 * (cov + cov.T)  # exactly symmetric


def generate(outdir):
    os.makedirs(outdir, exist_ok=True)
    lines = []
    for k in LP_KS:
        for kind in LP_KINDS:
            name = "lp_K%d_%s.bin" % (k, kind)
            write_lp(os.path.join(outdir, name), *lp_data(k, kind))
            lines.append("lp_emd K%d_%s %s" % (k, kind, name))
    for d, k in MW2_CASES:
        rng = np.random.default_rng(0x3A20000 + 1000 * d + k)
        mix0 = random_mixture(rng, k, d, random_spd)
        mix1 = random_mixture(rng, k, d, random_spd)
        name = "mw2_d%d_K%d.bin" % (d, k)
        write_mw2(os.path.join(outdir, name), d, mix0, mix1)
        lines.append("mw2 d%d_K%d %s" % (d, k, name))
    with open(os.path.join(outdir, "manifest.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


# ------------------------------------------------------------------ POT calls
def pot_emd(a, b, cost):
    return ot.emd(a, b, cost, numItermax=NUM_ITER_MAX, log=True)


def mw2_numpy_pot(w0, m0, c0, w1, m1, c1):
    cost = w2cost_numpy_eigh(m0, c0, m1, c1)
    return ot.emd(w0, w1, cost, numItermax=NUM_ITER_MAX, log=True)


def check_optimal(log, n):
    """ot.emd only warns when numItermax is reached; a truncated plan must not be reported."""
    if log["result_code"] != 1:
        raise RuntimeError("ot.emd on %s: result_code %d: %s" % (n, log["result_code"],
                                                                  log["warning"]))


# ------------------------------------------------------------------ comparison
def run(datadir, lib_output):
    lib = libgmmot_results(lib_output)
    for case, n, name in read_manifest(datadir):
        path = os.path.join(datadir, name)
        if case == "lp_emd":
            a, b, cost = read_lp(path)
            sec, (plan, log) = time_median(lambda: pot_emd(a, b, cost), NO_WARMUP_SECONDS)
            check_optimal(log, n)
            value = float(log["cost"])
            rd = rel_diff(lib.get((case, n)), "cost", value)
            tail = agree_tail(rd, AGREE_RTOL)
            print("case=lp_emd impl=pot-emd n=%s seconds=%.6e "
                  "extra=cost:%.17g;nnz:%d;iterations:NA;%s"
                  % (n, sec, value, int(np.count_nonzero(plan > 0)), tail), flush=True)
        elif case == "mw2":
            w0, m0, c0, w1, m1, c1 = read_mw2(path)
            sec, (plan, log) = time_median(lambda: mw2_numpy_pot(w0, m0, c0, w1, m1, c1),
                                          NO_WARMUP_SECONDS)
            check_optimal(log, n)
            value = float(log["cost"])
            rd = rel_diff(lib.get((case, n)), "mw2sq", value)
            print("case=mw2 impl=numpy-eigh+pot n=%s seconds=%.6e "
                  "extra=threads:1;mw2sq:%.17g;nnz:%d;rel_diff:%s"
                  % (n, sec, value, int(np.count_nonzero(plan > 0)),
                     "NA" if rd is None else "%.3e" % rd), flush=True)
        else:
            raise ValueError("unknown case %r in the manifest" % case)


def main(argv):
    if len(argv) == 3 and argv[1] == "generate":
        generate(argv[2])
        return 0
    if len(argv) in (3, 5) and argv[1] == "run":
        lib_output = None
        if len(argv) == 5:
            if argv[3] != "--libgmmot-output":
                raise SystemExit(__doc__)
            lib_output = argv[4]
        run(argv[2], lib_output)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
