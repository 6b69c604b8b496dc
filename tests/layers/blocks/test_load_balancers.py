"""Pieces every load balancer shares: the access log parameter and attributes."""

from __future__ import annotations

import pytest
from conftest import one as _one
from conftest import service_variant as _build


@pytest.mark.parametrize("variant", ["alb", "nlb-tcp"])
def test_access_logs_are_on_exactly_when_a_bucket_is_given(variant: str) -> None:
    template = _build(variant)
    assert template["Parameters"]["AccessLogsBucket"]["Default"] == ""
    assert template["Conditions"]["HasAccessLogs"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AccessLogsBucket"}, ""]}]}
    attributes = _one(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")["LoadBalancerAttributes"]
    conditional = [a["Fn::If"] for a in attributes if "Fn::If" in a]
    assert [(c[0], c[1]["Key"], c[2]) for c in conditional] == [
        ("HasAccessLogs", "access_logs.s3.bucket", {"Ref": "AWS::NoValue"}),
        ("HasAccessLogs", "access_logs.s3.prefix", {"Ref": "AWS::NoValue"}),
    ]
    assert conditional[0][1]["Value"] == {"Ref": "AccessLogsBucket"}
