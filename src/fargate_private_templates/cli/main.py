"""The command line: parses arguments, calls the library, prints. No logic of its own.

Exit codes: 0 success, 1 check findings or drift, 2 bad usage or bad input (one line, no traceback).
"""

from __future__ import annotations

import argparse
import os.path
import sys
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

from ..catalogue import render_catalogue
from ..checks import RULES, cfnlint_rules_path, check_templates
from ..config.reference import schema_json
from ..config.starters import ONE_SERVICE, SCHEMA_FILE, SHAPES, write_starter
from ..deploy import config_files
from ..diagram.flows import mermaid_for_files
from ..diagram.mermaid import embed_diagram
from ..errors import ConfigError, shorten
from ..guard import guard_rules_path
from ..render.files import OutputError, changed_files, describe, write_file_sets
from ..render.loader import TemplateLoadError, load_template
from ..render.parameters import parameter_overrides
from .account import add_account_commands
from .common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, MAX_ERROR_LENGTH, PROG
from .common import emit as _print
from .common import fail as _fail
from .common import path_argument as _path
from .common import subcommand as _subcommand


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> None:  # type: ignore[override]
        # One line and exit 2, like every other bad input.
        self.exit(EXIT_USAGE, f"{self.prog}: error: {shorten(message, MAX_ERROR_LENGTH)}\n")


class _Version(argparse.Action):
    """--version, from the installed package's metadata."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"{PROG} {version(PROG)}")
        parser.exit(EXIT_OK)


def _render(args: argparse.Namespace) -> int:
    if args.config:
        rendered = config_files(args.config, os.path.normpath(args.out or "."))
        groups = [("templates", rendered.templates), ("deploy files", rendered.deploy_files)]
        out_dir, sets, scripts = rendered.out_dir, rendered.sets, rendered.scripts
        lock_paths = [os.path.join(rendered.lock_dir, name) for name in rendered.lock]
    else:
        out_dir = os.path.normpath(args.out or "templates")
        groups = [("templates", render_catalogue())]
        sets, scripts, lock_paths = [(out_dir, groups[0][1])], (), []
    if args.check:
        stale = {os.path.join(folder, name) for folder, texts in sets for name in changed_files(folder, texts)}
        for path in sorted(stale):
            print(f"would change: {path}")
        for what, texts in groups:
            fresh = sum(os.path.join(out_dir, name) not in stale for name in texts)
            print(f"{fresh} of {len(texts)} {what} up to date in {out_dir}")
        for path in lock_paths:
            print(f"priority lock {path}: {'would change' if path in stale else 'up to date'}")
        return EXIT_FINDINGS if stale else EXIT_OK
    for path in write_file_sets(sets, scripts):
        print(f"wrote {path}")
    counts = ", ".join(f"{len(texts)} {what}" for what, texts in groups)
    print(f"{counts} in {out_dir}" + "".join(f", priority lock {path}" for path in lock_paths))
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    if args.explain is not None:
        rule = RULES.get(args.explain.upper())
        if rule is None:
            return _fail(f"check --explain: {args.explain!r} is not a rule; rules: {', '.join(RULES)}")
        _print(rule.explain())
        return EXIT_OK
    if not args.templates:
        return _fail("check: give at least one template, or --explain CODE for what a rule checks")
    report = check_templates(args.templates)
    _print(report.format_json() if args.format == "json" else report.format_text())
    if args.strict and report.warnings:
        return EXIT_FINDINGS
    return report.exit_code


def _diagram(args: argparse.Namespace) -> int:
    diagram = mermaid_for_files(args.templates, args.detail)
    if args.embed:
        changed = embed_diagram(Path(args.embed), diagram, args.block)
        print(f"{'updated' if changed else 'up to date'}: {args.embed}")
    else:
        _print(diagram)
    return EXIT_OK


def _params(args: argparse.Namespace) -> int:
    _print(parameter_overrides(load_template(args.template), args.format))
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    for path in write_starter(args.path, args.shape):
        print(f"wrote {path}")
    print(f"next: {PROG} render --config {args.path} --out build/")
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    _print(schema_json())
    return EXIT_OK


def _rules_path(args: argparse.Namespace) -> int:
    print(cfnlint_rules_path())
    return EXIT_OK


def _guard_path(args: argparse.Namespace) -> int:
    print(guard_rules_path())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="CloudFormation for ECS Fargate tasks with only private IPs.",
        epilog=f"run `{PROG} COMMAND --help` for a command's options and an example",
    )
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands", parser_class=_Parser)

    render = _subcommand(
        commands,
        "render",
        "Render the committed catalogue into templates/, or the stacks a config file describes.",
        f"{PROG} render --config examples/alb-per-az-nat.toml --out build/alb-per-az-nat",
    )
    render.add_argument("--config", metavar="FILE", type=_path, help="TOML file describing a network and its services")
    render.add_argument(
        "--out",
        metavar="DIR",
        type=_path,
        help="output folder (default: templates/, or the current folder with --config)",
    )
    render.add_argument("--check", action="store_true", help="write nothing; list files that would change, exit 1")
    render.set_defaults(handler=_render)

    check = _subcommand(
        commands,
        "check",
        "Prove tasks have only private IPs and a path to their registry, across the templates given.",
        f"{PROG} check templates/network.yaml templates/service-alb.yaml  (or a folder: {PROG} check templates/)",
    )
    check.add_argument(
        "templates",
        nargs="*",
        metavar="TEMPLATE",
        type=_path,
        help="YAML or JSON templates, or folders of them (*.yaml, *.yml, *.json, *.template), joined by exports, "
        "stack outputs and nested stacks",
    )
    check.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or JSON for other tools"
    )
    check.add_argument("--strict", action="store_true", help="fail on warnings too (what could not be proven)")
    check.add_argument(
        "--explain", metavar="CODE", help="print what rule CODE (for example E9010) checks and how to fix a finding"
    )
    check.set_defaults(handler=_check)

    diagram = _subcommand(
        commands,
        "diagram",
        "Draw the traffic and egress paths of the templates as a Mermaid flowchart.",
        f"{PROG} diagram templates/network.yaml templates/service-alb.yaml --embed README.md",
    )
    diagram.add_argument(
        "templates", nargs="+", metavar="TEMPLATE", type=_path, help="YAML or JSON templates, joined by exports"
    )
    diagram.add_argument("--format", choices=("mermaid",), default="mermaid", help="mermaid (the only format)")
    diagram.add_argument(
        "--detail",
        choices=("tiers", "subnets"),
        default="tiers",
        help="tiers (default): public and private tiers; subnets: one node per subnet and NAT gateway",
    )
    diagram.add_argument(
        "--embed",
        metavar="MARKDOWN",
        type=_path,
        help="instead of printing, replace the block between <!-- diagram:begin --> and <!-- diagram:end --> "
        "in this Markdown file",
    )
    diagram.add_argument(
        "--block",
        metavar="NAME",
        default="",
        help="with --embed: the named block between <!-- diagram:NAME:begin --> and <!-- diagram:NAME:end -->",
    )
    diagram.set_defaults(handler=_diagram)

    params = _subcommand(
        commands,
        "params",
        "Print every parameter with its default, ready for `aws cloudformation deploy --parameter-overrides`.",
        f"{PROG} params templates/service-alb.yaml --format json > service-params.json",
    )
    params.add_argument("template", metavar="TEMPLATE", type=_path, help="a YAML or JSON template")
    params.add_argument(
        "--format",
        choices=("cli", "json"),
        default="cli",
        help="cli (default): one --parameter-overrides line; json: a file for --parameter-overrides file://...",
    )
    params.set_defaults(handler=_params)

    add_account_commands(commands)

    init = _subcommand(
        commands,
        "init",
        "Write a commented starter config (and the JSON Schema editors check it with); never overwrites a file.",
        f"{PROG} init shop.toml --shape front-door",
    )
    init.add_argument("path", metavar="PATH", type=_path, help="the config file to write, for example shop.toml")
    init.add_argument(
        "--shape",
        choices=SHAPES,
        default=ONE_SERVICE,
        help=f"{ONE_SERVICE} (default): one service with its own load balancer; front-door: two services on one "
        "shared front door; no-nat: a network without NAT, reaching ECR through VPC endpoints",
    )
    init.set_defaults(handler=_init)

    schema = _subcommand(
        commands,
        "schema",
        "Print the config file's JSON Schema (the one init writes beside a config), for editors and CI.",
        f"{PROG} schema > {SCHEMA_FILE}",
    )
    schema.set_defaults(handler=_schema)

    rules = _subcommand(
        commands,
        "rules-path",
        "Print the folder of the cfn-lint custom rules, for `cfn-lint -a`.",
        # -a takes several folders, so `--` ends its list before the templates.
        f'cfn-lint -a "$({PROG} rules-path)" -- templates/*.yaml',
    )
    rules.set_defaults(handler=_rules_path)

    guard = _subcommand(
        commands,
        "guard-path",
        "Print the file of the cfn-guard rules, for `cfn-guard validate --rules` or the Guard Hook's S3 object.",
        f'cfn-guard validate --rules "$({PROG} guard-path)" --data templates/',
    )
    guard.set_defaults(handler=_guard_path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        # No subcommand: the usage and the list of commands, on stderr, and exit 2 like any usage error.
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.handler(args)
    except (ConfigError, TemplateLoadError, OutputError) as error:
        return _fail(str(error))
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        return _fail(f"{where}{describe(error)}")


def run() -> int:
    """The installed command and ``python -m fargate_private_templates``."""
    return main()
