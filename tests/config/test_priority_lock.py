"""The priority lock: deterministic JSON beside the config, read back exactly, anything else refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fargate_private_templates.config.priority_lock import (
    LockedRule,
    PriorityLock,
    lock_path,
    parse_lock,
    read_lock,
)
from fargate_private_templates.errors import ConfigError

LOCK = PriorityLock(
    {
        "shop-ingress": {
            "web": LockedRule(18490, hosts=("www.example.com",)),
            "api": LockedRule(9460, 9459, ("www.example.com",), ("/api/*",)),
        },
        "other-ingress": {"docs": LockedRule(39320, paths=("/docs/*",))},
    }
)
FIX = "correct it, or delete the file to assign every priority afresh (which can move deployed rules)"


def test_the_lock_is_sorted_json_with_a_version_and_reads_back_as_written() -> None:
    text = LOCK.to_json()
    document = json.loads(text)
    assert text == json.dumps(document, indent=2, sort_keys=True) + "\n"
    assert document["version"] == 1 and "render --config" in document["comment"]
    assert document["front_doors"]["shop-ingress"]["api"] == {
        "hosts": ["www.example.com"],
        "paths": ["/api/*"],
        "priority": 9460,
        "test_priority": 9459,
    }
    assert "test_priority" not in document["front_doors"]["shop-ingress"]["web"]
    assert parse_lock(text, "x.lock.json") == LOCK
    assert parse_lock(text, "x.lock.json").on("shop-ingress")["web"] == LockedRule(18490, None, ("www.example.com",))
    assert parse_lock(text, "x.lock.json").on("nowhere") == {}
    assert hash(LOCK) == hash(PriorityLock())


def test_the_lock_file_is_named_after_the_config_beside_it(tmp_path: Path) -> None:
    assert lock_path("examples/shop.toml") == Path("examples/shop.lock.json")
    assert lock_path(tmp_path / "a.b.toml") == tmp_path / "a.b.lock.json"
    assert read_lock(tmp_path / "missing.lock.json") is None
    (tmp_path / "x.lock.json").write_text(LOCK.to_json(), encoding="utf-8")
    assert read_lock(tmp_path / "x.lock.json") == LOCK


def test_an_unreadable_or_binary_lock_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match=f"^{tmp_path}: cannot read the priority lock \\(it is a folder, not a file\\)$"
    ):
        read_lock(tmp_path)
    (tmp_path / "x.lock.json").write_bytes(b"\xff\xfe{}")
    with pytest.raises(ConfigError) as caught:
        read_lock(tmp_path / "x.lock.json")
    assert str(caught.value) == f"{tmp_path / 'x.lock.json'}: not a priority lock (not UTF-8 text); {FIX}"


def _entry(**changes: object) -> str:
    rule = {"hosts": ["a.example.com"], "paths": [], "priority": 10, **changes}
    return json.dumps({"version": 1, "front_doors": {"fd": {"web": rule}}})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not a priority lock (not valid JSON: Expecting value: line 1 column 1 (char 0))"),
        ("{", "not a priority lock (not valid JSON: Expecting property name enclosed in double quotes"),
        ('{"version": 1' + "0" * 5000 + "}", "not a priority lock (not valid JSON: Exceeds the limit"),
        ("[" * 100_000, "not a priority lock (not valid JSON: maximum recursion depth exceeded"),
        ("[]", "the file: [] is not an object"),
        ('{"version": 1, "extra": 2}', "the file: unknown key 'extra'; allowed: comment, front_doors, version"),
        ("{}", "version: None is not a lock version this release reads (1)"),
        ('{"version": 2}', "version: 2 is not a lock version this release reads (1)"),
        ('{"version": true}', "version: True is not a lock version this release reads (1)"),
        ('{"version": "1"}', "version: '1' is not a lock version this release reads (1)"),
        ('{"version": 1, "front_doors": []}', "front_doors: [] is not an object"),
        ('{"version": 1, "front_doors": {"fd": 3}}', "front_doors.fd: 3 is not an object"),
        ('{"version": 1, "front_doors": {"fd": {"web": 3}}}', "front_doors.fd.web: 3 is not an object"),
        (_entry(weight=1), "front_doors.fd.web: unknown key 'weight'; allowed: hosts, paths, priority, test_priority"),
        (_entry(priority=None), "front_doors.fd.web.priority: None is not a listener rule priority (1-50000)"),
        (_entry(priority=0), "front_doors.fd.web.priority: 0 is not a listener rule priority (1-50000)"),
        (_entry(priority=50_001), "front_doors.fd.web.priority: 50001 is not a listener rule priority (1-50000)"),
        (_entry(priority=True), "front_doors.fd.web.priority: True is not a listener rule priority (1-50000)"),
        (_entry(priority=1.0), "front_doors.fd.web.priority: 1.0 is not a listener rule priority (1-50000)"),
        (_entry(test_priority="9"), "front_doors.fd.web.test_priority: '9' is not a listener rule priority (1-50000)"),
        (_entry(hosts="a.example.com"), "front_doors.fd.web.hosts: 'a.example.com' is not a list of strings"),
        (_entry(paths=["/a", 1]), "front_doors.fd.web.paths: ['/a', 1] is not a list of strings"),
    ],
)
def test_a_broken_lock_names_the_file_the_key_and_the_way_out(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_lock(text, "shop.lock.json")
    assert str(caught.value).startswith(f"shop.lock.json: {message}"), caught.value
    if "unknown key" not in message:
        assert str(caught.value).endswith(FIX)


def test_the_smallest_lock_and_the_bounds_of_a_priority_are_read() -> None:
    assert parse_lock('{"version": 1}', "x") == PriorityLock()
    rule = parse_lock(_entry(priority=50_000, test_priority=1, hosts=[]), "x").on("fd")["web"]
    assert rule == LockedRule(50_000, 1)
    assert parse_lock(_entry(priority=1), "x").on("fd")["web"].priority == 1
    bare = json.dumps({"version": 1, "front_doors": {"fd": {"web": {"priority": 7}}}})
    assert parse_lock(bare, "x").on("fd")["web"] == LockedRule(7, None, (), ())  # hosts and paths may be left out
