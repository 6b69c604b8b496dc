"""The shared front door and the services attached to it: templates, routing config, priorities, the E9020 check."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import ROOT, lint_findings, resources_of_type

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.cli import main
from fargate_private_templates.config.front_door import FrontDoorConfig
from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.priorities import (
    CERTIFICATES_PER_LOAD_BALANCER,
    RULES_PER_LOAD_BALANCER,
    assign_priorities,
    band,
)
from fargate_private_templates.config.routing import RoutingOptions
from fargate_private_templates.config.service import ScalingOptions, ServiceConfig
from fargate_private_templates.errors import ConfigError
from fargate_private_templates.layers import build_front_door, build_service
from fargate_private_templates.render import ordered_dict, render_yaml
from fargate_private_templates.render.loader import load_template

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
SHARED = LoadBalancerOptions(kind="shared")


def shared(name: str, **routing: object) -> ServiceConfig:
    return ServiceConfig(name=name, load_balancer=SHARED, routing=RoutingOptions(**routing))


def ingress(config: FrontDoorConfig | None = None) -> dict:
    return ordered_dict(build_front_door(config))


def one(template: dict, resource_type: str) -> dict:
    (resource,) = resources_of_type(template, resource_type).values()
    return resource["Properties"]


# --- the front-door stack -----------------------------------------------------------------------------------------


def test_front_door_is_an_internet_facing_alb_in_the_public_subnets_with_a_404_default() -> None:
    template = ingress()
    balancer = one(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert balancer["Scheme"] == "internet-facing" and balancer["Type"] == "application"
    assert "NetworkStackName}-PublicSubnetIds" in str(balancer["Subnets"])
    attributes = {a["Key"]: a["Value"] for a in balancer["LoadBalancerAttributes"] if "Key" in a}
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["routing.http.desync_mitigation_mode"] == "defensive"
    listeners = {
        listener["Properties"]["Protocol"]: listener["Properties"]
        for listener in resources_of_type(template, "AWS::ElasticLoadBalancingV2::Listener").values()
    }
    assert listeners["HTTPS"]["DefaultActions"][0]["FixedResponseConfig"]["StatusCode"] == "404"
    assert listeners["HTTPS"]["SslPolicy"].startswith("ELBSecurityPolicy-TLS13")
    assert listeners["HTTP"]["DefaultActions"][0]["Type"] == "redirect"
    assert lint_findings(render_yaml(build_front_door())) == []


def test_internal_front_door_sits_in_the_private_subnets() -> None:
    balancer = one(ingress(FrontDoorConfig(internal=True)), "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert balancer["Scheme"] == "internal" and "PrivateSubnetIds" in str(balancer["Subnets"])


def test_front_door_group_admits_only_the_allow_list_on_the_listener_ports_and_has_no_egress() -> None:
    config = FrontDoorConfig(allowed_cidrs=("203.0.113.0/24",), allowed_prefix_lists=("pl-0123456789abcdef0",))
    group = one(ingress(config), "AWS::EC2::SecurityGroup")
    sources = {(r["FromPort"], r.get("CidrIp") or r.get("SourcePrefixListId")) for r in group["SecurityGroupIngress"]}
    assert sources == {
        (443, "203.0.113.0/24"),
        (80, "203.0.113.0/24"),
        (443, "pl-0123456789abcdef0"),
        (80, "pl-0123456789abcdef0"),
    }
    # One rule that matches nothing: CloudFormation then adds no allow-all egress; services add theirs.
    (egress,) = group["SecurityGroupEgress"]
    assert (egress["CidrIp"], egress["IpProtocol"]) == ("255.255.255.255/32", "icmp")


def test_front_door_waf_is_optional_and_exports_what_services_need() -> None:
    template = ingress()
    (association,) = resources_of_type(template, "AWS::WAFv2::WebACLAssociation").values()
    assert association["Condition"] == "HasWebAcl" and template["Parameters"]["WebAclArn"]["Default"] == ""
    exported = [o["Export"]["Name"]["Fn::Sub"].split("-", 1)[1] for o in template["Outputs"].values()]
    assert exported == [
        "HttpsListenerArn",
        "LoadBalancerSecurityGroupId",
        "LoadBalancerFullName",
        "LoadBalancerDnsName",
        "LoadBalancerCanonicalHostedZoneId",
    ]


@pytest.mark.parametrize(
    ("kwargs", "starts"),
    [
        ({"allowed_cidrs": ("10.0.0.1/24",)}, "allowed_cidrs: '10.0.0.1/24'"),
        ({"allowed_cidrs": "0.0.0.0/0"}, "allowed_cidrs: '0.0.0.0/0' is not a list"),
        ({"allowed_prefix_lists": ("prefix",)}, "allowed_prefix_lists: 'prefix'"),
        ({"allowed_cidrs": (), "allowed_prefix_lists": ()}, "allowed_cidrs, allowed_prefix_lists: both empty"),
        ({"certificate_arn": "cert"}, "certificate_arn: 'cert'"),
        ({"internal": "yes"}, "internal: 'yes'"),
    ],
)
def test_bad_front_door_configs_name_the_field(kwargs: dict, starts: str) -> None:
    with pytest.raises(ConfigError) as caught:
        FrontDoorConfig(**kwargs)
    assert str(caught.value).startswith(starts), caught.value


# --- a service attached to the front door ------------------------------------------------------------------------


def test_attached_service_adds_a_rule_its_own_certificate_and_one_egress_rule_and_no_load_balancer() -> None:
    config = dataclasses.replace(
        shared("api", hosts=("api.example.com",), paths=("/v1/*",), priority=7),
        load_balancer=LoadBalancerOptions(kind="shared", certificate_arn=CERTIFICATE),
        scaling=ScalingOptions(target_requests_per_target=100),
    )
    template = ordered_dict(build_service(config))
    assert not resources_of_type(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    rule = one(template, "AWS::ElasticLoadBalancingV2::ListenerRule")
    assert (
        rule["Priority"] == {"Ref": "ListenerRulePriority"}
        and template["Parameters"]["ListenerRulePriority"]["Default"] == 7
    )
    assert "IngressStackName}-HttpsListenerArn" in str(rule["ListenerArn"])
    assert template["Parameters"]["HostHeaders"]["Default"] == "api.example.com"
    assert template["Parameters"]["PathPatterns"]["Default"] == "/v1/*"
    certificate = next(iter(resources_of_type(template, "AWS::ElasticLoadBalancingV2::ListenerCertificate").values()))
    assert certificate["Condition"] == "HasExtraCertificate"
    egress = one(template, "AWS::EC2::SecurityGroupEgress")
    assert "LoadBalancerSecurityGroupId" in str(egress["GroupId"])
    assert (egress["FromPort"], egress["ToPort"]) == (8080, 8080)
    assert egress["DestinationSecurityGroupId"] == {"Fn::GetAtt": ["TaskSecurityGroup", "GroupId"]}
    ingress_rule = one(template, "AWS::EC2::SecurityGroupIngress")
    assert "LoadBalancerSecurityGroupId" in str(ingress_rule["SourceSecurityGroupId"])
    service = one(template, "AWS::ECS::Service")
    assert service["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] == "DISABLED"
    # ECS registers tasks only in a target group that a listener rule already forwards to.
    assert resources_of_type(template, "AWS::ECS::Service")["Service"]["DependsOn"] == ["ListenerRule"]
    scaling = resources_of_type(template, "AWS::ApplicationAutoScaling::ScalingPolicy")["RequestCountScalingPolicy"]
    label = scaling["Properties"]["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]
    assert "LoadBalancerFullName" in str(label["ResourceLabel"])
    assert "LoadBalancerDnsName" not in template["Outputs"]
    assert lint_findings(render_yaml(build_service(config))) == []


def test_a_rule_that_could_match_everything_is_refused_in_the_template_too() -> None:
    template = ordered_dict(build_service(shared("web", hosts=("www.example.com",))))
    (assertion,) = template["Rules"]["HostOrPathGiven"]["Assertions"]
    assert "Fn::Or" in assertion["Assert"]


@pytest.mark.parametrize(
    ("config", "starts"),
    [
        (lambda: shared("web"), "routing.hosts, routing.paths: a service on a shared front door"),
        (lambda: ServiceConfig(routing=RoutingOptions(hosts=("a.example.com",))), "routing: only used with"),
        (lambda: RoutingOptions(hosts=("example",)), "routing.hosts: 'example'"),
        (lambda: RoutingOptions(hosts=("a.example.com\n",)), "routing.hosts:"),
        (lambda: RoutingOptions(paths=("/a b",)), "routing.paths: '/a b'"),
        (lambda: RoutingOptions(paths="/api/*"), "routing.paths: '/api/*' is not a list"),
        (lambda: RoutingOptions(paths=("/a", "/a")), "routing.paths:"),
        (lambda: RoutingOptions(paths=("/a", "/b", "/c", "/d")), "routing.paths: 4 values given; an ALB condition"),
        (
            lambda: RoutingOptions(hosts=("a.example.com", "b.example.com", "c.example.com"), paths=("/a", "/b", "/c")),
            "routing.hosts, routing.paths: 6 values given",
        ),
        (lambda: RoutingOptions(priority=0), "routing.priority: 0"),
        (lambda: RoutingOptions(priority=50_001), "routing.priority: 50001"),
        (
            lambda: ServiceConfig(load_balancer=LoadBalancerOptions(kind="shared", listener_port=8443)),
            "load_balancer.listener_port: 8443",
        ),
        (
            lambda: ServiceConfig(load_balancer=LoadBalancerOptions(kind="shared", deletion_protection=True)),
            "load_balancer.deletion_protection: not used",
        ),
    ],
)
def test_bad_routing_names_the_fields(config, starts: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config()
    assert str(caught.value).startswith(starts), caught.value


def test_routing_bounds_are_accepted() -> None:
    routing = RoutingOptions(hosts=("*.example.com", "a.example.com"), paths=("/a", "/b", "/c"), priority=50_000)
    assert routing.priority == 50_000 and len(routing.hosts) + len(routing.paths) == 5
    assert RoutingOptions(priority=1).priority == 1


# --- priorities --------------------------------------------------------------------------------------------------


def test_more_specific_rules_get_lower_priorities() -> None:
    services = assign_priorities(
        [
            shared("wild", hosts=("*.example.com",)),
            shared("docs", paths=("/docs/*",)),
            shared("deep", paths=("/docs/v2/*",)),
            shared("web", hosts=("www.example.com",)),
            shared("api", hosts=("www.example.com",), paths=("/api/*",)),
            shared("wild-api", hosts=("*.example.com",), paths=("/api/*",)),
        ]
    )
    order = [s.name for s in sorted(services, key=lambda s: s.routing.priority)]
    assert order == ["api", "web", "wild-api", "deep", "docs", "wild"]
    assert [band(s.routing) for s in services] == [4, 3, 3, 1, 0, 2]


def test_priorities_are_stable_when_services_come_and_go() -> None:
    first = {
        s.name: s.routing.priority
        for s in assign_priorities([shared("a", paths=("/a/*",)), shared("b", hosts=("b.example.com",))])
    }
    more = assign_priorities(
        [shared("c", paths=("/c/*",)), shared("a", paths=("/a/*",)), shared("b", hosts=("b.example.com",))]
    )
    assert {s.name: s.routing.priority for s in more if s.name in first} == first
    fewer = assign_priorities([shared("b", hosts=("b.example.com",))])
    assert fewer[0].routing.priority == first["b"]


def test_duplicate_explicit_priorities_name_both_services() -> None:
    with pytest.raises(ConfigError, match="services 'one' and 'two' both take listener rule priority 10"):
        assign_priorities([shared("one", paths=("/a",), priority=10), shared("two", paths=("/b",), priority=10)])


def test_a_computed_priority_landing_on_an_explicit_one_is_refused() -> None:
    (computed,) = assign_priorities([shared("web", paths=("/web/*",))])
    taken = computed.routing.priority
    with pytest.raises(ConfigError, match=f"'pinned' and 'web' both take listener rule priority {taken}.*set routing"):
        assign_priorities([shared("web", paths=("/web/*",)), shared("pinned", paths=("/p",), priority=taken)])


def test_front_doors_are_counted_apart_and_quotas_named() -> None:
    many = [shared(f"s{i}", paths=(f"/s{i}/*",), priority=i + 1) for i in range(RULES_PER_LOAD_BALANCER + 1)]
    with pytest.raises(ConfigError, match="quota 'rules per Application Load Balancer' is 100"):
        assign_priorities(many)
    other = [dataclasses.replace(s, routing=dataclasses.replace(s.routing, front_door="other")) for s in many[:50]]
    assert len(assign_priorities(many[50:] + other)) == len(many)
    certificates = [
        dataclasses.replace(
            s,
            load_balancer=LoadBalancerOptions(
                kind="shared", certificate_arn=CERTIFICATE.replace("12345678-1234", f"{i:08d}-1234")
            ),
        )
        for i, s in enumerate(many[: CERTIFICATES_PER_LOAD_BALANCER + 1])
    ]
    with pytest.raises(ConfigError, match="quota 'certificates per Application Load Balancer' is 25"):
        assign_priorities(certificates)


# --- the example and the cross-stack check ------------------------------------------------------------------------


def test_shared_alb_example_renders_one_load_balancer_and_distinct_priorities(tmp_path: Path, capsys) -> None:
    assert main(["render", "--config", str(ROOT / "examples" / "shared-alb.toml"), "--out", str(tmp_path)]) == 0
    templates = {p.name: load_template(p) for p in sorted(tmp_path.glob("*.yaml"))}
    balancers = [
        n for n, t in templates.items() for r in t["Resources"].values() if r["Type"].endswith("::LoadBalancer")
    ]
    assert balancers == ["ingress.yaml"]
    priorities = [
        t["Parameters"]["ListenerRulePriority"]["Default"] for n, t in templates.items() if n.startswith("service-")
    ]
    assert len(priorities) == 3 == len(set(priorities))
    assert main(["check", *map(str, sorted(tmp_path.glob("*.yaml")))]) == 0


def test_two_attached_services_with_one_priority_fail_the_check_naming_both(tmp_path: Path, capsys) -> None:
    for name, path in (("web", "/web/*"), ("shop", "/shop/*")):
        config = shared(name, paths=(path,), priority=100)
        (tmp_path / f"service-{name}.yaml").write_text(render_yaml(build_service(config)))
    files = [
        ROOT / "templates" / "network.yaml",
        ROOT / "templates" / "ingress-alb.yaml",
        *sorted(tmp_path.glob("*.yaml")),
    ]
    capsys.readouterr()
    assert main(["check", *map(str, files)]) == 1
    out = capsys.readouterr().out
    assert "service-shop.yaml:ListenerRule: E9020 has priority 100 on a listener where " in out
    assert "service-web.yaml:ListenerRule" in out.split("service-shop.yaml:ListenerRule: E9020")[1]


def test_without_the_front_door_template_rules_on_the_same_imported_listener_still_clash() -> None:
    templates = {
        f"{name}.yaml": ordered_dict(build_service(shared(name, paths=(f"/{name}",), priority=5)))
        for name in ("a", "b")
    }
    assert {(f.template, f.rule_id) for f in check_dicts(templates).findings if f.rule_id == "E9020"} == {
        ("a.yaml", "E9020"),
        ("b.yaml", "E9020"),
    }
    other = ordered_dict(build_service(shared("b", paths=("/b",), priority=5, front_door="another-front-door")))
    assert not [
        f for f in check_dicts({"a.yaml": templates["a.yaml"], "b.yaml": other}).findings if f.rule_id == "E9020"
    ]


def test_a_priority_that_cannot_be_resolved_is_a_warning() -> None:
    template = ordered_dict(build_service(shared("web", paths=("/web",))))
    assert "Default" not in template["Parameters"]["ListenerRulePriority"]
    findings = [f for f in check_dicts({"web.yaml": template}).findings if "priority" in f.message]
    assert [(f.rule_id, f.logical_id) for f in findings] == [("W9009", "ListenerRule")]
