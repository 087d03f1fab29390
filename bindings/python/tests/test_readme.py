# SPDX-License-Identifier: MIT
"""The README's example runs as written."""
import os
import re

import pytest

from conftest import PACKAGE_ROOT


def test_readme_example_runs():
    pytest.importorskip("sklearn")
    with open(os.path.join(PACKAGE_ROOT, "README.md"), encoding="utf-8") as f:
        block = re.search(r"```python\n(.*?)```", f.read(), re.S).group(1)
    scope = {}
    exec(compile(block, "README.md", "exec"), scope)  # noqa: S102 - our own documentation
    assert scope["moved"].shape == (2000, 2)
    assert scope["bary"].dim == 2 and scope["fit"].fit_info["converged"]
    assert scope["sk_model"].predict(scope["x0"][:5]).shape == (5,)
