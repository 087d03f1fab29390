#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Past one machine: libgmmot on a Dask cluster (issue 16, section 6).

Two jobs that outgrow one process when there are thousands of images:
  1. fit one colour mixture per image, then the pairwise MW2 matrix between all of them;
  2. colour-transfer a folder of images towards one target palette.
Every piece of work runs on Dask workers (separate processes, possibly other machines); the
fitted mixtures travel to the workers pickled, through libgmmot's saved-mixture format
(gmmot_gmm_save / gmmot_gmm_load: a few hundred bytes each, bit-exact), never as raw handles.
Dask does the scheduling, data movement and fault tolerance; libgmmot does the numerics, each
task on one thread (num_threads=1) because Dask already runs one task per worker thread.

Usage (a local cluster of worker processes by default, or --scheduler tcp://host:8786):
  gmmot_dask.py --target TARGET.png --out OUTDIR [--workers 2] [--k 10] [--shrink 1]
                [--fit-pixels 20000] [--seed 0] IMAGE_OR_FOLDER [...]
Writes OUTDIR/mw2_matrix.csv (MW2 distances, the images in argument order) and
OUTDIR/<image name>.recoloured.png for every image; prints a summary.
Needs: python3-distributed, python3-pil, python3-numpy and the gmmot package
(bindings/python) with libgmmot (GMMOT_LIBRARY or an installed libgmmot.so.0.4).
"""
import argparse
import itertools
import os
import sys
import time

import numpy as np


def read_pixels(path, shrink=1):
    """The image's pixels as an (n, 3) float64 array in [0, 1], and its (height, width)."""
    from PIL import Image
    with Image.open(path) as im:
        im = im.convert("RGB")
        if shrink > 1:
            im = im.resize((max(1, im.width // shrink), max(1, im.height // shrink)),
                           Image.BILINEAR)
        rgb = np.asarray(im, dtype=np.float64) / 255.0
    return rgb.reshape(-1, 3), rgb.shape[:2]


def subsample(pixels, count, seed):
    """At most `count` pixels drawn without replacement (all of them if there are fewer)."""
    if pixels.shape[0] <= count:
        return pixels
    rng = np.random.default_rng(seed)
    return pixels[rng.choice(pixels.shape[0], count, replace=False)]


def fit_image(path, k, shrink, fit_pixels, seed):
    """Task: the colour mixture of one image (EM on a pixel subsample)."""
    import gmmot
    pixels, _ = read_pixels(path, shrink)
    return gmmot.GaussianMixture.fit(subsample(pixels, fit_pixels, seed), n_components=k,
                                     seed=seed, num_threads=1)


def mw2_block(pairs, mixtures):
    """Task: MW2 for a block of (i, j) pairs; `mixtures` arrive pickled (saved format)."""
    import gmmot
    return [(i, j, gmmot.mw2_distance(mixtures[i], mixtures[j], num_threads=1))
            for i, j in pairs]


def recolour(path, source, target, shrink, out_dir):
    """Task: T_mean of the MW2 plan source -> target applied to every pixel; writes a PNG."""
    import gmmot
    from PIL import Image
    pixels, (h, w) = read_pixels(path, shrink)
    mapped = gmmot.MW2Plan(source, target, num_threads=1).map_mean(pixels, num_threads=1)
    rgb = np.clip(np.rint(mapped.reshape(h, w, 3) * 255.0), 0, 255).astype(np.uint8)
    name = os.path.splitext(os.path.basename(path))[0] + ".recoloured.png"
    out = os.path.join(out_dir, name)
    Image.fromarray(rgb).save(out)
    return out


def expand_folders(paths):
    """Each folder replaced by its image files (sorted by name); files kept as given."""
    out = []
    for p in paths:
        if os.path.isdir(p):
            out += sorted(os.path.join(p, n) for n in os.listdir(p)
                          if n.lower().endswith((".png", ".jpg", ".jpeg")))
        else:
            out.append(p)
    return out


def pair_blocks(n, per_block):
    """The pairs i < j in blocks of about per_block, so tasks are neither tiny nor huge."""
    pairs = list(itertools.combinations(range(n), 2))
    return [pairs[s:s + per_block] for s in range(0, len(pairs), per_block)]


def run(client, images, target, out_dir, k=10, shrink=1, fit_pixels=20000, seed=0,
        per_block=64):
    """Both jobs on an existing dask.distributed Client. Returns (matrix, recoloured paths,
    mixtures) with the mixtures in argument order (the target's last)."""
    os.makedirs(out_dir, exist_ok=True)
    paths = list(images) + [target]
    fits = client.map(fit_image, paths, k=k, shrink=shrink, fit_pixels=fit_pixels, seed=seed,
                      pure=False)
    mixtures = client.gather(fits)
    # One copy of the fitted mixtures per worker, shared by all pair blocks.
    shared = client.scatter(mixtures[:-1], broadcast=True)
    n = len(images)
    blocks = [client.submit(mw2_block, b, shared, pure=False) for b in pair_blocks(n, per_block)]
    matrix = np.zeros((n, n))
    for block in client.gather(blocks):
        for i, j, v in block:
            matrix[i, j] = matrix[j, i] = v
    target_future = client.scatter(mixtures[-1], broadcast=True)
    outs = client.gather([client.submit(recolour, p, m, target_future, shrink, out_dir,
                                        pure=False)
                          for p, m in zip(images, fits[:-1])])
    return matrix, outs, mixtures


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("images", nargs="+",
                    help="images (PNG, JPEG) or folders of images to fit, compare and recolour")
    ap.add_argument("--target", required=True, help="image whose palette all are mapped to")
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--scheduler", help="address of a running Dask scheduler (default: start a "
                    "local cluster of worker processes)")
    ap.add_argument("--workers", type=int, default=2, help="local worker processes (2)")
    ap.add_argument("--k", type=int, default=10, help="mixture components (10)")
    ap.add_argument("--shrink", type=int, default=1, help="downscale images by this factor (1)")
    ap.add_argument("--fit-pixels", type=int, default=20000,
                    help="pixels drawn per image for the EM fit (20000)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the subsample and EM (0)")
    args = ap.parse_args(argv)
    args.images = expand_folders(args.images)
    if not args.images:
        ap.error("no images found")
    for p in args.images + [args.target]:
        if not os.path.isfile(p):
            ap.error("no such image: %s" % p)
    if args.k < 1 or args.shrink < 1 or args.fit_pixels < args.k or args.workers < 1:
        ap.error("--k, --shrink, --workers must be >= 1 and --fit-pixels >= --k")

    from dask.distributed import Client, LocalCluster
    t0 = time.time()
    if args.scheduler:
        client, cluster = Client(args.scheduler), None
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        matrix, outs, _ = run(client, args.images, args.target, args.out, k=args.k,
                              shrink=args.shrink, fit_pixels=args.fit_pixels, seed=args.seed)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    csv = os.path.join(args.out, "mw2_matrix.csv")
    names = [os.path.basename(p) for p in args.images]
    with open(csv, "w", encoding="utf-8") as f:
        f.write("," + ",".join(names) + "\n")
        for name, row in zip(names, matrix):
            f.write(name + "," + ",".join("%.17g" % v for v in row) + "\n")
    print("gmmot_dask: %d images, K = %d, %d MW2 pairs and %d recolourings in %.1f s" %
          (len(names), args.k, len(names) * (len(names) - 1) // 2, len(outs), time.time() - t0))
    print("gmmot_dask: MW2 matrix -> %s" % csv)
    for o in outs:
        print("gmmot_dask: wrote %s" % o)
    return 0


if __name__ == "__main__":
    sys.exit(main())
