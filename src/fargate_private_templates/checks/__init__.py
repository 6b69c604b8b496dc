"""Prove from rendered CloudFormation that Fargate tasks have only private IPs and a path to their registry.

``check_templates(paths)`` loads templates (ours or anyone's), joins them through exports and imports, and
returns a ``CheckReport`` of ``Finding``s and egress paths. The rules that fit one template also run in
cfn-lint: ``cfn-lint -a <cfnlint_rules_path()>``.
"""

from __future__ import annotations

from pathlib import Path

from .checker import check_dicts, check_templates
from .report import CheckReport, EgressPath, Finding
from .rulebook import RULES, Rule


def cfnlint_rules_path() -> Path:
    """The directory to pass to ``cfn-lint -a``."""
    return Path(__file__).resolve().parent.parent / "cfnlint_rules"


__all__ = [
    "RULES",
    "Rule",
    "CheckReport",
    "EgressPath",
    "Finding",
    "cfnlint_rules_path",
    "check_dicts",
    "check_templates",
]
