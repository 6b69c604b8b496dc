"""NAT mode x endpoint set x image source x secrets x ECS Exec: every combination either renders, lints clean and
passes the checker, or is refused with a ConfigError that says what is missing. None renders a stack whose tasks
could not start, and the checker reaches the same verdict as the generator on every pair: it fails exactly the
refused ones."""

from __future__ import annotations

import dataclasses
import functools
import itertools

import pytest
from conftest import lint_findings

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.config.image import ImageOptions
from fargate_private_templates.config.network import NAT_MODES, NetworkConfig
from fargate_private_templates.config.service import ContainerOptions, ServiceConfig
from fargate_private_templates.errors import ConfigError
from fargate_private_templates.layers.network import build_network
from fargate_private_templates.layers.service import build_service
from fargate_private_templates.render import ordered_dict, render_yaml
from fargate_private_templates.stacks import build_stacks

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbC123"
PARAMETER = "arn:aws:ssm:us-east-1:123456789012:parameter/app/flags"
CREDENTIALS = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ghcr-XyZ987"

ENDPOINT_SETS = {
    "none": (),
    "ecr": "ecr",
    "all": ("s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "ssmmessages", "sts"),
}
IMAGES = {
    "ecr": ImageOptions(),
    "ecr_cross_account": ImageOptions(source="ecr_cross_account", registry_account_id="210987654321"),
    "third_party": ImageOptions(
        source="third_party", uri="ghcr.io/example/app:1.0.0", credentials_secret_arn=CREDENTIALS
    ),
    "pull_through_cache": ImageOptions(source="pull_through_cache", repository="library/nginx"),
}
SECRETS = {"no-secrets": ContainerOptions(), "secrets": ContainerOptions(secrets={"DB": SECRET, "FLAGS": PARAMETER})}
EXEC = {"no-exec": False, "exec": True}


@functools.cache
def network_config(nat_mode: str, endpoints: str) -> NetworkConfig:
    return NetworkConfig(nat_mode=nat_mode, endpoints=ENDPOINT_SETS[endpoints])


@functools.cache
def service_config(image: str, secrets: str, exec_: str) -> ServiceConfig:
    # ECS Exec needs a writable root filesystem.
    container = dataclasses.replace(SECRETS[secrets], readonly_root_filesystem=not EXEC[exec_])
    return ServiceConfig(image=IMAGES[image], container=container, enable_exec=EXEC[exec_])


@functools.cache
def network_dict(nat_mode: str, endpoints: str) -> dict:
    return ordered_dict(build_network(network_config(nat_mode, endpoints)))


@functools.cache
def service_dict(image: str, secrets: str, exec_: str) -> dict:
    return ordered_dict(build_service(service_config(image, secrets, exec_)))


# Linting takes about a second a template: lint each NAT mode and each image source once, in the variant with the
# most resources (every endpoint; secrets and ECS Exec on). The other cells differ only in what these contain.
@pytest.mark.parametrize("nat_mode", NAT_MODES)
def test_each_nat_mode_with_every_endpoint_lints_clean(nat_mode: str) -> None:
    assert lint_findings(render_yaml(build_network(network_config(nat_mode, "all")))) == []


@pytest.mark.parametrize("image", IMAGES)
def test_each_image_source_with_secrets_and_exec_lints_clean(image: str) -> None:
    assert lint_findings(render_yaml(build_service(service_config(image, "secrets", "exec")))) == []


def _combinations() -> list[tuple[str, str, str, str, str]]:
    return list(itertools.product(NAT_MODES, ENDPOINT_SETS, IMAGES, SECRETS, EXEC))


@pytest.mark.parametrize(("nat_mode", "endpoints", "image", "secrets", "exec_"), _combinations())
def test_each_combination_renders_and_passes_or_is_refused(
    nat_mode: str, endpoints: str, image: str, secrets: str, exec_: str
) -> None:
    network, service = network_config(nat_mode, endpoints), service_config(image, secrets, exec_)
    templates = {"network.yaml": network_dict(nat_mode, endpoints), "service.yaml": service_dict(image, secrets, exec_)}
    report = check_dicts(templates)
    try:
        build_stacks(network, [service])
    except ConfigError as refused:
        assert not network.has_nat, "with NAT every need has a path"
        assert "cannot reach its" in str(refused) and "fix: " in str(refused)
        if "cannot reach its image" in str(refused):
            assert {f.rule_id for f in report.findings} & {"E9003", "E9008"}, report.format_text()
        else:
            assert "E9014" in {f.rule_id for f in report.errors}, report.format_text()
        assert report.exit_code == 1, report.format_text()
        return
    assert report.findings == [], report.format_text()
    assert report.exit_code == 0 and len(report.paths) == network.az_count


def test_the_matrix_has_both_outcomes() -> None:
    outcomes = {True: 0, False: 0}
    for nat_mode, endpoints, image, secrets, exec_ in _combinations():
        try:
            build_stacks(network_config(nat_mode, endpoints), [service_config(image, secrets, exec_)])
            outcomes[True] += 1
        except ConfigError:
            outcomes[False] += 1
    assert outcomes[True] >= 100 and outcomes[False] >= 20, outcomes
