"""Security group rules: TCP, one port, always with a description; and the rule that allows nothing."""

from __future__ import annotations

from troposphere import AWSHelperFn, GetAtt, ec2


def tcp_rule(port: int, description: str, **peer: object) -> ec2.SecurityGroupRule:
    """One TCP port to or from ``peer`` (``CidrIp=...``, ``SourceSecurityGroupId=...``,
    ``DestinationSecurityGroupId=...``)."""
    return ec2.SecurityGroupRule(IpProtocol="tcp", FromPort=port, ToPort=port, Description=description, **peer)


# EC2 gives a group created without egress rules an allow-all egress rule ("When you create a security group, if you
# do not add egress rules, we add egress rules that allow all outbound IPv4 and IPv6 traffic"):
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-securitygroup.html
# This rule (ICMP type 252 code 86 to the broadcast address, as the AWS CDK writes it for allowAllOutbound: false)
# matches nothing, so a group that should open no connections, or only those separate egress resources add, has it.
NO_EGRESS = {"CidrIp": "255.255.255.255/32", "IpProtocol": "icmp", "FromPort": 252, "ToPort": 86}


def no_egress_rule(description: str) -> ec2.SecurityGroupRule:
    return ec2.SecurityGroupRule(Description=description, **NO_EGRESS)


def egress_to_group(
    title: str, group_id: AWSHelperFn, port: int, destination: ec2.SecurityGroup, description: str
) -> ec2.SecurityGroupEgress:
    """One TCP port from ``group_id`` to ``destination``, as a resource of its own: the group's stack need not know
    the destination, and neither group waits for the other."""
    return ec2.SecurityGroupEgress(
        title,
        GroupId=group_id,
        IpProtocol="tcp",
        FromPort=port,
        ToPort=port,
        DestinationSecurityGroupId=GetAtt(destination, "GroupId"),
        Description=description,
    )
