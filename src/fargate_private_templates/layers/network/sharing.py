"""Sharing the network with other accounts: the subnets through AWS RAM, and a role that lets those accounts read this
stack's outputs (Fn::GetStackOutput's RoleArn)."""

from __future__ import annotations

from awacs.aws import Allow as ALLOW
from awacs.aws import Condition as PolicyCondition
from awacs.aws import ForAnyValueStringLike, PolicyDocument, Principal, Statement, StringEquals
from awacs.cloudformation import DescribeStacks
from awacs.sts import AssumeRole
from troposphere import GetAtt, Sub, Template, ec2, iam, ram

from ... import contract
from ...config.network import NetworkConfig
from ...contract import NetworkExport
from ..blocks import iam as policies
from ..blocks.scanner_skips import INLINE_ROLE_POLICY, accept
from .zones import Zone


def _subnet_arn(subnet: ec2.Subnet) -> Sub:
    return policies.arn("ec2", f"subnet/${{{subnet.title}}}")


def add_subnet_share(template: Template, config: NetworkConfig, zones: list[Zone]) -> ram.ResourceShare:
    """Shares every subnet through AWS RAM: the workload accounts' load balancers go in the public ones, their
    tasks in the private ones. Only inside the organization, as VPC sharing requires."""
    return template.add_resource(
        ram.ResourceShare(
            "SubnetShare",
            Name=Sub("${AWS::StackName}-subnets"),
            ResourceArns=[_subnet_arn(s) for z in zones for s in (z.public_subnet, z.private_subnet)],
            Principals=list(config.share_with),
            AllowExternalPrincipals=False,
        )
    )


def _reader_trust(config: NetworkConfig) -> PolicyDocument:
    """The shared accounts (their roots delegate to their own IAM, e.g. a stack's execution role), and the
    accounts of a shared organization or OU through the caller's organization ID or path."""
    statements = []
    if config.account_principals:
        accounts = [Sub(f"arn:${{AWS::Partition}}:iam::{account}:root") for account in config.account_principals]
        statements.append(
            Statement(Sid="SharedAccounts", Effect=ALLOW, Principal=Principal("AWS", accounts), Action=[AssumeRole])
        )
    if config.organization_ids:
        in_organization = StringEquals("aws:PrincipalOrgID", list(config.organization_ids))
        statements.append(_anyone_who(in_organization, "SharedOrganization"))
    if config.organization_unit_paths:
        in_units = ForAnyValueStringLike("aws:PrincipalOrgPaths", list(config.organization_unit_paths))
        statements.append(_anyone_who(in_units, "SharedOrganizationalUnits"))
    return PolicyDocument(Version="2012-10-17", Statement=statements)


def _anyone_who(condition: object, sid: str) -> Statement:
    """Any principal whose request meets ``condition`` (its organization or OU): the accounts are not listed."""
    return Statement(
        Sid=sid,
        Effect=ALLOW,
        Principal=Principal("AWS", "*"),
        Action=[AssumeRole],
        Condition=PolicyCondition(condition),
    )


def add_output_reader_role(template: Template, config: NetworkConfig) -> iam.Role:
    """What Fn::GetStackOutput's RoleArn needs in the network account: DescribeStacks on this stack, nothing else."""
    role = template.add_resource(
        iam.Role(
            "OutputReaderRole",
            AssumeRolePolicyDocument=_reader_trust(config),
            Policies=[
                iam.Policy(
                    PolicyName="read-network-outputs",
                    PolicyDocument=policies.policy(
                        policies.allow(
                            (DescribeStacks,),
                            policies.arn("cloudformation", "stack/${AWS::StackName}/*"),
                            "DescribeThisStack",
                        )
                    ),
                )
            ],
        )
    )
    accept(role, INLINE_ROLE_POLICY)
    contract.add_export(
        template,
        NetworkExport.OUTPUT_READER_ROLE_ARN,
        GetAtt(role, "Arn"),
        "Role the shared accounts give as Fn::GetStackOutput's RoleArn to read these outputs",
    )
    return role
