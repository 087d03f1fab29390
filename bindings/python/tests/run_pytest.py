#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Run the gmmot package's pytest suite; exit 77 (CTest skip) when numpy or pytest is missing.

Usage: GMMOT_LIBRARY=/path/libgmmot.so.0.5 PYTHONPATH=bindings/python \
       /usr/bin/python3 bindings/python/tests/run_pytest.py [pytest args]
"""
import os
import sys



def main():
    try:
        import numpy  # noqa: F401
        import pytest
    except ImportError as exc:
        print("skipping the gmmot Python package tests: %s" % exc)
        return 77
    here = os.path.dirname(os.path.abspath(__file__))
    return pytest.main(["-q", "-p", "no:cacheprovider", here] + sys.argv[1:])


if __name__ == "__main__":  # spawned worker processes import this file as their main module
    sys.exit(main())
