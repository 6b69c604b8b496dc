"""A network and its services built together: the examples render byte for byte as their golden files (the
catalogue's own goldens are templates/), and each service stack is refused when its tasks could not start.

Regenerate the golden files after an intended change with
``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_stacks.py`` and review the diff like any other change.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import ENDPOINTS_ONLY, ROOT
from conftest import EXAMPLE_CONFIGS as CONFIGS
from conftest import literals as _literals

from fargate_private_templates.config.file import read_config
from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.errors import ConfigError
from fargate_private_templates.render import render_yaml
from fargate_private_templates.stacks import build_stacks, load_config

GOLDEN = ROOT / "tests" / "golden" / "examples"

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _compare(path: Path, text: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run with UPDATE_GOLDEN=1"
    assert path.read_text(encoding="utf-8") == text, f"{path.relative_to(ROOT)} differs from the rendered example"


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
def test_example_config_renders_as_its_golden_files(config: Path) -> None:
    rendered = {name: render_yaml(template) for name, template in load_config(config).items()}
    folder = GOLDEN / config.stem
    if UPDATE:
        for stale in folder.glob("*.yaml"):
            if stale.name not in rendered:
                stale.unlink()
    for name, text in rendered.items():
        _compare(folder / name, text)
    assert sorted(rendered) == sorted(p.name for p in folder.glob("*.yaml"))


def test_scheduled_task_example_renders_as_its_golden_file() -> None:
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import scheduled_task
    finally:
        sys.path.remove(str(ROOT / "examples"))
    _compare(GOLDEN / "scheduled-task.yaml", render_yaml(scheduled_task.build_scheduled_task()))


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
def test_example_renders_hold_only_the_literals_their_config_names(config: Path) -> None:
    given = _literals(config.read_text(encoding="utf-8"))
    for name, template in load_config(config).items():
        assert _literals(render_yaml(template)) <= given, name


def test_build_stacks_returns_a_network_and_each_service() -> None:
    services = [ServiceConfig(name="web"), ServiceConfig(name="api", load_balancer=LoadBalancerOptions(kind="nlb"))]
    stacks = build_stacks(ENDPOINTS_ONLY, services)
    assert list(stacks) == ["network.yaml", "service-web.yaml", "service-api.yaml"]
    with pytest.raises(ConfigError, match="^name: 'web' is used by two services"):
        build_stacks(ENDPOINTS_ONLY, [ServiceConfig(name="web"), ServiceConfig(name="web")])


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
def test_no_example_names_a_secret_by_an_arn_of_one_account_and_region(config: Path) -> None:
    """Examples are linted for China and GovCloud: a literal ARN would deploy in one account and Region only."""
    for service in read_config(config).services:
        for container in (service.container, *service.sidecars):
            assert not [v for _, v in container.secrets if v.startswith("arn:")], f"{config.name}: {container.name}"
