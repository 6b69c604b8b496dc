"""Preflight of subnet sharing: sharing subnets with accounts of the organization needs AWS RAM's sharing with AWS
Organizations enabled, which the management account (or a delegated administrator) can see.

"You must call this operation from an IAM role or user in the organization's management account."
(https://docs.aws.amazon.com/ram/latest/APIReference/API_EnableSharingWithAwsOrganization.html). RAM has no call that
reads the setting: Organizations lists ram.amazonaws.com among the services with access once it is enabled, and
"You can only call this operation from the management account or a member account that is a delegated
administrator." (ListAWSServiceAccessForOrganization).
"""

from __future__ import annotations

from collections.abc import Iterator

from botocore.exceptions import ClientError

from ..deploy.plan import NETWORK
from .aws import denied, error_code
from .context import Context
from .results import FAIL, PASS, SKIP, Result

CHECK = "sharing"
RAM = "ram.amazonaws.com"


def check_sharing(context: Context) -> Iterator[Result]:
    network = next((stack for stack in context.stacks if stack.role == NETWORK), None)
    if network is None or not context.deployment.network.share_with:
        return
    subject = f"{network.stack_name}: AWS RAM sharing with AWS Organizations"
    try:
        enabled = context.aws.client("organizations").list_aws_service_access_for_organization()
    except ClientError as error:
        code = error_code(error)
        if code == "AWSOrganizationsNotInUseException":
            fix = "subnets can be shared only inside an organization: create one, or remove share_with"
            yield Result(FAIL, CHECK, subject, "this account is in no organization", fix)
            return
        if not denied(error):
            raise
        detail = f"not readable from this account ({code}): only the management account or a delegated administrator"
        yield Result(SKIP, CHECK, subject, detail, "run preflight there, or check with the organization's admins")
        return
    principals = [p["ServicePrincipal"] for p in enabled.get("EnabledServicePrincipals", [])]
    if RAM in principals:
        yield Result(PASS, CHECK, subject, "enabled")
    else:
        fix = "run `aws ram enable-sharing-with-aws-organization` once from the management account"
        yield Result(FAIL, CHECK, subject, "not enabled", fix)
