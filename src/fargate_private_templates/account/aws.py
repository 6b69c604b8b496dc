"""The AWS calls ``preflight`` and ``audit`` may make: one table of read-only actions, clients that refuse any other,
and the IAM policy that allows exactly those.

Clients come from the standard SDK configuration (``AWS_PROFILE``, ``AWS_REGION``, ``AWS_ENDPOINT_URL``, a role from
the environment...). Each one checks every operation against ``READ_ACTIONS`` before the request is built, and
records it: an action missing from the policy fails in the tests that run the code, never in an account.
"""

from __future__ import annotations

from typing import Any

import boto3
from awacs.aws import Action, Allow, PolicyDocument, Statement
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)

# boto3 client name -> the operations called through it. IAM names each action <signing name>:<operation>.
READ_ACTIONS: dict[str, tuple[str, ...]] = {
    "sts": ("GetCallerIdentity",),
    "ec2": (
        "DescribeAddresses",
        "DescribeAvailabilityZones",
        "DescribeInternetGateways",
        "DescribeNatGateways",
        "DescribeNetworkInterfaces",
        "DescribeRouteTables",
        "DescribeSecurityGroups",
        "DescribeSubnets",
        "DescribeVpcEndpoints",
        "DescribeVpcs",
    ),
    "ecr": ("BatchGetImage", "DescribeImages", "DescribePullThroughCacheRules"),
    "acm": ("DescribeCertificate",),
    "secretsmanager": ("DescribeSecret",),
    "ssm": ("DescribeParameters",),
    "kms": ("DescribeKey",),
    "cloudformation": ("DescribeStacks", "GetTemplate", "ListExports", "ListStackResources"),
    "service-quotas": ("GetAWSDefaultServiceQuota", "GetServiceQuota"),
    "elbv2": ("DescribeListeners", "DescribeLoadBalancers", "DescribeRules"),
    "ecs": ("DescribeServices", "DescribeTaskDefinition", "DescribeTasks", "ListAccountSettings", "ListTasks"),
    "organizations": ("ListAWSServiceAccessForOrganization",),
}
# Where the client name is not the IAM prefix.
_IAM_PREFIXES = {"service-quotas": "servicequotas", "elbv2": "elasticloadbalancing"}
# What a read-only action's name starts with (the IAM access levels List and Read).
READ_ONLY_VERBS = ("Describe", "Get", "List", "BatchGet")
NO_CREDENTIALS = (
    "no AWS credentials: give them the usual way (AWS_PROFILE, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a role "
    "from the environment, such as an OIDC role in CI) and the Region with AWS_REGION"
)


class AccountError(Exception):
    """The account cannot be read at all (no credentials, no Region, no endpoint): one line, exit 2."""


class UnlistedAction(RuntimeError):
    """The code called an action READ_ACTIONS lacks: the printed policy would not allow it."""


def iam_action(client: str, operation: str) -> str:
    return f"{_IAM_PREFIXES.get(client, client)}:{operation}"


def policy_actions() -> list[str]:
    return sorted(iam_action(client, op) for client, operations in READ_ACTIONS.items() for op in operations)


def least_privilege_policy() -> str:
    """The IAM policy allowing exactly the actions of READ_ACTIONS, as JSON. Resources are ``*``: most of these
    Describe and List actions support no resource-level permissions, and the rest read what the config names."""
    statement = Statement(
        Sid="FargatePrivateTemplatesPreflightAndAudit",
        Effect=Allow,
        Action=[Action(*action.split(":")) for action in policy_actions()],
        Resource=["*"],
    )
    return PolicyDocument(Version="2012-10-17", Statement=[statement]).to_json(indent=2, sort_keys=False) + "\n"


class Aws:
    """Clients of one session, each refusing an action READ_ACTIONS lacks; ``calls`` records the actions made."""

    def __init__(self, session: boto3.Session | None = None) -> None:
        self.session = session or boto3.Session()
        self.calls: set[str] = set()
        self._clients: dict[str, Any] = {}
        self._identity: dict[str, str] | None = None

    def client(self, name: str, region: str | None = None) -> Any:
        """A client in the session's Region, or in ``region`` (CloudFront's certificates live in us-east-1)."""
        key = f"{name} {region or ''}"
        if key not in self._clients:
            retries = Config(retries={"max_attempts": 2, "mode": "standard"})
            try:
                # Two attempts at most: a call that fails is reported, not retried for minutes.
                client = self.session.client(name, region_name=region, config=retries)
            except NoRegionError:
                raise AccountError("no AWS Region: set AWS_REGION (or a profile with a region)") from None
            client.meta.events.register("provide-client-params.*.*", self._check(name))
            self._clients[key] = client
        return self._clients[key]

    def _check(self, client: str) -> Any:
        allowed = set(READ_ACTIONS.get(client, ()))

        def check(model: Any, **_: Any) -> None:
            action = iam_action(client, model.name)
            if model.name not in allowed:
                raise UnlistedAction(f"{action} is not in the read-only policy (account.aws.READ_ACTIONS)")
            self.calls.add(action)

        return check

    @property
    def region(self) -> str:
        return self.client("sts").meta.region_name

    def identity(self) -> dict[str, str]:
        """The caller (STS GetCallerIdentity); AccountError when there are no usable credentials."""
        if self._identity is None:
            try:
                self._identity = self.client("sts").get_caller_identity()
            except (NoCredentialsError, PartialCredentialsError):
                raise AccountError(NO_CREDENTIALS) from None
            except EndpointConnectionError as error:
                raise AccountError(f"cannot reach AWS ({error})") from None
            except ClientError as error:
                raise AccountError(f"the credentials were refused: {error_code(error)}; {NO_CREDENTIALS}") from None
            except BotoCoreError as error:
                raise AccountError(f"cannot read the account: {error}") from None
        return self._identity

    @property
    def account(self) -> str:
        return self.identity()["Account"]

    @property
    def partition(self) -> str:
        return self.identity()["Arn"].split(":")[1]


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", "error"))


def denied(error: ClientError) -> bool:
    """Whether AWS refused the call for want of permission (not because the thing is missing)."""
    code = error_code(error)
    return code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation") or "NotAuthorized" in code
