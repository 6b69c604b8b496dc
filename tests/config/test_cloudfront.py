"""CloudFront in front of an internal ALB: the distribution's settings and where they may be given."""

from __future__ import annotations

import pytest

from fargate_private_templates.config.cloudfront import (
    PREFIX_LIST_LOOKUP,
    CloudFrontOptions,
    refuse_unused,
)
from fargate_private_templates.config.front_door import FrontDoorConfig
from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.errors import ConfigError

VIEWER_CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"


def test_defaults_ask_everything_at_deploy_time() -> None:
    options = CloudFrontOptions()
    assert (options.domain_names, options.viewer_certificate_arn, options.origin_prefix_list) == ((), None, None)
    assert not options.is_set


def test_domain_names_are_lowercased_and_kept_once_in_order() -> None:
    options = CloudFrontOptions(domain_names=["WWW.example.com", "*.shop.example.com", "www.example.com"])
    assert options.domain_names == ("www.example.com", "*.shop.example.com")
    assert options.is_set


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"domain_names": "www.example.com"},
            "cloudfront.domain_names: 'www.example.com' is not a list of domain names",
        ),
        ({"domain_names": 5}, "cloudfront.domain_names: 5 is not a list of domain names"),
        (
            {"domain_names": ["www.example.com", "example"]},
            "cloudfront.domain_names: 'example' is not allowed; a domain name such as www.example.com or "
            "*.example.com (letters, digits and hyphens in dot-separated labels)",
        ),
        (
            {"viewer_certificate_arn": VIEWER_CERTIFICATE.replace("us-east-1", "eu-west-1")},
            "cloudfront.viewer_certificate_arn: 'arn:aws:acm:eu-west-1:123456789012:certificate/"
            "12345678-1234-1234-1234-12345678... (5 more characters) is not allowed; an ACM certificate ARN in "
            "us-east-1 (arn:aws:acm:us-east-1:<account>:certificate/<id>): CloudFront takes viewer certificates only "
            "from US East (N. Virginia); or leave it unset to ask at deploy time",
        ),
        (
            {"origin_prefix_list": "com.amazonaws.global.cloudfront.origin-facing"},
            "cloudfront.origin_prefix_list: 'com.amazonaws.global.cloudfront.origin-facing' is not allowed; the ID "
            "(pl-...) of com.amazonaws.global.cloudfront.origin-facing in the stack's Region, which "
            f"`{PREFIX_LIST_LOOKUP}` prints; or leave it unset to ask at deploy time",
        ),
    ],
)
def test_bad_values_name_the_field_and_what_is_allowed(kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        CloudFrontOptions(**kwargs)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "name", ["a.bc", "x-1.example.com", "*.example.com", f"{'a' * 63}.example.com", "xn--bcher-kva.example"]
)
def test_domain_names_cloudfront_takes(name: str) -> None:
    assert CloudFrontOptions(domain_names=[name]).domain_names == (name,)


@pytest.mark.parametrize(
    "name", ["-a.example.com", "a-.example.com", "a..example.com", "www.*.example.com", "example.c0m", "a b.com", 5]
)
def test_domain_names_refused(name: object) -> None:
    with pytest.raises(ConfigError, match="^cloudfront.domain_names: "):
        CloudFrontOptions(domain_names=[name])


def test_valid_settings_are_kept() -> None:
    options = CloudFrontOptions(viewer_certificate_arn=VIEWER_CERTIFICATE, origin_prefix_list="pl-3b927c52")
    assert (options.viewer_certificate_arn, options.origin_prefix_list) == (VIEWER_CERTIFICATE, "pl-3b927c52")


def test_settings_for_another_kind_are_refused_rather_than_dropped() -> None:
    refuse_unused(CloudFrontOptions(), "alb", "kind")
    refuse_unused(CloudFrontOptions(domain_names=["a.example.com"]), "cloudfront", "kind")
    with pytest.raises(ConfigError) as caught:
        LoadBalancerOptions(cloudfront=CloudFrontOptions(domain_names=["a.example.com"]))
    assert str(caught.value) == (
        "load_balancer.cloudfront: set, but load_balancer.kind is 'alb'; the settings apply only with "
        "load_balancer.kind 'cloudfront' (remove them, or set load_balancer.kind = 'cloudfront')"
    )
    with pytest.raises(ConfigError, match="^cloudfront: set, but kind is 'alb'; the settings apply only with kind "):
        FrontDoorConfig(cloudfront=CloudFrontOptions(origin_prefix_list="pl-3b927c52"))
    behind = LoadBalancerOptions(kind="cloudfront", cloudfront=CloudFrontOptions(domain_names=["a.b.com"]))
    assert behind.cloudfront.domain_names == ("a.b.com",)
    assert ServiceConfig(load_balancer=behind).load_balancer.cloudfront == behind.cloudfront


def test_a_load_balancer_cloudfront_group_must_be_cloudfront_options() -> None:
    with pytest.raises(ConfigError, match=r"^load_balancer.cloudfront: \{\} is not a CloudFrontOptions"):
        LoadBalancerOptions(kind="cloudfront", cloudfront={})
