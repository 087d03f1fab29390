#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""examples/dask/gmmot_dask.py on a local cluster of 2 worker processes (issue 16, section 6).

Runs the example's command line on the four shipped photographs (downscaled), then checks in
this process, independently of the workers: the mixtures the workers fitted are the ones a
local fit gives, bit for bit (same subsample, seed and one thread), so they crossed the
process boundary intact; the MW2 matrix equals the locally computed distances exactly, is
symmetric with a zero diagonal; every recoloured image has its source's size, and its mean
colour moved towards the target's. Exits 77 (CTest skip) without numpy, PIL or distributed.

Run: GMMOT_LIBRARY=build/libgmmot.so PYTHONPATH=bindings/python tests/dask/test_dask_example.py
"""
import importlib.util
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import PIL  # noqa: F401
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


def read_matrix(path):
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split(",")[1:]
        rows = [line.rstrip("\n").split(",") for line in f]
    names = [r[0] for r in rows]
    return header, names, np.array([[float(v) for v in r[1:]] for r in rows])


def main():
    import gmmot
    ex = load_example()
    failures = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            failures.append(what)

    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, EXAMPLE, "--target", TARGET, "--out", out, "--workers", "2",
               "--k", str(K), "--shrink", str(SHRINK), "--fit-pixels", str(FIT_PIXELS),
               "--seed", str(SEED)] + IMAGES
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        print(run.stdout)
        if run.returncode != 0:
            print(run.stderr)
        check(run.returncode == 0, "the example exits 0")
        if run.returncode != 0:
            return 1
        header, names, matrix = read_matrix(os.path.join(out, "mw2_matrix.csv"))
        base = [os.path.basename(p) for p in IMAGES]
        check(header == base and names == base, "matrix rows and columns name the images")
        check(matrix.shape == (3, 3), "matrix is 3 x 3")
        check(np.array_equal(matrix, matrix.T), "matrix is symmetric")
        check(np.all(np.diag(matrix) == 0), "matrix has a zero diagonal")
        check(np.all(matrix[~np.eye(3, dtype=bool)] > 0), "distinct images are at distance > 0")

        # The same work locally, in this process.
        local = [ex.fit_image(p, K, SHRINK, FIT_PIXELS, SEED) for p in IMAGES + [TARGET]]
        for i in range(3):
            for j in range(i + 1, 3):
                v = gmmot.mw2_distance(local[i], local[j], num_threads=1)
                check(v == matrix[i, j], "MW2(%s, %s) = %.17g equals the local %.17g"
                      % (base[i], base[j], matrix[i, j], v))
        # A fitted mixture through pickle, as Dask moved it, is the same mixture bit for bit.
        import pickle
        back = pickle.loads(pickle.dumps(local[0]))
        check(back.to_bytes() == local[0].to_bytes(), "a mixture pickles bit-exactly")

        target_mean = ex.read_pixels(TARGET, SHRINK)[0].mean(axis=0)
        for p in IMAGES:
            name = os.path.splitext(os.path.basename(p))[0] + ".recoloured.png"
            path = os.path.join(out, name)
            check(os.path.isfile(path), "wrote %s" % name)
            if not os.path.isfile(path):
                continue
            src, shape = ex.read_pixels(p, SHRINK)
            new, new_shape = ex.read_pixels(path)
            check(new_shape == shape, "%s has its source's size %r" % (name, shape))
            before = np.linalg.norm(src.mean(axis=0) - target_mean)
            after = np.linalg.norm(new.mean(axis=0) - target_mean)
            check(after < 0.5 * before + 0.02,
                  "%s: mean colour moved to the target's (%.4f -> %.4f)" % (name, before, after))
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
