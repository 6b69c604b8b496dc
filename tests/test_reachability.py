"""Generation-time reachability: every service reaches its image, logs and secrets, or the build is refused."""

from __future__ import annotations

import pytest
from conftest import catalogue_dict, resources_of_type

from fargate_private_templates.config.image import ImageOptions
from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.network import NetworkConfig
from fargate_private_templates.config.reachability import check_reachability
from fargate_private_templates.config.service import ContainerOptions, ServiceConfig
from fargate_private_templates.errors import ConfigError
from fargate_private_templates.layers.service import build_service
from fargate_private_templates.render import ordered_dict
from fargate_private_templates.stacks import build_stacks

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbC123"
PARAMETER = "arn:aws:ssm:us-east-1:123456789012:parameter/app/flags"
ENDPOINTS_ONLY = NetworkConfig(nat_mode="none", endpoints=("s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager"))


def test_ecr_on_an_endpoints_only_network_goes_through_the_endpoints() -> None:
    (result,) = check_reachability(ENDPOINTS_ONLY, [ServiceConfig(container=ContainerOptions(secrets={"DB": SECRET}))])
    assert result.describe() == (
        "app: image (ecr) via VPC endpoints (s3, ecr.api, ecr.dkr); secrets (Secrets Manager) via VPC endpoints "
        "(secretsmanager); logs (CloudWatch Logs) via VPC endpoints (logs)"
    )


def test_nat_carries_what_no_endpoint_serves_and_endpoints_win_where_they_exist() -> None:
    network = NetworkConfig(endpoints="ecr")
    (result,) = check_reachability(
        network,
        [
            ServiceConfig(
                container=ContainerOptions(secrets={"DB": SECRET}, readonly_root_filesystem=False), enable_exec=True
            )
        ],
    )
    assert [(r.what, r.via) for r in result.routes] == [
        ("image (ecr)", "VPC endpoints (s3, ecr.api, ecr.dkr)"),
        ("secrets (Secrets Manager)", "NAT gateway"),
        ("logs (CloudWatch Logs)", "VPC endpoints (logs)"),
        ("ECS Exec (SSM messages)", "NAT gateway"),
    ]


@pytest.mark.parametrize(
    ("network", "service", "mentions"),
    [
        (ENDPOINTS_ONLY, ServiceConfig(image=ImageOptions(source="third_party")), "image (third-party registry)"),
        (NetworkConfig(nat_mode="none"), ServiceConfig(), "image (ecr)"),
        (NetworkConfig(nat_mode="none", endpoints=["ecr.api", "ecr.dkr", "logs"]), ServiceConfig(), "add endpoints s3"),
        (NetworkConfig(nat_mode="none", endpoints=["s3", "ecr.api", "ecr.dkr"]), ServiceConfig(), "logs (CloudWatch"),
        (
            NetworkConfig(nat_mode="none", endpoints="ecr"),
            ServiceConfig(container=ContainerOptions(secrets={"DB": SECRET})),
            "secretsmanager",
        ),
        (ENDPOINTS_ONLY, ServiceConfig(container=ContainerOptions(secrets={"FLAGS": PARAMETER})), "add endpoints ssm"),
        (
            ENDPOINTS_ONLY,
            ServiceConfig(container=ContainerOptions(readonly_root_filesystem=False), enable_exec=True),
            "add endpoints ssmmessages",
        ),
        (
            NetworkConfig(nat_mode="none", endpoints=["ecr.api", "ecr.dkr", "logs"]),
            ServiceConfig(
                image=ImageOptions(source="pull_through_cache", repository="library/nginx", cache_prewarmed=True)
            ),
            "image (pull_through_cache)",
        ),
        (
            ENDPOINTS_ONLY,
            ServiceConfig(image=ImageOptions(source="pull_through_cache", repository="library/nginx")),
            "first pull through the pull-through cache",
        ),
    ],
)
def test_impossible_combinations_are_refused_with_the_fixes(
    network: NetworkConfig, service: ServiceConfig, mentions: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        check_reachability(network, [service])
    message = str(caught.value)
    assert message.startswith("nat_mode, endpoints: service 'app' cannot reach its ")
    assert mentions in message and "set nat_mode to per_az, single or regional" in message


def test_third_party_refusal_offers_the_pull_through_cache() -> None:
    with pytest.raises(ConfigError, match="use image.source 'pull_through_cache'"):
        build_stacks(ENDPOINTS_ONLY, [ServiceConfig(image=ImageOptions(source="third_party"))])


def test_build_stacks_returns_a_network_and_each_service() -> None:
    services = [ServiceConfig(name="web"), ServiceConfig(name="api", load_balancer=LoadBalancerOptions(kind="nlb"))]
    stacks = build_stacks(ENDPOINTS_ONLY, services)
    assert list(stacks) == ["network.yaml", "service-web.yaml", "service-api.yaml"]
    with pytest.raises(ConfigError, match="^name: 'web' is used by two services"):
        build_stacks(ENDPOINTS_ONLY, [ServiceConfig(name="web"), ServiceConfig(name="web")])


def test_pull_through_cache_image_and_permissions() -> None:
    template = ordered_dict(
        build_service(ServiceConfig(image=ImageOptions(source="pull_through_cache", repository="library/nginx")))
    )
    (task,) = resources_of_type(template, "AWS::ECS::TaskDefinition").values()
    assert task["Properties"]["ContainerDefinitions"][0]["Image"] == {
        "Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/${PullThroughCachePrefix}/"
        "${RepositoryName}:${ImageTag}"
    }
    assert template["Parameters"]["PullThroughCachePrefix"]["Default"] == "docker-hub"
    prefix = template["Parameters"]["PullThroughCachePrefix"]
    cache_prefix = catalogue_dict("registry-pull-through-cache.yaml")["Parameters"]["EcrRepositoryPrefix"]
    bounds = ("AllowedPattern", "MinLength", "MaxLength")
    assert [prefix[k] for k in bounds] == [cache_prefix[k] for k in bounds], "both stacks accept the same prefixes"
    assert template["Parameters"]["RepositoryName"]["Default"] == "library/nginx"
    statements = template["Resources"]["ExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    pull = next(s for s in statements if s["Sid"] == "PullImage")
    assert pull["Action"] == [
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage",
        "ecr:BatchImportUpstreamImage",
        "ecr:CreateRepository",
    ]
    assert pull["Resource"] == [
        {
            "Fn::Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/"
            "${PullThroughCachePrefix}/${RepositoryName}"
        }
    ]


def test_pull_through_cache_rule_template() -> None:
    template = catalogue_dict("registry-pull-through-cache.yaml")
    rule = template["Resources"]["PullThroughCacheRule"]["Properties"]
    assert (rule["UpstreamRegistry"], rule["UpstreamRegistryUrl"]) == ("docker-hub", "registry-1.docker.io")
    assert rule["CredentialArn"] == {"Ref": "CredentialSecretArn"}
    assert ":secret:ecr-pullthroughcache/" in template["Parameters"]["CredentialSecretArn"]["AllowedPattern"]
    creation = template["Resources"]["CacheRepositoryTemplate"]["Properties"]
    assert creation["Prefix"] == {"Ref": "EcrRepositoryPrefix"} and creation["AppliedFor"] == ["PULL_THROUGH_CACHE"]
    assert template["Outputs"]["PullThroughCachePrefix"]["Value"] == {"Ref": "EcrRepositoryPrefix"}


def test_public_upstreams_need_no_credentials() -> None:
    from fargate_private_templates.config.registry import PullThroughCacheConfig
    from fargate_private_templates.layers.registry import build_pull_through_cache

    template = ordered_dict(
        build_pull_through_cache(PullThroughCacheConfig(upstream="ecr-public", prefix="ecr-public"))
    )
    assert "CredentialArn" not in template["Resources"]["PullThroughCacheRule"]["Properties"]
    assert "CredentialSecretArn" not in template["Parameters"]
    with pytest.raises(ConfigError, match="^upstream: 'dockerhub' is not allowed"):
        PullThroughCacheConfig(upstream="dockerhub")


def test_cache_prefix_only_with_the_pull_through_cache() -> None:
    with pytest.raises(ConfigError, match="^image.cache_prefix: only used with image.source 'pull_through_cache'"):
        ImageOptions(cache_prefix="quay")
    with pytest.raises(ConfigError, match="^image.cache_prefix: 'Docker Hub'"):
        ImageOptions(source="pull_through_cache", cache_prefix="Docker Hub")


def test_a_prewarmed_cache_needs_no_nat_and_a_cold_one_says_how_to_warm_it() -> None:
    cold = ServiceConfig(image=ImageOptions(source="pull_through_cache", repository="library/nginx"))
    with pytest.raises(ConfigError, match="set image.cache_prewarmed = true"):
        check_reachability(ENDPOINTS_ONLY, [cold])
    warm = ServiceConfig(
        image=ImageOptions(source="pull_through_cache", repository="library/nginx", cache_prewarmed=True)
    )
    (result,) = check_reachability(ENDPOINTS_ONLY, [warm])
    assert result.routes[0].via == "VPC endpoints (s3, ecr.api, ecr.dkr)"
    (with_nat,) = check_reachability(NetworkConfig(endpoints="ecr"), [cold])
    assert [(r.what, r.via) for r in with_nat.routes][:2] == [
        ("image (pull_through_cache)", "VPC endpoints (s3, ecr.api, ecr.dkr)"),
        ("first pull through the pull-through cache (ECR imports the image from upstream)", "NAT gateway"),
    ]
