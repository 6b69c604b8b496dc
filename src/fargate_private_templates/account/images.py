"""Preflight of the images: the ECR repository and tag exist (in the registry account for cross-account images),
the platforms a manifest list names include the task's architecture, and a pull-through cache has its rule and its
credential secret."""

from __future__ import annotations

import json
from collections.abc import Iterator

from botocore.exceptions import ClientError

from ..config import ImageOptions, ServiceConfig
from ..config.image import IMAGE_PULL_THROUGH_CACHE, IMAGE_THIRD_PARTY
from ..deploy.plan import StackPlan
from .aws import denied, error_code
from .context import AccountReader, Context
from .results import FAIL, PASS, SKIP, WARN, Result

CHECK = "image"
# BatchGetImage returns a manifest list or an OCI index only when the caller accepts them; otherwise ECR may hand back
# one platform's manifest (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetImage.html).
MANIFEST_LIST_TYPES = (
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.index.v1+json",
)
ACCEPTED_MEDIA_TYPES = (
    *MANIFEST_LIST_TYPES,
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
)
# The task's cpu_architecture as an image platform's architecture (OCI image index spec, GOARCH values).
ARCHITECTURES = {"X86_64": "amd64", "ARM64": "arm64"}


def check_images(context: Context) -> Iterator[Result]:
    for stack, service in context.services():
        values = context.values(stack)
        containers = [("", service.image, service.name)] + [
            (sidecar.title, sidecar.image, f"{service.name} sidecar {sidecar.name}") for sidecar in service.sidecars
        ]
        for prefix, image, who in containers:
            yield from _check_image(context, stack, service, values, prefix, image, who)


def _check_image(
    context: Context,
    stack: StackPlan,
    service: ServiceConfig,
    values: dict[str, str],
    prefix: str,
    image: ImageOptions,
    who: str,
) -> Iterator[Result]:
    if image.source == IMAGE_THIRD_PARTY:
        uri = values.get(f"{prefix}ImageUri", "(not given)")
        yield Result(SKIP, CHECK, who, f"{uri} is in a registry outside AWS: not read")
        return
    repository = values.get(f"{prefix}RepositoryName", image.repository)
    tag = values.get(f"{prefix}ImageTag")
    registry = values.get(f"{prefix}RegistryAccountId") or context.account
    if image.source == IMAGE_PULL_THROUGH_CACHE:
        cache_prefix = values.get(f"{prefix}PullThroughCachePrefix") or str(image.cache_prefix)
        rule = list(check_cache_rule(context, who, cache_prefix))
        yield from rule
        if any(result.status == FAIL for result in rule):
            return
        if not image.cache_prewarmed:
            detail = f"{cache_prefix}/{repository} is pulled through the cache on first use: its tag is not read"
            yield Result(SKIP, CHECK, who, detail)
            return
        repository = f"{cache_prefix}/{repository}"
    if not tag:
        yield Result(SKIP, CHECK, who, f"no image tag given for {repository}", "see the parameter check")
        return
    yield from check_tag(context, who, registry, repository, tag, service.cpu_architecture)


def check_tag(
    reader: AccountReader, who: str, registry: str, repository: str, tag: str, architecture: str
) -> Iterator[Result]:
    """The repository and tag exist in the registry, and a manifest list names the task's architecture."""
    ecr = reader.aws.client("ecr")
    subject = f"{who}: {repository}:{tag} in registry {registry}"
    image_id = {"imageTag": tag}
    try:
        ecr.describe_images(registryId=registry, repositoryName=repository, imageIds=[image_id])
    except ClientError as error:
        code = error_code(error)
        if code == "RepositoryNotFoundException":
            yield Result(FAIL, CHECK, subject, "the repository does not exist", "create it (the registry stack), push")
        elif code == "ImageNotFoundException":
            yield Result(FAIL, CHECK, subject, "the tag is not in the repository", f"push {repository}:{tag} first")
        elif denied(error):
            fix = f"let this account read it, or run preflight with credentials of account {registry}"
            yield Result(WARN, CHECK, subject, f"cannot read the repository ({code})", fix)
        else:
            raise
        return
    images = ecr.batch_get_image(
        registryId=registry,
        repositoryName=repository,
        imageIds=[image_id],
        acceptedMediaTypes=list(ACCEPTED_MEDIA_TYPES),
    )["images"]
    yield _platforms(subject, images[0] if images else {}, architecture)


def _platforms(subject: str, image: dict, architecture: str) -> Result:
    wanted = ARCHITECTURES[architecture]
    media_type = image.get("imageManifestMediaType", "")
    if media_type not in MANIFEST_LIST_TYPES:
        return Result(PASS, CHECK, subject, "exists (one platform's manifest: its architecture is not in it)")
    manifests = json.loads(image.get("imageManifest") or "{}").get("manifests", [])
    platforms = sorted(
        {
            f"{m['platform'].get('os', '?')}/{m['platform'].get('architecture', '?')}"
            for m in manifests
            if m.get("platform")
        }
    )
    if f"linux/{wanted}" in platforms:
        return Result(PASS, CHECK, subject, f"exists, for {', '.join(platforms)}")
    fix = f"build and push the image for linux/{wanted}, or set cpu_architecture to match the image"
    detail = f"its platforms ({', '.join(platforms) or 'none listed'}) lack linux/{wanted}, the task's {architecture}"
    return Result(FAIL, CHECK, subject, detail, fix)


def check_cache_rule(context: AccountReader, who: str, prefix: str) -> Iterator[Result]:
    subject = f"{who}: pull-through cache rule {prefix}"
    try:
        rules = context.aws.client("ecr").describe_pull_through_cache_rules(ecrRepositoryPrefixes=[prefix])
    except ClientError as error:
        if error_code(error) != "PullThroughCacheRuleNotFoundException":
            raise
        fix = f"create the rule for prefix {prefix} (aws ecr create-pull-through-cache-rule)"
        yield Result(FAIL, CHECK, subject, "no such rule", fix)
        return
    rule = rules["pullThroughCacheRules"][0]
    credential = rule.get("credentialArn")
    if not credential:
        yield Result(PASS, CHECK, subject, f"exists, for {rule.get('upstreamRegistryUrl', 'its upstream')}")
        return
    try:
        context.aws.client("secretsmanager").describe_secret(SecretId=credential)
    except ClientError as error:
        if error_code(error) != "ResourceNotFoundException":
            raise
        fix = "create the secret (its name starts with ecr-pullthroughcache/) or point the rule at one that exists"
        yield Result(FAIL, CHECK, subject, f"its credential secret {credential} does not exist", fix)
        return
    yield Result(PASS, CHECK, subject, f"exists, with credential secret {credential}")
