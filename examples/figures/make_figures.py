# SPDX-License-Identifier: MIT
"""Regenerate the figures of Delon & Desolneux, "A Wasserstein-type distance in the space of
Gaussian mixture models" (SIAM J. Imaging Sci. 2020; ../shared/papers/000) with libgmmot.

Usage: make_figures.py OUTDIR [--reduced] [--bin BUILD_DIR/examples] [--only NAME[,NAME...]]

Every figure is computed by libgmmot through its Python package (`gmmot`), except the grids of
barycenters (Fig. 4-5, Fig. 11) and the Student-t geodesic (Fig. 3 of D. Meunier's review of the
paper, ../shared/papers/001), which are drawn by the C example programs found in --bin.
--reduced makes every figure small and quick (CI). The figures:

  fig01_plans_1d        000 Fig. 1 and section 6.3: the W2 and MW2 plans between two 1-D
                        mixtures, with T_mean and T_rand
  fig02_geodesic_1d     000 Fig. 2: W2 and MW2 geodesics between the same 1-D mixtures
  fig03_geodesic_2d     000 Fig. 3: W2 and MW2 geodesics between two 2-D mixtures
  fig04_barycenter_grid 000 Fig. 4-5: MW2 barycenters of four 2-D mixtures, bilinear weights
  fig09_colour_clouds   000 Fig. 9: colour distributions before and after transfer
  fig10_k_comparison    000 Fig. 10: colour transfer with K = 1, 3 and 10 components
  fig11_palettes        000 Fig. 11: a photograph's palette through the barycenters of four
  fig12_texture         000 Fig. 12: exemplar, its spot noise (ADSN) and the synthesis
  fig_t_geodesic        001 Fig. 3: MW2 geodesic between two 1-D Student-t mixtures (nu = 3),
                        the Gaussian geodesic of the same covariances in grey

Exits non-zero if a figure fails; prints one line per figure written.
"""
import argparse
import os
import subprocess
import sys
import time

import numpy as np

try:
    import matplotlib
    import scipy  # noqa: F401
    import PIL  # noqa: F401
except ImportError as e:  # 77: "skipped" for ctest; Debian: python3-matplotlib, -scipy, -pil
    print("make_figures.py: %s (install python3-matplotlib python3-scipy python3-pil)" % e,
          file=sys.stderr)
    sys.exit(77)

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
from scipy.stats import norm  # noqa: E402

import gmmot  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "data"))

# 000 section 4.3: mu0 = 0.3 N(0.2, 0.03^2) + 0.7 N(0.4, 0.04^2),
#                  mu1 = 0.6 N(0.6, 0.06^2) + 0.4 N(0.8, 0.07^2).
MU0_1D = ([0.3, 0.7], [0.2, 0.4], [0.03, 0.04])
MU1_1D = ([0.6, 0.4], [0.6, 0.8], [0.06, 0.07])
# 000 section 4.4.2 (Fig. 3): two 2-D mixtures with covariances 0.01 I.
MU0_2D = ([0.3, 0.7], [[0.3, 0.6], [0.7, 0.7]])
MU1_2D = ([0.4, 0.6], [[0.5, 0.6], [0.4, 0.25]])


def mixture_1d(spec):
    w, m, s = spec
    return gmmot.GaussianMixture(np.array(w), np.array(m)[:, None],
                                 (np.array(s) ** 2)[:, None, None])


def mixture_2d(spec, var=0.01):
    w, m = spec
    k = len(w)
    return gmmot.GaussianMixture(np.array(w), np.array(m), np.tile(var * np.eye(2), (k, 1, 1)))


def cdf_1d(spec, x):
    w, m, s = spec
    return sum(wk * norm.cdf(x, mk, sk) for wk, mk, sk in zip(w, m, s))


def quantile_1d(spec, u, lo=-1.0, hi=2.0, n=200001):
    """The quantile function of a 1-D mixture by inverting its CDF on a fine grid."""
    grid = np.linspace(lo, hi, n)
    return np.interp(u, cdf_1d(spec, grid), grid)


def savefig(fig, out, name):
    path = os.path.join(out, name + ".png")
    fig.savefig(path, dpi=fig.dpi)
    plt.close(fig)
    return path


def fig01_plans_1d(out, reduced):
    g0, g1 = mixture_1d(MU0_1D), mixture_1d(MU1_1D)
    plan = gmmot.MW2Plan(g0, g1)
    x = np.linspace(0.0, 1.0, 300 if reduced else 1000)
    fig, ax = plt.subplots(1, 3, figsize=(12, 4), dpi=60 if reduced else 100)
    # W2: the monotone rearrangement T = F1^-1 o F0, a measure on its graph.
    u = cdf_1d(MU0_1D, x)
    keep = (u > 1e-4) & (u < 1 - 1e-4)
    ax[0].plot(x[keep], quantile_1d(MU1_1D, u[keep]), "k", lw=2)
    ax[0].set_title("W2 plan: graph of F1^-1 o F0")
    # MW2: the coupling on R^2 is a mixture of degenerate Gaussians on the lines y = A x + b.
    rows, cols, mass = plan.sparse_plan
    a, b = plan.pair_maps()
    s0 = np.array(MU0_1D[2])
    m0 = np.array(MU0_1D[1])
    for n in range(len(mass)):
        k = rows[n]
        xs = np.linspace(m0[k] - 3 * s0[k], m0[k] + 3 * s0[k], 50)
        ax[1].plot(xs, a[n, 0, 0] * xs + b[n, 0], lw=1 + 8 * mass[n], color="C%d" % n,
                   label="w = %.2f" % mass[n])
    ax[1].legend(loc="lower right")
    ax[1].set_title("MW2 plan: %d degenerate Gaussians" % len(mass))
    # The maps: T_mean (a function) and T_rand (a random assignment) on samples of mu0.
    pts = g0.sample(200 if reduced else 600, seed=1)[0]
    ax[2].plot(x[keep], plan.map_mean(x[keep, None])[:, 0], "k", lw=2, label="T_mean")
    ax[2].scatter(pts[:, 0], plan.map_rand(pts, seed=2)[:, 0], s=6, c="C3", label="T_rand")
    ax[2].legend(loc="lower right")
    ax[2].set_title("MW2 maps")
    for axis in ax:
        axis.set_xlim(0.05, 0.6)
        axis.set_ylim(0.35, 1.05)
        axis.set_xlabel("x ~ mu0")
        axis.set_ylabel("y ~ mu1")
    fig.suptitle("000 Fig. 1: transport plans between two 1-D Gaussian mixtures")
    fig.tight_layout()
    return savefig(fig, out, "fig01_plans_1d")


def fig02_geodesic_1d(out, reduced):
    g0, g1 = mixture_1d(MU0_1D), mixture_1d(MU1_1D)
    plan = gmmot.MW2Plan(g0, g1)
    ts = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    x = np.linspace(0.0, 1.1, 400 if reduced else 1200)
    u = np.linspace(1e-5, 1 - 1e-5, 20001 if reduced else 200001)
    q0, q1 = quantile_1d(MU0_1D, u), quantile_1d(MU1_1D, u)
    fig, ax = plt.subplots(2, len(ts), figsize=(15, 5), dpi=60 if reduced else 100,
                           sharex=True, sharey="row")
    for c, t in enumerate(ts):
        # W2 in 1-D: quantile functions interpolate linearly; density = 1 / (dQ_t / du).
        qt = (1 - t) * q0 + t * q1
        dens = np.gradient(u, qt)
        ax[0, c].plot(qt, dens, "C0")
        ax[1, c].plot(x, plan.geodesic(t).pdf(x[:, None]), "C3")
        ax[0, c].set_title("t = %.1f" % t)
    ax[0, 0].set_ylabel("W2")
    ax[1, 0].set_ylabel("MW2")
    fig.suptitle("000 Fig. 2: geodesics between two 1-D mixtures (top W2, bottom MW2)")
    fig.tight_layout()
    return savefig(fig, out, "fig02_geodesic_1d")


def fig03_geodesic_2d(out, reduced):
    g0, g1 = mixture_2d(MU0_2D), mixture_2d(MU1_2D)
    plan = gmmot.MW2Plan(g0, g1)
    ts = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    n = 40 if reduced else 150
    xs = np.linspace(0.0, 1.0, n)
    grid = np.stack(np.meshgrid(xs, xs), -1).reshape(-1, 2)
    # W2 between the continuous mixtures, approximated by exact OT between their
    # discretisations on an m x m grid (cell masses from the densities), then displacement
    # interpolation of the plan's atoms, each drawn as a Gaussian of the grid's spacing.
    m = 24 if reduced else 44
    cells = (np.arange(m) + 0.5) / m
    atoms = np.stack(np.meshgrid(cells, cells), -1).reshape(-1, 2)
    a0, a1 = g0.pdf(atoms), g1.pdf(atoms)
    a0, a1 = a0 / a0.sum(), a1 / a1.sum()
    cost = ((atoms[:, None, :] - atoms[None, :, :]) ** 2).sum(-1)
    pi = gmmot.emd(a0, a1, cost)
    src, dst = np.nonzero(pi > 1e-14)
    mass = pi[src, dst]
    h = 1.0 / m

    def w2_density(t):
        pt = (1 - t) * atoms[src] + t * atoms[dst]
        gx = np.exp(-0.5 * ((xs[None, :] - pt[:, :1]) / h) ** 2)  # atoms x n
        gy = np.exp(-0.5 * ((xs[None, :] - pt[:, 1:]) / h) ** 2)
        return (gy * mass[:, None]).T @ gx  # rows y, columns x

    fig, ax = plt.subplots(2, len(ts), figsize=(15, 5.4), dpi=60 if reduced else 100)
    for c, t in enumerate(ts):
        ax[0, c].imshow(w2_density(t), origin="lower", extent=(0, 1, 0, 1), cmap="viridis")
        ax[1, c].imshow(plan.geodesic(t).pdf(grid).reshape(n, n), origin="lower",
                        extent=(0, 1, 0, 1), cmap="viridis")
        ax[0, c].set_title("t = %.1f" % t)
        for r in range(2):
            ax[r, c].set_xticks([])
            ax[r, c].set_yticks([])
    ax[0, 0].set_ylabel("W2 (discretised)")
    ax[1, 0].set_ylabel("MW2")
    fig.suptitle("000 Fig. 3: geodesics between two 2-D mixtures (top W2, bottom MW2)")
    fig.tight_layout()
    return savefig(fig, out, "fig03_geodesic_2d")


def load_image(name, reduced):
    from PIL import Image

    img = Image.open(os.path.join(DATA, name)).convert("RGB")
    if reduced:
        img = img.resize((img.width // 4, img.height // 4))
    return np.asarray(img, dtype=np.float64) / 255.0


def fit_palette(pixels, k, reduced, seed=0):
    rng = np.random.default_rng(seed)
    fit = pixels if len(pixels) <= 50000 else pixels[rng.choice(len(pixels), 50000, False)]
    return gmmot.GaussianMixture.fit(fit, n_components=k, seed=seed,
                                     em_max_iterations=50 if reduced else 300)


def transfer(src, tgt, k, reduced, rand=False):
    p0, p1 = src.reshape(-1, 3), tgt.reshape(-1, 3)
    g0, g1 = fit_palette(p0, k, reduced), fit_palette(p1, k, reduced, seed=1)
    plan = gmmot.MW2Plan(g0, g1)
    moved = plan.map_rand(p0, seed=5) if rand else plan.map_mean(p0)
    return np.clip(moved, 0, 1).reshape(src.shape), g0, g1


def cloud(ax, pixels, title, n, colours=None):
    rng = np.random.default_rng(7)
    idx = rng.choice(len(pixels), min(n, len(pixels)), replace=False)
    p = pixels[idx]
    ax.scatter(p[:, 0], p[:, 1], p[:, 2], s=1, c=np.clip(p if colours is None else colours[idx],
                                                         0, 1))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_zlim(0, 1)
    ax.set_xlabel("R")
    ax.set_ylabel("G")
    ax.set_zlabel("B")
    ax.set_title(title)


def fig09_colour_clouds(out, reduced):
    src, tgt = load_image("chelsea.png", reduced), load_image("coffee.png", reduced)
    mean_img, g0, g1 = transfer(src, tgt, 10, reduced)
    rand_img, _, _ = transfer(src, tgt, 10, reduced, rand=True)
    p0, p1 = src.reshape(-1, 3), tgt.reshape(-1, 3)
    n = 2000 if reduced else 8000
    fig = plt.figure(figsize=(15, 9), dpi=50 if reduced else 90)
    axes = [fig.add_subplot(2, 3, i + 1, projection="3d") for i in range(6)]
    # The classes: every pixel drawn in its component's colour of a qualitative colour map.
    tab = plt.get_cmap("tab10")(np.arange(10))[:, :3]
    lab0, lab1 = g0.predict(p0), g1.predict(p1)
    cloud(axes[0], p0, "u0 (chelsea.png)", n)
    cloud(axes[1], p0, "u0: the 10 EM classes", n, tab[lab0])
    cloud(axes[2], mean_img.reshape(-1, 3), "T_mean(u0)", n)
    cloud(axes[3], p1, "u1 (coffee.png)", n)
    cloud(axes[4], p1, "u1: the 10 EM classes", n, tab[lab1])
    cloud(axes[5], rand_img.reshape(-1, 3), "T_rand(u0)", n)
    fig.suptitle("000 Fig. 9: colour distributions before and after MW2 colour transfer")
    fig.tight_layout()
    return savefig(fig, out, "fig09_colour_clouds")


def fig10_k_comparison(out, reduced):
    src, tgt = load_image("chelsea.png", reduced), load_image("astronaut.png", reduced)
    images = [src] + [transfer(src, tgt, k, reduced)[0] for k in (1, 3, 10)] + [tgt]
    titles = ["source", "K = 1", "K = 3", "K = 10", "target"]
    fig, ax = plt.subplots(1, 5, figsize=(17, 3.6), dpi=50 if reduced else 100)
    for a, img, title in zip(ax, images, titles):
        a.imshow(img)
        a.set_title(title)
        a.axis("off")
    fig.suptitle("000 Fig. 10: MW2 colour transfer with K = 1, 3 and 10 components")
    fig.tight_layout()
    return savefig(fig, out, "fig10_k_comparison")


def run_example(bindir, program, args, out, name):
    exe = os.path.join(bindir, program)
    if not os.path.exists(exe):
        raise FileNotFoundError("%s not found (build the examples: -DGMMOT_BUILD_EXAMPLES=ON)"
                                % exe)
    path = os.path.join(out, name + ".png")
    subprocess.run([exe] + [a.replace("@OUT", path) for a in args], check=True,
                   stdout=subprocess.DEVNULL)
    return path


def fig04_barycenter_grid(out, reduced, bindir):
    size = ["--grid", "3", "--pixels", "48"] if reduced else ["--grid", "5", "--pixels", "128"]
    return run_example(bindir, "gmmot-barycenter-grid", ["@OUT"] + size, out,
                       "fig04_barycenter_grid")


def fig11_palettes(out, reduced, bindir):
    imgs = [os.path.join(DATA, f) for f in ("chelsea.png", "coffee.png", "astronaut.png",
                                              "rocket.jpg")]
    size = ["--grid", "3", "--shrink", "8", "--k", "5"] if reduced else ["--grid", "5",
                                                                          "--shrink", "3"]
    return run_example(bindir, "gmmot-palette-barycenter", imgs + ["@OUT"] + size, out,
                       "fig11_palettes")


def fig12_texture(out, reduced):
    rows = []
    for name in ("texture_wood.png", "texture_fur.png"):
        from PIL import Image

        u = np.asarray(Image.open(os.path.join(DATA, name)).convert("RGB"), np.float64) / 255.0
        if reduced:
            u = u[:64, :64]
        shape = (2 * u.shape[0], 2 * u.shape[1])
        rows.append((name, u, gmmot.texture_adsn(u, shape, seed=3),
                     gmmot.synthesize_texture(u, shape, seed=3)))
    fig, ax = plt.subplots(len(rows), 3, figsize=(11, 3.8 * len(rows)),
                           dpi=50 if reduced else 90)
    for r, (name, u, adsn, synth) in enumerate(rows):
        for c, (img, title) in enumerate(((u, "exemplar u (%s)" % name),
                                          (adsn, "ADSN U"), (synth, "synthesis"))):
            ax[r, c].imshow(np.clip(img, 0, 1))
            ax[r, c].set_title(title)
            ax[r, c].axis("off")
    fig.suptitle("000 Fig. 12: texture synthesis by MW2 T_mean of 3x3 patch mixtures (K = 10)")
    fig.tight_layout()
    return savefig(fig, out, "fig12_texture")


def fig_t_geodesic(out, reduced, bindir):
    return run_example(bindir, "gmmot-t-geodesic", ["@OUT", "--pixels",
                                                     "240" if reduced else "800"], out,
                       "fig_t_geodesic")


FIGURES = {
    "fig01_plans_1d": fig01_plans_1d,
    "fig02_geodesic_1d": fig02_geodesic_1d,
    "fig03_geodesic_2d": fig03_geodesic_2d,
    "fig04_barycenter_grid": fig04_barycenter_grid,
    "fig09_colour_clouds": fig09_colour_clouds,
    "fig10_k_comparison": fig10_k_comparison,
    "fig11_palettes": fig11_palettes,
    "fig12_texture": fig12_texture,
    "fig_t_geodesic": fig_t_geodesic,
}
NEEDS_BIN = {"fig04_barycenter_grid", "fig11_palettes", "fig_t_geodesic"}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--reduced", action="store_true", help="small, quick figures (CI)")
    ap.add_argument("--bin", default=os.path.join("build", "examples"),
                    help="folder of the built example programs [build/examples]")
    ap.add_argument("--only", default="", help="comma-separated figure names")
    args = ap.parse_args(argv)
    names = [n for n in args.only.split(",") if n] or list(FIGURES)
    unknown = [n for n in names if n not in FIGURES]
    if unknown:
        ap.error("unknown figure(s): %s (known: %s)" % (", ".join(unknown), ", ".join(FIGURES)))
    os.makedirs(args.outdir, exist_ok=True)
    failed = 0
    for name in names:
        start = time.perf_counter()
        try:
            fn = FIGURES[name]
            path = (fn(args.outdir, args.reduced, args.bin) if name in NEEDS_BIN
                    else fn(args.outdir, args.reduced))
            if not os.path.getsize(path):
                raise RuntimeError("%s is empty" % path)
            print("%-22s %6.1f s  %s" % (name, time.perf_counter() - start, path))
        except Exception as e:  # report every figure, then fail
            failed += 1
            print("%-22s FAILED: %s: %s" % (name, type(e).__name__, e), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
