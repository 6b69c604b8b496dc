"""Security group rules: TCP, one port, always with a description; and the rule that allows nothing."""

from __future__ import annotations

from troposphere import ec2


def tcp_rule(port: int, description: str, **peer: object) -> ec2.SecurityGroupRule:
    """One TCP port to or from ``peer`` (``CidrIp=...``, ``SourceSecurityGroupId=...``,
    ``DestinationSecurityGroupId=...``)."""
    return ec2.SecurityGroupRule(IpProtocol="tcp", FromPort=port, ToPort=port, Description=description, **peer)


# A rule that matches nothing, so CloudFormation drops the default allow-all egress of a group that should open no
# connections (the same rule CDK writes for allowAllOutbound: false).
NO_EGRESS = {"CidrIp": "255.255.255.255/32", "IpProtocol": "icmp", "FromPort": 252, "ToPort": 86}


def no_egress_rule(description: str) -> ec2.SecurityGroupRule:
    return ec2.SecurityGroupRule(Description=description, **NO_EGRESS)
