"""What a check finds: findings, egress paths, and the report that prints them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .positions import Position, decode_positions, position
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
        """``template:Logical: RULE message``; the report puts ``template:line:column:`` first when it knows them."""
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


@dataclass(frozen=True)
class LauncherProof:
    """Whether one launcher (a service, a state machine, ...) is proven private, and if not, why."""

    template: str
    logical_id: str
    kind: str
    proven: bool
    reasons: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        document: dict[str, object] = {"template": self.template, "logical_id": self.logical_id, "kind": self.kind}
        return document | {"proven_private": self.proven, "reasons": list(self.reasons)}


# The kinds of launcher (workloads names each) in the order the summary names them, each with its plural.
KIND_PLURALS = {
    "service": "services",
    "task set": "task sets",
    "scheduled task": "scheduled tasks",
    "state machine": "state machines",
    "pipe": "pipes",
    "Batch job": "Batch jobs",
    "Batch compute environment": "Batch compute environments",
}


def _count(number: int, noun: str, plural: str = "") -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    paths: list[EgressPath] = field(default_factory=list)
    launchers: list[LauncherProof] = field(default_factory=list)
    subnets_checked: int = 0
    # What a task's Subnets names that the given templates do not resolve to a subnet: an import from a stack
    # not given, a parameter, a subnet ID. An imported list that cannot be split counts once.
    subnets_unresolved: int = 0
    # Files of a folder that are not templates, each with why: listed, not checked.
    skipped: list[str] = field(default_factory=list)
    # Each template's text, by name: for the line and column of its findings.
    sources: dict[str, str] = field(default_factory=dict, repr=False)

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

    def counted(self) -> dict[str, int]:
        """Launchers per kind, in the summary's order, the kinds with none left out."""
        kinds = [launcher.kind for launcher in self.launchers]
        return {kind: kinds.count(kind) for kind in KIND_PLURALS if kind in kinds}

    @property
    def services_checked(self) -> int:
        """ECS services and task sets (the summary's ``services`` of JSON before other launchers were read)."""
        counted = self.counted()
        return counted.get("service", 0) + counted.get("task set", 0)

    @property
    def scheduled_tasks_checked(self) -> int:
        return self.counted().get("scheduled task", 0)

    @property
    def proven(self) -> int:
        return sum(launcher.proven for launcher in self.launchers)

    def summary(self) -> str:
        """``2 services, 1 state machine: 3 proven private, 0 not proven; 4 subnets checked: 0 errors, 1 warning``;
        subnet references left unresolved are named only when there are some."""
        launched = ", ".join(_count(n, kind, KIND_PLURALS[kind]) for kind, n in self.counted().items())
        proof = f"{self.proven} proven private, {len(self.launchers) - self.proven} not proven"
        unresolved = (
            f", {_count(self.subnets_unresolved, 'subnet reference')} unresolved" if self.subnets_unresolved else ""
        )
        return (
            f"{launched or '0 launchers'}: {proof}; {_count(self.subnets_checked, 'subnet')} checked{unresolved}: "
            f"{_count(len(self.errors), 'error')}, {_count(len(self.warnings), 'warning')}"
        )

    def format_text(self) -> str:
        """Skipped files, paths, findings (``file:line:column:`` when the file is known), then the summary."""
        where = _Positions(self.sources)
        lines = [f"skipped: {note}" for note in self.skipped]
        lines += [p.format_text() for p in self.paths]
        lines += [where.line(f) for f in self.findings]
        lines.append(self.summary())
        return "\n".join(lines) + "\n"

    def format_json(self) -> str:
        where = _Positions(self.sources)
        document = {
            "paths": [p.as_dict() for p in self.paths],
            "findings": [f.as_dict() | where.of(f) for f in self.findings],
            "launchers": [launcher.as_dict() for launcher in self.launchers],
            "summary": {
                "launchers": {KIND_PLURALS[kind].replace(" ", "_").lower(): n for kind, n in self.counted().items()},
                "proven_private": self.proven,
                "not_proven": len(self.launchers) - self.proven,
                "services": self.services_checked,
                "scheduled_tasks": self.scheduled_tasks_checked,
                "subnets": self.subnets_checked,
                **({"subnets_unresolved": self.subnets_unresolved} if self.subnets_unresolved else {}),
                "errors": len(self.errors),
                "warnings": len(self.warnings),
            },
            "exit_code": self.exit_code,
        }
        if self.skipped:
            document["skipped"] = list(self.skipped)
        return json.dumps(document, indent=2) + "\n"


class _Positions:
    """Line and column of findings, each template decoded once, on demand."""

    def __init__(self, sources: dict[str, str]) -> None:
        self.sources = sources
        self._decoded: dict[str, object] = {}

    def find(self, finding: Finding) -> Position | None:
        if finding.template not in self.sources:
            return None
        if finding.template not in self._decoded:
            self._decoded[finding.template] = decode_positions(self.sources[finding.template])
        path = finding.location or ("Resources", finding.logical_id)
        return position(self._decoded[finding.template], path)

    def line(self, finding: Finding) -> str:
        """``file:line:column: Logical: RULE message`` like cfn-lint's position, or the finding's own text."""
        found = self.find(finding)
        if found is None:
            return finding.format_text()
        return f"{finding.template}:{found[0]}:{found[1]}: {finding.logical_id}: {finding.rule_id} {finding.message}"

    def of(self, finding: Finding) -> dict[str, int]:
        found = self.find(finding)
        return {"line": found[0], "column": found[1]} if found else {}
