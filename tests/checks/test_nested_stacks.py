"""Nested stacks: a child given (or beside its parent) is checked with the parameters its parent passes, and
``Fn::GetAtt Child.Outputs.X`` reads the child's output."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, run
from conftest import finding_ids as ids

from fargate_private_templates.checks import check_dicts, check_templates
from fargate_private_templates.checks.nested_stacks import NestedStacks, local_path, template_urls
from fargate_private_templates.checks.resolve import Resolver
from fargate_private_templates.checks.values import Located, ResourceRef, Unknown
from fargate_private_templates.render.loader import load_template

NESTED = FIXTURES / "nested"
THREE = [NESTED / "parent.yaml", NESTED / "network.yaml", NESTED / "service.yaml"]
PATHS = [
    f"PrivateSubnet{n} -> PrivateRouteTable -> NatGateway (in PublicSubnetOne) -> InternetGateway"
    for n in ("One", "Two")
]


def test_a_parent_with_a_network_child_and_a_service_child_prints_a_path_for_every_task_subnet(capsys) -> None:
    code, out, _ = run(capsys, "check", *map(str, THREE))
    assert code == 0
    assert "cannot resolve" not in out and " W9" not in out
    assert re.findall(r"^path: \S+network\.yaml:(.*?) \[", out, re.MULTILINE) == PATHS
    assert out.splitlines()[-1] == "1 service: 1 proven private, 0 not proven; 2 subnets checked: 0 errors, 0 warnings"


def test_a_parent_wiring_public_subnets_into_the_service_fails() -> None:
    report = check_templates([NESTED / "parent-public.yaml", *THREE[1:]])
    assert ids(report) == [("service.yaml", "Service", "E9002")] * 2
    assert report.findings[0].message.startswith(
        f"runs tasks in public subnet {NESTED / 'network.yaml'}:PublicSubnetOne"
    )


def test_children_named_by_a_relative_path_are_read_from_beside_the_parent() -> None:
    report = check_templates([NESTED / "parent-local.yaml"])
    assert report.findings == []
    assert list(report.sources) == [
        str(NESTED / name) for name in ("parent-local.yaml", "network.yaml", "service.yaml")
    ]
    assert [p.text for p in report.paths] == PATHS


def test_the_service_alone_or_with_its_network_but_no_parent_is_not_proven() -> None:
    report = check_templates(THREE[1:])
    assert [f.rule_id for f in report.findings] == ["E9017", "W9009", "W9009", "W9016"]
    assert {f.message for f in report.findings[1:3]} == {
        "cannot resolve a subnet of this internet-facing load balancer: parameter PublicSubnets",
        "cannot resolve a subnet of its tasks: parameter PrivateSubnets",
    }


def test_an_output_the_child_lacks_or_a_parameter_not_passed_is_named() -> None:
    templates = {str(path): copy.deepcopy(load_template(path)) for path in THREE}
    parameters = templates[str(THREE[0])]["Resources"]["ServiceStack"]["Properties"]["Parameters"]
    parameters["PrivateSubnets"] = {"Fn::GetAtt": ["NetworkStack", "Outputs.TaskSubnets"]}
    del parameters["VpcId"]
    messages = [f.message for f in check_dicts(templates).findings if f.rule_id == "W9009"]
    assert messages == [
        f"cannot resolve a subnet of its tasks: output TaskSubnets of nested stack NetworkStack, which "
        f"{THREE[1]} lacks",
    ]
    stacks = NestedStacks(templates)
    service = str(THREE[2])
    assert stacks.parameter(service, "VpcId") == [
        Unknown("parameter VpcId, which nested stack ServiceStack does not pass")
    ]
    assert stacks.parameter(service, "ImageUrl") == [(service, "public.ecr.aws/nginx/nginx:stable")]
    assert stacks.parameter(service, "Nothing") is None
    assert stacks.parameter(str(THREE[0]), "TemplateBucket") is None


def test_a_child_under_two_stacks_binds_what_each_passes_even_after_one_that_passes_nothing() -> None:
    templates = {str(path): copy.deepcopy(load_template(path)) for path in THREE}
    resources = templates[str(THREE[0])]["Resources"]
    passing = resources.pop("ServiceStack")
    resources["BareServiceStack"] = {"Type": passing["Type"], "Properties": {"TemplateURL": "./service.yaml"}}
    resources["ServiceStack"] = passing
    service = str(THREE[2])
    assert NestedStacks(templates).parameter(service, "VpcId") == [
        Unknown("parameter VpcId, which nested stack BareServiceStack does not pass"),
        (service, Located(str(THREE[0]), {"Fn::GetAtt": ["NetworkStack", "Outputs.VpcId"]})),
    ]


def test_a_list_parameter_is_split_from_what_the_parent_passes() -> None:
    templates = {str(path): load_template(path) for path in THREE}
    (bound,) = NestedStacks(templates).parameter(str(THREE[2]), "PrivateSubnets")
    assert bound == (
        str(THREE[2]),
        {"Fn::Split": [",", Located(str(THREE[0]), {"Fn::GetAtt": ["NetworkStack", "Outputs.PrivateSubnets"]})]},
    )


def test_a_child_reading_itself_through_its_parent_is_unresolved_not_a_crash() -> None:
    templates = {str(path): copy.deepcopy(load_template(path)) for path in THREE}
    outputs = templates[str(THREE[2])]["Outputs"]
    outputs["Loop"] = {"Value": {"Ref": "VpcId"}}
    parameters = templates[str(THREE[0])]["Resources"]["ServiceStack"]["Properties"]["Parameters"]
    parameters["VpcId"] = {"Fn::GetAtt": ["ServiceStack", "Outputs.Loop"]}
    (value,) = Resolver(templates).scalar(str(THREE[2]), {"Ref": "VpcId"})
    assert isinstance(value, Unknown) and value.reason == "${VpcId}, which refers to itself"
    check_dicts(templates)


def test_the_image_a_parent_passes_counts_as_the_image() -> None:
    templates = {str(path): copy.deepcopy(load_template(path)) for path in THREE}
    parent = templates[str(THREE[0])]
    parent["Parameters"]["WebImage"] = {"Type": "String", "Default": "ghcr.io/example/web:1.0"}
    parent["Resources"]["ServiceStack"]["Properties"]["Parameters"]["ImageUrl"] = {"Ref": "WebImage"}
    network = templates[str(THREE[1])]["Resources"]
    del network["PrivateDefaultRoute"]
    messages = [f.message for f in check_dicts(templates).findings if f.rule_id == "E9008"]
    assert messages and messages[0].startswith(
        "container web pulls its image from ghcr.io (its image is parameter ImageUrl as its parent stack passes it)"
    )


URLS = {
    "a literal key": ("https://bucket.s3.amazonaws.com/fargate/network.yaml", True),
    "a bucket and key": ({"Fn::Sub": "https://${Bucket}.s3.amazonaws.com/${Key}network.yaml"}, True),
    "a version query": ("https://bucket.s3.amazonaws.com/network.yaml?versionId=3", True),
    "another file": ("https://bucket.s3.amazonaws.com/my-network.yaml", False),
    "a variable file": ({"Fn::Sub": "https://bucket.s3.amazonaws.com/${File}"}, False),
}


@pytest.mark.parametrize("case", sorted(URLS))
def test_a_template_url_names_a_given_template_by_its_file_name(case: str) -> None:
    url, bound = URLS[case]
    parent = {"Resources": {"Child": {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": url}}}}
    stacks = NestedStacks({"dir/parent.yaml": parent, "other/network.yaml": {"Resources": {}}})
    child = ResourceRef("dir/parent.yaml", "Child")
    assert (child in stacks.children) == bound and (child in stacks.unbound) != bound


def test_local_paths_are_relative_to_the_parent_and_urls_are_not_paths() -> None:
    assert local_path("a/b/parent.yaml", "../network.yaml") == str(Path("a/network.yaml"))
    assert local_path("parent.yaml", "./service.yaml") == "service.yaml"
    for url in ("https://b.s3.amazonaws.com/x.yaml", "s3://b/x.yaml", "${Url}", ""):
        assert local_path("parent.yaml", url) is None
    assert template_urls({"TemplateURL": {"Fn::If": ["C", "a.yaml", "b.yaml"]}}) == ["a.yaml", "b.yaml"]
    assert template_urls({}) == []


def test_an_output_of_a_stack_whose_template_is_not_given_is_unresolved_once() -> None:
    parent = load_template(NESTED / "parent.yaml")
    (value,) = Resolver({"parent.yaml": parent}).scalar(
        "parent.yaml", {"Fn::GetAtt": ["NetworkStack", "Outputs.VpcId"]}
    )
    assert value == Unknown(
        "output VpcId of nested stack NetworkStack (https://${TemplateBucket}.s3.${AWS::Region}.${AWS::URLSuffix}/"
        "${TemplatePrefix}network.yaml, not given)",
        missing_import=True,
    )
    stacks = NestedStacks({"parent.yaml": parent})
    assert stacks.output("parent.yaml", ["NetworkStack", "Arn"]) is None
    assert stacks.output("parent.yaml", "malformed") is None


def test_outputs_of_a_child_without_outputs_or_of_a_resource_that_is_no_stack_are_unresolved() -> None:
    templates = {str(path): copy.deepcopy(load_template(path)) for path in THREE}
    del templates[str(THREE[1])]["Outputs"]
    stacks = NestedStacks(templates)
    parent = str(THREE[0])
    assert stacks.output(parent, ["NetworkStack", "Outputs.TaskSubnets"]) == [
        Unknown(f"output TaskSubnets of nested stack NetworkStack, which {THREE[1]} lacks")
    ]
    assert stacks.output(parent, ["ServiceStack", "Outputs.Anything"]) == [
        Unknown(f"output Anything of nested stack ServiceStack, which {THREE[2]} lacks")
    ]
    # A resource that is no nested stack has no outputs to read: not such a read.
    assert stacks.output(parent, ["NotAStack", "Outputs.X"]) is None
