"""A network and its services built together: the examples render byte for byte as their golden files (the
catalogue's own goldens are templates/), and each service stack is refused when its tasks could not start.

Regenerate the golden files after an intended change with
``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_stacks.py`` and review the diff like any other change.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

import pytest
from conftest import ENDPOINTS_ONLY, ROOT, resources_of_type
from conftest import EXAMPLE_CONFIGS as CONFIGS
from conftest import literals as _literals
from troposphere import Template

from fargate_private_templates.config.file import Deployment, read_config
from fargate_private_templates.config.front_door import FrontDoorConfig
from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.network import NetworkConfig
from fargate_private_templates.config.routing import RoutingOptions
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.contract import DEFAULT_FRONT_DOOR_STACK, DEFAULT_NETWORK_STACK
from fargate_private_templates.errors import ConfigError
from fargate_private_templates.render import ordered_dict, render_yaml
from fargate_private_templates.stacks import StackNames, build_config, build_stacks, load_config, stack_names

GOLDEN = ROOT / "tests" / "golden" / "examples"
LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"

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


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
def test_example_config_has_its_priority_lock_committed_beside_it(config: Path) -> None:
    built = build_config(config)
    lock = config.with_name(f"{config.stem}.lock.json")
    if built.lock is None:
        assert not lock.exists() and built.lock_path == lock
        return
    _compare(lock, built.lock.to_json())


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


def test_stack_names_are_the_deployment_name_and_the_stack_role() -> None:
    web, api = ServiceConfig(name="web"), ServiceConfig(name="api")
    names = stack_names(Deployment(ENDPOINTS_ONLY, (web, api), name="Shop-2"))
    assert names == StackNames(
        "Shop-2-network", "Shop-2-ingress", "Shop-2-registry", {"web": "Shop-2-web", "api": "Shop-2-api"}
    )
    assert list(names.services) == ["web", "api"] and hash(names) == hash(
        stack_names(Deployment(ENDPOINTS_ONLY, (web, api), name="Shop-2"))
    )


def test_the_default_stack_names_are_the_ones_templates_built_alone_expect() -> None:
    names = stack_names(Deployment(ENDPOINTS_ONLY, (ServiceConfig(name="web"),)))
    assert (names.network, names.front_door, names.registry) == (
        "fargate-network",
        "fargate-ingress",
        "fargate-registry",
    )
    assert (names.network, names.front_door) == (DEFAULT_NETWORK_STACK, DEFAULT_FRONT_DOOR_STACK)
    assert names.services == {"web": "fargate-web"}


@pytest.mark.parametrize(
    ("service", "role"), [("network", "network"), ("ingress", "front door"), ("registry", "registry")]
)
def test_a_service_whose_stack_name_is_another_stacks_is_refused(service: str, role: str) -> None:
    deployment = Deployment(ENDPOINTS_ONLY, (ServiceConfig(name="web"), ServiceConfig(name=service)), name="shop")
    with pytest.raises(ConfigError) as caught:
        stack_names(deployment)
    assert str(caught.value) == (
        f"services[1].name: {service!r} would name its stack 'shop-{service}', the {role} stack's name; "
        "choose another service name"
    )


def _parameter_default(template: Template, name: str) -> object:
    return ordered_dict(template)["Parameters"][name]["Default"]


def test_a_named_config_reads_its_own_stacks_by_name(tmp_path: Path) -> None:
    config = tmp_path / "shop.toml"
    config.write_text(
        'name = "shop"\n[network]\nnat_mode = "none"\nendpoints = "ecr"\n[ingress]\n'
        '[[services]]\nname = "web"\n[services.load_balancer]\nkind = "shared"\n'
        '[services.routing]\nhosts = ["www.example.com"]\n'
        '[[services]]\nname = "api"\n[services.load_balancer]\nkind = "shared"\n'
        '[services.routing]\nhosts = ["api.example.com"]\nfront_door = "other-ingress"\n'
        '[[services]]\nname = "own"\n',
        encoding="utf-8",
    )
    stacks = load_config(config)
    assert _parameter_default(stacks["ingress.yaml"], "NetworkStackName") == "shop-network"
    for service in ("web", "api", "own"):
        assert _parameter_default(stacks[f"service-{service}.yaml"], "NetworkStackName") == "shop-network"
    assert _parameter_default(stacks["service-web.yaml"], "IngressStackName") == "shop-ingress"
    assert _parameter_default(stacks["service-api.yaml"], "IngressStackName") == "other-ingress"
    config.write_text(config.read_text(encoding="utf-8").replace('name = "own"', 'name = "network"'), encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"shop.toml: services\[2\].name: 'network' would name its stack 'shop-network'"
    ):
        load_config(config)


def test_build_stacks_takes_the_deployment_name() -> None:
    stacks = build_stacks(ENDPOINTS_ONLY, [ServiceConfig(name="web")], name="blue")
    assert _parameter_default(stacks["service-web.yaml"], "NetworkStackName") == "blue-network"
    with pytest.raises(ConfigError, match="^name: '-blue' is not allowed; a stack-name prefix"):
        build_stacks(ENDPOINTS_ONLY, [ServiceConfig(name="web")], name="-blue")


def test_build_stacks_refuses_a_shared_service_with_no_front_door_to_attach_to() -> None:
    service = ServiceConfig(
        name="web", load_balancer=LoadBalancerOptions(kind="shared"), routing=RoutingOptions(hosts=("a.example.com",))
    )
    with pytest.raises(ConfigError, match=r"^services\[0\].routing.front_door: service 'web' attaches"):
        build_stacks(ENDPOINTS_ONLY, [service])
    stacks = build_stacks(
        ENDPOINTS_ONLY,
        [dataclasses.replace(service, routing=RoutingOptions(hosts=("a.example.com",), front_door="live-ingress"))],
    )
    assert _parameter_default(stacks["service-web.yaml"], "IngressStackName") == "live-ingress"


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
def test_no_example_names_a_secret_by_an_arn_of_one_account_and_region(config: Path) -> None:
    """Examples are linted for China and GovCloud: a literal ARN would deploy in one account and Region only."""
    for service in read_config(config).services:
        for container in (service.container, *service.sidecars):
            assert not [v for _, v in container.secrets if v.startswith("arn:")], f"{config.name}: {container.name}"


def test_a_dual_stack_load_balancer_needs_ipv6_in_the_network() -> None:
    dual = ServiceConfig(name="web", load_balancer=LoadBalancerOptions(ip_address_type="dualstack"))
    with pytest.raises(ConfigError) as caught:
        build_stacks(ENDPOINTS_ONLY, [ServiceConfig(name="api"), dual])
    assert str(caught.value) == (
        "services[1].load_balancer.ip_address_type: 'dualstack' needs IPv6 in the load balancer's subnets, but the "
        "network has none; set network.ipv6 = true (an Amazon-provided IPv6 block, IPv6 in the public subnets and a "
        "::/0 route to the internet gateway)"
    )
    front_door = FrontDoorConfig(ip_address_type="dualstack", allowed_cidrs=("::/0",))
    with pytest.raises(ConfigError, match=r"^ingress.ip_address_type: 'dualstack' needs IPv6"):
        build_stacks(ENDPOINTS_ONLY, [dual], front_door)
    ipv6 = dataclasses.replace(ENDPOINTS_ONLY, ipv6=True)
    stacks = build_stacks(ipv6, [dual], front_door)
    (balancer,) = resources_of_type(ordered_dict(stacks["service-web.yaml"]), LOAD_BALANCER).values()
    assert balancer["Properties"]["IpAddressType"] == "dualstack"
    (front,) = resources_of_type(ordered_dict(stacks["ingress.yaml"]), LOAD_BALANCER).values()
    assert front["Properties"]["IpAddressType"] == "dualstack"


def test_services_open_their_egress_ports_to_ipv6_only_on_a_network_with_ipv6_egress() -> None:
    def egress(network: NetworkConfig) -> list[dict]:
        template = ordered_dict(build_stacks(network, [ServiceConfig(name="web")])["service-web.yaml"])
        return template["Resources"]["TaskSecurityGroup"]["Properties"]["SecurityGroupEgress"]

    ipv6 = dataclasses.replace(ENDPOINTS_ONLY, ipv6=True)
    assert [rule.get("CidrIpv6") for rule in egress(ipv6)] == [None]
    assert [rule.get("CidrIpv6") for rule in egress(dataclasses.replace(ipv6, ipv6_egress=True))] == [None, "::/0"]


def test_cloudfront_is_refused_where_vpc_origins_are_not_offered() -> None:
    service = ServiceConfig(name="api", load_balancer=LoadBalancerOptions(kind="cloudfront"))
    assert "service-api.yaml" in build_stacks(ENDPOINTS_ONLY, [service], regions=["us-east-1", "eu-west-1"])
    for region in ("cn-north-1", "cn-northwest-1"):
        with pytest.raises(ConfigError, match="^regions: service-api.yaml uses the CloudFront VPC origin .* is not "):
            build_stacks(ENDPOINTS_ONLY, [service], regions=[region])
    with pytest.raises(ConfigError, match="^regions: ingress.yaml uses the CloudFront VPC origin"):
        build_stacks(ENDPOINTS_ONLY, [ServiceConfig(name="web")], FrontDoorConfig(kind="cloudfront"), ["cn-north-1"])
