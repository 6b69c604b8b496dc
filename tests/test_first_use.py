"""What a first-time user meets: the bare command, --version, help everywhere, normal file permissions; and what
keeps a render fast (only what it needs is imported; the fast YAML writer gives PyYAML's bytes)."""

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
from conftest import ROOT, TEMPLATES, catalogue_dict

from fargate_private_templates.cli import main
from fargate_private_templates.cli.main import build_parser
from fargate_private_templates.render import files, renderer

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


def test_a_render_imports_neither_the_checker_nor_the_diagram(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from fargate_private_templates.cli import main\n"
        f"main(['render', '--out', {str(tmp_path)!r}])\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('fargate_private_templates'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = result.stdout.splitlines()[-1].split()
    assert "fargate_private_templates.catalogue" in loaded
    unused = ("checks", "cli.diagram", "cli.mermaid", "cli.params", "config.file", "stacks")
    assert [m for m in loaded if m.removeprefix("fargate_private_templates.").startswith(unused)] == []


def test_the_public_api_resolves_every_name() -> None:
    import fargate_private_templates as package

    assert [name for name in package.__all__ if getattr(package, name, None) is None] == []
    assert set(package.__all__) <= set(dir(package))


def _pyyaml(tree: dict) -> str:
    return renderer._pyyaml(tree)


def _golden_trees() -> list[dict]:
    from fargate_private_templates.catalogue import CATALOGUE

    return [renderer._short_form(catalogue_dict(entry.filename)) for entry in CATALOGUE]


def test_the_fast_writer_gives_pyyamls_bytes_for_the_catalogue() -> None:
    trees = _golden_trees()
    assert len(trees) >= 10
    for tree in trees:
        assert renderer._EMITTER.document(tree) == _pyyaml(tree)


WORDS = [
    "plain", "two words", "", " lead", "trail ", "10", "1.5", "1.4.0", "true", "no", "null", "~", "2010-09-09", "a: b",
    "a:b", "a:", "#x", "a #b", "-x", "- x", "*x", "&x", "!x", "%x", "@x", "`x", "'q'", '"q"', "${AWS::StackName}-x",
    "arn:aws:s3:::b/*", "[x]", "{x}", "x,y", "é", "a\tb", "0x1F", "0o7", "+1", ".5", "=", "?", "? x", "x?", "|", ">",
    "line\nnext", "line\n", "\nlead", "a\n\nb", "a\n\n", "x" * 200, "a\u2028b", "\x07",
]  # fmt: skip


def _random_tree(rng: random.Random, depth: int = 0) -> object:
    choice = rng.random()
    if depth > 4 or choice < 0.4:
        value: object = rng.choice([*WORDS, 0, 7, -3, True, False, None, 1.5])
        if isinstance(value, str) and "\n" in value and rng.random() < 0.7:
            value = renderer._Literal(value)
        if rng.random() < 0.2:
            value = renderer._Tagged(rng.choice(["!Ref", "!Sub", "!GetAtt"]), value)
        return value
    if choice < 0.7:
        items = [_random_tree(rng, depth + 1) for _ in range(rng.randint(0, 3))]
        return renderer._Tagged("!If", items) if items and rng.random() < 0.2 else items
    mapping = {rng.choice(WORDS[:40]): _random_tree(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    return renderer._Tagged("!Sub", mapping) if mapping and rng.random() < 0.1 else mapping


def test_the_fast_writer_gives_pyyamls_bytes_for_odd_values() -> None:
    """Random trees of awkward words: where the fast writer cannot match PyYAML exactly it hands over to it."""
    rng = random.Random(13)
    fast_paths = 0
    for _ in range(1500):
        tree = {"Root": _random_tree(rng), "Other": rng.choice(WORDS)}
        assert renderer.dump_tree(tree) == _pyyaml(tree), tree
        try:
            renderer._EMITTER.document(tree)
            fast_paths += 1
        except renderer.Unusual:
            pass
    assert fast_paths > 300  # most trees really take the fast path


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


def test_template_dict_is_what_troposphere_gives() -> None:
    from fargate_private_templates.catalogue import CATALOGUE

    for entry in CATALOGUE:
        template = entry.build()
        assert renderer.template_dict(template) == template.to_dict(), entry.filename
