# SPDX-License-Identifier: MIT
"""Records where libgmmot is at install time (gmmot/_install_path.txt), so that the installed
package finds it without GMMOT_LIBRARY: the path in GMMOT_LIBRARY when set during the install,
else <libdir>/libgmmot.so.0.5 from ``pkg-config --variable=libdir gmmot``. Nothing is compiled
and nothing is downloaded: ``pip install --no-build-isolation bindings/python`` works offline
with Debian's python3-setuptools."""
import os
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py

SONAME = "libgmmot.so.0.5"


def library_path():
    path = os.environ.get("GMMOT_LIBRARY")
    if path:
        return os.path.abspath(path)
    try:
        libdir = subprocess.run(["pkg-config", "--variable=libdir", "gmmot"], check=True,
                                capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    candidate = os.path.normpath(os.path.join(libdir, SONAME))
    return candidate if os.path.exists(candidate) else None


class BuildPyRecordingLibrary(build_py):
    def run(self):
        super().run()
        path = library_path()
        if path:
            target = os.path.join(self.build_lib, "gmmot", "_install_path.txt")
            with open(target, "w", encoding="utf-8") as f:
                f.write(path + "\n")


setup(cmdclass={"build_py": BuildPyRecordingLibrary})
