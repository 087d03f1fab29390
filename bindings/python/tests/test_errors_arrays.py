# SPDX-License-Identifier: MIT
"""C errors become GmmotError (status, name, message); warnings become GmmotWarning; bad
Python inputs are refused before any C call, naming the argument."""
import pickle
import warnings

import numpy as np
import pytest

import gmmot
from gmmot import _errors, _lib


def test_c_error_carries_status_name_and_message():
    with pytest.raises(gmmot.GmmotError) as info:
        gmmot.GaussianMixture([0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[-1.0]]])
    err = info.value
    assert err.status == _errors.E_NOT_PSD == -9
    assert err.name == "GMMOT_E_NOT_PSD"
    assert "covs[1]" in err.message and "positive semi-definite" in err.message
    assert isinstance(err, ValueError)  # bad input, whoever found it
    again = pickle.loads(pickle.dumps(err))  # errors travel back from worker processes
    assert type(again) is type(err) and again.status == err.status


def test_error_classes_by_status():
    with pytest.raises(gmmot.GmmotIOError) as info:
        gmmot.GaussianMixture.load("/nonexistent/dir/mixture.gmm")
    assert info.value.status == _errors.E_IO and isinstance(info.value, OSError)
    with pytest.raises(gmmot.GmmotNoMapError) as info:
        gmmot.gaussian.monge_map([0, 0], np.diag([1.0, 0.0]), [0, 0], np.diag([0.0, 1.0]))
    assert info.value.status == _errors.E_NO_MAP
    with pytest.raises(gmmot.GmmotValueError) as info:
        gmmot.Options(num_threads=5000)
    assert info.value.status == _errors.E_INVALID_ARGUMENT and "1024" in info.value.message


def test_status_strings():
    for status, name in _errors.STATUS_NAMES.items():
        assert gmmot.status_name(status) == name
        assert gmmot.status_string(status).startswith(name)
    assert gmmot.status_name(-1234) == "unknown status"


def test_warning_status_is_a_python_warning():
    cov = np.array([[1.0, 0.5], [0.5 + 1e-10, 1.0]])  # asymmetric beyond rounding, below 1e-8
    with pytest.warns(gmmot.GmmotWarning) as record:
        g = gmmot.GaussianMixture([1.0], [[0.0, 0.0]], [cov])
    w = record[0].message
    assert w.status == _errors.W_SYMMETRIZED and w.name == "GMMOT_W_SYMMETRIZED"
    assert record[0].filename == __file__  # points at the caller's line
    assert np.array_equal(g.covariances[0], g.covariances[0].T)


def _forbid_c(monkeypatch, name):
    def boom(*args):
        raise AssertionError("%s reached the C library" % name)
    monkeypatch.setattr(_lib.lib, name, boom)


BAD_MEANS = [
    (np.zeros((2, 2), dtype=complex), TypeError, "means"),
    (np.array([["a", "b"], ["c", "d"]]), TypeError, "means"),
    (np.array([[None, 1], [2, 3]], dtype=object), TypeError, "means"),
    (np.zeros(4), ValueError, "means"),
    (np.zeros((2, 2, 1)), ValueError, "means"),
    (np.array([[0.0, np.nan], [1.0, 1.0]]), ValueError, "means"),
    (np.array([[0.0, np.inf], [1.0, 1.0]]), ValueError, "means"),
    ([[0.0, 1.0], [1.0]], ValueError, "means"),
]


@pytest.mark.parametrize("means,exc,name", BAD_MEANS)
def test_bad_inputs_are_refused_before_any_c_call(monkeypatch, means, exc, name):
    _forbid_c(monkeypatch, "gmmot_gmm_create")
    with pytest.raises(exc, match=name):
        gmmot.GaussianMixture([0.5, 0.5], means, np.stack([np.eye(2)] * 2))


@pytest.mark.parametrize("weights,covs,ctype,name", [
    ([0.5, 0.5, 0.0], np.stack([np.eye(2)] * 2), "full", "weights"),
    ([0.5, 0.5], np.stack([np.eye(2)] * 3), "full", "covariances"),
    # the motivating bug: diagonals (K, d) read as if they were (K, d, d)
    ([0.5, 0.5], np.ones((2, 3)), "diag", "covariances"),
    ([0.5, 0.5], np.ones(3), "spherical", "covariances"),
    ([0.5, 0.5], np.eye(3), "tied", "covariances"),
    ([0.5, 0.5], np.ones((2, 2)), "cholesky", "covariance_type"),
])
def test_shapes_checked_per_covariance_type(monkeypatch, weights, covs, ctype, name):
    _forbid_c(monkeypatch, "gmmot_gmm_create")
    with pytest.raises(ValueError, match=name):
        gmmot.GaussianMixture(weights, np.zeros((2, 2)), covs, ctype)


def test_point_arrays_checked_before_c(monkeypatch, rng):
    g = gmmot.GaussianMixture([1.0], [[0.0, 0.0]], [np.eye(2)])
    _forbid_c(monkeypatch, "gmmot_gmm_log_density")
    with pytest.raises(ValueError, match=r"x: expected shape \(\?, 2\)"):
        g.log_density(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="x: expected a 2-d array"):
        g.log_density(np.zeros(2))  # a single point is not silently reshaped
    with pytest.raises(ValueError, match=r"x: entry \[1, 0\] is nan"):
        g.log_density([[0.0, 0.0], [np.nan, 0.0]])
    with pytest.raises(TypeError, match="x"):
        g.log_density(np.zeros((3, 2), dtype=np.complex128))


def test_strided_float32_and_list_inputs_give_the_contiguous_result(rng):
    w, m, c = np.array([0.3, 0.7]), rng.normal(size=(2, 3)), np.stack([np.eye(3)] * 2)
    g = gmmot.GaussianMixture(w, m, c)
    big = rng.normal(size=(40, 6))
    strided = big[::2, ::2]  # non-contiguous view: copied, never read with the wrong strides
    assert not strided.flags.c_contiguous
    ref = g.log_density(np.ascontiguousarray(strided))
    assert np.array_equal(g.log_density(strided), ref)
    assert np.array_equal(g.log_density(strided.tolist()), ref)
    assert np.array_equal(g.log_density(np.asfortranarray(strided)), ref)
    f32 = strided.astype(np.float32)
    assert np.array_equal(g.log_density(f32), g.log_density(f32.astype(np.float64)))
    h = gmmot.GaussianMixture(w.tolist(), np.asfortranarray(m), c[:, ::-1, ::-1])
    assert np.array_equal(h.means, m) and np.array_equal(h.covariances, c)


def test_outputs_are_fresh_numpy_arrays(rng):
    g = gmmot.GaussianMixture([1.0], [[0.0, 0.0]], [np.eye(2)])
    out = g.log_density(rng.normal(size=(5, 2)))
    assert out.dtype == np.float64 and out.shape == (5,) and out.flags.writeable
    assert not g.means.flags.writeable  # parameters are read-only views of an immutable object
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert g.log_density(np.zeros((0, 2))).shape == (0,)


def test_strict_inputs_refuse_instead_of_copying(monkeypatch, rng):
    g = gmmot.GaussianMixture([1.0], [[0.0, 0.0]], [np.eye(2)])
    big = rng.normal(size=(10, 4))
    previous = gmmot.set_strict_inputs(True)
    try:
        _forbid_c(monkeypatch, "gmmot_gmm_log_density")
        with pytest.raises(ValueError, match="x: expected a C-contiguous array"):
            g.log_density(big[:, ::2])
        with pytest.raises(TypeError, match="x: expected a float64 array"):
            g.log_density(big[:, :2].astype(np.float32))
        monkeypatch.undo()
        assert g.log_density(np.ascontiguousarray(big[:, :2])).shape == (10,)
        assert g.log_density([[0.0, 0.0]]).shape == (1,)  # lists are still read
    finally:
        gmmot.set_strict_inputs(previous)
    assert g.log_density(big[:, ::2]).shape == (10,)  # default: copied
