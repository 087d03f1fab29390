#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""scikit-learn / NumPy / POT peer of bench/bench_em_maps.c and of gmmot-color-transfer
(Debian's python3-sklearn, python3-pot, NumPy, SciPy). bench/run_maps_em.sh drives both.

Usage:
  peer_sklearn_em_maps.py em_tmean WORK --libgmmot-output FILE [--runs R]
  peer_sklearn_em_maps.py colour WORK --libgmmot-output FILE --fit all|N [--runs R]
  peer_sklearn_em_maps.py ratios FILE
Each prints lines like bench_em_maps:
  case=<case> impl=<name> n=<params> seconds=<median of R runs> extra=<k:v;...>
WORK holds the files written by `bench_em_maps prepare` and `bench_em_maps run` (pixels, patches,
tmean.bin); FILE holds libgmmot's lines (the tolerances below are derived from them).

case=em_fit (impl=sklearn): sklearn.mixture.GaussianMixture(n_components=10,
    covariance_type='full', init_params='kmeans', n_init=1, max_iter=100, reg_covar=1e-6,
    random_state=0, tol=1e-4 * max(1, |l_lib|)) on em_d3.bin / em_d27.bin, l_lib the final mean
    log-likelihood libgmmot reported for the same data: libgmmot stops when
    |dl| <= 1e-4 max(1, |l|), scikit-learn when |dl| < tol (absolute), so both thresholds are the
    same absolute change of the mean log-likelihood. reg_covar = 1e-6 equals libgmmot's
    regularisation 1e-6 / s times s. seconds = total fit time; extra: s_per_iter = (total - init)
    / n_iter_, init = the time of GaussianMixture._initialize_parameters (sklearn's KMeans with
    n_init=1 plus the first parameter estimate), iterations (n_iter_), mean_loglik (gm.score(X),
    computed after the timing: the mean log-likelihood of the returned mixture), converged.
case=em_seeds (impl=sklearn): the em_fit setting once for each random_state 0 .. 4; mean, min
    and max of the final mean log-likelihoods (one start's result is a draw between local maxima,
    so fits are compared by the mean over seeds).
The ratios compare these em_fit and em_seeds lines with both of libgmmot's settings: em_fit /
    em_seeds (split-and-merge on) and em_fit_plain / em_seeds_plain (plain EM). l_lib above is
    that of libgmmot's em_fit line.
case=tmean (impl=numpy): T_mean with the plan and pair maps of tmean.bin (exported by libgmmot,
    so both sides use identical maps): r_k the plan's row sums, Abar_k = sum_l (w_kl / r_k) A_kl,
    bbar_k likewise, log-posteriors log r_k + log N(x; m0_k, S0_k) (Cholesky, scipy
    solve_triangular over all points at once), normalised with scipy.special.logsumexp, then
    sum_k rho_k (Abar_k x + bbar_k); vectorised over the 786432 points, loop over the K0 = 10
    components. extra: max_abs_diff to libgmmot's output.
case=colour_transfer (impl=python): the same pipeline as gmmot-color-transfer on the pixels of
    the same 1024x768 pair (ct_src = em_d3.bin, ct_tgt.bin; arrays already in memory: image
    decoding and the PNG write, which the C program's time includes, are not timed here):
    GaussianMixture (K=10, full, kmeans init, n_init=1, random_state=0, max_iter=300 and
    tol=1e-6 max(1, |l|) like the program's defaults GMMOT_OPT_EM_MAX_ITERATIONS=300 and
    GMMOT_OPT_EM_TOLERANCE=1e-6, l = libgmmot's l_src / l_tgt of the tmean line; reg_covar=1e-6 s,
    the program's default regularisation 1e-6 relative to the data's mean variance s) on all
    pixels (--fit all) or on N pixels drawn without replacement (numpy default_rng(0); the C
    program uses its own shuffle, so the subsets differ), the K0 x K1 Bures-Wasserstein costs
    (peer_numpy_gaussian.w2cost_numpy_eigh), ot.emd, the pair Monge maps in NumPy (batched eigh
    square roots), the NumPy T_mean above on every source pixel, clipping to [0, 1].
Single-threaded: OPENBLAS_NUM_THREADS=1 (and OMP/MKL), set before NumPy is imported.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import case_lines, libgmmot_results, single_threaded_blas  # noqa: E402

single_threaded_blas()

import numpy as np  # noqa: E402
import ot  # noqa: E402
import scipy.linalg  # noqa: E402
import scipy.special  # noqa: E402
from sklearn.mixture import GaussianMixture  # noqa: E402

from peer_numpy_gaussian import sqrtm_eigh_batched, w2cost_numpy_eigh  # noqa: E402

K = 10
EM_TOL_REL = 1e-4
EM_MAX_ITER = 100
REG_COVAR = 1e-6
CT_TOL_REL = 1e-6
CT_MAX_ITER = 300
NUM_ITER_MAX = 100_000_000


# ------------------------------------------------------------------ files
def read_points(path):
    with open(path, "rb") as f:
        if f.read(8) != b"GMMOTPT1":
            raise ValueError("%s: not a points file" % path)
        n, d = (int(v) for v in np.frombuffer(f.read(16), dtype="<u8"))
        x = np.frombuffer(f.read(), dtype="<f8")
    if x.size != n * d:
        raise ValueError("%s: truncated" % path)
    return x.reshape(n, d).copy()


def read_tmean(path):
    with open(path, "rb") as f:
        if f.read(8) != b"GMMOTTM1":
            raise ValueError("%s: not a tmean file" % path)
        n, d, k0, k1, nnz = (int(v) for v in np.frombuffer(f.read(40), dtype="<u8"))
        data = np.frombuffer(f.read(), dtype="<f8")
    shapes = [("w0", (k0,)), ("m0", (k0, d)), ("c0", (k0, d, d)), ("w1", (k1,)),
              ("m1", (k1, d)), ("c1", (k1, d, d)), ("rows", (nnz,)), ("cols", (nnz,)),
              ("mass", (nnz,)), ("a", (nnz, d, d)), ("b", (nnz, d)), ("out", (n, d))]
    out, pos = {}, 0
    for name, shape in shapes:
        size = int(np.prod(shape))
        out[name] = data[pos:pos + size].reshape(shape).copy()
        pos += size
    if pos != data.size:
        raise ValueError("%s: wrong size" % path)
    out["rows"] = out["rows"].astype(np.int64)
    out["cols"] = out["cols"].astype(np.int64)
    out["k0"] = k0
    return out


# ------------------------------------------------------------------ NumPy T_mean
def tmean_numpy(x, k0, m0, c0, rows, mass, a, b):
    """T_mean(x) = sum_k rho_k(x) (Abar_k x + bbar_k) from the sparse plan and pair maps."""
    d = x.shape[1]
    r = np.bincount(rows, weights=mass, minlength=k0)
    abar = np.zeros((k0, d, d))
    bbar = np.zeros((k0, d))
    np.add.at(abar, rows, mass[:, None, None] * a)
    np.add.at(bbar, rows, mass[:, None] * b)
    live = np.nonzero(r > 0)[0]
    abar[live] /= r[live, None, None]
    bbar[live] /= r[live, None]
    logp = np.empty((x.shape[0], live.size))
    for j, k in enumerate(live):
        chol = np.linalg.cholesky(c0[k])
        z = scipy.linalg.solve_triangular(chol, (x - m0[k]).T, lower=True, check_finite=False)
        logdet = 2.0 * np.log(np.diag(chol)).sum()
        logp[:, j] = np.log(r[k]) - 0.5 * (np.einsum("ij,ij->j", z, z) + logdet
                                           + d * np.log(2.0 * np.pi))
    rho = np.exp(logp - scipy.special.logsumexp(logp, axis=1, keepdims=True))
    out = np.zeros_like(x)
    for j, k in enumerate(live):
        out += rho[:, j, None] * (x @ abar[k].T + bbar[k])
    return out


def monge_maps_numpy(c0, c1, rows, cols, m0, m1):
    """Pair maps T(x) = A x + b, A = S0^-1/2 (S0^1/2 S1 S0^1/2)^1/2 S0^-1/2, b = m1 - A m0."""
    s0 = c0[rows]
    lam, v = np.linalg.eigh(s0)
    lam = np.clip(lam, 1e-300, None)
    r0 = (v * np.sqrt(lam)[..., None, :]) @ np.swapaxes(v, -1, -2)
    ir0 = (v / np.sqrt(lam)[..., None, :]) @ np.swapaxes(v, -1, -2)
    mid = sqrtm_eigh_batched(r0 @ c1[cols] @ r0)
    a = ir0 @ mid @ ir0
    a = 0.5 * (a + np.swapaxes(a, -1, -2))
    b = m1[cols] - np.einsum("nij,nj->ni", a, m0[rows])
    return a, b


# ------------------------------------------------------------------ sklearn EM
def sklearn_fit(x, tol, max_iter, reg_covar, seed=0):
    gm = GaussianMixture(n_components=K, covariance_type="full", init_params="kmeans", n_init=1,
                         max_iter=max_iter, tol=tol, reg_covar=reg_covar, random_state=seed)
    orig = gm._initialize_parameters
    timing = {}

    def timed_init(*args, **kwargs):
        t0 = time.perf_counter()
        orig(*args, **kwargs)
        timing["init"] = time.perf_counter() - t0

    gm._initialize_parameters = timed_init
    t0 = time.perf_counter()
    gm.fit(x)
    total = time.perf_counter() - t0
    del gm._initialize_parameters
    return gm, total, timing.get("init", 0.0)


def em_data(path, lib):
    """The points, the case label and scikit-learn's absolute tolerance matching libgmmot's."""
    x = read_points(path)
    n, d = x.shape
    label = "N%d_d%d_K%d" % (n, d, K)
    l_lib = float(lib[("em_fit", label)]["mean_loglik"])
    tol = EM_TOL_REL * max(1.0, abs(l_lib))
    return x, label, l_lib, tol


def em_case(path, lib, runs):
    x, label, l_lib, tol = em_data(path, lib)
    totals, inits, per_iter = [], [], []
    for _ in range(runs):
        gm, total, init = sklearn_fit(x, tol, EM_MAX_ITER, REG_COVAR)
        totals.append(total)
        inits.append(init)
        per_iter.append((total - init) / max(gm.n_iter_, 1))
    score = gm.score(x)
    print("case=em_fit impl=sklearn n=%s seconds=%.6e extra=s_per_iter:%.6e;init_s:%.4g;"
          "iterations:%d;mean_loglik:%.10g;converged:%d;tol_abs:%.4g;max_iter:%d;"
          "loglik_minus_libgmmot:%.3e;threads:1"
          % (label, np.median(totals), np.median(per_iter), np.median(inits), gm.n_iter_, score,
             int(gm.converged_), tol, EM_MAX_ITER, score - l_lib), flush=True)


def em_seeds_case(path, lib, seeds=5):
    """One fit per random_state 0 .. seeds - 1, as bench_em_maps's em_seeds."""
    x, label, _, tol = em_data(path, lib)
    totals, scores, iters = [], [], []
    for seed in range(seeds):
        gm, total, _ = sklearn_fit(x, tol, EM_MAX_ITER, REG_COVAR, seed)
        totals.append(total)
        scores.append(gm.score(x))
        iters.append(gm.n_iter_)
    print("case=em_seeds impl=sklearn n=%s_seeds%d seconds=%.6e extra=mean_loglik:%.10g;"
          "min_loglik:%.10g;max_loglik:%.10g;mean_iterations:%.4g;threads:1"
          % (label, seeds, np.median(totals), np.mean(scores), min(scores), max(scores),
             np.mean(iters)), flush=True)


def tmean_case(work, lib, runs):
    x = read_points(os.path.join(work, "em_d3.bin"))
    t = read_tmean(os.path.join(work, "tmean.bin"))
    label = "N%d_d%d_K%dx%d" % (x.shape[0], x.shape[1], t["k0"], t["w1"].size)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        y = tmean_numpy(x, t["k0"], t["m0"], t["c0"], t["rows"], t["mass"], t["a"], t["b"])
        times.append(time.perf_counter() - t0)
    diff = float(np.max(np.abs(y - t["out"])))
    print("case=tmean impl=numpy n=%s seconds=%.6e extra=max_abs_diff:%.3e;agree:%s;threads:1"
          % (label, np.median(times), diff, "yes" if diff <= 1e-9 else "no"), flush=True)


# ------------------------------------------------------------------ colour transfer
def colour_pipeline(src, tgt, fit, tol_src, tol_tgt):
    t = {}
    t0 = time.perf_counter()
    fits = []
    for x, tol in ((src, tol_src), (tgt, tol_tgt)):
        if fit != "all" and int(fit) < x.shape[0]:
            rng = np.random.default_rng(0)
            x = x[rng.choice(x.shape[0], int(fit), replace=False)]
        s = float(np.mean(np.var(x, axis=0)))
        gm, _, _ = sklearn_fit(x, tol, CT_MAX_ITER, 1e-6 * s)
        fits.append(gm)
    t1 = time.perf_counter()
    g0, g1 = fits
    cost = w2cost_numpy_eigh(g0.means_, g0.covariances_, g1.means_, g1.covariances_)
    plan, log = ot.emd(g0.weights_, g1.weights_, cost, numItermax=NUM_ITER_MAX, log=True)
    if log["result_code"] != 1:
        raise RuntimeError("ot.emd: %s" % log["warning"])
    rows, cols = np.nonzero(plan > 0)
    mass = plan[rows, cols]
    a, b = monge_maps_numpy(g0.covariances_, g1.covariances_, rows, cols, g0.means_, g1.means_)
    t2 = time.perf_counter()
    out = tmean_numpy(src, K, g0.means_, g0.covariances_, rows, mass, a, b)
    np.clip(out, 0.0, 1.0, out=out)
    t3 = time.perf_counter()
    t.update(fit_s=t1 - t0, mw2_s=t2 - t1, map_s=t3 - t2, total=t3 - t0,
             mw2sq=float(log["cost"]), iters="%d+%d" % (g0.n_iter_, g1.n_iter_))
    return t


def colour_case(work, lib, fit, runs):
    src = read_points(os.path.join(work, "em_d3.bin"))
    tgt = read_points(os.path.join(work, "ct_tgt.bin"))
    tm = [v for (c, _), v in lib.items() if c == "tmean"][0]
    tol_src = CT_TOL_REL * max(1.0, abs(float(tm["l_src"])))
    tol_tgt = CT_TOL_REL * max(1.0, abs(float(tm["l_tgt"])))
    res = [colour_pipeline(src, tgt, fit, tol_src, tol_tgt) for _ in range(runs)]
    res.sort(key=lambda r: r["total"])
    r = res[len(res) // 2]
    label = "src1024x768_tgt1024x768_d3_K%d_fit-%s" % (K, fit)
    print("case=colour_transfer impl=python n=%s seconds=%.6e extra=fit_s:%.4g;mw2_s:%.4g;"
          "map_s:%.4g;mw2sq:%.17g;em_iters:%s;runs:%d;tol_abs:%.3g+%.3g;threads:1"
          % (label, r["total"], r["fit_s"], r["mw2_s"], r["map_s"], r["mw2sq"], r["iters"], runs,
             tol_src, tol_tgt), flush=True)


# ------------------------------------------------------------------ ratios
def ratios(path):
    lib, peers = {}, []
    for fields, extra in case_lines(path):
        key = (fields["case"], fields["n"])
        if fields["impl"] == "libgmmot":
            lib[key] = (float(fields["seconds"]), extra)
        else:
            peers.append((key, fields["impl"], float(fields["seconds"]), extra))
    for key, impl, sec, extra in peers:
        if key not in lib:
            print("case=%s n=%s ratio=%s/libgmmot:NA" % (key[0], key[1], impl))
            continue
        # The EM cases are compared with both libgmmot settings: split-and-merge (em_fit,
        # em_seeds) and plain EM (em_fit_plain, em_seeds_plain).
        for case in [key[0]] + ([key[0] + "_plain"] if key[0] in ("em_fit", "em_seeds") else []):
            if (case, key[1]) not in lib:
                continue
            lsec, lextra = lib[(case, key[1])]
            line = "case=%s n=%s ratio=%s/libgmmot:%.3g" % (case, key[1], impl, sec / lsec)
            if key[0] == "em_seeds":
                line += " mean_loglik_diff=%s-libgmmot:%.3e" % (
                    impl, float(extra["mean_loglik"]) - float(lextra["mean_loglik"]))
            if key[0] == "em_fit":
                line += " per_iter_ratio=%s/libgmmot:%.3g loglik_diff=%s-libgmmot:%.3e" % (
                    impl, float(extra["s_per_iter"]) / float(lextra["s_per_iter"]), impl,
                    float(extra["mean_loglik"]) - float(lextra["mean_loglik"]))
            print(line)


def main(argv):
    args = argv[1:]
    opts = {}
    pos = []
    i = 0
    while i < len(args):
        if args[i].startswith("--"):
            opts[args[i]] = args[i + 1]
            i += 2
        else:
            pos.append(args[i])
            i += 1
    runs = int(opts.get("--runs", "5"))
    if pos and pos[0] == "ratios" and len(pos) == 2:
        ratios(pos[1])
        return 0
    if len(pos) != 2 or "--libgmmot-output" not in opts:
        sys.stderr.write(__doc__)
        return 2
    work = pos[1]
    lib = libgmmot_results(opts["--libgmmot-output"])
    if pos[0] == "em_tmean":
        em_case(os.path.join(work, "em_d3.bin"), lib, runs)
        em_case(os.path.join(work, "em_d27.bin"), lib, runs)
        em_seeds_case(os.path.join(work, "em_d3.bin"), lib)
        em_seeds_case(os.path.join(work, "em_d27.bin"), lib)
        tmean_case(work, lib, runs)
        return 0
    if pos[0] == "colour" and "--fit" in opts:
        colour_case(work, lib, opts["--fit"], runs)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
