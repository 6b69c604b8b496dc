"""The Mermaid diagram is read from the templates: tiers, the two flows, labels, registries."""

from __future__ import annotations

import copy
import re
import sys

import pytest
from conftest import FIXTURES, ROOT, TEMPLATES, doc

from fargate_private_templates.config.image import ImageOptions
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.diagram.flows import mermaid_diagram, mermaid_for_files
from fargate_private_templates.diagram.mermaid import LINK_STYLES, embedded
from fargate_private_templates.errors import ConfigError
from fargate_private_templates.layers.service import build_service
from fargate_private_templates.render import ordered_dict
from fargate_private_templates.render.loader import load_template

sys.path.insert(0, str(ROOT / "tools" / "mermaid"))
from variants import NETWORKS, SERVICES, SHARED_ALB  # noqa: E402

NODE = re.compile(r'^\s*([A-Za-z0-9_]+)(\["|\(\("|\[\(")(.*?)("\]|"\)\)|"\)\])$')

EDGE = re.compile(r'^\s*([A-Za-z0-9_]+) (-->|-\.->|---)(?:\|"(.*?)"\|)? ([A-Za-z0-9_]+)$')

LINK_STYLE = re.compile(r"^\s*linkStyle ([0-9,]+) (.*)$")

PULL_STYLES = (LINK_STYLES["pull"], LINK_STYLES["no route"])


def load(*names: str) -> dict[str, dict]:
    return {name: load_template(TEMPLATES / name) for name in names}


def edges(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if EDGE.match(line)]


def pull_edges(text: str) -> list[tuple[str, str, str]]:
    """(source, label, target) of the edges drawn in the image-pull colours."""
    found = [(m[1], m[3] or "", m[4]) for m in map(EDGE.match, text.splitlines()) if m]
    styled = [(m[1], m[2]) for m in map(LINK_STYLE.match, text.splitlines()) if m]
    indexes = {int(n) for numbers, style in styled if style in PULL_STYLES for n in numbers.split(",")}
    return [edge for n, edge in enumerate(found) if n in indexes]


def nodes(text: str) -> dict[str, str]:
    """Node ID -> label."""
    return {m[1]: m[3] for m in map(NODE.match, text.splitlines()) if m}


def placement(text: str) -> dict[str, tuple[str, ...]]:
    """Node ID -> the subgraph IDs it is nested in, outermost first."""
    stack: list[str] = []
    placed = {}
    for line in text.splitlines():
        if line.strip().startswith("subgraph "):
            stack.append(line.split()[1].split("[")[0])
        elif line.strip() == "end":
            stack.pop()
        elif match := NODE.match(line):
            placed[match[1]] = tuple(stack)
    return placed


def default_pair() -> str:
    return mermaid_diagram(load("network.yaml", "service-alb.yaml"))


def endpoints_network(gateway_route_tables: tuple[str, ...] = ("PrivateRouteTable1", "PrivateRouteTable2")) -> dict:
    """network.yaml without NAT gateways, reaching AWS through VPC endpoints instead."""
    template = copy.deepcopy(load_template(TEMPLATES / "network.yaml"))
    resources = template["Resources"]
    for logical in [k for k, v in resources.items() if v["Type"] in ("AWS::EC2::NatGateway", "AWS::EC2::EIP")]:
        del resources[logical]
    del resources["PrivateDefaultRoute1"], resources["PrivateDefaultRoute2"]
    private_subnets = [{"Ref": "PrivateSubnet1"}, {"Ref": "PrivateSubnet2"}]
    for logical, service in (("EcrApiEndpoint", "ecr.api"), ("EcrDkrEndpoint", "ecr.dkr"), ("LogsEndpoint", "logs")):
        resources[logical] = {
            "Type": "AWS::EC2::VPCEndpoint",
            "Properties": {
                "VpcEndpointType": "Interface",
                "ServiceName": {"Fn::Sub": f"com.amazonaws.${{AWS::Region}}.{service}"},
                "VpcId": {"Ref": "VPC"},
                "SubnetIds": private_subnets,
                "PrivateDnsEnabled": True,
            },
        }
    resources["S3Endpoint"] = {
        "Type": "AWS::EC2::VPCEndpoint",
        "Properties": {
            "VpcEndpointType": "Gateway",
            "ServiceName": {"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".s3"]]},
            "VpcId": {"Ref": "VPC"},
            "RouteTableIds": [{"Ref": table} for table in gateway_route_tables],
        },
    }
    return template


def third_party_service() -> dict:
    return ordered_dict(build_service(ServiceConfig(image=ImageOptions(source="third_party"))))


def container(service: dict) -> dict:
    return service["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]


# The default pair.
DEFAULT_EDGES = [
    'ext_internet -->|"requests"| InternetGateway',
    "InternetGateway --> LoadBalancer",
    "LoadBalancer --> Service",
    'Service -.->|"image pull"| VPC_public_nat',
    'VPC_public_nat -.->|"via Internet<br/>gateway"| ext_ecr',
]


def test_default_pair_edges_read_left_to_right() -> None:
    text = default_pair()
    assert edges(text) == DEFAULT_EDGES
    assert text.splitlines()[-2:] == [
        f"    linkStyle 0,1,2 {LINK_STYLES['inbound']}",
        f"    linkStyle 3,4 {LINK_STYLES['pull']}",
    ]


def test_default_pair_places_nodes_in_tiers_named_with_their_zones() -> None:
    text = default_pair()
    assert placement(text) == {
        "ext_internet": (),
        "InternetGateway": ("VPC",),
        "VPC_public_nat": ("VPC", "VPC_public"),
        "LoadBalancer": ("VPC", "VPC_public"),
        "Service": ("VPC", "VPC_private"),
        "ext_ecr": (),
    }
    assert '    subgraph VPC["VPC 10.0.0.0/16"]' in text.splitlines()
    assert '        subgraph VPC_public["Public subnets · AZ 1, AZ 2"]' in text.splitlines()
    assert '        subgraph VPC_private["Private subnets · AZ 1, AZ 2"]' in text.splitlines()


def test_default_pair_labels_are_short_and_do_not_repeat_themselves() -> None:
    assert nodes(default_pair()) == {
        "ext_internet": "Internet",
        "InternetGateway": "Internet gateway",
        "VPC_public_nat": "NAT gateway<br/>one per AZ",
        "LoadBalancer": "ALB<br/>internet-facing",
        "Service": "Fargate tasks<br/>private IPs only",
        "ext_ecr": "Amazon ECR",
    }


def test_output_is_deterministic() -> None:
    first = default_pair()
    assert default_pair() == first
    assert mermaid_for_files([TEMPLATES / "network.yaml", TEMPLATES / "service-alb.yaml"]) == first
    assert not first.endswith("\n")


def test_unknown_detail_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="detail: 'azs' is not allowed; use one of tiers, subnets"):
        mermaid_diagram(load("network.yaml"), "azs")


# Every network variant with each service: pulls start at the tasks and end at the registry, never looping back.
@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("network", NETWORKS)
def test_image_pulls_run_from_the_tasks_to_the_registry(network: str, service: str) -> None:
    text = mermaid_diagram(load(f"{network}.yaml", f"{service}.yaml"))
    pulls = pull_edges(text)
    assert pulls, "no image-pull edge"
    registries = [source_or_target for _, _, source_or_target in pulls if source_or_target.startswith("ext_")]
    assert registries and set(registries) == {"ext_ecr"}
    # A chain: each pull edge starts at the tasks or where another pull edge ended.
    reached = {"Service"}
    for source, _label, target in pulls:
        assert source in reached, (source, target)
        reached.add(target)
    # Every way out an image pull takes leads on to the registry ("other traffic" may end at a NAT gateway).
    for source, label, target in pulls:
        if source == "Service" and label != "other traffic":
            assert target == "ext_ecr" or any(s == target and t == "ext_ecr" for s, _, t in pulls), (source, target)
    into_gateway = [edge for edge in edges(text) if edge.endswith(" InternetGateway")]
    assert into_gateway == ['ext_internet -->|"requests"| InternetGateway']
    assert not [edge for edge in edges(text) if edge.endswith(" ext_internet")]


def test_each_nat_mode_has_its_own_label_and_place() -> None:
    single = mermaid_diagram(load("network-single-nat.yaml", "service-nlb.yaml"))
    assert nodes(single)["VPC_public_nat"] == "NAT gateway<br/>single, AZ 1"
    assert nodes(single)["LoadBalancer"] == "NLB<br/>internet-facing"
    regional = mermaid_diagram(load("network-regional-nat.yaml", "service-alb.yaml"))
    assert nodes(regional)["VPC_regional_nat"] == "NAT gateway<br/>regional: all AZs"
    assert placement(regional)["VPC_regional_nat"] == ("VPC",)  # a regional NAT gateway has no subnet
    assert 'Service -.->|"image pull"| VPC_regional_nat' in edges(regional)


def test_endpoints_only_pull_through_the_named_endpoints() -> None:
    text = mermaid_diagram(load("network-endpoints.yaml", "service-alb.yaml"))
    assert nodes(text)["VPC_endpoints"] == (
        "VPC endpoints<br/>ecr.api, ecr.dkr, logs<br/>secretsmanager<br/>S3 (image layers)"
    )
    assert placement(text)["VPC_endpoints"] == ("VPC",)
    assert pull_edges(text) == [("Service", "image pull", "VPC_endpoints"), ("VPC_endpoints", "", "ext_ecr")]
    assert "_nat" not in text


def test_nat_and_endpoints_ecr_through_endpoints_other_traffic_through_nat() -> None:
    text = mermaid_diagram(load("network-nat-endpoints.yaml", "service-alb.yaml"))
    assert pull_edges(text) == [
        ("Service", "image pull", "VPC_endpoints"),
        ("VPC_endpoints", "", "ext_ecr"),
        ("Service", "other traffic", "VPC_public_nat"),
    ]


def test_third_party_registry_through_nat_ecr_sidecar_through_endpoints() -> None:
    service = third_party_service()
    definitions = service["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    ecr_image = {"Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/proxy:1"}
    definitions.append({"Name": "proxy", "Image": ecr_image})  # a sidecar, from ECR
    text = mermaid_diagram({**load("network-nat-endpoints.yaml"), "service.yaml": service})
    assert nodes(text)["ext_third_party"] == "Third-party registry"
    assert set(pull_edges(text)) == {
        ("Service", "image pull", "VPC_public_nat"),
        ("VPC_public_nat", "via Internet<br/>gateway", "ext_third_party"),
        ("Service", "image pull", "VPC_endpoints"),
        ("VPC_endpoints", "", "ext_ecr"),
    }


def test_third_party_host_on_the_registry_label() -> None:
    service = load_template(TEMPLATES / "service-alb.yaml")
    container(service)["Image"] = "ghcr.io/example/app:1.0.0"
    text = mermaid_diagram({**load("network.yaml"), "service.yaml": service})
    assert nodes(text)["ext_third_party"] == "Third-party registry<br/>ghcr.io"
    assert "ext_ecr" not in nodes(text)


def test_third_party_registry_without_nat_has_no_route() -> None:
    text = mermaid_diagram({**load("network-endpoints.yaml"), "service.yaml": third_party_service()})
    assert pull_edges(text) == [("Service", "no route", "ext_third_party")]
    assert f"linkStyle 3 {LINK_STYLES['no route']}" in text


def test_interface_endpoints_without_private_dns_carry_no_ecr_traffic() -> None:
    # As the checker sees it (E9003): tasks resolve ECR's public names and never use the endpoint.
    network = endpoints_network()
    for logical in ("EcrApiEndpoint", "EcrDkrEndpoint", "LogsEndpoint"):
        network["Resources"][logical]["Properties"]["PrivateDnsEnabled"] = False
    text = mermaid_diagram({"network.yaml": network, **load("service-alb.yaml")})
    assert pull_edges(text) == [("Service", "no route", "ext_ecr")]


def test_gateway_endpoint_alone_is_no_way_to_ecr() -> None:
    network = endpoints_network(gateway_route_tables=("PrivateRouteTable1",))
    for logical in ("EcrApiEndpoint", "EcrDkrEndpoint", "LogsEndpoint"):
        del network["Resources"][logical]
    text = mermaid_diagram({"network.yaml": network, **load("service-alb.yaml")})
    assert nodes(text)["VPC_endpoints"] == "VPC endpoints<br/>S3 (image layers)"
    assert pull_edges(text) == [("Service", "no route", "ext_ecr")]


# Load balancers in front of several services.
def test_one_alb_in_front_of_two_services_labels_each_edge_with_its_host_and_path() -> None:
    text = mermaid_diagram({**load("network.yaml"), "shared-alb.yaml": load_template(SHARED_ALB)})
    assert {
        'LoadBalancer -->|"shop.example.com /orders/*"| OrdersService',
        'LoadBalancer -->|"accounts.example.com"| AccountsService',
    } <= set(edges(text))
    # Two nodes would read alike: each gets its logical ID on a line of its own.
    assert nodes(text)["OrdersService"] == "Fargate tasks<br/>private IPs only<br/>OrdersService"
    assert nodes(text)["AccountsService"] == "Fargate tasks<br/>private IPs only<br/>AccountsService"
    assert placement(text)["OrdersService"] == placement(text)["AccountsService"] == ("VPC", "VPC_private")
    assert {
        ("OrdersService", "image pull", "VPC_public_nat"),
        ("AccountsService", "image pull", "VPC_public_nat"),
    } <= set(pull_edges(text))


# Subnet detail.
def test_subnet_detail_starts_each_pull_at_the_subnet_whose_route_it_follows() -> None:
    text = mermaid_diagram(load("network.yaml", "service-alb.yaml"), "subnets")
    labels = nodes(text)
    assert labels["PrivateSubnet1"] == "PrivateSubnet1<br/>AZ 1"
    assert labels["NatGateway2"] == "NAT gateway<br/>AZ 2<br/>NatGateway2"
    assert placement(text)["NatGateway1"] == placement(text)["PublicSubnet1"] == ("VPC", "VPC_public")
    assert {"Service --- PrivateSubnet1", "PublicSubnet1 --- LoadBalancer", "PublicSubnet2 --- NatGateway2"} <= set(
        edges(text)
    )
    assert pull_edges(text) == [
        ("PrivateSubnet1", "image pull", "NatGateway1"),
        ("NatGateway1", "via Internet<br/>gateway", "ext_ecr"),
        ("PrivateSubnet2", "image pull", "NatGateway2"),
        ("NatGateway2", "via Internet<br/>gateway", "ext_ecr"),
    ]


# Placement comes from the export/import contract.
def test_service_subnets_resolve_only_through_the_network_export() -> None:
    templates = load("network.yaml", "service-alb.yaml")
    del templates["network.yaml"]["Outputs"]["PrivateSubnetIds"]
    text = mermaid_diagram(templates)
    assert placement(text)["Service"] == ()
    assert pull_edges(text) == [("Service", "image pull", "ext_ecr")]  # path unknown: straight to the registry


def test_join_spelled_imports_place_the_service() -> None:
    text = mermaid_for_files([FIXTURES / "pair" / "network.yaml", FIXTURES / "pair" / "service-join-imports.yaml"])
    assert placement(text)["Service"] == ("VPC", "VPC_private")
    assert ("Service", "image pull", "ext_ecr") not in pull_edges(text)


def test_every_fn_if_branch_counts() -> None:
    # AssignPublicIp: !If [IsProduction, DISABLED, ENABLED] -> the tasks can get public IPs.
    assert nodes(mermaid_for_files([FIXTURES / "E9001-bad.yaml"]))["Service"] == "Fargate tasks<br/>public IPs"


def test_tasks_in_a_public_subnet_pull_straight_through_the_internet_gateway() -> None:
    text = mermaid_for_files([FIXTURES / "E9002-bad.yaml"])
    assert placement(text)["Service"][-1].endswith("_public")
    assert ("Service", "via Internet<br/>gateway", "ext_ecr") in pull_edges(text)


def test_service_template_alone() -> None:
    text = mermaid_diagram(load("service-alb.yaml"))
    assert edges(text) == [
        'ext_internet -->|"requests"| LoadBalancer',
        "LoadBalancer --> Service",
        'Service -.->|"image pull"| ext_ecr',
    ]
    assert "subgraph" not in text


# Scheduled tasks.
def test_scheduled_tasks_sit_in_their_private_subnets() -> None:
    text = mermaid_for_files([FIXTURES / "E9003-good-scheduled.yaml"])
    assert placement(text)["Rule"] == placement(text)["Schedule"] == ("VPC", "VPC_private")
    assert nodes(text)["Rule"] == "Scheduled Fargate tasks<br/>private IPs only<br/>Rule"
    assert pull_edges(text) == [
        ("Rule", "image pull", "VPC_endpoints"),
        ("VPC_endpoints", "", "ext_ecr"),
        ("Schedule", "image pull", "VPC_endpoints"),
    ]


def test_scheduled_task_pulling_from_a_third_party_registry_without_nat() -> None:
    found = pull_edges(mermaid_for_files([FIXTURES / "E9008-bad-scheduled.yaml"]))
    assert {("Rule", "no route", "ext_third_party"), ("Schedule", "no route", "ext_third_party")} <= set(found)


# Registries and IDs.
def test_credentials_win_over_an_ecr_looking_image() -> None:
    service = load_template(TEMPLATES / "service-alb.yaml")
    container(service)["RepositoryCredentials"] = {
        "CredentialsParameter": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:x"
    }
    assert "ext_third_party" in nodes(mermaid_diagram({"service.yaml": service}))


def test_shared_logical_ids_are_prefixed_with_the_template_stem() -> None:
    text = mermaid_diagram(load("network.yaml", "network-single-nat.yaml"))
    ids = nodes(text)
    assert {"network_InternetGateway", "network_single_nat_InternetGateway"} <= set(ids)
    assert ids["network_InternetGateway"] == "Internet gateway<br/>network/InternetGateway"
    assert 'subgraph network_single_nat_VPC["network-single-nat/VPC 10.0.0.0/16"]' in text
    assert {"network_VPC_public_nat", "network_single_nat_VPC_public_nat"} <= set(ids)


def test_same_stem_in_two_folders_gets_numbered_prefixes() -> None:
    network = load_template(TEMPLATES / "network.yaml")
    text = mermaid_diagram({"a/network.yaml": network, "b/network.yaml": copy.deepcopy(network)})
    assert {"network1_InternetGateway", "network2_InternetGateway"} <= set(nodes(text))


def test_every_line_is_valid_for_unusual_logical_ids() -> None:
    service = load_template(TEMPLATES / "service-alb.yaml")
    resources = service["Resources"]
    resources["end"] = resources.pop("Service")  # a bare "end" would close a subgraph in Mermaid
    text = mermaid_diagram({"service.yaml": service})
    assert "end_" in nodes(text)
    assert "LoadBalancer --> end_" in edges(text)


def test_the_front_door_guide_embeds_the_current_picture() -> None:
    # The many-services picture is drawn from examples/shared-alb.toml's golden render (make templates).
    golden = ROOT / "tests" / "golden" / "examples" / "shared-alb"
    files = [golden / name for name in ("network.yaml", "ingress.yaml")] + [
        golden / f"service-{name}.yaml" for name in ("web", "docs", "api")
    ]
    page = doc("front-door.md")
    diagram = mermaid_for_files(files)
    assert diagram.count("LoadBalancer -->") == 3 and '-->|"www.example.com /api/*"|' in diagram
    assert embedded(page, diagram, "front-door") == page, "docs/front-door.md diagram drifted: make templates"


@pytest.mark.parametrize("name", ["W9009-bad-main-route-table.yaml", "cases/W9009-bad-route-table-elsewhere.yaml"])
def test_diagram_of_a_task_subnet_without_a_known_route_table(name: str) -> None:
    text = mermaid_diagram({"app.yaml": load_template(FIXTURES / name)})
    lines = [line.strip() for line in text.splitlines()]
    # The tasks are drawn in the private tier, and their image pull ends in a "no route" edge, not a path.
    assert 'Service["Fargate tasks<br/>private IPs only"]' in lines
    assert [line for line in lines if line.startswith("Service -.->")] == ['Service -.->|"no route"| ext_ecr']


GOLDEN = ROOT / "tests" / "golden" / "examples"


def _example(name: str) -> dict[str, dict]:
    return {path.name: load_template(path) for path in sorted((GOLDEN / name).glob("*.yaml"))}


def test_cloudfront_is_drawn_from_the_internet_through_the_vpc_origin_to_the_internal_load_balancer() -> None:
    text = mermaid_diagram(_example("cloudfront"))
    flow = [
        'ext_internet -->|"requests"| ingress_Distribution',
        'ingress_Distribution -->|"HTTPS"| ingress_VpcOrigin',
        "ingress_VpcOrigin --> ingress_LoadBalancer",
        'ingress_LoadBalancer -->|"www.example.com"| service_web_Service',
        'service_api_Distribution -->|"HTTPS"| service_api_VpcOrigin',
        "service_api_VpcOrigin --> service_api_LoadBalancer",
        "service_api_LoadBalancer --> service_api_Service",
    ]
    assert set(flow) <= set(edges(text))
    labels = nodes(text)
    assert labels["ingress_Distribution"] == "CloudFront<br/>ingress/Distribution"
    assert labels["ingress_VpcOrigin"] == "VPC origin<br/>ingress/VpcOrigin"
    assert labels["ingress_LoadBalancer"] == "ALB<br/>internal<br/>ingress/LoadBalancer"
    # No request comes in through the internet gateway: it only carries the NAT gateway's traffic.
    assert not [edge for edge in edges(text) if edge.endswith("InternetGateway")]
    lines = [line.strip() for line in text.splitlines()]
    private = lines.index('subgraph VPC_private["Private subnets · AZ 1, AZ 2"]')
    assert lines.index('ingress_VpcOrigin["VPC origin<br/>ingress/VpcOrigin"]') > private
    # CloudFront is outside the VPC.
    assert lines.index('ingress_Distribution["CloudFront<br/>ingress/Distribution"]') > lines.index("end")


def test_an_internet_facing_load_balancer_beside_cloudfront_still_gets_its_gateway_edge() -> None:
    templates = _example("cloudfront")
    balancer = templates["ingress.yaml"]["Resources"]["LoadBalancer"]["Properties"]
    balancer["Scheme"] = "internet-facing"
    balancer["Subnets"]["Fn::Split"][1]["Fn::ImportValue"]["Fn::Sub"] = "${NetworkStackName}-PublicSubnetIds"
    text = mermaid_diagram(templates)
    assert {'ext_internet -->|"requests"| InternetGateway', "InternetGateway --> ingress_LoadBalancer"} <= set(
        edges(text)
    )


def test_a_vpc_origin_no_distribution_uses_is_drawn_without_requests() -> None:
    templates = _example("cloudfront")
    origins = templates["ingress.yaml"]["Resources"]["Distribution"]["Properties"]["DistributionConfig"]["Origins"]
    del origins[0]["VpcOriginConfig"]
    text = mermaid_diagram(templates)
    assert "ingress_VpcOrigin --> ingress_LoadBalancer" in edges(text)
    assert not [edge for edge in edges(text) if edge.endswith("ingress_VpcOrigin")]


def test_a_dual_stack_load_balancer_and_ipv6_egress_are_drawn() -> None:
    text = mermaid_diagram(_example("dual-stack"))
    labels = nodes(text)
    assert labels["LoadBalancer"] == "ALB<br/>internet-facing<br/>dualstack"
    assert labels["EgressOnlyInternetGateway"] == "Egress-only<br/>Internet gateway"
    assert 'Service -.->|"IPv6 out"| EgressOnlyInternetGateway' in edges(text)
    assert 'ext_internet -->|"requests"| InternetGateway' in edges(text)
    single = mermaid_diagram(load("network.yaml", "service-alb.yaml"))
    assert nodes(single)["LoadBalancer"] == "ALB<br/>internet-facing" and "IPv6 out" not in single


@pytest.mark.parametrize(
    ("page", "block", "example"),
    [("front-door.md", "cloudfront", "cloudfront"), ("network.md", "dual-stack", "dual-stack")],
)
def test_the_guides_embed_the_current_pictures_of_the_examples(page: str, block: str, example: str) -> None:
    text = doc(page)
    files = sorted((GOLDEN / example).glob("*.yaml"))
    assert embedded(text, mermaid_for_files(files), block) == text, f"docs/{page} diagram drifted: make templates"
