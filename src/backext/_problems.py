"""Problems found in a pack, with JSON Pointers to them, in document order."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Literal

import attrs

from ._i18n import parse_locale
from ._messages import Message, Value


__all__ = ["Problem", "Severity", "escape_pointer", "located", "problem", "sort_problems"]

#: How bad a problem is: an ``"error"`` makes a pack unusable, a
#: ``"warning"`` is worth a look.
Severity = Literal["error", "warning"]


@attrs.frozen(kw_only=True)
class Problem:
    """One thing wrong with a pack, pointed at exactly.

    Attributes:
        path: An RFC 6901 JSON Pointer to the value at fault in the parsed
            document: ``""`` is the whole document,
            ``/exercises/2/hold/start_seconds`` a field. For a missing field it
            points at the object that lacks it.
        code: A stable, kebab-case code naming the kind of problem, such as
            ``wrong-type``. Programs may rely on it.
        message: What was found and what was expected, in plain English.
            The same words in another language: :meth:`render`.
        severity: ``"error"`` or ``"warning"``.
        line: The 1-based line in the file of the value at fault (of the
            key, for an unknown or duplicate key or a translation's bad
            language tag; of the object, for a missing field). ``None``
            where there is no file: a mapping passed from Python has no
            positions.
        column: The 1-based column of that line, counted in characters
            (Unicode code points).
        end_line: The line where the value at fault ends, where known.
        end_column: The column just past the end of the value at fault,
            where known (the end is exclusive, as in SARIF).
        template: The message kept as its English template and values, for
            :meth:`render`; ``None`` for a problem made without one (then
            :meth:`render` gives :attr:`message`). It takes no part in
            comparing or hashing problems: two problems are equal when their
            pointer, code, English message, severity and positions are.

    Example:
        >>> problem = Problem(
        ...     path="/id", code="wrong-type", message="expected a string, found null"
        ... )
        >>> print(problem)
        error wrong-type: expected a string, found null (at "/id")

    .. versionadded:: 0.1.0
    """

    path: str
    code: str
    message: str
    severity: Severity = "error"
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    template: Message | None = attrs.field(default=None, eq=False, repr=False)

    def render(self, locale: str | None = None) -> str:
        """The message in *locale*'s words (BCP 47 fallback, then English); code and pointer never change.

        ``None`` is English. The problems of a :class:`~backext.PackError`
        render in any language afterwards, as often as wanted.

        Raises:
            ValueError: If *locale* is not a well-formed language tag.

        Example:
            >>> import backext
            >>> try:
            ...     backext.load_pack({"schema_version": 1, "id": "Mine"})
            ... except backext.PackError as error:
            ...     problem = error.problems[0]
            >>> problem.code, problem.path
            ('missing-field', '')
            >>> problem.message
            "the required field 'title' is missing"
            >>> print(problem.render("de-CH"))
            das Pflichtfeld 'title' fehlt
        """
        if self.template is None:
            if locale is not None:
                parse_locale(locale)
            return self.message
        return self.template.render(locale)

    def __str__(self) -> str:
        where = "" if self.line is None else f"{self.line}:{self.column or 1}: "
        return f"{where}{self.severity} {self.code}: {self.message} (at {shown_pointer(self.path)})"


def problem(
    path: str,
    code: str,
    template: str | tuple[str, str],
    values: Mapping[str, Value] | None = None,
    *,
    count: float | None = None,
    severity: Severity = "error",
    line: int | None = None,
    column: int | None = None,
) -> Problem:
    """A problem whose message is *template* (marked with ``N_``; a pair marked with ``N_plural``, chosen by *count*).

    The English :attr:`Problem.message` is rendered from the template here,
    once: problems are made only when something is wrong.
    """
    singular, plural = (template, None) if isinstance(template, str) else template
    message = Message(template=singular, plural=plural, count=count, values=dict(values or {}))
    return Problem(
        path=path,
        code=code,
        message=message.render(),
        severity=severity,
        line=line,
        column=column,
        template=message,
    )


def report(source: str, problems: Iterable[Problem], heading: tuple[str, str], locale: str | None = None) -> str:
    """*problems* under a *heading* (a plural pair marked with ``N_plural``), each :func:`located`, in *locale*.

    The heading takes ``{source}`` and ``{count}``; every message is
    rendered in *locale* (``None``: English), codes and pointers stay.
    """
    listed = list(problems)
    values: dict[str, Value] = {"source": visible(source), "count": len(listed)}
    title = Message(template=heading[0], plural=heading[1], count=len(listed), values=values)
    lines = [title.render(locale)]
    for problem in listed:
        said = problem if locale is None else attrs.evolve(problem, message=problem.render(locale))
        lines.append(f"  {located(source, said)}")
    return "\n".join(lines)


def located(source: str, problem: Problem) -> str:
    """*problem* as a compiler would print it: ``FILE:LINE:COLUMN: severity code: message (at "POINTER")``.

    The pointer is quoted, so that the whole document's shows as ``""``;
    without a line (a mapping has none), ``FILE: severity code: ...``.
    """
    if "\n" in source or "\r" in source:  # written as escapes: the report keeps one line per problem
        source = source.replace("\n", "\\n").replace("\r", "\\r")
    source = visible(source)  # nor a character that reorders or splits the line
    return f"{source}:{problem}" if problem.line is not None else f"{source}: {problem}"


#: The longest pointer a report line shows whole, in characters (our choice): a pointer holds the pack's keys,
#: and a report line does not grow with them. :attr:`Problem.path` keeps the whole pointer.
MAX_SHOWN_POINTER = 200


def shown_pointer(path: str) -> str:
    """*path* quoted for a report line (the whole document's as ``""``), its middle cut out if it is very long.

    A character that does not print is escaped (:func:`visible`), as JSON escapes a control character.
    """
    return visible(json.dumps(cut_pointer(path), ensure_ascii=False))


def visible(text: str) -> str:
    r"""*text* with every character that does not print escaped (``\u`` and its code point): nothing hidden.

    A right-to-left override (U+202E), a line or paragraph separator, a zero-width or other format character
    would otherwise reach a terminal or a CI log as it is, where it can reorder or split the line it is on.

    Example:
        >>> print(visible("/exercises/0/name/ab\u202ecd"), visible("Rücken"))
        /exercises/0/name/ab\u202ecd Rücken
    """
    if text.isprintable():
        return text
    return "".join(
        character
        if character.isprintable()
        else f"\\u{ord(character):04x}"
        if ord(character) < 0x10000
        else f"\\U{ord(character):08x}"
        for character in text
    )


def cut_pointer(path: str) -> str:
    """*path* with its middle cut out if it is longer than :data:`MAX_SHOWN_POINTER` characters."""
    if len(path) > MAX_SHOWN_POINTER:
        return f"{path[: MAX_SHOWN_POINTER - 60]}\N{HORIZONTAL ELLIPSIS}{path[-59:]}"
    return path


def escape_pointer(token: object) -> str:
    """Escape one reference token of a JSON Pointer (RFC 6901, section 3)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def _order_key(document: object, pointer: str, positions: dict[int, dict[str, int]]) -> tuple[int, ...]:
    """Where *pointer* falls in *document*, as a sortable tuple.

    *positions* caches each mapping's key positions (by the mapping's id), so
    that ordering many problems in one large mapping takes linear time.
    """
    key: list[int] = []
    node = document
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping):
            where = positions.get(id(node))
            if where is None:
                where = positions[id(node)] = {name: index for index, name in enumerate(node)}
            index = where.get(token)
            if index is None:
                key.append(len(where))
                break
            key.append(index)
            node = node[token]
        elif isinstance(node, list | tuple) and token.isascii() and token.isdigit() and int(token) < len(node):
            key.append(int(token))
            node = node[int(token)]
        else:
            break
    return tuple(key)


def sort_problems(document: object, problems: Iterable[Problem]) -> list[Problem]:
    """Put *problems* in document order and drop exact duplicates."""
    unique = list(dict.fromkeys(problems))
    positions: dict[int, dict[str, int]] = {}
    return sorted(unique, key=lambda p: (_order_key(document, p.path, positions), p.code != "missing-field"))
