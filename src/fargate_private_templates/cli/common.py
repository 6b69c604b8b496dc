"""What every command of the command line shares: the program's name, its exit codes, path arguments, printing,
the one-line error and the shape of a subcommand's help."""

from __future__ import annotations

import argparse
import sys

from ..errors import shorten

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
PROG = "fargate-private-templates"
# An error is one line: a value of any size is cut, the start kept (it names the file and the key).
MAX_ERROR_LENGTH = 400


def path_argument(text: str) -> str:
    """A path argument; an empty one is refused here, before it can mean the current folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the path is empty")
    return text


def emit(text: str) -> None:
    print(text, end="" if text.endswith("\n") else "\n")


def fail(message: str) -> int:
    print(f"{PROG}: error: {shorten(message, MAX_ERROR_LENGTH)}", file=sys.stderr)
    return EXIT_USAGE


def subcommand(commands: argparse._SubParsersAction, name: str, summary: str, example: str) -> argparse.ArgumentParser:
    return commands.add_parser(
        name,
        help=summary,
        description=summary,
        epilog=f"example:\n  {example}",
    )
