# SPDX-License-Identifier: MIT
"""The POT peer of bench/bench_gromov.c: MGW2 by POT's ot.gromov.gromov_wasserstein (Debian
python3-pot 0.8.2; square loss, its one start, the product coupling) on the intra-mixture W2^2
matrices libgmmot wrote, so both sides solve exactly the same Gromov-Wasserstein problem.

  peer_pot_gw.py generate DIR
      Writes the mixtures and DIR/manifest.txt ("mgw2 <n> <file>"). Cases n=d<m>x<n>_K<K>: two
      random K-component mixtures (bench/peer_common.py random_mixture: exponential weights,
      means 3 N(0, I), covariances of random spectra up to condition 1e6) in R^m and R^n, for
      K = 10, 50, 200 and (m, n) = (3, 3), (27, 3); seed 2026. Then "gw_points <n> <file>":
      generate_points below (N = 2000 points in 3-D, their rotated noisy shuffled copy).
  peer_pot_gw.py run DIR --libgmmot-output FILE [--runs R]
      For every case: reads D0, D1 (<file>.D, written by bench_gromov) and the weights, times
      ot.gromov.gromov_wasserstein(D0, D1, a, b, "square_loss", log=True) (median of R runs,
      default 3), and prints one line per libgmmot case (mgw2, mgw2_single, gw, gw_single):
        case=<case> impl=pot-gw n=<n> seconds=<s> extra=pot_value:<v>;libgmmot_value:<v>;
             lower_or_equal:<yes|no>
      where pot_value is the objective at POT's plan (sum (D0_ik - D1_jl)^2 T_ij T_kl) and
      lower_or_equal says whether libgmmot's value is <= POT's (1 + 1e-12). For mgw2 and
      mgw2_single, which libgmmot times end to end from the mixtures, a second line
        case=<case> impl=numpy-pot-gw n=<n> seconds=<s> extra=pot_value:<v>;matrix_rel_diff:<r>
      times the same job in Python: the W2^2 matrices by batched NumPy eigh/eigvalsh
      (intra_w2_squared) plus the same POT call; pot_value is at its plan, measured on
      libgmmot's matrices, and matrix_rel_diff the largest difference between the two
      matrices relative to their largest entry. For the gw_points
      case one line case=gw_points_vs_mgw2 (run_points below: both times, both agreements;
      PEER_POINTS_RUNS runs, default 1).
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_common as pc  # noqa: E402

pc.single_threaded_blas()

import numpy as np  # noqa: E402

CASES = [(k, m, n) for (m, n) in ((3, 3), (27, 3)) for k in (10, 50, 200)]
# case=gw_points_vs_mgw2: N points in 3-D drawn from C clusters, and their rotated, translated,
# noisy and shuffled copy; libgmmot fits K-component mixtures to both.
POINTS_N, POINTS_CLUSTERS, POINTS_K = 2000, 20, 20


def generate(datadir):
    os.makedirs(datadir, exist_ok=True)
    rng = np.random.default_rng(2026)
    lines = pc.write_mixture_pairs(datadir, rng, CASES, b"GMMOTGW1", "mgw2")
    lines.append(generate_points(datadir, rng))
    with open(os.path.join(datadir, "manifest.txt"), "w") as f:
        f.writelines(lines)


def generate_points(datadir, rng):
    """Two clouds with a known correspondence: X from C Gaussian clusters (centres uniform in
    [-10, 10]^3, random covariances of scale about 1, weights exponential: the clusters differ
    in mass and shape, so no isometry of X maps it onto itself), Y[perm[i]] = R X[i] + t +
    N(0, 0.05^2 I) with R a random rotation. Labels and perm go to <file>.truth.npz."""
    n, c = POINTS_N, POINTS_CLUSTERS
    w = rng.exponential(size=c)
    w /= w.sum()
    labels = rng.choice(c, size=n, p=w)
    centres = rng.uniform(-10.0, 10.0, size=(c, 3))
    x = np.empty((n, 3))
    for k in range(c):
        a = rng.standard_normal((3, 3)) * 0.6
        idx = labels == k
        x[idx] = centres[k] + rng.standard_normal((idx.sum(), 3)) @ a.T
    q, r = np.linalg.qr(rng.standard_normal((3, 3)))
    q *= np.sign(np.diag(r))
    if np.linalg.det(q) < 0:
        q[:, 0] = -q[:, 0]
    perm = rng.permutation(n)
    y = np.empty_like(x)
    y[perm] = x @ q.T + rng.uniform(-5, 5, size=3) + 0.05 * rng.standard_normal((n, 3))
    name = "N%d_C%d_K%d" % (n, c, POINTS_K)
    path = os.path.join(datadir, "points_%s.bin" % name)
    with open(path, "wb") as f:
        f.write(b"GMMOTPT1")
        f.write(struct.pack("<2Q", n, 3))
        f.write(np.ascontiguousarray(x, dtype="<f8").tobytes())
        f.write(np.ascontiguousarray(y, dtype="<f8").tobytes())
    np.savez(path + ".truth.npz", labels=labels, perm=perm)
    return "gw_points %s %s\n" % (name, os.path.basename(path))


def run_points(path, n_text, lib, runs):
    """POT's GW between the clouds (squared Euclidean matrices, uniform weights, its defaults),
    and the agreement of both correspondences with the truth: the fraction of X points whose
    matched cluster is their own. POT: the matched point argmax_j T_ij (also: the fraction
    matched to exactly their copy). libgmmot: X point i's MAP component k, the component l of Y
    with the most plan mass from k, and the cluster most of l's MAP points belong to."""
    import ot

    truth = np.load(path + ".truth.npz")
    labels, perm = truth["labels"], truth["perm"]
    with open(path, "rb") as f:
        assert f.read(8) == b"GMMOTPT1"
        n, d = struct.unpack("<2Q", f.read(16))
        xy = np.frombuffer(f.read(16 * n * d), dtype="<f8")
    x, y = xy[:n * d].reshape(n, d), xy[n * d:].reshape(n, d)
    labels_y = np.empty(n, dtype=labels.dtype)
    labels_y[perm] = labels
    p = np.full(n, 1.0 / n)

    def pot():
        c0 = ot.dist(x, x)
        c1 = ot.dist(y, y)
        return ot.gromov.gromov_wasserstein(c0, c1, p, p, "square_loss", log=True)

    saved = pc.NRUNS
    pc.NRUNS = runs
    seconds, (t, log) = pc.time_median(pot, no_warmup_seconds=1.0)
    pc.NRUNS = saved
    match = np.asarray(t).argmax(axis=1)
    pot_cluster = float(np.mean(labels_y[match] == labels))
    pot_point = float(np.mean(match == perm))
    tail = "libgmmot_cluster_agreement:NA"
    raw = np.fromfile(path + ".assign", dtype="<i8", count=2 * n) if os.path.exists(
        path + ".assign") else None
    if raw is not None:
        k = POINTS_K
        plan = np.fromfile(path + ".assign", dtype="<f8", offset=16 * n).reshape(k, k)
        kx, ky = raw[:n], raw[n:]
        majority = np.full(k, -1)
        for comp in range(k):
            own = labels_y[ky == comp]
            if own.size:
                majority[comp] = np.bincount(own).argmax()
        predicted = majority[plan.argmax(axis=1)[kx]]
        tail = "libgmmot_cluster_agreement:%.4f" % float(np.mean(predicted == labels))
    print("case=gw_points_vs_mgw2 impl=pot-gw n=%s seconds=%.6e extra=pot_cluster_agreement:%.4f;"
          "pot_point_agreement:%.4f;pot_gw_dist:%.6g;runs:%d;%s"
          % (n_text, seconds, pot_cluster, pot_point, float(log["gw_dist"]), runs, tail),
          flush=True)


def intra_w2_squared(means, covs, chunk=2048):
    """The intra-mixture W2^2 matrix as a NumPy user computes it, batched: S_k^(1/2) by eigh,
    then for each pair k < l the cross term tr (S_k^(1/2) S_l S_k^(1/2))^(1/2) from the
    eigenvalues (eigvalsh) of the stacked products, `chunk` pairs at a time."""
    k, d = means.shape
    lam, vec = np.linalg.eigh(covs)
    roots = (vec * np.sqrt(np.clip(lam, 0.0, None))[:, None, :]) @ vec.transpose(0, 2, 1)
    traces = np.trace(covs, axis1=1, axis2=2)
    rows, cols = np.triu_indices(k, 1)
    out = np.zeros((k, k))
    for s in range(0, rows.size, chunk):
        r, c = rows[s:s + chunk], cols[s:s + chunk]
        prod = roots[r] @ covs[c] @ roots[r]
        ev = np.linalg.eigvalsh(0.5 * (prod + prod.transpose(0, 2, 1)))
        cross = np.sqrt(np.clip(ev, 0.0, None)).sum(axis=1)
        diff = means[r] - means[c]
        val = np.clip(np.einsum("ij,ij->i", diff, diff) + traces[r] + traces[c] - 2 * cross,
                      0.0, None)
        out[r, c] = val
        out[c, r] = val
    return out


def objective(c0, c1, t):
    # sum (c0_ik - c1_jl)^2 t_ij t_kl = <c0^2 a, a> + <c1^2 b, b> - 2 <c0 t c1, t>
    a, b = t.sum(axis=1), t.sum(axis=0)
    return float(a @ (c0 ** 2) @ a + b @ (c1 ** 2) @ b - 2 * np.sum((c0 @ t @ c1) * t))


def run(datadir, lib_output, runs):
    import ot

    pc.NRUNS = runs
    lib = pc.libgmmot_results(lib_output)
    for case, n, fname in pc.read_manifest(datadir):
        path = os.path.join(datadir, fname)
        if case == "gw_points":
            # One run: POT's GW on 2000 points takes minutes (a 2000 x 2000 network simplex per
            # Frank-Wolfe step, capped at POT's numItermaxEmd = 100000 pivots).
            run_points(path, n, lib, int(os.environ.get("PEER_POINTS_RUNS", "1")))
            continue
        (a, m0, s0), (b, m1, s1) = pc.read_mixture_pair(path, b"GMMOTGW1")
        raw = np.fromfile(path + ".D", dtype="<f8")
        k0, k1 = a.size, b.size
        d0 = raw[:k0 * k0].reshape(k0, k0)
        d1 = raw[k0 * k0:].reshape(k1, k1)
        seconds, (t, _) = pc.time_median(
            lambda: ot.gromov.gromov_wasserstein(d0, d1, a, b, "square_loss", log=True),
            no_warmup_seconds=1.0)
        pot_value = objective(d0, d1, t)
        # The whole job in Python, as libgmmot's mgw2 lines time it: the W2^2 matrices from the
        # mixtures, then the same POT call.
        def whole():
            e0, e1 = intra_w2_squared(m0, s0), intra_w2_squared(m1, s1)
            return e0, e1, ot.gromov.gromov_wasserstein(e0, e1, a, b, "square_loss", log=True)
        whole_seconds, (e0, e1, (t_whole, _)) = pc.time_median(whole, no_warmup_seconds=1.0)
        # How far NumPy's matrices are from libgmmot's, relative to the largest entry.
        d_diff = max(np.max(np.abs(e0 - d0)) / max(np.max(d0), 1e-300),
                     np.max(np.abs(e1 - d1)) / max(np.max(d1), 1e-300))
        whole_value = objective(d0, d1, t_whole)
        for lib_case in ("mgw2", "mgw2_single", "gw", "gw_single"):
            ours = lib.get((lib_case, n), {}).get("value")
            if ours is None:
                tail = "libgmmot_value:NA;lower_or_equal:NA"
            else:
                ok = float(ours) <= pot_value * (1 + 1e-12) + 1e-300
                tail = "libgmmot_value:%s;lower_or_equal:%s" % (ours, "yes" if ok else "no")
            print("case=%s impl=pot-gw n=%s seconds=%.6e extra=pot_value:%.17g;%s"
                  % (lib_case, n, seconds, pot_value, tail), flush=True)
            if lib_case in ("mgw2", "mgw2_single"):
                print("case=%s impl=numpy-pot-gw n=%s seconds=%.6e extra=pot_value:%.17g;"
                      "matrix_rel_diff:%.2e" % (lib_case, n, whole_seconds, whole_value, d_diff),
                      flush=True)


def main(argv):
    return pc.generate_run_main(argv, __doc__, generate, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
