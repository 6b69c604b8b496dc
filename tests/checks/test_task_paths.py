"""Each task subnet's path, checked need by need."""

from __future__ import annotations

from conftest import check_template as check
from conftest import fixture as load


def test_a_path_names_no_security_groups_when_the_task_groups_are_not_in_the_templates() -> None:
    template = load("E9014-good.yaml")
    template["Parameters"] = {"TaskGroup": {"Type": "AWS::EC2::SecurityGroup::Id"}}
    configuration = template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    configuration["SecurityGroups"] = [{"Ref": "TaskGroup"}]
    report = check(template)
    assert [(f.logical_id, f.rule_id) for f in report.findings] == [("Service", "W9009")]
    (path,) = report.paths
    assert path.text.startswith("PrivateSubnet1 -> PrivateRouteTable1 -> VPC endpoints (")
    assert path.groups == "" and "groups" not in path.as_dict() and "[" not in path.format_text()


def test_a_subnet_public_over_ipv6_is_an_e9002_and_its_path_names_no_groups() -> None:
    template = load("E9001-good.yaml")
    ipv6_default = {"DestinationIpv6CidrBlock": "::/0", "GatewayId": {"Ref": "InternetGateway"}}
    template["Resources"]["PrivateIpv6Route"] = {
        "Type": "AWS::EC2::Route",
        "Properties": {"RouteTableId": {"Ref": "PrivateRouteTable1"}, **ipv6_default},
    }
    report = check(template)
    assert [f.rule_id for f in report.findings] == ["E9002"]
    assert [p.groups for p in report.paths] == [""]
