"""Generation-time reachability: every service reaches its image, logs and secrets, or the build is refused. The
matrix of NAT mode x endpoint set x image source x secrets x ECS Exec: every combination either renders, lints
clean and passes the checker, or is refused with a ConfigError that says what is missing; the checker reaches the
same verdict as the generator on every pair."""

from __future__ import annotations

import dataclasses
import functools
import itertools

import pytest
from conftest import ENDPOINTS_ONLY, lint_findings
from conftest import OTEL_IMAGE as OTEL

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.config.image import ImageOptions
from fargate_private_templates.config.network import NAT_MODES, NetworkConfig
from fargate_private_templates.config.reachability import check_reachability
from fargate_private_templates.config.service import ContainerOptions, ServiceConfig
from fargate_private_templates.config.sidecars import SidecarOptions
from fargate_private_templates.errors import ConfigError
from fargate_private_templates.layers.network import build_network
from fargate_private_templates.layers.service import build_service
from fargate_private_templates.render import ordered_dict, render_yaml
from fargate_private_templates.stacks import build_stacks

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbC123"

PARAMETER = "arn:aws:ssm:us-east-1:123456789012:parameter/app/flags"


def test_ecr_on_an_endpoints_only_network_goes_through_the_endpoints() -> None:
    (result,) = check_reachability(ENDPOINTS_ONLY, [ServiceConfig(container=ContainerOptions(secrets={"DB": SECRET}))])
    assert result.describe() == (
        "app: image (ecr) via VPC endpoints (s3, ecr.api, ecr.dkr); secrets (Secrets Manager) via VPC endpoints "
        "(secretsmanager); logs (CloudWatch Logs) via VPC endpoints (logs)"
    )


def test_nat_carries_what_no_endpoint_serves_and_endpoints_win_where_they_exist() -> None:
    network = NetworkConfig(endpoints="ecr")
    (result,) = check_reachability(
        network,
        [
            ServiceConfig(
                container=ContainerOptions(secrets={"DB": SECRET}, readonly_root_filesystem=False), enable_exec=True
            )
        ],
    )
    assert [(r.what, r.via) for r in result.routes] == [
        ("image (ecr)", "VPC endpoints (s3, ecr.api, ecr.dkr)"),
        ("secrets (Secrets Manager)", "NAT gateway"),
        ("logs (CloudWatch Logs)", "VPC endpoints (logs)"),
        ("ECS Exec (SSM messages)", "NAT gateway"),
    ]


@pytest.mark.parametrize(
    ("network", "service", "mentions"),
    [
        (ENDPOINTS_ONLY, ServiceConfig(image=ImageOptions(source="third_party")), "image (third-party registry)"),
        (NetworkConfig(nat_mode="none"), ServiceConfig(), "image (ecr)"),
        (NetworkConfig(nat_mode="none", endpoints=["ecr.api", "ecr.dkr", "logs"]), ServiceConfig(), "add endpoints s3"),
        (NetworkConfig(nat_mode="none", endpoints=["s3", "ecr.api", "ecr.dkr"]), ServiceConfig(), "logs (CloudWatch"),
        (
            NetworkConfig(nat_mode="none", endpoints="ecr"),
            ServiceConfig(container=ContainerOptions(secrets={"DB": SECRET})),
            "secretsmanager",
        ),
        (ENDPOINTS_ONLY, ServiceConfig(container=ContainerOptions(secrets={"FLAGS": PARAMETER})), "add endpoints ssm"),
        (
            ENDPOINTS_ONLY,
            ServiceConfig(container=ContainerOptions(readonly_root_filesystem=False), enable_exec=True),
            "add endpoints ssmmessages",
        ),
        (
            NetworkConfig(nat_mode="none", endpoints=["ecr.api", "ecr.dkr", "logs"]),
            ServiceConfig(
                image=ImageOptions(source="pull_through_cache", repository="library/nginx", cache_prewarmed=True)
            ),
            "image (pull_through_cache)",
        ),
        (
            ENDPOINTS_ONLY,
            ServiceConfig(image=ImageOptions(source="pull_through_cache", repository="library/nginx")),
            "first pull through the pull-through cache",
        ),
    ],
)
def test_impossible_combinations_are_refused_with_the_fixes(
    network: NetworkConfig, service: ServiceConfig, mentions: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        check_reachability(network, [service])
    message = str(caught.value)
    assert message.startswith("nat_mode, endpoints: service 'app' cannot reach its ")
    assert mentions in message and "set nat_mode to per_az, single or regional" in message


def test_third_party_refusal_offers_the_pull_through_cache() -> None:
    with pytest.raises(ConfigError, match="use image.source 'pull_through_cache'"):
        build_stacks(ENDPOINTS_ONLY, [ServiceConfig(image=ImageOptions(source="third_party"))])


def test_a_prewarmed_cache_needs_no_nat_and_a_cold_one_says_how_to_warm_it() -> None:
    cold = ServiceConfig(image=ImageOptions(source="pull_through_cache", repository="library/nginx"))
    with pytest.raises(ConfigError, match="set image.cache_prewarmed = true"):
        check_reachability(ENDPOINTS_ONLY, [cold])
    warm = ServiceConfig(
        image=ImageOptions(source="pull_through_cache", repository="library/nginx", cache_prewarmed=True)
    )
    (result,) = check_reachability(ENDPOINTS_ONLY, [warm])
    assert result.routes[0].via == "VPC endpoints (s3, ecr.api, ecr.dkr)"
    (with_nat,) = check_reachability(NetworkConfig(endpoints="ecr"), [cold])
    assert [(r.what, r.via) for r in with_nat.routes][:2] == [
        ("image (pull_through_cache)", "VPC endpoints (s3, ecr.api, ecr.dkr)"),
        ("first pull through the pull-through cache (ECR imports the image from upstream)", "NAT gateway"),
    ]


def test_ecr_image_refused_without_endpoints_does_not_suggest_the_pull_through_cache() -> None:
    with pytest.raises(ConfigError) as caught:
        check_reachability(NetworkConfig(nat_mode="none"), [ServiceConfig()])
    message = str(caught.value)
    assert message == (
        "nat_mode, endpoints: service 'app' cannot reach its image (ecr), logs (CloudWatch Logs): nat_mode is 'none' "
        "and endpoints are [none]; fix: set nat_mode to per_az, single or regional; or add endpoints s3, ecr.api, "
        'ecr.dkr, logs (the preset endpoints = "ecr" holds s3, ecr.api, ecr.dkr, logs)'
    )
    assert "pull_through_cache" not in message


def test_third_party_image_refused_suggests_the_pull_through_cache() -> None:
    with pytest.raises(ConfigError) as caught:
        check_reachability(
            NetworkConfig(nat_mode="none", endpoints="ecr"), [ServiceConfig(image=ImageOptions(source="third_party"))]
        )
    assert str(caught.value).endswith(
        "fix: set nat_mode to per_az, single or regional; or use image.source 'pull_through_cache' (an ECR "
        "pull-through cache) with endpoints s3, ecr.api, ecr.dkr"
    )


def test_logs_refused_on_a_third_party_service_do_not_suggest_the_pull_through_cache() -> None:
    network = NetworkConfig(nat_mode="none", endpoints=("s3", "ecr.api", "ecr.dkr"))
    service = ServiceConfig(
        image=ImageOptions(source="pull_through_cache", repository="library/nginx", cache_prewarmed=True)
    )
    with pytest.raises(ConfigError) as caught:
        check_reachability(network, [service])
    assert "cannot reach its logs (CloudWatch Logs)" in str(caught.value)
    assert str(caught.value).endswith(
        '; or add endpoints logs (the preset endpoints = "ecr" holds s3, ecr.api, ecr.dkr, logs)'
    )


def test_reachability_names_every_need_and_the_empty_endpoint_list() -> None:
    credentials = "arn:aws:secretsmanager:us-east-1:123456789012:secret:hub-AbC123"
    service = ServiceConfig(
        image=ImageOptions(source="third_party", credentials_secret_arn=credentials),
        container=ContainerOptions(secrets={"FLAGS": "arn:aws:ssm:us-east-1:123456789012:parameter/app/flags"}),
    )
    (result,) = check_reachability(NetworkConfig(), [service])
    assert [r.what for r in result.routes] == [
        "image (third-party registry)",
        "registry credentials (Secrets Manager)",
        "secrets (SSM Parameter Store)",
        "logs (CloudWatch Logs)",
    ]
    with pytest.raises(ConfigError, match=r"nat_mode is 'none' and endpoints are \[none\]; fix"):
        check_reachability(NetworkConfig(nat_mode="none"), [ServiceConfig()])
    with pytest.raises(ConfigError, match=r"endpoints are \[logs\]; fix"):
        check_reachability(NetworkConfig(nat_mode="none", endpoints=["logs"]), [ServiceConfig()])


def test_registry_credentials_go_through_the_secrets_manager_endpoint() -> None:
    credentials = "arn:aws:secretsmanager:us-east-1:123456789012:secret:hub-AbC123"
    service = ServiceConfig(image=ImageOptions(source="third_party", credentials_secret_arn=credentials))
    (result,) = check_reachability(NetworkConfig(endpoints=["secretsmanager", "logs"]), [service])
    assert [(r.what, r.via) for r in result.routes][:2] == [
        ("image (third-party registry)", "NAT gateway"),
        ("registry credentials (Secrets Manager)", "VPC endpoints (secretsmanager)"),
    ]


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


def test_sidecar_images_are_checked_for_reachability() -> None:
    network = NetworkConfig(nat_mode="none", endpoints=("s3", "ecr.api", "ecr.dkr", "logs"))
    reachable = ServiceConfig(sidecars=(SidecarOptions(name="otel", image=OTEL),))
    (result,) = check_reachability(network, [reachable])
    assert "otel: image (pull_through_cache) via VPC endpoints" in result.describe()
    unreachable = ServiceConfig(sidecars=(SidecarOptions(name="proxy", image=ImageOptions(source="third_party")),))
    with pytest.raises(ConfigError, match=r"cannot reach its sidecar proxy: image \(third-party registry\)"):
        check_reachability(network, [unreachable])


def test_unreachable_image_lists_the_endpoints_in_place() -> None:
    network = NetworkConfig(nat_mode="none", endpoints=["logs", "s3"])
    with pytest.raises(ConfigError) as caught:
        check_reachability(network, [ServiceConfig(name="web")])
    assert "nat_mode is 'none' and endpoints are [s3, logs]; fix:" in str(caught.value)


def test_every_service_and_every_missing_endpoint_is_named_at_once() -> None:
    secret = ServiceConfig(name="api", container=ContainerOptions(secrets={"DB": SECRET, "FLAGS": PARAMETER}))
    with pytest.raises(ConfigError) as caught:
        check_reachability(NetworkConfig(nat_mode="none", endpoints=["logs"]), [ServiceConfig(name="web"), secret])
    assert str(caught.value) == (
        "nat_mode, endpoints: service 'web' cannot reach its image (ecr); service 'api' cannot reach its image (ecr), "
        "secrets (Secrets Manager), secrets (SSM Parameter Store): nat_mode is 'none' and endpoints are [logs]; fix: "
        "set nat_mode to per_az, single or regional; or add endpoints s3, ecr.api, ecr.dkr, secretsmanager, ssm "
        '(endpoints = ["s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"])'
    )


def test_endpoints_and_an_image_change_together_make_the_fix_without_nat() -> None:
    cold = ImageOptions(source="pull_through_cache", repository="library/nginx")
    third_party = ServiceConfig(name="proxy", image=ImageOptions(source="third_party"))
    with pytest.raises(ConfigError) as caught:
        check_reachability(NetworkConfig(nat_mode="none"), [ServiceConfig(image=cold), third_party])
    assert str(caught.value).endswith(
        "fix: set nat_mode to per_az, single or regional; or add endpoints s3, ecr.api, ecr.dkr, logs (the preset "
        'endpoints = "ecr" holds s3, ecr.api, ecr.dkr, logs) and pull each image tag once through the cache from a '
        "machine with internet access (for example CI: docker pull <account>.dkr.ecr.<region>.amazonaws.com/<prefix>/"
        "<repository>:<tag>) and set image.cache_prewarmed = true and use image.source 'pull_through_cache' (an ECR "
        "pull-through cache) with endpoints s3, ecr.api, ecr.dkr"
    )


def test_a_preset_is_offered_only_when_it_holds_the_endpoints_already_there() -> None:
    network = NetworkConfig(nat_mode="none", endpoints=["s3", "ecr.api", "ecr.dkr", "sts"])
    with pytest.raises(ConfigError) as caught:
        check_reachability(network, [ServiceConfig()])
    assert str(caught.value).endswith('or add endpoints logs (endpoints = ["s3", "ecr.api", "ecr.dkr", "logs", "sts"])')
