"""The cross-stack contract: the only module that spells an export name or reads another stack's output.

Every producer output is named after its key and exported as ``${AWS::StackName}-<Key>``. A consumer reads it in
one of two reference modes (``StackImports``):

- ``exports`` (default, strict): ``Fn::ImportValue``. A deployed stack that imports an export pins it: renaming or
  removing the key, or even changing its value, then fails with "Export ... cannot be updated as it is in use".
- ``stack_outputs`` (weak): ``Fn::GetStackOutput`` on the output's logical ID, optionally through a role in another
  account. Nothing is pinned: the producer can change a value (add an AZ's subnet) and consumers pick it up on their
  next update. Never from another Region: the values read are VPC, subnet and security group IDs, which belong to
  their Region (EC2 resource locations: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resources.html).

Either way keys and output logical IDs only ever get added; ``templates/exports.json`` with its test guards both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from troposphere import (
    AWSHelperFn,
    AWSObject,
    Equals,
    Export,
    GetAtt,
    If,
    ImportValue,
    Join,
    Not,
    Output,
    Parameter,
    Ref,
    Split,
    Sub,
    Template,
)

from .config.patterns import STACK_NAME
from .config.references import EXPORTS, REFERENCE_MODES, STACK_OUTPUTS
from .config.routing import DEFAULT_FRONT_DOOR_STACK

NETWORK_STACK_PARAMETER = "NetworkStackName"
FRONT_DOOR_STACK_PARAMETER = "IngressStackName"
# The network stack a template built alone expects: the default deployment's (stacks.stack_names).
DEFAULT_NETWORK_STACK = "fargate-network"
# Comma-joined lists, because an export value must be a string.
LIST_SEPARATOR = ","
# An export's value cannot be empty.
NO_ENDPOINTS = "none"


class NetworkExport(StrEnum):
    """Keys the network stack exports (besides one key per subnet, see ``subnet_key``)."""

    VPC_ID = "VpcId"
    VPC_CIDR = "VpcCidr"
    PUBLIC_SUBNET_IDS = "PublicSubnetIds"
    PRIVATE_SUBNET_IDS = "PrivateSubnetIds"
    PRIVATE_ROUTE_TABLE_IDS = "PrivateRouteTableIds"
    EGRESS_MODE = "EgressMode"
    VPC_ENDPOINTS = "VpcEndpoints"
    CLUSTER_NAME = "ClusterName"
    CLUSTER_ARN = "ClusterArn"
    # Only when the network shares its subnets with other accounts (NetworkConfig.output_reader_role).
    OUTPUT_READER_ROLE_ARN = "OutputReaderRoleArn"


class FrontDoorExport(StrEnum):
    """Keys the shared front-door stack exports, for the services that attach listener rules to it."""

    HTTPS_LISTENER_ARN = "HttpsListenerArn"
    LOAD_BALANCER_SECURITY_GROUP_ID = "LoadBalancerSecurityGroupId"
    # For ALBRequestCountPerTarget scaling: app/<name>/<id>.
    LOAD_BALANCER_FULL_NAME = "LoadBalancerFullName"
    LOAD_BALANCER_DNS_NAME = "LoadBalancerDnsName"
    # For Route 53 alias records to the load balancer.
    LOAD_BALANCER_HOSTED_ZONE_ID = "LoadBalancerCanonicalHostedZoneId"
    # Only behind CloudFront (``[ingress] kind = "cloudfront"``): where the services' host names point. A service
    # behind its own distribution has outputs of the same names.
    DISTRIBUTION_DOMAIN_NAME = "DistributionDomainName"
    DISTRIBUTION_ID = "DistributionId"


@dataclass(frozen=True)
class RuleWeights:
    """The forward weights of one listener rule ECS shifts traffic with, as the service stack's Number parameters.

    ECS moves these weights at every blue/green, canary or linear deployment; CloudFormation does not see it. A stack
    update that sends the template's weights back would move every request to whichever target group they name,
    which after an odd number of deployments has no tasks. So every update restates the live weights, read from the
    rule (docs/rollouts.md shows the shell that reads them; a deploy script imports these names).

    ``rules`` are the logical IDs the rule has (``ProductionListenerRule`` on a service's own ALB, ``ListenerRule`` on
    the shared front door); ``primary`` weighs ``TargetGroup``, ``alternate`` weighs ``AlternateTargetGroup``.
    """

    rules: tuple[str, ...]
    primary: str
    alternate: str


PRODUCTION_WEIGHTS = RuleWeights(
    ("ProductionListenerRule", "ListenerRule"), "TargetGroupWeight", "AlternateTargetGroupWeight"
)
TEST_WEIGHTS = RuleWeights(("TestListenerRule",), "TestTargetGroupWeight", "TestAlternateTargetGroupWeight")
WEIGHTED_RULES = (PRODUCTION_WEIGHTS, TEST_WEIGHTS)
# Target group weights of an ALB forward action: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupTuple.html
TARGET_GROUP_WEIGHTS = (0, 999)


class RegistryExport(StrEnum):
    """Keys the registry stack exports."""

    REPOSITORY_NAME = "RepositoryName"
    REPOSITORY_ARN = "RepositoryArn"
    REPOSITORY_URI = "RepositoryUri"
    PULL_THROUGH_CACHE_PREFIX = "PullThroughCachePrefix"


def subnet_key(tier: str, zone_number: int) -> str:
    """``PublicSubnet1Id``, ``PrivateSubnet2Id``...; ``zone_number`` counts from 1 like the logical IDs."""
    return f"{tier.capitalize()}Subnet{zone_number}Id"


def export_name(key: str) -> Sub:
    return Sub(f"${{AWS::StackName}}-{key}")


def add_export(template: Template, key: str, value: object, description: str) -> Output:
    """An output named after its key, exported as ``${AWS::StackName}-<key>``."""
    return template.add_output(Output(str(key), Description=description, Value=value, Export=Export(export_name(key))))


def exported_keys(template_dict: dict) -> list[str]:
    """Export keys of a rendered template, in output order (the stack-name prefix stripped)."""
    prefix = "${AWS::StackName}-"
    keys = []
    for output in template_dict.get("Outputs", {}).values():
        name = output.get("Export", {}).get("Name", {})
        sub = name.get("Fn::Sub") if isinstance(name, dict) else None
        if isinstance(sub, str) and sub.startswith(prefix):
            keys.append(sub[len(prefix) :])
    return keys


def output_keys(template_dict: dict) -> list[str]:
    """Logical IDs of a rendered template's outputs, in order: what ``Fn::GetStackOutput`` reads."""
    return list(template_dict.get("Outputs", {}))


def _arguments_of(template_dict: dict, function: str) -> Iterator[object]:
    """The argument of every ``function`` call in the template's resources and outputs."""

    def walk(node: object) -> Iterator[object]:
        if isinstance(node, dict):
            if function in node:
                yield node[function]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    yield from walk(template_dict.get("Resources", {}))
    yield from walk(template_dict.get("Outputs", {}))


def read_output_keys(template_dict: dict) -> list[str]:
    """Output names a rendered template reads through ``Fn::GetStackOutput``, sorted."""
    return sorted(
        {
            argument["OutputName"]
            for argument in _arguments_of(template_dict, "Fn::GetStackOutput")
            if isinstance(argument, dict) and isinstance(argument.get("OutputName"), str)
        }
    )


def imported_keys(template_dict: dict) -> list[str]:
    """Keys a rendered template imports through ``Fn::ImportValue: !Sub ${<Param>}-<Key>``, sorted."""
    keys: set[str] = set()
    for argument in _arguments_of(template_dict, "Fn::ImportValue"):
        text = argument.get("Fn::Sub") if isinstance(argument, dict) else None
        if isinstance(text, str) and text.startswith("${") and "}-" in text:
            keys.add(text.split("}-", 1)[1])
    return sorted(keys)


class GetStackOutput(AWSHelperFn):
    """``Fn::GetStackOutput``: troposphere has no helper for it. Region and RoleArn are left out when None.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html
    """

    def __init__(self, stack_name: object, output_name: str, region: object = None, role_arn: object = None) -> None:
        argument: dict[str, object] = {"StackName": stack_name, "OutputName": output_name}
        if region is not None:
            argument["Region"] = region
        if role_arn is not None:
            argument["RoleArn"] = role_arn
        self.data = {"Fn::GetStackOutput": argument}


class StackImports:
    """The consumer side of one producer stack: its stack-name parameter and the reads of its keys.

    ``mode`` is ``exports`` (``Fn::ImportValue`` of ``${<parameter_name>}-<key>``) or ``stack_outputs``
    (``Fn::GetStackOutput`` of output ``<key>`` of stack ``<parameter_name>``, plus one optional parameter,
    ``<prefix>RoleArn``, for a producer in another account, where ``<prefix>`` is ``parameter_name`` without its
    trailing ``Name``). Every read of the producer carries that same role. Producer-specific subclasses add
    properties.
    """

    def __init__(
        self,
        template: Template,
        parameter_name: str,
        default_stack_name: str,
        mode: str = EXPORTS,
        producer: str = "producer",
    ) -> None:
        if mode not in REFERENCE_MODES:
            raise ValueError(f"mode: {mode!r} is not a reference mode; choose one of {', '.join(REFERENCE_MODES)}")
        self.mode = mode
        self.parameter = template.add_parameter(
            Parameter(
                parameter_name,
                Type="String",
                Default=default_stack_name,
                Description=f"Name of the deployed {producer} stack whose "
                + ("exports this stack imports" if mode == EXPORTS else "outputs this stack reads"),
                AllowedPattern=STACK_NAME.pattern,
                ConstraintDescription="a CloudFormation stack name: letters, digits and hyphens, "
                "starting with a letter",
            )
        )
        self.role_arn: Parameter | None = None
        self.remote_condition: str | None = None
        if mode == STACK_OUTPUTS:
            self._add_remote_parameters(template, parameter_name.removesuffix("Name"), producer)

    def _add_remote_parameters(self, template: Template, prefix: str, producer: str) -> None:
        self.role_arn = template.add_parameter(
            Parameter(
                f"{prefix}RoleArn",
                Type="String",
                Default="",
                Description=f"Role allowed cloudformation:DescribeStacks on the {producer} stack, for a stack in "
                "another account; empty to read with this stack's own permissions",
                AllowedPattern=r"^(arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+)?$",
                ConstraintDescription="empty or an IAM role ARN",
            )
        )
        # Another account: resources that must sit beside the consumer cannot be the producer's.
        self.remote_condition = f"{prefix}IsRemote"
        template.add_condition(self.remote_condition, Not(Equals(Ref(self.role_arn), "")))

    @property
    def parameter_titles(self) -> list[str]:
        """The parameters this reference added, for a parameter group."""
        return [p.title for p in (self.parameter, self.role_arn) if p is not None]

    def value(self, key: str) -> AWSHelperFn:
        if self.mode == EXPORTS:
            return ImportValue(Sub(f"${{{self.parameter.title}}}-{key}"))
        return GetStackOutput(
            Ref(self.parameter), str(key), role_arn=If(self.remote_condition, Ref(self.role_arn), Ref("AWS::NoValue"))
        )

    def list(self, key: str) -> AWSHelperFn:
        # Fn::Split does not list Fn::GetStackOutput among its arguments (cfn-lint 1.58 refuses it), Fn::Join does:
        # a one-item join hands the output's string to Split unchanged.
        value = self.value(key)
        return Split(LIST_SEPARATOR, value if self.mode == EXPORTS else Join("", [value]))


class NetworkImports(StackImports):
    """The network stack as a consumer sees it, through the ``NetworkStackName`` parameter.

    For custom templates too: ``net = NetworkImports(template)`` then ``net.value(NetworkExport.VPC_ID)``;
    ``NetworkImports(template, mode="stack_outputs")`` reads outputs instead of imports.
    """

    def __init__(
        self, template: Template, default_stack_name: str = DEFAULT_NETWORK_STACK, mode: str = EXPORTS
    ) -> None:
        super().__init__(template, NETWORK_STACK_PARAMETER, default_stack_name, mode, producer="network")
        self._local_cluster: AWSObject | None = None

    def run_in_local_cluster_when_remote(self, cluster: AWSObject) -> None:
        """Use ``cluster`` (created under ``remote_condition``) when the network stack is in another account: an ECS
        service can only run in a cluster of its own account."""
        self._local_cluster = cluster

    @property
    def vpc_id(self) -> AWSHelperFn:
        return self.value(NetworkExport.VPC_ID)

    @property
    def vpc_cidr(self) -> AWSHelperFn:
        return self.value(NetworkExport.VPC_CIDR)

    @property
    def public_subnet_ids(self) -> AWSHelperFn:
        return self.list(NetworkExport.PUBLIC_SUBNET_IDS)

    @property
    def private_subnet_ids(self) -> AWSHelperFn:
        return self.list(NetworkExport.PRIVATE_SUBNET_IDS)

    @property
    def cluster_name(self) -> AWSHelperFn:
        return self._cluster(Ref, NetworkExport.CLUSTER_NAME)

    @property
    def cluster_arn(self) -> AWSHelperFn:
        return self._cluster(lambda cluster: GetAtt(cluster, "Arn"), NetworkExport.CLUSTER_ARN)

    @property
    def cluster_read_is_conditional(self) -> bool:
        """True when the cluster is this stack's own under ``remote_condition`` and the network's otherwise."""
        return self._local_cluster is not None and self.remote_condition is not None

    def _cluster(self, local: Callable[[AWSObject], AWSHelperFn], key: str) -> AWSHelperFn:
        if self._local_cluster is None or self.remote_condition is None:
            return self.value(key)
        # The read carries the role like every other read of the network: one lookup, one way to reach the stack.
        return If(self.remote_condition, local(self._local_cluster), self.value(key))


class FrontDoorImports(StackImports):
    """The shared front door as an attached service sees it, through the ``IngressStackName`` parameter."""

    def __init__(
        self, template: Template, default_stack_name: str = DEFAULT_FRONT_DOOR_STACK, mode: str = EXPORTS
    ) -> None:
        super().__init__(template, FRONT_DOOR_STACK_PARAMETER, default_stack_name, mode, producer="front-door")

    @property
    def https_listener_arn(self) -> AWSHelperFn:
        return self.value(FrontDoorExport.HTTPS_LISTENER_ARN)

    @property
    def security_group_id(self) -> AWSHelperFn:
        return self.value(FrontDoorExport.LOAD_BALANCER_SECURITY_GROUP_ID)

    @property
    def load_balancer_full_name(self) -> AWSHelperFn:
        return self.value(FrontDoorExport.LOAD_BALANCER_FULL_NAME)


# The names before "front door" became the one word for the shared load balancer; kept for existing callers.
IngressExport = FrontDoorExport
IngressImports = FrontDoorImports
