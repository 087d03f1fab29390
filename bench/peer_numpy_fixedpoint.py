#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""NumPy/POT peer of bench_barycenter's case mw2_bary_fixed_point (Debian's NumPy, SciPy,
python3-pot): the fixed-point GMM barycenter heuristic (Tanguy-Delon-Gozlan, arXiv 2501.04016,
Alg. 3 with the Euclidean barycentric projection) as POT's ot.gmm.gmm_barycenter_fixed_point
documents it, re-implemented here because Debian's POT (0.8) predates ot.gmm.

Usage:
  peer_numpy_fixedpoint.py DIR [--libgmmot-output FILE] [--runs R]
      Time the peer on the mw2_bary_fixed_point cases of DIR/manifest.txt (written by
      `peer_scipy_mmot.py generate DIR`) and print, like bench_barycenter,
        case=<case> impl=numpy-fixedpoint n=<params> seconds=<median of R runs> extra=<k:v;...>
      R defaults to 5. With FILE (bench_barycenter's output) the peer runs as many iterations as
      libgmmot reported (it stops early only when V stops decreasing) and extra gives the
      relative difference of the final energies V and agree:yes|no (no: above 1e-9).

One iteration, from the current barycenter (means, covs, weights w_bar = the initial mixture's,
uniform in the data, the case where POT is correct):
  1. for every input mixture j, the MW2 plan pi_j between the barycenter and mu_j: the matrix of
     Gaussian W2^2 with batched eigh square roots (bench/peer_numpy_gaussian.py's
     w2cost_numpy_eigh, the numerics of POT's dist_bures_squared with its NumPy backend), then
     POT's ot.emd (numItermax 1e8, result code checked);
  2. the Euclidean barycentric projection of component i on mu_j: the mean and the covariance
     of the components of mu_j weighted by pi_j[i, :] / w_bar[i] (POT: n * pi_j, i.e. uniform
     w_bar);
  3. component i becomes the Gaussian W2 barycenter of its J projections with weights lambda:
     mean sum_j l_j m_j, covariance by the Alvarez-Esteban fixed point with scipy.linalg.sqrtm,
     from sum_j l_j S_j, until ||S_new - S||_F <= 1e-12 ||S||_F.
After the last iteration, V = sum_j lambda_j MW2^2(barycenter, mu_j) (step 1 once more, the
optimal values of ot.emd). seconds = the iterations and that final V;
extra=V (final), V0 (the start's), iterations, s_per_iter (seconds / iterations), runs,
rel_diff, agree. Single-threaded (OPENBLAS_NUM_THREADS=1). Timing: R timed runs, median (with R
>= 5: the warm-up rule of peer_common.time_median).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import agree_tail, libgmmot_results, read_manifest, rel_diff  # noqa: E402
from peer_common import single_threaded_blas  # noqa: E402

single_threaded_blas()

import numpy as np  # noqa: E402
import ot  # noqa: E402

from peer_numpy_gaussian import w2cost_numpy_eigh  # noqa: E402
from peer_scipy_mmot import AGREE_RTOL, bures_barycenter, read_case, timed  # noqa: E402

NUM_ITER_MAX = 100_000_000


def plans(w_bar, means, covs, mixtures):
    """The MW2 plans and optimal values between the barycenter and every mu_j."""
    out = []
    for w, m, c in mixtures:
        cost = w2cost_numpy_eigh(means, covs, m, c)
        plan, log = ot.emd(w_bar, w, cost, numItermax=NUM_ITER_MAX, log=True)
        if log["result_code"] != 1:
            raise RuntimeError("ot.emd: result_code %d: %s" % (log["result_code"], log["warning"]))
        out.append((plan, float(log["cost"])))
    return out


def fixed_point(lam, mixtures, init, iterations):
    w_bar, means, covs = (x.copy() for x in init)  # never modify the inputs
    n = w_bar.size
    v0 = None
    for _ in range(iterations):
        pis = plans(w_bar, means, covs, mixtures)
        if v0 is None:
            v0 = sum(l * v for l, (_, v) in zip(lam, pis))
        sel_means = np.stack([(p / w_bar[:, None]) @ m for (p, _), (_, m, _) in zip(pis, mixtures)],
                             axis=1)  # n x J x d
        sel_covs = np.stack([np.einsum("ik,kab->iab", p / w_bar[:, None], c)
                             for (p, _), (_, _, c) in zip(pis, mixtures)], axis=1)
        for i in range(n):
            means[i], covs[i] = bures_barycenter(lam, sel_means[i], sel_covs[i])
    v = sum(l * val for l, (_, val) in zip(lam, plans(w_bar, means, covs, mixtures)))
    return v, v if v0 is None else v0


def main(argv):
    if len(argv) < 2 or len(argv[2:]) % 2:
        sys.stderr.write(__doc__)
        return 2
    datadir = argv[1]
    opts = dict(zip(argv[2::2], argv[3::2]))
    if set(opts) - {"--libgmmot-output", "--runs"}:
        sys.stderr.write(__doc__)
        return 2
    runs = int(opts.get("--runs", "5"))
    lib = libgmmot_results(opts.get("--libgmmot-output"))
    for case, n, name in read_manifest(datadir):
        if case != "mw2_bary_fixed_point":
            continue
        lam, mixtures, init, iterations = read_case(os.path.join(datadir, name))
        ours = lib.get((case, n))
        if ours is not None and "iterations" in ours:
            iterations = int(ours["iterations"])
        sec, (v, v0) = timed(lambda: fixed_point(lam, mixtures, init, iterations), runs)
        rd = rel_diff(ours, "V", v)
        tail = agree_tail(rd, AGREE_RTOL)
        print("case=%s impl=numpy-fixedpoint n=%s seconds=%.6e "
              "extra=V:%.17g;V0:%.17g;iterations:%d;s_per_iter:%.4g;runs:%d;threads:1;%s"
              % (case, n, sec, v, v0, iterations, sec / max(iterations, 1), runs, tail),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
