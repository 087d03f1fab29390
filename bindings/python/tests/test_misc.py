# SPDX-License-Identifier: MIT
"""Smaller paths: representations, option plumbing through every object, argument errors."""
import copy

import numpy as np
import pytest

import gmmot
from conftest import clusters, random_mixture_params


@pytest.fixture
def two(rng):
    return (gmmot.GaussianMixture(*random_mixture_params(rng, 3, 2)),
            gmmot.GaussianMixture(*random_mixture_params(rng, 2, 2)))


def test_reprs(two, rng):
    g0, g1 = two
    assert repr(gmmot.MW2Plan(g0, g1)).startswith("MW2Plan(shape=(3, 2), dim=2, nnz=")
    assert repr(gmmot.solve([1.0], [1.0], [[2.0]])) == "TransportPlan(shape=(1, 1), nnz=1, cost=2)"
    assert repr(gmmot.barycenter_exact([g0, g1])).startswith("MixtureBarycenter(n_inputs=2")
    assert repr(gmmot.Interrupt()) == "Interrupt(raised=False)"
    assert "seed=3" in repr(gmmot.Options(seed=3))
    x = clusters(rng, 200, 2, k=2)
    fit = gmmot.RelaxedFit.fit(x, x + 1, n_components=2, init="pooled", seed=1,
                               relaxed_max_iterations=50)
    assert repr(fit).startswith("RelaxedFit(energy=")


def test_options_reach_every_object(two):
    g0, g1 = two
    opts = gmmot.Options(num_threads=1, transport_method="entropic", entropic_epsilon=1e-3)
    exact = gmmot.mw2_squared(g0, g1)
    ent = gmmot.mw2_squared(g0, g1, options=opts)
    assert ent != exact and ent == pytest.approx(exact, rel=1e-7)
    assert gmmot.mw2_squared(g0, g1, num_threads=1) == exact
    assert gmmot.MW2Plan(g0, g1, options=opts).squared_distance == ent
    assert gmmot.MW2Plan(g0, g1, options=opts, transport_method="exact").squared_distance \
        == exact  # keywords override the Options object
    t = gmmot.solve([0.5, 0.5], [0.5, 0.5], [[0.0, 1.0], [1.0, 0.0]],
                    options=opts.copy(entropic_epsilon=1.0))
    assert t.plan[0, 1] > 0  # entropic: dense
    with pytest.raises(ValueError, match="warm_start"):
        gmmot.solve([1.0], [1.0], [[0.0]], method="entropic", warm_start=([0.0], [0.0]))
    with pytest.raises(TypeError, match="options"):
        gmmot.mw2_squared(g0, g1, options={"seed": 1})
    with pytest.raises(TypeError, match="interrupt"):
        gmmot.Options(interrupt=True)
    with pytest.raises(TypeError, match="progress"):
        gmmot.Options(progress=3)


def test_copies_and_immutability(two):
    g0, _ = two
    assert copy.deepcopy(g0).to_bytes() == g0.to_bytes()
    with pytest.raises(AttributeError):
        g0.extra = 1  # __slots__: no stray attributes on handles
    with pytest.raises(ValueError):
        g0.means[0, 0] = 1.0


def test_argument_errors(two, rng):
    g0, g1 = two
    with pytest.raises(TypeError, match="n_samples"):
        g0.sample(2.5)
    with pytest.raises(ValueError, match="n_samples"):
        g0.sample(-1)
    with pytest.raises(ValueError, match="n_components"):
        gmmot.GaussianMixture.fit(np.zeros((5, 2)), 0)
    with pytest.raises(TypeError, match="source"):
        gmmot.MW2Plan(None, g1)
    with pytest.raises(ValueError, match="weights"):
        gmmot.GaussianMixture.fit(rng.normal(size=(10, 2)), 2, weights=np.ones(9))
    with pytest.raises(ValueError, match=r"covariances: expected shape \(2, 2, 2\)"):
        gmmot.gaussian.barycenter(np.zeros((2, 2)), np.zeros((3, 2, 2)))
    with pytest.raises(ValueError, match="s1"):
        gmmot.gaussian.w2_squared([0, 0], np.eye(2), [0, 0], np.eye(3))
    with pytest.raises(ValueError, match="init"):
        gmmot.RelaxedFit.fit(rng.normal(size=(20, 2)), rng.normal(size=(20, 2)), init=(g0,))


def test_named_parameters_and_option_keywords_agree(rng):
    x = clusters(rng, 300, 2, k=2)
    g = gmmot.GaussianMixture.fit(x, 2, em_components=2, seed=1)  # same value: fine
    assert g.n_components == 2
    with pytest.raises(TypeError, match="em_components given twice"):
        gmmot.GaussianMixture.fit(x, 2, em_components=3)
    with pytest.raises(TypeError, match="transport_method given twice"):
        gmmot.solve([1.0], [1.0], [[0.0]], method="exact", transport_method="entropic")
