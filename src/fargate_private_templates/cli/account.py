"""The account commands: ``preflight`` (before a deploy, for a config or for templates with their parameters) and
``audit`` (after it). They parse and print; the account package reads."""

from __future__ import annotations

import argparse

from .common import EXIT_FINDINGS, EXIT_OK, PROG, emit, fail, path_argument, subcommand


def add_account_commands(commands: argparse._SubParsersAction) -> None:
    checks = subcommand(
        commands,
        "preflight",
        "Read the target account before a deploy: images, certificates, AZs, secrets, stacks, exports, quotas.",
        f"{PROG} preflight --config examples/shared-alb.toml --format json\n  "
        f"{PROG} preflight --template templates/service-alb.yaml --stack-name web --parameters ImageTag=v1 "
        "CertificateArn=arn:aws:acm:...",
    )
    _account_options(checks, "check only this stack", "the stacks of the deploy script for this account")
    checks.add_argument(
        "--template",
        metavar="FILE",
        type=path_argument,
        action="append",
        help="instead of --config: a template to deploy (repeat for more, in deploy order)",
    )
    checks.add_argument(
        "--stack-name", metavar="NAME", action="append", help="with --template: its stack name (one per --template)"
    )
    checks.add_argument(
        "--parameters",
        metavar="KEY=VALUE",
        nargs="+",
        action="extend",
        help="with --template: parameter values (over --parameters-file)",
    )
    checks.add_argument(
        "--parameters-file",
        metavar="FILE",
        type=path_argument,
        help='with --template: a JSON list of "Key=Value" strings, as the deploy scripts write',
    )
    checks.add_argument(
        "--print-policy",
        action="store_true",
        help="print the IAM policy of exactly the read-only actions preflight and audit call, and exit",
    )
    checks.set_defaults(handler=_preflight)

    live = subcommand(
        commands,
        "audit",
        "Read what is live for deployed stacks and run the rules of check on it, plus what no template states.",
        f"{PROG} audit --config examples/shared-alb.toml",
    )
    _account_options(live, "audit this deployed stack", "the config's stacks for this account")
    live.add_argument("--strict", action="store_true", help="fail on warnings and drift too")
    live.set_defaults(handler=_audit)


def _account_options(parser: argparse.ArgumentParser, stack: str, default: str) -> None:
    """The options preflight and audit share: the config, the stacks and the output format."""
    parser.add_argument(
        "--config", metavar="FILE", type=path_argument, help="the TOML file the stacks are rendered from"
    )
    parser.add_argument(
        "--stack", metavar="NAME", action="append", help=f"{stack} (repeat for more; default: {default})"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or JSON")


def _preflight(args: argparse.Namespace) -> int:
    # The AWS SDK is imported only by the commands that read an account: the others stay quick to start.
    from ..account import AccountError, least_privilege_policy, preflight
    from ..account.template_preflight import preflight_templates

    if args.print_policy:
        emit(least_privilege_policy())
        return EXIT_OK
    if args.template and (args.config or args.stack):
        return fail("preflight: give --config FILE (and --stack) or --template FILE, not both")
    if not args.template and (args.stack_name or args.parameters or args.parameters_file):
        return fail("preflight: --stack-name, --parameters and --parameters-file go with --template FILE")
    if not args.config and not args.template:
        return fail("preflight: give --config FILE, or --print-policy for the IAM policy it needs")
    try:
        if args.template:
            report = preflight_templates(
                args.template, args.stack_name or (), args.parameters or (), args.parameters_file
            )
        else:
            report = preflight(args.config, stacks=args.stack or ())
    except AccountError as error:
        return fail(str(error))
    emit(report.format_json() if args.format == "json" else report.format_text())
    return report.exit_code


def _audit(args: argparse.Namespace) -> int:
    from ..account import AccountError
    from ..account.audit import audit

    try:
        report = audit(args.config, args.stack or ())
    except AccountError as error:
        return fail(str(error))
    emit(report.format_json() if args.format == "json" else report.format_text())
    if args.strict and (report.check.warnings or report.drift):
        return EXIT_FINDINGS
    return report.exit_code
