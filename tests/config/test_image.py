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
