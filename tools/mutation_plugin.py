"""pytest plugin for `make mutation`.

While mutmut maps tests to functions, no test may reuse another's results. The tests cache rendered templates
(functools.cache in tests/conftest.py). While mutmut records which functions each test calls
(MUTANT_UNDER_TEST=stats), a test served from that cache calls nothing, so mutmut would link it to too few functions
and run too few tests against their mutants. Every cache in the test modules is cleared before each test during that
pass only.

While a mutant is under test, its module's own tests run first (tests/ mirrors src/), then the rest of that test
folder, then the other tests mutmut linked to it. mutmut runs pytest with -x, so the first failing test ends the run:
a mutant its own tests kill costs their seconds instead of every emulated-account and CLI test that happens to call
the function and sorts first. Only the order changes; the verdict (killed if any linked test fails) does not.
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


def _own_tests_first(mutant: str, rootpath: Path) -> object:
    """Sort key: 0 for the mutated module's test file, 1 for its test folder, 2 for the rest."""
    module = mutant.split(".", 1)[1].rpartition(".")[0].split(".")  # ["checks", "route_tables"]
    folder = rootpath.joinpath("tests", *module[:-1])
    own = folder / f"test_{module[-1]}.py"

    def rank(item: pytest.Item) -> int:
        path = Path(str(item.path))
        return 0 if path == own else 1 if path.parent == folder else 2

    return rank


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if "__mutmut_" in mutant:
        items.sort(key=_own_tests_first(mutant, Path(str(config.rootpath)).resolve()))
