"""What preflight finds: one result per check (PASS, WARN, FAIL or SKIP), what was checked, and the fix."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Final

PASS: Final = "PASS"
WARN: Final = "WARN"
FAIL: Final = "FAIL"
SKIP: Final = "SKIP"
STATUSES: Final = (PASS, WARN, FAIL, SKIP)


@dataclass(frozen=True)
class Result:
    """One check: ``subject`` is what was checked, ``detail`` what was found, ``fix`` what to do (not for PASS)."""

    status: str
    check: str
    subject: str
    detail: str
    fix: str = ""

    def format_text(self) -> str:
        fix = f". Fix: {self.fix}" if self.fix and self.status != PASS else ""
        return f"{self.status} {self.check}: {self.subject}: {self.detail}{fix}"

    def as_dict(self) -> dict[str, str]:
        return {
            "status": self.status,
            "check": self.check,
            "subject": self.subject,
            "detail": self.detail,
            **({"fix": self.fix} if self.fix and self.status != PASS else {}),
        }


@dataclass
class PreflightReport:
    account: str
    region: str
    results: list[Result] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """1 when a check failed; warnings and skips are listed but do not fail."""
        return 1 if any(r.status == FAIL for r in self.results) else 0

    def counts(self) -> dict[str, int]:
        counted = Counter(r.status for r in self.results)
        return {status.lower(): counted[status] for status in STATUSES}

    def summary(self) -> str:
        counts = ", ".join(f"{number} {status}" for status, number in self.counts().items())
        return f"preflight of account {self.account} in {self.region}: {len(self.results)} checks: {counts}"

    def format_text(self) -> str:
        return "\n".join([*(r.format_text() for r in self.results), self.summary()]) + "\n"

    def format_json(self) -> str:
        document = {
            "account": self.account,
            "region": self.region,
            "results": [r.as_dict() for r in self.results],
            "summary": self.counts(),
            "exit_code": self.exit_code,
        }
        return json.dumps(document, indent=2) + "\n"
