"""Sharing the network with other accounts: subnets through AWS RAM and a role that reads the stack's outputs."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT, doc, resources_of_type
from conftest import check_files as _check
from conftest import network_dict as _network
from conftest import render_example as _render

from fargate_private_templates.render.loader import load_template


def test_no_sharing_unless_configured() -> None:
    template = _network("per_az", 2)
    assert not resources_of_type(template, "AWS::RAM::ResourceShare")
    assert "OutputReaderRoleArn" not in template["Outputs"]


def test_subnets_are_shared_through_ram_with_the_configured_principals() -> None:
    principals = ("111122223333", "arn:aws:organizations::111122223333:organization/o-abcdefghij")
    template = _network("per_az", 3, share_with=principals)
    (share,) = resources_of_type(template, "AWS::RAM::ResourceShare").values()
    props = share["Properties"]
    assert props["Principals"] == list(principals) and props["AllowExternalPrincipals"] is False
    subnets = sorted(resources_of_type(template, "AWS::EC2::Subnet"))
    arns = sorted(arn["Fn::Sub"] for arn in props["ResourceArns"])
    prefix = "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:subnet/"
    assert arns == sorted(f"{prefix}${{{s}}}" for s in subnets)


def test_output_reader_role_may_only_describe_this_stack_and_trusts_only_the_shared_principals() -> None:
    principals = ("444455556666", "arn:aws:organizations::111122223333:ou/o-abcdefghij/ou-ab12-cdefghij")
    template = _network("per_az", 2, share_with=principals, output_reader_role=True)
    role = template["Resources"]["OutputReaderRole"]["Properties"]
    (policy,) = role["Policies"]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Action"] == ["cloudformation:DescribeStacks"]
    assert statement["Resource"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/${AWS::StackName}/*"}
    ]
    accounts, organization_unit = role["AssumeRolePolicyDocument"]["Statement"]
    assert accounts["Principal"] == {"AWS": [{"Fn::Sub": "arn:${AWS::Partition}:iam::444455556666:root"}]}
    assert organization_unit["Principal"] == {"AWS": "*"}
    assert organization_unit["Condition"] == {
        "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-abcdefghij/*/ou-ab12-cdefghij/*"]}
    }
    assert template["Outputs"]["OutputReaderRoleArn"]["Value"] == {"Fn::GetAtt": ["OutputReaderRole", "Arn"]}


def test_multi_account_network_shares_its_subnets_and_passes_the_checker(tmp_path: Path, capsys) -> None:
    out = _render(tmp_path, "multi-account.toml", capsys)
    network = load_template(out / "network.yaml")
    (share,) = resources_of_type(network, "AWS::RAM::ResourceShare").values()
    assert share["Properties"]["Principals"] == ["111122223333", "444455556666"]
    assert len(share["Properties"]["ResourceArns"]) == 6
    assert "OutputReaderRoleArn" in network["Outputs"]
    service = load_template(out / "service-shop.yaml")
    (cluster,) = resources_of_type(service, "AWS::ECS::Cluster").values()
    assert cluster["Condition"] == "NetworkStackIsRemote"
    (ecs_service,) = resources_of_type(service, "AWS::ECS::Service").values()
    condition, local, remote = ecs_service["Properties"]["Cluster"]["Fn::If"]
    assert condition == "NetworkStackIsRemote" and local == {"Fn::GetAtt": ["Cluster", "Arn"]}
    assert remote["Fn::GetStackOutput"]["OutputName"] == "ClusterArn"
    code, printed = _check(capsys, out / "network.yaml", out / "service-shop.yaml")
    assert code == 0 and "0 errors" in printed


def test_the_multi_account_guide_turns_on_organization_sharing_before_any_deploy_step() -> None:
    page = doc("operations.md")
    section = page[page.index("### Many accounts: a shared network") :]
    section = section[: section.index("\n### ", 1)]
    enable = section.index("aws ram enable-sharing-with-aws-organization")
    assert "management account" in section[:enable]
    assert enable < section.index("`share_with`") < section.index("deployed with")
    example = (ROOT / "examples" / "multi-account.toml").read_text(encoding="utf-8")
    assert example.index("aws ram enable-sharing-with-aws-organization") < example.index("deploy.sh (network.yaml)")
