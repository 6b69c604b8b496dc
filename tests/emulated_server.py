"""An emulated account behind a moto server on 127.0.0.1, for the real AWS CLI, ``preflight`` and ``audit``.

The server runs in the test process (moto's ThreadedMotoServer), so every shim below applies to what the AWS CLI run
by a deploy script asks too. Fake credentials; nothing leaves 127.0.0.1. On top of the shims of emulated_aws.py,
each making moto 5.2.5 do what AWS does (measured; /work/notes/issue24-research.md):

- CloudFormation change sets (what ``aws cloudformation deploy`` uses): a stack created by one resolves no
  Fn::ImportValue (it never sees the Region's exports) -> given them; executing one leaves the stack without
  Outputs and registers no Exports (and DeleteStack then fails with HTTP 500 on the export) -> rebuilt after
  ExecuteChangeSet; a change set without changes is refused synchronously with ValidationError, where AWS creates
  it FAILED with "The submitted information didn't contain changes." -> moto's own FAILED path is used.
- CloudFormation and EC2 security groups: the inline ``SecurityGroupEgress`` of AWS::EC2::SecurityGroup is dropped
  (the default allow-all egress stays) and AWS::EC2::SecurityGroupEgress is skipped -> both applied, the default
  egress revoked as CloudFormation does when a template states egress.
- CloudFormation and EC2 networks: a VPC's EnableDnsHostnames and EnableDnsSupport are dropped (and RunTask then
  fails on a network interface without a DNS name) -> applied; deleting a stack deletes no NAT gateway, route
  table or gateway attachment, so the VPC's delete fails with DependencyViolation -> they go with their VPC.
- CloudFormation and ECS: a service keeps no NetworkConfiguration, LaunchType or LoadBalancers, and a task
  definition no NetworkMode, RequiresCompatibilities, Cpu, Memory or RuntimePlatform -> kept as given.
- CloudFormation and ELB: an ``AWS::NoValue`` inside a listener rule's Conditions stays a None condition
  (CloudFormation drops it) -> dropped.
- ECR: no pull-through cache rules API -> ``describe_pull_through_cache_rules`` answers from ``CACHE_RULES``.
- Service Quotas: only ServiceCode ``vpc`` is known, and GetAWSDefaultServiceQuota is not implemented -> both
  answer from ``QUOTAS`` (code -> applied value) and ``DEFAULT_QUOTAS``, NoSuchResourceException otherwise, as AWS
  does for a quota without an applied value.
- ACM: a requested certificate stays PENDING_VALIDATION for 60 s -> ``ACM_VALIDATION_WAIT`` 0 (issued at once),
  unless a test asks for a pending one.
"""

from __future__ import annotations

import contextlib
import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from emulated_aws import REGION, apply_shims
from moto import settings
from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing
from moto.cloudformation import responses as cfn_responses
from moto.ec2.models import ec2_backends
from moto.ec2.models.security_groups import SecurityGroup
from moto.ec2.models.vpcs import VPC
from moto.ecr import responses as ecr_responses
from moto.ecs.models import Service as FakeEcsService
from moto.ecs.models import TaskDefinition as FakeTaskDefinition
from moto.elbv2.models import FakeListenerRule
from moto.server import ThreadedMotoServer
from moto.servicequotas import models as quota_models
from moto.servicequotas.exceptions import NoSuchResource

from fargate_private_templates.account import Aws

# One SDK session per server: creating clients from it again costs nothing (a new session reloads every model).
_SESSIONS: list[boto3.Session] = []
# ECR repository prefix -> the rule, as DescribePullThroughCacheRules returns it.
CACHE_RULES: dict[str, dict[str, Any]] = {}
# (service code, quota code) -> value: applied quotas (GetServiceQuota) and AWS defaults (GetAWSDefaultServiceQuota).
QUOTAS: dict[tuple[str, str], float] = {}
DEFAULT_QUOTAS: dict[tuple[str, str], float] = {}
# An image index listing one linux/amd64 image: what PutImage stores for a multi-platform tag.
MANIFEST_LIST = json.dumps(
    {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
        "manifests": [
            {
                "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "digest": "sha256:" + "a" * 64,
                "size": 1,
                "platform": {"architecture": "amd64", "os": "linux"},
            }
        ],
    }
)


# --- CloudFormation change sets ---------------------------------------------------------------------------------


def _execute_change_set(execute: Any) -> Any:
    def wrapped(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = self.change_sets.get(change_set_name) or next(
            c for c in self.change_sets.values() if c.change_set_name == change_set_name
        )
        stack = self.stacks[change_set.stack_id]
        # A stack made by a change set resolves no Fn::ImportValue: give it the Region's exports.
        stack.cross_stack_resources = stack.resource_map.cross_stack_resources = self.exports
        execute(self, change_set_name, stack_name)
        for name in [n for n, e in self.exports.items() if e.exporting_stack_id == stack.stack_id]:
            self.exports.pop(name)
        stack._parse_template()
        stack.output_map = stack._create_output_map()
        for export in stack.exports:
            self.exports[export.name] = export

    return wrapped


def _no_synchronous_empty_change_set(validate: Any) -> Any:
    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self._get_action() == "CreateChangeSet":
            return None
        return validate(self, *args, **kwargs)

    return wrapped


# --- security group egress --------------------------------------------------------------------------------------


def _authorize_egress(ec2: Any, group_id: str, rule: dict[str, Any], vpc_id: str | None) -> None:
    destination = rule.get("DestinationSecurityGroupId")
    prefix_list = rule.get("DestinationPrefixListId")
    ec2.authorize_security_group_egress(
        group_id,
        str(rule["IpProtocol"]),
        rule.get("FromPort"),
        rule.get("ToPort"),
        ip_ranges=[{"CidrIp": rule["CidrIp"], "Description": rule.get("Description", "")}] if "CidrIp" in rule else [],
        source_groups=[{"GroupId": destination}] if destination else [],
        prefix_list_ids=[{"PrefixListId": prefix_list}] if prefix_list else [],
        vpc_id=vpc_id,
    )


def _with_egress(create: Any) -> classmethod:
    def wrapped(cls: type, name: str, cloudformation_json: dict, account_id: str, region_name: str, **kwargs: Any):
        group = create(name, cloudformation_json, account_id, region_name, **kwargs)
        properties = cloudformation_json.get("Properties", {})
        if "SecurityGroupEgress" in properties:
            ec2 = ec2_backends[account_id][region_name]
            # A template that states egress replaces the default allow-all rule, as CloudFormation does.
            ec2.revoke_security_group_egress(group.id, "-1", None, None, [{"CidrIp": "0.0.0.0/0"}], [], [])
            for rule in properties["SecurityGroupEgress"]:
                _authorize_egress(ec2, group.id, rule, group.vpc_id)
        return group

    return classmethod(wrapped)


class SecurityGroupEgress:
    """AWS::EC2::SecurityGroupEgress, which moto's CloudFormation skips: a CloudFormation model by its methods (a
    subclass of moto's CloudFormationModel would register itself for every other test too)."""

    def __init__(self, group_id: str, rule: dict[str, Any]) -> None:
        self.group_id = group_id
        self.rule = rule

    @property
    def physical_resource_id(self) -> str:
        return f"{self.group_id}-egress-{self.rule['IpProtocol']}-{self.rule.get('FromPort')}"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::SecurityGroupEgress"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> SecurityGroupEgress:
        properties = cloudformation_json["Properties"]
        ec2 = ec2_backends[account_id][region_name]
        group = ec2.get_security_group_from_id(properties["GroupId"])
        _authorize_egress(ec2, group.id, properties, group.vpc_id)
        return cls(group.id, properties)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region: str
    ) -> SecurityGroupEgress:
        old = {"Properties": original_resource.rule}
        cls.delete_from_cloudformation_json(new_resource_name, old, account_id, region)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        rule = cloudformation_json["Properties"]
        ec2 = ec2_backends[account_id][region_name]
        with contextlib.suppress(Exception):  # the group may be gone already, as in AWS
            ec2.revoke_security_group_egress(
                rule["GroupId"],
                str(rule["IpProtocol"]),
                rule.get("FromPort"),
                rule.get("ToPort"),
                [{"CidrIp": rule["CidrIp"]}] if "CidrIp" in rule else [],
                [{"GroupId": rule["DestinationSecurityGroupId"]}] if "DestinationSecurityGroupId" in rule else [],
                [],
            )

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    def is_created(self) -> bool:
        return True


def _model_map(models: Any) -> Any:
    def wrapped() -> dict[str, type]:
        return {**models(), SecurityGroupEgress.cloudformation_type(): SecurityGroupEgress}

    return wrapped


# --- deleting a network ------------------------------------------------------------------------------------------


def _delete_vpc_with_dependents(delete: Any) -> classmethod:
    """moto's CloudFormation deletes nothing for NAT gateways, routes, route tables and gateway attachments, so the
    VPC's delete fails with DependencyViolation; CloudFormation deletes them first, as parts of the same stack."""

    def wrapped(cls: type, resource_name: str, cloudformation_json: dict, account_id: str, region_name: str) -> None:
        ec2 = ec2_backends[account_id][region_name]
        for nat in [n for n in ec2.nat_gateways.values() if n.vpc_id == resource_name]:
            ec2.delete_nat_gateway(nat.id)
        for gateway in list(ec2.internet_gateways.values()):
            if gateway.vpc is not None and gateway.vpc.id == resource_name:
                ec2.detach_internet_gateway(gateway.id, resource_name)
                ec2.delete_internet_gateway(gateway.id)
        for table in [t for t in ec2.route_tables.values() if t.vpc_id == resource_name]:
            if table.main_association_id is None:
                for association in list(table._associations):
                    ec2.disassociate_route_table(association)
                ec2.delete_route_table(table.id)
        return delete(resource_name, cloudformation_json, account_id, region_name)

    return classmethod(wrapped)


def _vpc_dns(create: Any) -> classmethod:
    """moto's CloudFormation drops a VPC's EnableDnsHostnames and EnableDnsSupport (and its RunTask then fails on a
    network interface without a DNS name): applied as the template says."""

    def wrapped(cls: type, name: str, cloudformation_json: dict, account_id: str, region_name: str, **kwargs: Any):
        vpc = create(name, cloudformation_json, account_id, region_name, **kwargs)
        properties = cloudformation_json.get("Properties", {})
        ec2 = ec2_backends[account_id][region_name]
        for key, attribute in (
            ("EnableDnsHostnames", "enable_dns_hostnames"),
            ("EnableDnsSupport", "enable_dns_support"),
        ):
            if key in properties:
                ec2.modify_vpc_attribute(vpc.id, attribute, str(properties[key]).lower() == "true")
        return vpc

    return classmethod(wrapped)


# --- ECS services and task definitions ---------------------------------------------------------------------------


def _camel(node: Any) -> Any:
    """CloudFormation's PascalCase properties as the ECS API spells them (``AwsvpcConfiguration`` ->
    ``awsvpcConfiguration``)."""
    if isinstance(node, dict):
        return {key[:1].lower() + key[1:]: _camel(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_camel(item) for item in node]
    return node


def _with_service_network(handler: Any) -> classmethod:
    def wrapped(cls: type, *args: Any, **kwargs: Any) -> Any:
        cloudformation_json = kwargs.get("cloudformation_json") or next(a for a in args if isinstance(a, dict))
        properties = cloudformation_json.get("Properties", {})
        service = handler(*args, **kwargs)
        if "NetworkConfiguration" in properties:
            service.network_configuration = _camel(properties["NetworkConfiguration"])
        if "LaunchType" in properties:
            service.launch_type = properties["LaunchType"]
        if "LoadBalancers" in properties:
            service.load_balancers = _camel(properties["LoadBalancers"])
        return service

    return classmethod(wrapped)


def _with_task_definition_fields(handler: Any) -> classmethod:
    fields = {
        "NetworkMode": "network_mode",
        "RequiresCompatibilities": "requires_compatibilities",
        "Cpu": "cpu",
        "Memory": "memory",
        "RuntimePlatform": "runtime_platform",
    }

    def wrapped(cls: type, *args: Any, **kwargs: Any) -> Any:
        cloudformation_json = kwargs.get("cloudformation_json") or next(a for a in args if isinstance(a, dict))
        properties = cloudformation_json.get("Properties", {})
        definition = handler(*args, **kwargs)
        for key, attribute in fields.items():
            if key in properties:
                setattr(definition, attribute, _camel(properties[key]))
        return definition

    return classmethod(wrapped)


def _conditions_without_no_value(create: Any) -> classmethod:
    def wrapped(cls: type, name: str, cloudformation_json: dict, *args: Any, **kwargs: Any) -> Any:
        properties = cloudformation_json["Properties"]
        properties["Conditions"] = [c for c in properties.get("Conditions", []) if c is not None]
        return create(name, cloudformation_json, *args, **kwargs)

    return classmethod(wrapped)


# --- ECR pull-through cache and Service Quotas -------------------------------------------------------------------


def _describe_pull_through_cache_rules(self: Any) -> str:
    prefixes = self._get_param("ecrRepositoryPrefixes") or list(CACHE_RULES)
    unknown = [p for p in prefixes if p not in CACHE_RULES]
    if unknown:
        from moto.core.exceptions import JsonRESTError

        raise JsonRESTError(
            "PullThroughCacheRuleNotFoundException", f"The pull-through cache rule for {unknown[0]} does not exist"
        )
    return json.dumps({"pullThroughCacheRules": [CACHE_RULES[p] for p in prefixes]})


def _quota(values: dict[tuple[str, str], float]) -> Any:
    def get(self: Any, service_code: str, quota_code: str) -> dict[str, Any]:
        if (service_code, quota_code) not in values:
            raise NoSuchResource()
        return {
            "ServiceCode": service_code,
            "QuotaCode": quota_code,
            "QuotaName": quota_code,
            "Value": values[(service_code, quota_code)],
        }

    return get


def _get_aws_default_service_quota(self: Any) -> str:
    params = json.loads(self.body)
    quota = self.backend.get_aws_default_service_quota(params["ServiceCode"], params["QuotaCode"])
    return json.dumps({"Quota": quota})


def apply_account_shims(patch: pytest.MonkeyPatch) -> None:
    """The shims of this module (and of emulated_aws.py), undone with ``patch``."""
    apply_shims(patch)
    backend = cfn_models.CloudFormationBackend
    patch.setattr(backend, "execute_change_set", _execute_change_set(backend.execute_change_set))
    response = cfn_responses.CloudFormationResponse
    validate = _no_synchronous_empty_change_set(response._validate_different_update)
    patch.setattr(response, "_validate_different_update", validate)
    group = _with_egress(SecurityGroup.create_from_cloudformation_json)
    patch.setattr(SecurityGroup, "create_from_cloudformation_json", group)
    patch.setattr(parsing, "get_model_map", _model_map(parsing.get_model_map))
    vpc = _delete_vpc_with_dependents(VPC.delete_from_cloudformation_json)
    patch.setattr(VPC, "delete_from_cloudformation_json", vpc)
    patch.setattr(VPC, "create_from_cloudformation_json", _vpc_dns(VPC.create_from_cloudformation_json))
    for handler in ("create_from_cloudformation_json", "update_from_cloudformation_json"):
        patch.setattr(FakeEcsService, handler, _with_service_network(getattr(FakeEcsService, handler)))
    patch.setattr(
        FakeTaskDefinition,
        "create_from_cloudformation_json",
        _with_task_definition_fields(FakeTaskDefinition.create_from_cloudformation_json),
    )
    rule = FakeListenerRule.create_from_cloudformation_json
    patch.setattr(FakeListenerRule, "create_from_cloudformation_json", _conditions_without_no_value(rule))
    cache_rules = _describe_pull_through_cache_rules
    patch.setattr(ecr_responses.ECRResponse, "describe_pull_through_cache_rules", cache_rules, raising=False)
    quotas = quota_models.ServiceQuotasBackend
    patch.setattr(quotas, "get_service_quota", _quota(QUOTAS))
    patch.setattr(quotas, "get_aws_default_service_quota", _quota(DEFAULT_QUOTAS), raising=False)
    from moto.servicequotas.responses import ServiceQuotasResponse

    patch.setattr(ServiceQuotasResponse, "get_aws_default_service_quota", _get_aws_default_service_quota, raising=False)
    patch.setattr(settings, "ACM_VALIDATION_WAIT", 0)


def reader() -> Aws:
    """An account reader (preflight, audit) on the server's SDK session: fresh clients, models loaded once."""
    return Aws(_SESSIONS[-1])


@contextlib.contextmanager
def emulated_server() -> Iterator[str]:
    """A moto server on 127.0.0.1 with every shim applied, the SDK and the AWS CLI pointed at it through
    ``AWS_ENDPOINT_URL``; yields its URL. The environment and the shims are restored on exit."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_SECURITY_TOKEN"):
            patch.delenv(name, raising=False)
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            patch.setenv(name, "testing")
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        patch.setenv("AWS_REGION", REGION)
        # No credentials or config from the machine: only the fake ones above.
        patch.setenv("AWS_CONFIG_FILE", "/dev/null")
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        apply_account_shims(patch)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        patch.setenv("AWS_ENDPOINT_URL", url)
        # A fresh account: moto's backends are shared by the whole test process.
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=10).close()
        _SESSIONS.append(boto3.Session(region_name=REGION))
        try:
            yield url
        finally:
            _SESSIONS.pop()
            server.stop()
            CACHE_RULES.clear()
            QUOTAS.clear()
            DEFAULT_QUOTAS.clear()
