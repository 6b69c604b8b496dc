"""Bad input of every kind: exit 2 (or 1 for a finding), one line naming the file and the problem, no traceback, no
hang, nothing written. One table, run through the CLI in-process."""

from __future__ import annotations

import copy
import errno
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import TEMPLATES, catalogue_dict

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.cli import main
from fargate_private_templates.config.network import NetworkConfig
from fargate_private_templates.diagram.flows import mermaid_diagram
from fargate_private_templates.errors import ConfigError
from fargate_private_templates.render import files
from fargate_private_templates.render.parameters import parameter_values

SERVICE = '[[services]]\nname = "web"\n'
# Each level doubles the one before: ten levels are 2**10 copies of the first, a billion at thirty.
LAUGHS = (
    "a0: &a0 [lol, lol]\n" + "".join(f"a{n}: &a{n} [*a{n - 1}, *a{n - 1}]\n" for n in range(1, 31)) + "Resources: {}\n"
)
MARKDOWN = "# Title\n\n<!-- diagram:begin -->\nold\n<!-- diagram:end -->\n"


@dataclass(frozen=True)
class Case:
    """``files`` are written into an empty working folder; ``argv`` runs there; ``mentions`` must be in the line."""

    argv: tuple[str, ...]
    mentions: tuple[str, ...]
    files: tuple[tuple[str, bytes | None], ...] = ()  # None: a folder
    code: int = 2


def _config(text: str) -> tuple[tuple[str, bytes], ...]:
    return (("config.toml", text.encode()),)


def _template(data: bytes) -> tuple[tuple[str, bytes], ...]:
    return (("template.yaml", data),)


def _each_reader(name: str, data: bytes, *mentions: str) -> dict[str, Case]:
    """The same bad template given to every command that reads templates."""
    return {
        f"{name}-{command}": Case((command, "template.yaml"), ("template.yaml", *mentions), _template(data))
        for command in ("check", "params", "diagram")
    }


CASES: dict[str, Case] = {
    # Files that are not what they should be.
    "config-not-utf8": Case(
        ("render", "--config", "config.toml", "--out", "out"),
        ("config.toml", "not UTF-8", "0xff"),
        _config("")[:0] + (("config.toml", b'[[services]]\nname = "w\xffb"\n'),),
    ),
    "config-binary": Case(
        ("render", "--config", "config.toml", "--out", "out"), ("config.toml", "binary"), (("config.toml", b"\0\1\2"),)
    ),
    "config-empty": Case(("render", "--config", "config.toml", "--out", "out"), ("config.toml", "empty"), _config("")),
    "config-is-a-folder": Case(
        ("render", "--config", "config.toml", "--out", "out"), ("config.toml", "is a folder"), (("config.toml", None),)
    ),
    "config-empty-path": Case(("render", "--config", "", "--out", "out"), ("--config", "the path is empty")),
    "config-missing": Case(("render", "--config", "nothing.toml", "--out", "out"), ("nothing.toml", "does not exist")),
    **_each_reader("template-not-utf8", b"Resources:\n  X:\n    Type: \xe9\n", "not UTF-8", "0xe9"),
    **_each_reader("template-binary", b"\x7fELF\0\0\0", "binary"),
    **_each_reader("template-empty", b"\n\n", "empty"),
    "template-is-a-folder": Case(
        ("check", "template.yaml"), ("template.yaml", "is a folder"), _template(b"")[:0] + (("template.yaml", None),)
    ),
    "template-empty-path": Case(("check", ""), ("TEMPLATE", "the path is empty")),
    "params-empty-path": Case(("params", " "), ("TEMPLATE", "the path is empty")),
    "markdown-not-utf8": Case(
        ("diagram", str(TEMPLATES / "network.yaml"), "--embed", "README.md"),
        ("README.md", "not UTF-8"),
        (("README.md", MARKDOWN.replace("Title", "Café").encode("latin-1")),),
    ),
    "markdown-without-block": Case(
        ("diagram", str(TEMPLATES / "network.yaml"), "--embed", "README.md"),
        ("README.md", "diagram:begin"),
        (("README.md", b"# Title\n"),),
    ),
    "markdown-is-a-folder": Case(
        ("diagram", str(TEMPLATES / "network.yaml"), "--embed", "docs"), ("docs", "is a folder"), (("docs", None),)
    ),
    "markdown-empty-path": Case(("diagram", str(TEMPLATES / "network.yaml"), "--embed", ""), ("--embed", "empty")),
    # Nesting and expansion.
    "config-deeply-nested": Case(
        ("render", "--config", "config.toml", "--out", "out"),
        ("config.toml", "nested too deeply"),
        _config(SERVICE + "tags = " + "[" * 50_000 + "]" * 50_000 + "\n"),
    ),
    **_each_reader("yaml-deeply-nested", b"Resources: " + b"[" * 50_000 + b"]" * 50_000, "nested more than"),
    **_each_reader("json-deeply-nested", b'{"Resources": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", "nested"),
    **_each_reader("json-nested-100", b'{"Resources": {"X": ' + b"[" * 100 + b"]" * 100 + b"}}", "nested more than"),
    **_each_reader("billion-laughs", LAUGHS.encode(), "YAML aliases (*a0) are not allowed"),
    # Values and shapes.
    "name-with-trailing-newline": Case(
        ("render", "--config", "config.toml", "--out", "out"),
        ("config.toml", "services[0].name: 'web\\n'", "lowercase"),
        _config('[[services]]\nname = "web\\n"\n'),
    ),
    "tag-with-trailing-newline": Case(
        ("render", "--config", "config.toml", "--out", "out"),
        ("config.toml", "services[0].image.tag: '1.0\\n'"),
        _config(SERVICE + '[services.image]\ntag = "1.0\\n"\n'),
    ),
    "cidr-netmask": Case(
        ("render", "--config", "config.toml", "--out", "out"),
        ("config.toml", "network.vpc_cidr: '10.0.0.0/255.255.0.0'", "CIDR form"),
        _config('[network]\nvpc_cidr = "10.0.0.0/255.255.0.0"\n' + SERVICE),
    ),
    "cidr-leading-zero-prefix": Case(
        ("render", "--config", "config.toml", "--out", "out"),
        ("config.toml", "network.vpc_cidr: '10.0.0.0/016'", "no leading zeros"),
        _config('[network]\nvpc_cidr = "10.0.0.0/016"\n' + SERVICE),
    ),
    "huge-value": Case(
        ("render", "--config", "config.toml", "--out", "out"),
        ("config.toml", "services[0].name: 'aaaa", "more characters"),
        _config('[[services]]\nname = "' + "a" * 3_000_000 + '"\n'),
    ),
    **_each_reader("unknown-short-form", b"Resources:\n  X:\n    Type: !Frobnicate x\n", "unknown tag !Frobnicate"),
    **_each_reader("resources-not-a-mapping", b"Resources: [1, 2]\n", "no Resources mapping"),
    **_each_reader("resource-not-a-mapping", b"Resources:\n  Bucket: 5\n", "Resources.Bucket"),
    **_each_reader("properties-not-a-mapping", b"Resources:\n  B:\n    Type: X\n    Properties: [1]\n", "Properties"),
    # Where the output goes.
    "out-is-a-file": Case(("render", "--out", "out"), ("out", "is a file, not a folder"), (("out", b"x"),)),
    "out-below-a-file": Case(("render", "--out", "out/sub"), ("out/sub", "out is a file"), (("out", b"x"),)),
    "out-target-is-a-folder": Case(
        ("render", "--out", "out"),
        ("out/service-alb.yaml", "a folder of that name is in the way"),
        (("out", None), ("out/service-alb.yaml", None)),
    ),
    "out-empty-path": Case(("render", "--out", ""), ("--out", "the path is empty")),
}


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))}


def _run(argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_one_line_and_writes_nothing(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[name]
    for path, data in case.files:
        target = tmp_path / path
        if data is None:
            target.mkdir(parents=True)
        else:
            target.write_bytes(data)
    monkeypatch.chdir(tmp_path)
    before = _snapshot(tmp_path)
    started = time.perf_counter()
    code, out, err = _run(case.argv, capsys)
    elapsed = time.perf_counter() - started
    assert code == case.code, err
    assert out == "" and "Traceback" not in err
    assert len(err.splitlines()) == 1 and len(err) < 600, err[:1000]
    for mention in case.mentions:
        assert mention in err, err
    assert _snapshot(tmp_path) == before
    if name.startswith("billion-laughs"):
        assert elapsed < 1.0


def test_a_failed_write_leaves_the_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The third file cannot be written (as a read-only folder would refuse it, even to root): no file changes."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "network.yaml").write_text("old\n")
    before = _snapshot(tmp_path)
    real_open = os.open
    opened: list[str] = []

    def refusing_open(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        opened.append(str(path))
        if len(opened) == 3:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(files.os, "open", refusing_open)
    code, stdout, err = _run(("render", "--out", str(out)), capsys)
    assert code == 2 and stdout == ""
    assert err.strip().endswith("cannot write (permission denied)") and "Errno" not in err
    assert _snapshot(tmp_path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_refused_before_writing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        code, _, err = _run(("render", "--out", str(out)), capsys)
    finally:
        out.chmod(0o755)
    assert code == 2 and "the folder is not writable" in err and list(out.iterdir()) == []


def test_a_new_output_folder_is_removed_again_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files.os, "open", _always_full)
    with pytest.raises(files.OutputError, match="no space left"):
        files.write_files(tmp_path / "new", {"a.yaml": "a\n"})
    assert list(tmp_path.iterdir()) == []


def _always_full(path: str, flags: int, mode: int = 0o777) -> int:
    raise OSError(errno.ENOSPC, "No space left on device", path)


WRONG_TYPES: tuple[object, ...] = ("text", 7, [5], {"Fn::GetAtt": "x"})


def _mutations() -> list[tuple[str, str, str]]:
    pair = ("network.yaml", "service-alb.yaml")
    return [
        (name, resource, prop)
        for name in pair
        for resource, body in catalogue_dict(name)["Resources"].items()
        for prop in body.get("Properties", {})
    ]


def test_properties_of_the_wrong_type_never_crash_the_readers() -> None:
    """Every property of the default pair, replaced by values of the wrong type: check, diagram and params read
    the result (findings or warnings are fine; an exception is not)."""
    pair = {name: catalogue_dict(name) for name in ("network.yaml", "service-alb.yaml")}
    mutations = _mutations()
    assert len(mutations) > 100
    for name, resource, prop in mutations:
        for wrong in WRONG_TYPES:
            templates = dict(pair)
            templates[name] = copy.deepcopy(pair[name])
            templates[name]["Resources"][resource]["Properties"][prop] = wrong
            check_dicts(templates)
            mermaid_diagram(templates)
            parameter_values(templates[name])


@pytest.mark.parametrize("section", ["Parameters", "Conditions", "Mappings", "Outputs", "Resources"])
def test_sections_of_the_wrong_type_never_crash_the_library(section: str) -> None:
    templates = {name: copy.deepcopy(catalogue_dict(name)) for name in ("network.yaml", "service-alb.yaml")}
    templates["service-alb.yaml"][section] = 5 if section != "Resources" else {"X": 5, "Y": {"Type": 5}}
    check_dicts(templates)
    mermaid_diagram(templates)


@pytest.mark.parametrize(
    ("cidr", "mentions"),
    [
        ("10.0.0.0/255.255.0.0", "CIDR form"),
        ("10.0.0.0/016", "CIDR form"),
        ("010.0.0.0/16", "CIDR form"),
        ("10.0.0.0/16\n", "CIDR form"),
        (" 10.0.0.0/16", "CIDR form"),
        ("10.0.0.0", "has no prefix"),
        ("10.0.0.1/16", "host bits set"),
    ],
)
def test_cidrs_only_in_cidr_form(cidr: str, mentions: str) -> None:
    with pytest.raises(ConfigError, match="vpc_cidr") as caught:
        NetworkConfig(vpc_cidr=cidr)
    assert mentions in str(caught.value)


def test_every_case_class_is_covered() -> None:
    """The issue's classes of bad input, each with at least one case above."""
    classes: dict[str, Callable[[str], bool]] = {
        "not UTF-8": lambda n: "not-utf8" in n,
        "binary": lambda n: "binary" in n,
        "empty file": lambda n: n.endswith("-empty") or "-empty-" in n and "path" not in n,
        "folder for a file": lambda n: "is-a-folder" in n,
        "empty path": lambda n: "empty-path" in n,
        "deep nesting": lambda n: "deeply-nested" in n,
        "alias expansion": lambda n: "billion-laughs" in n,
        "trailing newline": lambda n: "trailing-newline" in n,
        "netmask or zero-padded CIDR": lambda n: n.startswith("cidr-"),
        "unknown short form": lambda n: "unknown-short-form" in n,
        "not a mapping": lambda n: "not-a-mapping" in n,
        "unwritable target": lambda n: n.startswith("out-"),
        "huge value": lambda n: n == "huge-value",
    }
    assert {label for label, matches in classes.items() if not any(matches(n) for n in CASES)} == set()
