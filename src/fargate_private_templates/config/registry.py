"""Typed configuration of the registry stacks: a private ECR repository and a pull-through cache rule."""

from __future__ import annotations

from dataclasses import dataclass

from . import validators as v
from .patterns import CACHE_PREFIX, CACHE_PREFIX_LENGTH
from .settings import Between, Custom, OneOf, Tags, check_settings, setting


@dataclass(frozen=True)
class RegistryConfig:
    """The registry stack (``[registry]``).

    Attributes:
        keep_images: default of the ``KeepImages`` parameter: how many images the lifecycle policy keeps
            (default 30, allowed 1-1000).
        tags: extra tags for every taggable resource (default none).
    """

    keep_images: int = setting(30, allowed=Between(1, 1000))
    tags: tuple[tuple[str, str], ...] = setting((), allowed=Tags())

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True)
class Upstream:
    url: str
    needs_credentials: bool


# ECR's supported upstream registries (the UpstreamRegistry values) and whether ECR needs a login for them.
UPSTREAMS: dict[str, Upstream] = {
    "docker-hub": Upstream("registry-1.docker.io", True),
    "github-container-registry": Upstream("ghcr.io", True),
    "gitlab-container-registry": Upstream("registry.gitlab.com", True),
    "quay": Upstream("quay.io", False),
    "ecr-public": Upstream("public.ecr.aws", False),
    "k8s": Upstream("registry.k8s.io", False),
}


@dataclass(frozen=True)
class PullThroughCacheConfig:
    """A pull-through cache rule: third-party images served from this account's ECR, over the ECR endpoints.

    Attributes:
        upstream: the upstream registry (default ``docker-hub``); one of ``UPSTREAMS``.
        prefix: default of the ``EcrRepositoryPrefix`` parameter (default ``docker-hub``); cached images live
            under ``<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<upstream repository>``.
        keep_images: images each cached repository keeps (default 30, allowed 1-1000).
        tags: extra tags for every taggable resource (default none).
    """

    upstream: str = setting("docker-hub", allowed=OneOf(tuple(UPSTREAMS)))
    prefix: str = setting(
        "docker-hub",
        allowed=Custom(
            v.cache_prefix,
            f"{CACHE_PREFIX_LENGTH[0]}-{CACHE_PREFIX_LENGTH[1]} lowercase letters, digits and . _ - separators",
            (
                ("type", "string"),
                ("pattern", CACHE_PREFIX.pattern),
                ("minLength", CACHE_PREFIX_LENGTH[0]),
                ("maxLength", CACHE_PREFIX_LENGTH[1]),
            ),
        ),
    )
    keep_images: int = setting(30, allowed=Between(1, 1000))
    tags: tuple[tuple[str, str], ...] = setting((), allowed=Tags())

    def __post_init__(self) -> None:
        check_settings(self)
