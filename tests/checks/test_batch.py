"""AWS Batch on Fargate: a Fargate job definition runs in the Fargate compute environments a job queue joins to it;
the job definition decides the public IP and the images, the compute environment the subnets and security groups."""

from __future__ import annotations

import copy

from conftest import FIXTURES, TEMPLATES
from conftest import finding_ids as ids

from fargate_private_templates.checks import check_dicts, check_templates
from fargate_private_templates.render.loader import load_template

LAUNCHERS = FIXTURES / "launchers"
NETWORK = LAUNCHERS / "network.yaml"
PRIVATE, PUBLIC = "batch-private.yaml", "batch-public.yaml"


def pair(name: str = PRIVATE) -> dict[str, dict]:
    return {"network.yaml": load_template(NETWORK), name: copy.deepcopy(load_template(LAUNCHERS / name))}


def resources(templates: dict[str, dict], name: str = PRIVATE) -> dict:
    return templates[name]["Resources"]


def on_network_without_nat(templates: dict[str, dict]) -> None:
    """The job's compute environment moved to the private subnets of the catalogue's VPC-endpoints network."""
    templates["network.yaml"] = load_template(TEMPLATES / "network-endpoints.yaml")
    environment = resources(templates)["ComputeEnvironment"]["Properties"]["ComputeResources"]
    environment["Subnets"] = [
        {"Fn::ImportValue": {"Fn::Sub": f"${{NetworkStackName}}-PrivateSubnet{n}Id"}} for n in (1, 2)
    ]
    resources(templates)["JobSecurityGroup"]["Properties"]["VpcId"] = {
        "Fn::ImportValue": {"Fn::Sub": "${NetworkStackName}-VpcId"}
    }


def test_a_batch_job_with_public_ips_in_public_subnets_fails_naming_the_job_definition() -> None:
    report = check_templates([NETWORK, LAUNCHERS / PUBLIC])
    assert ids(report) == [
        (PUBLIC, "JobDefinition", "E9001"),
        (PUBLIC, "ComputeEnvironment", "E9002"),
        (PUBLIC, "ComputeEnvironment", "E9002"),
    ]
    assert report.findings[0].location == (
        "Resources",
        "JobDefinition",
        "Properties",
        "ContainerProperties",
        "NetworkConfiguration",
        "AssignPublicIp",
    )
    assert report.findings[1].location[:5] == (
        "Resources",
        "ComputeEnvironment",
        "Properties",
        "ComputeResources",
        "Subnets",
    )
    assert report.exit_code == 1


def test_the_same_in_private_subnets_behind_nat_passes_with_a_path_for_each_subnet() -> None:
    report = check_templates([NETWORK, LAUNCHERS / PRIVATE])
    assert report.findings == [] and report.exit_code == 0
    assert [p.subnet for p in report.paths] == ["PrivateSubnet1", "PrivateSubnet2"]
    assert report.paths[0].groups == f"security groups {LAUNCHERS / PRIVATE}:JobSecurityGroup -> the internet"
    assert report.summary() == "1 Batch job: 1 proven private, 0 not proven; 2 subnets checked: 0 errors, 0 warnings"


def test_assign_public_ip_left_out_is_disabled_but_said_so() -> None:
    templates = pair()
    del resources(templates)["JobDefinition"]["Properties"]["ContainerProperties"]["NetworkConfiguration"]
    report = check_dicts(templates)
    assert ids(report) == [(PRIVATE, "JobDefinition", "W9001")]
    assert report.findings[0].location[3:] == ("ContainerProperties", "NetworkConfiguration")
    assert report.proven == 1


def test_a_job_image_on_a_network_without_nat_is_checked_like_a_task_definitions() -> None:
    templates = pair()
    job = resources(templates)["JobDefinition"]["Properties"]["ContainerProperties"]
    job["Image"] = "python:3.12-slim"
    on_network_without_nat(templates)
    report = check_dicts(templates)
    e9008 = [f for f in report.findings if f.rule_id == "E9008"]
    assert [f.logical_id for f in e9008] == ["ComputeEnvironment", "ComputeEnvironment"]
    assert e9008[0].message.startswith("container JobDefinition pulls its image from docker.io, but subnet ")


def test_ecs_properties_task_properties_are_read_with_their_containers() -> None:
    templates = pair(PUBLIC)
    properties = resources(templates, PUBLIC)["JobDefinition"]["Properties"]
    container = properties.pop("ContainerProperties")
    network = container.pop("NetworkConfiguration")
    properties["EcsProperties"] = {
        "TaskProperties": [{"NetworkConfiguration": network, "Containers": [{"Name": "etl", **container}]}]
    }
    report = check_dicts(templates)
    assert ids(report)[0] == (PUBLIC, "JobDefinition", "E9001")
    assert report.findings[0].location[3:] == (
        "EcsProperties",
        "TaskProperties",
        0,
        "NetworkConfiguration",
        "AssignPublicIp",
    )


def test_the_images_of_ecs_properties_containers_are_checked_under_their_own_names() -> None:
    templates = pair()
    properties = resources(templates)["JobDefinition"]["Properties"]
    container = properties.pop("ContainerProperties")
    network = container.pop("NetworkConfiguration")
    container["Image"] = "python:3.12-slim"
    properties["EcsProperties"] = {
        "TaskProperties": [{"NetworkConfiguration": network, "Containers": [{"Name": "etl", **container}]}]
    }
    on_network_without_nat(templates)
    e9008 = [f for f in check_dicts(templates).findings if f.rule_id == "E9008"]
    assert e9008 and e9008[0].message.startswith("container etl pulls its image from docker.io, but subnet ")


def test_a_job_definition_on_ec2_and_a_compute_environment_on_ec2_launch_nothing_here() -> None:
    templates = pair(PUBLIC)
    resources(templates, PUBLIC)["JobDefinition"]["Properties"]["PlatformCapabilities"] = ["EC2"]
    resources(templates, PUBLIC)["ComputeEnvironment"]["Properties"]["ComputeResources"]["Type"] = "SPOT"
    report = check_dicts(templates)
    assert report.findings == [] and report.launchers == []


def test_a_compute_environment_with_no_job_definition_given_is_checked_but_not_proven() -> None:
    templates = pair()
    del resources(templates)["JobDefinition"]
    report = check_dicts(templates)
    assert ids(report) == [
        (PRIVATE, "ComputeEnvironment", "E9017"),
        (PRIVATE, "ComputeEnvironment", "W9009"),
        (PRIVATE, "ComputeEnvironment", "W9016"),
    ]
    assert report.findings[1].message == (
        "cannot read AssignPublicIp: the AssignPublicIp of the job definitions that run here, none of which is in "
        "the given templates"
    )
    assert [p.subnet for p in report.paths] == ["PrivateSubnet1", "PrivateSubnet2"]
    assert report.summary().startswith("1 Batch compute environment: 0 proven private, 1 not proven")
    # The environment's findings point at its ComputeResources, where a text report gives their line.
    environment = ("Resources", "ComputeEnvironment", "Properties", "ComputeResources")
    assert [f.location for f in report.findings] == [environment, (*environment, "AssignPublicIp"), environment]


def test_a_job_definition_with_no_compute_environment_given_has_unread_subnets() -> None:
    templates = pair()
    for name in ("ComputeEnvironment", "JobQueue"):
        del resources(templates)[name]
    report = check_dicts(templates)
    assert ids(report) == [
        (PRIVATE, "JobDefinition", "E9017"),
        (PRIVATE, "JobDefinition", "W9009"),
        (PRIVATE, "JobDefinition", "W9016"),
    ]
    assert report.findings[1].message == (
        "cannot resolve a subnet of its tasks: the subnets of the Fargate compute environment it runs in, none of "
        "which is in the given templates"
    )


def test_a_job_runs_in_the_compute_environments_of_the_job_queues_only() -> None:
    templates = pair()
    spare = copy.deepcopy(resources(templates)["ComputeEnvironment"])
    spare["Properties"]["ComputeResources"]["Subnets"] = [
        {"Fn::ImportValue": {"Fn::Sub": "${NetworkStackName}-PublicSubnet1"}}
    ]
    resources(templates)["SpareEnvironment"] = spare
    report = check_dicts(templates)
    # The spare environment is in no queue: checked on its own (its subnet public, its public IP unread).
    assert sorted({(f.logical_id, f.rule_id) for f in report.findings}) == [
        ("SpareEnvironment", "E9002"),
        ("SpareEnvironment", "W9009"),
    ]
    assert sorted(launcher.kind for launcher in report.launchers) == ["Batch compute environment", "Batch job"]
    # With no job queue given, a job may run in every Fargate compute environment given.
    del resources(templates)["JobQueue"]
    report = check_dicts(templates)
    assert sorted({(f.logical_id, f.rule_id) for f in report.findings}) == [("SpareEnvironment", "E9002")]
    assert [launcher.kind for launcher in report.launchers] == ["Batch job"]


def test_ecs_exec_of_a_job_is_a_need_like_a_services() -> None:
    templates = pair()
    properties = resources(templates)["JobDefinition"]["Properties"]
    container = properties.pop("ContainerProperties")
    network = container.pop("NetworkConfiguration")
    properties["EcsProperties"] = {
        "TaskProperties": [
            {
                "NetworkConfiguration": network,
                "EnableExecuteCommand": True,
                "Containers": [{"Name": "etl", **container}],
            }
        ]
    }
    on_network_without_nat(templates)
    messages = [f.message for f in check_dicts(templates).findings if f.rule_id == "E9014"]
    assert messages and "ECS Exec (SSM messages)" in messages[0]


def test_a_job_security_group_from_a_parameter_is_reported_where_the_compute_environment_names_it() -> None:
    templates = pair()
    templates[PRIVATE].setdefault("Parameters", {})["JobGroup"] = {"Type": "AWS::EC2::SecurityGroup::Id"}
    resources(templates)["ComputeEnvironment"]["Properties"]["ComputeResources"]["SecurityGroupIds"] = [
        {"Ref": "JobGroup"}
    ]
    (finding,) = check_dicts(templates).findings
    assert (finding.rule_id, finding.message) == ("W9009", "cannot resolve a task security group: parameter JobGroup")
    assert finding.location == ("Resources", "ComputeEnvironment", "Properties", "ComputeResources", "SecurityGroupIds")


def test_a_compute_environment_type_from_a_mapping_is_read() -> None:
    templates = pair()
    templates[PRIVATE]["Mappings"] = {"Compute": {"Batch": {"Type": "FARGATE_SPOT"}}}
    compute = resources(templates)["ComputeEnvironment"]["Properties"]["ComputeResources"]
    compute["Type"] = {"Fn::FindInMap": ["Compute", "Batch", "Type"]}
    report = check_dicts(templates)
    assert report.findings == [] and [p.subnet for p in report.paths] == ["PrivateSubnet1", "PrivateSubnet2"]


def test_container_properties_under_a_condition_are_read_in_their_template() -> None:
    templates = pair(PUBLIC)
    job = resources(templates, PUBLIC)["JobDefinition"]["Properties"]
    job["ContainerProperties"] = {"Fn::If": ["Always", job["ContainerProperties"], {"Ref": "AWS::NoValue"}]}
    templates[PUBLIC].setdefault("Conditions", {})["Always"] = {"Fn::Equals": ["a", "a"]}
    assert ids(check_dicts(templates)) == [
        (PUBLIC, "JobDefinition", "E9001"),
        (PUBLIC, "ComputeEnvironment", "E9002"),
        (PUBLIC, "ComputeEnvironment", "E9002"),
    ]


def test_a_compute_environments_subnets_are_read_in_its_own_template() -> None:
    """One template holding the network and the job: subnets named by Ref resolve where the environment is."""
    templates = {PRIVATE: pair()[PRIVATE]}
    resources(templates).update(copy.deepcopy(load_template(NETWORK)["Resources"]))
    environment = resources(templates)["ComputeEnvironment"]["Properties"]["ComputeResources"]
    environment["Subnets"] = [{"Ref": "PrivateSubnet1"}, {"Ref": "PrivateSubnet2"}]
    resources(templates)["JobSecurityGroup"]["Properties"]["VpcId"] = {"Ref": "VPC"}
    report = check_dicts(templates)
    assert report.findings == []
    assert [p.subnet for p in report.paths] == ["PrivateSubnet1", "PrivateSubnet2"]
