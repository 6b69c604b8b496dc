"""What a workload's tasks reach before their first line of code runs: secrets, ECS Exec, KMS, registries (E9014)."""

from __future__ import annotations

import copy

from conftest import FIXTURES
from conftest import check_template as check
from conftest import first_container as container
from conftest import fixture as load
from conftest import template_pair as pair

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.checks.needs import PREWARMED_METADATA, _container_needs
from fargate_private_templates.layers.service import task

SUBNETS = ("Resources", "Service", "Properties", "NetworkConfiguration", "AwsvpcConfiguration", "Subnets")


def findings(template: dict) -> list[tuple[str, str, str]]:
    return [(f.logical_id, f.rule_id, f.message) for f in check(template).findings]


def test_a_secrets_manager_secret_without_its_endpoint_names_the_container_and_the_service() -> None:
    (secrets_manager, *_) = check(load("E9014-bad.yaml")).findings
    assert secrets_manager.rule_id == "E9014" and secrets_manager.location == SUBNETS
    assert secrets_manager.message == (
        "subnet PrivateSubnet1 reaches neither NAT nor an endpoint for container app: secrets (Secrets Manager); "
        "fix: add interface endpoint com.amazonaws.<region>.secretsmanager (private DNS on), or give the subnet a "
        "NAT path"
    )


def test_a_secret_from_an_import_is_not_taken_for_a_parameter_store_name() -> None:
    # Only a name (no "arn:") or an ssm ARN is Parameter Store: an imported ARN could be either service.
    template = load("E9014-good.yaml")
    container(template)["Secrets"][0]["ValueFrom"] = {"Fn::ImportValue": "DbSecretArn"}
    expected = (
        "subnet PrivateSubnet1 has no NAT path for container app: secrets from a value (Secrets Manager or "
        "Parameter Store): the template does not say which service holds the secret; or give the subnet a NAT path"
    )
    assert ("Service", "W9009", expected) in findings(template)


def test_a_secret_arn_of_a_variable_service_is_not_taken_for_parameter_store() -> None:
    template = load("E9014-good.yaml")
    container(template)["Secrets"][0]["ValueFrom"] = {"Fn::Sub": "arn:aws:${Store}:us-east-1:123456789012:x:db"}
    assert findings(template) == [
        (
            "Service",
            "W9009",
            "subnet PrivateSubnet1 has no NAT path for container app: secrets from "
            "arn:aws:x:us-east-1:123456789012:x:db (Secrets Manager or Parameter Store): the template does not say "
            "which service holds the secret; or give the subnet a NAT path",
        )
    ]


def test_ecs_exec_turned_on_through_a_mapping_needs_ssm_messages() -> None:
    template = load("E9014-bad.yaml")
    template["Mappings"] = {"Settings": {"Exec": {"Enabled": "true"}}}
    template["Resources"]["Service"]["Properties"]["EnableExecuteCommand"] = {
        "Fn::FindInMap": ["Settings", "Exec", "Enabled"]
    }
    messages = [message for _, rule_id, message in findings(template) if rule_id == "E9014"]
    assert len(messages) == 3
    assert "reaches neither NAT nor an endpoint for ECS Exec (SSM messages);" in messages[2]


def test_an_ecr_image_in_a_named_region_without_nat_is_a_warning_saying_what_to_verify() -> None:
    templates = pair("network-endpoints.yaml")
    (container,) = templates["service-alb.yaml"]["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    container["Image"] = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"
    report = check_dicts(templates)
    assert {f.rule_id for f in report.findings} == {"W9009"} and report.exit_code == 0
    assert "verify the stack is deployed in eu-west-1" in report.findings[0].message


def test_ecs_exec_with_a_customer_managed_key_needs_kms() -> None:
    template = load(FIXTURES / "E9014-good.yaml")
    del template["Resources"]["KmsEndpoint"]
    findings = check_dicts({"t.yaml": template}).findings
    assert [f.rule_id for f in findings] == ["E9014"]
    assert findings[0].message == (
        "subnet PrivateSubnet1 reaches neither NAT nor an endpoint for ECS Exec sessions encrypted with a "
        "customer-managed KMS key; fix: add interface endpoint com.amazonaws.<region>.kms (private DNS on), or give "
        "the subnet a NAT path"
    )


def test_the_generator_and_the_checker_read_the_same_prewarmed_metadata() -> None:
    assert task.PREWARMED_METADATA == PREWARMED_METADATA
    cache_first_pull = load(FIXTURES / "E9014-good.yaml")
    role = {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"Action": ["ecr:BatchImportUpstreamImage"]}]}}
    cache_first_pull["Resources"]["ExecutionRole"] = role
    cache_first_pull["Resources"]["TaskDefinition"]["Properties"]["ExecutionRoleArn"] = {
        "Fn::GetAtt": ["ExecutionRole", "Arn"]
    }
    findings = check_dicts({"t.yaml": cache_first_pull}).findings
    assert [f.rule_id for f in findings] == ["E9014"] and "pull-through cache" in findings[0].message
    # The finding says how to mark the task definition, in the words the generator reads.
    marker = f"say so with task definition Metadata {PREWARMED_METADATA[0]}.{PREWARMED_METADATA[1]}: true"
    assert marker in findings[0].message
    cache_first_pull["Resources"]["TaskDefinition"]["Metadata"] = {PREWARMED_METADATA[0]: {PREWARMED_METADATA[1]: True}}
    assert check_dicts({"t.yaml": cache_first_pull}).findings == []
    # Each task definition a service may run is read: the prewarmed one does not vouch for the other.
    resources = cache_first_pull["Resources"]
    resources["ColdTaskDefinition"] = copy.deepcopy(resources["TaskDefinition"])
    del resources["ColdTaskDefinition"]["Metadata"]
    cache_first_pull["Conditions"] = {"Warm": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}}
    resources["Service"]["Properties"]["TaskDefinition"] = {
        "Fn::If": ["Warm", {"Ref": "TaskDefinition"}, {"Ref": "ColdTaskDefinition"}]
    }
    findings = check_dicts({"t.yaml": cache_first_pull}).findings
    assert [f.rule_id for f in findings] == ["E9014"] and "pull-through cache" in findings[0].message


def _needs_of_value_from(value_from: object, parameters: dict) -> list[tuple[str, tuple[str, ...], str]]:
    container = {"Name": "app", "Secrets": [{"Name": "DB", "ValueFrom": value_from}]}
    return [(n.what, n.services, n.unproven) for n in _container_needs(container, parameters)]


def test_a_secret_arn_parameter_is_read_by_the_service_its_pattern_admits() -> None:
    """The generator's <Variable>SecretArn parameters have no default; their AllowedPattern says the service."""
    secrets = {"DbSecretArn": {"Type": "String", "AllowedPattern": "^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:x$"}}
    assert _needs_of_value_from({"Ref": "DbSecretArn"}, secrets) == [
        ("container app: secrets (Secrets Manager)", ("secretsmanager",), "")
    ]
    ssm = {"Flags": {"Type": "String", "AllowedPattern": "^arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/x$"}}
    assert _needs_of_value_from({"Ref": "Flags"}, ssm) == [
        ("container app: secrets (SSM Parameter Store)", ("ssm",), "")
    ]
    unsaid = "the template does not say which service holds the secret"
    for parameters in (
        {"DbSecretArn": {"Type": "String"}},
        {"DbSecretArn": {"Type": "String", "AllowedPattern": "^.*:secretsmanager:.*$"}},
        {"DbSecretArn": {"Type": "String", "AllowedPattern": "^arn:aws:kms:.*$"}},
        {},
    ):
        ((_, services, unproven),) = _needs_of_value_from({"Ref": "DbSecretArn"}, parameters)
        assert services == () and unproven == unsaid, parameters
    ((what, _, _),) = _needs_of_value_from({"Ref": "DbSecretArn", "Extra": 1}, secrets)
    assert "Secrets Manager or Parameter Store" in what


def test_a_container_without_a_name_is_named_by_a_question_mark() -> None:
    template = load(FIXTURES / "E9014-bad.yaml")
    for definition in template["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"]:
        definition.pop("Name", None)
    messages = [f.message for f in check_dicts({"t.yaml": template}).findings if "container" in f.message]
    assert messages and all("for container ?: secrets" in m for m in messages)


def test_a_host_ending_in_ecr_is_a_third_party_registry() -> None:
    # An ECR host names its Region after "ecr" (<account>.dkr.ecr.<region>.amazonaws.com); "mirror.ecr" names none.
    template = load("E9014-good.yaml")
    container(template)["Image"] = "mirror.ecr/app:1"
    (finding,) = check(template).findings
    assert (finding.logical_id, finding.rule_id) == ("Service", "E9008")
    assert finding.message.startswith("container app pulls its image from mirror.ecr, but subnet PrivateSubnet1")


def test_only_the_host_of_an_image_says_ecr() -> None:
    """The first path part is the registry: a repository named like an ECR host is still Docker Hub's or GHCR's."""

    def needs(image: object) -> list[tuple[str, tuple[str, ...]]]:
        return [(n.what, n.services) for n in _container_needs({"Name": "app", "Image": image})]

    assert needs("ghcr.io/team/mirror.dkr.ecr.eu-west-1/app:1") == [("container app: image from ghcr.io", ())]
    assert needs({"Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/team/app:1"}) == [
        ("container app: image from ECR", ("ecr.api", "ecr.dkr", "s3"))
    ]
