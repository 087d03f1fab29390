#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""examples/dask/gmmot_dask.py on a local cluster of 2 worker processes (issue 16, section 6).

Runs the example's command line on three shipped photographs plus a folder holding a copy of
one of them under the same name and a file that is not an image, one MW2 pair per task (so
the pairs are spread over many tasks), then checks in this process:
  - the work ran in worker processes (the process ids the tasks report are not the CLI's);
  - the mixtures the workers fitted (saved by --save-mixtures) are, byte for byte, the ones a
    local fit gives (same subsample, seed and one thread): they crossed the process
    boundaries intact, weights and covariances included;
  - the MW2 matrix equals MW2 between those mixtures computed here (to rounding: a task may
    get a fitted mixture itself or its pickled copy, see gmm_io.h); it is symmetric
    with a zero diagonal, and the two copies of one image are at distance 0 (to rounding);
  - the non-image is skipped with a message; the two inputs that share a name get two
    distinct outputs; every recoloured image has its source's size (read here with PIL, not
    with the example's code), and its mean colour moved towards the target's.
Exits 77 (CTest skip) without numpy, PIL or distributed.

Run: GMMOT_LIBRARY=build/libgmmot.so PYTHONPATH=bindings/python tests/dask/test_dask_example.py
"""
import csv
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import numpy as np
    from PIL import Image
    import distributed  # noqa: F401
except ImportError as e:  # pragma: no cover
    print("skipping: %s" % e)
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
EXAMPLE = os.path.join(ROOT, "examples", "dask", "gmmot_dask.py")
DATA = os.path.join(ROOT, "examples", "data")
IMAGES = [os.path.join(DATA, n) for n in ("astronaut.png", "coffee.png", "rocket.jpg")]
TARGET = os.path.join(DATA, "chelsea.png")
K, SHRINK, FIT_PIXELS, SEED = 4, 4, 3000, 3


def load_example():
    spec = importlib.util.spec_from_file_location("gmmot_dask", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def mean_colour(path, shrink=1):
    with Image.open(path) as im:
        im = im.convert("RGB")
        if shrink > 1:
            im = im.resize((im.width // shrink, im.height // shrink), Image.BILINEAR)
        a = np.asarray(im, dtype=np.float64) / 255.0
    return a.reshape(-1, 3).mean(axis=0), a.shape[:2]


def main():
    import gmmot
    ex = load_example()
    failures = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            failures.append(what)

    with tempfile.TemporaryDirectory() as tmp:
        extra = os.path.join(tmp, "more")
        out = os.path.join(tmp, "out")
        os.makedirs(extra)
        shutil.copy(IMAGES[1], os.path.join(extra, "coffee.png"))  # same name, same pixels
        with open(os.path.join(extra, "broken.png"), "wb") as f:
            f.write(b"not an image")
        cmd = [sys.executable, EXAMPLE, "--target", TARGET, "--out", out, "--workers", "2",
               "--k", str(K), "--shrink", str(SHRINK), "--fit-pixels", str(FIT_PIXELS),
               "--seed", str(SEED), "--pairs-per-task", "1", "--save-mixtures"] + IMAGES + [extra]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        print(run.stdout)
        print(run.stderr[-2000:])
        check(run.returncode == 0, "the example exits 0")
        if run.returncode != 0:
            return 1
        check("skipping %s" % os.path.join(extra, "broken.png") in run.stderr,
              "the non-image is skipped with a message")
        inputs = IMAGES + [os.path.join(extra, "coffee.png")]
        m = re.search(r"worker processes ([\d ]+) \(this process: (\d+)\)", run.stdout)
        check(m is not None, "the summary names the worker processes")
        if m:
            pids, own = {int(p) for p in m.group(1).split()}, int(m.group(2))
            check(len(pids) >= 1 and own not in pids and os.getpid() not in pids,
                  "the tasks ran in worker processes %s, not in %d" % (sorted(pids), own))

        with open(os.path.join(out, "mw2_matrix.csv"), newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        names = [os.path.basename(p) for p in inputs]
        check(rows[0][1:] == names and [r[0] for r in rows[1:]] == names,
              "matrix rows and columns name the images in order")
        matrix = np.array([[float(v) for v in r[1:]] for r in rows[1:]])
        n = len(inputs)
        check(matrix.shape == (n, n), "matrix is %d x %d" % (n, n))
        check(0.0 <= matrix[1, 3] <= 1e-12,
              "the two copies of coffee.png are at distance 0 (to rounding: %.3g)" % matrix[1, 3])

        stems = ["astronaut", "1-coffee", "rocket", "3-coffee"]
        local = [ex.fit_image(p, K, SHRINK, FIT_PIXELS, SEED) for p in inputs]
        for stem, g in zip(stems, local):
            path = os.path.join(out, "mixtures", stem + ".gmm")
            same = os.path.isfile(path) and open(path, "rb").read() == g.to_bytes()
            check(same, "the workers' fit of %s is the local fit, byte for byte" % stem)
        # A task gets either the fitted object itself (fitted on its worker) or a pickled copy,
        # which factors the covariances afresh where EM's fit kept EM's Cholesky factors
        # (gmm_io.h): the values agree to rounding, whichever the task got.
        for i in range(n):
            for j in range(i + 1, n):
                v = gmmot.mw2_distance(local[i], local[j], num_threads=1)
                check(abs(v - matrix[i, j]) <= 1e-12 * max(1.0, v),
                      "MW2(%d, %d) = %.17g equals the local %.17g to rounding"
                      % (i, j, matrix[i, j], v))

        target_mean, _ = mean_colour(TARGET, SHRINK)
        for p, stem in zip(inputs, stems):
            path = os.path.join(out, stem + ".recoloured.png")
            check(os.path.isfile(path), "wrote %s" % os.path.basename(path))
            if not os.path.isfile(path):
                continue
            src_mean, shape = mean_colour(p, SHRINK)
            new_mean, new_shape = mean_colour(path)
            check(new_shape == shape, "%s has its source's size %r" % (stem, shape))
            before = np.linalg.norm(src_mean - target_mean)
            after = np.linalg.norm(new_mean - target_mean)
            check(after < 0.5 * before + 0.02,
                  "%s: mean colour moved to the target's (%.4f -> %.4f)" % (stem, before, after))
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
