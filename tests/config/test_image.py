"""Where a container's image comes from."""

from __future__ import annotations

import pytest

from fargate_private_templates.config.image import ImageOptions
from fargate_private_templates.errors import ConfigError


def test_cache_prefix_only_with_the_pull_through_cache() -> None:
    with pytest.raises(ConfigError, match="^image.cache_prefix: only used with image.source 'pull_through_cache'"):
        ImageOptions(cache_prefix="quay")
    with pytest.raises(ConfigError, match="^image.cache_prefix: 'Docker Hub'"):
        ImageOptions(source="pull_through_cache", cache_prefix="Docker Hub")


ECR_URIS = [
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:1.4.2", "shop", "1.4.2"),
    ("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/team/shop:v2", "team/shop", "v2"),
    ("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/shop:1.0", "shop", "1.0"),
    ("123456789012.dkr-ecr.eu-west-1.on.aws/shop:2026.1", "shop", "2026.1"),
    ("123456789012.dkr-ecr-fips.us-east-2.on.aws/shop:1", "shop", "1"),
]


@pytest.mark.parametrize(("uri", "repository", "tag"), ECR_URIS)
def test_an_ecr_uri_as_a_third_party_image_is_refused_with_the_keys_to_use(uri: str, repository: str, tag: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ImageOptions(source="third_party", uri=uri)
    parts = f"repository = {repository!r} and tag = {tag!r}"
    assert str(caught.value) == (
        f"image.uri: {uri!r} is an Amazon ECR image; as image.source 'third_party' its tasks would get neither ECR "
        f"permissions nor ECR endpoints; use image.source = 'ecr' with {parts} when the repository is in the stack's "
        f"own account, or image.source = 'ecr_cross_account' with registry_account_id = '123456789012', {parts}"
    )


@pytest.mark.parametrize(
    "uri",
    [
        "ghcr.io/example/app:1.0",
        "12345678901.dkr.ecr.us-east-1.amazonaws.com/shop:1",  # 11 digits: not an account
        "123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example/shop:1",
        "123456789012.dkr.ecr.us-east-1.example.com/shop:1",
        "public.ecr.aws/nginx/nginx:1.27",
    ],
)
def test_hosts_that_are_not_an_ecr_registry_stay_third_party(uri: str) -> None:
    assert ImageOptions(source="third_party", uri=uri).uri == uri


def test_an_ecr_uri_pinned_by_digest_is_told_how_to_name_it_by_tag() -> None:
    uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop@sha256:" + "a" * 64
    with pytest.raises(ConfigError) as caught:
        ImageOptions(source="third_party", uri=uri)
    assert str(caught.value).endswith(
        "split <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> into image.repository = '<repository>' "
        "and image.tag = '<tag>', with image.source 'ecr' (the stack's own account) or 'ecr_cross_account' and "
        "image.registry_account_id = '<account>'"
    )


@pytest.mark.parametrize("source", ["ecr", "ecr_cross_account", "pull_through_cache"])
def test_a_uri_with_an_ecr_source_says_how_to_split_it(source: str) -> None:
    extra = {"registry_account_id": "210987654321"} if source == "ecr_cross_account" else {}
    with pytest.raises(ConfigError) as caught:
        ImageOptions(source=source, uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:1.4.2", **extra)
    assert str(caught.value).startswith(
        f"image.uri: only used with image.source 'third_party', not {source!r}; an ECR image is named by its parts: "
        "use image.source = 'ecr' with repository = 'shop' and tag = '1.4.2' when"
    )
    for uri in ("ghcr.io/example/app:1.0", 5):
        with pytest.raises(ConfigError) as caught:
            ImageOptions(source=source, uri=uri, **extra)
        assert str(caught.value) == (
            f"image.uri: only used with image.source 'third_party', not {source!r}; set image.source = 'third_party' "
            "for an image outside ECR; for an ECR image, split <account>.dkr.ecr.<region>.amazonaws.com/"
            "<repository>:<tag> into image.repository = '<repository>' and image.tag = '<tag>', with image.source "
            "'ecr' (the stack's own account) or 'ecr_cross_account' and image.registry_account_id = '<account>'"
        )


def test_registry_credentials_outside_third_party_are_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        ImageOptions(credentials_secret_arn="arn:aws:secretsmanager:us-east-1:123456789012:secret:x")
    assert str(caught.value) == "image.credentials_secret_arn: only used with image.source 'third_party', not 'ecr'"


def test_a_malformed_account_id_or_uri_says_what_is_allowed() -> None:
    with pytest.raises(ConfigError) as error:
        ImageOptions(source="ecr_cross_account", registry_account_id="12345")
    assert str(error.value) == "image.registry_account_id: '12345' is not allowed; a 12-digit AWS account ID"
    with pytest.raises(ConfigError) as error:
        ImageOptions(source="third_party", uri="not a uri")
    assert str(error.value) == (
        "image.uri: 'not a uri' is not allowed; a full image reference like ghcr.io/org/app:1.0 (host/path:tag)"
    )
