"""Typed configuration of the registry stacks."""

from __future__ import annotations

from fargate_private_templates.config.registry import PullThroughCacheConfig, RegistryConfig


def test_registry_tags_are_stored_sorted() -> None:
    assert RegistryConfig(tags={"team": "a", "env": "b"}).tags == (("env", "b"), ("team", "a"))


def test_pull_through_cache_tags_are_stored_sorted() -> None:
    assert PullThroughCacheConfig(tags={"team": "a", "env": "b"}).tags == (("env", "b"), ("team", "a"))
