"""Every launcher found once: pipes with an ECS target, and a warning where something may launch tasks unread (a
Scheduler universal target, a nested stack whose template is not given)."""

from __future__ import annotations

import copy

from conftest import FIXTURES
from conftest import finding_ids as ids

from fargate_private_templates.checks import check_dicts, check_templates
from fargate_private_templates.checks.launchers import find_launchers
from fargate_private_templates.checks.resolve import Resolver
from fargate_private_templates.render.loader import load_template

LAUNCHERS = FIXTURES / "launchers"
NETWORK = LAUNCHERS / "network.yaml"
PRIVATE, PUBLIC = "pipe-private.yaml", "pipe-public.yaml"


def pair(name: str = PRIVATE) -> dict[str, dict]:
    return {"network.yaml": load_template(NETWORK), name: copy.deepcopy(load_template(LAUNCHERS / name))}


def ecs_parameters(templates: dict[str, dict], name: str = PRIVATE) -> dict:
    return templates[name]["Resources"]["OrdersPipe"]["Properties"]["TargetParameters"]["EcsTaskParameters"]


def test_a_pipe_starting_tasks_with_public_ips_in_public_subnets_fails_naming_it() -> None:
    report = check_templates([NETWORK, LAUNCHERS / PUBLIC])
    assert ids(report) == [(PUBLIC, "OrdersPipe", "E9001")] + [(PUBLIC, "OrdersPipe", "E9002")] * 2
    assert report.findings[0].location[3:] == (
        "TargetParameters",
        "EcsTaskParameters",
        "NetworkConfiguration",
        "AwsvpcConfiguration",
        "AssignPublicIp",
    )
    assert report.exit_code == 1


def test_the_same_in_private_subnets_behind_nat_passes_with_a_path_for_each_subnet() -> None:
    report = check_templates([NETWORK, LAUNCHERS / PRIVATE])
    assert report.findings == [] and report.exit_code == 0
    assert [p.subnet for p in report.paths] == ["PrivateSubnet1", "PrivateSubnet2"]
    assert report.summary() == "1 pipe: 1 proven private, 0 not proven; 2 subnets checked: 0 errors, 0 warnings"


def test_a_value_a_pipe_reads_from_each_event_is_a_warning() -> None:
    templates = pair()
    configuration = ecs_parameters(templates)["NetworkConfiguration"]["AwsvpcConfiguration"]
    configuration["AssignPublicIp"] = "$.body.publicIp"
    report = check_dicts(templates)
    assert ids(report) == [
        (PRIVATE, "OrdersPipe", "E9017"),
        (PRIVATE, "OrdersPipe", "W9009"),
        (PRIVATE, "OrdersPipe", "W9016"),
    ]
    assert report.findings[1].message == (
        "cannot read AssignPublicIp: $.body.publicIp, a path the pipe reads from each event at run time"
    )
    assert report.findings[2].message == (
        "pipe not proven private: AssignPublicIp comes from $.body.publicIp, a path the pipe reads from each event at "
        "run time"
    )


def test_a_path_in_a_fn_if_branch_is_read_at_run_time_too_and_a_fn_sub_text_is_quoted_whole() -> None:
    templates = pair()
    templates[PRIVATE]["Conditions"] = {"Public": {"Fn::Equals": ["a", "b"]}}
    configuration = ecs_parameters(templates)["NetworkConfiguration"]["AwsvpcConfiguration"]
    configuration["AssignPublicIp"] = {"Fn::If": ["Public", "$.body.publicIp", "DISABLED"]}
    report = check_dicts(templates)
    assert [f.rule_id for f in report.findings] == ["E9017", "W9009", "W9016"]
    assert report.findings[1].message == (
        "cannot read AssignPublicIp: $.body.publicIp, a path the pipe reads from each event at run time"
    )
    configuration["AssignPublicIp"] = {"Fn::Sub": "$.body.${AWS::Region}"}
    report = check_dicts(templates)
    assert [(f.rule_id, f.message) for f in report.findings] == [
        ("E9001", "AssignPublicIp comes from Fn::Sub $.body.${AWS::Region}: cannot be proven DISABLED")
    ]


def test_a_pipe_without_ecs_parameters_launches_nothing() -> None:
    templates = pair()
    del templates[PRIVATE]["Resources"]["OrdersPipe"]["Properties"]["TargetParameters"]
    assert check_dicts(templates).launchers == []


def test_a_scheduler_universal_run_task_target_is_counted_and_not_proven() -> None:
    template = load_template(FIXTURES / "E9001-good-scheduled.yaml")
    target = template["Resources"]["Schedule"]["Properties"]["Target"]
    del target["EcsParameters"]
    # The ARN from the template's own mapping: the target is read in the schedule's template.
    template["Mappings"] = {"Targets": {"ecs": {"RunTask": "arn:aws:scheduler:::aws-sdk:ecs:runTask"}}}
    target["Arn"] = {"Fn::FindInMap": ["Targets", "ecs", "RunTask"]}
    target["Input"] = '{"Cluster": "c", "TaskDefinition": "t"}'
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Schedule", "W9009"), ("app.yaml", "Schedule", "W9016")]
    assert report.findings[0].location == ("Resources", "Schedule", "Properties", "Target", "NetworkConfiguration")
    assert report.findings[0].message == (
        "cannot read NetworkConfiguration: the Input JSON of a universal aws-sdk:ecs:runTask target, read only at run "
        "time; AssignPublicIp is not proven DISABLED"
    )
    assert report.summary().startswith("2 scheduled tasks: 1 proven private, 1 not proven")


def test_a_nested_stack_whose_template_is_not_given_is_a_warning() -> None:
    parent = load_template(FIXTURES / "nested" / "parent.yaml")
    report = check_dicts({"parent.yaml": parent})
    assert ids(report) == [("parent.yaml", "NetworkStack", "W9009"), ("parent.yaml", "ServiceStack", "W9009")]
    assert report.findings[0].message.startswith(
        "cannot read nested stack NetworkStack: its template (https://${TemplateBucket}.s3.${AWS::Region}."
        "${AWS::URLSuffix}/${TemplatePrefix}network.yaml) is not among the given templates"
    )
    assert report.findings[0].location == ("Resources", "NetworkStack", "Properties", "TemplateURL")


def test_find_launchers_reads_every_kind() -> None:
    templates = {
        name: load_template(LAUNCHERS / name) for name in (PRIVATE, "batch-private.yaml", "state-machine-private.yaml")
    }
    found = find_launchers(Resolver(templates))
    assert [(w.kind, w.ref.logical_id) for w in found.workloads] == [
        ("pipe", "OrdersPipe"),
        ("state machine", "ReportStateMachine"),
        ("Batch job", "JobDefinition"),
    ]
    assert found.findings == []


def test_a_pipes_capacity_providers_are_held_against_its_target_cluster() -> None:
    templates = pair()
    resources = templates[PRIVATE]["Resources"]
    resources["Cluster"]["Properties"] = {
        **resources["Cluster"].get("Properties", {}),
        "CapacityProviders": ["FARGATE"],
    }
    parameters = ecs_parameters(templates)
    parameters.pop("LaunchType", None)
    parameters["CapacityProviderStrategy"] = [{"CapacityProvider": "FARGATE_SPOT", "Weight": 1}]
    report = check_dicts(templates)
    assert ids(report) == [(PRIVATE, "OrdersPipe", "E9018")]


def test_a_nested_stack_whose_template_is_not_given_says_what_is_not_checked() -> None:
    parent = {
        "Resources": {
            "Network": {
                "Type": "AWS::CloudFormation::Stack",
                "Properties": {"TemplateURL": "https://b.s3.amazonaws.com/n.yaml"},
            }
        }
    }
    (finding,) = check_dicts({"parent.yaml": parent}).findings
    assert (finding.rule_id, finding.logical_id, finding.location) == (
        "W9009",
        "Network",
        ("Resources", "Network", "Properties", "TemplateURL"),
    )
    assert finding.message == (
        "cannot read nested stack Network: its template (https://b.s3.amazonaws.com/n.yaml) is not among the given "
        "templates, so what it launches is not checked and what is read from its outputs is unresolved; give that "
        "template too (its file name ending the TemplateURL, or the relative path it names)"
    )


def test_ecs_parameters_under_a_condition_are_read_in_the_pipes_template() -> None:
    templates = pair(PUBLIC)
    target = templates[PUBLIC]["Resources"]["OrdersPipe"]["Properties"]["TargetParameters"]
    target["EcsTaskParameters"] = {"Fn::If": ["Always", target["EcsTaskParameters"], {"Ref": "AWS::NoValue"}]}
    templates[PUBLIC].setdefault("Conditions", {})["Always"] = {"Fn::Equals": ["a", "a"]}
    assert ids(check_dicts(templates)) == [(PUBLIC, "OrdersPipe", "E9001")] + [(PUBLIC, "OrdersPipe", "E9002")] * 2


def test_the_images_a_pipe_starts_are_read_from_its_task_definition() -> None:
    templates = pair()
    del templates["network.yaml"]["Resources"]["PrivateDefaultRoute"]
    task_definition = templates[PRIVATE]["Resources"]["TaskDefinition"]["Properties"]
    task_definition["ContainerDefinitions"][0]["Image"] = "docker.io/library/busybox:1.36"
    report = check_dicts(templates)
    assert ids(report) == [(PRIVATE, "OrdersPipe", "E9003")] * 2 + [(PRIVATE, "OrdersPipe", "E9008")] * 2
    assert report.findings[2].message == (
        "container fulfil pulls its image from docker.io, but subnet network.yaml:PrivateSubnet1 has no NAT path"
    )
