"""E9021: with a CloudFront distribution among the templates, every load balancer in front of a service is internal and
reached by a VPC origin the distribution uses; without one, an internal load balancer stays valid."""

from __future__ import annotations

from conftest import check_template, fixture, report_findings

INTERNET_FACING = (
    "is internet-facing beside CloudFront distribution Distribution: viewers can reach it around the distribution, its "
    "web ACL and its TLS policy; make it internal, in the private subnets, behind a VPC origin"
)
NO_VPC_ORIGIN = (
    "is internal, but no VPC origin (AWS::CloudFront::VpcOrigin) points at it, so distribution Distribution cannot "
    "reach it"
)


def _good() -> dict:
    return fixture("E9021-good.yaml")


def _origin(template: dict) -> dict:
    return template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]["Origins"][0]


def _e9021(template: dict) -> list[tuple[str, str, str]]:
    return [f for f in report_findings(check_template(template)) if f[1] in ("E9021", "W9009")]


def test_an_internal_load_balancer_behind_a_used_vpc_origin_is_the_public_entry() -> None:
    report = check_template(_good())
    assert report.findings == [] and report.exit_code == 0


def test_an_internet_facing_load_balancer_beside_a_distribution_is_reported_at_its_scheme() -> None:
    (found,) = check_template(fixture("E9021-bad.yaml")).findings
    assert (found.logical_id, found.rule_id, found.message) == ("LoadBalancer", "E9021", INTERNET_FACING)
    assert found.location == ("Resources", "LoadBalancer", "Properties", "Scheme")


def test_a_load_balancer_without_a_scheme_is_internet_facing() -> None:
    template = fixture("E9021-bad.yaml")
    del template["Resources"]["LoadBalancer"]["Properties"]["Scheme"]
    assert _e9021(template) == [("LoadBalancer", "E9021", INTERNET_FACING)]


def test_a_scheme_that_cannot_be_read_is_left_to_e9004() -> None:
    template = _good()
    del template["Resources"]["VpcOrigin"]
    del _origin(template)["VpcOriginConfig"]
    template["Parameters"] = {"Scheme": {"Type": "String"}}
    template["Resources"]["LoadBalancer"]["Properties"]["Scheme"] = {"Ref": "Scheme"}
    assert [f for f in _e9021(template) if f[1] == "E9021"] == []


def test_a_vpc_origin_pointing_at_a_literal_arn_leaves_the_load_balancer_unproven() -> None:
    template = _good()
    template["Resources"]["VpcOrigin"]["Properties"]["VpcOriginEndpointConfig"]["Arn"] = "arn:aws:other"
    assert _e9021(template) == [
        (
            "LoadBalancer",
            "W9009",
            "cannot tell whether a VPC origin of distribution Distribution reaches it: the Arn of VPC origin "
            "VpcOrigin is arn:aws:other",
        )
    ]


def test_a_vpc_origin_removed_leaves_the_load_balancer_unreached() -> None:
    template = _good()
    del template["Resources"]["VpcOrigin"]
    del _origin(template)["VpcOriginConfig"]
    assert _e9021(template) == [("LoadBalancer", "E9021", NO_VPC_ORIGIN)]


def test_a_vpc_origin_no_distribution_uses_is_reported() -> None:
    template = _good()
    del _origin(template)["VpcOriginConfig"]
    assert _e9021(template) == [
        (
            "LoadBalancer",
            "E9021",
            "is reached by VPC origin VpcOrigin, but no distribution uses it (VpcOriginConfig.VpcOriginId of an "
            "origin of distribution Distribution): nothing reaches the service",
        )
    ]


def test_one_used_vpc_origin_among_several_is_enough() -> None:
    template = _good()
    unused = dict(template["Resources"]["VpcOrigin"])
    template["Resources"]["UnusedVpcOrigin"] = unused
    assert _e9021(template) == []


def test_an_unreadable_vpc_origin_arn_is_a_warning_not_an_error() -> None:
    template = _good()
    del _origin(template)["VpcOriginConfig"]
    config = template["Resources"]["VpcOrigin"]["Properties"]["VpcOriginEndpointConfig"]
    config["Arn"] = {"Fn::ImportValue": "other-LoadBalancerArn"}
    used = {"VpcOriginId": {"Fn::GetAtt": ["VpcOrigin", "Id"]}}
    origins = template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]["Origins"]
    origins.append({"Id": "Other", "DomainName": "x.example.com", "VpcOriginConfig": used})
    assert [f for f in _e9021(template) if f[0] == "LoadBalancer"] == [
        (
            "LoadBalancer",
            "W9009",
            "cannot tell whether a VPC origin of distribution Distribution reaches it: the Arn of VPC origin "
            "VpcOrigin is import other-LoadBalancerArn",
        )
    ]


def test_an_unreadable_vpc_origin_id_is_a_warning_not_an_error() -> None:
    template = _good()
    _origin(template)["VpcOriginConfig"]["VpcOriginId"] = {"Fn::ImportValue": "other-VpcOriginId"}
    assert [f for f in _e9021(template) if f[0] == "LoadBalancer"] == [
        (
            "LoadBalancer",
            "W9009",
            "cannot tell whether a VPC origin of distribution Distribution reaches it: a VpcOriginId of distribution "
            "Distribution is import other-VpcOriginId",
        )
    ]


def test_several_distributions_are_all_named() -> None:
    template = fixture("E9021-bad.yaml")
    template["Resources"]["SecondDistribution"] = template["Resources"]["Distribution"]
    (found,) = _e9021(template)
    assert found[2].startswith("is internet-facing beside CloudFront distributions Distribution, SecondDistribution:")


def test_without_a_distribution_an_internal_load_balancer_stays_valid() -> None:
    template = _good()
    del template["Resources"]["Distribution"]
    del template["Resources"]["VpcOrigin"]
    assert check_template(template).findings == []
    assert check_template(fixture("E9004-good-internal.yaml")).findings == []


def test_every_reason_a_vpc_origin_cannot_be_followed_is_given() -> None:
    template = _good()
    template["Resources"]["VpcOrigin"]["Properties"]["VpcOriginEndpointConfig"]["Arn"] = "arn:aws:other"
    _origin(template)["VpcOriginConfig"]["VpcOriginId"] = {"Fn::ImportValue": "other-VpcOriginId"}
    assert [f for f in _e9021(template) if f[0] == "LoadBalancer"] == [
        (
            "LoadBalancer",
            "W9009",
            "cannot tell whether a VPC origin of distribution Distribution reaches it: the Arn of VPC origin "
            "VpcOrigin is arn:aws:other; a VpcOriginId of distribution Distribution is import other-VpcOriginId",
        )
    ]
