"""The ``backext`` command line.

Every command returns an exit status instead of raising: 0 for success, 1
when the content is invalid, 2 for a usage error or an unreadable file, 130
when interrupted (Ctrl-C). No input makes it print a traceback. With
``--format json`` standard output is always one JSON document, errors
included; text that the terminal's encoding cannot show is escaped.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import re
import stat
import sys
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast

import attrs

from . import _paths
from ._formats import SUFFIXES
from ._i18n import N_, NC_, CatalogMissingError, N_plural
from ._limits import DEFAULT_LIMITS, Limits, printable_path, shorten, shorten_path
from ._problems import visible


if TYPE_CHECKING:
    from pathlib import Path

    from ._messages import Message
    from ._model import Exercise, Pack
    from ._plan import Plan
    from ._problems import Problem
    from ._rules import Rules
    from ._state import State
    from ._timeline import Cue


__all__ = ["build_parser", "main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

#: The most weeks ``backext plan`` lays out: ten years.
MAX_WEEKS = 520

# Translators: how the dose changed, in the plan's last column.
_ACTION_WORDS = {
    "progress": NC_("change", "step up"),
    "repeat": NC_("change", "same dose"),
    "regress": NC_("change", "step back"),
    "stop": NC_("change", "stop"),
}

# Translators: what a cue asks for, the first column of a session's cues.
_KIND_WORDS = {
    "step": NC_("cue kind", "step"),
    "set": NC_("cue kind", "set"),
    "repetition": NC_("cue kind", "repetition"),
    "lift": NC_("cue kind", "lift"),
    "hold": NC_("cue kind", "hold"),
    "countdown": NC_("cue kind", "countdown"),
    "lower": NC_("cue kind", "lower"),
    "rest": NC_("cue kind", "rest"),
    "finish": NC_("cue kind", "finish"),
    "variation": NC_("cue kind", "variation"),
}

#: Problem codes that mean the file could not be used at all: a usage or I/O error, not bad content.
_NOT_READ = frozenset({"unreadable", "too-large", "unknown-format"})


class _UsageError(Exception):
    """A usage error; *usage* is the command's usage line, printed before the message on standard error.

    *message* is English; a :class:`~backext.Message` is said in the person's language.
    """

    def __init__(self, message: str | Message, usage: str = "") -> None:
        self.template = None if isinstance(message, str) else message
        super().__init__(message if isinstance(message, str) else message.render())
        self.usage = usage


def _refused(template: str, **values: Any) -> argparse.ArgumentTypeError:
    """The error of an option's value that its type refuses: *template* (marked with ``N_``) filled with *values*.

    argparse says it in English; the message is kept as a template on the
    error, for :func:`_type_message` to say it in the person's language.
    """
    said = _said(template, **values)
    error = argparse.ArgumentTypeError(said.render())
    error.template = said  # type: ignore[attr-defined]
    return error


def _type_message(message: str) -> Message | None:
    """*message* of argparse in the person's language, if it reports a value a type of ours refused.

    argparse catches the type's error and raises its own from it, whose
    message ends with ours: the one being handled names its cause.
    """
    current = sys.exc_info()[1]
    cause = getattr(current, "__context__", None)
    template = getattr(cause, "template", None)
    if template is None or not message.endswith(str(cause)):
        return None
    prefix = message[: len(message) - len(str(cause))]  # argparse's own "argument --time: "
    argument = re.fullmatch(_ARGUMENT, prefix, re.DOTALL)
    if argument is not None and not argument["message"]:
        return _said(N_("argument {name}: {message}"), name=argument["name"], message=template)
    return _said("{prefix}{said}", prefix=prefix, said=template)


#: argparse's own messages (Python 3.10 to 3.13), as patterns of its English, and the same in our catalogs' words.
#: Each pattern's groups are the values argparse put in, kept as they are.
_ARGPARSE: tuple[tuple[str, str], ...] = (
    (r"unrecognized arguments: (?P<arguments>.*)", N_("unrecognized arguments: {arguments}")),
    (
        r"the following arguments are required: (?P<arguments>.*)",
        N_("the following arguments are required: {arguments}"),
    ),
    (
        r"one of the arguments (?P<arguments>.*) is required",
        N_("one of the arguments {arguments} is required"),
    ),
    (
        r"ambiguous option: (?P<option>\S*) could match (?P<matches>.*)",
        N_("ambiguous option: {option} could match {matches}"),
    ),
    (
        r"invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)",
        N_("invalid choice: {value} (choose from {choices})"),
    ),
    (r"expected one argument", N_("expected one argument")),
    (r"expected at most one argument", N_("expected at most one argument")),
    (r"expected at least one argument", N_("expected at least one argument")),
    (r"not allowed with argument (?P<other>.*)", N_("not allowed with argument {other}")),
    (r"ignored explicit argument (?P<value>.*)", N_("ignored explicit argument {value}")),
)

#: argparse's prefix of an error about one option: "argument --weeks: ". (Matched with re.DOTALL, as the
#: patterns above, and compiled on first use: only an error needs them.)
_ARGUMENT = r"argument (?P<name>[^:]*): (?P<message>.*)"


def _argparse_message(message: str) -> Message | None:
    """The English *message* of argparse in our catalogs' words, if it is one of the messages argparse makes."""
    argument = re.fullmatch(_ARGUMENT, message, re.DOTALL)
    inner = message if argument is None else argument["message"]
    for pattern, template in _ARGPARSE:
        found = re.fullmatch(pattern, inner, re.DOTALL)
        if found is not None:
            said = _said(template, **found.groupdict())
            return (
                said
                if argument is None
                else _said(N_("argument {name}: {message}"), name=argument["name"], message=said)
            )
    return None


def _localized_usage(usage: str, locale: str | None) -> str:
    """The usage text of argparse with its "usage:" in *locale*'s words, the lines after it indented to match."""
    english = "usage: "
    if not usage.startswith(english):
        return usage
    from ._i18n import gettext  # noqa: PLC0415 - only on the error path
    from ._width import display_width  # noqa: PLC0415

    prefix = gettext(N_("usage: "), locale)
    shift = display_width(prefix) - len(english)
    first, *rest = usage[len(english) :].split("\n")
    indented = [first]
    for line in rest:
        spaces = len(line) - len(line.lstrip(" "))
        indented.append(" " * max(spaces + shift, 0) + line[spaces:] if line else line)
    return prefix + "\n".join(indented)


class _Parser(argparse.ArgumentParser):
    """An argument parser that raises on a usage error, so that the error can be reported as JSON too."""

    _building = False

    def error(self, message: str) -> NoReturn:
        said = _type_message(message) or _argparse_message(message)
        raise _UsageError(f"{self.prog}: error: {message}" if said is None else said, self.format_usage())

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        self._building = True
        try:
            return super().add_argument(*args, **kwargs)
        finally:
            self._building = False

    def add_subparsers(self, **kwargs: Any) -> Any:
        self._building = True
        try:
            return super().add_subparsers(**kwargs)
        finally:
            self._building = False

    def _get_formatter(self) -> argparse.HelpFormatter:
        if self._building:
            # While the parser is built, argparse formats only to check a metavar and to name the commands'
            # parsers ("backext show"): no need for the terminal's width, which imports shutil (and with it the
            # compression modules).
            return self.formatter_class(prog=self.prog, width=80)  # type: ignore[call-arg]
        return super()._get_formatter()


class _Unused:
    """Stands in for the parser of a command that is not being run: whatever is added to it is dropped."""

    def __getattr__(self, _name: str) -> Any:
        return lambda *_args, **_kwargs: self


class _Commands(argparse._SubParsersAction):  # type: ignore[type-arg]  # noqa: SLF001 - registered as "parsers"
    """The commands; with :attr:`only` set, the parser of that command alone is built.

    Each parser argparse builds costs a few translation look-ups and help formatters, about half a
    millisecond; a run needs one. The parser of every command is built for ``--help`` and the docs.
    """

    only: str | None = None

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        if self.only is not None and name != self.only:
            return _Unused()
        return super().add_parser(name, **kwargs)


#: Control characters other than line feed and tab: escape sequences a terminal would act on.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escape_control(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


class _Output:
    """A text stream that never fails on a character its encoding cannot hold: it escapes it instead."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        text = _CONTROL.sub(_escape_control, text)  # a pack's text never drives the terminal
        try:
            self.stream.write(text)
        except UnicodeEncodeError:
            encoding = getattr(self.stream, "encoding", None) or "utf-8"
            self.stream.write(text.encode(encoding, "backslashreplace").decode(encoding))

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def json_text(self, text: str) -> None:
        """Write the JSON *text*, written again with every non-ASCII character escaped if the stream cannot hold it."""
        try:
            self.stream.write(text)
        except UnicodeEncodeError:
            self.stream.write(json.dumps(json.loads(text), indent=2, ensure_ascii=True) + "\n")

    def json(self, document: object) -> None:
        """Write *document* as JSON, escaping every non-ASCII character if the stream cannot hold it."""
        try:
            self.stream.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        except UnicodeEncodeError:
            self.stream.write(json.dumps(document, indent=2, ensure_ascii=True) + "\n")


class _VersionAction(argparse.Action):
    """``--version``, reading the version only when asked (importlib.metadata is slow to import)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **_kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kwargs: object) -> None:
        import backext  # noqa: PLC0415

        print(f"{parser.prog} {backext.__version__}")  # noqa: T201 - the CLI's output
        parser.exit()


def _limit(text: str) -> tuple[str, int]:
    name, _, value = text.partition("=")
    name = name.strip().replace("-", "_")
    if not name.startswith("max_"):
        name = f"max_{name}"
    if name not in _LIMIT_NAMES:
        raise _refused(
            N_("unknown limit {text}: expected NAME=N with NAME one of {names}"),
            text=shorten(text),
            names=", ".join(_LIMIT_NAMES),
        )
    try:
        number = int(value)
    except ValueError:
        raise _refused(N_("not a whole number: {text}"), text=shorten(text)) from None
    if number < 1:
        raise _refused(N_("a limit must be at least 1: {text}"), text=shorten(text))
    return name, number


_LIMIT_NAMES = tuple(field.name for field in attrs.fields(Limits))


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise _refused(N_("not a whole number: {text}"), text=shorten(text)) from None
    if number < 1:
        raise _refused(N_("must be at least 1: {text}"), text=shorten(text))
    return number


def _limit_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--limit",
        metavar="NAME=N",
        type=_limit,
        action="append",
        default=[],
        help="raise or lower a limit on the pack, such as exercises=50000 or string_length=1000 (the names are"
        " those of backext.Limits; repeat for several)",
    )


def _limits(args: argparse.Namespace) -> Limits:
    chosen: dict[str, int] = {}
    for name, number in args.limit:
        if chosen.get(name, number) != number:  # two values for one limit: neither silently wins
            raise _UsageError(
                _said(
                    N_("--limit {name}={first} and --limit {name}={second} disagree: give one of them"),
                    name=name,
                    first=chosen[name],
                    second=number,
                )
            )
        chosen[name] = number
    given = getattr(args, "max_bytes", None)
    if given is not None:
        if chosen.get("max_bytes", given) != given:  # two sizes for one limit: neither silently wins
            raise _UsageError(
                _said(
                    N_("--max-bytes {size} and --limit max_bytes={other} disagree: give one of them"),
                    size=given,
                    other=chosen["max_bytes"],
                )
            )
        chosen["max_bytes"] = given
    return attrs.evolve(DEFAULT_LIMITS, **chosen) if chosen else DEFAULT_LIMITS


def _pack_options(
    parser: argparse.ArgumentParser, *, exercise_help: str, locale: bool, exercise_required: bool = False
) -> None:
    """Add the options that choose a pack, an exercise and (optionally) a locale."""
    parser.add_argument("--pack", metavar="FILE", help="a pack file (.json, .toml, .yaml); default: the built-in pack")
    _limit_option(parser)
    parser.add_argument("--exercise", metavar="ID", required=exercise_required, help=exercise_help)
    if locale:
        parser.add_argument(
            "--locale",
            metavar="TAG",
            help="the language to show texts in, a BCP 47 tag such as de or de-AT (de_DE is accepted); default: the"
            " environment's (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else the pack's default locale",
        )


def _day_option(parser: argparse.ArgumentParser, day: str) -> None:
    """Add ``--date``: with ``--state``, *day* (what the day is), at the dose the engine allows on it."""
    parser.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        type=_date,
        help=f"with --state, {day}: the dose is the one the engine allows that day (a long break steps it back, a"
        " variation whose clearance is not in force is not in use); default: today",
    )


def _rules_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        metavar="FILE",
        help="the engine's rules the app uses, as JSON (backext.load_rules reads it): an object of Rules settings"
        ' by name, such as {"tolerated_pain": 1}; a setting left out keeps its default (default: the defaults)',
    )


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Build the argument parser of the ``backext`` command (the docs render it); *only*: of that command alone."""
    parser = _Parser(
        prog="backext",
        description="Back-extension exercise routines for osteoporosis: show, validate and plan them.",
        epilog="Not medical advice: ask your doctor or physiotherapist before you start.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.register("action", "parsers", _Commands)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    if isinstance(commands, _Commands):  # always: registered above
        commands.only = only

    show = commands.add_parser(
        "show",
        help="print a routine: steps, dose, variations and safety notes",
        description="Print the exercises of a pack (the built-in one by default) as a readable routine.",
    )
    _pack_options(show, exercise_help="show only this exercise", locale=True)
    show.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="text for a terminal, markdown for a document, json for a program: the pack's own data, with every"
        " translation it holds (--locale chooses the language of text and markdown) (default: text)",
    )
    show.set_defaults(handler=_show)

    validate = commands.add_parser(
        "validate",
        help="check pack files and report every problem",
        description=(
            "Check pack files (.json, .toml, .yaml, .yml) and report every problem, each with a JSON Pointer"
            " to the value at fault. Exit status: 0 when there are no errors (warnings are allowed unless"
            " --strict), 1 when there are errors, 2 for a usage error or a file that cannot be read."
        ),
    )
    validate.add_argument("paths", nargs="+", metavar="PATH", help="pack files; - reads standard input")
    validate.add_argument(
        "--format",
        choices=("text", "json", "sarif", "github"),
        default="text",
        help="text (FILE:LINE:COLUMN: severity code: message) for people and editors, json for programs, sarif"
        " (SARIF 2.1.0) for code-scanning tools, github for annotations in GitHub Actions (default: text)",
    )
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    validate.add_argument(
        "--input-format",
        choices=("json", "toml", "yaml"),
        help="the format of every file and of standard input (default: told from each file's suffix, and from the"
        " content of standard input)",
    )
    validate.add_argument("--max-bytes", metavar="N", type=_positive_int, help="refuse larger files (default: 16 MiB)")
    validate.add_argument(
        "--locale",
        metavar="TAG",
        help="the language of the problems' messages, a BCP 47 tag such as de or de-AT; default: the environment's"
        " (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else English. Codes, pointers and positions never change",
    )
    _limit_option(validate)
    validate.set_defaults(handler=_validate)

    plan = commands.add_parser(
        "plan",
        help="print the calendar of doses if every session goes well",
        description=(
            "Print the best-case plan: the dose on each training day if every session is done in full without"
            " pain, and the day each level is reached. Real sessions decide the real doses. --format ics writes it"
            " as an iCalendar file for a calendar app (needs backext[calendar]). Exit status: 0 on success, 1 for a"
            " stopped or invalid state or a --previous file that is not a calendar, 2 for a usage error, a file that"
            " cannot be read, or a missing extra."
        ),
    )
    _pack_options(plan, exercise_help="the exercise to start on; default: the pack's first", locale=True)
    plan.add_argument(
        "--state",
        metavar="FILE",
        help="plan from a stored state (JSON, as backext.converter writes it) instead of --exercise's start",
    )
    _rules_option(plan)
    plan.add_argument(
        "--days-per-week", metavar="N", type=_days_per_week, default=3, help="training days a week, 1 to 7 (default: 3)"
    )
    plan.add_argument(
        "--weeks", metavar="N", type=_weeks, default=12, help=f"weeks to plan, 1 to {MAX_WEEKS} (default: 12)"
    )
    plan.add_argument("--start-date", metavar="YYYY-MM-DD", type=_date, help="the first training day; default: today")
    plan.add_argument(
        "--format",
        choices=("text", "json", "ics"),
        default="text",
        help="text table, json, or ics: an iCalendar file with one event per session (needs backext[calendar])"
        " (default: text)",
    )
    calendar = plan.add_argument_group("calendar options (with --format ics)")
    calendar.add_argument(
        "--time",
        metavar="HH:MM",
        type=_time,
        help="the time of day of the sessions (needs --timezone); default: all day",
    )
    calendar.add_argument(
        "--timezone", metavar="ZONE", help="the IANA time zone of --time, such as Europe/Berlin, or UTC"
    )
    calendar.add_argument(
        "--duration",
        metavar="MINUTES",
        type=_positive_int,
        help="how long a timed session lasts, with --time (default: 15)",
    )
    calendar.add_argument(
        "--reminder",
        metavar="WHEN",
        type=_reminder,
        help="an alarm: a time before the session (30m, 2h, 1d) or a time of day on its day (HH:MM; for an all-day"
        " session, counted from midnight, so an hour off on a day the clocks change: give --time for an exact one)",
    )
    calendar.add_argument(
        "--series",
        metavar="ID",
        help="a stable id of this person's programme, so that two people's calendars never share an event"
        " (default: the pack's id)",
    )
    calendar.add_argument(
        "--previous",
        metavar="FILE",
        help="the calendar written last time: unchanged events are kept as they were, changed ones revised, and"
        " sessions no longer planned cancelled",
    )
    calendar.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the calendar to FILE (replacing it) instead of standard output ('-' is standard output too)",
    )
    plan.set_defaults(handler=_plan)

    handout = commands.add_parser(
        "handout",
        help="write a printable handout of one exercise as an HTML page",
        description=(
            "Write one self-contained HTML page to print for a person: the exercise and its dose (the person's"
            " current one with --state, else the starting dose), the steps with pictures, the variations, the"
            " safety notes, when to stop and call a clinician, what to avoid, the sources, and a week to tick off."
            " Pictures named by the pack's media fields are embedded from the pack file's folder; each one left"
            " out is named on standard error."
        ),
    )
    handout.add_argument("--pack", metavar="FILE", help="a pack file (.json, .toml, .yaml); default: the built-in pack")
    _limit_option(handout)
    chosen = handout.add_mutually_exclusive_group()
    chosen.add_argument(
        "--exercise", metavar="ID", help="the exercise, at its starting dose; default: the pack's first"
    )
    chosen.add_argument("--state", metavar="FILE", help="a stored state (JSON): the person's current exercise and dose")
    _day_option(handout, "the day the page is for")
    _rules_option(handout)
    handout.add_argument(
        "--locale",
        metavar="TAG",
        help="the language to write in, a BCP 47 tag such as de or de-AT (de_DE is accepted); default: the"
        " environment's (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else the pack's default locale",
    )
    handout.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the page to FILE, which must not exist yet ('-' or none: standard output)",
    )
    handout.set_defaults(handler=_handout)

    session = commands.add_parser(
        "session",
        help="print the timed cues of one session, for voice coaching",
        description=(
            "Print the timed cue sequence of one session: of an exercise at its starting dose, or of a person's"
            " session with --state, at the dose the engine allows on the day given with --date."
        ),
    )
    _pack_options(session, exercise_help="the exercise, at its starting dose (or give --state)", locale=True)
    session.add_argument(
        "--state", metavar="FILE", help="a stored state (JSON): the person's current exercise and dose"
    )
    _day_option(session, "the day of the session")
    _rules_option(session)
    session.add_argument("--format", choices=("text", "json"), default="text", help="text or json (default: text)")
    session.set_defaults(handler=_session)

    new = commands.add_parser(
        "new",
        help="write a pack to start from",
        description=(
            "Write a new pack file to start from: the built-in pack's exercises under an id made from the file's"
            " name, each text given under every --locale too (the built-in German, French or Spanish for de, fr"
            " and es and their regional tags such as de-AT; else the English, ready to translate), and the schema"
            " named for editors; and the pictures its steps name, at the same paths next to it (in media/). An"
            " existing file is never overwritten (a picture already there with the same content is kept)."
        ),
    )
    new.add_argument("path", metavar="PATH", help="the file to write, named .yaml, .yml, .toml or .json")
    new.add_argument(
        "--format",
        choices=("yaml", "toml", "json"),
        help="the file's format: the one its suffix tells (given, it must agree)",
    )
    new.add_argument(
        "--locale",
        metavar="TAG",
        type=_tags,
        action="extend",
        default=[],
        help="a BCP 47 tag of a language to translate the pack into, besides English (repeat, or separate tags"
        " with commas: de,fr)",
    )
    new.set_defaults(handler=_new)

    convert = commands.add_parser(
        "convert",
        help="write a pack in another format",
        description=(
            "Write the pack in IN in the format of OUT (told from the suffixes), whether it is valid or not, as long as"
            " it can be parsed; say on standard error what cannot be kept, such as comments. An existing OUT is never"
            " overwritten."
        ),
    )
    convert.add_argument("input", metavar="IN", help="the pack to read (.json, .toml, .yaml or .yml)")
    convert.add_argument("output", metavar="OUT", help="the file to write (.json, .toml, .yaml or .yml)")
    convert.add_argument("--max-bytes", metavar="N", type=_positive_int, help="refuse larger files (default: 16 MiB)")
    _limit_option(convert)
    convert.set_defaults(handler=_convert)

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of pack files",
        description="Print the JSON Schema (draft 2020-12) that pack files follow, or write it to a file.",
    )
    schema.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the schema to FILE instead of standard output ('-' is standard output too)",
    )
    schema.set_defaults(handler=_schema)
    _fhir_parser(commands)
    return parser


def _weeks(text: str) -> int:
    number = _positive_int(text)
    if number > MAX_WEEKS:
        raise _refused(N_("at most {weeks} weeks (ten years): {text}"), weeks=str(MAX_WEEKS), text=shorten(text))
    return number


def _days_per_week(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 7:
        raise _refused(N_("training days a week are 1 to 7: {text}"), text=shorten(text))
    return int(text)


def _date(text: str) -> datetime.date:
    try:
        # Python 3.11 reads 20260105 too: the help says YYYY-MM-DD, and so does every other version.
        return datetime.date.fromisoformat(text if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else "")
    except ValueError:
        raise _refused(N_("not a date written YYYY-MM-DD: {text}"), text=shorten(text)) from None


def _time(text: str) -> datetime.time:
    if not re.fullmatch(r"[0-9]{1,2}:[0-9]{2}", text):
        raise _refused(N_("not a time written HH:MM: {text}"), text=shorten(text))
    hour, minute = (int(part) for part in text.split(":"))
    if hour > 23 or minute > 59:
        raise _refused(N_("not a time of day (00:00 to 23:59): {text}"), text=shorten(text))
    return datetime.time(hour, minute)


_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def _reminder(text: str) -> datetime.timedelta | datetime.time:
    if ":" in text:
        return _time(text)
    match = re.fullmatch(r"([0-9]{1,4})([mhd])", text.strip().lower())
    if match is None:
        raise _refused(
            N_("not a reminder: write a time before the session (30m, 2h, 1d) or a time of day (HH:MM): {text}"),
            text=shorten(text),
        )
    return datetime.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _exercise(pack: Pack, exercise_id: str) -> Exercise:
    from ._reconcile import exercise_of  # noqa: PLC0415
    from .exceptions import UnknownIdError  # noqa: PLC0415

    try:
        return exercise_of(pack, exercise_id)
    except UnknownIdError as error:
        raise _UsageError(error.template or str(error)) from None


def _locale(args: argparse.Namespace, pack: Pack) -> str:
    """The locale to speak in: ``--locale``, the environment's, the pack's default (see ``_locales``).

    Where the pack has no text in the language chosen (the library's words
    are in it, the pack's fall back to its default, in another language), a
    note on standard error says so, once, in the language chosen. A pack
    whose default locale is of the language chosen (``de-AT`` for ``de``)
    shows its texts in that language: no note.
    """
    from ._locales import choose_locale, pack_speaks  # noqa: PLC0415

    chosen = choose_locale(args.locale, os.environ, pack)
    if not getattr(args, "noted_language", False) and not pack_speaks(pack, chosen):
        args.noted_language = True
        _note_fallback(chosen, pack)
    return chosen


def _note_fallback(chosen: str, pack: Pack, template: str | None = None) -> None:
    """Say on standard error, in *chosen*'s words, that the pack has no texts in *chosen*."""
    from ._i18n import gettext  # noqa: PLC0415

    note = gettext(
        template
        or N_("backext: note: the pack has no texts in {locale}: they are shown in its default language, {default}"),
        chosen,
        pack.default_locale,
    )
    # Quoted, as tags are everywhere else: bare, "en" and "de" read as words in French and Spanish sentences.
    _Output(sys.stderr).write(note.format(locale=repr(chosen), default=repr(pack.default_locale)) + "\n")


def _plan(args: argparse.Namespace, out: _Output) -> int:
    from . import converter, plan, start  # noqa: PLC0415
    from ._i18n import gettext, ngettext, pgettext  # noqa: PLC0415
    from ._plan import BEST_CASE  # noqa: PLC0415
    from ._render import level_name, localized_date, localized_number, one_line  # noqa: PLC0415

    start_date = args.start_date if args.start_date is not None else datetime.date.today()  # noqa: DTZ011 - a local day
    pack = _load(args)  # first: the errors below are said in the language the output would speak
    if args.format != "ics":
        given = [f"--{name.replace('_', '-')}" for name in _CALENDAR_ONLY if getattr(args, name) is not None]
        if given:
            raise _UsageError(_said(N_("{options}: only with --format ics"), options=", ".join(given)))
    elif args.duration is not None and args.time is None:
        raise _UsageError(_said(N_("--duration: only with --time (a session without a time of day lasts all day)")))
    rules = _rules(args)
    if args.state is not None:
        if args.exercise is not None:
            raise _UsageError(_said(N_("--state and --exercise: choose one (the state says its exercise)")))
        from . import load_state  # noqa: PLC0415
        from .exceptions import StateError  # noqa: PLC0415

        try:
            state = load_state(_read_state_file(args.state), pack, rules=rules, name=args.state)
        except StateError as error:
            said = error.render(_speaking(args))
            return _fail(
                out,
                _Output(sys.stderr),
                said,
                EXIT_INVALID,
                as_json=args.format == "json",
                problems=_in_locale(("", list(error.problems)), _speaking(args) or "en")[1],
            )
    else:
        exercise = pack.exercises[0] if args.exercise is None else _exercise(pack, args.exercise)
        state = start(pack, exercise.id)
    tags = (_locale(args, pack), pack.default_locale)
    if state.stop is not None:
        stopped = gettext(
            "backext: the engine is stopped since {date}: no sessions are planned until a clinician's clearance"
            " is recorded",
            *tags,
        )
        message = stopped.format(date=localized_date(state.stop.date, *tags))
        if args.format == "ics" and args.previous is not None:
            # Sessions from the day after the last one done (or from the stop, if later) are cancelled.
            since = max(state.stop.date, _day_after_last(args, state) or state.stop.date)
            status = _plan_ics(args, pack, None, tags[0], since=since)
            if status != EXIT_OK:
                return status
            cancelled = gettext("; the sessions from {date} on in {file} are cancelled", *tags)
            message += cancelled.format(date=localized_date(since, *tags), file=args.previous)
        # With --format json, standard output still holds one JSON document: the error.
        return _fail(out, _Output(sys.stderr), message, EXIT_INVALID, as_json=args.format == "json")
    resume = state.resume_on
    cancel_from = None
    before_last = state.last_session is not None and start_date < state.last_session  # refused by plan() below
    if resume is not None and start_date < resume and not before_last:
        # Cleared to resume on a later day: the plan starts then (not a usage error: the state says when).
        resumes = gettext(
            "backext: the clinician's clearance lets sessions resume on {date}: the plan starts then", *tags
        )
        _Output(sys.stderr).write(resumes.format(date=localized_date(resume, *tags)) + "\n")
        start_date = resume
    after_last = _day_after_last(args, state)
    if resume is not None and (state.last_session is None or state.last_session < resume):
        # Nothing done since the stop: the calendar's sessions until the plan starts are cancelled too.
        cancel_from = datetime.date.min if after_last is None else after_last
    elif args.state is not None and after_last is not None:
        # Planned again from a later day: the sessions the calendar holds after the last one done and before the new
        # plan were not done, and their doses were planned under what the state and the pack were then.
        cancel_from = after_last
    from .exceptions import SessionError  # noqa: PLC0415

    try:
        result = plan(
            pack, state, start_date=start_date, days_per_week=args.days_per_week, weeks=args.weeks, rules=rules
        )
    except SessionError as error:  # the state's own days and the days asked for do not fit: named with the file
        if args.state is None:
            raise
        raise _UsageError(_said(N_("{file}: {reason}"), file=args.state, reason=error.template or str(error))) from None
    if args.format == "ics":
        return _plan_ics(args, pack, result, tags[0], cancel_from=cancel_from, rules=rules)
    if args.format == "json":
        document = {
            "sessions": converter.unstructure(result.sessions),
            "milestones": converter.unstructure(result.milestones),
        }
        out.json(document)
        return EXIT_OK
    headings = (
        NC_("plan", "Date"),
        NC_("plan", "Exercise"),
        NC_("plan", "Level"),
        NC_("plan", "Hold"),
        # Translators: a column heading: repetitions a set.
        NC_("plan", "Reps"),
        NC_("plan", "Sets"),
        # Translators: a column heading: how the dose changed from the session before (start, progress, repeat).
        NC_("plan", "Change"),
    )
    rows = [tuple(pgettext("plan", heading, *tags) for heading in headings)]
    notes: list[tuple[datetime.date, str]] = []  # the lines under the table, by day
    before = None
    for planned in result.sessions:
        p = planned.prescription
        change = NC_("change", "start") if planned is result.sessions[0] else _ACTION_WORDS[planned.action.value]
        exercise = pack.exercise(p.exercise_id)
        name = one_line(pack.localize(exercise.name, tags[0]))
        variations = _variation_names(pack, exercise, p.modifications, tags[0])
        if variations:
            # Translators: the plan's exercise column: the exercise, then the variations in use that day.
            name = gettext("{exercise} ({variations})", *tags).format(
                exercise=name, variations=gettext("; ", *tags).join(variations)
            )
        if before is not None and before.exercise_id == p.exercise_id:
            ended = _variation_names(
                pack, exercise, tuple(m for m in before.modifications if m not in p.modifications), tags[0]
            )
            if ended:
                # A clearance ran out: the variation is no longer done from that day, as the calendar says.
                no_longer = ngettext(
                    "No longer in use: the variation {names}.",
                    "No longer in use: the variations {names}.",
                    len(ended),
                    *tags,
                ).format(names=gettext("; ", *tags).join(ended))
                notes.append((planned.date, no_longer))
        before = p
        rows.append(
            (
                localized_date(planned.date, *tags),
                name,
                level_name(p.level, *tags),
                gettext("{seconds} s", *tags).format(seconds=localized_number(p.hold_seconds, *tags)),
                str(p.repetitions),
                str(p.sets),
                pgettext("change", change, *tags),
            )
        )
    out.writelines(_table(rows))
    out.write("\n")
    for milestone in result.milestones:
        name = one_line(pack.localize(pack.exercise(milestone.exercise_id).name, tags[0]))
        level = level_name(milestone.level, *tags)
        # Not inside an f-string: Babel extracts calls from f-strings on Python 3.12 and later only (PEP 701), and
        # the catalogs must come out the same on every Python the project supports.
        notes.append((milestone.date, gettext("{name} ({level})", *tags).format(name=name, level=level)))
    for day, note in sorted(notes, key=lambda dated: dated[0]):  # stable: a new exercise before a variation's end
        # Translators: a line under the plan: the first day on an exercise, then the exercise and its level (or,
        # the same way, the day a variation is no longer in use).
        line = gettext("{date}: {milestone}", *tags).format(date=localized_date(day, *tags), milestone=note)
        out.write(f"{line}\n")
    out.write(f"{gettext(BEST_CASE, *tags)}\n")
    return EXIT_OK


def _variation_names(pack: Pack, exercise: Exercise, ids: Iterable[str], locale: str | None) -> list[str]:
    """The names of the variations *ids* of *exercise*, in the pack's order, in *locale*'s language."""
    wanted = set(ids)
    from ._render import one_line  # noqa: PLC0415

    return [one_line(pack.localize(m.name, locale)) for m in exercise.modifications if m.id in wanted]


def _day_after_last(args: argparse.Namespace, state: State) -> datetime.date | None:
    """The day after *state*'s last session (``None`` if none); a usage error naming ``--state`` if none follows."""
    from ._plan import day_after_last_session  # noqa: PLC0415
    from .exceptions import SessionError  # noqa: PLC0415

    try:
        return day_after_last_session(state)
    except SessionError as error:
        raise _UsageError(_said(N_("{file}: {reason}"), file=args.state, reason=error.template or str(error))) from None


def _table(rows: Sequence[Sequence[str]]) -> Iterator[str]:
    """The lines of a table of *rows*, each column as wide on a terminal as its widest cell, two spaces apart."""
    from ._width import display_width, pad  # noqa: PLC0415

    widths = [max(display_width(cell) for cell in column) for column in zip(*rows, strict=True)]
    for row in rows:
        yield "  ".join(pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n"


#: The options of ``backext plan`` that only a calendar uses.
_CALENDAR_ONLY = ("time", "timezone", "duration", "reminder", "series", "previous", "output")

#: How long a timed session lasts when ``--duration`` is not given, in minutes (our choice).
_DEFAULT_DURATION = 15


def _plan_ics(  # noqa: PLR0917 - the plan, or what to cancel
    args: argparse.Namespace,
    pack: Pack,
    result: Plan | None,
    locale: str,
    since: datetime.date | None = None,
    cancel_from: datetime.date | None = None,
    rules: Rules | None = None,
) -> int:
    """Write *result* as a calendar or, without one (a stopped state), the previous calendar cancelled from *since*."""
    try:
        from ._calendar import UnreadableCalendarError, _cancel_sessions, _plan_calendar  # noqa: PLC0415

        previous = None if args.previous is None else _read_file(args.previous, N_("the previous calendar"))
        if result is None:
            assert previous is not None  # noqa: S101 - the caller's condition
            assert since is not None  # noqa: S101 - the caller's condition
            document, foreign = _cancel_sessions(
                pack, previous, since=since, locale=locale, now=None, series=args.series
            )
        else:
            document, foreign = _plan_calendar(
                pack,
                result,
                locale=locale,
                time=args.time,
                timezone=args.timezone,
                duration=datetime.timedelta(minutes=_DEFAULT_DURATION if args.duration is None else args.duration),
                reminder=args.reminder,
                series=args.series,
                previous=previous,
                now=None,
                cancel_from=cancel_from,
                rules=rules or _rules(args),
            )
    except ImportError as error:
        raise _UsageError(str(error)) from None
    except UnreadableCalendarError as error:
        said = _said(N_("{file}: {reason}"), file=args.previous, reason=error.template)
        _Output(sys.stderr).write(f"{said.render(locale)}\n")
        return EXIT_INVALID
    if foreign:
        from ._i18n import ngettext  # noqa: PLC0415

        left_out = ngettext(
            "backext: {file}: {count} event is not a session of this series (--series): left out, untouched",
            "backext: {file}: {count} events are not sessions of this series (--series): left out, untouched",
            foreign,
            locale,
            pack.default_locale,
        )
        _Output(sys.stderr).write(left_out.format(file=args.previous, count=foreign) + "\n")
    if args.output is None or args.output == "-":  # "-": standard output, as for backext schema
        sys.stdout.flush()
        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:  # a text-only stream, such as a test's
            sys.stdout.write(document.decode())
        else:
            binary.write(document)  # bytes: CRLF line ends, as RFC 5545 wants, on every platform
        return EXIT_OK
    _replace_file(args.output, document, _plan_inputs(args))
    return EXIT_OK


def _plan_inputs(args: argparse.Namespace) -> dict[str, str | None]:
    """The files ``backext plan`` reads that ``-o`` may not replace: every input but ``--previous``.

    ``--previous`` is the calendar the new one revises: replacing it is what ``-o`` is for.
    """
    return {"--state": args.state, "--pack": args.pack, "--rules": args.rules}


def _replace_file(path: str, document: bytes, inputs: dict[str, str | None]) -> None:
    """Write *document* to *path* whole or not at all, replacing a regular file that is none of *inputs*.

    The document is written to a new file beside *path* (made with ``O_EXCL``: never through a link planted
    there) and renamed over it. A device, a pipe, a folder or a symbolic link at *path* is refused, as is a file
    the command reads (an option of *inputs*): renaming over them would replace them, not write to them.
    """
    import secrets  # noqa: PLC0415 - only to write a calendar
    from pathlib import Path  # noqa: PLC0415 - slow to import: only where a file is written or read here

    target = Path(path)
    try:
        found = target.lstat()
    except FileNotFoundError:
        found = None
    except OSError as error:
        raise _UsageError(_cannot_write(path, error.strerror or str(error))) from None
    if found is not None:
        if stat.S_ISLNK(found.st_mode):
            raise _UsageError(_cannot_write(path, _said(N_("it is a symbolic link: name the file it points to"))))
        if not stat.S_ISREG(found.st_mode):
            raise _UsageError(_cannot_write(path, _said(N_("it is not a regular file"))))
        for option, given in inputs.items():
            with contextlib.suppress(OSError):
                if given is not None and given != "-" and target.samefile(given):
                    reason = _said(N_("it is the file given to {option}: write the calendar elsewhere"), option=option)
                    raise _UsageError(_cannot_write(path, reason))
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(document)
            if found is not None:
                partial.chmod(stat.S_IMODE(found.st_mode))  # a replaced file keeps its mode: private stays so
            partial.replace(target)  # whole or not at all: --previous may name the same file
        except BaseException:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise
    except OSError as error:
        raise _UsageError(_cannot_write(path, error.strerror or str(error))) from None


def _sniff(text: str) -> str:
    """Guess the format of a pack read from standard input."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        return "json"
    for raw in stripped.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        return "toml" if "=" in line.split(":", 1)[0] or line.startswith("[") else "yaml"
    return "json"


def _read_stdin(max_bytes: int) -> bytes:
    """Standard input, up to one byte more than *max_bytes*, read a piece at a time (reserving no more)."""
    if sys.stdin is None:  # started with standard input closed
        raise _UsageError(_said(N_("standard input is closed: there is nothing to read")))
    chunks: list[bytes] = []
    total = 0
    while total <= max_bytes:
        chunk = sys.stdin.buffer.read(min(1 << 20, max_bytes + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _in_locale(result: tuple[str, list[Problem]], locale: str) -> tuple[str, list[Problem]]:
    """*result*'s problems with their messages in *locale*; codes, pointers and positions stay."""
    name, problems = result
    if not problems or locale == "en":
        return result
    return name, [attrs.evolve(p, message=p.render(locale)) for p in problems]


def _validate_one(path: str, args: argparse.Namespace, limits: Limits) -> tuple[str, list[Problem]]:
    from . import validate_pack  # noqa: PLC0415
    from ._i18n import N_  # noqa: PLC0415
    from ._problems import problem  # noqa: PLC0415

    if path == "-":
        data = _read_stdin(limits.max_bytes)
        fmt = args.input_format or _sniff(data[:65536].decode("utf-8", "replace"))
        problems = validate_pack(data, format=fmt, limits=limits)
        if args.input_format is None and fmt == "json" and any(p.code == "syntax-error" for p in problems):
            # JSON by its first character, but not JSON: YAML's flow style ({id: x}) starts so too.
            as_yaml = validate_pack(data, format="yaml", limits=limits)
            if not any(p.code in {"syntax-error", "yaml-unavailable"} for p in as_yaml):
                return "<stdin>", as_yaml
        return "<stdin>", problems
    unknown = _paths.suffix(path).lower() not in SUFFIXES
    if args.input_format is None and unknown and os.path.isfile(_paths.normalized(path)):  # noqa: PTH113
        suffix = _paths.suffix(path)
        message = N_(
            "cannot tell the format from the suffix {suffix}: name the file .json, .toml, .yaml or .yml,"
            " or pass --input-format"
        )
        return path, [problem("", "unknown-format", message, {"suffix": repr(suffix)})]
    return path, validate_pack(_paths.File(path), format=args.input_format, limits=limits)


def _validate(args: argparse.Namespace, out: _Output) -> int:
    from ._i18n import available_languages  # noqa: PLC0415
    from ._locales import choose_among  # noqa: PLC0415

    # The files checked may not load: the library's languages are those offered, and English is the default.
    locale = choose_among(args.locale, os.environ, set(available_languages()), "en")
    if args.paths.count("-") > 1:
        raise _UsageError(_said(N_("standard input (-) can be read once: give it once")))
    limits = _limits(args)
    results = [_in_locale(_validate_one(path, args, limits), locale) for path in args.paths]
    if args.format != "sarif":  # every report is UTF-8 text; SARIF's URIs percent-encode a name's bytes
        results = [(printable_path(name), problems) for name, problems in results]
    errors = sum(p.severity == "error" for _, problems in results for p in problems)
    warnings = sum(p.severity == "warning" for _, problems in results for p in problems)
    from . import _report  # noqa: PLC0415

    if any(p.code in _NOT_READ for _, problems in results for p in problems):
        status = EXIT_USAGE
    else:
        status = EXIT_INVALID if errors or (args.strict and warnings) else EXIT_OK
    try:
        if args.format == "json":
            out.json(_report.json_report(results))
        elif args.format == "sarif":
            from . import __version__  # noqa: PLC0415

            out.json(_report.sarif(results, __version__, locale))
        else:
            out.writelines(
                _report.github(results, locale) if args.format == "github" else _report.text(results, locale)
            )
        out.stream.flush()
    except BrokenPipeError:  # a reader that stopped early (| head): the verdict is still the status
        _quiet_stdout()
    return status


def _clock(seconds: float, *, tenths: bool = False, point: str = ".") -> str:
    """Write *seconds* as ``mm:ss``, or ``mm:ss.t`` with *tenths* (the decimal sign is *point*)."""
    minutes, rest = divmod(seconds, 60)
    shown = f"{rest:04.1f}".replace(".", point) if tenths else f"{int(rest):02d}"
    return f"{int(minutes):02d}:{shown}"


def _session(args: argparse.Namespace, out: _Output) -> int:
    from . import converter, start, timeline  # noqa: PLC0415
    from ._i18n import pgettext  # noqa: PLC0415
    from ._render import one_line  # noqa: PLC0415
    from ._width import display_width, pad  # noqa: PLC0415

    pack = _load(args)  # first: the errors below are said in the language the output would speak
    locale = _locale(args, pack)
    _rules(args)  # read and checked whatever the session is of, as plan, handout and fhir read it
    if args.state is None:
        if args.date is not None:
            raise _UsageError(
                _said(N_("--date: only with --state (an exercise's starting dose is the same every day)"))
            )
        if args.exercise is None:
            raise _UsageError(_said(N_("give --exercise ID, or --state FILE for a person's session")))
        cues = timeline(pack, start(pack, _exercise(pack, args.exercise).id).prescription, locale=locale)
    else:
        if args.exercise is not None:
            raise _UsageError(_said(N_("--state and --exercise: choose one (the state says its exercise)")))
        of_the_day = _state_session(args, pack, locale, out)
        if isinstance(of_the_day, int):
            return of_the_day
        cues = of_the_day
    if args.format == "json":
        out.json([{**converter.unstructure(cue), "text": pack.localize(cue.text, locale)} for cue in cues])
        return EXIT_OK
    kinds = {
        kind: pgettext("cue kind", _KIND_WORDS[kind.value], locale, pack.default_locale)
        for kind in {c.kind for c in cues}
    }
    width = max(10, *(display_width(word) for word in kinds.values()))
    # Tenths on every line if on any (the column stays aligned), with the language's decimal sign.
    tenths = any(not float(cue.offset_seconds).is_integer() for cue in cues)
    point = pgettext("decimal separator", ".", locale, pack.default_locale)
    lines = (
        f"{_clock(cue.offset_seconds, tenths=tenths, point=point)}  {pad(kinds[cue.kind], width)}"
        f"  {one_line(pack.localize(cue.text, locale))}"
        for cue in cues
    )
    out.writelines(line + "\n" for line in lines)
    return EXIT_OK


def _state_session(args: argparse.Namespace, pack: Pack, locale: str | None, out: _Output) -> tuple[Cue, ...] | int:
    """The cues of the session of the person whose state ``--state`` names, on ``--date``; else the exit status.

    Why there are none is said on standard error, and with ``--format json`` as the one JSON document on standard
    output too, as ``plan`` says it.
    """
    as_json = args.format == "json"
    from . import load_state, timeline  # noqa: PLC0415
    from .exceptions import SessionError, StateError  # noqa: PLC0415

    rules = _rules(args)
    try:
        state = load_state(_read_state_file(args.state), pack, rules=rules, name=args.state)
    except StateError as error:
        problems = _in_locale(("", list(error.problems)), _speaking(args) or "en")[1]
        return _fail(
            out, _Output(sys.stderr), error.render(_speaking(args)), EXIT_INVALID, as_json=as_json, problems=problems
        )
    if state.stop is not None:
        from ._i18n import gettext  # noqa: PLC0415
        from ._render import localized_date  # noqa: PLC0415

        tags = (locale, pack.default_locale)
        stopped = gettext(
            "backext: the engine is stopped since {date}: no session until a clinician's clearance is recorded", *tags
        )
        said = stopped.format(date=localized_date(state.stop.date, *tags))
        return _fail(out, _Output(sys.stderr), said, EXIT_INVALID, as_json=as_json)
    day = args.date if args.date is not None else datetime.date.today()  # noqa: DTZ011 - a local day, as plan's
    before_last = state.last_session is not None and day < state.last_session  # refused below, with no note
    if state.resume_on is not None and day < state.resume_on and not before_last:
        from ._i18n import gettext  # noqa: PLC0415
        from ._render import localized_date  # noqa: PLC0415

        tags = (locale, pack.default_locale)
        waits = gettext(
            "backext: note: the clinician's clearance lets sessions resume on {date}: these are the cues of that"
            " session",
            *tags,
        )
        _Output(sys.stderr).write(waits.format(date=localized_date(state.resume_on, *tags)) + "\n")
    try:
        return timeline(pack, state, locale=locale, on=day, rules=rules)
    except SessionError as error:  # the state's own days and the day asked for do not fit: named with the file
        raise _UsageError(_said(N_("{file}: {reason}"), file=args.state, reason=error.template or str(error))) from None


def _load(args: argparse.Namespace) -> Pack:
    from . import builtin_pack, load_pack  # noqa: PLC0415

    path = args.pack
    if path is None:
        pack = builtin_pack()
        limits = _limits(args)
        if limits != DEFAULT_LIMITS:  # lowered limits hold for the built-in pack too, as for any file
            from . import dump_pack, validate_pack  # noqa: PLC0415

            document = json.loads(dump_pack(pack, "json"))  # a mapping: problems without positions in no file
            errors = [p for p in validate_pack(document, limits=limits) if p.severity == "error"]
            if errors:
                from .exceptions import PackError  # noqa: PLC0415

                raise PackError(errors, "<built-in pack>")
        return pack
    if path == "-":
        raise _UsageError(_said(N_("--pack does not read standard input: name a file")))
    if _paths.suffix(path).lower() not in SUFFIXES and os.path.isfile(_paths.normalized(path)):  # noqa: PTH113
        raise _UsageError(
            _said(
                N_(
                    "{file}: cannot tell the format from the suffix {suffix}: name the file .json, .toml, .yaml or .yml"
                ),
                file=path,
                suffix=repr(_paths.suffix(path)),
            )
        )
    pack = load_pack(_paths.File(path), limits=_limits(args))
    args.loaded_pack = pack  # what goes wrong from here on is said in the language the output speaks
    return pack


def _show(args: argparse.Namespace, out: _Output) -> int:
    from ._render import render  # noqa: PLC0415

    pack = _load(args)
    if args.format == "json" and args.locale is not None:
        _locale(args, pack)  # a locale given must be a good one, whatever the output
    exercises = list(pack.exercises) if args.exercise is None else [_exercise(pack, args.exercise)]
    if args.format == "json":
        from . import converter, dump_pack  # noqa: PLC0415 - cattrs is slow to import: only for JSON

        if args.exercise is None:
            out.json_text(dump_pack(pack, "json"))
        else:
            out.json(converter.unstructure(exercises[0]))
        return EXIT_OK
    avoid = pack.avoid if args.exercise is None else ()
    out.write(render(pack, exercises, locale=_locale(args, pack), style=args.format, avoid=avoid))
    return EXIT_OK


def _handout(args: argparse.Namespace, out: _Output) -> int:
    from pathlib import Path  # noqa: PLC0415 - slow to import: only where a file is written or read here

    from . import load_state  # noqa: PLC0415
    from ._handout import make  # noqa: PLC0415
    from .exceptions import SessionError, StateError  # noqa: PLC0415

    pack = _load(args)  # first: the error below is said in the language the output would speak
    if args.date is not None and args.state is None:
        raise _UsageError(_said(N_("--date: only with --state (an exercise's starting dose is the same every day)")))
    rules = _rules(args)
    target = None if args.output in (None, "-") else _new_file(args.output)  # "-": standard output
    chosen: Any
    if args.state is not None:
        try:
            chosen = load_state(_read_state_file(args.state), pack, rules=rules, name=args.state)
        except StateError as error:
            _Output(sys.stderr).write(f"{error.render(_speaking(args))}\n")
            return EXIT_INVALID
    else:
        chosen = _exercise(pack, args.exercise if args.exercise is not None else pack.exercises[0].id)
    folder = None if args.pack is None else Path(args.pack).parent
    locale = _locale(args, pack)
    try:
        page, omitted = make(pack, chosen, locale, folder, args.date, rules)
    except SessionError as error:  # the state's own days and the day asked for do not fit: named with the file
        if args.state is None:
            raise
        raise _UsageError(_said(N_("{file}: {reason}"), file=args.state, reason=error.template or str(error))) from None
    err = _Output(sys.stderr)
    if omitted:
        from ._i18n import gettext, language  # noqa: PLC0415 - only when a picture is left out

        note = gettext("backext: note: {sentence}", language(locale, pack.default_locale))
        for sentence in omitted:
            err.write(note.format(sentence=sentence) + "\n")
    if target is None:
        # The page says it is UTF-8: its bytes are, whatever the terminal's encoding (as the calendar's are).
        binary = getattr(out.stream, "buffer", None)
        if binary is None:  # a text-only stream, such as a test's
            out.write(page)
        else:
            out.stream.flush()
            binary.write(page.encode("utf-8"))
            binary.flush()
    else:
        _write(target, page)
    return EXIT_OK


def _new_file(path: str) -> Path:
    from pathlib import Path  # noqa: PLC0415 - slow to import: only where a file is written or read here

    target = Path(path)
    if target.exists() or target.is_symlink():
        raise _UsageError(
            _said(N_("{file} exists already: choose another name, or remove it first"), file=shorten_path(path))
        )
    return target


def _write(target: Path, text: str | bytes) -> None:
    try:
        # Before the file is made: a text that cannot be written leaves no empty file.
        data = text.encode("utf-8") if isinstance(text, str) else text
        with target.open("xb") as file:
            file.write(data)
    except (OSError, ValueError) as error:
        message = getattr(error, "strerror", None) or str(error)
        raise _UsageError(_cannot_write(str(target), message)) from None


def _tags(text: str) -> list[str]:
    from ._i18n import _NOT_A_TAG, parse_locale, tag_problem, well_formed  # noqa: PLC0415
    from ._suggest import locale_suggestion  # noqa: PLC0415

    tags = []
    for given in text.split(","):
        tag = given.strip()
        with contextlib.suppress(ValueError):
            tag = parse_locale(tag)  # as every tag is read: de_DE is de-DE
        malformed = tag_problem(tag)
        if malformed is not None and malformed[0] != _NOT_A_TAG:
            raise _refused(malformed[0], tag=repr(malformed[1]))
        if not well_formed(tag):
            raise _refused(
                N_(
                    "{value} is not a BCP 47 language tag with a primary language subtag, such as 'en' or 'de-CH'{hint}"
                ),
                value=shorten(tag),
                hint=locale_suggestion(tag),
            )
        tags.append(tag)
    return tags


def _new_pictures(target: Path) -> list[tuple[Path, bytes]]:
    """The pictures ``new`` writes next to *target*, at the paths the pack names them by, and their bytes.

    A picture already there with the same bytes is left as it is (and not
    listed); anything else in the way (another file, a folder, a link) is
    refused, before anything is written.
    """
    from ._authoring import starter_pictures  # noqa: PLC0415

    def in_the_way(path: Path) -> _UsageError:
        return _UsageError(
            _said(
                N_(
                    "{file} exists already and is in the way of the pictures the new pack names: remove it, or"
                    " write the pack in another folder"
                ),
                file=shorten_path(str(path)),
            )
        )

    folder = target.parent
    written = []
    for reference, data in starter_pictures().items():
        parts = reference.split("/")
        path = folder.joinpath(*parts)
        try:
            for depth in range(1, len(parts)):  # each folder on the way is one, or is not there yet
                inner = folder.joinpath(*parts[:depth])
                if inner.is_symlink() or (inner.exists() and not inner.is_dir()):  # a link may lead out of the folder
                    raise in_the_way(inner)
            if not (path.exists() or path.is_symlink()):
                written.append((path, data))
            elif path.is_symlink() or not path.is_file() or path.stat().st_nlink > 1 or not _holds(path, data):
                raise in_the_way(path)  # a hard link too: validation warns of it (media-file-outside-folder)
        except OSError as error:  # a folder on the way that cannot be searched
            raise _UsageError(_cannot_write(str(path), error.strerror or type(error).__name__)) from None
    return written


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file *path* holds *data* and nothing more (read no further than that)."""
    try:
        with path.open("rb") as file:
            return file.read(len(data) + 1) == data
    except OSError:
        return False


def _new(args: argparse.Namespace, out: _Output) -> int:  # noqa: ARG001 - handler signature
    from pathlib import Path  # noqa: PLC0415 - slow to import: only where a file is written or read here

    from ._authoring import starter_pack  # noqa: PLC0415

    suffix = Path(args.path).suffix.lower()
    told = SUFFIXES.get(suffix)
    if told is None:
        # backext validate (and every other command) tells a pack's format from its suffix: a pack is named so.
        raise _UsageError(
            _said(
                N_("{file}: name the pack .yaml, .yml, .toml or .json, the suffix that tells its format"),
                file=shorten_path(args.path),
            )
        )
    if args.format is not None and told != args.format:
        raise _UsageError(
            _said(N_("the suffix {suffix} does not fit --format {format}"), suffix=shorten(suffix), format=args.format)
        )
    target = _new_file(args.path)
    pictures = _new_pictures(target)  # refused before anything is written
    _write(target, starter_pack(told, pack_id=target.stem, locales=tuple(args.locale)))
    for path, data in pictures:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise _UsageError(_cannot_write(str(path.parent), error.strerror or type(error).__name__)) from None
        _write(path, data)
        wrote = _said(N_("wrote {file}"), file=visible(printable_path(str(path))))
        sys.stderr.write(wrote.render(_speaking(args)) + "\n")
    shown = visible(printable_path(str(target)))  # a name's control or direction characters escaped
    if shown.startswith("-"):
        shown = f"./{shown}"  # not an option of the command advised
    import shlex  # noqa: PLC0415 - only here

    # The command as a shell takes it: a name with a space or a quote is quoted.
    said = _said(
        N_("wrote {file}: check it with {command}"), file=shown, command=f"backext validate {shlex.quote(shown)}"
    )
    sys.stderr.write(said.render(_speaking(args)) + "\n")
    return EXIT_OK


def _convert(args: argparse.Namespace, out: _Output) -> int:  # noqa: ARG001 - handler signature
    from pathlib import Path  # noqa: PLC0415 - slow to import: only where a file is written or read here

    from ._authoring import ConversionError, convert_document, losses, writable_depth  # noqa: PLC0415
    from ._formats import ParseFailure, decode, parse  # noqa: PLC0415
    from ._limits import LimitExceeded, Unreported, check_document, truncate_problems  # noqa: PLC0415
    from ._load import _read  # noqa: PLC0415
    from ._positions import locate  # noqa: PLC0415
    from .exceptions import PackError  # noqa: PLC0415

    limits = _limits(args)
    source = SUFFIXES.get(Path(args.input).suffix.lower())
    target_format = SUFFIXES.get(Path(args.output).suffix.lower())
    if source is None or target_format is None:
        raise _UsageError(
            _said(N_("cannot tell the formats from the suffixes: name both files .json, .toml, .yaml or .yml"))
        )
    if Path(args.output).resolve() == Path(args.input).resolve():
        raise _UsageError(_said(N_("IN and OUT are the same file")))
    read = _read(Path(args.input), source, limits.max_bytes)
    if not isinstance(read, tuple):  # pragma: no cover - a path is never a mapping
        raise TypeError(read)
    name, _, data = read
    text = ""
    try:
        text = decode(data)
        document = parse(text, source, limits)
        check_document(document, limits, count_values=False)
        deepest = writable_depth(target_format)
        if limits.max_depth > deepest:  # raised beyond what the writer goes: refused as too deep to write
            check_document(document, attrs.evolve(limits, max_depth=deepest), count_values=False)
    except (ParseFailure, LimitExceeded) as failure:
        # Placed as validate places it: a JSON key written twice, a key too long, at their line and column.
        problems = failure.problems if isinstance(failure, ParseFailure) else [failure.problem]
        unreported = failure.unreported if isinstance(failure, ParseFailure) else Unreported()
        raise PackError(
            truncate_problems(locate(text, source, problems), limits.max_problems, unreported), name
        ) from None
    try:
        converted = convert_document(document, target_format, text=text, source=source)
    except ConversionError as error:
        said = _said(N_("cannot convert {file}: {reason}"), file=visible(name), reason=error.template)
        sys.stderr.write(_usage_message(_UsageError(said), _speaking(args)) + "\n")
        return EXIT_INVALID
    target = _new_file(args.output)
    _write(target, converted)
    speaking = _speaking(args)
    from ._i18n import gettext  # noqa: PLC0415

    note = gettext("backext: note: {sentence}", speaking)
    for lost in losses(text, source, target_format, document):
        said = _said(N_("not kept: {what}"), what=lost)
        sys.stderr.write(note.format(sentence=said.render(speaking)) + "\n")
    shown = visible(printable_path(str(target)))  # a name's control or direction characters escaped
    sys.stderr.write(_said(N_("wrote {file}"), file=shown).render(speaking) + "\n")
    return EXIT_OK


def _schema(args: argparse.Namespace, out: _Output) -> int:
    from pathlib import Path  # noqa: PLC0415 - slow to import: only where a file is written or read here

    from . import json_schema  # noqa: PLC0415

    if args.output is None or args.output == "-":  # "-": standard output, as validate reads standard input
        out.json(json_schema())
        return EXIT_OK
    schema = json_schema()
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    if not args.output:
        raise _UsageError(_said(N_("-o: give the name of the file to write")))
    if Path(args.output).exists():
        # Written again as backext changes: an earlier schema is replaced, any other file (a pack, notes) is kept.
        # An earlier schema is one backext wrote: its $id, and nothing at its top that backext's schemas lack.
        try:
            earlier = json.loads(_read_file(args.output, N_("an earlier schema"), 1 << 20))
        except (_UsageError, ValueError, RecursionError):
            earlier = None
        ours = isinstance(earlier, dict) and earlier.get("$id") == schema["$id"] and set(earlier) <= set(schema)
        if not ours:
            reason = _said(N_("it exists already and is not backext's schema: choose another name, or remove it first"))
            raise _UsageError(_cannot_write(args.output, reason))
    _replace_file(args.output, text.encode("utf-8"), {})
    return EXIT_OK


# -- backext fhir: the command of the fhir extra -----------------------------------------------------------------------


def _fhir_parser(commands: Any) -> None:
    """Add ``backext fhir``."""
    fhir = commands.add_parser(
        "fhir",
        help="write a pack, a prescription and session logs as an HL7 FHIR Bundle (needs backext[fhir])",
        description=(
            "Write a FHIR Bundle (JSON) of a pack's PlanDefinition and ActivityDefinitions, and, when given, a"
            " person's prescription (ServiceRequest and CarePlan) and session logs (Observations). Needs the fhir"
            " extra: pip install 'backext[fhir]'. Exit status: 0 on success, 1 for an invalid state or log file, 2"
            " for a usage error, a file that cannot be read, or a missing extra."
        ),
    )
    fhir.add_argument("--pack", metavar="FILE", help="a pack file (.json, .toml, .yaml); default: the built-in pack")
    _limit_option(fhir)
    fhir.add_argument("--state", metavar="FILE", help="a stored state (JSON, as backext.converter writes it)")
    fhir.add_argument(
        "--logs", metavar="FILE", help="session logs: a JSON list, as backext.converter writes them (at most 1,000)"
    )
    fhir.add_argument("--subject", metavar="REFERENCE", help="the person, such as Patient/123 (needed with --state)")
    _day_option(fhir, "the day the prescription is for")
    _rules_option(fhir)
    fhir.add_argument("--days-per-week", metavar="N", type=_days_per_week, help="training days a week, 1 to 7")
    fhir.add_argument("--locale", metavar="TAG", help="the person's locale for the instructions; default: the pack's")
    fhir.add_argument("--fhir-version", choices=("R4B", "R5"), default="R5", help="the FHIR version (default: R5)")
    fhir.add_argument(
        "--bundle",
        choices=("collection", "transaction"),
        default="collection",
        help="the Bundle type (default: collection)",
    )
    fhir.add_argument("--base", metavar="URL", help="the base of backext's canonical URLs (default: backext's own)")
    fhir.set_defaults(handler=_fhir)


def _rules(args: argparse.Namespace) -> Rules:
    """The rules ``--rules`` names (read and checked once), else the defaults; a :class:`RulesError` if invalid."""
    from ._rules import DEFAULT_RULES  # noqa: PLC0415

    if getattr(args, "rules", None) is None:
        return DEFAULT_RULES
    read = getattr(args, "rules_read", None)
    if read is None:  # args.rules stays the file's name: -o may not replace it
        from ._stored import MAX_STATE_BYTES, load_rules  # noqa: PLC0415

        read = args.rules_read = load_rules(_read_file(args.rules, N_("the rules"), MAX_STATE_BYTES), name=args.rules)
    return cast("Rules", read)


def _read_state_file(path: str) -> bytes:
    """The bytes of a stored state's file: at most what :func:`~backext.load_state` reads (1 MiB)."""
    from ._stored import MAX_STATE_BYTES  # noqa: PLC0415

    return _read_file(path, N_("a stored state"), MAX_STATE_BYTES)


def _read_file(path: str, what: str, limit: int = DEFAULT_LIMITS.max_bytes) -> bytes:
    """The bytes of the regular file *path* (at most *limit*), read as packs are: never waiting on a FIFO."""
    from ._load import UnreadableFileError, read_regular_file  # noqa: PLC0415

    try:
        return read_regular_file(path, limit)
    except UnreadableFileError as error:
        if error.too_large:
            raise _UsageError(
                _said(
                    N_("{file} ({what}) is larger than {limit} bytes"),
                    file=shorten_path(path),
                    what=_said(what),
                    limit=limit,
                )
            ) from None
        raise _UsageError(
            _said(
                N_("cannot read {file} ({what}): {reason}"),
                file=shorten_path(path),
                what=_said(what),
                reason=error.reason,
            )
        ) from None


def _read_json(path: str, what: str) -> tuple[object, str]:
    """The JSON document in the file *path* (at most 16 MiB), and its text."""
    from ._formats import ParseFailure, decode, parse, refuse_many_values  # noqa: PLC0415

    data = _read_file(path, what)
    try:
        text = decode(data)
    except ParseFailure as failure:  # as a pack or a state: UTF-8 only, the first bad byte at its line and column
        raise _InvalidInputError(None, [failure.problem], path) from None
    from ._limits import LimitExceeded  # noqa: PLC0415
    from ._stored import DuplicateKey, LongInteger, loads, no_duplicates  # noqa: PLC0415 - only where one is read

    try:  # never built only to be refused: a file of logs holds some 16 values a log at most
        refuse_many_values(text, attrs.evolve(DEFAULT_LIMITS, max_values=MAX_LOGS * 50))
    except LimitExceeded as exceeded:
        from ._positions import locate  # noqa: PLC0415 - the error path only

        raise _InvalidInputError(None, locate(text, "json", [exceeded.problem]), path) from None
    try:
        return loads(text, no_duplicates), text
    except DuplicateKey as duplicate:  # one of two values kept would drop the other silently: a session's date
        from ._positions import locate  # noqa: PLC0415 - the error path only
        from ._problems import problem  # noqa: PLC0415

        twice = problem(
            "", "duplicate-key", N_("the key {key} appears twice in one object"), {"key": repr(duplicate.key)}
        )
        raise _InvalidInputError(None, locate(text, "json", [twice]), path) from None
    except LongInteger as long:
        from ._positions import locate  # noqa: PLC0415 - the error path only
        from ._stored import long_integer  # noqa: PLC0415

        far = long_integer(long, N_("an integer of {digits} digits: far more than any number of a session log"))
        raise _InvalidInputError(None, locate(text, "json", [far]), path) from None
    except RecursionError:  # read again as a pack is, to say where it goes too deep
        try:
            parse(text, "json", DEFAULT_LIMITS)
        except ParseFailure as failure:
            raise _InvalidInputError(None, failure.problems, path) from None
        raise _InvalidInputError(  # pragma: no cover - the pack's reader refuses what Python's cannot read
            _said(N_("{file}: the document is nested too deeply to read"), file=path)
        ) from None
    except json.JSONDecodeError as error:  # at its line and column, as a state's or a rules file's syntax error
        from ._problems import problem  # noqa: PLC0415

        found = problem(
            "",
            "syntax-error",
            N_("not a JSON document: {detail}"),
            {"detail": str(error)},
            line=error.lineno,
            column=error.colno,
        )
        raise _InvalidInputError(None, [found], path) from None
    except ValueError as error:
        message = _said(
            N_("{file}: not a JSON document ({what}): {detail}"), file=path, what=_said(what), detail=str(error)
        )
        raise _InvalidInputError(message) from None


class _InvalidInputError(Exception):
    """A state or log file that was read but is not valid: exit status 1.

    *message* is said in the person's language; or, without one, *problems* (found in *source*) are listed
    under a heading, each in that language.
    """

    def __init__(self, message: Message | None, problems: Sequence[Problem] = (), source: str = "") -> None:
        self.message = message
        self.problems = tuple(problems)
        self.source = source
        super().__init__(self.render())

    def render(self, locale: str | None = None) -> str:
        if self.message is not None:
            return self.message.render(locale)
        from ._problems import report  # noqa: PLC0415 - only on the error path

        return report(self.source, self.problems, _LOGS_HEADING, locale)


# Translators: the first line of the report of a session logs file that is not valid.
_LOGS_HEADING = N_plural(
    "{source}: invalid session logs, {count} problem:", "{source}: invalid session logs, {count} problems:"
)


#: The most session logs ``backext fhir --logs`` converts from one file (our choice): some six years of sessions
#: three times a week, in about 2 s and 90 MB (each log is three FHIR resources or more, built and checked).
MAX_LOGS = 1_000


def _read_logs(path: str, converter: Any, problems_from_exception: Any, pack: Pack) -> list[Any]:
    """The session logs of *pack*'s exercises in the JSON file *path*, every problem reported at once."""
    from . import SessionLog  # noqa: PLC0415
    from ._limits import LimitExceeded, check_document  # noqa: PLC0415
    from ._positions import locate  # noqa: PLC0415
    from ._problems import problem  # noqa: PLC0415
    from ._wrong import json_type  # noqa: PLC0415

    document, text = _read_json(path, N_("the session logs"))
    if type(document) is not list:
        wrong = problem(
            "", "wrong-type", N_("expected a list of session logs, found {found}"), {"found": json_type(document)}
        )
        raise _InvalidInputError(None, locate(text, "json", [wrong]), path)
    if len(document) > MAX_LOGS:  # each log becomes three resources or more: the time and memory stay bounded
        many = problem(
            f"/{MAX_LOGS}",
            "too-many-values",
            N_("more than {limit} session logs in one file: split it, and convert each part on its own"),
            {"limit": str(MAX_LOGS)},
        )
        raise _InvalidInputError(None, locate(text, "json", [many]), path)
    try:
        check_document(document, DEFAULT_LIMITS, count_values=True)
    except LimitExceeded as exceeded:
        raise _InvalidInputError(None, locate(text, "json", [exceeded.problem]), path) from None
    import datetime  # noqa: PLC0415

    import attrs  # noqa: PLC0415

    from ._limits import shorten  # noqa: PLC0415
    from ._suggest import suggestion  # noqa: PLC0415

    ids = [exercise.id for exercise in pack.exercises]
    logs: list[Any] = []
    found = []  # every problem of every log, in the order of the logs: one log's never hides another's
    for index, item in enumerate(document):
        try:
            log = converter.structure(item, SessionLog)
        except Exception as error:  # noqa: BLE001 - every structuring error becomes problems
            found += [attrs.evolve(p, path=f"/{index}{p.path}") for p in problems_from_exception(error)]
            continue
        logs.append(log)
        if log.date == datetime.date.max and log.pain_next_day is not None:
            found.append(
                problem(
                    f"/{index}/pain_next_day",
                    "out-of-range",
                    N_("the day after {date} cannot be written: this next-day pain has no date"),
                    {"date": log.date},
                )
            )
        if log.exercise_id not in ids:  # a log of no exercise of the pack is no session of it: no reader takes it
            found.append(
                problem(
                    f"/{index}/exercise_id",
                    "unknown-exercise",
                    N_("no exercise with the id {value}{hint}"),
                    {"value": shorten(log.exercise_id), "hint": suggestion(log.exercise_id, ids)},
                )
            )
    if found:
        # Each problem at its line and column, as a state's and a rules file's are.
        raise _InvalidInputError(None, locate(text, "json", found), path)
    return logs


def _fhir(args: argparse.Namespace, out: _Output) -> int:
    try:
        from . import fhir  # noqa: PLC0415 - the extra is optional
    except ImportError as error:
        raise _UsageError(str(error)) from None
    from . import converter, load_state  # noqa: PLC0415
    from ._converter import problems_from_exception  # noqa: PLC0415
    from .exceptions import StateError  # noqa: PLC0415

    pack = _load(args)
    rules = _rules(args)  # read whether or not a state is given: a file that is not there is said
    if args.locale is not None:
        # Checked as every command checks it (the environment plays no part: the default is the pack's).
        from ._locales import choose_locale  # noqa: PLC0415

        args.locale = choose_locale(args.locale, {}, pack)
    state = logs = None
    try:
        if args.state is not None:
            if args.subject is None:
                raise _UsageError(_said(N_("--state needs --subject, the person's reference (such as Patient/123)")))
            state = load_state(_read_state_file(args.state), pack, rules=rules, name=args.state)
        if args.logs is not None:
            logs = _read_logs(args.logs, converter, problems_from_exception, pack)
    except (StateError, _InvalidInputError) as error:
        said = error.render(_speaking(args))
        _Output(sys.stderr).write(f"{said}\n")
        return EXIT_INVALID
    if args.date is not None and state is None:
        raise _UsageError(_said(N_("--date: only with --state (the day a person's prescription is for)")))
    on = args.date if args.date is not None else datetime.date.today()  # noqa: DTZ011 - a local day, as handout's
    from .exceptions import SessionError  # noqa: PLC0415
    from .fhir._export import _prescribed, _state_texts, _written_in  # noqa: PLC0415

    try:
        brought = None if state is None else _prescribed(pack, state, on, rules)[0]
        if brought is not None:
            from ._reconcile import state_exercise  # noqa: PLC0415

            state_exercise(pack, brought)  # a stop kept after an update removed its exercise has none to export
    except SessionError as error:  # the state's own days and the day asked for do not fit: named with the file
        raise _UsageError(_said(N_("{file}: {reason}"), file=args.state, reason=error.template or str(error))) from None
    if args.locale is not None:
        texts = [pack.title] if brought is None else _state_texts(pack, brought)
        if _written_in(pack, args.locale, texts) != args.locale:  # written in the pack's own language throughout
            _note_fallback(
                args.locale,
                pack,
                N_(
                    "backext: note: the pack has no texts in {locale} for all that the resources say: they are"
                    " written in its default language, {default}"
                ),
            )
    bundle = fhir.export_bundle(
        pack,
        state=state,
        logs=logs or (),
        subject=args.subject,
        days_per_week=args.days_per_week,
        locale=args.locale,
        bundle_type=args.bundle,
        fhir_version=args.fhir_version,
        base=fhir.DEFAULT_BASE if args.base is None else args.base,  # an empty --base is refused, not the default
        on=on,
        rules=rules,
    )
    out.json_text(bundle.model_dump_json(indent=2) + "\n")
    return EXIT_OK


def _wants_json(argv: Sequence[str]) -> str:
    """The machine-readable output the command line asks for, ``"json"`` or ``"sarif"``, else ``""``.

    Looked at before, or without, parsing the command line. ``backext new``'s
    ``--format`` is the format of the pack it writes, not of its output.
    """
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    if command == "new":
        return ""
    for arg, following in zip(argv, [*argv[1:], ""]):  # noqa: B905 - the second is one longer, on purpose
        chosen = (
            arg.removeprefix("--format=") if arg.startswith("--format=") else following if arg == "--format" else ""
        )
        if chosen in {"json", "sarif"}:
            return chosen
    return ""


def _speaking(args: argparse.Namespace) -> str | None:
    """The language to report an error in: ``--locale``, else the environment's; ``None`` for English.

    Only the library's own languages count here (the pack may not have
    loaded): a tag it does not speak, or a malformed one, is English.
    """
    from ._i18n import available_languages, language  # noqa: PLC0415 - only on the error path
    from ._locales import choose_among  # noqa: PLC0415

    asked = getattr(args, "locale", None)  # ``backext new`` takes several: the pack's languages, not the reader's
    asked = asked if isinstance(asked, str) else None
    pack = getattr(args, "loaded_pack", None)
    if pack is not None:  # once a pack is loaded: the language of the library's words in the output, its chain
        from ._locales import choose_locale  # noqa: PLC0415

        with contextlib.suppress(ValueError):
            return language(choose_locale(asked, os.environ, pack), pack.default_locale)
    languages = set(available_languages())
    try:
        return choose_among(asked, os.environ, languages, "en")
    except ValueError:  # the tag asked for is the error: said in the environment's language
        return choose_among(None, os.environ, languages, "en")


def _locale_spellings(command: str | None) -> frozenset[str]:
    """How *command*'s ``--locale`` may be written: in full, or cut short where argparse reads it as ``--locale``.

    argparse takes any prefix of an option that is the prefix of no other
    option of the command (``--loc``; ``--lo`` too, but not where the command
    has ``--logs``; never ``--l``, ``--limit``'s too).
    """
    options: Collection[str] = ()
    if command is not None:
        parser = build_parser(command)
        for action in parser._actions:  # noqa: SLF001
            if isinstance(action, _Commands) and command in action.choices:
                options = action.choices[command]._option_string_actions  # noqa: SLF001
    full = "--locale"
    if full not in options:
        return frozenset({full})
    return frozenset(
        full[:end]
        for end in range(len("--l"), len(full) + 1)
        if not any(option != full and option.startswith(full[:end]) for option in options)
    )


def _asked_locale(argv: Sequence[str]) -> str | None:
    """The ``--locale`` of a command line that could not be parsed, if it has one, however argparse accepts it."""
    spellings = _locale_spellings(argv[0] if argv and not argv[0].startswith("-") else None)
    asked = None
    for arg, following in zip(argv, [*argv[1:], ""]):  # noqa: B905 - the second is one longer, on purpose
        if arg == "--":
            break  # what follows is no option
        option, equals, value = arg.partition("=")
        if option not in spellings:
            continue
        # Without "=": an option next, or nothing, and argparse says the value is missing; no tag was given.
        missing = not following or following.startswith("-")
        asked = value if equals else None if missing else following
    return asked


def _speaking_argv(argv: Sequence[str]) -> str | None:
    """:func:`_speaking` for a command line that could not be parsed: its ``--locale``, if it has one."""
    return _speaking(argparse.Namespace(locale=_asked_locale(argv)))


def _refused_locale(argv: Sequence[str]) -> ValueError | None:
    """The error of a malformed ``--locale`` on a command line that could not be parsed; ``None`` if it is fine."""
    asked = _asked_locale(argv)
    if asked is None or (argv and argv[0] == "new"):  # ``new`` reads its tags as it parses them
        return None
    from ._i18n import available_languages  # noqa: PLC0415 - only on the error path
    from ._locales import UnknownLocaleError, choose_among  # noqa: PLC0415

    try:
        choose_among(asked, {}, set(available_languages()), "en")
    except UnknownLocaleError:  # well formed: the pack, not read yet, may have texts in it
        return None
    except ValueError as error:
        return error
    return None


def _usage_message(error: Exception, locale: str | None) -> str:
    """The line that reports *error*: in *locale*'s words where the error keeps its message as a template."""
    template = getattr(error, "template", None)
    if template is None:
        return f"backext: error: {error}"
    from ._i18n import gettext  # noqa: PLC0415 - only on the error path

    return gettext("backext: error: {message}", locale).format(message=template.render(locale))


def _said(template: str, **values: Any) -> Message:
    """A message of the command line, marked with ``N_``: said in the person's language when it is reported."""
    from ._messages import Message  # noqa: PLC0415 - only on the error path

    return Message(template=template, values=values)


def _cannot_write(path: str, reason: str | Message) -> Message:
    return _said(N_("cannot write {file}: {reason}"), file=shorten_path(path), reason=reason)


def _fail(out: _Output, err: _Output, message: str, status: int, *, as_json: bool | str, problems: Any = ()) -> int:
    """Report an error on standard error (and on standard output as JSON or SARIF, if that was asked for).

    SARIF gets a log whose one run did not succeed, with the message as its
    notification: a CI job that uploads the file gets a valid one.
    """
    err.write(message.rstrip("\n") + "\n")
    if as_json == "sarif":
        from . import __version__  # noqa: PLC0415
        from ._report import sarif_failure  # noqa: PLC0415 - only on the error path

        out.json(sarif_failure(message.rstrip("\n"), status, __version__))
    elif as_json:
        error: dict[str, object] = {"status": status, "message": message}
        if problems:
            from ._report import problem_json  # noqa: PLC0415 - only on the error path

            error["problems"] = [problem_json(p) for p in problems]
        out.json({"error": error})
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``); return the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if sys.stderr is None:  # started with standard error closed: run all the same, saying nothing of errors
        with open(os.devnull, "w", encoding="utf-8") as nowhere:  # noqa: PTH123 - pathlib is slow to import
            sys.stderr = nowhere
            try:
                return main(arguments)
            finally:
                sys.stderr = None  # as it was
    if sys.stdout is None:  # started with standard output closed: nothing can be written, and that is said
        closed = _usage_message(_UsageError(_said(N_("standard output is closed"))), _speaking_argv(arguments))
        sys.stderr.write(closed + "\n")
        return EXIT_USAGE
    out, err = _Output(sys.stdout), _Output(sys.stderr)
    as_json = _wants_json(arguments)
    try:
        status = _run(arguments, out, err, as_json=as_json)
        sys.stdout.flush()
    except KeyboardInterrupt:
        from ._i18n import gettext  # noqa: PLC0415 - only when interrupted

        interrupted = gettext(N_("backext: interrupted"), _speaking_argv(arguments))
        return _fail(out, err, interrupted, EXIT_INTERRUPTED, as_json=as_json)
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK
    except CatalogMissingError as error:  # a damaged installation, not a bad input
        return _fail(out, err, f"backext: error: {error}", EXIT_USAGE, as_json=as_json)
    except OSError as error:  # the output cannot be written: a full disk, a closed stream
        _quiet_stdout()
        reason = _said(N_("cannot write the output: {reason}"), reason=error.strerror or str(error))
        with contextlib.suppress(OSError):
            err.write(f"{_usage_message(_UsageError(reason), _speaking_argv(arguments))}\n")
        return EXIT_USAGE
    return status


def _quiet_stdout() -> None:
    """Point standard output at nothing, so that the interpreter's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _run(arguments: list[str], out: _Output, err: _Output, *, as_json: bool | str) -> int:
    # The command comes first (the only options before it, --help and --version, need every parser).
    only = arguments[0] if arguments and not arguments[0].startswith("-") else None
    parser = build_parser(only)
    if only is not None and not any(isinstance(a, _Commands) and only in a.choices for a in parser._actions):  # noqa: SLF001
        parser = build_parser()  # not a command: the full parser says so, listing the commands
    try:
        args = parser.parse_args(arguments)
    except _UsageError as error:
        speaking = _speaking_argv(arguments)
        err.write(_localized_usage(error.usage, speaking))
        said = str(error) if error.template is None else _usage_message(error, speaking)
        refused = _refused_locale(arguments)  # not left unsaid because another option was wrong first
        if refused is not None:
            said += "\n" + _usage_message(refused, speaking)
        return _fail(out, err, said, EXIT_USAGE, as_json=as_json)
    except SystemExit as exit_:  # --help or --version
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    if args.command is None:  # as argparse reports an argument left out: the usage, then the error, in words
        speaking = _speaking_argv(arguments)
        err.write(_localized_usage(parser.format_usage(), speaking))
        commands = next(a for a in parser._actions if isinstance(a, _Commands)).choices  # noqa: SLF001
        missing = _UsageError(
            _said(N_("choose a command: {commands} (backext --help says what each does)"), commands=", ".join(commands))
        )
        return _fail(out, err, _usage_message(missing, speaking), EXIT_USAGE, as_json=as_json)
    from .exceptions import PackError, RulesError  # noqa: PLC0415

    try:
        status: int = args.handler(args, out)
    except RulesError as error:  # read but not valid, as a state: exit status 1
        speaking = _speaking(args)
        problems = _in_locale(("", list(error.problems)), speaking or "en")[1]
        return _fail(out, err, error.render(speaking), EXIT_INVALID, as_json=as_json, problems=problems)
    except PackError as error:
        unreadable = any(p.code in _NOT_READ for p in error.problems)
        status = EXIT_USAGE if unreadable else EXIT_INVALID
        speaking = _speaking(args)
        problems = _in_locale(("", list(error.problems)), speaking or "en")[1]
        return _fail(out, err, error.render(speaking), status, as_json=as_json, problems=problems)
    except (_UsageError, ValueError) as error:
        said = _usage_message(error, _speaking(args))
        refused = _refused_locale(arguments)
        if refused is not None and str(refused) not in str(error):
            said += "\n" + _usage_message(refused, _speaking(args))
        return _fail(out, err, said, EXIT_USAGE, as_json=as_json)
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return EXIT_OK
    return status
