# SPDX-License-Identifier: MIT
"""The peer of bench/bench_mew2.c: MEW2 by the published alternating scheme (Salmona, Delon,
Desolneux, arXiv 2310.11256, algorithm MEW2_GM as described in docs: the Gaussian start with
its 2^n column sign flips tried on the initial loss, then alternate an exact plan by POT's
ot.emd (Debian python3-pot) with 150 projected-gradient steps P <- proj_Stiefel(P - alpha grad),
alpha = 0.01, until the loss changes by at most 1e-3 or 1000 alternations), written here in
NumPy from the paper's formulas (ideas only). Its loss is the published one, which leaves out
|(I - P P^T) m_k|^2; both sides are then scored by the same full loss (below), so the
comparison is of the isometries the two methods find.

  peer_numpy_mew2.py generate DIR
      Writes the mixture pairs and DIR/manifest.txt ("mew2 <n> <file>"). Cases n=d27x3_K<K>:
      two random K-component mixtures (bench/peer_common.py random_mixture: exponential weights,
      means 3 N(0, I), covariances of random spectra up to condition 1e6) in R^27 and R^3,
      K = 10, 20, 30, 40, 50; seed 2026.
  peer_numpy_mew2.py run DIR --libgmmot-output FILE [--runs R]
      For every case: times the peer (median of R runs, default 3) and prints
        case=mew2 impl=peer n=<n> seconds=<s> extra=peer_value:<v>;libgmmot_value:<v>;
             libgmmot_rescored:<v>;lower_or_equal:<yes|no>;alternations:<n>
      peer_value is MW2^2(mu, P#nu) at the peer's final P with the exact plan on the full cost
      (the published loss plus the omitted term); libgmmot_rescored is the same function at
      libgmmot's isometry (<file>.P, written by bench_mew2), an independent check of
      libgmmot_value; lower_or_equal says whether libgmmot_value <= peer_value (1 + 1e-9).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_common as pc  # noqa: E402

pc.single_threaded_blas()

import numpy as np  # noqa: E402

CASES = [(k, 27, 3) for k in (10, 20, 30, 40, 50)]
ALPHA, STEPS, EPS, MAX_ALTERNATIONS = 0.01, 150, 1e-3, 1000


def generate(datadir):
    os.makedirs(datadir, exist_ok=True)
    rng = np.random.default_rng(2026)
    lines = pc.write_mixture_pairs(datadir, rng, CASES, b"GMMOTEW1", "mew2")
    with open(os.path.join(datadir, "manifest.txt"), "w") as f:
        f.writelines(lines)


def sym_sqrt(s):
    lam, v = np.linalg.eigh(s)
    return (v * np.sqrt(np.clip(lam, 0, None))[..., None, :]) @ np.swapaxes(v, -1, -2)


class Problem:
    """Both mixtures centred; the large one (R^27) is side 0."""

    def __init__(self, pair):
        (self.w0, m0, self.c0), (self.w1, m1, self.c1) = pair
        self.a = m0 - self.w0 @ m0
        self.b = m1 - self.w1 @ m1
        self.bs = sym_sqrt(self.c1)
        self.tr0 = np.trace(self.c0, axis1=1, axis2=2)
        self.tr1 = np.trace(self.c1, axis1=1, axis2=2)

    def costs(self, p, full):
        pa = self.a @ p
        pap = np.einsum("ri,krs,sj->kij", p, self.c0, p)
        n = np.einsum("lij,kjm,lmn->klin", self.bs, pap, self.bs)
        nuc = np.sqrt(np.clip(np.linalg.eigvalsh(n), 0, None)).sum(-1)
        diff = ((pa[:, None, :] - self.b[None, :, :]) ** 2).sum(-1)
        cost = diff + self.tr0[:, None] + self.tr1[None, :] - 2 * nuc
        if full:  # the published loss leaves out |(I - P P^T) a_k|^2
            out = ((self.a - pa @ p.T) ** 2).sum(-1)
            cost = cost + out[:, None]
        return np.clip(cost, 0, None)

    def plan(self, p, full):
        import ot

        cost = self.costs(p, full)
        w = ot.emd(self.w0, self.w1, cost, numItermax=1000000)
        return w, float((w * cost).sum())

    def gradient(self, p, w):
        k, l = np.nonzero(w > 0)
        mass = w[k, l]
        a, b, bs, ak = self.a[k], self.b[l], self.bs[l], self.c0[k]
        pap = np.einsum("ri,nrs,sj->nij", p, ak, p)
        n = bs @ pap @ bs
        lam, v = np.linalg.eigh(n)
        inv = np.where(lam > 1e-14 * lam[:, -1:], 1 / np.sqrt(np.clip(lam, 1e-300, None)), 0.0)
        nis = (v * inv[:, None, :]) @ np.swapaxes(v, -1, -2)
        q = bs @ nis @ bs
        terms = (-a[:, :, None] * b[:, None, :] + (p @ b.T).T[:, :, None] * b[:, None, :]
                 - ak @ p[None, :, :] @ q)
        return 2 * np.einsum("n,nij->ij", mass, terms)


def proj_stiefel(x):
    u, _, vt = np.linalg.svd(x, full_matrices=False)
    return u @ vt


def gaussian_start(pb):
    def global_cov(w, m, c):
        return np.einsum("k,kij->ij", w, c) + (m.T * w) @ m

    _, u0 = np.linalg.eigh(global_cov(pb.w0, pb.a, pb.c0))
    _, u1 = np.linalg.eigh(global_cov(pb.w1, pb.b, pb.c1))
    u0, u1 = u0[:, ::-1], u1[:, ::-1]
    n = u1.shape[0]
    best = None
    for flips in range(2 ** n):
        s = np.array([-1.0 if (flips >> j) & 1 else 1.0 for j in range(n)])
        p = u0[:, :n] @ np.diag(s) @ u1.T
        _, loss = pb.plan(p, full=False)
        if best is None or loss < best[0]:
            best = (loss, p)
    return best[1]


def published_mew2(pair):
    pb = Problem(pair)
    p = gaussian_start(pb)
    prev = None
    for it in range(MAX_ALTERNATIONS):
        w, loss = pb.plan(p, full=False)
        for _ in range(STEPS):
            p = proj_stiefel(p - ALPHA * pb.gradient(p, w))
        if prev is not None and abs(loss - prev) <= EPS:
            break
        prev = loss
    return p, it + 1


def run(datadir, lib_output, runs):
    pc.NRUNS = runs
    lib = pc.libgmmot_results(lib_output)
    for case, n, fname in pc.read_manifest(datadir):
        path = os.path.join(datadir, fname)
        pair = pc.read_mixture_pair(path, b"GMMOTEW1")
        seconds, (p, alternations) = pc.time_median(lambda: published_mew2(pair),
                                                    no_warmup_seconds=1.0)
        pb = Problem(pair)
        _, peer_value = pb.plan(p, full=True)
        ours = lib.get((case, n), {}).get("value")
        rescored = "NA"
        if os.path.exists(path + ".P"):
            pl = np.fromfile(path + ".P", dtype="<f8").reshape(p.shape)
            rescored = "%.17g" % pb.plan(pl, full=True)[1]
        if ours is None:
            tail = "libgmmot_value:NA;libgmmot_rescored:%s;lower_or_equal:NA" % rescored
        else:
            ok = float(ours) <= peer_value * (1 + 1e-9)
            tail = "libgmmot_value:%s;libgmmot_rescored:%s;lower_or_equal:%s" % (
                ours, rescored, "yes" if ok else "no")
        print("case=%s impl=peer n=%s seconds=%.6e extra=peer_value:%.17g;%s;alternations:%d"
              % (case, n, seconds, peer_value, tail, alternations), flush=True)


def main(argv):
    return pc.generate_run_main(argv, __doc__, generate, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
