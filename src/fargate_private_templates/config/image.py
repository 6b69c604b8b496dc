"""Where a container's image comes from (``[services.image]``, and each sidecar's ``image``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..errors import ConfigError, shown
from . import validators as v
from .patterns import ACCOUNT_ID, ECR_REGISTRY_HOST, IMAGE_TAG, IMAGE_URI, REPOSITORY, SECRET_ARN
from .settings import Checked, Flag, Matches, OneOf, check_settings, setting

IMAGE_ECR: Final = "ecr"
IMAGE_ECR_CROSS_ACCOUNT: Final = "ecr_cross_account"
IMAGE_THIRD_PARTY: Final = "third_party"
IMAGE_PULL_THROUGH_CACHE: Final = "pull_through_cache"
IMAGE_SOURCES: Final = (IMAGE_ECR, IMAGE_ECR_CROSS_ACCOUNT, IMAGE_THIRD_PARTY, IMAGE_PULL_THROUGH_CACHE)
# Sources served by this Region's ECR: reachable through the ECR VPC endpoints, no NAT needed.
ECR_IMAGE_SOURCES: Final = (IMAGE_ECR, IMAGE_ECR_CROSS_ACCOUNT, IMAGE_PULL_THROUGH_CACHE)
DEFAULT_CACHE_PREFIX: Final = "docker-hub"


@dataclass(frozen=True)
class ImageOptions:
    """Where the task's image comes from (``[services.image]``).

    Attributes:
        source: ``ecr`` (default: this account's ECR), ``ecr_cross_account``, ``third_party`` (a private registry
            outside AWS, needs NAT) or ``pull_through_cache`` (a third-party image cached in this account's ECR by a
            pull-through cache rule, reachable through the ECR endpoints).
        repository: ECR repository, default of ``RepositoryName`` (default ``app``); with ``pull_through_cache`` the
            upstream repository, for example ``library/nginx``.
        tag: default of the ``ImageTag`` parameter (default none: the parameter has no default, so every deployment
            names its tag; a moving tag like ``latest`` cannot be pushed twice to the registry stack's repository,
            whose tags are immutable).
        registry_account_id: account that owns the ECR repository, required for ``ecr_cross_account`` (default none).
        cache_prefix: ``pull_through_cache`` only: the cache rule's ECR repository prefix, default of
            ``PullThroughCachePrefix`` (default ``docker-hub``).
        cache_prewarmed: ``pull_through_cache`` only: each image tag is pulled once through the cache from outside
            the VPC (for example by CI) before tasks start (default False). ECR's first pull of an image through
            interface endpoints needs NAT; with this set, a network without NAT is accepted.
        uri: default of the ``ImageUri`` parameter for ``third_party`` (default none: asked at deploy time).
        credentials_secret_arn: default of ``RegistryCredentialsSecretArn`` for ``third_party`` (a Secrets Manager
            ARN; default none: the parameter is empty and no credentials are used).
    """

    source: str = setting(IMAGE_ECR, allowed=OneOf(IMAGE_SOURCES))
    repository: str = setting(
        "app",
        allowed=Checked(
            "an ECR repository name (lowercase), for the ECR sources",
            (("type", "string"), ("pattern", REPOSITORY.pattern)),
        ),
    )
    tag: str | None = setting(None, allowed=Matches(IMAGE_TAG, "letters, digits, _ . -, at most 128 characters"))
    registry_account_id: str | None = setting(
        None,
        allowed=Checked(
            "a 12-digit AWS account ID, with `ecr_cross_account` (and only with it)",
            (("type", "string"), ("pattern", ACCOUNT_ID.pattern)),
        ),
    )
    cache_prefix: str | None = setting(
        None,
        allowed=Checked(
            "2-30 lowercase letters, digits and . _ - separators, with `pull_through_cache`", (("type", "string"),)
        ),
        default_text=f'`"{DEFAULT_CACHE_PREFIX}"` with `pull_through_cache`',
    )
    cache_prewarmed: bool = setting(False, allowed=Flag())
    uri: str | None = setting(
        None,
        allowed=Checked(
            "a full image reference outside ECR (host/path:tag or @sha256:digest), with `third_party`",
            (("type", "string"), ("pattern", IMAGE_URI.pattern)),
        ),
    )
    credentials_secret_arn: str | None = setting(
        None,
        allowed=Checked(
            "a whole Secrets Manager secret ARN, with `third_party`",
            (("type", "string"), ("pattern", SECRET_ARN.pattern)),
        ),
    )

    def __post_init__(self) -> None:
        check_settings(self, "image")
        source = self.source
        if source in ECR_IMAGE_SOURCES:
            v.pattern("image.repository", self.repository, REPOSITORY, "an ECR repository name (lowercase)")
        if source == IMAGE_PULL_THROUGH_CACHE:
            prefix = DEFAULT_CACHE_PREFIX if self.cache_prefix is None else self.cache_prefix
            object.__setattr__(self, "cache_prefix", v.cache_prefix("image.cache_prefix", prefix))
        elif self.cache_prefix is not None or self.cache_prewarmed is not False:
            name = "cache_prefix" if self.cache_prefix is not None else "cache_prewarmed"
            raise ConfigError(f"image.{name}: only used with image.source 'pull_through_cache', not {source!r}")
        if source == IMAGE_ECR_CROSS_ACCOUNT:
            if self.registry_account_id is None:
                raise ConfigError("image.registry_account_id: required when image.source is 'ecr_cross_account'")
            v.pattern("image.registry_account_id", self.registry_account_id, ACCOUNT_ID, "a 12-digit AWS account ID")
        elif self.registry_account_id is not None:
            raise ConfigError(
                f"image.registry_account_id: only used with image.source 'ecr_cross_account', not {source!r}"
            )
        if source != IMAGE_THIRD_PARTY:
            if self.uri is not None:
                how = (
                    f"an ECR image is named by its parts: {ecr_keys(self.uri)}"
                    if is_ecr_image(self.uri)
                    else f"set image.source = 'third_party' for an image outside ECR; for an ECR image, {_SPLIT}"
                )
                raise ConfigError(f"image.uri: only used with image.source 'third_party', not {source!r}; {how}")
            if self.credentials_secret_arn is not None:
                raise ConfigError(
                    f"image.credentials_secret_arn: only used with image.source 'third_party', not {source!r}"
                )
            return
        if self.uri is not None:
            v.pattern(
                "image.uri", self.uri, IMAGE_URI, "a full image reference like ghcr.io/org/app:1.0 (host/path:tag)"
            )
            if is_ecr_image(self.uri):
                # As a third-party image the execution role would get no ECR permission and the checks no ECR
                # endpoints: the pull would fail at the first task start.
                raise ConfigError(
                    f"image.uri: {shown(self.uri)} is an Amazon ECR image; as image.source 'third_party' its "
                    f"tasks would get neither ECR permissions nor ECR endpoints; {ecr_keys(self.uri)}"
                )
        if self.credentials_secret_arn is not None:
            v.pattern(
                "image.credentials_secret_arn",
                self.credentials_secret_arn,
                SECRET_ARN,
                "a whole Secrets Manager secret ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>)",
            )


def is_ecr_image(uri: object) -> bool:
    """True for an image reference whose registry host is Amazon ECR's, in any partition."""
    return isinstance(uri, str) and ECR_REGISTRY_HOST.fullmatch(uri.partition("/")[0]) is not None


_SPLIT = (
    "split <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> into image.repository = '<repository>' and "
    "image.tag = '<tag>', with image.source 'ecr' (the stack's own account) or 'ecr_cross_account' and "
    "image.registry_account_id = '<account>'"
)


def ecr_keys(uri: str) -> str:
    """The config keys that name the ECR image ``uri`` (``<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>``),
    as a sentence: its repository and tag, in this account or another's."""
    host, _, path = uri.partition("/")
    repository, _, tag = path.rpartition(":")
    match = ECR_REGISTRY_HOST.fullmatch(host)
    if match is None or not REPOSITORY.fullmatch(repository) or not IMAGE_TAG.fullmatch(tag):
        # A digest (@sha256:...) or a malformed path: ECR sources name an image by repository and tag.
        return _SPLIT
    parts = f"repository = {repository!r} and tag = {tag!r}"
    return (
        f"use image.source = 'ecr' with {parts} when the repository is in the stack's own account, or image.source "
        f"= 'ecr_cross_account' with registry_account_id = {match['account']!r}, {parts}"
    )
