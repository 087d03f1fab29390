# SPDX-License-Identifier: MIT
"""``pip install --no-build-isolation`` works offline and records the library's path."""
import importlib.util
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import PACKAGE_ROOT
from gmmot import _lib


def documented_command(target, src):
    """The install command of the README, as argv."""
    with open(os.path.join(PACKAGE_ROOT, "README.md"), encoding="utf-8") as f:
        line = re.search(r"^ {4}(pip install .*)$", f.read(), re.M).group(1)
    argv = line.split()
    assert argv[-1] == "bindings/python" and "DIR" in argv, line
    return [target if a == "DIR" else src if a == "bindings/python" else a for a in argv]


def test_offline_pip_install_records_the_library(tmp_path):
    pytest.importorskip("pip")
    if importlib.util.find_spec("setuptools") is None:  # not imported here: its distutils
        pytest.skip("setuptools is not installed")  # hack may clash with this process's
    src = tmp_path / "src"  # a copy: the build must not write into the source tree
    shutil.copytree(PACKAGE_ROOT, src, ignore=shutil.ignore_patterns(
        "tests", "__pycache__", "*.egg-info", "build", "_install_path.txt"))
    target = tmp_path / "site"
    # exactly the README's command (only DIR and the source path substituted); no PIP_*
    # variables that would make it work where the documented command alone would not
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(GMMOT_LIBRARY=os.path.abspath(_lib.path), PIP_DISABLE_PIP_VERSION_CHECK="1")
    proc = subprocess.run([sys.executable, "-m"] + documented_command(str(target), str(src)),
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
