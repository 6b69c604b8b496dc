"""The workloads that start Fargate tasks (services, EventBridge rules and Scheduler schedules), their network
configuration, and where their findings point."""

from __future__ import annotations

import copy
import json
import sys

import pytest
from conftest import NAT_PATH_1, NAT_PATH_2, PAIR, ROOT, TEMPLATES, fixture
from conftest import check_fixtures as check
from conftest import finding_ids as ids
from conftest import first_container as container
from conftest import fixture as load
from conftest import rule_messages as messages

from fargate_private_templates.checks import CheckReport, check_dicts
from fargate_private_templates.checks.report import LauncherProof
from fargate_private_templates.render.loader import load_template

AWSVPC_OF = {
    "Rule": ("Targets", 0, "EcsParameters", "NetworkConfiguration", "AwsVpcConfiguration"),
    "Schedule": ("Target", "EcsParameters", "NetworkConfiguration", "AwsvpcConfiguration"),
}


def awsvpc_of(template: dict, logical_id: str) -> dict:
    node = template["Resources"][logical_id]["Properties"]
    for key in AWSVPC_OF[logical_id]:
        node = node[key]
    return node


def scheduled_task_example() -> dict:
    """``examples/scheduled_task.py``'s template as a long-form dict."""
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import scheduled_task
    finally:
        sys.path.remove(str(ROOT / "examples"))
    from fargate_private_templates.render import ordered_dict

    return ordered_dict(scheduled_task.build_scheduled_task())


def test_scheduled_e9001_says_which_value_and_points_at_each_target() -> None:
    report = check("E9001-bad-scheduled.yaml")
    assert [f.message for f in report.findings] == [
        "AssignPublicIp is ENABLED in a Fn::If branch: its tasks get public IPs",
        "AssignPublicIp is ENABLED: its tasks get public IPs",
    ]
    assert [f.location for f in report.findings] == [
        ("Resources", logical_id, "Properties", *AWSVPC_OF[logical_id], "AssignPublicIp")
        for logical_id in ("Rule", "Schedule")
    ]


def test_scheduled_e9008_follows_each_task_definition_arn() -> None:
    messages = [f.message for f in check("E9008-bad-scheduled.yaml").findings]
    assert [m.split(", but subnet ")[0] for m in messages] == [
        "container job pulls with RepositoryCredentials (a registry outside ECR)",
        "container job pulls its image from docker.io",
    ]


def test_scheduled_tasks_are_counted_apart_from_services() -> None:
    report = check("E9001-good-scheduled.yaml")
    assert (report.services_checked, report.scheduled_tasks_checked, report.subnets_checked) == (0, 2, 1)
    assert (
        report.summary() == "2 scheduled tasks: 2 proven private, 0 not proven; 1 subnet checked: 0 errors, 0 warnings"
    )
    both = check_dicts({"service.yaml": fixture("E9002-bad.yaml"), "jobs.yaml": fixture("W9001-bad-scheduled.yaml")})
    assert both.summary() == (
        "1 service, 2 scheduled tasks: 2 proven private, 1 not proven; 2 subnets checked: 1 error, 2 warnings"
    )
    assert json.loads(both.format_json())["summary"] == {
        "launchers": {"services": 1, "scheduled_tasks": 2},
        "proven_private": 2,
        "not_proven": 1,
        "services": 1,
        "scheduled_tasks": 2,
        "subnets": 2,
        "errors": 1,
        "warnings": 2,
    }
    one = CheckReport(
        launchers=[LauncherProof("t", "S", "service", True), LauncherProof("t", "R", "scheduled task", False)],
        subnets_checked=1,
    )
    assert one.summary() == (
        "1 service, 1 scheduled task: 1 proven private, 1 not proven; 1 subnet checked: 0 errors, 0 warnings"
    )


def test_rule_with_several_ecs_targets_names_the_target() -> None:
    template = fixture("E9001-good-scheduled.yaml")
    targets = template["Resources"]["Rule"]["Properties"]["Targets"]
    second = copy.deepcopy(targets[0])
    second["Id"] = "cleanup"
    second["EcsParameters"]["NetworkConfiguration"]["AwsVpcConfiguration"]["AssignPublicIp"] = "ENABLED"
    targets.append(second)
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Rule", "E9001")]
    assert report.findings[0].message == "target cleanup: AssignPublicIp is ENABLED: its tasks get public IPs"
    assert report.findings[0].location[3:5] == ("Targets", 1)
    assert report.scheduled_tasks_checked == 3
    # A target whose Id is not spelled out is named by its position.
    second["Id"] = {"Fn::Sub": "${AWS::StackName}-cleanup"}
    report = check_dicts({"app.yaml": template})
    assert report.findings[0].message == "target #1: AssignPublicIp is ENABLED: its tasks get public IPs"


def test_rule_targets_without_ecs_parameters_are_not_tasks() -> None:
    template = fixture("E9001-good-scheduled.yaml")
    targets = template["Resources"]["Rule"]["Properties"]["Targets"]
    targets.append({"Id": "notify", "Arn": {"Ref": "ScheduleRoleArn"}})
    report = check_dicts({"app.yaml": template})
    assert report.findings == []
    assert report.scheduled_tasks_checked == 2


def test_fn_if_around_a_schedule_target_checks_both_branches_and_counts_once() -> None:
    template = fixture("E9001-good-scheduled.yaml")
    properties = template["Resources"]["Schedule"]["Properties"]
    public = copy.deepcopy(properties["Target"])
    public["EcsParameters"]["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] = "ENABLED"
    properties["Target"] = {"Fn::If": ["IsProduction", properties["Target"], public]}
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Schedule", "E9001")]
    assert report.scheduled_tasks_checked == 2


@pytest.mark.parametrize("logical_id", ["Rule", "Schedule"])
def test_fargate_target_without_network_configuration_is_e9001_but_ec2_is_not(logical_id: str) -> None:
    template = fixture("E9001-good-scheduled.yaml")
    parameters = template["Resources"][logical_id]["Properties"]
    parameters = parameters["Targets"][0] if logical_id == "Rule" else parameters["Target"]
    parameters = parameters["EcsParameters"]
    del parameters["NetworkConfiguration"]
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", logical_id, "E9001")]
    assert report.findings[0].location == (
        "Resources",
        logical_id,
        "Properties",
        *AWSVPC_OF[logical_id][:-2],
        "NetworkConfiguration",
    )
    parameters["LaunchType"] = "EC2"
    assert ids(check_dicts({"app.yaml": template})) == []


def test_scheduled_task_subnet_from_a_parameter_is_a_warning() -> None:
    template = fixture("E9001-good-scheduled.yaml")
    template["Parameters"]["JobSubnet"] = {"Type": "AWS::EC2::Subnet::Id"}
    awsvpc_of(template, "Rule")["Subnets"] = [{"Ref": "JobSubnet"}]
    report = check_dicts({"app.yaml": template})
    # The rule's tasks are not proven private; the schedule's are, so the check does not fail.
    assert ids(report) == [("app.yaml", "Rule", "W9009"), ("app.yaml", "Rule", "W9016")]
    assert report.findings[0].message == "cannot resolve a subnet of its tasks: parameter JobSubnet"
    assert report.exit_code == 0


def test_scheduled_task_example_with_the_network_is_clean_and_prints_the_nat_paths() -> None:
    network = load_template(TEMPLATES / "network.yaml")
    report = check_dicts({"network.yaml": network, "scheduled-task.yaml": scheduled_task_example()})
    assert report.findings == []
    through = " [security groups scheduled-task.yaml:JobSecurityGroup -> the internet]"
    assert report.format_text() == (
        f"path: network.yaml:{NAT_PATH_1}{through}\n"
        f"path: network.yaml:{NAT_PATH_2}{through}\n"
        "1 scheduled task: 1 proven private, 0 not proven; 2 subnets checked: 0 errors, 0 warnings\n"
    )


def test_scheduled_task_example_with_a_public_ip_is_e9001_on_schedule() -> None:
    template = scheduled_task_example()
    # The example's EventBridge rule is the resource called Schedule.
    target = template["Resources"]["Schedule"]["Properties"]["Targets"][0]["EcsParameters"]
    target["NetworkConfiguration"]["AwsVpcConfiguration"]["AssignPublicIp"] = "ENABLED"
    report = check_dicts({"network.yaml": load_template(TEMPLATES / "network.yaml"), "scheduled-task.yaml": template})
    assert ids(report) == [("scheduled-task.yaml", "Schedule", "E9001")]
    assert report.findings[0].message == "AssignPublicIp is ENABLED: its tasks get public IPs"
    assert report.exit_code == 1


def test_a_task_subnet_naming_another_resource_is_named_without_its_template() -> None:
    template = load("E9012-good.yaml")
    network = template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    network["Subnets"] = [{"Ref": "TaskSecurityGroup"}]
    assert "cannot resolve a subnet of its tasks: TaskSecurityGroup" in messages(template, "W9009")


def test_a_load_balancer_subnet_naming_another_resource_is_named_without_its_template() -> None:
    template = load("E9004-good.yaml")
    template["Resources"]["LoadBalancer"]["Properties"]["Subnets"][0] = {"Ref": "VPC"}
    assert "cannot resolve a subnet of this internet-facing load balancer: VPC" in messages(template, "W9009")


def test_unresolved_locations_point_at_the_property() -> None:
    template = fixture("E9001-good.yaml")
    template["Parameters"]["TaskGroup"] = {"Type": "AWS::EC2::SecurityGroup::Id"}
    configuration = template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    configuration["SecurityGroups"] = [{"Ref": "TaskGroup"}]
    (finding,) = check_dicts({"app.yaml": template}).findings
    assert finding.location == (
        "Resources",
        "Service",
        "Properties",
        "NetworkConfiguration",
        "AwsvpcConfiguration",
        "SecurityGroups",
    )
    network = copy.deepcopy(load_template(PAIR / "network.yaml"))
    network["Outputs"]["VpcId"]["Export"]["Name"] = {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    (finding,) = check_dicts({"network.yaml": network}).findings
    assert finding.location == ("Outputs", "VpcId", "Export", "Name")


def test_a_template_nesting_itself_and_passing_its_parameter_back_ends_at_the_depth_bound() -> None:
    service = load("E9014-good.yaml")
    service.setdefault("Parameters", {})["Image"] = {"Type": "String"}
    container(service)["Image"] = {"Ref": "Image"}
    service["Resources"]["Again"] = {
        "Type": "AWS::CloudFormation::Stack",
        "Properties": {"TemplateURL": "service.yaml", "Parameters": {"Image": {"Ref": "Image"}}},
    }
    (finding,) = check_dicts({"service.yaml": service}).findings
    assert (finding.logical_id, finding.rule_id) == ("Service", "W9009")
    assert finding.message.startswith("cannot prove the registry is ECR: container app takes its whole image reference")
