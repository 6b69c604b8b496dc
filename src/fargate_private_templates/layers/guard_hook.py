"""A CloudFormation Guard Hook that runs the shipped guard rules before stack operations in an account."""

from __future__ import annotations

from awacs import s3
from troposphere import Equals, GetAtt, If, NoValue, Output, Parameter, Ref, Sub, Template, cloudformation, iam
from troposphere.cloudformation import TargetFilters

from .blocks import iam as policies
from .blocks.parameters import add_parameter_group
from .blocks.scanner_skips import INLINE_ROLE_POLICY, accept

# The resource types the rules in guard/private_fargate.guard read; a Hook only sees the types it targets.
GUARDED_TYPES = (
    "AWS::ECS::Service",
    "AWS::ECS::TaskSet",
    "AWS::Events::Rule",
    "AWS::Scheduler::Schedule",
    "AWS::EC2::Subnet",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupIngress",
)
FAILURE_MODES = ("FAIL", "WARN")
# Guard Hook aliases are Name1::Name2::Name3 and must not start with AWS:
# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-guardhook.html
DEFAULT_ALIAS = "Private::Guard::FargatePrivate"
DEFAULT_STACK_ALIAS = "Private::Guard::FargatePrivateStack"
ALIAS_PATTERN = r"^(?![Aa][Ww][Ss])[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}$"
NO_VERSION = "RulesVersionIdEmpty"


def _parameters(template: Template) -> dict[str, Parameter]:
    found = {
        "bucket": Parameter(
            "RulesBucket",
            Type="String",
            Description="S3 bucket holding the guard rules (upload the file `fargate-private-templates guard-path`)",
            AllowedPattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
            ConstraintDescription="an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens",
        ),
        "key": Parameter(
            "RulesKey",
            Type="String",
            Default="guard/private_fargate.guard",
            Description="Key of the guard rules object in the bucket",
            AllowedPattern=r"^[^*]{1,1024}$",
            ConstraintDescription="an S3 object key without wildcards",
        ),
        "version": Parameter(
            "RulesVersionId",
            Type="String",
            Default="",
            Description="Version of the rules object to pin (versioned bucket); empty for the latest",
        ),
        "failure_mode": Parameter(
            "FailureMode",
            Type="String",
            Default="FAIL",
            AllowedValues=list(FAILURE_MODES),
            Description="FAIL stops a stack operation that breaks a rule; WARN only reports it",
        ),
        "alias": Parameter(
            "HookAlias",
            Type="String",
            Default=DEFAULT_ALIAS,
            Description="Type name alias of the resource-level Hook, unique in the account and Region",
            AllowedPattern=ALIAS_PATTERN,
            ConstraintDescription="Name1::Name2::Name3, letters and digits, not starting with AWS",
        ),
        "stack_alias": Parameter(
            "StackHookAlias",
            Type="String",
            Default=DEFAULT_STACK_ALIAS,
            Description="Type name alias of the stack-level Hook, unique in the account and Region",
            AllowedPattern=ALIAS_PATTERN,
            ConstraintDescription="Name1::Name2::Name3, letters and digits, not starting with AWS",
        ),
    }
    for parameter in found.values():
        template.add_parameter(parameter)
    add_parameter_group(
        template,
        "Guard rules",
        {"RulesBucket": "Rules bucket", "RulesKey": "Rules object key", "RulesVersionId": "Rules object version"},
    )
    add_parameter_group(
        template,
        "Hook",
        {"FailureMode": "Failure mode", "HookAlias": "Resource Hook alias", "StackHookAlias": "Stack Hook alias"},
    )
    return found


def _execution_role(template: Template, bucket: Parameter, key: Parameter) -> iam.Role:
    """Reads the one rules object, nothing else; ListBucket lets a missing object read as 404, not 403.

    Permissions and trust from https://docs.aws.amazon.com/cloudformation-cli/latest/hooks-userguide/guard-hooks-prepare-to-create-hook.html
    """
    bucket_arn = Sub(f"arn:${{AWS::Partition}}:s3:::${{{bucket.title}}}")
    object_arn = Sub(f"arn:${{AWS::Partition}}:s3:::${{{bucket.title}}}/${{{key.title}}}")
    read_rules = policies.policy(
        policies.allow((s3.GetObject, s3.GetObjectVersion), object_arn, "ReadGuardRules"),
        policies.allow((s3.ListBucket,), bucket_arn, "ListRulesBucket"),
    )
    role = iam.Role(
        "GuardHookExecutionRole",
        Description="Lets the CloudFormation Guard Hook read its rules object",
        AssumeRolePolicyDocument=policies.service_trust("hooks.cloudformation.amazonaws.com"),
        Policies=[iam.Policy(PolicyName="read-guard-rules", PolicyDocument=read_rules)],
    )
    return template.add_resource(accept(role, INLINE_ROLE_POLICY))


def build_guard_hook() -> Template:
    """Two Guard Hooks running the same rules: one on every stack operation, one on operations on the guarded
    resource types.

    Two, not one with both targets: the Hooks guide documents ``TargetFilters.TargetNames`` only as "the resource
    type names to target" and never says what it does to a STACK invocation, whose target is a template, not a
    resource type (https://docs.aws.amazon.com/cloudformation-cli/latest/hooks-userguide/hooks-target-filtering.html).
    The stack-level Hook therefore has no TargetNames: it sees every template, which the rules need to join a service
    to its security groups; the resource-level Hook keeps the filter, so it runs only where a rule can apply.
    """
    template = Template(
        Description="CloudFormation Guard Hooks enforcing private Fargate tasks in this account and Region: "
        "no public IPs on ECS services, task sets and scheduled targets, no subnets mapping public IPs, "
        "no task security group open to the internet"
    )
    parameters = _parameters(template)
    # Empty means "the latest version": the property is left out.
    template.add_condition(NO_VERSION, Equals(Ref(parameters["version"]), ""))
    role = _execution_role(template, parameters["bucket"], parameters["key"])
    actions = ["CREATE", "UPDATE"]
    stack_hook = template.add_resource(
        _hook("StackGuardHook", parameters, parameters["stack_alias"], role, ["STACK"], TargetFilters(Actions=actions))
    )
    resource_hook = template.add_resource(
        _hook(
            "GuardHook",
            parameters,
            parameters["alias"],
            role,
            ["RESOURCE"],
            TargetFilters(Actions=actions, TargetNames=list(GUARDED_TYPES)),
        )
    )
    template.add_output(
        Output("GuardHookArn", Description="ARN of the resource-level Guard Hook", Value=Ref(resource_hook))
    )
    template.add_output(
        Output(
            "GuardHookExecutionRoleArn", Description="Role the Hooks read their rules with", Value=GetAtt(role, "Arn")
        )
    )
    template.add_output(
        Output("StackGuardHookArn", Description="ARN of the stack-level Guard Hook", Value=Ref(stack_hook))
    )
    return template


def _hook(
    title: str,
    parameters: dict[str, Parameter],
    alias: Parameter,
    role: iam.Role,
    operations: list[str],
    filters: TargetFilters,
) -> cloudformation.GuardHook:
    return cloudformation.GuardHook(
        title,
        Alias=Ref(alias),
        ExecutionRole=GetAtt(role, "Arn"),
        FailureMode=Ref(parameters["failure_mode"]),
        HookStatus="ENABLED",
        RuleLocation=cloudformation.S3Location(
            Uri=Sub(f"s3://${{{parameters['bucket'].title}}}/${{{parameters['key'].title}}}"),
            VersionId=If(NO_VERSION, NoValue, Ref(parameters["version"])),
        ),
        TargetOperations=operations,
        TargetFilters=filters,
    )
