"""The account side: ``preflight`` reads the target account before a deploy, ``audit`` reads what is live after it.
Both only read (``aws.READ_ACTIONS``, printed as a policy by ``preflight --print-policy``)."""

from .aws import AccountError, Aws, least_privilege_policy, policy_actions
from .preflight import preflight
from .results import FAIL, PASS, SKIP, WARN, PreflightReport, Result

__all__ = [
    "FAIL",
    "PASS",
    "SKIP",
    "WARN",
    "AccountError",
    "Aws",
    "PreflightReport",
    "Result",
    "least_privilege_policy",
    "policy_actions",
    "preflight",
]
