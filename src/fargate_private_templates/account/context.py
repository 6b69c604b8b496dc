"""What the checks of preflight share: the account, the config, the stacks this run deploys and their values, and
the answers read once (stacks, exports), for a config or for templates."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from ..config import Deployment, ServiceConfig
from ..deploy.plan import SERVICE, DeployPlan, StackPlan
from .aws import Aws, error_code


@dataclass
class AccountReader:
    """The account and Region, and the answers read once (stacks, exports): what both modes of preflight read."""

    aws: Aws
    _stacks: dict[str, dict[str, Any] | None] = field(default_factory=dict, kw_only=True)

    @property
    def account(self) -> str:
        return self.aws.account

    @property
    def region(self) -> str:
        return self.aws.region

    def stack(self, name: str) -> dict[str, Any] | None:
        """The deployed stack (DescribeStacks), None when there is none."""
        if name not in self._stacks:
            try:
                stacks = self.aws.client("cloudformation").describe_stacks(StackName=name)["Stacks"]
            except ClientError as error:
                # CloudFormation answers a missing stack with ValidationError "Stack with id ... does not exist".
                if error_code(error) != "ValidationError" or "does not exist" not in str(error):
                    raise
                stacks = []
            self._stacks[name] = stacks[0] if stacks else None
        return self._stacks[name]

    @functools.cached_property
    def exports(self) -> dict[str, str]:
        """Export name -> the name of the stack that owns it, across the Region."""
        owners = {}
        for page in self.aws.client("cloudformation").get_paginator("list_exports").paginate():
            for export in page["Exports"]:
                # arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>
                owners[export["Name"]] = export["ExportingStackId"].split("/")[1]
        return owners

    def stack_resources(self, name: str) -> list[dict[str, Any]]:
        pages = self.aws.client("cloudformation").get_paginator("list_stack_resources").paginate(StackName=name)
        return [summary for page in pages for summary in page["StackResourceSummaries"]]


@dataclass
class Context(AccountReader):
    """A config's run: its deployment, its plan and the stacks this run deploys, in order."""

    deployment: Deployment
    plan: DeployPlan
    stacks: tuple[StackPlan, ...]
    environ: Mapping[str, str]

    def values(self, stack: StackPlan) -> dict[str, str]:
        return stack.values(self.environ)

    def deploys(self, stack_name: str) -> bool:
        return any(stack.stack_name == stack_name for stack in self.stacks)

    def services(self) -> Iterator[tuple[StackPlan, ServiceConfig]]:
        """The service stacks this run deploys, with their configs."""
        configs = {service.name: service for service in self.deployment.services}
        for stack in self.stacks:
            if stack.role == SERVICE and stack.service in configs:
                yield stack, configs[stack.service]
