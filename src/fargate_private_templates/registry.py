"""The private registry: an ECR repository that scans on push, keeps tags immutable and expires old images."""

from __future__ import annotations

import json
from dataclasses import dataclass

from troposphere import GetAtt, Parameter, Ref, Sub, Template, ecr

from . import contract
from . import validators as v
from .contract import RegistryExport
from .parameters import add_parameter_group
from .tagging import apply_tags


@dataclass(frozen=True)
class RegistryConfig:
    """The registry stack.

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
    keep_images = template.add_parameter(
        Parameter(
            "KeepImages",
            Type="Number",
            Default=config.keep_images,
            MinValue=1,
            MaxValue=1000,
            Description="How many images to keep; older ones expire",
        )
    )
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
