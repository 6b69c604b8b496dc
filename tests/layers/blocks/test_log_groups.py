"""Log groups: an optional customer-managed key for every log group, asked for only where there is one."""

from __future__ import annotations

import re

import pytest
from conftest import KMS_KEY as KEY
from conftest import MULTI_REGION_KMS_KEY as MULTI_REGION_KEY
from conftest import catalogue_dict, resources_of_type

from fargate_private_templates.catalogue import CATALOGUE
from fargate_private_templates.config.network import NetworkConfig
from fargate_private_templates.layers.network import build_network
from fargate_private_templates.render import ordered_dict

LOG_GROUP_FILES = [name for name in (e.filename for e in CATALOGUE) if name.startswith(("service-", "network"))]


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
