# SPDX-License-Identifier: MIT
"""Loading libgmmot and declaring every public function for ctypes.

The library is looked for, in order: the path in the environment variable GMMOT_LIBRARY; the
path recorded at install time (``_install_path.txt`` beside this file, written by setup.py when
``GMMOT_LIBRARY`` was set during ``pip install``); ``ctypes.util.find_library("gmmot")``;
finally the SONAME ``libgmmot.so.0.5`` through the dynamic loader's search path.

Every GMMOT_API function of ``include/gmmot/*.h`` has its ``argtypes`` and ``restype`` set
below (tests/test_lib.py checks this against the headers). Arrays are passed as ``c_void_p``
addresses of C-contiguous numpy buffers (checked by :mod:`gmmot._arrays` first); scalar
outputs as ``POINTER`` types used with ``ctypes.byref``. ``ctypes.CDLL`` releases the GIL
around every call.
"""
import ctypes as C
import ctypes.util
import os

EXPECTED_MAJOR = 0
EXPECTED_MINOR = 5
SONAME = "libgmmot.so.0.5"


class Gmm(C.Structure):
    """Opaque gmmot_gmm_t."""


class Options(C.Structure):
    """Opaque gmmot_options_t."""


class Interrupt(C.Structure):
    """Opaque gmmot_interrupt_t."""


class Em(C.Structure):
    """Opaque gmmot_em_t."""


class Transport(C.Structure):
    """Opaque gmmot_transport_t."""


class Mw2(C.Structure):
    """Opaque gmmot_mw2_t."""


class MixtureBarycenter(C.Structure):
    """Opaque gmmot_mw2_barycenter_t."""


class Relaxed(C.Structure):
    """Opaque gmmot_relaxed_t."""


class Gw(C.Structure):
    """Opaque gmmot_gw_t."""


class Ew(C.Structure):
    """Opaque gmmot_ew_t."""


GmmP = C.POINTER(Gmm)
OptsP = C.POINTER(Options)
InterruptP = C.POINTER(Interrupt)
EmP = C.POINTER(Em)
TransportP = C.POINTER(Transport)
Mw2P = C.POINTER(Mw2)
BaryP = C.POINTER(MixtureBarycenter)
RelaxedP = C.POINTER(Relaxed)
GwP = C.POINTER(Gw)
EwP = C.POINTER(Ew)

# gmmot_progress_fn(user_data, stage, done, total, value); non-zero return cancels.
ProgressFn = C.CFUNCTYPE(C.c_int, C.c_void_p, C.c_int, C.c_uint64, C.c_uint64, C.c_double)

_i = C.c_int
_sz = C.c_size_t
_d = C.c_double
_buf = C.c_void_p  # address of a numpy buffer (double, size_t, int or bytes)
_str = C.c_char_p
_dP = C.POINTER(C.c_double)
_iP = C.POINTER(C.c_int)
_szP = C.POINTER(C.c_size_t)
_u64P = C.POINTER(C.c_uint64)
_i64P = C.POINTER(C.c_int64)
_GmmPP = C.POINTER(GmmP)

# name: (restype, [argtypes]); the order follows the headers.
SIGNATURES = {
    # version.h, status.h
    "gmmot_version_number": (_i, []),
    "gmmot_version_string": (_str, []),
    "gmmot_build_info": (_str, []),
    "gmmot_status_string": (_str, [_i]),
    "gmmot_last_error_message": (_str, []),
    # options.h
    "gmmot_options_create": (_i, [C.POINTER(OptsP)]),
    "gmmot_options_clone": (_i, [OptsP, C.POINTER(OptsP)]),
    "gmmot_options_destroy": (None, [OptsP]),
    "gmmot_options_set_int": (_i, [OptsP, _i, C.c_int64]),
    "gmmot_options_set_double": (_i, [OptsP, _i, _d]),
    "gmmot_options_get_int": (_i, [OptsP, _i, _i64P]),
    "gmmot_options_get_double": (_i, [OptsP, _i, _dP]),
    "gmmot_options_set_progress": (_i, [OptsP, ProgressFn, C.c_void_p]),
    "gmmot_options_set_interrupt": (_i, [OptsP, InterruptP]),
    "gmmot_options_bounds": (_i, [_i, _iP, _dP, _dP]),
    # progress.h
    "gmmot_interrupt_create": (_i, [C.POINTER(InterruptP)]),
    "gmmot_interrupt_destroy": (None, [InterruptP]),
    "gmmot_interrupt_raise": (_i, [InterruptP]),
    "gmmot_interrupt_reset": (_i, [InterruptP]),
    "gmmot_interrupt_is_raised": (_i, [InterruptP, _iP]),
    # gmm.h
    "gmmot_gmm_create": (_i, [_sz, _sz, _buf, _buf, _buf, _GmmPP]),
    "gmmot_gmm_create_t": (_i, [_sz, _sz, _d, _buf, _buf, _buf, _GmmPP]),
    "gmmot_gmm_get_family": (_i, [GmmP, _iP, _dP]),
    "gmmot_gmm_copy_scales": (_i, [GmmP, _buf, _sz]),
    "gmmot_gmm_destroy": (None, [GmmP]),
    "gmmot_gmm_ncomponents": (_sz, [GmmP]),
    "gmmot_gmm_dim": (_sz, [GmmP]),
    "gmmot_gmm_copy_weights": (_i, [GmmP, _buf, _sz]),
    "gmmot_gmm_copy_means": (_i, [GmmP, _buf, _sz]),
    "gmmot_gmm_copy_covariances": (_i, [GmmP, _buf, _sz]),
    "gmmot_gmm_log_density": (_i, [GmmP, _sz, _buf, OptsP, _buf, _sz]),
    "gmmot_gmm_sample": (_i, [GmmP, _sz, OptsP, _buf, _sz, _buf, _sz]),
    # gmm_io.h
    "gmmot_gmm_saved_size": (_i, [GmmP, _szP]),
    "gmmot_gmm_save": (_i, [GmmP, _buf, _sz, _szP]),
    "gmmot_gmm_load": (_i, [_buf, _sz, _GmmPP]),
    "gmmot_gmm_save_file": (_i, [GmmP, _str]),
    "gmmot_gmm_load_file": (_i, [_str, _GmmPP]),
    # em.h
    "gmmot_em_create": (_i, [OptsP, C.POINTER(EmP)]),
    "gmmot_em_destroy": (None, [EmP]),
    "gmmot_em_fit": (_i, [EmP, _sz, _sz, _buf, _buf, _GmmPP]),
    "gmmot_em_info": (_i, [EmP, _dP, _u64P, _iP]),
    "gmmot_em_work": (_i, [EmP, _u64P, _u64P]),
    "gmmot_em_fit_joint": (_i, [EmP, _sz, _sz, _szP, C.POINTER(_buf), C.POINTER(_buf), _GmmPP]),
    # gaussian.h
    "gmmot_gaussian_w2_squared": (_i, [_sz, _buf, _buf, _buf, _buf, _dP]),
    "gmmot_gaussian_monge_map": (_i, [_sz, _buf, _buf, _buf, _buf, _buf, _sz, _buf, _sz, _dP]),
    "gmmot_gaussian_geodesic": (_i, [_sz, _buf, _buf, _buf, _buf, _d, _buf, _sz, _buf, _sz]),
    "gmmot_gaussian_barycenter": (_i, [_sz, _sz, _buf, _buf, _buf, OptsP, _buf, _sz, _buf, _sz,
                                       _u64P, _dP]),
    "gmmot_gaussian_multimarginal_cost": (_i, [_sz, _sz, _buf, _buf, _buf, OptsP, _dP]),
    "gmmot_w2_cost_matrix": (_i, [GmmP, GmmP, OptsP, _buf, _sz]),
    # transport.h
    "gmmot_transport_solve": (_i, [_sz, _sz, _buf, _buf, _buf, OptsP, C.POINTER(TransportP)]),
    "gmmot_transport_solve_warm": (_i, [_sz, _sz, _buf, _buf, _buf, _buf, _buf, OptsP,
                                        C.POINTER(TransportP)]),
    "gmmot_transport_destroy": (None, [TransportP]),
    "gmmot_transport_rows": (_sz, [TransportP]),
    "gmmot_transport_cols": (_sz, [TransportP]),
    "gmmot_transport_nnz": (_sz, [TransportP]),
    "gmmot_transport_cost": (_i, [TransportP, _dP]),
    "gmmot_transport_copy_plan": (_i, [TransportP, _buf, _sz]),
    "gmmot_transport_copy_sparse_plan": (_i, [TransportP, _buf, _buf, _buf, _sz]),
    "gmmot_transport_copy_duals": (_i, [TransportP, _buf, _sz, _buf, _sz]),
    "gmmot_transport_info": (_i, [TransportP, _u64P, _dP]),
    # mw2.h
    "gmmot_mw2_create": (_i, [GmmP, GmmP, OptsP, C.POINTER(Mw2P)]),
    "gmmot_mw2_create_from_points": (_i, [_buf, _sz, _buf, _sz, _sz, _buf, _buf, OptsP,
                                          C.POINTER(Mw2P)]),
    "gmmot_mw2_destroy": (None, [Mw2P]),
    "gmmot_mw2_squared": (_i, [GmmP, GmmP, OptsP, _dP]),
    "gmmot_mw2_distance": (_i, [Mw2P, _dP, _dP]),
    "gmmot_mw2_rows": (_sz, [Mw2P]),
    "gmmot_mw2_cols": (_sz, [Mw2P]),
    "gmmot_mw2_dim": (_sz, [Mw2P]),
    "gmmot_mw2_nnz": (_sz, [Mw2P]),
    "gmmot_mw2_copy_cost_matrix": (_i, [Mw2P, _buf, _sz]),
    "gmmot_mw2_copy_plan": (_i, [Mw2P, _buf, _sz]),
    "gmmot_mw2_copy_sparse_plan": (_i, [Mw2P, _buf, _buf, _buf, _sz]),
    "gmmot_mw2_copy_duals": (_i, [Mw2P, _buf, _sz, _buf, _sz]),
    "gmmot_mw2_info": (_i, [Mw2P, _u64P, _dP]),
    "gmmot_mw2_coupling": (_i, [Mw2P, _GmmPP]),
    "gmmot_mw2_geodesic": (_i, [Mw2P, _d, _GmmPP]),
    "gmmot_mw2_copy_pair_maps": (_i, [Mw2P, _buf, _sz, _buf, _sz]),
    # maps.h
    "gmmot_mw2_map_mean": (_i, [Mw2P, _sz, _buf, OptsP, _buf, _sz]),
    "gmmot_mw2_map_rand": (_i, [Mw2P, _sz, _buf, OptsP, _buf, _sz]),
    # barycenter.h (gmms is an array of handles: a numpy array of pointer-sized integers)
    "gmmot_mw2_barycenter_exact": (_i, [_buf, _sz, _buf, _sz, OptsP, C.POINTER(BaryP)]),
    "gmmot_mw2_barycenter_fixed_support": (_i, [_buf, _sz, _buf, _sz, _sz, _buf, _sz, _buf, _sz,
                                                OptsP, C.POINTER(BaryP)]),
    "gmmot_mw2_barycenter_fixed_point": (_i, [_buf, _sz, _buf, _sz, GmmP, OptsP,
                                              C.POINTER(BaryP)]),
    "gmmot_mw2_barycenter_destroy": (None, [BaryP]),
    "gmmot_mw2_barycenter_gmm": (_i, [BaryP, _GmmPP]),
    "gmmot_mw2_barycenter_cost": (_i, [BaryP, _dP]),
    "gmmot_mw2_barycenter_count": (_sz, [BaryP]),
    "gmmot_mw2_barycenter_components": (_sz, [BaryP]),
    "gmmot_mw2_barycenter_plan_nnz": (_sz, [BaryP, _sz]),
    "gmmot_mw2_barycenter_copy_plan": (_i, [BaryP, _sz, _buf, _buf, _buf, _sz]),
    "gmmot_mw2_barycenter_copy_tuples": (_i, [BaryP, _buf, _sz]),
    "gmmot_mw2_barycenter_copy_duals": (_i, [BaryP, _buf, _sz]),
    "gmmot_mw2_barycenter_certificate": (_i, [BaryP, _dP, _dP, _dP]),
    "gmmot_mw2_barycenter_info": (_i, [BaryP, _u64P, _u64P, _u64P]),
    "gmmot_mw2_barycenter_energies_len": (_sz, [BaryP]),
    "gmmot_mw2_barycenter_copy_energies": (_i, [BaryP, _buf, _sz]),
    # relaxed.h
    "gmmot_relaxed_create": (_i, [_buf, _sz, _buf, _sz, _sz, _buf, _buf, OptsP,
                                  C.POINTER(RelaxedP)]),
    "gmmot_relaxed_create_from": (_i, [_buf, _sz, _buf, _sz, _sz, _buf, _buf, GmmP, GmmP, OptsP,
                                       C.POINTER(RelaxedP)]),
    "gmmot_relaxed_create_path": (_i, [_buf, _sz, _buf, _sz, _sz, _buf, _buf, _buf, _sz, OptsP,
                                       C.POINTER(RelaxedP)]),
    "gmmot_relaxed_destroy": (None, [RelaxedP]),
    "gmmot_relaxed_coupling": (_i, [RelaxedP, _GmmPP]),
    "gmmot_relaxed_marginal0": (_i, [RelaxedP, _GmmPP]),
    "gmmot_relaxed_marginal1": (_i, [RelaxedP, _GmmPP]),
    "gmmot_relaxed_plan": (_i, [RelaxedP, C.POINTER(Mw2P)]),
    "gmmot_relaxed_energy": (_i, [RelaxedP, _dP, _dP, _dP, _dP, _dP]),
    "gmmot_relaxed_info": (_i, [RelaxedP, _u64P, _iP, _dP, _dP]),
    "gmmot_relaxed_energies": (_i, [RelaxedP, _buf, _sz, _szP]),
    "gmmot_relaxed_degenerate": (_i, [RelaxedP, _buf, _sz, _szP]),
    "gmmot_relaxed_path": (_i, [RelaxedP, _buf, _sz, _szP]),
    # gromov.h
    "gmmot_mgw2_create": (_i, [GmmP, GmmP, OptsP, C.POINTER(GwP)]),
    "gmmot_gw_create": (_i, [_sz, _buf, _buf, _sz, _buf, _buf, OptsP, C.POINTER(GwP)]),
    "gmmot_gw_destroy": (None, [GwP]),
    "gmmot_gw_value": (_i, [GwP, _dP, _dP]),
    "gmmot_gw_rows": (_sz, [GwP]),
    "gmmot_gw_cols": (_sz, [GwP]),
    "gmmot_gw_copy_plan": (_i, [GwP, _buf, _sz]),
    "gmmot_gw_copy_cost_matrices": (_i, [GwP, _buf, _sz, _buf, _sz]),
    "gmmot_gw_info": (_i, [GwP, _u64P, _dP, _iP, _u64P, _u64P]),
    "gmmot_gaussian_gw": (_i, [_sz, _buf, _buf, _sz, _buf, _buf, _dP, _buf, _sz, _buf, _sz]),
    # mew2.h
    "gmmot_ew2_create": (_i, [_buf, _sz, _sz, _buf, _buf, _sz, _sz, _buf, OptsP,
                              C.POINTER(EwP)]),
    "gmmot_mew2_create": (_i, [GmmP, GmmP, OptsP, C.POINTER(EwP)]),
    "gmmot_ew_destroy": (None, [EwP]),
    "gmmot_ew_value": (_i, [EwP, _dP, _dP]),
    "gmmot_ew_rows": (_sz, [EwP]),
    "gmmot_ew_cols": (_sz, [EwP]),
    "gmmot_ew_dim0": (_sz, [EwP]),
    "gmmot_ew_dim1": (_sz, [EwP]),
    "gmmot_ew_nnz": (_sz, [EwP]),
    "gmmot_ew_copy_plan": (_i, [EwP, _buf, _sz]),
    "gmmot_ew_copy_sparse_plan": (_i, [EwP, _buf, _buf, _buf, _sz]),
    "gmmot_ew_copy_isometry": (_i, [EwP, _buf, _sz]),
    "gmmot_ew_copy_means": (_i, [EwP, _buf, _sz, _buf, _sz]),
    "gmmot_ew_info": (_i, [EwP, _u64P, _iP, _dP, _u64P, _u64P]),
    "gmmot_mew2_map_mean": (_i, [EwP, _sz, _buf, OptsP, _buf, _sz]),
    "gmmot_mew2_map_rand": (_i, [EwP, _sz, _buf, OptsP, _buf, _sz]),
    # texture.h
    "gmmot_texture_synthesize": (_i, [_buf, _sz, _sz, _sz, _sz, _sz, OptsP, _buf, _sz, _buf,
                                      _sz]),
    "gmmot_texture_adsn": (_i, [_buf, _sz, _sz, _sz, _sz, _sz, OptsP, _buf, _sz]),
    # colour.h
    "gmmot_colour_transfer": (_i, [_buf, _sz, _sz, _buf, _sz, _sz, OptsP, _buf, _sz, _buf, _sz]),
    "gmmot_colour_regularize": (_i, [_buf, _sz, _sz, _buf, OptsP, _buf, _sz, _szP]),
}


class LibraryNotFound(ImportError):
    """libgmmot could not be found or is not the expected version."""


def _candidates():
    env = os.environ.get("GMMOT_LIBRARY")
    if env:
        yield env
        return  # an explicit choice is never silently replaced by another library
    recorded = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_install_path.txt")
    try:
        with open(recorded, encoding="utf-8") as f:
            path = f.read().strip()
        if path:
            yield path
    except OSError:
        pass
    found = ctypes.util.find_library("gmmot")
    if found:
        yield found
    yield SONAME


def _load():
    errors = []
    for path in _candidates():
        try:
            lib = C.CDLL(path)
        except OSError as exc:
            errors.append("%s: %s" % (path, exc))
            continue
        try:
            version = lib.gmmot_version_number
        except AttributeError:
            errors.append("%s: not libgmmot (no gmmot_version_number)" % path)
            continue
        version.restype = C.c_int
        version.argtypes = []
        number = version()
        major, minor = number // 10000, number // 100 % 100
        if (major, minor) != (EXPECTED_MAJOR, EXPECTED_MINOR):
            errors.append("%s: version %d.%d, this package needs %d.%d.x"
                          % (path, major, minor, EXPECTED_MAJOR, EXPECTED_MINOR))
            continue
        return lib, path
    raise LibraryNotFound("libgmmot %d.%d not found (set GMMOT_LIBRARY to its path): %s"
                          % (EXPECTED_MAJOR, EXPECTED_MINOR, "; ".join(errors)))


def _declare(lib):
    for name, (restype, argtypes) in SIGNATURES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


lib, path = _load()
_declare(lib)
