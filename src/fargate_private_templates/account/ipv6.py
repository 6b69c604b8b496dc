"""Preflight of IPv6 egress (``network.ipv6_egress``): a Fargate task gets an IPv6 address only when the ECS account
setting ``dualStackIPv6`` is on for the principal that launches it, in the Region. The setting "can only be modified
using the API or AWS CLI" (no CloudFormation resource), so the templates cannot turn it on
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html).
"""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context
from .results import FAIL, PASS, Result

CHECK = "account setting"
SETTING = "dualStackIPv6"
ENABLE = f"aws ecs put-account-setting-default --name {SETTING} --value enabled"


def check_ipv6_setting(context: Context) -> Iterator[Result]:
    if not context.deployment.network.ipv6_egress:
        return
    # The effective value: the caller's own setting, else the account default (ListAccountSettings,
    # https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListAccountSettings.html).
    settings = context.aws.client("ecs").list_account_settings(name=SETTING, effectiveSettings=True)["settings"]
    value = next((s["value"] for s in settings if s.get("name") == SETTING), "disabled")
    subject = f"ECS {SETTING} in {context.region}"
    if value == "enabled":
        yield Result(PASS, CHECK, subject, "enabled: tasks in the private subnets get an IPv6 address for egress")
        return
    detail = f"{value}: network.ipv6_egress is set, but tasks would get no IPv6 address and no IPv6 egress"
    yield Result(FAIL, CHECK, subject, detail, f"turn it on for the account: {ENABLE}")
