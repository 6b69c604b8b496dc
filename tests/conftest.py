"""Shared helpers: templates as dicts (long-form intrinsics), linting in-process."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from cfnlint.api import ManualArgs, lint

from fargate_private_templates.catalogue import CATALOGUE, render_catalogue
from fargate_private_templates.regions.features import deployable_regions
from fargate_private_templates.regions.partitions import LINT_REGIONS
from fargate_private_templates.render import ordered_dict
from fargate_private_templates.render.loader import parse_template

if TYPE_CHECKING:
    import boto3

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


@functools.cache
def catalogue_yaml() -> dict[str, str]:
    return render_catalogue()


@functools.cache
def catalogue_dict(filename: str) -> dict:
    entry = next(e for e in CATALOGUE if e.filename == filename)
    return ordered_dict(entry.build())


def lint_findings(text: str) -> list[str]:
    """cfn-lint findings for every Region of LINT_REGIONS where the availability table lets the template deploy:
    one call, all Regions (a Region per call would multiply the time)."""
    return list(_lint_findings(text))


@functools.cache
def _lint_findings(text: str) -> tuple[str, ...]:
    # Several tests lint the same rendered text (a catalogue template is also an example's part): lint it once.
    regions = list(deployable_regions(parse_template(text), LINT_REGIONS))
    matches = lint(text, config=ManualArgs(include_checks=["I"], regions=regions))
    return tuple(f"{m.rule.id} {m.message} (line {m.linenumber})" for m in matches)


def resources_of_type(template: dict, resource_type: str) -> dict[str, dict]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == resource_type}


def ref(value: object) -> str | None:
    return value.get("Ref") if isinstance(value, dict) else None


@pytest.fixture(params=[e.filename for e in CATALOGUE])
def catalogue_file(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def aws() -> Iterator[boto3.Session]:
    """One in-process emulated account (moto, with the shims of tests/emulated_aws.py) for a test module."""
    from emulated_aws import emulated_account

    with emulated_account() as session:
        yield session


@pytest.fixture(scope="module")
def certificate_arn(aws: boto3.Session) -> str:
    # moto's HTTPS listener refuses an unknown certificate, as AWS does: request one in the emulated ACM.
    return aws.client("acm").request_certificate(DomainName="app.example.com")["CertificateArn"]
