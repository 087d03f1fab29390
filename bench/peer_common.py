# SPDX-License-Identifier: MIT
"""Helpers shared by the Python peers of the C benchmarks (peer_*.py), so that both sides time
and read the `case=... impl=... n=... seconds=... extra=k:v;...` lines the same way.

Standard library only: the peers set OPENBLAS_NUM_THREADS before NumPy is first imported, and
importing this module must not import NumPy early.
"""

import os
import statistics
import time

# The same two numbers as bench/bench_common.h: seconds= is the median of NRUNS runs, and a run
# that repeats a short call lasts at least MIN_RUN_SECONDS.
NRUNS = 5
MIN_RUN_SECONDS = 0.02


def single_threaded_blas():
    """Make OpenBLAS, OpenMP and MKL single-threaded; a peer calls this before importing NumPy."""
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["MKL_NUM_THREADS"] = "1"


def time_median(fun, no_warmup_seconds=float("inf")):
    """Median over NRUNS runs of the per-call time of fun() and fun's last result.

    A first call (the warm-up) also sets how often a run repeats fun to last MIN_RUN_SECONDS; a
    first call taking no_warmup_seconds or more counts as the first run instead, so that slow
    cases do not pay for a separate warm-up (the rule of bench_common.h's time_median)."""
    t0 = time.perf_counter()
    result = fun()
    t = time.perf_counter() - t0
    times = []
    if t >= no_warmup_seconds:
        times.append(t)
    reps = 1 if t >= MIN_RUN_SECONDS else int(MIN_RUN_SECONDS / max(t, 1e-7)) + 1
    while len(times) < NRUNS:
        t0 = time.perf_counter()
        for _ in range(reps):
            result = fun()
        times.append((time.perf_counter() - t0) / reps)
    return float(statistics.median(times)), result


def case_lines(path):
    """(fields, extra) for every case line of the file: fields maps case, impl, n, seconds,
    extra to their text; extra maps the k of each k:v of extra= to its v."""
    with open(path) as f:
        for line in f:
            if not line.startswith("case="):
                continue
            fields = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
            extra = dict(kv.split(":", 1) for kv in fields.get("extra", "").split(";") if kv)
            yield fields, extra


def read_manifest(datadir):
    """The lines of DIR/manifest.txt (written by a peer's generate), each split into its words
    (case, n, file name); blank lines skipped."""
    with open(os.path.join(datadir, "manifest.txt")) as f:
        return [line.split() for line in f if line.strip()]


def libgmmot_results(path):
    """{(case, n): extra} of libgmmot's lines in the file (none when path is None), extra with
    its seconds added under "seconds"."""
    out = {}
    if path is None:
        return out
    for fields, extra in case_lines(path):
        if fields.get("impl") != "libgmmot":
            continue
        extra["seconds"] = fields["seconds"]
        out[(fields["case"], fields["n"])] = extra
    return out


def rel_diff(lib, key, value):
    """|ref - value| / max(|ref|, |value|, 1e-300), ref the number under key in lib (an extra of
    libgmmot_results); None when lib is None or has no number under key."""
    if lib is None or key not in lib:
        return None
    try:
        ref = float(lib[key])
    except ValueError:
        return None
    return abs(ref - value) / max(abs(ref), abs(value), 1e-300)


def agree_tail(rd, rtol):
    """The rel_diff:...;agree:yes|no|NA end of an extra= field, rd from rel_diff."""
    if rd is None:
        return "rel_diff:NA;agree:NA"
    return "rel_diff:%.3e;agree:%s" % (rd, "yes" if rd <= rtol else "no")


def random_mixture(rng, k, d, random_spd, uniform=False):
    """(w, means, covs) of a random K-component mixture in R^d: weights exponential (uniform with
    uniform=True) normalised, means 3 N(0, I), covariances random_spd(rng, d)."""
    import numpy as np  # here, not at the top: see the module's docstring

    w = np.full(k, 1.0 / k) if uniform else rng.exponential(size=k)
    w /= w.sum()
    means = 3.0 * rng.standard_normal((k, d))
    covs = np.array([random_spd(rng, d) for _ in range(k)])
    return w, means, covs


def random_spd(rng, d):
    """A random d x d SPD matrix: a random rotation of a spectrum 10^(u - c t), u uniform in
    [-1, 1], c uniform in [0, 6], t sorted uniform in [0, 1] with ends 0 and 1 (so condition
    numbers up to 1e6)."""
    import numpy as np  # here, not at the top: see the module's docstring

    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    q *= np.sign(np.diag(r))
    c = rng.uniform(0.0, 6.0)
    t = np.sort(rng.uniform(0.0, 1.0, d))
    if d > 1:
        t[0], t[-1] = 0.0, 1.0
    lam = 10.0 ** (rng.uniform(-1.0, 1.0) - c * t)
    cov = (q * lam) @ q.T
    return 0.5 * (cov + cov.T)


def write_mixture_pairs(datadir, rng, cases, magic, kind):
    """For every (K, m, n) of cases, two random K-component mixtures in R^m and R^n
    (random_mixture with random_spd) in DIR/<kind>_d<m>x<n>_K<K>.bin: magic (8 bytes), uint64
    K, m, K, n, then float64 weights, means and covariances of each mixture, the layout
    bench/bench_mixtures.h reads. Returns the manifest lines "<kind> d<m>x<n>_K<K> <file>"."""
    import struct

    import numpy as np  # here, not at the top: see the module's docstring

    lines = []
    for k, m, n in cases:
        name = "d%dx%d_K%d" % (m, n, k)
        mix = [random_mixture(rng, k, m, random_spd), random_mixture(rng, k, n, random_spd)]
        path = os.path.join(datadir, "%s_%s.bin" % (kind, name))
        with open(path, "wb") as f:
            f.write(magic)
            f.write(struct.pack("<4Q", k, m, k, n))
            for w, means, covs in mix:
                for arr in (w, means, covs):
                    f.write(np.ascontiguousarray(arr, dtype="<f8").tobytes())
        lines.append("%s %s %s\n" % (kind, name, os.path.basename(path)))
    return lines


def read_mixture_pair(path, magic):
    """[(w, means, covs), (w, means, covs)] of a file of write_mixture_pairs."""
    import struct

    import numpy as np  # here, not at the top: see the module's docstring

    with open(path, "rb") as f:
        assert f.read(8) == magic
        k0, d0, k1, d1 = struct.unpack("<4Q", f.read(32))
        out = []
        for k, d in ((k0, d0), (k1, d1)):
            w = np.frombuffer(f.read(8 * k), dtype="<f8").copy()
            m = np.frombuffer(f.read(8 * k * d), dtype="<f8").reshape(k, d).copy()
            c = np.frombuffer(f.read(8 * k * d * d), dtype="<f8").reshape(k, d, d).copy()
            out.append((w, m, c))
    return out


def generate_run_main(argv, doc, generate, run):
    """The command line `generate DIR` | `run DIR --libgmmot-output FILE [--runs R]` (R default
    3) of the mixture-pair peers: calls generate(DIR) or run(DIR, FILE, R); else prints doc and
    returns 2."""
    import sys

    if len(argv) >= 2 and argv[0] == "generate":
        generate(argv[1])
        return 0
    if len(argv) >= 4 and argv[0] == "run" and argv[2] == "--libgmmot-output":
        runs = int(argv[5]) if len(argv) >= 6 and argv[4] == "--runs" else 3
        run(argv[1], argv[3], runs)
        return 0
    print(doc, file=sys.stderr)
    return 2
