"""The Mermaid diagram is read from the templates: placement, ingress and egress paths, registries."""

from __future__ import annotations

import copy
import re
from pathlib import Path

from conftest import TEMPLATES

from fargate_private_templates.cli.diagram import mermaid_diagram, mermaid_for_files
from fargate_private_templates.config.service import ImageOptions, ServiceConfig
from fargate_private_templates.layers.service import build_service
from fargate_private_templates.render import ordered_dict
from fargate_private_templates.render.loader import load_template

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"
NODE = re.compile(r'^\s*([A-Za-z0-9_]+)(\["|\(\("|\[\(")(.*?)("\]|"\)\)|"\)\])$')
EDGE = re.compile(r"^\s*([A-Za-z0-9_]+) (-->|-\.->|---|-\. no route \.->) ([A-Za-z0-9_]+)$")

DEFAULT_EDGES = [
    "ext_internet --> InternetGateway",
    "InternetGateway --> PublicSubnet1",
    "InternetGateway --> PublicSubnet2",
    "PublicSubnet1 --- LoadBalancer",
    "PublicSubnet2 --- LoadBalancer",
    "LoadBalancer --> Service",
    "Service --- PrivateSubnet1",
    "Service --- PrivateSubnet2",
    "PrivateSubnet1 -.-> NatGateway1",
    "PrivateSubnet2 -.-> NatGateway2",
    "PublicSubnet1 --- NatGateway1",
    "NatGateway1 -.-> InternetGateway",
    "PublicSubnet2 --- NatGateway2",
    "NatGateway2 -.-> InternetGateway",
    "InternetGateway -.-> ext_ecr",
]


def load(*names: str) -> dict[str, dict]:
    return {name: load_template(TEMPLATES / name) for name in names}


def edges(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if EDGE.match(line)]


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


def test_default_pair_edges_in_flow_order() -> None:
    assert edges(default_pair()) == DEFAULT_EDGES


def test_default_pair_places_nodes_in_vpc_and_subnet_tiers() -> None:
    placed = placement(default_pair())
    assert placed == {
        "ext_internet": (),
        "InternetGateway": ("VPC",),
        "PublicSubnet1": ("VPC", "VPC_public"),
        "NatGateway1": ("VPC", "VPC_public"),
        "PublicSubnet2": ("VPC", "VPC_public"),
        "NatGateway2": ("VPC", "VPC_public"),
        "LoadBalancer": ("VPC", "VPC_public"),
        "PrivateSubnet1": ("VPC", "VPC_private"),
        "PrivateSubnet2": ("VPC", "VPC_private"),
        "Service": ("VPC", "VPC_private"),
        "ext_ecr": (),
    }


def test_default_pair_labels() -> None:
    text = default_pair()
    assert nodes(text) == {
        "ext_internet": "Internet",
        "InternetGateway": "InternetGateway (internet gateway)",
        "PublicSubnet1": "PublicSubnet1 (AZ 1)",
        "NatGateway1": "NatGateway1 (NAT gateway)",
        "PublicSubnet2": "PublicSubnet2 (AZ 2)",
        "NatGateway2": "NatGateway2 (NAT gateway)",
        "LoadBalancer": "LoadBalancer (ALB, internet-facing)",
        "PrivateSubnet1": "PrivateSubnet1 (AZ 1)",
        "PrivateSubnet2": "PrivateSubnet2 (AZ 2)",
        "Service": "Service (Fargate service, private IPs only)",
        "ext_ecr": "Amazon ECR",
    }
    assert 'subgraph VPC["VPC 10.0.0.0/16"]' in text.splitlines()[2]
    assert text.splitlines()[0] == "flowchart LR"


def test_default_pair_is_short_and_every_line_is_understood() -> None:
    lines = default_pair().splitlines()
    assert 20 <= len(lines) <= 40
    structure = {"flowchart LR", "end"}
    for line in lines:
        stripped = line.strip()
        assert stripped in structure or stripped.startswith("subgraph ") or NODE.match(line) or EDGE.match(line), line


def test_output_is_deterministic() -> None:
    first = default_pair()
    assert default_pair() == first
    assert mermaid_for_files([TEMPLATES / "network.yaml", TEMPLATES / "service-alb.yaml"]) == first
    assert not first.endswith("\n")


def test_nlb_service_with_single_nat() -> None:
    text = mermaid_diagram(load("network-single-nat.yaml", "service-nlb.yaml"))
    assert nodes(text)["LoadBalancer"] == "LoadBalancer (NLB, internet-facing)"
    assert {"PrivateSubnet1 -.-> NatGateway", "PrivateSubnet2 -.-> NatGateway"} <= set(edges(text))
    assert "NatGateway -.-> InternetGateway" in edges(text)


# Placement comes from the export/import contract.


def test_service_subnets_resolve_only_through_the_network_export() -> None:
    templates = load("network.yaml", "service-alb.yaml")
    del templates["network.yaml"]["Outputs"]["PrivateSubnetIds"]
    text = mermaid_diagram(templates)
    assert not [edge for edge in edges(text) if edge.startswith("Service ---")]
    assert placement(text)["Service"] == ()
    assert "Service -.-> ext_ecr" in edges(text)  # path unknown: straight to the registry


def test_join_spelled_imports_place_the_service() -> None:
    # The checker's resolver reads Fn::ImportValue of a Fn::Join too: the diagram used to leave this service
    # outside the VPC with an unknown path.
    text = mermaid_for_files([FIXTURES / "pair" / "network.yaml", FIXTURES / "pair" / "service-join-imports.yaml"])
    assert placement(text)["Service"] == ("VPC", "VPC_private")
    assert {"Service --- PrivateSubnet1", "Service --- PrivateSubnet2", "InternetGateway -.-> ext_ecr"} <= set(
        edges(text)
    )
    assert "Service -.-> ext_ecr" not in edges(text)


def test_every_fn_if_branch_counts() -> None:
    # Subnets: !If [TwoZones, [PrivateSubnet1, PrivateSubnet2], [PrivateSubnet1]] -> both subnets.
    found = edges(mermaid_for_files([FIXTURES / "E9002-good.yaml"]))
    assert {"Service --- PrivateSubnet1", "Service --- PrivateSubnet2", "InternetGateway -.-> ext_ecr"} <= set(found)
    # AssignPublicIp: !If [IsProduction, DISABLED, ENABLED] -> the tasks can get public IPs.
    assert nodes(mermaid_for_files([FIXTURES / "E9001-bad.yaml"]))["Service"] == "Service (Fargate service, public IPs)"


def test_service_template_alone() -> None:
    text = mermaid_diagram(load("service-alb.yaml"))
    assert edges(text) == ["ext_internet --> LoadBalancer", "LoadBalancer --> Service", "Service -.-> ext_ecr"]
    assert "subgraph" not in text


# NAT variants and VPC endpoints.


def test_regional_nat_sits_at_vpc_level() -> None:
    text = mermaid_diagram(load("network-regional-nat.yaml", "service-alb.yaml"))
    assert placement(text)["RegionalNatGateway"] == ("VPC",)
    assert nodes(text)["RegionalNatGateway"] == "RegionalNatGateway (regional NAT gateway)"
    found = edges(text)
    assert [e for e in found if "RegionalNatGateway" in e] == [
        "PrivateSubnet1 -.-> RegionalNatGateway",
        "PrivateSubnet2 -.-> RegionalNatGateway",
        "RegionalNatGateway -.-> InternetGateway",
    ]
    assert "InternetGateway -.-> ext_ecr" in found
    assert "NatGateway1" not in text


def test_vpc_endpoints_replace_the_nat_path_to_ecr() -> None:
    text = mermaid_diagram(
        {"network.yaml": endpoints_network(), "service-alb.yaml": load_template(TEMPLATES / "service-alb.yaml")}
    )
    assert nodes(text)["VPC_endpoints"] == "VPC endpoints (ecr.api, ecr.dkr, logs, s3)"
    assert placement(text)["VPC_endpoints"] == ("VPC",)
    found = edges(text)
    assert found[-3:] == [
        "PrivateSubnet1 -.-> VPC_endpoints",
        "PrivateSubnet2 -.-> VPC_endpoints",
        "VPC_endpoints -.-> ext_ecr",
    ]
    assert "InternetGateway -.-> ext_ecr" not in found
    assert "NatGateway" not in text


def test_gateway_endpoint_serves_only_the_route_tables_it_lists() -> None:
    network = endpoints_network(gateway_route_tables=("PrivateRouteTable1",))
    resources = network["Resources"]
    for logical in ("EcrApiEndpoint", "EcrDkrEndpoint", "LogsEndpoint"):
        del resources[logical]
    found = edges(mermaid_diagram({"network.yaml": network}))
    assert "PrivateSubnet1 -.-> VPC_endpoints" in found
    assert "PrivateSubnet2 -.-> VPC_endpoints" not in found


def test_endpoints_and_nat_together_ecr_via_endpoints_third_party_via_nat() -> None:
    network = load_template(TEMPLATES / "network.yaml")
    network["Resources"].update(
        {k: v for k, v in endpoints_network()["Resources"].items() if v["Type"] == "AWS::EC2::VPCEndpoint"}
    )
    service = third_party_service()
    definitions = service["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    ecr_image = {"Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/proxy:1"}
    definitions.append({"Name": "proxy", "Image": ecr_image})  # a second container, from ECR
    found = edges(mermaid_diagram({"network.yaml": network, "service.yaml": service}))
    assert "InternetGateway -.-> ext_third_party" in found
    assert "VPC_endpoints -.-> ext_ecr" in found
    assert "InternetGateway -.-> ext_ecr" not in found


def test_interface_endpoints_without_private_dns_carry_no_ecr_traffic() -> None:
    # As the checker sees it (E9003): tasks resolve ECR's public names and never use the endpoint.
    network = endpoints_network()
    for logical in ("EcrApiEndpoint", "EcrDkrEndpoint", "LogsEndpoint"):
        network["Resources"][logical]["Properties"]["PrivateDnsEnabled"] = False
    found = edges(
        mermaid_diagram({"network.yaml": network, "service.yaml": load_template(TEMPLATES / "service-alb.yaml")})
    )
    assert "PrivateSubnet1 -.-> VPC_endpoints" in found  # the S3 gateway endpoint still serves the route table
    assert "VPC_endpoints -.-> ext_ecr" not in found
    assert "Service -. no route .-> ext_ecr" in found


def test_endpoint_service_names_in_every_spelling() -> None:
    # Fn::Sub, Fn::Join with "" and Fn::Join with "." (com.amazonaws.<region>.logs).
    text = mermaid_for_files([FIXTURES / "E9003-good.yaml"])
    assert nodes(text)["VPC_endpoints"] == "VPC endpoints (s3, ecr.api, ecr.dkr, logs)"


def test_third_party_registry_without_nat_has_no_route() -> None:
    text = mermaid_diagram({"network.yaml": endpoints_network(), "service.yaml": third_party_service()})
    assert "Service -. no route .-> ext_third_party" in edges(text)
    assert "ext_ecr" not in text


# Scheduled tasks.


def test_scheduled_tasks_sit_in_their_private_subnets() -> None:
    text = mermaid_for_files([FIXTURES / "E9003-good-scheduled.yaml"])
    assert placement(text)["Rule"] == placement(text)["Schedule"] == ("VPC", "VPC_private")
    assert nodes(text)["Rule"] == "Rule (scheduled Fargate task, private IPs only)"
    assert nodes(text)["Schedule"] == "Schedule (scheduled Fargate task, private IPs only)"
    assert edges(text)[-4:] == [
        "Rule --- PrivateSubnet1",
        "Schedule --- PrivateSubnet1",
        "PrivateSubnet1 -.-> VPC_endpoints",
        "VPC_endpoints -.-> ext_ecr",
    ]


def test_scheduled_task_pulling_from_a_third_party_registry_without_nat() -> None:
    found = edges(mermaid_for_files([FIXTURES / "E9008-bad-scheduled.yaml"]))
    assert {"Rule -. no route .-> ext_third_party", "Schedule -. no route .-> ext_third_party"} <= set(found)


# Registries.


def test_repository_credentials_mean_a_third_party_registry() -> None:
    text = mermaid_diagram(
        {"network.yaml": load_template(TEMPLATES / "network.yaml"), "service.yaml": third_party_service()}
    )
    assert nodes(text)["ext_third_party"] == "Third-party registry"
    assert placement(text)["ext_third_party"] == ()
    assert "InternetGateway -.-> ext_third_party" in edges(text)
    assert "ext_ecr" not in text


def test_credentials_win_over_an_ecr_looking_image() -> None:
    service = load_template(TEMPLATES / "service-alb.yaml")
    container(service)["RepositoryCredentials"] = {
        "CredentialsParameter": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:x"
    }
    assert "ext_third_party" in nodes(mermaid_diagram({"service.yaml": service}))


def test_non_ecr_image_without_credentials_is_third_party() -> None:
    service = load_template(TEMPLATES / "service-alb.yaml")
    container(service)["Image"] = "ghcr.io/example/app:1.0.0"
    assert set(nodes(mermaid_diagram({"service.yaml": service}))) >= {"ext_third_party"}
    assert "ext_ecr" not in nodes(mermaid_diagram({"service.yaml": service}))


# IDs.


def test_shared_logical_ids_are_prefixed_with_the_template_stem() -> None:
    text = mermaid_diagram(load("network.yaml", "network-single-nat.yaml"))
    ids = nodes(text)
    assert {"network_InternetGateway", "network_single_nat_InternetGateway", "NatGateway1", "NatGateway"} <= set(ids)
    assert ids["network_single_nat_PublicSubnet1"] == "network-single-nat/PublicSubnet1 (AZ 1)"
    assert 'subgraph network_single_nat_VPC["network-single-nat/VPC 10.0.0.0/16"]' in text
    assert "NatGateway -.-> network_single_nat_InternetGateway" in edges(text)


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
