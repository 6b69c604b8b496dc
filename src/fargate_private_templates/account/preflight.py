"""``preflight``: read-only checks of the target account and Region before a deploy, for a config file.

It deploys nothing and writes nothing: each check reads (account/aws.py lists every action) and returns results.
The stacks checked are those of the deploy script for the caller's account (``deploy.sh`` for the network's account,
``deploy-<account>.sh`` for a service's own), or the ones named.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from ..deploy.plan import DeployPlan, StackPlan, plan_for_config
from ..errors import ConfigError
from .aws import Aws
from .certificates import check_certificates, check_viewer_certificates
from .context import Context
from .images import check_images
from .ipv6 import check_ipv6_setting
from .quotas import check_quotas
from .references import check_references
from .results import FAIL, PASS, PreflightReport, Result
from .sharing import check_sharing
from .stacks import check_stacks
from .zones import check_zones


def check_parameters(context: Context) -> Iterable[Result]:
    """Every parameter the config does not set has its environment variable, as the deploy script needs."""
    for stack in context.stacks:
        for key, variable in stack.environment:
            if context.environ.get(variable):
                yield Result(PASS, "parameter", f"{stack.stack_name} {key}", f"given by {variable}")
            else:
                fix = f"set {variable}, or set the value in the config"
                yield Result(FAIL, "parameter", f"{stack.stack_name} {key}", f"no value: {variable} is not set", fix)


CHECKS: tuple[Callable[[Context], Iterable[Result]], ...] = (
    check_parameters,
    check_stacks,
    check_images,
    check_certificates,
    check_viewer_certificates,
    check_references,
    check_zones,
    check_quotas,
    check_sharing,
    check_ipv6_setting,
)


def stacks_to_check(plan: DeployPlan, account: str, names: Sequence[str] = ()) -> tuple[StackPlan, ...]:
    """The named stacks, else the stacks of the deploy script for ``account``."""
    if names:
        unknown = [name for name in names if plan.stack(name) is None]
        if unknown:
            known = ", ".join(stack.stack_name for stack in plan.stacks)
            raise ConfigError(f"--stack: {unknown[0]!r} is not a stack of this config; its stacks: {known}")
        return tuple(stack for stack in plan.stacks if stack.stack_name in names)
    own = plan.in_account(account)
    return own or plan.in_account(None)


def preflight(
    config: str | Path,
    aws: Aws | None = None,
    stacks: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
) -> PreflightReport:
    """Every check for a config file; ConfigError for a bad config, AccountError when the account cannot be read."""
    deployment, _, plan = plan_for_config(config)
    aws = aws or Aws()
    account = aws.account
    selected = stacks_to_check(plan, account, stacks)
    context = Context(aws, deployment, plan, selected, os.environ if environ is None else environ)
    report = PreflightReport(account, aws.region)
    for check in CHECKS:
        report.results.extend(check(context))
    return report
