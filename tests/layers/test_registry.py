"""The registry stacks: the private ECR repository and the pull-through cache rule."""

from __future__ import annotations

import pytest
from conftest import catalogue_dict

from fargate_private_templates.errors import ConfigError
from fargate_private_templates.render import ordered_dict


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


def test_registry_scans_keeps_tags_immutable_and_expires_old_images() -> None:
    template = catalogue_dict("registry.yaml")
    repository = template["Resources"]["Repository"]
    assert repository["DeletionPolicy"] == repository["UpdateReplacePolicy"] == "Retain"
    props = repository["Properties"]
    assert props["ImageScanningConfiguration"] == {"ScanOnPush": True}
    assert props["ImageTagMutability"] == "IMMUTABLE"
    assert "${KeepImages}" in props["LifecyclePolicy"]["LifecyclePolicyText"]["Fn::Sub"]
    assert sorted(template["Outputs"]) == ["RepositoryArn", "RepositoryName", "RepositoryUri"]
