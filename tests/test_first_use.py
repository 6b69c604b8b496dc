"""What a first-time user meets: the bare command, --version, help everywhere, normal file permissions; and rendered
YAML that reads back as the template it came from."""

from __future__ import annotations

import argparse
import os
import random
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, TEMPLATES, catalogue_dict

from fargate_private_templates.cli import main
from fargate_private_templates.cli.main import build_parser
from fargate_private_templates.render import files, renderer
from fargate_private_templates.render.loader import parse_template

COMMANDS = ("render", "check", "diagram", "params", "rules-path")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def test_the_bare_command_prints_usage_and_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys)
    assert code == 2 and out == ""
    assert err.startswith("usage: fargate-private-templates")
    assert all(command in err for command in COMMANDS)


def test_version_exits_0_with_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    code, out, _ = _run(capsys, "--version")
    assert code == 0 and out == f"fargate-private-templates {version('fargate-private-templates')}\n"


def _options(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.Action]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += [(f"{name} {n}", a) for n, a in _options(sub)]
        else:
            found.append((action.dest, action))
    return found


def test_every_option_and_argument_has_help() -> None:
    options = _options(build_parser())
    assert len(options) > 15
    assert [name for name, action in options if not action.help] == []


def test_rules_path_help_prints_a_cfn_lint_command_that_ends_the_rules_list(capsys) -> None:
    code, out, _ = _run(capsys, "rules-path", "--help")
    assert code == 0
    (command,) = [line.strip() for line in out.splitlines() if line.strip().startswith("cfn-lint")]
    words = shlex.split(command.replace('"$(fargate-private-templates rules-path)"', "RULES"))
    # cfn-lint's -a takes several folders: without --, the templates would be read as rule folders.
    assert words[:4] == ["cfn-lint", "-a", "RULES", "--"] and words[4:] == ["templates/*.yaml"]


def test_rules_path_command_works_as_printed() -> None:
    """The help's command, run by a shell in the repository with the installed scripts first on PATH."""
    command = next(
        line.strip()
        for line in build_parser()._subparsers._group_actions[0].choices["rules-path"].epilog.splitlines()
        if line.strip().startswith("cfn-lint")
    ).replace("templates/*.yaml", "templates/registry.yaml")  # one small template keeps the test quick
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["sh", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_rendered_files_get_the_umask_permissions(tmp_path: Path, umask: int, mode: int) -> None:
    previous = os.umask(umask)
    try:
        files.write_files(tmp_path, {"a.yaml": "a\n", "b.yaml": "b\n"})
    finally:
        os.umask(previous)
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()} == {"a.yaml": mode, "b.yaml": mode}


def test_a_rewritten_file_keeps_its_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n<!-- diagram:begin -->\nold\n<!-- diagram:end -->\n")
    readme.chmod(0o754)
    code, out, _ = _run(capsys, "diagram", str(TEMPLATES / "network.yaml"), "--embed", str(readme))
    assert code == 0 and out.startswith("updated")
    assert "flowchart LR" in readme.read_text() and stat.S_IMODE(readme.stat().st_mode) == 0o754
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]


def test_the_public_api_resolves_every_name() -> None:
    import fargate_private_templates as package

    assert [name for name in package.__all__ if getattr(package, name, None) is None] == []
    assert set(package.__all__) <= set(dir(package))


def test_every_catalogue_render_reads_back_as_its_template() -> None:
    from fargate_private_templates.catalogue import CATALOGUE

    assert len(CATALOGUE) >= 10
    for entry in CATALOGUE:
        assert parse_template(renderer.render_yaml(entry.build())) == catalogue_dict(entry.filename), entry.filename


WORDS = [
    "plain", "two words", "", " lead", "trail ", "10", "1.5", "1.4.0", "true", "no", "null", "~", "2010-09-09", "a: b",
    "a:b", "a:", "#x", "a #b", "-x", "- x", "*x", "&x", "!x", "%x", "@x", "`x", "'q'", '"q"', "${AWS::StackName}-x",
    "arn:aws:s3:::b/*", "[x]", "{x}", "x,y", "é", "a\tb", "0x1F", "0o7", "+1", ".5", "=", "?", "? x", "x?", "|", ">",
    "line\nnext", "line\n", "\nlead", "a\n\nb", "a\n\n", "x" * 200, "a\u2028b",
]  # fmt: skip


def _random_tree(rng: random.Random, depth: int = 0) -> object:
    choice = rng.random()
    if depth > 4 or choice < 0.4:
        return rng.choice([*WORDS, 0, 7, -3, True, False, None, 1.5])
    if choice < 0.7:
        return [_random_tree(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(WORDS[:40]): _random_tree(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def test_awkward_values_read_back_unchanged() -> None:
    """Random trees of words YAML could misread (numbers, booleans, dates, indicators, line breaks): the writer quotes
    or blocks each one so that it reads back as written."""
    rng = random.Random(13)
    for _ in range(500):
        tree = {"Root": _random_tree(rng), "Other": rng.choice(WORDS)}
        assert yaml.safe_load(renderer.dump_yaml(tree)) == tree, tree


def test_the_scheduled_task_example_writes_where_the_readme_says(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    assert ".venv/bin/python examples/scheduled_task.py        # writes build/scheduled-task.yaml" in readme
    output = ROOT / "build" / "scheduled-task.yaml"
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "scheduled_task.py")], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout == f"wrote {output}\n", result.stderr
    assert list(tmp_path.iterdir()) == [] and "AssignPublicIp: DISABLED" in output.read_text()


def test_the_readme_runs_the_cli_one_way() -> None:
    readme = (ROOT / "README.md").read_text()
    runs = [line for line in readme.splitlines() if line.lstrip("$ ").startswith("fargate-private-templates ")]
    assert runs == [] and readme.count(".venv/bin/fargate-private-templates") > 15
