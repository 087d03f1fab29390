# SPDX-License-Identifier: MIT
"""gmmot.colour_transfer and gmmot.colour_regularize (gmmot/colour.h) over NumPy images: the
guided filter against an independent NumPy implementation of He et al.'s algorithm, the colour
statistics moving toward the target's (Gaussian W2 between the colour distributions by
scipy.linalg.sqrtm), the regularisation removing the edges the raw map draws in a smooth sky,
options, progress and errors."""
import warnings

import numpy as np
import pytest
import scipy.linalg

import gmmot


def box_mean(x, r):
    """Mean over (2r+1)^2 windows clipped at the borders, by cumulative sums, over axes 0, 1."""
    def along(a, axis):
        n = a.shape[axis]
        c = np.cumsum(a, axis=axis)
        c = np.concatenate([np.zeros_like(np.take(c, [0], axis=axis)), c], axis=axis)
        i = np.arange(n)
        hi, lo = np.minimum(n, i + r + 1), np.maximum(0, i - r)
        shape = [1] * a.ndim
        shape[axis] = n
        return (np.take(c, hi, axis=axis) - np.take(c, lo, axis=axis)) / (hi - lo).reshape(shape)
    return along(along(x, 0), 1)


def guided_filter(guide, p, r, eps):
    """He, Sun & Tang (TPAMI 2013), the colour guide form (their eqs. 19-21 and Algorithm 1)."""
    mi = box_mean(guide, r)
    mp = box_mean(p, r)
    cov_ii = box_mean(guide[:, :, :, None] * guide[:, :, None, :], r) - \
        mi[:, :, :, None] * mi[:, :, None, :]
    cov_ip = box_mean(guide[:, :, :, None] * p[:, :, None, :], r) - \
        mi[:, :, :, None] * mp[:, :, None, :]
    a = np.linalg.solve(cov_ii + eps * np.eye(3), cov_ip)  # (H, W, 3 guide, 3 out)
    b = mp - np.einsum("hwc,hwck->hwk", mi, a)
    return np.einsum("hwc,hwck->hwk", guide, box_mean(a, r)) + box_mean(b, r)


def gaussian_w2(x, y):
    """W2 between the Gaussians with the means and covariances of two colour clouds."""
    x, y = x.reshape(-1, 3), y.reshape(-1, 3)
    m0, m1 = x.mean(0), y.mean(0)
    s0, s1 = np.cov(x.T, bias=True), np.cov(y.T, bias=True)
    r0 = scipy.linalg.sqrtm(s0)
    cross = np.real(scipy.linalg.sqrtm(r0 @ s1 @ r0))
    return float(np.sqrt(max(0.0, np.sum((m0 - m1) ** 2) + np.trace(s0 + s1 - 2 * cross))))


def sky(h=60, w=80, seed=1):
    """A smooth blue gradient in 8-bit steps with 8x8 block offsets of one level (JPEG-like),
    and a dark structure; and a warm textured target."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([0.1 + 0.15 * y / h, 0.15 + 0.2 * y / h, 0.45 + 0.3 * x / w], axis=-1)
    blocks = rng.integers(-1, 2, size=(h // 8 + 1, w // 8 + 1, 3))[y // 8, x // 8] / 255.0
    img = img + blocks
    img[40:, 50:60] *= 0.3  # a dark tower
    src = np.clip(np.round(img * 255) / 255, 0, 1)
    t = rng.uniform(size=(50, 50, 3))
    tgt = np.stack([0.55 + 0.4 * t[..., 0], 0.25 + 0.4 * t[..., 1] ** 2, 0.05 + 0.3 * t[..., 2]],
                   axis=-1)
    return src, np.round(tgt * 255) / 255


def gradient_energy(out, src):
    def grads(a):
        return np.diff(a, axis=0)[:, :-1], np.diff(a, axis=1)[:-1, :]
    go, gs = grads(out), grads(src)
    return sum(float(np.sum((a - b) ** 2)) for a, b in zip(go, gs)) / \
        sum(float(np.sum(b ** 2)) for b in gs)


def test_regularize_is_the_guided_filter_of_the_change():
    rng = np.random.default_rng(3)
    src = rng.uniform(size=(21, 30, 3))
    mapped = np.clip(src ** 2 + 0.1 * rng.normal(size=src.shape), -0.5, 1.5)
    for r, eps in ((1, 1e-3), (4, 1e-2)):
        got = gmmot.colour_regularize(src, mapped, radius=r, epsilon=eps, clip=False)
        want = src + guided_filter(src, mapped - src, r, eps)
        # window means are kept in float32 (relative 6e-8) inside the library
        np.testing.assert_allclose(got, want, atol=1e-4, rtol=0)
    clipped = gmmot.colour_regularize(src, mapped, radius=4, epsilon=1e-2)
    np.testing.assert_allclose(clipped, np.clip(want, 0, 1), atol=1e-4, rtol=0)
    # in place
    m2 = mapped.copy()
    assert gmmot.colour_regularize(src, m2, radius=4, epsilon=1e-2, out=m2) is m2
    np.testing.assert_array_equal(m2, clipped)


def test_transfer_moves_colours_and_keeps_gradients():
    src, tgt = sky()
    out, info = gmmot.colour_transfer(src, tgt, n_components=4, return_info=True, num_threads=2)
    raw = gmmot.colour_transfer(src, tgt, n_components=4, regularize=False)
    assert out.shape == src.shape and out.dtype == np.float64
    assert out.min() >= 0.0 and out.max() <= 1.0
    w_src, w_out, w_raw = gaussian_w2(src, tgt), gaussian_w2(out, tgt), gaussian_w2(raw, tgt)
    assert w_out < 0.25 * w_src and w_raw < 0.25 * w_src, (w_src, w_out, w_raw)
    # in the smooth sky (above and left of the tower) the raw map stretches the one-level block
    # offsets into edges; the regularised output keeps the source's gradients there
    sky_box = np.s_[:40, :48]
    e_out, e_raw = gradient_energy(out[sky_box], src[sky_box]), \
        gradient_energy(raw[sky_box], src[sky_box])
    assert e_out < 0.5 * e_raw, (e_out, e_raw)
    assert set(info) == set(gmmot.colour.INFO_KEYS)
    assert info["radius"] == 2 and info["subsample"] == 1
    assert 0 < info["colours_target"] <= tgt.shape[0] * tgt.shape[1]
    assert info["total_seconds"] >= info["fit_source_seconds"] + info["fit_target_seconds"]


def test_decomposition_spaces_and_uint8():
    src, tgt = sky(seed=2)
    kw = dict(n_components=3, space="lab", radius=3, epsilon=5e-3)
    whole = gmmot.colour_transfer(src, tgt, **kw)
    raw = gmmot.colour_transfer(src, tgt, regularize=False, clip=False, **kw)
    np.testing.assert_array_equal(gmmot.colour_regularize(src, raw, radius=3, epsilon=5e-3),
                                  whole)
    u8 = np.round(src * 255).astype(np.uint8)
    np.testing.assert_array_equal(gmmot.colour_transfer(u8, tgt, **kw), whole)
    for space in ("rgb", "ycbcr"):
        out = gmmot.colour_transfer(src, tgt, n_components=3, space=space, map="rand", seed=5)
        assert np.all((out >= 0) & (out <= 1))


def test_options_reach_the_fits_and_progress():
    src, tgt = sky(seed=4)
    with pytest.warns(gmmot.GmmotConvergenceWarning):
        _, info = gmmot.colour_transfer(src, tgt, n_components=3, em_max_iterations=1,
                                        em_tolerance=0.0, return_info=True)
    assert info["em_iterations_source"] == 1 and info["em_iterations_target"] == 1
    seen = []

    def progress(stage, done, total, value):
        if stage == gmmot.Stage.COLOUR:
            seen.append((done, total))

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gmmot.colour_transfer(src, tgt, n_components=3, progress=progress)
    assert seen == [(i, 5) for i in range(6)]


def test_errors():
    src, tgt = sky(seed=5)
    with pytest.raises(ValueError, match="source"):
        gmmot.colour_transfer(src[:, :, :2], tgt)
    with pytest.raises(ValueError, match="target.*\\[0, 1\\]"):
        gmmot.colour_transfer(src, tgt * 2)
    with pytest.raises(ValueError, match="space"):
        gmmot.colour_transfer(src, tgt, space="hsv")
    with pytest.raises(ValueError, match="source"):
        gmmot.colour_transfer(src[:0], tgt)
    with pytest.raises(ValueError, match="out"):
        gmmot.colour_transfer(src, tgt, out=src)
    with pytest.raises(gmmot.GmmotValueError, match="GMMOT_OPT_COLOUR_EPSILON"):
        gmmot.colour_transfer(src, tgt, epsilon=0.0)
    with pytest.raises(ValueError, match="mapped"):
        gmmot.colour_regularize(src, tgt)
    bad = src.copy()
    bad[3, 4, 1] = np.nan
    with pytest.raises(ValueError, match="source"):
        gmmot.colour_regularize(bad, src)
