"""What a check finds: findings, egress paths, and the report that prints them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .rulebook import ERROR, RULES, WARNING


@dataclass(frozen=True)
class Finding:
    """One rule broken (or not provable) at one resource; ``location`` is the property path for cfn-lint."""

    template: str
    logical_id: str
    rule_id: str
    severity: str
    message: str
    # Not part of identity: the same finding reached by two routes is still one finding.
    location: tuple[str | int, ...] = field(default=(), compare=False)

    def format_text(self) -> str:
        return f"{self.template}:{self.logical_id}: {self.rule_id} {self.message}"

    def as_dict(self) -> dict[str, str]:
        rule = RULES[self.rule_id]
        return {
            "template": self.template,
            "logical_id": self.logical_id,
            "rule_id": self.rule_id,
            "severity": self.severity,
            "message": self.message,
            "title": rule.title,
            "fix": rule.fix,
            "link": rule.link,
        }


@dataclass(frozen=True)
class EgressPath:
    """Where a task subnet's traffic for the internet and the registry goes, by logical IDs."""

    template: str
    subnet: str
    text: str
    # The security groups the tasks' TCP 443 goes through on this path, when the checker knows them.
    groups: str = ""

    def as_dict(self) -> dict[str, str]:
        document = {"template": self.template, "subnet": self.subnet, "text": self.text}
        return document | ({"groups": self.groups} if self.groups else {})

    def format_text(self) -> str:
        return f"path: {self.template}:{self.text}" + (f" [{self.groups}]" if self.groups else "")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    paths: list[EgressPath] = field(default_factory=list)
    # ECS services and task sets.
    services_checked: int = 0
    subnets_checked: int = 0
    # ECS targets of EventBridge rules and Scheduler schedules.
    scheduled_tasks_checked: int = 0
    # What a task's Subnets names that the given templates do not resolve to a subnet: an import from a stack
    # not given, a parameter, a subnet ID. An imported list that cannot be split counts once.
    subnets_unresolved: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def exit_code(self) -> int:
        """1 if any error; warnings are listed but do not fail."""
        return 1 if self.errors else 0

    def summary(self) -> str:
        """``1 service, 2 subnets checked: ...``; scheduled tasks and subnet references left unresolved are named
        only when there are some."""
        checked = [_count(self.services_checked, "service")]
        if self.scheduled_tasks_checked:
            checked.append(_count(self.scheduled_tasks_checked, "scheduled task"))
        checked.append(_count(self.subnets_checked, "subnet"))
        unresolved = (
            f", {_count(self.subnets_unresolved, 'subnet reference')} unresolved" if self.subnets_unresolved else ""
        )
        return (
            f"{', '.join(checked)} checked{unresolved}: "
            f"{_count(len(self.errors), 'error')}, {_count(len(self.warnings), 'warning')}"
        )

    def format_text(self) -> str:
        lines = [p.format_text() for p in self.paths]
        lines += [f.format_text() for f in self.findings]
        lines.append(self.summary())
        return "\n".join(lines) + "\n"

    def format_json(self) -> str:
        document = {
            "paths": [p.as_dict() for p in self.paths],
            "findings": [f.as_dict() for f in self.findings],
            "summary": {
                "services": self.services_checked,
                "scheduled_tasks": self.scheduled_tasks_checked,
                "subnets": self.subnets_checked,
                **({"subnets_unresolved": self.subnets_unresolved} if self.subnets_unresolved else {}),
                "errors": len(self.errors),
                "warnings": len(self.warnings),
            },
            "exit_code": self.exit_code,
        }
        return json.dumps(document, indent=2) + "\n"
