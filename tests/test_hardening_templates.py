"""Template behaviour found in a review against the AWS documentation (issue 13, section 1): customer-managed keys for
secrets and logs, egress ports the output tells the truth about, an image tag without a default, endpoints without
egress."""

from __future__ import annotations

import dataclasses
import re

import pytest
from conftest import catalogue_dict, resources_of_type

from fargate_private_templates.catalogue import CATALOGUE
from fargate_private_templates.config.file import parse_config
from fargate_private_templates.config.image import ImageOptions
from fargate_private_templates.config.network import NetworkConfig
from fargate_private_templates.config.service import ContainerOptions, ServiceConfig
from fargate_private_templates.config.sidecars import SidecarOptions
from fargate_private_templates.errors import ConfigError
from fargate_private_templates.layers.blocks.security_groups import NO_EGRESS
from fargate_private_templates.layers.network import build_network
from fargate_private_templates.layers.service import build_service
from fargate_private_templates.render import ordered_dict

KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
MULTI_REGION_KEY = "arn:aws-cn:kms:cn-north-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"
SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"
SERVICE_FILES = [e.filename for e in CATALOGUE if e.filename.startswith("service-")]
LOG_GROUP_FILES = [name for name in (e.filename for e in CATALOGUE) if name.startswith(("service-", "network"))]


def service(config: ServiceConfig) -> dict:
    return ordered_dict(build_service(config))


def execution_statements(template: dict) -> list[dict]:
    policies = template["Resources"]["ExecutionRole"]["Properties"]["Policies"]
    return [s for p in policies if "PolicyDocument" in p for s in p["PolicyDocument"]["Statement"]]


# --- 1. kms:Decrypt for secrets under customer-managed keys ---------------------------------------------------------


def test_secret_keys_grant_decrypt_only_through_secrets_manager_and_ssm() -> None:
    config = ServiceConfig(container=ContainerOptions(secrets=(("DB", SECRET),)), secrets_kms_key_arns=(KEY,))
    decrypt = [s for s in execution_statements(service(config)) if s.get("Sid") == "DecryptSecrets"]
    assert decrypt == [
        {
            "Sid": "DecryptSecrets",
            "Effect": "Allow",
            "Action": ["kms:Decrypt"],
            "Resource": [KEY],
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": [
                        {"Fn::Sub": "secretsmanager.${AWS::Region}.${AWS::URLSuffix}"},
                        {"Fn::Sub": "ssm.${AWS::Region}.${AWS::URLSuffix}"},
                    ]
                }
            },
        }
    ]


def test_without_keys_the_execution_role_has_no_kms_action() -> None:
    config = ServiceConfig(container=ContainerOptions(secrets=(("DB", SECRET),)))
    actions = [a for s in execution_statements(service(config)) for a in s["Action"]]
    assert not [a for a in actions if a.startswith("kms:")]


def test_a_sidecar_secret_under_a_customer_key_is_decryptable() -> None:
    sidecar = SidecarOptions(name="agent", image=ImageOptions(tag="1.0"), secrets=(("TOKEN", SECRET),))
    config = ServiceConfig(sidecars=(sidecar,), secrets_kms_key_arns=(KEY, MULTI_REGION_KEY, KEY))
    decrypt = next(s for s in execution_statements(service(config)) if s.get("Sid") == "DecryptSecrets")
    assert decrypt["Resource"] == [KEY, MULTI_REGION_KEY], "each key once, in the configured order"


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:kms:eu-west-1:123456789012:alias/secrets",
        KEY + "\n",
        KEY.replace("1234abcd-", "1234abcd"),
        "*",
        "",
    ],
)
def test_a_value_that_is_not_a_key_arn_is_refused(value: str) -> None:
    with pytest.raises(ConfigError, match=r"^secrets_kms_key_arns: .* KMS key ARN"):
        ServiceConfig(secrets_kms_key_arns=(value,))


def test_secrets_kms_key_arns_is_read_from_a_config_file() -> None:
    deployment = parse_config({"services": [{"name": "web", "secrets_kms_key_arns": [KEY]}]}, "x.toml")
    assert deployment.services[0].secrets_kms_key_arns == (KEY,)


def test_service_config_keeps_at_most_twenty_top_level_fields() -> None:
    assert len(dataclasses.fields(ServiceConfig)) <= 20
    assert "secrets_kms_key_arns:" in ServiceConfig.__doc__


# --- 2. egress ports: parameters, and an output that says what the group may open -----------------------------------


def test_extra_egress_ports_become_parameters_and_the_output_names_them() -> None:
    template = service(ServiceConfig(egress_ports=(443, 5432)))
    parameter = template["Parameters"]["EgressPort1"]
    assert parameter["Type"] == "Number" and parameter["Default"] == 5432
    assert (parameter["MinValue"], parameter["MaxValue"]) == (1, 65535)
    egress = template["Resources"]["TaskSecurityGroup"]["Properties"]["SecurityGroupEgress"]
    assert [(r["FromPort"], r["ToPort"], r["CidrIp"]) for r in egress] == [
        (443, 443, "0.0.0.0/0"),
        ({"Ref": "EgressPort1"}, {"Ref": "EgressPort1"}, "0.0.0.0/0"),
    ]
    text = template["Outputs"]["TaskSecurityGroupId"]["Description"]
    assert "TCP 443" in text and "EgressPort1 (default 5432)" in text and "must also admit" in text


def test_the_port_values_are_parameters_not_shape() -> None:
    postgres, mysql = service(ServiceConfig(egress_ports=(443, 5432))), service(ServiceConfig(egress_ports=(3306, 443)))
    mysql["Parameters"]["EgressPort1"]["Default"] = 5432
    mysql["Outputs"]["TaskSecurityGroupId"] = postgres["Outputs"]["TaskSecurityGroupId"]
    assert mysql == postgres


def test_with_only_443_the_output_does_not_invite_a_database_rule_egress_cannot_use() -> None:
    template = catalogue_dict("service-alb.yaml")
    assert not [name for name in template["Parameters"] if name.startswith("EgressPort")]
    text = template["Outputs"]["TaskSecurityGroupId"]["Description"]
    assert "only TCP 443" in text and "egress_ports" in text and "admit this group" in text
    egress = template["Resources"]["TaskSecurityGroup"]["Properties"]["SecurityGroupEgress"]
    assert [r["FromPort"] for r in egress] == [443]


# --- 3. ImageTag has no default -------------------------------------------------------------------------------------


@pytest.mark.parametrize("filename", SERVICE_FILES)
def test_catalogue_image_tags_have_no_default(filename: str) -> None:
    tags = {k: v for k, v in catalogue_dict(filename)["Parameters"].items() if k.endswith("ImageTag")}
    assert tags and all("Default" not in spec for spec in tags.values()), tags


def test_image_and_sidecar_tags_default_only_when_configured() -> None:
    config = ServiceConfig(
        image=ImageOptions(tag="2.4.1"), sidecars=(SidecarOptions(name="log-router"), SidecarOptions(name="proxy"))
    )
    parameters = service(config)["Parameters"]
    assert parameters["ImageTag"]["Default"] == "2.4.1"
    assert "Default" not in parameters["LogRouterImageTag"] and "Default" not in parameters["ProxyImageTag"]
    assert ImageOptions().tag is None


# --- 4. interface endpoints' group opens nothing --------------------------------------------------------------------


@pytest.mark.parametrize("filename", ["network-endpoints.yaml", "network-nat-endpoints.yaml"])
def test_endpoint_security_group_has_an_egress_rule_that_matches_nothing(filename: str) -> None:
    group = catalogue_dict(filename)["Resources"]["EndpointSecurityGroup"]["Properties"]
    assert [{k: v for k, v in rule.items() if k != "Description"} for rule in group["SecurityGroupEgress"]] == [
        NO_EGRESS
    ]


def test_the_front_door_uses_the_same_no_egress_rule() -> None:
    group = catalogue_dict("ingress-alb.yaml")["Resources"]["LoadBalancerSecurityGroup"]["Properties"]
    assert [{k: v for k, v in rule.items() if k != "Description"} for rule in group["SecurityGroupEgress"]] == [
        NO_EGRESS
    ]


# --- 5. log groups take an optional customer-managed key ------------------------------------------------------------


@pytest.mark.parametrize("filename", LOG_GROUP_FILES)
def test_log_groups_use_the_logs_kms_key_parameter_when_given(filename: str) -> None:
    template = catalogue_dict(filename)
    groups = resources_of_type(template, "AWS::Logs::LogGroup")
    assert groups, filename
    for name, group in groups.items():
        assert group["Properties"]["KmsKeyId"] == {
            "Fn::If": ["HasLogsKmsKey", {"Ref": "LogsKmsKeyArn"}, {"Ref": "AWS::NoValue"}]
        }, name
    assert template["Conditions"]["HasLogsKmsKey"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "LogsKmsKeyArn"}, ""]}]}
    parameter = template["Parameters"]["LogsKmsKeyArn"]
    assert parameter["Default"] == "" and "logs service principal" in parameter["Description"]
    pattern = re.compile(parameter["AllowedPattern"])
    assert pattern.fullmatch("") and pattern.fullmatch(KEY) and pattern.fullmatch(MULTI_REGION_KEY)
    assert not pattern.fullmatch("arn:aws:kms:eu-west-1:123456789012:alias/logs")


def test_a_network_without_flow_logs_asks_for_no_logs_key() -> None:
    template = ordered_dict(build_network(NetworkConfig(flow_logs=False)))
    assert "LogsKmsKeyArn" not in template["Parameters"] and "HasLogsKmsKey" not in template.get("Conditions", {})
