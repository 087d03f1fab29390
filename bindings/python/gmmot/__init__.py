# SPDX-License-Identifier: MIT
"""gmmot: optimal transport between Gaussian mixture models (Python bindings of libgmmot).

Objects: :class:`GaussianMixture` (fit by EM, densities, sampling, scikit-learn round trips,
saving and pickling), :class:`MW2Plan` (the MW2 distance, plan, coupling, geodesic, T_mean and
T_rand maps), :class:`TransportPlan`, :class:`MixtureBarycenter`, :class:`RelaxedFit`,
:class:`GWResult` (:func:`mgw2`, :func:`gromov_wasserstein`), :class:`EWResult` (:func:`ew2`,
:func:`mew2`: W2 and MW2 up to an isometric embedding, across dimensions); texture synthesis
(:func:`synthesize_texture`, :func:`texture_adsn`);
functions for single Gaussians (:mod:`gmmot.gaussian`); POT-compatible functions in
:mod:`gmmot.pot`; the raw ctypes layer in :mod:`gmmot._lib` (``gmmot._lib.lib``).
"""
from . import gaussian, pot
from ._errors import (GmmotCancelled, GmmotConvergenceError, GmmotConvergenceWarning,
                      GmmotError, GmmotFamilyError, GmmotIOError, GmmotMemoryError, GmmotNoMapError,
                      GmmotOverflowError, GmmotValueError, GmmotWarning, status_name,
                      status_string)
from ._arrays import set_strict_inputs
from ._lib import lib as _clib
from ._progress import cancel_all
from .barycenter import (MixtureBarycenter, barycenter_exact, barycenter_fixed_point,
                         barycenter_fixed_support)
from .colour import colour_regularize, colour_transfer
from .ew import EWResult, ew2, mew2
from .gaussian import w2_cost_matrix
from .fitting import fit_joint
from .gromov import GWResult, gaussian_gromov_wasserstein, gromov_wasserstein, mgw2
from .mixture import GaussianMixture
from .mw2 import MW2Plan, mw2_distance, mw2_squared
from .options import Interrupt, Options, Stage
from .relaxed import RelaxedFit
from .texture import TEXTURE_STAGES, synthesize_texture, texture_adsn
from .transport import TransportPlan, emd, emd2, solve

__version__ = "0.5.3"


def library_version():
    """The loaded library's version string (gmmot_version_string)."""
    return _clib.gmmot_version_string().decode()


def build_info():
    """The loaded library's build description (gmmot_build_info)."""
    return _clib.gmmot_build_info().decode()


__all__ = [
    "GaussianMixture", "MW2Plan", "TransportPlan", "MixtureBarycenter", "RelaxedFit",
    "GWResult", "mgw2", "gromov_wasserstein", "gaussian_gromov_wasserstein",
    "EWResult", "ew2", "mew2",
    "Options", "Interrupt", "Stage", "GmmotError", "GmmotValueError", "GmmotMemoryError",
    "GmmotOverflowError", "GmmotIOError", "GmmotFamilyError", "GmmotNoMapError", "GmmotCancelled",
    "GmmotConvergenceError", "GmmotWarning", "GmmotConvergenceWarning", "mw2_squared",
    "mw2_distance", "w2_cost_matrix", "solve", "emd", "emd2", "barycenter_exact",
    "barycenter_fixed_support", "barycenter_fixed_point", "gaussian", "pot", "status_name",
    "status_string", "library_version", "build_info", "set_strict_inputs", "cancel_all",
    "synthesize_texture", "texture_adsn", "TEXTURE_STAGES", "__version__", "fit_joint",
    "colour_transfer", "colour_regularize",
]
