#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The texture synthesis pipeline of gmmot_texture_synthesize in NumPy, scikit-learn and POT
(the peer of bench_texture; the paper's Python version, Delon-Desolneux 2020 section 7.2, took
about 35 s for 256 x 256): ADSN by numpy.fft on the same padded grid, sklearn GaussianMixture
(K = 10, k-means init, tol 1e-4, max_iter 100, reg_covar 1e-6) on 5000 random 3 x 3 patches of
the exemplar and of the ADSN, POT's exact emd between the mixtures with the Bures costs, T_mean
in NumPy on every ADSN patch, the overlapping patches averaged.

    peer_numpy_texture.py EXEMPLAR.png [--size WxH] [--runs N]

prints case=texture_synthesis impl=numpy-sklearn-pot ... seconds=<median of N (default 3)>
extra=<stage>:<seconds>;... (the stages of the median run)."""
import argparse
import sys
import time

from peer_common import single_threaded_blas

single_threaded_blas()
import numpy as np  # noqa: E402
import ot  # noqa: E402
from PIL import Image  # noqa: E402
from scipy import linalg  # noqa: E402
from scipy.special import logsumexp  # noqa: E402
from sklearn.mixture import GaussianMixture  # noqa: E402

P, K, FIT = 3, 10, 5000


def next_smooth(n):
    best = None
    a = 1
    while a < 2 * n + 2:
        b = a
        while b < 2 * n + 2:
            c = b
            while c < 2 * n + 2:
                if c >= n and (best is None or c < best):
                    best = c
                c *= 5
            b *= 3
        a *= 2
    return best


def adsn(u, w, h, rng):
    n, m, c = u.shape
    nw, nh = w + m - 1, h + n - 1
    gw, gh = next_smooth(nw), next_smooth(nh)
    t = np.zeros((gh, gw, c))
    t[:n, :m] = (u - u.mean(axis=(0, 1))) / np.sqrt(m * n)
    noise = np.zeros((gh, gw))
    noise[:nh, :nw] = rng.standard_normal((nh, nw))
    conv = np.fft.ifft2(np.fft.fft2(t, axes=(0, 1)) * np.fft.fft2(noise)[:, :, None],
                        axes=(0, 1)).real
    return u.mean(axis=(0, 1)) + conv[n - 1:n - 1 + h, m - 1:m - 1 + w]


def patches(img):
    h, w, c = img.shape
    v = np.lib.stride_tricks.sliding_window_view(img, (P, P), axis=(0, 1))  # h', w', c, P, P
    return np.ascontiguousarray(v.transpose(0, 1, 3, 4, 2)).reshape(-1, P * P * c)


def fit(x, rng):
    sub = x[rng.choice(len(x), min(FIT, len(x)), replace=False)]
    return GaussianMixture(K, tol=1e-4, max_iter=100, reg_covar=1e-6,
                           random_state=int(rng.integers(1 << 31))).fit(sub)


def t_mean(x, g0, g1, plan):
    roots = [linalg.sqrtm(s).real for s in g0.covariances_]
    abar, cbar = [], []
    for k in range(K):
        r, ri = roots[k], np.linalg.inv(roots[k])
        a = np.zeros((x.shape[1], x.shape[1]))
        cb = np.zeros(x.shape[1])
        for j in range(K):
            if plan[k, j] > 0:
                mid = linalg.sqrtm(r @ g1.covariances_[j] @ r).real
                a += plan[k, j] * (ri @ mid @ ri)
                cb += plan[k, j] * g1.means_[j]
        row = plan[k].sum()
        abar.append(a / row)
        cbar.append(cb / row)
    lp = np.log(plan.sum(axis=1) + 1e-300) + np.stack(
        [-0.5 * np.sum(np.linalg.solve(np.linalg.cholesky(g0.covariances_[k]),
                                       (x - g0.means_[k]).T) ** 2, axis=0)
         - np.sum(np.log(np.diag(np.linalg.cholesky(g0.covariances_[k])))) for k in range(K)],
        axis=1)
    rho = np.exp(lp - logsumexp(lp, axis=1, keepdims=True))
    out = np.zeros_like(x)
    for k in range(K):
        out += rho[:, k:k + 1] * ((x - g0.means_[k]) @ abar[k].T + cbar[k])
    return out


def cost(g0, g1):
    c = np.zeros((K, K))
    for k in range(K):
        r = linalg.sqrtm(g0.covariances_[k]).real
        for j in range(K):
            mid = linalg.sqrtm(r @ g1.covariances_[j] @ r).real
            c[k, j] = (np.sum((g0.means_[k] - g1.means_[j]) ** 2)
                       + np.trace(g0.covariances_[k] + g1.covariances_[j] - 2 * mid))
    return c


def synthesize(u, w, h, seed):
    rng = np.random.default_rng(seed)
    times = {}
    t = time.perf_counter()
    field = adsn(u, w + 2 * (P - 1), h + 2 * (P - 1), rng)
    times["adsn"] = time.perf_counter() - t
    t = time.perf_counter()
    pu, pf = patches(u), patches(field)
    times["patches"] = time.perf_counter() - t
    t = time.perf_counter()
    gu = fit(pu, rng)
    times["fit_exemplar"] = time.perf_counter() - t
    t = time.perf_counter()
    gf = fit(pf, rng)
    times["fit_adsn"] = time.perf_counter() - t
    t = time.perf_counter()
    plan = ot.emd(gf.weights_, gu.weights_, cost(gf, gu))
    times["plan"] = time.perf_counter() - t
    t = time.perf_counter()
    mapped = t_mean(pf, gf, gu, plan).reshape(h + P - 1, w + P - 1, P, P, u.shape[2])
    times["map"] = time.perf_counter() - t
    t = time.perf_counter()
    acc = np.zeros((h, w, u.shape[2]))
    for dy in range(P):
        for dx in range(P):
            # output pixel (x, y) = grown pixel (x + P - 1, y + P - 1), held by the patch at
            # (x + P - 1 - dx, y + P - 1 - dy) at offset (dx, dy)
            acc += mapped[P - 1 - dy:P - 1 - dy + h, P - 1 - dx:P - 1 - dx + w, dy, dx]
    times["aggregate"] = time.perf_counter() - t
    return acc / (P * P), times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("exemplar")
    ap.add_argument("--size", default="256x256")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", help="write the last run's result as PNG")
    a = ap.parse_args()
    w, h = (int(s) for s in a.size.split("x"))
    u = np.asarray(Image.open(a.exemplar).convert("RGB"), dtype=np.float64) / 255.0
    runs = []
    for r in range(a.runs):
        t = time.perf_counter()
        img, stages = synthesize(u, w, h, r)
        runs.append((time.perf_counter() - t, stages))
    med = sorted(runs, key=lambda x: x[0])[len(runs) // 2]
    if a.out:
        Image.fromarray((np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)).save(a.out)
    print("case=texture_synthesis impl=numpy-sklearn-pot n=exemplar:%dx%d;out:%dx%d;k:%d;patch:%d "
          "seconds=%.4f extra=runs:%d;%s" % (u.shape[1], u.shape[0], w, h, K, P, med[0], a.runs,
                                              ";".join("%s:%.4f" % kv for kv in med[1].items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
