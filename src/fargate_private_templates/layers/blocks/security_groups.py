"""Security group rules: TCP, one port, always with a description."""

from __future__ import annotations

from troposphere import ec2


def tcp_rule(port: int, description: str, **peer: object) -> ec2.SecurityGroupRule:
    """One TCP port to or from ``peer`` (``CidrIp=...``, ``SourceSecurityGroupId=...``,
    ``DestinationSecurityGroupId=...``)."""
    return ec2.SecurityGroupRule(IpProtocol="tcp", FromPort=port, ToPort=port, Description=description, **peer)
