# SPDX-License-Identifier: MIT
"""Regression tests of the review of the Python package: copying and pickling the handle
owners, exit while a daemon thread computes, Ctrl-C and cancellation of every running call,
blocked point-wise maps and out=, option range checks, paths, zero sizes, 0-d and unaligned
inputs, smaller argument checks."""
import copy
import ctypes as C
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import gmmot
from conftest import PACKAGE_ROOT, clusters
from gmmot._lib import lib

LONG_EM = dict(em_max_iterations=400, em_tolerance=0.0, num_threads=1, seed=1)


@pytest.fixture(scope="module")
def pair():
    rng = np.random.default_rng(7)
    x0, x1 = clusters(rng, 400, 2), clusters(rng, 300, 2) + 3
    g0 = gmmot.GaussianMixture.fit(x0, 3, seed=1)
    g1 = gmmot.GaussianMixture.fit(x1, 2, seed=1)
    return x0, x1, g0, g1


@pytest.fixture
def python_sigint():
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, old)


# ------------------------------------------------------------------ 1, 8: copy and pickle
def _results(pair):
    x0, x1, g0, g1 = pair
    fit = gmmot.RelaxedFit.fit(x0, x1, n_components=2, seed=1)
    return {
        "transport": gmmot.solve([.25, .75], [.5, .5], [[0., 1.], [2., 0.]]),
        "transport_entropic": gmmot.solve([.5, .5], [.5, .5], [[0., 1.], [1., 0.]],
                                          method="entropic"),
        "bary_exact": gmmot.barycenter_exact([g0, g1]),
        "bary_support": gmmot.barycenter_fixed_support([g0, g1], g0.means, g0.covariances),
        "bary_fixed_point": gmmot.barycenter_fixed_point([g0, g1], fixed_point_components=2,
                                                         seed=3),
        "relaxed": fit,
        "relaxed_plan": fit.plan(),
        "plan": gmmot.MW2Plan(g0, g1),
        "plan_from_points": gmmot.MW2Plan.from_points(x0, x1, 2, seed=4),
    }


def _fingerprint(obj):
    if isinstance(obj, gmmot.TransportPlan):
        return np.append(obj.plan.ravel(), obj.cost)
    if isinstance(obj, gmmot.MixtureBarycenter):
        g = obj.mixture
        return np.concatenate([g.weights, g.means.ravel(), g.covariances.ravel(), [obj.cost]])
    if isinstance(obj, gmmot.RelaxedFit):
        g = obj.coupling()
        return np.concatenate([g.weights, g.means.ravel(), g.covariances.ravel(),
                               [obj.energy["energy"]]])
    return np.append(obj.plan.ravel(), obj.squared_distance)


def test_copies_share_the_immutable_result_and_pickles_recompute_it(pair):
    for name, obj in _results(pair).items():
        assert copy.copy(obj) is obj, name
        assert copy.deepcopy(obj) is obj, name
        back = pickle.loads(pickle.dumps(obj))
        # solved again from the same inputs: equal up to rounding (a mixture loaded from its
        # saved bytes may be factored in a different order than the one it was saved from)
        assert back is not obj, name
        np.testing.assert_allclose(_fingerprint(back), _fingerprint(obj), rtol=1e-12,
                                   atol=1e-12, err_msg=name)
    del obj, back  # a duplicated handle would be freed twice here (abort before the fix)


def test_copying_in_a_subprocess_does_not_double_free():
    code = textwrap.dedent("""
        import copy, gc, gmmot
        t = gmmot.solve([1.], [1.], [[0.]])
        g = gmmot.GaussianMixture([1.], [[0.]], [[[1.]]])
        b = gmmot.barycenter_exact([g, g])
        i = gmmot.Interrupt()
        objs = [copy.copy(o) for o in (t, b, i)] + [copy.deepcopy(o) for o in (t, b, i)]
        del t, b, i, objs
        gc.collect()
        print("ok")
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=PACKAGE_ROOT))
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_interrupt_and_options_copies():
    flag = gmmot.Interrupt()
    assert copy.copy(flag) is flag and copy.deepcopy(flag) is flag
    with pytest.raises(TypeError, match="Interrupt cannot be pickled"):
        pickle.dumps(flag)
    opts = gmmot.Options(seed=3, interrupt=flag)
    dup = copy.deepcopy(opts)
    assert dup is not opts
    assert C.cast(dup._ptr, C.c_void_p).value != C.cast(opts._ptr, C.c_void_p).value
    assert dup.get("seed") == 3 and dup.interrupt is flag


def test_from_points_keeps_its_fits(pair):
    x0, x1, _, _ = pair
    p = gmmot.MW2Plan.from_points(x0, x1, 2, seed=4)
    ref0 = gmmot.GaussianMixture.fit(x0, 2, seed=4)
    assert p.source.to_bytes() == ref0.to_bytes()


# ------------------------------------------------------------------ 2: exit during a call
def test_exit_while_a_daemon_thread_is_inside_a_long_call():
    code = textwrap.dedent("""
        import threading, numpy as np, gmmot
        x = np.random.default_rng(0).normal(size=(100000, 3))
        started = threading.Event()
        def work():
            try:
                gmmot.GaussianMixture.fit(x, 20, em_max_iterations=100000, em_tolerance=0.0,
                                          num_threads=1,
                                          progress=lambda *a: started.set())
            except gmmot.GmmotCancelled:
                pass
        threading.Thread(target=work, daemon=True).start()
        started.wait()
        print("exiting", flush=True)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=PACKAGE_ROOT))
    # before the fix: abort ("FATAL: exception not rethrown", status -6)
    assert proc.returncode == 0, proc.stderr
    assert "FATAL" not in proc.stderr
    assert proc.stdout.split() == ["exiting"]


# ------------------------------------------------------------------ 3: Ctrl-C
def _em_data(n=20000, d=3):
    return clusters(np.random.default_rng(3), n, d, k=6)


def _worker_fit(x, started, out):
    def work():
        try:
            out["g"] = gmmot.GaussianMixture.fit(x, 6, progress=lambda *a: started.set(),
                                                 **LONG_EM)
        except BaseException as exc:  # noqa: B902 - the test inspects it
            out["exc"] = exc
            started.set()
    t = threading.Thread(target=work)
    t.start()
    return t


def test_ctrl_c_on_the_main_thread_also_cancels_calls_on_worker_threads(python_sigint):
    x = _em_data()
    started, out = threading.Event(), {}
    t = _worker_fit(x, started, out)
    started.wait()

    def ctrl_c(*_):
        signal.raise_signal(signal.SIGINT)  # Ctrl-C while the main thread's call runs
    with pytest.raises(KeyboardInterrupt):
        gmmot.GaussianMixture.fit(x, 6, progress=ctrl_c, **LONG_EM)
    t.join()
    assert isinstance(out.get("exc"), gmmot.GmmotCancelled), out
    assert gmmot.GaussianMixture.fit(x[:500], 2, seed=1).n_components == 2


def test_cancel_all_stops_calls_on_other_threads():
    x = _em_data()
    started, out = threading.Event(), {}
    t = _worker_fit(x, started, out)
    started.wait()
    assert gmmot.cancel_all() >= 1
    t.join()
    assert isinstance(out.get("exc"), gmmot.GmmotCancelled), out


def test_a_custom_sigint_handler_runs_outside_the_library(python_sigint, capfd):
    x = _em_data(5000)

    class Custom(Exception):
        pass

    def handler(signum, frame):
        raise Custom("from the handler")
    signal.signal(signal.SIGINT, handler)
    main = threading.get_ident()
    sent = []

    def send_from_another_thread(*a):
        # the signal arrives while the library runs; Python runs the handler when the library
        # next calls back, on entry of the trampoline (before the fix: outside its try, so the
        # exception escaped into ctypes, was printed and lost, and the call went on)
        if not sent:
            sent.append(threading.Timer(0.05, signal.pthread_kill, (main, signal.SIGINT)))
            sent[0].start()
    with pytest.raises(Custom, match="from the handler"):
        gmmot.GaussianMixture.fit(_em_data(), 6, progress=send_from_another_thread,
                                  **dict(LONG_EM, em_max_iterations=3000))
    sent[0].join()
    assert signal.getsignal(signal.SIGINT) is handler
    # before the fix the exception escaped the ctypes callback and was lost
    assert "Exception ignored" not in capfd.readouterr().err

    calls = []
    signal.signal(signal.SIGINT, lambda s, f: calls.append(s))  # a handler that does not raise
    once = []

    def progress(*a):
        if not once:
            once.append(1)
            signal.raise_signal(signal.SIGINT)
    g = gmmot.GaussianMixture.fit(x[:2000], 2, progress=progress, seed=1)
    assert calls == [signal.SIGINT] and g.n_components == 2


def test_the_trampoline_never_lets_an_exception_escape(capfd):
    class Weird(BaseException):
        pass

    def progress(*a):
        raise Weird()
    with pytest.raises(Weird):
        gmmot.GaussianMixture.fit(_em_data(3000), 3, progress=progress, seed=1)
    assert "Exception ignored" not in capfd.readouterr().err


# ------------------------------------------------------------------ 4: blocked maps, out=
@pytest.fixture(scope="module")
def big_map(pair):
    _, _, g0, g1 = pair
    plan = gmmot.MW2Plan(g0, g1)
    x = np.random.default_rng(9).normal(size=(150001, 2))
    ref = np.empty_like(x)  # one bare C call over all rows, default options
    assert lib.gmmot_mw2_map_mean(plan._ptr, x.shape[0], x.ctypes.data, None, ref.ctypes.data,
                                  ref.size) == 0
    return plan, x, ref


def test_map_mean_in_blocks_equals_one_c_call(big_map):
    plan, x, ref = big_map
    assert np.array_equal(plan.map_mean(x), ref)
    out = np.full_like(x, np.nan)
    assert plan.map_mean(x, out=out, num_threads=2) is out
    assert np.array_equal(out, ref)


@pytest.fixture
def small_blocks(monkeypatch):
    from gmmot import _progress
    monkeypatch.setattr(_progress, "BLOCK_WORK", 1)  # blocks of MIN_BLOCK_ROWS = 65536 rows


def test_map_mean_in_small_blocks_equals_one_c_call(big_map, small_blocks):
    plan, x, ref = big_map
    assert np.array_equal(plan.map_mean(x, num_threads=2), ref)


def test_map_mean_reports_between_blocks_and_cancels(big_map, small_blocks):
    plan, x, _ = big_map
    seen = []
    plan.map_mean(x, progress=lambda s, d, t, v: seen.append((s, d, t)))
    assert seen == [(gmmot.Stage.MAPS, d, x.shape[0]) for d in (65536, 131072, 150001)]
    with pytest.raises(gmmot.GmmotCancelled):
        plan.map_mean(x, progress=lambda *a: True)
    flag = gmmot.Interrupt()
    flag.raise_()
    with pytest.raises(gmmot.GmmotCancelled):
        plan.map_mean(x, interrupt=flag)


def test_log_density_in_blocks(pair, small_blocks):
    _, _, g0, _ = pair
    x = np.random.default_rng(2).normal(size=(70000, 2))
    ref = np.empty(x.shape[0])
    assert lib.gmmot_gmm_log_density(g0._ptr, x.shape[0], x.ctypes.data, None, ref.ctypes.data,
                                     ref.size) == 0
    seen = []
    got = g0.log_density(x, progress=lambda s, d, t, v: seen.append((s, d)))
    assert np.array_equal(got, ref)
    assert seen == [(gmmot.Stage.DENSITY, 65536), (gmmot.Stage.DENSITY, 70000)]


def test_out_argument_checks(big_map):
    plan, x, _ = big_map
    x = x[:10]
    want = plan.map_rand(x, seed=2)
    out = np.empty_like(x)
    assert plan.map_rand(x, seed=2, out=out) is out and np.array_equal(out, want)
    with pytest.raises(TypeError, match="out: expected dtype float64"):
        plan.map_mean(x, out=np.empty((10, 2), np.float32))
    with pytest.raises(ValueError, match=r"out: expected shape \(10, 2\)"):
        plan.map_mean(x, out=np.empty((11, 2)))
    with pytest.raises(ValueError, match="out: must be a writeable, aligned, C-contiguous"):
        plan.map_mean(x, out=np.empty((2, 10)).T)
    with pytest.raises(ValueError, match="out: must not overlap x"):
        plan.map_mean(x, out=x)
    with pytest.raises(TypeError, match="out: expected a numpy.ndarray"):
        plan.map_mean(x, out=[[0.0, 0.0]] * 10)


# ------------------------------------------------------------------ 5: POT weights
def test_pot_accepts_the_weights_pot_accepts(pair):
    ot = pytest.importorskip("ot")
    from gmmot import pot
    _, _, g0, g1 = pair
    m_s, C_s, m_t, C_t = g0.means, g0.covariances, g1.means, g1.covariances
    w_s = np.float32(g0.weights).astype(np.float64)  # sums to 1 only within ~1e-8
    w_t = np.array(g1.weights) * (1 + 1e-7)
    cost = pot.dist_bures_squared(m_s, m_t, C_s, C_t)
    ref_plan = ot.emd(w_s, w_t, cost)
    plan = pot.gmm_ot_plan(m_s, m_t, C_s, C_t, w_s, w_t)
    assert np.allclose(plan, ref_plan, atol=1e-12)
    assert np.isclose(pot.gmm_ot_loss(m_s, m_t, C_s, C_t, w_s, w_t), np.sum(ref_plan * cost),
                      rtol=1e-12)
    x = np.random.default_rng(1).normal(size=(7, 2))
    dens = sum(2.0 * w * ot.gmm.gaussian_pdf(x, m, c) if hasattr(ot, "gmm") else
               2.0 * w * np.exp(-0.5 * np.einsum("ni,ij,nj->n", x - m, np.linalg.inv(c), x - m))
               / np.sqrt(np.linalg.det(2 * np.pi * c))
               for w, m, c in zip(g0.weights, m_s, C_s))
    assert np.allclose(pot.gmm_pdf(x, m_s, C_s, 2 * np.array(g0.weights)), dens, rtol=1e-12)
    with pytest.raises(ValueError, match="w_s, w_t: the weights must have the same sum"):
        pot.gmm_ot_plan(m_s, m_t, C_s, C_t, w_s, 1.01 * w_t)


# ------------------------------------------------------------------ 9, 10, 11, 12
def test_integer_options_out_of_int64_are_refused():
    for name, value in (("seed", 2 ** 64 + 5), ("num_threads", 2 ** 64 + 2), ("seed", -2 ** 70)):
        with pytest.raises(ValueError, match="option %s: .* out of range" % name):
            gmmot.Options(**{name: value})


def test_paths_with_nul_are_refused(tmp_path, pair):
    _, _, g0, _ = pair
    bad = str(tmp_path / "a.gmm") + "\0.txt"
    with pytest.raises(ValueError, match="path: contains a NUL"):
        g0.save(bad)
    with pytest.raises(ValueError, match="path: contains a NUL"):
        gmmot.GaussianMixture.load(bad)
    assert not (tmp_path / "a.gmm").exists()


def test_zero_sizes_are_clear_value_errors():
    from gmmot import pot
    with pytest.raises(ValueError, match="m_s: at least one component"):
        pot.gmm_ot_loss(np.zeros((0, 2)), np.zeros((1, 2)), np.zeros((0, 2, 2)),
                        np.eye(2)[None], np.zeros(0), [1.0])
    with pytest.raises(ValueError, match="xs: at least one sample"):
        pot.empirical_bures_wasserstein_distance(np.zeros((0, 2)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="means: at least one Gaussian"):
        gmmot.gaussian.barycenter(np.zeros((0, 2)), np.zeros((0, 2, 2)))
    with pytest.raises(ValueError, match="m: at least one Gaussian"):
        pot.bures_wasserstein_barycenter(np.zeros((0, 2)), np.zeros((0, 2, 2)))


def test_pot_errors_use_pots_argument_names():
    from gmmot import pot
    with pytest.raises(ValueError, match=r"^Cs: expected"):
        pot.bures_wasserstein_mapping(np.zeros(2), np.zeros(2), np.eye(3), np.eye(2))
    with pytest.raises(ValueError, match=r"^Ct: expected"):
        pot.bures_wasserstein_distance(np.zeros(2), np.zeros(2), np.eye(2), np.eye(3))
    with pytest.raises(ValueError, match=r"^mt: expected"):
        pot.bures_wasserstein_distance(np.zeros(2), np.zeros(3), np.eye(2), np.eye(2))
    with pytest.raises(ValueError, match=r"^Ct: entry"):
        pot.bures_distance(np.eye(2), np.eye(2) * np.nan)


def test_scalars_are_not_reshaped_and_unaligned_buffers_are_copied(pair):
    _, _, g0, _ = pair
    with pytest.raises(ValueError, match="weights: expected a 1-d array of shape .*got a scalar"):
        gmmot.GaussianMixture(1.0, [[0.0]], [[[1.0]]])
    raw = np.zeros(8 * 20 + 1, dtype=np.uint8)
    x = raw[1:].view(np.float64).reshape(10, 2)  # float64 data at an odd address
    assert not x.flags.aligned
    x[:] = np.arange(20.0).reshape(10, 2)
    assert np.array_equal(g0.log_density(x), g0.log_density(np.array(x)))
    old = gmmot.set_strict_inputs(True)
    try:
        with pytest.raises(ValueError, match="x: the buffer is not aligned"):
            g0.log_density(x)
    finally:
        gmmot.set_strict_inputs(old)


# ------------------------------------------------------------------ 13
def test_smaller_argument_checks(pair):
    x0, x1, g0, g1 = pair
    bary = gmmot.barycenter_exact([g0, g1])
    with pytest.raises(TypeError, match="j: expected an integer"):
        bary.sparse_plan(1.5)
    with pytest.raises(ValueError, match="init: expected 'pooled', 'separate' or a pair"):
        gmmot.RelaxedFit.fit(x0, x1, n_components=2, init=5)
    with pytest.raises(ValueError, match=r"warm_start: expected a pair"):
        gmmot.solve([1.], [1.], [[0.]], warm_start=(np.zeros(1),))
    with pytest.raises(ValueError, match="method: expected 'exact' or 'entropic'"):
        gmmot.MW2Plan(g0, g1, method="sinkhorn")
    with pytest.raises(ValueError, match="method: expected 'exact' or 'entropic'"):
        gmmot.solve([1.], [1.], [[0.]], method="sinkhorn")


def test_degenerate_mixtures_to_sklearn_and_predict_proba():
    pytest.importorskip("sklearn")
    g = gmmot.GaussianMixture([.5, .5], [[0., 0.], [1., 0.]],
                              [np.diag([1., 0.]), np.diag([1., 0.])])
    with pytest.raises(ValueError, match="to_sklearn: scikit-learn needs positive definite"):
        g.to_sklearn()
    with pytest.raises(ValueError, match="to_sklearn: scikit-learn needs positive definite"):
        g.to_sklearn("diag")
    p = g.predict_proba([[0., 0.], [5., 0.]])  # on the supports (y = 0): a posterior
    assert np.allclose(p.sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="x: row 1 has density 0 under every component"):
        g.predict_proba([[0., 0.], [0., 1.]])


def test_options_detach_and_replaced_flags_stay_alive():
    flag = gmmot.Interrupt()
    flag.raise_()
    opts = gmmot.Options(interrupt=flag)
    x = _em_data(2000)
    with pytest.raises(gmmot.GmmotCancelled):
        gmmot.GaussianMixture.fit(x, 2, options=opts, seed=1)
    opts.update(interrupt=False)
    assert opts.interrupt is None
    assert gmmot.GaussianMixture.fit(x, 2, options=opts, seed=1).n_components == 2
    opts.update(interrupt=flag)
    opts.update(interrupt=gmmot.Interrupt())  # the old flag is kept while opts live
    assert flag in opts._old_flags

