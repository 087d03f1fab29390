# SPDX-License-Identifier: MIT
"""Every GMMOT_API function of include/gmmot/*.h is declared (argtypes and restype) with
types matching its C prototype; loading checks the version."""
import ctypes as C
import ctypes.util
import glob
import os
import re
import subprocess
import sys

import pytest

from conftest import PACKAGE_ROOT, REPO_ROOT
from gmmot import _lib

HEADERS = sorted(glob.glob(os.path.join(REPO_ROOT, "include", "gmmot", "*.h")))
PROTO = re.compile(r"GMMOT_API\s+([^;]*?)\b(gmmot_\w+)\s*\(([^)]*)\)\s*GMMOT_NOEXCEPT", re.S)


def prototypes():
    out = {}
    for path in HEADERS:
        with open(path, encoding="utf-8") as f:
            text = re.sub(r"/\*.*?\*/", " ", f.read(), flags=re.S)
        for ret, name, params in PROTO.findall(text):
            params = [" ".join(p.split()) for p in params.split(",")]
            out[name] = (" ".join(ret.split()), [] if params == ["void"] else params)
    return out


SCALARS = {"int": C.c_int, "size_t": C.c_size_t, "double": C.c_double, "int64_t": C.c_int64,
           "uint64_t": C.c_uint64, "char": C.c_char, "unsigned char": C.c_ubyte, "void": None}
#: the opaque handle types of the headers and their ctypes Structure in gmmot/_lib.py
HANDLES = {"gmmot_gmm_t": _lib.Gmm, "gmmot_options_t": _lib.Options,
           "gmmot_interrupt_t": _lib.Interrupt, "gmmot_em_t": _lib.Em,
           "gmmot_transport_t": _lib.Transport, "gmmot_mw2_t": _lib.Mw2,
           "gmmot_mw2_barycenter_t": _lib.MixtureBarycenter, "gmmot_relaxed_t": _lib.Relaxed,
           "gmmot_gw_t": _lib.Gw, "gmmot_ew_t": _lib.Ew}


def _pointee(ct):
    """(depth, element type) of a ctypes pointer type: POINTER(POINTER(c_double)) -> (2,
    c_double)."""
    depth = 0
    while isinstance(getattr(ct, "_type_", None), type):
        ct, depth = ct._type_, depth + 1
    return depth, ct


def expected_ctype(c_type):
    """A predicate on the ctypes type declared for a C parameter or return type: for pointers,
    also the depth and the element type (a double* declared as size_t* fails), c_void_p being
    accepted for the arrays (numpy buffers) and c_char_p for strings."""
    t = c_type.replace("const ", "").strip()
    if t.startswith("gmmot_progress_fn"):
        return lambda ct: ct is _lib.ProgressFn
    stars = t.count("*")
    # the type without the parameter name: "unsigned char *out" -> "unsigned char"
    base = " ".join(t.split("*")[0].split()) if stars else t.split()[0]
    if not stars:
        want = SCALARS[base]
        return lambda ct: ct is want
    element = HANDLES.get(base, SCALARS.get(base))

    def ok(ct):
        if ct is C.c_void_p:  # an array (or void*) passed as a numpy buffer's address
            return (stars == 1 and base in SCALARS) or (stars == 2 and base in HANDLES)
        if ct is C.c_char_p:
            return stars == 1 and base == "char"
        if _pointee(ct) == (1, C.c_void_p):  # an array of numpy buffers' addresses
            return stars == 2 and base in SCALARS
        return _pointee(ct) == (stars, element)
    return ok


def test_headers_found():
    assert len(HEADERS) >= 14
    assert len(prototypes()) >= 100


def test_every_public_function_is_declared_with_matching_types():
    protos = prototypes()
    missing = sorted(set(protos) - set(_lib.SIGNATURES))
    assert not missing, "not declared in gmmot/_lib.py: %s" % missing
    extra = sorted(set(_lib.SIGNATURES) - set(protos))
    assert not extra, "declared but not in the headers: %s" % extra
    for name, (ret, params) in protos.items():
        fn = getattr(_lib.lib, name)
        assert fn.argtypes is not None, name
        assert len(fn.argtypes) == len(params), (name, fn.argtypes, params)
        ret_ok = expected_ctype(ret + (" *" if ret.endswith("char") else ""))
        assert ret_ok(fn.restype), (name, ret, fn.restype)
        for i, (param, ct) in enumerate(zip(params, fn.argtypes)):
            assert expected_ctype(param)(ct), (name, i, param, ct)


def test_exported_symbols_list_matches_headers():
    path = os.path.join(REPO_ROOT, "tests", "abi", "exported_symbols.txt")
    with open(path, encoding="utf-8") as f:
        exported = {line.strip() for line in f if line.strip()}
    assert exported == set(prototypes())


def test_version():
    import gmmot
    n = _lib.lib.gmmot_version_number()
    assert (n // 10000, n // 100 % 100) == (_lib.EXPECTED_MAJOR, _lib.EXPECTED_MINOR)
    assert gmmot.library_version().startswith("%d.%d." % (_lib.EXPECTED_MAJOR,
                                                          _lib.EXPECTED_MINOR))
    assert gmmot.__version__.split(".")[:2] == gmmot.library_version().split(".")[:2]
    assert "gmmot" in gmmot.build_info().lower()


def test_bad_library_path_is_a_clear_import_error():
    env = dict(os.environ, GMMOT_LIBRARY="/nonexistent/libgmmot.so.0.5",
               PYTHONPATH=PACKAGE_ROOT)
    proc = subprocess.run([sys.executable, "-c", "import gmmot"], env=env,
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert "LibraryNotFound" in proc.stderr and "GMMOT_LIBRARY" in proc.stderr


def test_a_library_that_is_not_libgmmot_is_refused():
    libm = ctypes.util.find_library("m")
    if libm is None:
        pytest.skip("no libm to stand in for a wrong library")
    env = dict(os.environ, GMMOT_LIBRARY=libm, PYTHONPATH=PACKAGE_ROOT)
    proc = subprocess.run([sys.executable, "-c", "import gmmot"], env=env,
                          capture_output=True, text=True)
    assert proc.returncode != 0 and "LibraryNotFound" in proc.stderr


def test_every_public_function_is_used_by_the_pythonic_api():
    """Each C function is reached through a documented object or function, not only through
    the raw ctypes layer."""
    import ast
    used = set()  # names in code (attributes such as lib.gmmot_x), not in docstrings
    for name in sorted(os.listdir(os.path.join(PACKAGE_ROOT, "gmmot"))):
        if name.endswith(".py") and name != "_lib.py":
            with open(os.path.join(PACKAGE_ROOT, "gmmot", name), encoding="utf-8") as f:
                tree = ast.parse(f.read())
            used |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
            # the destroy functions named by Owned subclasses (_destroy = "gmmot_..._destroy")
            used |= {n.value.value for n in ast.walk(tree)
                     if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
                     and any(isinstance(t, ast.Name) and t.id == "_destroy" for t in n.targets)}
    unused = [n for n in prototypes() if n not in used]
    # gmmot_version_number is called by the loader in _lib.py itself;
    # gmmot_mw2_create_from_points: MW2Plan.from_points runs its documented equivalent (two
    # EM fits, then gmmot_mw2_create) to keep the fits; test_mw2 compares it with the C call
    assert unused == ["gmmot_mw2_create_from_points", "gmmot_version_number"], unused


def _enumerators(header, prefix):
    with open(os.path.join(REPO_ROOT, "include", "gmmot", header), encoding="utf-8") as f:
        found = re.findall(r"^\s*%s([A-Z0-9_]+)\s*=\s*(-?\d+)" % prefix, f.read(), re.M)
    assert found, "no %s enumerators in %s" % (prefix, header)
    return {name: int(value) for name, value in found}


def test_every_option_and_stage_of_the_headers_has_its_python_name():
    from gmmot.options import OPTION_KEYS, Stage
    options = _enumerators("options.h", "GMMOT_OPT_")
    assert {k.upper(): code for k, (code, _) in OPTION_KEYS.items()} == options
    stages = _enumerators("progress.h", "GMMOT_STAGE_")
    assert {s.name: int(s) for s in Stage} == stages
