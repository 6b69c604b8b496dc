"""cfn-guard rules shipped with the package, for pipelines and CloudFormation Guard Hooks."""

from __future__ import annotations

from pathlib import Path

RULES_FILE = "private_fargate.guard"


def guard_rules_path() -> Path:
    """The guard rules file: pass it to `cfn-guard validate --rules`, or upload it for the Guard Hook."""
    return Path(__file__).resolve().parent / RULES_FILE
