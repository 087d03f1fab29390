# SPDX-License-Identifier: MIT
"""Shared fixtures. The package is imported from bindings/python (this directory's parent)
unless PYTHONPATH already provides it; the library comes from GMMOT_LIBRARY."""
import os
import sys

import numpy as np
import pytest

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PACKAGE_ROOT not in sys.path:
    sys.path.insert(0, PACKAGE_ROOT)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

REPO_ROOT = os.path.dirname(os.path.dirname(PACKAGE_ROOT))


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def random_spd(rng, d, scale=1.0):
    a = rng.normal(size=(d, d))
    return scale * (a @ a.T / d + 0.2 * np.eye(d))


def random_mixture_params(rng, k, d):
    w = rng.uniform(0.5, 1.5, size=k)
    w /= w.sum()
    m = rng.normal(scale=3.0, size=(k, d))
    c = np.stack([random_spd(rng, d) for _ in range(k)])
    return w, m, c


def clusters(rng, n, d, k=3, spread=6.0):
    centres = rng.normal(scale=spread, size=(k, d))
    labels = rng.integers(0, k, size=n)
    return centres[labels] + rng.normal(size=(n, d)) * rng.uniform(0.5, 1.5, size=(k, d))[labels]
