# SPDX-License-Identifier: MIT
"""gmmot: optimal transport between Gaussian mixture models (Python bindings of libgmmot)."""
from ._errors import GmmotError, GmmotWarning
from .mixture import GaussianMixture
from .options import Interrupt, Options, Stage
