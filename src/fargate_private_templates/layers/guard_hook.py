"""A CloudFormation Guard Hook that runs the shipped guard rules before stack operations in an account."""

from __future__ import annotations

from awacs import s3
from troposphere import Equals, GetAtt, If, NoValue, Output, Parameter, Ref, Sub, Template, cloudformation, iam

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
            Description="Type name alias of the Hook, unique in the account and Region",
            AllowedPattern=r"^(?![Aa][Ww][Ss])[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}$",
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
    add_parameter_group(template, "Hook", {"FailureMode": "Failure mode", "HookAlias": "Hook alias"})
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
    """A Guard Hook on stack and resource operations of the guarded resource types."""
    template = Template(
        Description="CloudFormation Guard Hook enforcing private Fargate tasks in this account and Region: "
        "no public IPs on ECS services, task sets and scheduled targets, no subnets mapping public IPs, "
        "no task security group open to the internet"
    )
    parameters = _parameters(template)
    # Empty means "the latest version": the property is left out.
    template.add_condition(NO_VERSION, Equals(Ref(parameters["version"]), ""))
    role = _execution_role(template, parameters["bucket"], parameters["key"])
    hook = template.add_resource(
        cloudformation.GuardHook(
            "GuardHook",
            Alias=Ref(parameters["alias"]),
            ExecutionRole=GetAtt(role, "Arn"),
            FailureMode=Ref(parameters["failure_mode"]),
            HookStatus="ENABLED",
            RuleLocation=cloudformation.S3Location(
                Uri=Sub(f"s3://${{{parameters['bucket'].title}}}/${{{parameters['key'].title}}}"),
                VersionId=If(NO_VERSION, NoValue, Ref(parameters["version"])),
            ),
            # STACK gives the rules the whole template (needed to join a service to its security groups);
            # RESOURCE also catches resources changed outside a template's own checks.
            TargetOperations=["STACK", "RESOURCE"],
            TargetFilters=cloudformation.TargetFilters(Actions=["CREATE", "UPDATE"], TargetNames=list(GUARDED_TYPES)),
        )
    )
    template.add_output(Output("GuardHookArn", Description="ARN of the Guard Hook", Value=Ref(hook)))
    template.add_output(
        Output("GuardHookExecutionRoleArn", Description="Role the Hook reads its rules with", Value=GetAtt(role, "Arn"))
    )
    return template
