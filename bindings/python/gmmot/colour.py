# SPDX-License-Identifier: MIT
"""Colour transfer between images in one call (gmmot/colour.h): the palettes' EM fits, the MW2
plan, T_mean or T_rand in RGB, CIELAB or YCbCr, the guided-filter regularisation of the colour
change and clipping, over NumPy (H, W, 3) arrays."""
import ctypes as C

import numpy as np

from ._arrays import addr, as_array, check_out, empty
from ._lib import lib
from ._progress import LongCall
from .options import resolve_named

#: names of the entries of :func:`colour_transfer`'s info dictionary, in gmmot_colour_info order
INFO_KEYS = ("fit_source_seconds", "fit_target_seconds", "plan_seconds", "map_seconds",
             "regularize_seconds", "total_seconds", "mw2_squared", "em_iterations_source",
             "em_iterations_target", "colours_source", "colours_target", "radius", "subsample")
_COUNTS = {"em_iterations_source", "em_iterations_target", "colours_source", "colours_target",
           "radius", "subsample"}
_SPACES = {"rgb": 0, "lab": 1, "ycbcr": 2}
_MAPS = {"mean": 0, "rand": 1}


def _image(x, name):
    """A C-contiguous float64 (H, W, 3) array; uint8 images are scaled by 1/255."""
    if isinstance(x, np.ndarray) and x.dtype == np.uint8:
        x = x.astype(np.float64) / 255.0
    a = as_array(x, name, (None, None, 3))
    if a.shape[0] == 0 or a.shape[1] == 0:
        raise ValueError("%s: expected a non-empty (H, W, 3) image, got shape %s"
                         % (name, a.shape))
    lo, hi = float(a.min()), float(a.max())
    if lo < 0.0 or hi > 1.0:
        raise ValueError("%s: RGB values must lie in [0, 1] (float) or be uint8; got values "
                         "from %g to %g" % (name, lo, hi))
    return a


def _choice(value, table, name):
    if value is None:
        return None
    if isinstance(value, str):
        if value.lower() not in table:
            raise ValueError("%s: expected one of %s, got %r" % (name, ", ".join(table), value))
        return table[value.lower()]
    return value


def _flag(value):
    return None if value is None else int(bool(value))


def _output(out, shape):
    if out is None:
        return empty(shape)
    return check_out(out, "out", shape)


def colour_transfer(source, target, n_components=None, fit_points=None, map=None, space=None,
                    regularize=None, radius=None, epsilon=None, clip=None, out=None,
                    return_info=False, options=None, progress=None, **option_kwargs):
    """Recolour ``source`` (H, W, 3) with the palette of ``target`` (H', W', 3)
    (gmmot_colour_transfer; Delon-Desolneux 2020 section 7.1, regularised as Rabin, Delon &
    Gousseau 2011 with the guided filter of He, Sun & Tang 2010).

    Images are float arrays with RGB values in [0, 1] (uint8 images are scaled by 1/255).
    ``n_components`` (K of both fits, default 10), ``fit_points`` (pixels drawn for each fit,
    0 = all, default 100000), ``map`` ('mean' or 'rand'), ``space`` ('rgb', 'lab' or
    'ycbcr'), ``regularize`` (default True), ``radius`` (pixels, 0 = automatic), ``epsilon``
    (default 1e-3) and ``clip`` are the options GMMOT_OPT_COLOUR_*; every other option
    (``em_tolerance``, ``seed``, ``num_threads``, ...) goes through ``**option_kwargs`` or
    ``options``, and EM options apply to both fits. Returns the recoloured (H, W, 3) float64
    image (``out`` if given), and with ``return_info=True`` also a dict of the stage timings
    and counts (:data:`INFO_KEYS`).
    """
    src = _image(source, "source")
    tgt = _image(target, "target")
    opts = resolve_named(options, option_kwargs, progress=progress, em_components=n_components,
                         colour_fit_points=fit_points, colour_map=_choice(map, _MAPS, "map"),
                         colour_space=_choice(space, _SPACES, "space"),
                         colour_regularize=_flag(regularize), colour_radius=radius,
                         colour_epsilon=epsilon, colour_clip=_flag(clip))
    result = _output(out, src.shape)
    if np.may_share_memory(result, src) or np.may_share_memory(result, tgt):
        raise ValueError("out: must not overlap source or target")
    info = np.zeros(len(INFO_KEYS))
    with LongCall(opts, src.size + tgt.size > 300000) as call:
        status = lib.gmmot_colour_transfer(addr(src), src.shape[1], src.shape[0], addr(tgt),
                                           tgt.shape[1], tgt.shape[0], call.opts,
                                           addr(result), result.size, addr(info), info.size)
        call.finish(status)
    if not return_info:
        return result
    return result, {k: (int(v) if k in _COUNTS else float(v)) for k, v in zip(INFO_KEYS, info)}


def colour_regularize(source, mapped, radius=None, epsilon=None, clip=None, out=None,
                      options=None, progress=None, **option_kwargs):
    """The regularisation step alone (gmmot_colour_regularize): ``source + GF(mapped -
    source)``, the colour change of any recolouring ``mapped`` (H, W, 3, finite) filtered by
    the colour guided filter with ``source`` (H, W, 3, in [0, 1]) as guide, then clipped to
    [0, 1] unless ``clip=False``. ``out`` may be ``mapped`` itself. Returns the image."""
    src = _image(source, "source")
    mp = as_array(mapped, "mapped", src.shape)
    opts = resolve_named(options, option_kwargs, progress=progress, colour_radius=radius,
                         colour_epsilon=epsilon, colour_clip=_flag(clip))
    result = _output(out, src.shape)
    if np.may_share_memory(result, src):
        raise ValueError("out: must not overlap source")
    if result is not mp and np.may_share_memory(result, mp):
        raise ValueError("out: must be mapped itself or not overlap it")
    used = C.c_size_t()
    with LongCall(opts, src.size > 300000) as call:
        status = lib.gmmot_colour_regularize(addr(src), src.shape[1], src.shape[0], addr(mp),
                                             call.opts, addr(result), result.size,
                                             C.byref(used))
        call.finish(status)
    return result
