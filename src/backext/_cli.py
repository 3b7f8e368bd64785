"""The ``backext`` command line.

Every command returns an exit status instead of raising: 0 for success, 1
when the content is invalid, 2 for a usage error or an unreadable file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO


__all__ = ["build_parser", "main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``backext`` command (the docs render it)."""
    from . import __version__  # noqa: PLC0415 - keeps start-up light

    parser = argparse.ArgumentParser(
        prog="backext",
        description="Back-extension exercise routines for osteoporosis: show, validate and plan them.",
        epilog="Not medical advice: exercise with the guidance of a health-care provider.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    show = commands.add_parser(
        "show",
        help="print a routine: steps, dose, variations and safety notes",
        description="Print the exercises of a pack (the built-in one by default) as a readable routine.",
    )
    show.add_argument("--pack", metavar="FILE", help="a pack file (.json, .toml, .yaml); default: the built-in pack")
    show.add_argument("--exercise", metavar="ID", help="show only this exercise")
    show.add_argument("--locale", metavar="TAG", help="the BCP 47 locale to show texts in; default: the pack's")
    show.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="text for a terminal, markdown for a document, json for a program (default: text)",
    )
    show.set_defaults(handler=_show)

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of pack files",
        description="Print the JSON Schema (draft 2020-12) that pack files follow.",
    )
    schema.set_defaults(handler=_schema)
    return parser


class _UsageError(Exception):
    pass


def _load(path: str | None) -> object:
    from . import builtin_pack, load_pack  # noqa: PLC0415

    if path is None:
        return builtin_pack()
    if path == "-":
        raise _UsageError("--pack does not read standard input: name a file")
    return load_pack(path)


def _show(args: argparse.Namespace, out: TextIO) -> int:
    from . import Pack, converter, dump_pack  # noqa: PLC0415
    from ._render import render  # noqa: PLC0415

    pack = _load(args.pack)
    assert isinstance(pack, Pack)  # noqa: S101 - for the type checker
    if args.exercise is None:
        exercises = list(pack.exercises)
    else:
        try:
            exercises = [pack.exercise(args.exercise)]
        except KeyError as error:
            raise _UsageError(error.args[0]) from None
    if args.format == "json":
        if args.exercise is None:
            out.write(dump_pack(pack, "json"))
        else:
            out.write(json.dumps(converter.unstructure(exercises[0]), indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    out.write(render(pack, exercises, locale=args.locale, style=args.format))
    return EXIT_OK


def _schema(args: argparse.Namespace, out: TextIO) -> int:  # noqa: ARG001 - handler signature
    from . import json_schema  # noqa: PLC0415

    out.write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a usage error
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from .exceptions import PackError  # noqa: PLC0415

    try:
        status: int = args.handler(args, sys.stdout)
    except PackError as error:
        print(error, file=sys.stderr)  # noqa: T201 - the CLI's output
        unreadable = any(p.code in {"unreadable", "too-large"} for p in error.problems)
        return EXIT_USAGE if unreadable else EXIT_INVALID
    except (_UsageError, ValueError) as error:
        print(f"backext: error: {error}", file=sys.stderr)  # noqa: T201 - the CLI's output
        return EXIT_USAGE
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return EXIT_OK
    return status
