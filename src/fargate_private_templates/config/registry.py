"""Typed configuration of the registry stacks: a private ECR repository and a pull-through cache rule."""

from __future__ import annotations

from dataclasses import dataclass

from . import validators as v


@dataclass(frozen=True)
class RegistryConfig:
    """The registry stack (``[registry]``).

    Attributes:
        keep_images: default of the ``KeepImages`` parameter: how many images the lifecycle policy keeps
            (default 30, allowed 1-1000).
        tags: extra tags for every taggable resource (default none).
    """

    keep_images: int = 30
    tags: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        v.int_between("keep_images", self.keep_images, 1, 1000)
        object.__setattr__(self, "tags", v.tags("tags", self.tags))


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

    upstream: str = "docker-hub"
    prefix: str = "docker-hub"
    keep_images: int = 30
    tags: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        v.one_of("upstream", self.upstream, tuple(UPSTREAMS))
        v.cache_prefix("prefix", self.prefix)
        v.int_between("keep_images", self.keep_images, 1, 1000)
        object.__setattr__(self, "tags", v.tags("tags", self.tags))
