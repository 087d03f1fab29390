# SPDX-License-Identifier: MIT
"""Options, progress callbacks, cancellation, the interrupt flag and Ctrl-C."""
import _thread
import os
import pickle
import signal
import threading

import numpy as np
import pytest

import gmmot
from conftest import clusters
from gmmot import _errors
from gmmot.options import OPTION_KEYS


def test_every_option_key_round_trips_and_has_bounds():
    for name in OPTION_KEYS:
        kind, lo, hi = gmmot.Options.bounds(name)
        assert lo <= hi
        value = lo if kind is float else int(max(lo, min(hi, 1)))
        opts = gmmot.Options(**{name: value})
        assert opts.get(name) == value
    assert gmmot.Options().get("em_components") == 10  # the library's default


def test_option_errors():
    with pytest.raises(TypeError, match="unknown option 'num_thread'"):
        gmmot.Options(num_thread=2)
    with pytest.raises(ValueError, match="transport_method"):
        gmmot.Options(transport_method="simplex")
    with pytest.raises(TypeError, match="seed"):
        gmmot.Options(seed=1.5)
    with pytest.raises(gmmot.GmmotValueError):
        gmmot.Options(entropic_epsilon=-1.0)
    assert gmmot.Options(transport_method="entropic").get("transport_method") == 1
    assert gmmot.Options(relaxed_init="pooled").get("relaxed_init") == 0


def test_options_copy_and_pickle():
    o = gmmot.Options(seed=3, em_tolerance=1e-4, progress=print)
    c = o.copy(seed=4)
    assert (c.get("seed"), c.get("em_tolerance"), c.progress) == (4, 1e-4, print)
    assert o.get("seed") == 3
    p = pickle.loads(pickle.dumps(o))
    assert p.as_dict() == o.as_dict() and p.progress is None


def _em_data(rng, n=20000, d=4):
    return clusters(rng, n, d, k=6)


LONG_EM = dict(em_tolerance=0.0, em_max_iterations=1000000, seed=1)


def test_progress_callback_sees_stages(rng):
    seen = []
    x = _em_data(rng, 2000, 2)
    g = gmmot.GaussianMixture.fit(x, 3, progress=lambda *a: seen.append(a), seed=1)
    assert g.fit_info["converged"]
    stages = {s for s, *_ in seen}
    assert stages == {gmmot.Stage.EM}
    assert all(isinstance(s, gmmot.Stage) and total == 300 for s, _, total, _ in seen)
    lls = [v for _, done, _, v in seen if done > 0]
    assert lls and abs(lls[-1] - g.fit_info["mean_log_likelihood"]) < 1e-3 * abs(lls[-1])


def test_callback_returning_true_cancels(rng):
    x = _em_data(rng, 3000, 2)
    calls = []

    def stop(stage, done, total, value):
        calls.append(done)
        return done >= 2

    with pytest.raises(gmmot.GmmotCancelled) as info:
        gmmot.GaussianMixture.fit(x, 3, progress=stop, **LONG_EM)
    assert info.value.status == _errors.E_CANCELLED and max(calls) == 2


def test_exception_in_callback_is_reraised_after_the_call(rng):
    class Boom(Exception):
        pass

    def fail(stage, done, total, value):
        if done == 3:
            raise Boom("from the callback")

    x = _em_data(rng, 3000, 2)
    with pytest.raises(Boom, match="from the callback"):
        gmmot.GaussianMixture.fit(x, 3, progress=fail, **LONG_EM)
    g0 = gmmot.GaussianMixture([1.0], [[0.0, 0.0]], [np.eye(2)])
    with pytest.raises(Boom):  # a short call with a callback is cancellable too
        g0.log_density(x, progress=lambda *a: (_ for _ in ()).throw(Boom()))


def test_interrupt_flag_from_another_thread(rng):
    flag = gmmot.Interrupt()
    x = _em_data(rng)
    timer = threading.Timer(0.2, flag.raise_)
    timer.start()
    # Not cancelled, the fit would run to its end and return: the raise is the evidence.
    with pytest.raises(gmmot.GmmotCancelled):
        gmmot.GaussianMixture.fit(x, 6, interrupt=flag, **LONG_EM)
    assert flag.is_raised
    flag.reset()
    assert not flag.is_raised
    g = gmmot.GaussianMixture.fit(x[:500], 2, interrupt=flag, seed=1)  # usable again
    assert g.n_components == 2


@pytest.fixture
def python_sigint():
    """Python's default SIGINT handler for the test: a runner started in the background by a
    shell without job control inherits SIGINT ignored, and Python keeps it so."""
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, old)


@pytest.mark.parametrize("how", ["interrupt_main", "os_kill"])
def test_ctrl_c_cancels_a_long_fit_with_keyboard_interrupt(rng, how, python_sigint):
    x = _em_data(rng)
    before = signal.getsignal(signal.SIGINT)
    fire = ((lambda: _thread.interrupt_main()) if how == "interrupt_main"
            else (lambda: os.kill(os.getpid(), signal.SIGINT)))
    timer = threading.Timer(0.2, fire)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        gmmot.GaussianMixture.fit(x, 6, **LONG_EM)
    timer.join()
    assert signal.getsignal(signal.SIGINT) is before  # handler restored
    g = gmmot.GaussianMixture.fit(x[:1000], 2, seed=1)  # the library is consistent
    assert g.fit_info["converged"]


def test_ctrl_c_during_a_long_map(rng, python_sigint):
    g0 = gmmot.GaussianMixture.fit(clusters(rng, 3000, 3), 8, seed=1)
    g1 = gmmot.GaussianMixture.fit(clusters(rng, 3000, 3), 8, seed=2)
    plan = gmmot.MW2Plan(g0, g1)
    x = rng.normal(size=(2_000_000, 3))
    timer = threading.Timer(0.05, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        for _ in range(50):  # each pass is long; the interrupt lands inside one
            plan.map_mean(x, num_threads=1)
    timer.join()
    assert plan.map_mean(x[:10]).shape == (10, 3)


def test_progress_on_a_worker_thread(rng):
    x = _em_data(rng, 2000, 2)
    seen, out = [], {}

    def work():
        out["g"] = gmmot.GaussianMixture.fit(x, 3, progress=lambda *a: seen.append(a), seed=1)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert out["g"].fit_info["converged"] and seen


def test_stages_of_maps_and_densities(rng):
    g0 = gmmot.GaussianMixture.fit(clusters(rng, 1000, 2), 3, seed=1)
    g1 = gmmot.GaussianMixture.fit(clusters(rng, 1000, 2), 2, seed=1)
    x = rng.normal(size=(5000, 2))
    seen = []
    record = lambda stage, done, total, value: seen.append((stage, done, total))  # noqa: E731
    plan = gmmot.MW2Plan(g0, g1, progress=record)
    assert {s for s, _, _ in seen} >= {gmmot.Stage.COST_MATRIX}
    seen.clear()
    plan.map_mean(x, progress=record)
    assert seen and all(s == gmmot.Stage.MAPS and t == 5000 for s, _, t in seen)
    seen.clear()
    g0.log_density(x, progress=record)
    assert seen and all(s == gmmot.Stage.DENSITY for s, _, _ in seen)
    seen.clear()
    gmmot.barycenter_exact([g0, g1], progress=record)
    assert gmmot.Stage.MULTIMARGINAL in {s for s, _, _ in seen}


def test_the_gil_is_released_during_calls(rng):
    g = gmmot.GaussianMixture.fit(clusters(rng, 2000, 3), 8, seed=1)
    x = rng.normal(size=(1_000_000, 3))
    done = threading.Event()
    out = {}

    def work():
        out["a"] = g.log_density(x, num_threads=1)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert done.is_set()
    assert np.array_equal(out["a"], g.log_density(x, num_threads=2))
    # What releases the GIL is how the library is loaded: ctypes.CDLL functions release it for
    # every call, PyDLL ones (and functions flagged FUNCFLAG_PYTHONAPI) keep it. A spinning
    # counter cannot tell: Python switches threads every 5 ms whether or not C releases it.
    import ctypes
    assert not isinstance(gmmot._lib.lib, ctypes.PyDLL)
    for name in gmmot._lib.SIGNATURES:
        assert not getattr(gmmot._lib.lib, name)._flags_ & ctypes._FUNCFLAG_PYTHONAPI, name


def test_concurrent_calls_on_shared_objects(rng):
    import concurrent.futures
    g0 = gmmot.GaussianMixture.fit(clusters(rng, 1000, 2), 3, seed=1)
    g1 = gmmot.GaussianMixture.fit(clusters(rng, 1000, 2), 4, seed=2)
    plan = gmmot.MW2Plan(g0, g1)
    x = rng.normal(size=(20000, 2))
    want = plan.map_mean(x)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: (plan.map_mean(x), gmmot.mw2_squared(g0, g1)),
                                range(8)))
    assert all(np.array_equal(a, want) and d == plan.squared_distance for a, d in results)
