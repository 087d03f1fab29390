# SPDX-License-Identifier: MIT
"""Texture synthesis by the MW2 transport of patch mixtures (gmmot/texture.h; Delon-Desolneux
2020, section 7.2)."""
import ctypes as C

import numpy as np

from . import _errors
from ._arrays import addr, as_array, empty
from ._lib import lib
from ._progress import LongCall
from .options import resolve_named

#: the stages of :func:`synthesize_texture`, in the order of its ``seconds``
TEXTURE_STAGES = ("adsn", "patches", "fit_exemplar", "fit_adsn", "plan", "map", "aggregate")


def _image(exemplar, shape):
    if isinstance(exemplar, np.ndarray) and exemplar.ndim == 2:
        exemplar = exemplar[:, :, None]
    u = as_array(exemplar, "exemplar", (None, None, None))
    h, w, c = u.shape
    if h == 0 or w == 0 or c == 0:
        raise ValueError("exemplar: expected a non-empty (height, width, channels) array, got "
                         "shape %s" % (u.shape,))
    if shape is None:
        shape = (2 * h, 2 * w)
    if (not isinstance(shape, (tuple, list)) or len(shape) != 2
            or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool)
                       and s > 0 for s in shape)):
        raise ValueError("shape: expected (out_height, out_width), two positive integers, got %r"
                         % (shape,))
    return u, int(shape[0]), int(shape[1])


def synthesize_texture(exemplar, shape=None, options=None, progress=None, return_seconds=False,
                       **option_kwargs):
    """A texture of ``shape = (out_height, out_width)`` (default: twice the exemplar's) like
    ``exemplar``, a (height, width, channels) or (height, width) array (gmmot_texture_synthesize).

    Options: ``texture_components`` (K, 10), ``texture_patch`` (P, 3), ``texture_fit_patches``
    (5000, 0 = all), ``texture_em_tolerance``, ``texture_em_max_iterations``, ``seed`` (noise,
    samples, EM starts), ``num_threads``, the transport options; progress callback.
    Returns an (out_height, out_width, channels) array, and with ``return_seconds=True`` also a
    dict {stage: seconds} over :data:`TEXTURE_STAGES`. An EM fit stopped at its cap warns
    (:class:`gmmot.GmmotConvergenceWarning`).
    """
    u, oh, ow = _image(exemplar, shape)
    h, w, c = u.shape
    opts = resolve_named(options, option_kwargs, progress=progress)
    out, seconds = empty((oh, ow, c)), empty((len(TEXTURE_STAGES),))
    with LongCall(opts, True) as call:
        status = lib.gmmot_texture_synthesize(addr(u), w, h, c, ow, oh, call.opts, addr(out),
                                              out.size, addr(seconds), seconds.size)
        call.finish(status)
    if return_seconds:
        return out, dict(zip(TEXTURE_STAGES, seconds.tolist()))
    return out


def texture_adsn(exemplar, shape=None, options=None, progress=None, **option_kwargs):
    """The ADSN (the Gaussian texture with the exemplar's mean and covariance) that
    :func:`synthesize_texture` with the same arguments transports (gmmot_texture_adsn)."""
    u, oh, ow = _image(exemplar, shape)
    h, w, c = u.shape
    opts = resolve_named(options, option_kwargs, progress=progress)
    out = empty((oh, ow, c))
    with LongCall(opts, True) as call:
        status = lib.gmmot_texture_adsn(addr(u), w, h, c, ow, oh, call.opts, addr(out), out.size)
        call.finish(status)
    return out
