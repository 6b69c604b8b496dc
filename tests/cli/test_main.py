"""The command line, in-process and as the installed script: its commands, help, exit codes and one-line errors on
bad input of every kind."""

from __future__ import annotations

import argparse
import errno
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import DEFAULT_PAIR, JOIN, JOIN_PATHS, ROOT, TEMPLATES, doc, example_copy, lint_findings, run
from conftest import snapshot as _snapshot

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.cli import main
from fargate_private_templates.cli.main import build_parser
from fargate_private_templates.diagram.flows import mermaid_for_files
from fargate_private_templates.diagram.mermaid import embedded, markers
from fargate_private_templates.render import files
from fargate_private_templates.render.loader import load_template

EXAMPLES = sorted((ROOT / "examples").glob("*.toml"))


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


def _front_door_config(count: int, extra: str = "") -> str:
    """A config of ``count`` services on one front door, one distinct host each, no priority set by hand."""
    services = "".join(
        f'[[services]]\nname = "svc{i:03d}"\n[services.load_balancer]\nkind = "shared"\n'
        f'[services.routing]\nhosts = ["svc{i:03d}.example.com"]\n'
        for i in range(count)
    )
    return f'[network]\nnat_mode = "none"\nendpoints = "ecr"\n[ingress]\n{extra}{services}'


def _rule_priorities(folder: Path) -> dict[str, int]:
    return {
        path.stem.removeprefix("service-"): load_template(path)["Parameters"]["ListenerRulePriority"]["Default"]
        for path in sorted(folder.glob("service-*.yaml"))
    }


def test_render_writes_the_priority_lock_beside_the_config_and_check_compares_it(tmp_path: Path, capsys) -> None:
    config, out = tmp_path / "shop.toml", tmp_path / "out"
    lock = tmp_path / "shop.lock.json"
    config.write_text(_front_door_config(2))
    code, printed, _ = run(capsys, "render", "--config", str(config), "--out", str(out))
    assert code == 0 and f"wrote {lock}\n" in printed
    deploy_files = len(list(out.glob("*.parameters.json"))) + len(list(out.glob("*.sh")))
    assert deploy_files == 6 and printed.endswith(f"4 templates, 6 deploy files in {out}, priority lock {lock}\n")
    assert (
        json.loads(lock.read_text())["front_doors"]["fargate-ingress"]["svc001"]["priority"]
        == (_rule_priorities(out)["svc001"])
    )
    code, printed, _ = run(capsys, "render", "--config", str(config), "--out", str(out))
    assert code == 0 and "wrote" not in printed
    code, printed, _ = run(capsys, "render", "--check", "--config", str(config), "--out", str(out))
    up_to_date = f"4 of 4 templates up to date in {out}\n6 of 6 deploy files up to date in {out}\n"
    assert code == 0 and printed == f"{up_to_date}priority lock {lock}: up to date\n"
    lock.unlink()
    code, printed, _ = run(capsys, "render", "--check", "--config", str(config), "--out", str(out))
    assert code == 1 and not lock.exists()
    assert printed == f"would change: {lock}\n{up_to_date}priority lock {lock}: would change\n"


def test_a_config_with_no_shared_service_writes_no_lock_but_brings_an_old_one_up_to_date(
    tmp_path: Path, capsys
) -> None:
    config, out = tmp_path / "own.toml", tmp_path / "out"
    config.write_text('[[services]]\nname = "web"\n')
    code, printed, _ = run(capsys, "render", "--config", str(config), "--out", str(out))
    assert code == 0 and printed.endswith(f"2 templates, 4 deploy files in {out}\n")
    assert not (tmp_path / "own.lock.json").exists()
    code, printed, _ = run(capsys, "render", "--check", "--config", str(config), "--out", str(out))
    assert code == 0 and printed == f"2 of 2 templates up to date in {out}\n4 of 4 deploy files up to date in {out}\n"
    (tmp_path / "own.lock.json").write_text('{"version": 1, "front_doors": {"fargate-ingress": {}}}')
    code, printed, _ = run(capsys, "render", "--config", str(config), "--out", str(out))
    assert code == 0 and json.loads((tmp_path / "own.lock.json").read_text())["front_doors"] == {}


def test_nothing_is_written_when_the_lock_cannot_be(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    config, out = tmp_path / "shop.toml", tmp_path / "out"
    config.write_text(_front_door_config(1))
    real_open = os.open

    def refusing_open(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        if "shop.lock.json" in str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(files.os, "open", refusing_open)
    code, printed, err = run(capsys, "render", "--config", str(config), "--out", str(out))
    assert code == 2 and printed == "" and err.endswith("shop.lock.json: cannot write (permission denied)\n")
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["shop.toml"]


def test_a_broken_lock_stops_the_render_in_one_line(tmp_path: Path, capsys) -> None:
    config, out = tmp_path / "shop.toml", tmp_path / "out"
    config.write_text(_front_door_config(1))
    (tmp_path / "shop.lock.json").write_text('{"version": 7}')
    code, printed, err = run(capsys, "render", "--config", str(config), "--out", str(out))
    assert code == 2 and printed == "" and err.count("\n") == 1 and not out.exists()
    assert f"{tmp_path / 'shop.lock.json'}: version: 7 is not a lock version this release reads (1)" in err


def test_a_hundred_services_on_one_front_door_get_generated_priorities_that_a_growing_config_keeps(
    tmp_path: Path, capsys
) -> None:
    """Issue 22's done-when: 99 services rendered, the config grown to 100 with its lock kept, and check exits 0."""
    config, out = tmp_path / "fleet.toml", tmp_path / "out"
    config.write_text(_front_door_config(99))
    assert run(capsys, "render", "--config", str(config), "--out", str(out))[0] == 0
    before = _rule_priorities(out)
    config.write_text(_front_door_config(100))
    assert run(capsys, "render", "--config", str(config), "--out", str(out))[0] == 0
    after = _rule_priorities(out)
    assert len(before) == 99 and {name: after[name] for name in before} == before
    assert len(after) == 100 == len(set(after.values()))
    locked = json.loads((tmp_path / "fleet.lock.json").read_text())["front_doors"]["fargate-ingress"]
    assert {name: rule["priority"] for name, rule in locked.items()} == after
    code, printed, _ = run(capsys, "check", *map(str, sorted(out.glob("*.yaml"))))
    assert code == 0, printed
    config.write_text(_front_door_config(101))
    code, _, err = run(capsys, "render", "--config", str(config), "--out", str(out))
    assert code == 2 and "101 listener rules (101 services, 0 test rules)" in err


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
        ('[network]\nnat_mode = "none"\n[[services]]\nname = "web"\n', "cannot reach its image (ecr)"),
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
        ('[[services]]\nname = "web"\n[[services]]\nname = "web"\n', "name: 'web' is used by two services"),
        ("[[services]]\ncpu = 512\nmemory = 1024\n", "services[0].name: required in a config file"),
        ('[[services]]\nname = "a"\n[[services]]\ncpu = 512\nmemory = 1024\n', "services[1].name: required"),
        (
            '[[services]]\nname = "web"\nload_balancer = "nlb"\n',
            "services[0].load_balancer: 'nlb' has the wrong type; expected a table; the flat setting load_balancer "
            "moved: write it in the [services.load_balancer] table as kind",
        ),
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
    config = example_copy(tmp_path, example)
    code, out, err = run(capsys, "render", "--config", str(config), "--out", str(tmp_path))
    assert code == 0, err
    # The committed lock holds what the render gives (test_stacks compares it), so only templates are written.
    assert f"wrote {config.with_name(example.stem + '.lock.json')}" not in out
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


def test_check_prints_the_egress_path_and_exits_0(capsys) -> None:
    code, out, _ = run(capsys, "check", *DEFAULT_PAIR)
    assert code == 0
    assert "PrivateSubnet1 -> PrivateRouteTable1 -> NatGateway1 (in PublicSubnet1) -> InternetGateway" in out


def test_check_on_endpoints_network_prints_the_endpoints_path(capsys) -> None:
    code, out, _ = run(capsys, "check", str(TEMPLATES / "network-endpoints.yaml"), DEFAULT_PAIR[1])
    assert code == 0
    assert "PrivateSubnet1 -> PrivateRouteTable1 -> VPC endpoints (ecr.api, ecr.dkr, logs, s3, secretsmanager)" in out


def test_check_of_a_folder_checks_its_templates_and_lists_what_it_skipped(capsys) -> None:
    code, out, _ = run(capsys, "check", str(TEMPLATES))
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == f"skipped: {TEMPLATES / 'exports.json'}: not a CloudFormation template (no Resources mapping)"
    assert lines[-1].startswith("3 services: 3 proven private, 0 not proven; ")
    document = json.loads(run(capsys, "check", "--format", "json", str(TEMPLATES))[1])
    assert document["skipped"] == [lines[0].removeprefix("skipped: ")]
    assert "folders of them" in build_parser()._subparsers._group_actions[0].choices["check"].format_help()


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
    assert re.search(rf"{re.escape(str(service))}:\d+:\d+: Service: E9008 ", out)
    code, _, _ = run(capsys, "check", str(TEMPLATES / "network.yaml"), str(service))
    assert code == 0


def test_strict_check_fails_on_warnings(tmp_path: Path, capsys) -> None:
    unresolved = tmp_path / "service-alone.yaml"
    shutil.copy(TEMPLATES / "service-alb.yaml", unresolved)
    # Alone, the service proves nothing and fails (E9017); with its network it proves its one W9009 a warning.
    code, out, _ = run(capsys, "check", str(unresolved))
    assert code == 1 and " W9009 " in out and " E9017 " in out
    service = load_template(unresolved)
    service["Parameters"]["ExtraGroup"] = {"Type": "AWS::EC2::SecurityGroup::Id"}
    configuration = service["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    configuration["SecurityGroups"] = [{"Ref": "ExtraGroup"}]
    warned = tmp_path / "service-warned.json"
    warned.write_text(json.dumps(service))
    code, out, _ = run(capsys, "check", DEFAULT_PAIR[0], str(warned))
    assert code == 0 and " W9009 " in out and " E90" not in out
    code, _, _ = run(capsys, "check", "--strict", DEFAULT_PAIR[0], str(warned))
    assert code == 1
    code, _, _ = run(capsys, "check", "--strict", *DEFAULT_PAIR)
    assert code == 0


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


COMMANDS = ("render", "check", "diagram", "params", "rules-path")


def test_the_bare_command_prints_usage_and_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert code == 2 and out == ""
    assert err.startswith("usage: fargate-private-templates")
    assert all(command in err for command in COMMANDS)


def test_version_exits_0_with_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    code, out, _ = run(capsys, "--version")
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
    code, out, _ = run(capsys, "rules-path", "--help")
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


def test_the_docs_run_the_cli_one_way() -> None:
    """The README says once how to put the command on the path; every page then writes it plainly."""
    readme = (ROOT / "README.md").read_text()
    assert "source .venv/bin/activate" in readme
    pages = [readme, *(page.read_text() for page in (ROOT / "docs").glob("*.md"))]
    assert len(pages) > 10 and not any(".venv/bin/fargate-private-templates" in page for page in pages)
    assert sum(page.count("fargate-private-templates check") for page in pages) > 3


def test_cli_on_the_join_pair_prints_both_paths(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(JOIN / "network.yaml"), str(JOIN / "service.yaml")])
    out = capsys.readouterr().out
    assert code == 0
    assert out == (
        "".join(
            f"path: {JOIN / 'network.yaml'}:{text} [security groups FargateContainerSecurityGroup -> the internet]\n"
            for _, text in JOIN_PATHS
        )
        + "1 service: 1 proven private, 0 not proven; 2 subnets checked: 0 errors, 0 warnings\n"
    )


def test_the_checker_guide_shows_the_real_run_on_the_join_pair(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    root = JOIN.parents[3]
    monkeypatch.chdir(root)
    arguments = ["tests/fixtures/checks/join/network.yaml", "tests/fixtures/checks/join/service.yaml"]
    main(["check", *arguments])
    run = f"$ fargate-private-templates check {' '.join(arguments)}\n{capsys.readouterr().out}```"
    assert run in doc("checker.md")
    main(["check", arguments[1]])
    summary = capsys.readouterr().out.splitlines()[-1]
    assert " ".join(summary.split()) in " ".join(doc("checker.md").split())


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
    # A folder is checked template by template: one holding none is refused.
    "template-is-a-folder": Case(
        ("check", "template.yaml"),
        ("template.yaml", "a folder with no CloudFormation template"),
        _template(b"")[:0] + (("template.yaml", None),),
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
    "config-huge-integer": Case(
        ("render", "--config", "config.toml", "--out", "out"),
        ("config.toml", "an integer of more than 4300 digits"),
        _config(SERVICE + "cpu = " + "1" * 5_000 + "\n"),
    ),
    **_each_reader(
        "template-huge-integer",
        b"Resources:\n  X:\n    Type: T\n    Properties:\n      A: " + b"1" * 5_000 + b"\n",
        "an integer of more than 4300 digits",
    ),
    **_each_reader(
        "json-huge-integer",
        b'{"Resources": {"X": {"Type": "T", "Properties": {"A": ' + b"1" * 5_000 + b"}}}}",
        "an integer of more than 4300 digits",
    ),
    **{
        f"canary-percent-{name}": Case(
            ("render", "--config", "config.toml", "--out", "out"),
            ("config.toml", f"services[0].deployment.canary_percent: {shown} is not a finite number"),
            _config(
                SERVICE + f'[services.deployment]\nstrategy = "canary"\ncanary_percent = {value}\n',
            ),
        )
        for name, value, shown in (("nan", "nan", "nan"), ("inf", "inf", "inf"), ("1e309", "1e309", "inf"))
    },
    "linear-step-percent-minus-inf": Case(
        ("render", "--config", "config.toml", "--out", "out"),
        ("config.toml", "services[0].deployment.linear_step_percent: -inf is not a finite number"),
        _config(SERVICE + '[services.deployment]\nstrategy = "linear"\nlinear_step_percent = -inf\n'),
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
    code, out, err = run(capsys, *case.argv)
    elapsed = time.perf_counter() - started
    assert code == case.code, err
    assert out == "" and "Traceback" not in err
    assert len(err.splitlines()) == 1 and len(err) < 600, err[:1000]
    for mention in case.mentions:
        assert mention in err, err
    assert _snapshot(tmp_path) == before
    if name.startswith("billion-laughs"):
        assert elapsed < 1.0


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
        "integer past Python's string limit": lambda n: "huge-integer" in n,
        "nan or infinity": lambda n: n.endswith(("-nan", "-inf", "-1e309")),
    }
    assert {label for label, matches in classes.items() if not any(matches(n) for n in CASES)} == set()


BAD_CONFIGS = {
    "strategy-on-nlb": '[services.load_balancer]\nkind = "nlb"\n[services.deployment]\nstrategy = "blue_green"\n',
    "bake-time": '[services.deployment]\nstrategy = "blue_green"\nbake_time = 2000\n',
    "reservations": '[[services.sidecars]]\nname = "log"\ncpu = 300\n',
    "unreachable-sidecar": '[[services.sidecars]]\nname = "proxy"\n[services.sidecars.image]\nsource = "third_party"\n',
}

BAD_MENTIONS = {
    "strategy-on-nlb": "services[0].deployment.strategy: 'blue_green' is not supported with load_balancer.kind 'nlb'",
    "bake-time": "services[0].deployment.bake_time: 2000 is out of range; allowed 0 to 1440",
    "reservations": "services[0].sidecars: the sidecars reserve 300 CPU units",
    "unreachable-sidecar": "cannot reach its sidecar proxy: image (third-party registry)",
}


@pytest.mark.parametrize("case", BAD_CONFIGS)
def test_bad_combinations_exit_2_with_one_line(case: str, tmp_path: Path, capsys) -> None:
    config = tmp_path / f"{case}.toml"
    network = '[network]\nnat_mode = "none"\nendpoints = ["s3", "ecr.api", "ecr.dkr", "logs"]\n'
    config.write_text(f'{network}[[services]]\nname = "web"\n{BAD_CONFIGS[case]}')
    code = main(["render", "--config", str(config), "--out", str(tmp_path / "out")])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and BAD_MENTIONS[case] in err, err
    assert not (tmp_path / "out").exists()
