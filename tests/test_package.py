"""The library as its users meet it: the public API, the README's snippet and the custom-template example."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import DEFAULT_PAIR, ROOT, doc, lint_findings

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.render.loader import load_template


def test_the_public_api_resolves_every_name() -> None:
    import fargate_private_templates as package

    assert [name for name in package.__all__ if getattr(package, name, None) is None] == []
    assert set(package.__all__) <= set(dir(package))


def test_the_scheduled_task_example_writes_where_the_library_guide_says(tmp_path: Path) -> None:
    assert "python examples/scheduled_task.py        # writes build/scheduled-task.yaml" in doc("library.md")
    output = ROOT / "build" / "scheduled-task.yaml"
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "scheduled_task.py")], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout == f"wrote {output}\n", result.stderr
    assert list(tmp_path.iterdir()) == [] and "AssignPublicIp: DISABLED" in output.read_text()


def test_custom_template_example_lints_and_passes_check(capsys) -> None:
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import scheduled_task
    finally:
        sys.path.remove(str(ROOT / "examples"))
    from fargate_private_templates import render_yaml
    from fargate_private_templates.render import ordered_dict

    template = scheduled_task.build_scheduled_task()
    assert lint_findings(render_yaml(template)) == []
    as_dict = ordered_dict(template)
    target = as_dict["Resources"]["Schedule"]["Properties"]["Targets"][0]["EcsParameters"]
    assert target["NetworkConfiguration"]["AwsVpcConfiguration"]["AssignPublicIp"] == "DISABLED"
    report = check_dicts({"network.yaml": load_template(DEFAULT_PAIR[0]), "scheduled-task.yaml": as_dict})
    assert report.exit_code == 0 and report.findings == [], report.format_text()


def test_the_library_guides_snippet_runs(capsys) -> None:
    section = doc("library.md")
    snippet = section[
        section.index("```python\n") + len("```python\n") : section.index("```\n", section.index("```python"))
    ]
    exec(compile(snippet, "docs/library.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in printed] == ["network.yaml", "service-api.yaml"]
    assert all(int(line.split()[1]) > 1000 for line in printed)
