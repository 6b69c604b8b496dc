"""The three front doors: the CLI (in-process and as the installed script), config files and the examples."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, TEMPLATES, lint_findings

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.cli import main
from fargate_private_templates.diagram.flows import mermaid_for_files
from fargate_private_templates.diagram.mermaid import embedded, markers
from fargate_private_templates.render.loader import load_template

EXAMPLES = sorted((ROOT / "examples").glob("*.toml"))
DEFAULT_PAIR = [str(TEMPLATES / "network.yaml"), str(TEMPLATES / "service-alb.yaml")]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse's own exits (--help, usage errors)
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def test_render_check_passes_on_the_committed_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "render", "--check", "--out", str(TEMPLATES))
    assert code == 0 and out.strip().endswith("templates up to date in " + str(TEMPLATES))


def test_render_check_lists_stale_files_and_writes_nothing(tmp_path: Path, capsys) -> None:
    shutil.copy(TEMPLATES / "network.yaml", tmp_path / "network.yaml")
    (tmp_path / "service-alb.yaml").write_text("stale\n")
    code, out, _ = run(capsys, "render", "--check", "--out", str(tmp_path))
    assert code == 1
    assert f"would change: {tmp_path / 'service-alb.yaml'}" in out
    assert f"would change: {tmp_path / 'network.yaml'}" not in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["network.yaml", "service-alb.yaml"]
    assert (tmp_path / "service-alb.yaml").read_text() == "stale\n"


def test_bad_config_value_exits_2_with_one_line_and_writes_nothing(tmp_path: Path, capsys) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[network]\nvpc_cidr = "10.0.0.0/33"\n\n[[services]]\nname = "web"\n')
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "render", "--config", str(config), "--out", str(out_dir))
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and "network.vpc_cidr: '10.0.0.0/33'" in err and str(config) in err
    assert "Traceback" not in err and not out_dir.exists()


@pytest.mark.parametrize(
    ("toml", "mentions"),
    [
        ('[network]\ncolour = "blue"\n[[services]]\n', "network.colour: unknown key"),
        ('[[services]]\ncpu = "256"\n', "services[0].cpu: '256' has the wrong type; expected an integer"),
        ("[[services]]\nmemory = 4096\n", "services[0].memory: 4096 is not valid with cpu 256"),
        ('[network]\nnat_mode = "none"\n[[services]]\n', "cannot reach its image (ecr)"),
        ("[network]\n", "services: describe at least one service"),
        ("[servics]\n", "servics: unknown section"),
        ("[[services]\n", "not valid TOML"),
        (
            "[[services]]\ncontainer_port = 8080\n",
            "services[0].container_port: unknown key; it belongs in the [services.container] table as port",
        ),
        ('[[services]]\n[services.image]\nsource = "dockerhub"\n', "services[0].image.source: 'dockerhub'"),
        ("[[services]]\n[services.container]\ncolour = 1\n", "services[0].container.colour: unknown key"),
        ("[[services]]\n[services.scaling]\nmin_capacity = true\n", "services[0].scaling.min_capacity: True"),
        ("[[services]]\ncontainer = 8080\n", "services[0].container: 8080 has the wrong type; expected a table"),
        (
            '[[services]]\n[services.load_balancer]\nkind = "nlb"\n'
            "[services.scaling]\ntarget_requests_per_target = 9\n",
            "services[0].scaling.target_requests_per_target: request-count scaling needs an ALB, not "
            "load_balancer.kind 'nlb'",
        ),
        ("[[services]]\n[[services]]\n", "name: 'app' is used by two services"),
    ],
)
def test_config_errors_name_the_key_and_the_file(tmp_path: Path, capsys, toml: str, mentions: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(toml)
    code, _, err = run(capsys, "render", "--config", str(config), "--out", str(tmp_path / "out"))
    assert code == 2 and err.count("\n") == 1 and mentions in err and str(config) in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_each_example_config_renders_lints_and_passes_the_checker(example: Path, tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "render", "--config", str(example), "--out", str(tmp_path))
    assert code == 0, err
    rendered = sorted(tmp_path.glob("*.yaml"))
    assert len(rendered) >= 2
    for path in rendered:
        assert lint_findings(path.read_text()) == [], path.name
    report = check_dicts({p.name: load_template(p) for p in rendered})
    assert report.exit_code == 0 and report.findings == [], report.format_text()
    assert len(report.paths) >= 2


def test_unknown_keys_list_what_is_allowed_at_their_level(tmp_path: Path, capsys) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[[services]]\n[services.health_check]\nport = 80\n")
    code, _, err = run(capsys, "render", "--config", str(config), "--out", str(tmp_path / "out"))
    assert code == 2
    assert err.rstrip().endswith("allowed here: path, protocol, interval, grace_period"), err


def test_at_least_two_example_configs() -> None:
    assert len(EXAMPLES) >= 2


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


def test_check_prints_the_egress_path_and_exits_0(capsys) -> None:
    code, out, _ = run(capsys, "check", *DEFAULT_PAIR)
    assert code == 0
    assert "PrivateSubnet1 -> PrivateRouteTable1 -> NatGateway1 (in PublicSubnet1) -> InternetGateway" in out


def test_check_on_endpoints_network_prints_the_endpoints_path(capsys) -> None:
    code, out, _ = run(capsys, "check", str(TEMPLATES / "network-endpoints.yaml"), DEFAULT_PAIR[1])
    assert code == 0
    assert "PrivateSubnet1 -> PrivateRouteTable1 -> VPC endpoints (ecr.api, ecr.dkr, logs, s3, secretsmanager)" in out


def test_check_unreadable_input_exits_2(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("Resources: [\n")
    code, out, err = run(capsys, "check", str(broken))
    assert code == 2 and len(err.splitlines()) == 1 and "broken.yaml" in err and "Traceback" not in err


def test_diagram_prints_mermaid_and_the_readme_embeds_the_current_one(capsys) -> None:
    code, out, _ = run(capsys, "diagram", *DEFAULT_PAIR)
    assert code == 0 and out.startswith("flowchart LR\n")
    assert "LoadBalancer --> Service" in out
    readme = (ROOT / "README.md").read_text()
    assert markers()[0] in readme
    assert embedded(readme, mermaid_for_files(DEFAULT_PAIR)) == readme, "README diagram drifted: make templates"


def test_readme_embeds_the_current_front_door_picture() -> None:
    # The many-services picture is drawn from examples/shared-alb.toml's golden render (make templates).
    golden = ROOT / "tests" / "golden" / "examples" / "shared-alb"
    files = [golden / name for name in ("network.yaml", "ingress.yaml")] + [
        golden / f"service-{name}.yaml" for name in ("web", "docs", "api")
    ]
    readme = (ROOT / "README.md").read_text()
    diagram = mermaid_for_files(files)
    assert diagram.count("LoadBalancer -->") == 3 and '-->|"www.example.com /api/*"|' in diagram
    assert embedded(readme, diagram, "front-door") == readme, "README front-door diagram drifted: make templates"


def test_params_prints_overrides(capsys) -> None:
    code, out, _ = run(capsys, "params", DEFAULT_PAIR[1])
    assert code == 0 and out.startswith("--parameter-overrides NetworkStackName=fargate-network ")
    assert "CertificateArn=REQUIRED" in out
    code, out, _ = run(capsys, "params", DEFAULT_PAIR[1], "--format", "json")
    assert code == 0 and {p["ParameterKey"] for p in json.loads(out)} >= {"NetworkStackName", "ImageTag"}


def test_rules_path_is_a_folder_of_rules(capsys) -> None:
    code, out, _ = run(capsys, "rules-path")
    assert code == 0 and any(Path(out.strip()).glob("*.py"))


def test_guard_path_is_the_shipped_rules_file(capsys) -> None:
    code, out, _ = run(capsys, "guard-path")
    path = Path(out.strip())
    assert code == 0 and path.suffix == ".guard" and "rule FPT_ECS_SERVICE_NO_PUBLIC_IP" in path.read_text()


@pytest.mark.parametrize("command", ["render", "check", "diagram", "params", "rules-path", "guard-path"])
def test_every_subcommand_has_help_with_an_example(command: str, capsys) -> None:
    code, out, _ = run(capsys, command, "--help")
    assert code == 0 and "example:\n  " in out


def test_bad_usage_exits_2_with_one_line(capsys) -> None:
    code, _, err = run(capsys, "check")
    assert code == 2 and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "explode")
    assert code == 2 and "invalid choice" in err


def test_installed_script_and_module_entry_points() -> None:
    script = Path(sys.executable).parent / "fargate-private-templates"
    for argv in ([str(script)], [sys.executable, "-m", "fargate_private_templates"]):
        result = subprocess.run([*argv, "render", "--check", "--out", str(TEMPLATES)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_third_party_registry_on_the_endpoints_network_is_refused_by_the_checker(tmp_path: Path, capsys) -> None:
    from fargate_private_templates import ImageOptions, ServiceConfig, build_service, render_yaml

    service = tmp_path / "service-third-party.yaml"
    service.write_text(render_yaml(build_service(ServiceConfig(image=ImageOptions(source="third_party")))))
    code, out, _ = run(capsys, "check", str(TEMPLATES / "network-endpoints.yaml"), str(service))
    assert code == 1
    assert f"{service}:Service: E9008 " in out
    code, _, _ = run(capsys, "check", str(TEMPLATES / "network.yaml"), str(service))
    assert code == 0


def test_strict_check_fails_on_warnings(tmp_path: Path, capsys) -> None:
    unresolved = tmp_path / "service-alone.yaml"
    shutil.copy(TEMPLATES / "service-alb.yaml", unresolved)
    code, out, _ = run(capsys, "check", str(unresolved))
    assert code == 0 and " W9009 " in out
    code, _, _ = run(capsys, "check", "--strict", str(unresolved))
    assert code == 1
    code, _, _ = run(capsys, "check", "--strict", *DEFAULT_PAIR)
    assert code == 0


def test_readme_library_snippet_runs(capsys) -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## The library: custom templates") :]
    snippet = section[
        section.index("```python\n") + len("```python\n") : section.index("```\n", section.index("```python"))
    ]
    exec(compile(snippet, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in printed] == ["network.yaml", "service-api.yaml"]
    assert all(int(line.split()[1]) > 1000 for line in printed)


def test_check_explain_prints_a_rules_description_and_fix(capsys) -> None:
    from fargate_private_templates.checks import RULES

    assert main(["check", "--explain", "E9010"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    rule = RULES["E9010"]
    assert out.startswith(f"E9010 (error): {rule.title}")
    assert " ".join(rule.description.split()) in out and f"Fix: {' '.join(rule.fix.split())}" in out
    assert out.endswith("More: docs/rules.md#e9010")
    assert main(["check", "--explain", "w9009"]) == 0 and capsys.readouterr().out.startswith("W9009 (warning)")


def test_check_explain_of_an_unknown_code_and_check_of_nothing_exit_2(capsys) -> None:
    assert main(["check", "--explain", "E9999"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'E9999' is not a rule" in err and "E9001, W9001" in err
    assert main(["check"]) == 2
    assert "give at least one template, or --explain CODE" in capsys.readouterr().err
