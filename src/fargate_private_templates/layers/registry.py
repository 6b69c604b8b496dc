"""The private registry: an ECR repository that scans on push, keeps tags immutable and expires old images."""

from __future__ import annotations

import json

from troposphere import GetAtt, Parameter, Ref, Sub, Template, ecr

from .. import contract
from ..config.registry import UPSTREAMS, PullThroughCacheConfig, RegistryConfig
from ..contract import RegistryExport
from .blocks.parameters import add_parameter_group, cache_prefix_parameter
from .blocks.tagging import apply_tags


def _add_keep_images_parameter(template: Template, default: int, description: str) -> Parameter:
    return template.add_parameter(
        Parameter("KeepImages", Type="Number", Default=default, MinValue=1, MaxValue=1000, Description=description)
    )


def _lifecycle_policy(keep_images: Parameter) -> Sub:
    rules = {
        "rules": [
            {
                "rulePriority": 1,
                "description": "Keep only the newest images",
                "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 0},
                "action": {"type": "expire"},
            }
        ]
    }
    # The count comes from the parameter; Fn::Sub puts it where JSON expects a number.
    text = json.dumps(rules, indent=2).replace('"countNumber": 0', f'"countNumber": ${{{keep_images.title}}}')
    return Sub(text)


def build_registry(config: RegistryConfig | None = None) -> Template:
    """A registry stack exporting the repository's name, ARN and URI through the contract."""
    config = config or RegistryConfig()
    template = Template(
        Description="fargate-private-templates registry: a private ECR repository with scan on push, "
        "immutable tags and a lifecycle policy"
    )
    template.set_version()
    keep_images = _add_keep_images_parameter(template, config.keep_images, "How many images to keep; older ones expire")
    add_parameter_group(template, "Repository", {keep_images.title: "Images to keep"})
    # Unnamed: CloudFormation picks a unique lowercase name, exported for the service stacks.
    repository = template.add_resource(
        ecr.Repository(
            "Repository",
            ImageScanningConfiguration=ecr.ImageScanningConfiguration(ScanOnPush=True),
            ImageTagMutability="IMMUTABLE",
            EncryptionConfiguration=ecr.EncryptionConfiguration(EncryptionType="KMS"),
            LifecyclePolicy=ecr.LifecyclePolicy(LifecyclePolicyText=_lifecycle_policy(keep_images)),
            # Images are release artefacts that running services still pull: never deleted with the stack.
            DeletionPolicy="Retain",
            UpdateReplacePolicy="Retain",
        )
    )
    contract.add_export(template, RegistryExport.REPOSITORY_NAME, Ref(repository), "ECR repository name")
    contract.add_export(template, RegistryExport.REPOSITORY_ARN, GetAtt(repository, "Arn"), "ECR repository ARN")
    contract.add_export(
        template, RegistryExport.REPOSITORY_URI, GetAtt(repository, "RepositoryUri"), "docker push target"
    )
    apply_tags(template, config.tags)
    return template


# ECR only reads upstream credentials from secrets whose name starts with this prefix.
CREDENTIAL_SECRET_PREFIX = "ecr-pullthroughcache/"


def build_pull_through_cache(config: PullThroughCacheConfig | None = None) -> Template:
    """A pull-through cache rule, and a creation template so the repositories it creates are encrypted and expire
    old images. Tags stay mutable (upstream tags move); scan on push is a registry-wide setting, not set here."""
    config = config or PullThroughCacheConfig()
    upstream = UPSTREAMS[config.upstream]
    template = Template(
        Description=f"fargate-private-templates pull-through cache: images from {upstream.url} served from this "
        "account's ECR, so private tasks pull them through the ECR VPC endpoints (the first pull of each image "
        "needs internet access: from a NAT in the VPC, or from outside it)"
    )
    template.set_version()
    prefix = template.add_parameter(
        cache_prefix_parameter(
            "EcrRepositoryPrefix",
            config.prefix,
            "ECR repository prefix for cached images; service stacks take it as PullThroughCachePrefix",
        )
    )
    keep_images = _add_keep_images_parameter(
        template, config.keep_images, "How many images each cached repository keeps; older ones expire"
    )
    labels = {prefix.title: "Repository prefix", keep_images.title: "Images to keep"}
    rule = ecr.PullThroughCacheRule(
        "PullThroughCacheRule",
        EcrRepositoryPrefix=Ref(prefix),
        UpstreamRegistry=config.upstream,
        UpstreamRegistryUrl=upstream.url,
    )
    if upstream.needs_credentials:
        credential = template.add_parameter(
            Parameter(
                "CredentialSecretArn",
                Type="String",
                Description=f"Secrets Manager secret named {CREDENTIAL_SECRET_PREFIX}... holding the "
                f"{config.upstream} username and access token",
                AllowedPattern=r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:"
                + CREDENTIAL_SECRET_PREFIX
                + r"[A-Za-z0-9/_+=.@-]+$",
                ConstraintDescription=f"a Secrets Manager secret ARN whose name starts with {CREDENTIAL_SECRET_PREFIX}",
            )
        )
        labels[credential.title] = "Upstream credentials secret ARN"
        rule.CredentialArn = Ref(credential)
    add_parameter_group(template, "Pull-through cache", labels)
    template.add_resource(rule)
    template.add_resource(
        ecr.RepositoryCreationTemplate(
            "CacheRepositoryTemplate",
            Prefix=Ref(prefix),
            AppliedFor=["PULL_THROUGH_CACHE"],
            Description="Settings for the repositories the pull-through cache creates",
            # Upstream tags such as `latest` move; the cache must follow them.
            ImageTagMutability="MUTABLE",
            # AES256: a KMS key here would need a custom role (CustomRoleArn) for ECR to create grants.
            EncryptionConfiguration=ecr.EncryptionConfiguration(EncryptionType="AES256"),
            LifecyclePolicy=_lifecycle_policy(keep_images),
        )
    )
    contract.add_export(
        template, RegistryExport.PULL_THROUGH_CACHE_PREFIX, Ref(prefix), "Prefix of the cached repositories"
    )
    apply_tags(template, config.tags)
    return template
