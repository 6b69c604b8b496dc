"""The command line: parses arguments, calls the library, prints. No logic of its own."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .catalogue import changed_files, render_catalogue, write_files
from .errors import ConfigError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line and exit 2, like every other bad input.
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _render(args: argparse.Namespace) -> int:
    files = render_catalogue()
    out_dir = Path(args.out)
    if args.check:
        stale = changed_files(out_dir, files)
        for name in stale:
            print(f"would change: {out_dir / name}")
        print(f"{len(files) - len(stale)} of {len(files)} templates up to date")
        return EXIT_FINDINGS if stale else EXIT_OK
    for name in write_files(out_dir, files):
        print(f"wrote {out_dir / name}")
    print(f"{len(files)} templates in {out_dir}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fargate-private-templates",
        description="CloudFormation for ECS Fargate tasks with only private IPs.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    render = commands.add_parser(
        "render",
        help="render the template catalogue",
        description="Render the committed catalogue into templates/.",
        epilog="example: fargate-private-templates render --check",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    render.add_argument("--out", default="templates", help="output folder (default: templates)")
    render.add_argument("--check", action="store_true", help="write nothing; exit 1 if any file would change")
    render.set_defaults(handler=_render)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (ConfigError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
