"""pytest plugin for `make mutation`: while mutmut maps tests to functions, no test may reuse another's results.

The tests cache rendered templates (functools.cache in tests/conftest.py). While mutmut records which functions
each test calls (MUTANT_UNDER_TEST=stats), a test served from that cache calls nothing, so mutmut would link it to
too few functions and run too few tests against their mutants. Every cache in the test modules is cleared before
each test during that pass only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest


def _caches_of_test_modules(tests_dir: Path) -> list:
    caches = []
    for module in list(sys.modules.values()):
        location = getattr(module, "__file__", None)
        if location and Path(location).resolve().is_relative_to(tests_dir):
            caches += [f for f in vars(module).values() if callable(getattr(f, "cache_clear", None))]
    return caches


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if os.environ.get("MUTANT_UNDER_TEST") == "stats":
        for cache in _caches_of_test_modules(Path(str(item.config.rootpath)).resolve() / "tests"):
            cache.cache_clear()
