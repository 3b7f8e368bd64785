"""Limits on what a pack may be, so that any input gets a bounded answer.

A pack may come from anyone: an app's user uploads it, a pull request
changes it. Whatever it holds, reading and checking it must end soon, in
bounded memory, with problems rather than exceptions. :class:`Limits` names
every bound; each one crossed is a :class:`~backext.Problem` with a stable
code. ``docs/limits.md`` tells the whole model.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import NamedTuple, Protocol

import attrs

from ._i18n import N_, N_plural
from ._messages import quoted
from ._problems import Problem, escape_pointer, problem
from ._wrong import json_type


__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_BYTES",
    "TOO_DEEP",
    "Gathered",
    "LimitExceeded",
    "Limits",
    "Unreported",
    "check_document",
    "printable_path",
    "shorten",
    "shorten_path",
    "surrogate",
    "truncate_problems",
]

#: The largest pack file read by default: 16 MiB.
DEFAULT_MAX_BYTES = 16 * 1024 * 1024


def _positive(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int:
        raise TypeError(f"{attribute.name} must be a whole number of at least 1, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{attribute.name} must be a whole number of at least 1, not {value!r}")


@attrs.frozen(kw_only=True)
class Limits:
    """How large, deep and long a pack may be before it is refused.

    The defaults are far beyond any honest pack and small enough that
    reading, checking and using one takes a bounded time and memory. Raise
    one when a real pack needs it; lower them for input you trust less.

    Attributes:
        max_bytes: The largest file, text or bytes read (``too-large``); a
            YAML document may stand for at most as many characters of
            text once its aliases are expanded.
        max_depth: How deeply objects and lists may nest (``too-deep``).
        max_values: How many values (objects, lists, strings, numbers...) a
            document or a mapping may stand for, counting each use of a
            YAML alias or of a shared object again (``too-many-values``).
        max_string_length: The longest string, key or text, in characters
            (``too-long``).
        max_number: The largest magnitude of a number in the pack
            (``number-out-of-range``).
        max_exercises: The most exercises in one pack
            (``too-many-exercises``).
        max_ladder_rungs: The most doses on the ladder from any exercise to
            the top of its progression, through every next exercise
            (``ladder-too-long``): :func:`~backext.ladder`, the engine and
            the plan walk it. Counted from the numbers, never built.
        max_session_cues: The most timed cues in one session of an exercise
            at its full dose (``session-too-long``): its steps, and for each
            repetition of each set a countdown of every second of the hold,
            as :func:`~backext.timeline` makes them.
        max_problems: The most problems reported for one pack; the rest are
            summed up by one ``too-many-problems`` warning (errors are
            reported before warnings are left out).

    Example:
        >>> import backext
        >>> backext.Limits().max_exercises
        10000
        >>> backext.Limits(max_exercises=50_000).max_exercises
        50000

    .. versionadded:: 0.1.0
    """

    max_bytes: int = attrs.field(default=DEFAULT_MAX_BYTES, validator=_positive)
    max_depth: int = attrs.field(default=32, validator=_positive)
    max_values: int = attrs.field(default=1_000_000, validator=_positive)
    max_string_length: int = attrs.field(default=100_000, validator=_positive)
    max_number: int = attrs.field(default=1_000_000_000, validator=_positive)
    max_exercises: int = attrs.field(default=10_000, validator=_positive)
    max_ladder_rungs: int = attrs.field(default=1_000, validator=_positive)
    max_session_cues: int = attrs.field(default=100_000, validator=_positive)
    max_problems: int = attrs.field(default=1_000, validator=_positive)


#: The limits that apply when none are given.
DEFAULT_LIMITS = Limits()


class LimitExceeded(Exception):
    """A document crosses a limit; carries the problem."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def shorten(text: str, at_most: int = 40) -> str:
    """*text*'s :func:`repr`, cut to about *at_most* characters: safe to put in a message.

    A text cut short ends in "…", with no words: the same in every language
    the message is said in.

    Example:
        >>> shorten("forearm-rest"), shorten("x" * 100, 10)
        ("'forearm-rest'", "'xxxxxxx'…")
    """
    if len(text) <= at_most:
        return quoted(text)
    return quoted(text[: at_most - 3]) + "…"


def printable_path(path: str) -> str:
    r"""*path* as text every output can hold: a byte of a file name that is not UTF-8 as its escape (``\xff``).

    Example:
        >>> import os
        >>> printable_path(os.fsdecode(b"bad\xffname.json")), printable_path("ok.json")
        ('bad\\xffname.json', 'ok.json')
    """
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate no byte stands for
            return path.encode("utf-8", "backslashreplace").decode("utf-8")
    return path


def shorten_path(path: str, at_most: int = 120) -> str:
    """The file name *path* as :func:`shorten` writes a text, but cut at the start: the file's own name stays.

    Example:
        >>> shorten_path("/home/me/packs/clinic.json"), shorten_path("/a/very/long/folder/clinic.json", 20)
        ("'/home/me/packs/clinic.json'", "…'older/clinic.json'")
    """
    path = printable_path(path)
    if len(path) <= at_most:
        return quoted(path)
    return "…" + quoted(path[3 - at_most :])


#: The message of objects and lists nested deeper than a limit.
#: A document of too many values: read from text, one whose parts are shared (a mapping), and YAML's aliases.
TOO_MANY_VALUES = N_plural(
    "the document holds more than {limit} value",
    "the document holds more than {limit} values",
)
SHARED_VALUES = N_plural(
    "the document stands for more than {limit} value once its shared parts are counted each time they are used",
    "the document stands for more than {limit} values once its shared parts are counted each time they are used",
)
ALIASED_VALUES = N_plural(
    "the document stands for more than {limit} value once its aliases are expanded",
    "the document stands for more than {limit} values once its aliases are expanded",
)

TOO_DEEP = N_plural(
    "objects and lists nest more than {limit} level deep here",
    "objects and lists nest more than {limit} levels deep here",
)


def check_document(document: object, limits: Limits, *, count_values: bool, shared: bool = True) -> None:
    """Refuse a parsed document that crosses a limit, before it is structured.

    The pack may have at most ``max_exercises`` exercises; keys must be
    strings (YAML allows numbers, dates and null), no string
    may be longer than ``max_string_length``, nothing may nest deeper than
    ``max_depth``, and with *count_values* (for a mapping, which may share
    objects or contain itself) the document may stand for at most
    ``max_values`` values (said as parts counted each time they are used
    unless *shared* is false: a document read from text, whose YAML aliases
    were counted as it was read). A mapping that contains itself nests
    without end, so it is refused as too deep.

    The walk keeps no pointers, so that it stays cheap; the pointer of a
    problem is found afterwards.

    Raises:
        LimitExceeded: At the first limit crossed.
    """
    exercises = document.get("exercises") if isinstance(document, dict) else None
    if isinstance(exercises, (list, tuple)) and len(exercises) > limits.max_exercises:
        # Refused before structuring: explaining millions of wrong exercises one by one would take minutes.
        raise LimitExceeded(
            problem(
                "/exercises",
                "too-many-exercises",
                N_("the pack has {count} exercises, more than the limit of {limit}"),
                {"count": str(len(exercises)), "limit": str(limits.max_exercises)},
            )
        )
    max_depth, max_length = limits.max_depth, limits.max_string_length
    max_values = limits.max_values if count_values else -1
    stack: list[tuple[object, int]] = [(document, 1)]
    values = 0
    while stack:
        node, depth = stack.pop()
        values += 1
        if values == max_values + 1:
            raise LimitExceeded(
                problem(
                    "",
                    "too-many-values",
                    SHARED_VALUES if shared else TOO_MANY_VALUES,
                    {"limit": str(max_values)},
                    count=max_values,
                )
            )
        kind = type(node)
        if kind is str:
            text: str = node  # type: ignore[assignment]
            if len(text) > max_length:
                raise _too_long(document, text, limits)
            if not text.isascii() and surrogate().search(text):
                raise _surrogate(document, text, limits)
        elif kind is dict or kind is list or isinstance(node, (dict, list, tuple)):
            if depth > max_depth:
                raise LimitExceeded(
                    problem(
                        _pointer_to(document, node, limits),
                        "too-deep",
                        N_plural(
                            "objects and lists nest more than {limit} level deep here (the document contains itself)",
                            "objects and lists nest more than {limit} levels deep here (the document contains itself)",
                        )
                        if _has_cycle(document, limits)
                        else TOO_DEEP,
                        {"limit": str(max_depth)},
                        count=max_depth,
                    )
                )
            if isinstance(node, dict):
                for key in node:
                    if type(key) is not str:
                        raise LimitExceeded(
                            problem(
                                _pointer_to(document, node, limits),
                                "wrong-type",
                                N_("keys must be strings, found {found}"),
                                {"found": json_type(key)},
                            )
                        )
                    if len(key) > max_length:
                        raise _too_long(document, key, limits, container=node)
                    if not key.isascii() and surrogate().search(key):
                        raise _surrogate(document, key, limits, container=node)
                # In reverse, so that the values come off the stack in the order of the document: the problem
                # said is the first an author meets, not the last.
                stack.extend((value, depth + 1) for value in reversed(node.values()))
            else:
                stack.extend((item, depth + 1) for item in reversed(node))  # type: ignore[call-overload]


#: The message of a key longer than the limit: its problem is placed at the key (:mod:`backext._positions`).
KEY_TOO_LONG = N_("a key of {length} characters, more than the limit of {limit}: {text}")

#: The message of a key holding a lone surrogate: its problem is placed at the key too.
KEY_SURROGATE = N_("the key holds a lone surrogate ({code}), which UTF-8 cannot hold")


@functools.cache
def surrogate() -> re.Pattern[str]:
    """A lone surrogate: a JSON escape or a Python string can hold one, UTF-8 cannot.

    Compiled on first use: only a text that is not ASCII is searched for one.
    """
    return re.compile("[\ud800-\udfff]")


def _surrogate(document: object, text: str, limits: Limits, container: object = None) -> LimitExceeded:
    if container is None:
        where = _pointer_to(document, text, limits)
    else:
        where = f"{_pointer_to(document, container, limits)}/{escape_pointer(text)}"
    found = surrogate().search(text)
    code = f"U+{ord(found.group()):04X}" if found else ""
    template = (
        N_("the text holds a lone surrogate ({code}), which UTF-8 cannot hold") if container is None else KEY_SURROGATE
    )
    return LimitExceeded(problem(where, "not-utf8", template, {"code": code}))


def _too_long(document: object, text: str, limits: Limits, container: object = None) -> LimitExceeded:
    if container is None:
        where = _pointer_to(document, text, limits)
    else:  # the key itself, which the positions place where it is written
        where = f"{_pointer_to(document, container, limits)}/{escape_pointer(text)}"
    template = (
        KEY_TOO_LONG
        if container is not None
        else N_("a string of {length} characters, more than the limit of {limit}: {text}")
    )
    values = {"length": str(len(text)), "limit": str(limits.max_string_length), "text": shorten(text)}
    return LimitExceeded(problem(where, "too-long", template, values))


def _has_cycle(document: object, limits: Limits) -> bool:
    """Whether *document* contains itself somewhere (looked for within ``max_values`` visits)."""
    on_path: set[int] = set()
    done: set[int] = set()
    stack: list[tuple[object, bool]] = [(document, False)]
    visited = 0
    while stack and visited <= limits.max_values:
        node, leaving = stack.pop()
        key = id(node)
        if leaving:
            on_path.discard(key)
            done.add(key)
            continue
        if key in on_path:
            return True
        children = _children(node)
        if key in done or not children:
            continue
        visited += 1
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children)
    return False


def _children(node: object) -> list[object]:
    if isinstance(node, dict):
        return list(node.values())
    if isinstance(node, (list, tuple)):
        return list(node)
    return []


def _pointer_to(document: object, target: object, limits: Limits) -> str:
    """The JSON Pointer of the first place *target* (by identity) is found in *document*, within the limits."""
    stack: list[tuple[object, str, int]] = [(document, "", 1)]
    visited = 0
    while stack and visited <= limits.max_values:
        node, pointer, depth = stack.pop()
        visited += 1
        if node is target:
            return pointer
        if depth > limits.max_depth + 1:
            continue
        if isinstance(node, dict):
            for key, value in reversed(list(node.items())):
                stack.append((value, f"{pointer}/{escape_pointer(key)}", depth + 1))
        elif isinstance(node, (list, tuple)):
            stack.extend((item, f"{pointer}/{index}", depth + 1) for index, item in reversed(list(enumerate(node))))
    return ""


class Unreported(NamedTuple):
    """The problems found but not listed, past the most reported: how many, and whether all were counted."""

    #: How many were counted.
    number: int = 0
    #: False when there were too many even to count: there are at least :attr:`count`.
    exact: bool = True
    #: How many of those counted are warnings.
    warnings: int = 0

    def errors(self) -> Unreported:
        """Only the errors of those counted (a pack that does not load is refused for its errors alone)."""
        return Unreported(self.number - self.warnings, self.exact)


#: How many problems past the most reported are counted, as a multiple of that most: past them, problems are
#: not looked for any more, and the warning that sums up the rest says "at least".
COUNTED_PAST_THE_LIMIT = 10


class Finding(Protocol):
    """A problem found but not made yet: its severity, and the problem, made only when it is kept."""

    @property
    def severity(self) -> str: ...

    def problem(self) -> Problem: ...


class Gathered:
    """The problems of a pack as they are found, in bounded memory: those that can be reported, and a count.

    At most *limit* errors and *limit* warnings are kept: every problem that
    :func:`truncate_problems` could report of them, errors first. Any other
    problem found is only counted, and is not made (:meth:`gather`).
    Once *limit* errors are kept, nothing found later can be reported: past
    :data:`COUNTED_PAST_THE_LIMIT` times *limit* more, the looking stops
    (:attr:`done`) and the count is "at least" so many (:meth:`unreported`).
    Until then, it goes on: an error found after a million warnings is
    reported.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: list[Problem] = []
        self._seen: set[Problem] = set()
        self._errors = 0
        self._warnings = 0
        self._counted = 0
        self._counted_warnings = 0
        self._exact = True

    def wants(self, severity: str) -> bool:
        """Whether a problem of *severity* found now would be kept (else it is only counted)."""
        return (self._errors if severity == "error" else self._warnings) < self.limit

    def add(self, found: Problem) -> None:
        """Keep *found* if it can be reported (once: a problem kept already is left out); else count it."""
        if not self.wants(found.severity):
            self._count(found.severity)
        elif found in self._seen:
            return
        elif found.severity == "error":
            self.kept.append(found)
            self._errors += 1
        else:
            self.kept.append(found)
            self._warnings += 1
        self._seen.add(found)

    def gather(self, findings: Iterable[Finding]) -> None:
        """Gather the problems of *findings*, each made only if it is kept; stop once there are enough."""
        for finding in findings:
            severity = finding.severity
            if self.wants(severity):
                self.add(finding.problem())
                continue
            self._count(severity)
            if self.done:
                self._exact = False  # problems may be left that are not counted
                return

    def _count(self, severity: str) -> None:
        self._counted += 1
        if severity != "error":
            self._counted_warnings += 1

    @property
    def done(self) -> bool:
        """Whether enough is found: no problem found later can be reported, and enough more are counted."""
        return self._errors >= self.limit and self._counted >= COUNTED_PAST_THE_LIMIT * self.limit

    def unreported(self, also: Unreported | None = None) -> Unreported:
        """The problems found but not kept: how many, and whether every one was counted (and *also* those)."""
        also = also or Unreported()
        return Unreported(
            self._counted + also.number,
            exact=self._exact and also.exact,
            warnings=self._counted_warnings + also.warnings,
        )


def truncate_problems(problems: list[Problem], limit: int, unreported: Unreported | None = None) -> list[Problem]:
    """At most *limit* of *problems* (errors first), in their order, and a warning that says how many were left out.

    *unreported* are the problems found but not listed in *problems* (past the most reported already).
    """
    unreported = unreported or Unreported()
    if len(problems) <= limit and not unreported.number and unreported.exact:
        return problems
    ranked = sorted(range(len(problems)), key=lambda index: (problems[index].severity != "error", index))
    kept = sorted(ranked[:limit])
    left_out = max(len(problems) - limit, 0) + unreported.number
    template = (
        N_plural(
            "{count} more problem not reported: the limit is {limit} per pack",
            "{count} more problems not reported: the limit is {limit} per pack",
        )
        if unreported.exact
        else N_plural(
            "at least {count} more problem not reported: the limit is {limit} per pack",
            "at least {count} more problems not reported: the limit is {limit} per pack",
        )
    )
    return [
        *(problems[index] for index in kept),
        problem(
            "",
            "too-many-problems",
            template,
            {"count": str(left_out), "limit": str(limit)},
            count=left_out,
            severity="warning",
        ),
    ]
