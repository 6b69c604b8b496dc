"""The service layer: every variant lints clean."""

from __future__ import annotations

import pytest
from conftest import SERVICE_VARIANTS as VARIANTS
from conftest import lint_findings

from fargate_private_templates.layers.service import build_service
from fargate_private_templates.render import render_yaml


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_lints_clean(variant: str) -> None:
    assert lint_findings(render_yaml(build_service(VARIANTS[variant]))) == []
