#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Past one machine: libgmmot on a Dask cluster (issue 16, section 6).

Two jobs that outgrow one process when there are thousands of images:
  1. fit one colour mixture per image, then the pairwise MW2 matrix between all of them;
  2. colour-transfer a folder of images towards one target palette.
Every piece of work runs on Dask workers (separate processes, possibly other machines); the
fitted mixtures stay on the workers that fitted them and travel between workers pickled,
through libgmmot's saved-mixture format (gmmot_gmm_save / gmmot_gmm_load: a few hundred bytes
each, bit-exact), never as raw handles. Dask does the scheduling, data movement and fault
tolerance; libgmmot does the numerics, each task on one thread (num_threads=1) because Dask
already runs one task per worker thread.

Usage (a local cluster of worker processes by default, or --scheduler tcp://host:8786):
  gmmot_dask.py --target TARGET.png --out OUTDIR [--workers 2] [--k 10] [--shrink 1]
                [--fit-pixels 20000] [--seed 0] [--pairs-per-task N] [--save-mixtures]
                IMAGE_OR_FOLDER [...]
Writes OUTDIR/mw2_matrix.csv (MW2 distances, the images in argument order, folders expanded
in name order), OUTDIR/<name>.recoloured.png for every image (<i>-<name>.recoloured.png when
two inputs share a name) and, with --save-mixtures, OUTDIR/mixtures/<output stem>.gmm (the
fitted mixtures, loadable with gmmot.GaussianMixture.load or gmmot_gmm_load_file); prints a
summary naming the worker processes that did the work. Images are read as RGB (an alpha
channel is dropped); files that cannot be read as images are skipped with a message. With
--scheduler, the workers read the inputs and write the outputs themselves, so the paths must
name the same files on every machine (a shared file system).
Needs: python3-distributed, python3-pil, python3-numpy and the gmmot package
(bindings/python) with libgmmot (GMMOT_LIBRARY or an installed libgmmot.so.0.5).
"""
import argparse
import csv
import itertools
import math
import os
import sys
import time

import numpy as np

SUFFIX = ".recoloured.png"


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
    """Task: MW2 for a block of (i, j) pairs; `mixtures` maps each index the block needs to its
    mixture (Dask delivers them unpickled from the workers that fitted them)."""
    import gmmot
    values = [(i, j, gmmot.mw2_distance(mixtures[i], mixtures[j], num_threads=1))
              for i, j in pairs]
    return os.getpid(), values


def recolour(path, source, target, shrink, out_path):
    """Task: T_mean of the MW2 plan source -> target applied to every pixel; writes a PNG."""
    import gmmot
    from PIL import Image
    pixels, (h, w) = read_pixels(path, shrink)
    mapped = gmmot.MW2Plan(source, target, num_threads=1).map_mean(pixels, num_threads=1)
    rgb = np.clip(np.rint(mapped.reshape(h, w, 3) * 255.0), 0, 255).astype(np.uint8)
    Image.fromarray(rgb).save(out_path)
    return out_path, os.getpid()


def expand_folders(paths):
    """Each folder replaced by its image files (sorted by name; earlier outputs of this program
    are left out); files kept as given."""
    out = []
    for p in paths:
        if os.path.isdir(p):
            out += sorted(os.path.join(p, n) for n in os.listdir(p)
                          if n.lower().endswith((".png", ".jpg", ".jpeg"))
                          and not n.endswith(SUFFIX))
        else:
            out.append(p)
    return out


def readable_images(paths):
    """(images PIL can read, [(path, reason) skipped])."""
    from PIL import Image
    ok, skipped = [], []
    for p in paths:
        try:
            with Image.open(p) as im:
                im.verify()
            ok.append(p)
        except Exception as e:  # PIL raises many kinds: any of them means "not an image"
            skipped.append((p, "%s: %s" % (type(e).__name__, e)))
    return ok, skipped


def output_stems(paths):
    """One output name stem per input, unique even when two inputs share a file name."""
    stems = [os.path.splitext(os.path.basename(p))[0] for p in paths]
    dup = {s for s in stems if stems.count(s) > 1}
    return ["%d-%s" % (i, s) if s in dup else s for i, s in enumerate(stems)]


def pair_blocks(n, per_block):
    """The pairs i < j in blocks of per_block."""
    pairs = list(itertools.combinations(range(n), 2))
    return [pairs[s:s + per_block] for s in range(0, len(pairs), per_block)]


def run(client, images, target, out_dir, k=10, shrink=1, fit_pixels=20000, seed=0,
        per_block=None, save_mixtures=False):
    """Both jobs on an existing dask.distributed Client. Returns (MW2 matrix, output paths,
    process ids of the workers that did the work)."""
    os.makedirs(out_dir, exist_ok=True)
    n = len(images)
    stems = output_stems(images)
    fits = client.map(fit_image, list(images) + [target], k=k, shrink=shrink,
                      fit_pixels=fit_pixels, seed=seed, pure=False)
    if per_block is None:  # a few tasks per worker thread, none tiny nor huge
        threads = max(1, sum(client.nthreads().values()))
        per_block = max(1, min(4096, math.ceil(n * (n - 1) / 2 / (8 * threads))))
    # Each block gets only the mixtures its pairs use: Dask moves them from the workers that
    # fitted them, pickled, and nothing goes through this process.
    blocks = [client.submit(mw2_block, b, {i: fits[i] for i in sorted({x for p in b for x in p})},
                            pure=False)
              for b in pair_blocks(n, per_block)]
    outs = [client.submit(recolour, p, fits[i], fits[-1], shrink,
                          os.path.join(out_dir, stems[i] + SUFFIX), pure=False)
            for i, p in enumerate(images)]
    matrix = np.zeros((n, n))
    pids = set()
    for pid, values in client.gather(blocks):
        pids.add(pid)
        for i, j, v in values:
            matrix[i, j] = matrix[j, i] = v
    written = []
    for path, pid in client.gather(outs):
        pids.add(pid)
        written.append(path)
    if save_mixtures:
        folder = os.path.join(out_dir, "mixtures")
        os.makedirs(folder, exist_ok=True)
        for stem, g in zip(stems, client.gather(fits[:-1])):
            g.save(os.path.join(folder, stem + ".gmm"))
    return matrix, written, pids


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
    ap.add_argument("--pairs-per-task", type=int, default=None,
                    help="MW2 pairs per task (default: about 8 tasks per worker thread)")
    ap.add_argument("--save-mixtures", action="store_true",
                    help="also write the fitted mixtures to OUT/mixtures/*.gmm")
    args = ap.parse_args(argv)
    if args.k < 1 or args.shrink < 1 or args.fit_pixels < args.k or args.workers < 1 \
            or (args.pairs_per_task is not None and args.pairs_per_task < 1):
        ap.error("--k, --shrink, --workers, --pairs-per-task must be >= 1 and "
                 "--fit-pixels >= --k")
    images = expand_folders(args.images)
    missing = [p for p in images + [args.target] if not os.path.isfile(p)]
    if missing:
        ap.error("no such image: %s" % ", ".join(missing))
    images, skipped = readable_images(images)
    for p, why in skipped:
        print("gmmot_dask: skipping %s (%s)" % (p, why), file=sys.stderr)
    if not images:
        ap.error("no readable images")
    if readable_images([args.target])[1]:
        ap.error("the target %s cannot be read as an image" % args.target)

    from dask.distributed import Client, LocalCluster
    t0 = time.time()
    if args.scheduler:
        client, cluster = Client(args.scheduler), None
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        matrix, outs, pids = run(client, images, args.target, args.out, k=args.k,
                                 shrink=args.shrink, fit_pixels=args.fit_pixels,
                                 seed=args.seed, per_block=args.pairs_per_task,
                                 save_mixtures=args.save_mixtures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    path = os.path.join(args.out, "mw2_matrix.csv")
    names = [os.path.basename(p) for p in images]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([""] + names)
        for name, row in zip(names, matrix):
            w.writerow([name] + ["%.17g" % v for v in row])
    print("gmmot_dask: %d images, K = %d: %d MW2 pairs and %d recolourings in %.1f s" %
          (len(names), args.k, len(names) * (len(names) - 1) // 2, len(outs), time.time() - t0))
    print("gmmot_dask: worker processes %s (this process: %d)" %
          (" ".join(str(p) for p in sorted(pids)), os.getpid()))
    print("gmmot_dask: MW2 matrix -> %s" % path)
    for o in outs:
        print("gmmot_dask: wrote %s" % o)
    return 0


if __name__ == "__main__":
    sys.exit(main())
