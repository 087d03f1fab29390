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
