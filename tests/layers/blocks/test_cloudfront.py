"""The CloudFront pieces: a VPC origin to the load balancer over TLS 1.2, the distribution that uses it, their
parameters, and the load balancer's one ingress rule from the origin-facing prefix list."""

from __future__ import annotations

from conftest import resources_of_type

from fargate_private_templates.config.cloudfront import CloudFrontOptions
from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.layers import build_service
from fargate_private_templates.layers.blocks.cloudfront import ALL_VIEWER, CACHING_DISABLED
from fargate_private_templates.render import ordered_dict

VIEWER_CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"


def _service(port: int | None = None, **cloudfront: object) -> dict:
    balancer = LoadBalancerOptions(kind="cloudfront", listener_port=port, cloudfront=CloudFrontOptions(**cloudfront))
    return ordered_dict(build_service(ServiceConfig(load_balancer=balancer)))


def _distribution(template: dict) -> dict:
    (distribution,) = resources_of_type(template, "AWS::CloudFront::Distribution").values()
    return distribution["Properties"]["DistributionConfig"]


def test_the_vpc_origin_reaches_the_load_balancer_over_tls_1_2_only() -> None:
    (origin,) = resources_of_type(_service(8443), "AWS::CloudFront::VpcOrigin").values()
    assert origin["Properties"]["VpcOriginEndpointConfig"] == {
        "Name": {"Ref": "AWS::StackName"},
        "Arn": {"Ref": "LoadBalancer"},
        "HTTPSPort": 8443,
        "OriginProtocolPolicy": "https-only",
        # CloudFormation's default would be TLSv1 and SSLv3.
        "OriginSSLProtocols": ["TLSv1.2"],
    }


def test_the_distribution_uses_the_vpc_origin_and_forwards_the_viewers_host() -> None:
    config = _distribution(_service())
    (origin,) = config["Origins"]
    assert origin == {
        "Id": "LoadBalancer",
        "DomainName": {"Fn::GetAtt": ["LoadBalancer", "DNSName"]},
        "VpcOriginConfig": {"VpcOriginId": {"Fn::GetAtt": ["VpcOrigin", "Id"]}},
    }
    behavior = config["DefaultCacheBehavior"]
    assert (behavior["TargetOriginId"], behavior["ViewerProtocolPolicy"]) == ("LoadBalancer", "redirect-to-https")
    assert (behavior["CachePolicyId"], behavior["OriginRequestPolicyId"]) == (CACHING_DISABLED, ALL_VIEWER)
    assert set(behavior["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
    assert config["ViewerCertificate"] == {
        "AcmCertificateArn": {"Ref": "ViewerCertificateArn"},
        "SslSupportMethod": "sni-only",
        "MinimumProtocolVersion": "TLSv1.2_2021",
    }
    assert (config["Aliases"], config["Enabled"], config["IPV6Enabled"]) == ({"Ref": "DomainNames"}, True, True)


def test_web_acl_and_logs_are_optional_parameters() -> None:
    template = _service()
    config = _distribution(template)
    assert config["WebACLId"] == {
        "Fn::If": ["HasCloudFrontWebAcl", {"Ref": "CloudFrontWebAclArn"}, {"Ref": "AWS::NoValue"}]
    }
    condition, logging, off = config["Logging"]["Fn::If"]
    assert (condition, off) == ("HasDistributionLogs", {"Ref": "AWS::NoValue"})
    assert logging["Bucket"] == {"Fn::Sub": "${DistributionLogsBucket}.s3.amazonaws.com"}
    parameters = template["Parameters"]
    assert parameters["CloudFrontWebAclArn"]["Default"] == "" and parameters["DistributionLogsBucket"]["Default"] == ""
    assert "global/webacl/" in parameters["CloudFrontWebAclArn"]["AllowedPattern"]
    assert parameters["CloudFrontWebAclArn"]["AllowedPattern"].startswith("^$|^arn:aws:wafv2:us-east-1:")


def test_the_config_gives_the_parameters_their_defaults_or_they_are_asked_for() -> None:
    asked = _service()["Parameters"]
    assert not {"Default"} & (asked["ViewerCertificateArn"].keys() | asked["DomainNames"].keys())
    assert "Default" not in asked["OriginFacingPrefixListId"]
    assert "describe-managed-prefix-lists" in asked["OriginFacingPrefixListId"]["Description"]
    given = _service(
        domain_names=["api.example.com", "www.example.com"],
        viewer_certificate_arn=VIEWER_CERTIFICATE,
        origin_prefix_list="pl-3b927c52",
    )["Parameters"]
    assert given["DomainNames"] == {
        "Type": "CommaDelimitedList",
        "Description": "Alternate domain names (CNAMEs) of the distribution, comma-separated; the viewer certificate "
        "and the load balancer's certificate must both cover them",
        "Default": "api.example.com,www.example.com",
    }
    assert given["ViewerCertificateArn"]["Default"] == VIEWER_CERTIFICATE
    assert given["ViewerCertificateArn"]["AllowedPattern"].startswith("^arn:aws:acm:us-east-1:")
    assert given["OriginFacingPrefixListId"]["Default"] == "pl-3b927c52"


def test_the_load_balancer_admits_only_the_origin_facing_prefix_list_on_its_https_port() -> None:
    template = _service(8443)
    group = template["Resources"]["LoadBalancerSecurityGroup"]["Properties"]
    # One rule: the list weighs 55 of the group's default 60.
    assert group["SecurityGroupIngress"] == [
        {
            "IpProtocol": "tcp",
            "FromPort": 8443,
            "ToPort": 8443,
            "Description": "HTTPS port 8443 from CloudFront only",
            "SourcePrefixListId": {"Ref": "OriginFacingPrefixListId"},
        }
    ]
    assert group["GroupDescription"] == "app load balancer: listener ports from CloudFront"


def test_a_service_behind_its_own_distribution_outputs_it() -> None:
    outputs = _service()["Outputs"]
    assert outputs["DistributionDomainName"]["Value"] == {"Fn::GetAtt": ["Distribution", "DomainName"]}
    assert outputs["DistributionId"]["Value"] == {"Ref": "Distribution"}
    assert "Export" not in outputs["DistributionDomainName"]
    assert outputs["LoadBalancerDnsName"]["Description"] == "Internal load balancer, CloudFront's VPC origin"
