"""The priority lock: the listener rule priorities a config's services hold on their front doors, kept in a JSON file
committed beside the config (``<config stem>.lock.json``, as ``cdk.context.json`` sits beside ``cdk.json``).

No pure function of a service's own name and routing can give up to 100 services distinct priorities, so the
priorities need memory: ``render --config`` writes the file, the next render reads it and keeps every priority it
holds, so adding or removing a service never moves another one's rule.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from ..errors import ConfigError, shown
from ..render.files import describe
from .routing import RULE_PRIORITIES

LOCK_VERSION: Final = 1
LOCK_SUFFIX: Final = ".lock.json"
COMMENT: Final = (
    "Listener rule priorities on shared front doors, written by `fargate-private-templates render --config` and read "
    "by the next render so that no deployed rule moves: commit this file beside its config, do not edit it."
)
_TOP_KEYS: Final = ("comment", "front_doors", "version")
_RULE_KEYS: Final = ("hosts", "paths", "priority", "test_priority")
_FIX: Final = "correct it, or delete the file to assign every priority afresh (which can move deployed rules)"


@dataclass(frozen=True)
class LockedRule:
    """What the lock keeps for one service on one front door.

    Attributes:
        priority: the priority of the service's listener rule.
        test_priority: the priority of its test rule (default none: the service has no test rule).
        hosts: the hosts the rule had when the lock was written, sorted (default none).
        paths: its paths, sorted (default none).
    """

    priority: int
    test_priority: int | None = None
    hosts: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class PriorityLock:
    """front door stack name -> service name -> ``LockedRule`` (default: empty, nothing locked)."""

    front_doors: Mapping[str, Mapping[str, LockedRule]] = field(default_factory=dict, hash=False)

    def on(self, front_door: str) -> Mapping[str, LockedRule]:
        """The rules the lock keeps on one front door, by service name."""
        return self.front_doors.get(front_door, {})

    def to_json(self) -> str:
        """Deterministic JSON: keys sorted, two-space indents, a final newline."""
        front_doors = {
            front_door: {
                name: {
                    "hosts": list(rule.hosts),
                    "paths": list(rule.paths),
                    "priority": rule.priority,
                    **({} if rule.test_priority is None else {"test_priority": rule.test_priority}),
                }
                for name, rule in rules.items()
            }
            for front_door, rules in self.front_doors.items()
        }
        document = {"comment": COMMENT, "front_doors": front_doors, "version": LOCK_VERSION}
        return json.dumps(document, indent=2, sort_keys=True) + "\n"


def lock_path(config_path: str | Path) -> Path:
    """``shop.toml`` -> ``shop.lock.json``, in the config's folder."""
    path = Path(config_path)
    return path.with_name(path.stem + LOCK_SUFFIX)


def parse_lock(text: str, source: str) -> PriorityLock:
    """The lock a file's text holds; ConfigError names ``source``, the key and what to do."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        first_line = str(error).strip().splitlines()[0]
        raise ConfigError(f"{source}: not a priority lock (not valid JSON: {first_line}); {_FIX}") from None
    _check_keys(source, document, "the file", _TOP_KEYS)
    version = document.get("version")
    if type(version) is not int or version != LOCK_VERSION:
        raise ConfigError(
            f"{source}: version: {shown(version)} is not a lock version this release reads ({LOCK_VERSION}); {_FIX}"
        )
    front_doors = document.get("front_doors", {})
    _check_keys(source, front_doors, "front_doors", None)
    locked = {}
    for front_door, rules in front_doors.items():
        _check_keys(source, rules, f"front_doors.{front_door}", None)
        locked[front_door] = {
            name: _rule(source, entry, f"front_doors.{front_door}.{name}") for name, entry in rules.items()
        }
    return PriorityLock(locked)


def read_lock(path: str | Path) -> PriorityLock | None:
    """The lock at ``path``, or None when there is no such file; ConfigError names the file for one that cannot be
    read or is not a lock."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the priority lock ({describe(error)})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a priority lock (not UTF-8 text); {_FIX}") from None
    return parse_lock(text, str(path))


def _check_keys(source: str, value: Any, where: str, allowed: tuple[str, ...] | None) -> None:
    """``value`` is a JSON object whose keys are all ``allowed`` (any key when None)."""
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: {where}: {shown(value)} is not an object; {_FIX}")
    unknown = sorted(set(value) - set(allowed)) if allowed is not None else []
    if unknown:
        raise ConfigError(f"{source}: {where}: unknown key {unknown[0]!r}; allowed: {', '.join(allowed or ())}")


def _rule(source: str, entry: Any, where: str) -> LockedRule:
    _check_keys(source, entry, where, _RULE_KEYS)
    test_priority = entry.get("test_priority")
    return LockedRule(
        priority=_priority(source, entry.get("priority"), f"{where}.priority"),
        test_priority=None if test_priority is None else _priority(source, test_priority, f"{where}.test_priority"),
        hosts=_strings(source, entry.get("hosts", []), f"{where}.hosts"),
        paths=_strings(source, entry.get("paths", []), f"{where}.paths"),
    )


def _priority(source: str, value: Any, where: str) -> int:
    low, high = RULE_PRIORITIES
    if type(value) is not int or not low <= value <= high:
        raise ConfigError(f"{source}: {where}: {shown(value)} is not a listener rule priority ({low}-{high}); {_FIX}")
    return value


def _strings(source: str, value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{source}: {where}: {shown(value)} is not a list of strings; {_FIX}")
    return tuple(value)
