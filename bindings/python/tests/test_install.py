# SPDX-License-Identifier: MIT
"""``pip install --no-build-isolation`` works offline and records the library's path."""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import PACKAGE_ROOT
from gmmot import _lib


def test_offline_pip_install_records_the_library(tmp_path):
    pytest.importorskip("pip")
    pytest.importorskip("setuptools")
    src = tmp_path / "src"  # a copy: the build must not write into the source tree
    shutil.copytree(PACKAGE_ROOT, src, ignore=shutil.ignore_patterns(
        "tests", "__pycache__", "*.egg-info", "build", "_install_path.txt"))
    target = tmp_path / "site"
    env = dict(os.environ, GMMOT_LIBRARY=os.path.abspath(_lib.path), PIP_NO_INDEX="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-build-isolation",
                           "--no-deps", "--no-index", "--target", str(target), str(src)],
                          env=env, capture_output=True, text=True, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    recorded = (target / "gmmot" / "_install_path.txt").read_text().strip()
    assert recorded == os.path.abspath(_lib.path)
    env = {k: v for k, v in os.environ.items() if k not in ("GMMOT_LIBRARY", "PYTHONPATH")}
    env["PYTHONPATH"] = str(target)
    proc = subprocess.run([sys.executable, "-c",
                           "import gmmot; print(gmmot._lib.path); print(gmmot.__file__)"],
                          env=env, capture_output=True, text=True, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    path, module = proc.stdout.split()
    assert path == recorded and module.startswith(str(target))
