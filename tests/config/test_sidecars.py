"""The task's other containers."""

from __future__ import annotations

import pytest

from fargate_private_templates.config.sidecars import SidecarOptions
from fargate_private_templates.errors import ConfigError


def test_start_before_app_error_names_the_field() -> None:
    with pytest.raises(ConfigError) as caught:
        SidecarOptions(name="log-router", start_before_app="HEALTHY")
    assert str(caught.value) == (
        "start_before_app: 'HEALTHY' is not allowed; choose one of 'START', 'COMPLETE', 'SUCCESS'"
    )
