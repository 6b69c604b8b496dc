"""The container image: where it comes from, as parameters, and what the execution role may pull."""

from __future__ import annotations

from dataclasses import dataclass

from troposphere import (
    AWSHelperFn,
    Parameter,
    Ref,
    Sub,
    Template,
)

from ...config.image import IMAGE_ECR_CROSS_ACCOUNT, IMAGE_PULL_THROUGH_CACHE, IMAGE_THIRD_PARTY, ImageOptions
from ...config.patterns import (
    ACCOUNT_ID,
    IMAGE_TAG,
    IMAGE_URI,
    REPOSITORY,
    SECRET_ARN,
)
from ..blocks import iam as policies
from ..blocks.parameters import add_optional_parameter, add_parameter_group, cache_prefix_parameter, with_default

HAS_REGISTRY_CREDENTIALS = "HasRegistryCredentials"


@dataclass(frozen=True)
class ImageSource:
    """Where the task's image comes from, as template expressions."""

    uri: AWSHelperFn
    repository_arn: Sub | None  # ECR only: what the execution role may pull from
    pull_actions: tuple = ()  # ECR only: what the execution role may do on that repository
    credentials: Parameter | None = None  # third-party registries: the Secrets Manager secret parameter
    credentials_condition: str = HAS_REGISTRY_CREDENTIALS  # true when ``credentials`` is not empty


def add_image_parameters(
    template: Template, image: ImageOptions, prefix: str = "", group: str = "Container image"
) -> ImageSource:
    """The image's parameters, named ``<prefix>RepositoryName``, ``<prefix>ImageTag``... (a sidecar's image gets
    its own prefix), in the parameter group ``group``."""
    if image.source == IMAGE_THIRD_PARTY:
        return _add_third_party_image_parameters(template, image, prefix, group)
    repository = template.add_parameter(
        Parameter(
            f"{prefix}RepositoryName",
            Type="String",
            Default=image.repository,
            Description=(
                "Upstream repository to pull through the cache, for example library/nginx"
                if image.source == IMAGE_PULL_THROUGH_CACHE
                else "ECR repository holding the image (the registry stack's RepositoryName output)"
            ),
            AllowedPattern=REPOSITORY.pattern,
            ConstraintDescription="an ECR repository name: lowercase letters, digits, and . _ - / separators",
        )
    )
    tag = _add_image_tag_parameter(template, image, prefix)
    labels = {repository.title: "ECR repository name", tag.title: "Image tag"}
    account = "${AWS::AccountId}"
    path = f"${{{repository.title}}}"
    actions = policies.ECR_PULL_ACTIONS
    if image.source == IMAGE_ECR_CROSS_ACCOUNT:
        registry_account = template.add_parameter(
            Parameter(
                f"{prefix}RegistryAccountId",
                Type="String",
                Default=image.registry_account_id,
                Description="AWS account that owns the ECR repository (its repository policy must allow this account)",
                AllowedPattern=ACCOUNT_ID.pattern,
                ConstraintDescription="a 12-digit AWS account ID",
            )
        )
        labels[registry_account.title] = "Registry account ID"
        account = f"${{{registry_account.title}}}"
    elif image.source == IMAGE_PULL_THROUGH_CACHE:
        cache_prefix = template.add_parameter(
            cache_prefix_parameter(
                f"{prefix}PullThroughCachePrefix",
                image.cache_prefix,
                "ECR repository prefix of the pull-through cache rule (the registry stack's output)",
            )
        )
        labels = {cache_prefix.title: "Pull-through cache prefix", **labels}
        path = f"${{{cache_prefix.title}}}/{path}"
        # The first pull of an image imports it from upstream and creates its cache repository.
        actions = policies.ECR_PULL_THROUGH_CACHE_ACTIONS
    add_parameter_group(template, group, labels)
    uri = Sub(f"{account}.dkr.ecr.${{AWS::Region}}.${{AWS::URLSuffix}}/{path}:${{{tag.title}}}")
    repository_arn = policies.arn("ecr", f"repository/{path}", account=account)
    return ImageSource(uri=uri, repository_arn=repository_arn, pull_actions=actions)


def _add_image_tag_parameter(template: Template, image: ImageOptions, prefix: str) -> Parameter:
    """No default unless configured: the console asks for the tag, and no stack runs a moving ``latest``."""
    tag = Parameter(
        f"{prefix}ImageTag",
        Type="String",
        Description="Image tag to run; deploy a new tag to roll out a new version",
        AllowedPattern=IMAGE_TAG.pattern,
        ConstraintDescription="a Docker image tag: letters, digits, _ . -, at most 128 characters",
    )
    return template.add_parameter(with_default(tag, image.tag))


def _add_third_party_image_parameters(template: Template, image: ImageOptions, prefix: str, group: str) -> ImageSource:
    image_uri = Parameter(
        f"{prefix}ImageUri",
        Type="String",
        Description="Full image reference in the private registry, for example ghcr.io/example/app:1.0.0",
        AllowedPattern=IMAGE_URI.pattern,
        ConstraintDescription="registry-host/repository:tag or registry-host/repository@sha256:digest",
    )
    template.add_parameter(with_default(image_uri, image.uri))
    condition = f"{prefix}{HAS_REGISTRY_CREDENTIALS}"
    credentials = add_optional_parameter(
        template,
        f"{prefix}RegistryCredentialsSecretArn",
        "Secrets Manager secret with the registry's username and password; empty for none",
        SECRET_ARN.pattern,
        "a Secrets Manager secret ARN",
        condition,
        default=image.credentials_secret_arn or "",
    )
    add_parameter_group(
        template,
        group,
        {image_uri.title: "Image URI", credentials.title: "Registry credentials secret ARN"},
    )
    return ImageSource(
        uri=Ref(image_uri), repository_arn=None, credentials=credentials, credentials_condition=condition
    )
