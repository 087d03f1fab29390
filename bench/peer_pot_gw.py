# SPDX-License-Identifier: MIT
"""The POT peer of bench/bench_gromov.c: MGW2 by POT's ot.gromov.gromov_wasserstein (Debian
python3-pot 0.8.2; square loss, its one start, the product coupling) on the intra-mixture W2^2
matrices libgmmot wrote, so both sides solve exactly the same Gromov-Wasserstein problem.

  peer_pot_gw.py generate DIR
      Writes the mixtures and DIR/manifest.txt ("mgw2 <n> <file>"). Cases n=d<m>x<n>_K<K>: two
      random K-component mixtures (bench/peer_common.py random_mixture: exponential weights,
      means 3 N(0, I), covariances of random spectra up to condition 1e6) in R^m and R^n, for
      K = 10, 50, 200 and (m, n) = (3, 3), (27, 3); seed 2026.
  peer_pot_gw.py run DIR --libgmmot-output FILE [--runs R]
      For every case: reads D0, D1 (<file>.D, written by bench_gromov) and the weights, times
      ot.gromov.gromov_wasserstein(D0, D1, a, b, "square_loss", log=True) (median of R runs,
      default 3), and prints one line per libgmmot case (mgw2, mgw2_single, gw, gw_single):
        case=<case> impl=pot-gw n=<n> seconds=<s> extra=pot_value:<v>;libgmmot_value:<v>;
             lower_or_equal:<yes|no>
      where pot_value is the objective at POT's plan (sum (D0_ik - D1_jl)^2 T_ij T_kl) and
      lower_or_equal says whether libgmmot's value is <= POT's (1 + 1e-12).
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_common as pc  # noqa: E402

pc.single_threaded_blas()

import numpy as np  # noqa: E402

CASES = [(k, m, n) for (m, n) in ((3, 3), (27, 3)) for k in (10, 50, 200)]


def random_spd(rng, d):
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    q *= np.sign(np.diag(r))
    c = rng.uniform(0.0, 6.0)
    t = np.sort(rng.uniform(0.0, 1.0, d))
    if d > 1:
        t[0], t[-1] = 0.0, 1.0
    lam = 10.0 ** (rng.uniform(-1.0, 1.0) - c * t)
    cov = (q * lam) @ q.T
    return 0.5 * (cov + cov.T)


def generate(datadir):
    os.makedirs(datadir, exist_ok=True)
    rng = np.random.default_rng(2026)
    lines = []
    for k, m, n in CASES:
        name = "d%dx%d_K%d" % (m, n, k)
        mix = [pc.random_mixture(rng, k, m, random_spd), pc.random_mixture(rng, k, n, random_spd)]
        path = os.path.join(datadir, "mgw2_%s.bin" % name)
        with open(path, "wb") as f:
            f.write(b"GMMOTGW1")
            f.write(struct.pack("<4Q", k, m, k, n))
            for w, means, covs in mix:
                for arr in (w, means, covs):
                    f.write(np.ascontiguousarray(arr, dtype="<f8").tobytes())
        lines.append("mgw2 %s %s\n" % (name, os.path.basename(path)))
    with open(os.path.join(datadir, "manifest.txt"), "w") as f:
        f.writelines(lines)


def read_weights(path):
    with open(path, "rb") as f:
        assert f.read(8) == b"GMMOTGW1"
        k0, d0, k1, d1 = struct.unpack("<4Q", f.read(32))
        a = np.frombuffer(f.read(8 * k0), dtype="<f8")
        f.seek(8 * (k0 * d0 + k0 * d0 * d0), 1)
        b = np.frombuffer(f.read(8 * k1), dtype="<f8")
    return a.copy(), b.copy()


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
        a, b = read_weights(path)
        raw = np.fromfile(path + ".D", dtype="<f8")
        k0, k1 = a.size, b.size
        d0 = raw[:k0 * k0].reshape(k0, k0)
        d1 = raw[k0 * k0:].reshape(k1, k1)
        seconds, (t, _) = pc.time_median(
            lambda: ot.gromov.gromov_wasserstein(d0, d1, a, b, "square_loss", log=True),
            no_warmup_seconds=1.0)
        pot_value = objective(d0, d1, t)
        for lib_case in ("mgw2", "mgw2_single", "gw", "gw_single"):
            ours = lib.get((lib_case, n), {}).get("value")
            if ours is None:
                tail = "libgmmot_value:NA;lower_or_equal:NA"
            else:
                ok = float(ours) <= pot_value * (1 + 1e-12) + 1e-300
                tail = "libgmmot_value:%s;lower_or_equal:%s" % (ours, "yes" if ok else "no")
            print("case=%s impl=pot-gw n=%s seconds=%.6e extra=pot_value:%.17g;%s"
                  % (lib_case, n, seconds, pot_value, tail), flush=True)


def main(argv):
    if len(argv) >= 2 and argv[0] == "generate":
        generate(argv[1])
        return 0
    if len(argv) >= 4 and argv[0] == "run" and argv[2] == "--libgmmot-output":
        runs = int(argv[5]) if len(argv) >= 6 and argv[4] == "--runs" else 3
        run(argv[1], argv[3], runs)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
