"""Reading and writing the three file formats: JSON, TOML and YAML.

Parsing is strict where the formats are lenient: duplicate keys are an error
in every format (never a silent last-one-wins), JSON's ``NaN`` and
``Infinity`` are refused, and YAML is read with the safe loader only. Every
failure becomes a :class:`~backext.Problem` with a line and column where the
format tells them.
"""

from __future__ import annotations

import codecs
import functools
import json
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, NoReturn

import attrs

from ._i18n import N_
from ._limits import COUNTED_PAST_THE_LIMIT, DEFAULT_LIMITS, DEFAULT_MAX_BYTES, TOO_DEEP, Limits, Unreported, shorten
from ._messages import Message, Value
from ._problems import Problem, escape_pointer, problem


__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "SUFFIXES",
    "Format",
    "ParseFailure",
    "decode",
    "parse",
    "serialize",
]

#: A file format of a pack.
Format = Literal["json", "toml", "yaml"]

#: The formats a pack can be read from and written to.
FORMATS: tuple[Format, ...] = ("json", "toml", "yaml")

#: File name suffixes and the format each stands for.
SUFFIXES: dict[str, Format] = {".json": "json", ".toml": "toml", ".yaml": "yaml", ".yml": "yaml"}

#: The most digits of an integer read from a file. Longer integers are far
#: beyond any limit on numbers, and turning them into Python integers could
#: take time quadratic in their length.
MAX_INTEGER_DIGITS = 100


class ParseFailure(Exception):
    """A document could not be parsed; carries the problem (the first), and every problem found (*problems*).

    And *unreported*: the problems found past the most reported, only counted.
    """

    def __init__(self, problem: Problem, more: Sequence[Problem] = (), unreported: Unreported | None = None) -> None:
        self.problem = problem
        self.problems = [problem, *more]
        self.unreported = unreported or Unreported()
        super().__init__(str(problem))


# Translators: {format} is JSON, TOML or YAML; {detail} is the parser's own explanation, in English.
_INVALID = N_("invalid {format}: {detail}")


def _fail(
    code: str,
    template: str,
    values: Mapping[str, Value] | None = None,
    line: int | None = None,
    column: int | None = None,
    *,
    path: str = "",
) -> NoReturn:
    """Fail with the problem *code*, its message *template* (marked with ``N_``) filled with *values*.

    A parser's own explanation is data: it is inserted as it is, in English.
    """
    raise ParseFailure(problem(path, code, template, values, line=line, column=column))


#: Possessive repetition where the reader has it (Python 3.11 on): what a loop has passed is never tried again,
#: and the engine keeps no state for each turn (a string of a million escapes held some 100 MB of it).
POSSESSIVE = "+" if sys.version_info >= (3, 11) else ""

#: A JSON string, the loop unrolled: Python's ``re`` keeps state for each turn of a repeated group, so the
#: plain form ``"(?:[^"\\]|\\.)*"`` took about 120 bytes a character (2 GB for a 16 MiB string); possessive,
#: none for its escapes either. One left open runs to the end of the text (as a reader reads it, into the
#: string): else each of its escaped quotes would start the search again, in time quadratic in the text's length.
_JSON_STRING_PATTERN = (
    r'(?s:"[^"\\]*' + POSSESSIVE + r'(?:\\.[^"\\]*' + POSSESSIVE + ")*" + POSSESSIVE + r'(?:"|\\?\Z))'
)

#: A JSON string, to blank out before counting the commas and brackets outside strings.
_JSON_STRING = re.compile(_JSON_STRING_PATTERN)


def refuse_many_values(text: str, limits: Limits) -> None:
    """Refuse the JSON *text* before it is read if it certainly holds more values than ``limits.max_values``.

    Reading it would build them all first (16 MiB of ``[]`` is 5 million lists, over a gigabyte). Outside
    strings, each comma adds a value to its list or object, and each ``[`` and ``{`` is one: the larger count is
    never more than the values there are. A value takes two characters at least, so only a text of more than twice
    the limit, with that many commas or brackets in all, is counted: a clean pack pays two scans of its text.
    """
    most = limits.max_values
    if len(text) <= 2 * most or max(text.count(","), text.count("[") + text.count("{")) < most:
        return  # too short, or too few commas and brackets even counting those in strings: quickly told
    bare = _JSON_STRING.sub("", text)
    at_least = max(bare.count(",") + 1, bare.count("[") + bare.count("{"))
    if at_least > limits.max_values:
        from ._limits import TOO_MANY_VALUES, LimitExceeded  # noqa: PLC0415 - the error path only

        limit = limits.max_values
        raise LimitExceeded(problem("", "too-many-values", TOO_MANY_VALUES, {"limit": str(limit)}, count=limit))


def decode(data: bytes) -> str:
    """Decode UTF-8 *data* (a leading byte-order mark is allowed)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # Counted in characters, as every other position is (the bytes before the first bad one are UTF-8). The
        # codec reports the offset past a byte-order mark it has taken off.
        bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        index = error.start + bom
        before = data[bom:index].decode("utf-8")
        line, column = _line_column(before, len(before))
        _fail(
            "not-utf8",
            N_("the file is not UTF-8: byte {index} ({byte}) cannot be decoded"),
            {"index": str(index), "byte": f"0x{data[index]:02x}"},
            line,
            column,
        )


def _line_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of *offset* in *text*, lines ending at LF, CR LF or a CR alone."""
    before = text[:offset]
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return line, offset - start + 1


def parse(text: str, format: Format, limits: Limits = DEFAULT_LIMITS) -> object:  # noqa: A002 - the public name
    """Parse *text* in *format* into plain Python data."""
    try:
        return _PARSERS[format](text, limits)
    except RecursionError:
        pass
    return _too_deep(text, format, limits)  # out of the handler: the stack the reader filled is free again


def _too_deep(text: str, format: Format, limits: Limits) -> NoReturn:  # noqa: A002
    """Fail with the ``too-deep`` problem of a document too deep for its reader, where the nesting crosses the limit.

    The brackets nested deeper than one level past the limit are blanked
    out (:func:`_cut_deep`, a scan in a loop, not a recursion): what is left
    reads, and nests past the limit exactly where the document does, so its
    problem is the one a document read in full would have (the same pointer,
    message and place: the text keeps every offset). Where that fails (a
    syntax error as well, say), the bracket that goes too deep is named.
    """
    if format == "yaml":
        deep = _yaml_too_deep(text, limits)
        if deep is not None:
            raise ParseFailure(deep)
    cut = _cut_deep(text, format, limits.max_depth + 1)
    if cut is not None:
        from ._limits import LimitExceeded, check_document  # noqa: PLC0415 - the error path only
        from ._positions import locate  # noqa: PLC0415

        try:
            document = _PARSERS[format](cut, limits)
            # Only the depth is looked at: a document that fails to read is refused for its depth alone.
            only_depth = attrs.evolve(limits, max_string_length=len(cut) + 1, max_exercises=len(cut) + 1)
            check_document(document, only_depth, count_values=False)
        except LimitExceeded as exceeded:
            if exceeded.problem.code == "too-deep":
                [placed] = locate(cut, format, [exceeded.problem])
                raise ParseFailure(placed) from None
        except (ParseFailure, RecursionError):
            pass
    # The root table of a TOML document is a level its brackets do not show.
    line, column = _too_deep_at(text, format, limits.max_depth - (format == "toml"))
    _fail("too-deep", N_("the document is nested too deeply to read"), line=line, column=column)


def _yaml_too_deep(text: str, limits: Limits) -> Problem | None:
    """The ``too-deep`` problem of the YAML *text*, where it first nests past the limit (followed in a loop)."""
    from . import _yaml as strict  # noqa: PLC0415 - needs PyYAML, there already

    found = strict.too_deep(text, limits)
    if found is None:
        return None
    pointer, start, end = found
    line, column = _line_column(text, start)
    values: dict[str, Value] = {"limit": str(limits.max_depth)}
    made = problem(pointer, "too-deep", TOO_DEEP, values, count=limits.max_depth, line=line, column=column)
    if end is not None:
        end_line, end_column = _line_column(text, end)
        made = attrs.evolve(made, end_line=end_line, end_column=end_column)
    return made


def _cut_deep(text: str, format: Format, keep: int) -> str | None:  # noqa: A002
    """*text* with every bracket nested deeper than *keep* levels blanked out, with what it holds.

    Each such value becomes ``0`` and spaces, as long as it was, so that
    every offset stays. ``None`` where the format has no brackets to count
    (YAML). A loop over runs of brackets: linear in the text, whatever the depth.
    """
    pattern = _BRACKETS.get(format)
    if pattern is None:
        return None
    runs = pattern.replace(r"([\[{])|([\]}])", r"([\[{]+)|([\]}]+)")
    pieces: list[str] = []
    depth, done, start = 0, 0, -1  # the depth, the text copied up to, and where the value being blanked starts
    for found in re.finditer(runs, text):
        opened, closed = found.group(1), found.group(2)
        if opened is not None:
            if start < 0 and depth + len(opened) > keep:
                start = found.start() + max(keep - depth, 0)
            depth += len(opened)
        elif closed is not None:
            if start >= 0 and depth - len(closed) <= keep:
                end = found.start() + depth - keep  # past the bracket that closes the value blanked
                pieces.extend((text[done:start], "0", " " * (end - start - 1)))
                done, start = end, -1
            depth -= len(closed)
    if start >= 0:  # never closed: blanked to the end
        pieces.extend((text[done:start], "0", " " * (len(text) - start - 1)))
        done = len(text)
    pieces.append(text[done:])
    return "".join(pieces)


#: Strings (and TOML's comments), which may hold a bracket that is not one, and the brackets (groups 1 and 2).
#: Every string alternative ends at its closing quote, a line's end (TOML) or the text's end, so that each
#: always matches where it starts: an unterminated string never makes the scan go back over the text.
#: (Compiled on first use, as this module's other patterns: only a document in error needs them.)
_BRACKETS: dict[str, str] = {
    "json": r'"[^"\\]*(?:\\[\s\S]?[^"\\]*)*(?:"|\Z)|([\[{])|([\]}])',
    "toml": (
        r'"""[\s\S]*?(?:"""|\Z)|\'\'\'[\s\S]*?(?:\'\'\'|\Z)'
        r'|"[^"\\\n]*(?:\\[^\n]?[^"\\\n]*)*(?:"|(?=\n)|\Z)|\'[^\'\n]*(?:\'|(?=\n)|\Z)|#[^\n]*'
        r"|([\[{])|([\]}])"
    ),
}


def _too_deep_at(text: str, format: Format, max_depth: int) -> tuple[int | None, int | None]:  # noqa: A002
    """The line and column of the first bracket that opens more than *max_depth* levels, where one is found.

    Only for a document too deep for the parser to read at all: a scan of the text, linear in its length.
    """
    pattern = _BRACKETS.get(format)
    if pattern is None:
        return None, None
    depth = 0
    for found in re.finditer(pattern, text):
        if found.group(1) is not None:
            depth += 1
            if depth > max_depth:
                start = found.start()
                return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1
        elif found.group(2) is not None:
            depth -= 1
    return None, None


def _reject_constant(name: str, line: int | None = None, column: int | None = None, path: str = "") -> NoReturn:
    _fail("not-finite", N_("{name} is not allowed: numbers must be finite"), {"name": name}, line, column, path=path)


#: A JSON string, or one of the constants Python's decoder reads (group 1).
_JSON_CONSTANT = _JSON_STRING_PATTERN + r"|(-?(?:NaN|Infinity))"


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                _fail("duplicate-key", N_("the key {key} appears twice in one object"), {"key": repr(key)})
            seen.add(key)
    return result


def _too_many_digits(line: int | None = None, column: int | None = None, path: str = "") -> NoReturn:
    _fail(
        "number-out-of-range",
        N_("an integer with more than {digits} digits: far beyond the largest number allowed"),
        {"digits": str(MAX_INTEGER_DIGITS)},
        line,
        column,
        path=path,
    )


#: A JSON string, or an integer of more digits than a pack may hold (group 1): not part of a decimal number.
_JSON_LONG_INTEGER = _JSON_STRING_PATTERN + r"|(?<![\d.eE+-])(-?\d{" + str(MAX_INTEGER_DIGITS + 1) + r",})(?![\d.eE])"


def _long_integer_in_json(text: str) -> NoReturn:
    """Fail with the problem of the first integer of *text* that is too long, at its place (the hook is not told)."""
    found = next((m for m in re.finditer(_JSON_LONG_INTEGER, text) if m[1]), None)
    if found is None:  # pragma: no cover - the decoder found one
        _too_many_digits()
    line, column = _line_column(text, found.start(1))
    from ._positions import json_pointer_at  # noqa: PLC0415 - the error path only

    _too_many_digits(line, column, json_pointer_at(text, found.start(1)))


def _bounded_int(literal: str) -> int:
    if len(literal) > MAX_INTEGER_DIGITS:
        _too_many_digits()
    return int(literal)


def integer_hook() -> Callable[[str], int] | None:
    """A ``parse_int`` for :func:`json.loads` that refuses long integers, if Python's own limit does not.

    Python refuses to convert integers of more than 4300 digits unless a
    program lifted that limit; only then is a hook (which slows parsing)
    needed to keep the conversion quick.
    """
    get_limit = getattr(sys, "get_int_max_str_digits", None)
    if get_limit is not None and 0 < get_limit() <= _PYTHON_INT_DIGITS:
        return None
    return _bounded_int


_PYTHON_INT_DIGITS = 4300


def _parse_json(text: str, limits: Limits) -> object:
    try:
        return json.loads(
            text, object_pairs_hook=_json_pairs, parse_constant=_reject_constant, parse_int=integer_hook()
        )
    except json.JSONDecodeError as error:
        line, column = _line_column(text, error.pos)  # a CR alone ends a line too, as the positions count them
        # The reader's words end with the place ("Unterminated string starting at"): the place is the position.
        detail = error.msg.removesuffix(" at").removesuffix(" starting")
        _fail("syntax-error", _INVALID, {"format": "JSON", "detail": detail}, line, column)
    except ParseFailure as failure:
        if failure.problem.code == "duplicate-key":
            _every_json_duplicate(text, limits)
        if failure.problem.code == "number-out-of-range":
            _long_integer_in_json(text)
        if failure.problem.code != "not-finite":
            raise
        # The decoder's hook is not told where the constant is: the first one outside a string is it.
        found = next((m for m in re.finditer(_JSON_CONSTANT, text) if m[1]), None)
        if found is None:  # pragma: no cover - the decoder found one
            raise
        line = text.count("\n", 0, found.start(1)) + 1
        column = found.start(1) - (text.rfind("\n", 0, found.start(1)) + 1) + 1
        from ._positions import json_pointer_at  # noqa: PLC0415 - the error path only

        _reject_constant(found[1], line, column, json_pointer_at(text, found.start(1)))
    except ValueError as error:  # an integer with more digits than Python converts
        if "digits" in str(error):
            _long_integer_in_json(text)
        _fail(
            "syntax-error", _INVALID, {"format": "JSON", "detail": str(error)}
        )  # pragma: no cover - no other ValueError is known


def _every_json_duplicate(text: str, limits: Limits) -> None:
    """Fail with a problem for each key of the JSON *text* that appears twice in its object, at the key.

    As many as are reported (``max_problems``) are made; past them, those
    found are only counted, up to :data:`~backext._limits.COUNTED_PAST_THE_LIMIT`
    times as many, where the looking stops (the count is then "at least").
    """
    from ._positions import json_duplicates  # noqa: PLC0415 - the error path only

    keep = limits.max_problems
    most = keep + COUNTED_PAST_THE_LIMIT * keep + 1
    try:
        duplicates, number = json_duplicates(text, keep, most)
    except Exception:  # noqa: BLE001 - a text the reader cannot follow: the first duplicate stands alone
        return
    found = [
        attrs.evolve(
            problem(
                pointer,
                "duplicate-key",
                N_("the key {key} appears twice in one object"),
                {"key": repr(_last_token(pointer))},
                line=start[0],
                column=start[1],
            ),
            end_line=end[0],
            end_column=end[1],
        )
        for pointer, start, end in duplicates
    ]
    if found:
        unreported = Unreported(min(number, most - 1) - len(found), exact=number < most)
        raise ParseFailure(found[0], found[1:], unreported)


def _last_token(pointer: str) -> str:
    return pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")


_TOML_POSITION = r"\(at line (\d+), column (\d+)\)"


def _dotted_key(parts: int) -> re.Pattern[str]:
    """A TOML key of more than *parts* dotted parts, where a key may start.

    A key starts a line, or follows ``[``, ``{`` or ``,``.

    A string could hold such a run of dotted words after a comma too, and
    would be refused with it: a price worth paying against a reader that
    takes quadratic time on long keys, even misplaced ones.
    """
    part = r"""(?:[A-Za-z0-9_-]+|"[^"\\\n]*"|'[^'\n]*')"""
    return re.compile(rf"(?:^|[\[{{,])[ \t]*(?:{part}[ \t]*\.[ \t]*){{{parts},}}{part}", re.MULTILINE)


@functools.lru_cache(maxsize=8)
def _dotted_line(dots: int) -> re.Pattern[str]:
    """A line of at least *dots* dots (lines end at LF or CR): only such a line can hold a key of that many parts."""
    return re.compile(rf"(?:^|(?<=\r))(?:[^.\n\r]*\.){{{dots}}}", re.MULTILINE)


def _check_dotted_keys(text: str, limits: Limits) -> None:
    """Refuse keys of more dotted parts than objects may nest: Python's TOML reader takes quadratic time on them."""
    found = _dotted_key(limits.max_depth).search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        _fail(
            "too-deep",
            N_("a key of more than {depth} dotted parts: objects may nest at most that deep"),
            {"depth": str(limits.max_depth)},
            line,
            column,
        )


def _parse_toml(text: str, limits: Limits) -> object:
    # Imported here, as the TOML writer is: reading JSON need not pay for it.
    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib  # noqa: PLC0415
    if integer_hook() is not None and re.search(_LONG_DIGITS, text):
        _too_many_digits()
    # A key lies on one line: only a line with that many dots can hold one of too many parts.
    # Looked for line by line by a regular expression: splitting the text would make an object per line.
    if text.count(".") >= limits.max_depth and _dotted_line(limits.max_depth).search(text):
        _check_dotted_keys(text, limits)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = re.search(_TOML_POSITION, message)
        line, column = (int(found[1]), int(found[2])) if found else (None, None)
        if found is None and "(at end of document)" in message:  # where the text ends, as JSON and YAML say it
            line, column = _line_column(text, len(text))
            message = message.replace("(at end of document)", "").strip()
        message = _shorten_quoted(re.sub(_TOML_POSITION, "", message).strip())
        lowered = message.lower()
        duplicate = any(word in lowered for word in ("overwrite", "redefin", "twice", "duplicate"))
        twice = _toml_duplicate(text, line, tomllib.loads) if duplicate and line is not None else None
        if twice is not None and "inline" in lowered:  # the reader names the key inside the inline table
            detail: dict[str, Value] = {"format": "TOML", "detail": message}
            _fail("duplicate-key", _INVALID, detail, line, column, path=twice[0])
        if twice is not None:
            pointer, key, column = twice
            values: dict[str, Value] = {"key": key}
            _fail("duplicate-key", N_("the key {key} appears twice in one object"), values, line, column, path=pointer)
        _fail(
            "duplicate-key" if duplicate else "syntax-error",
            _INVALID,
            {"format": "TOML", "detail": message},
            line,
            column,
        )
    except ValueError as error:  # an integer with more digits than Python converts
        if "digits" in str(error):
            _long_integer_in_json(text)
        _fail(
            "syntax-error", _INVALID, {"format": "TOML", "detail": str(error)}
        )  # pragma: no cover - no other ValueError is known


_TOML_HEADER = r"[ \t]*(\[\[?)(.*?)\]\]?[ \t]*(?:#.*)?\r?$"


def _toml_key(key: str, loads: Callable[[str], dict[str, Any]]) -> tuple[str, ...] | None:
    """The parts of the TOML key *key* (``a."b.c"`` is ``("a", "b.c")``), or ``None`` if it is not one."""
    try:
        node: object = loads(f"{key} = 0")
    except Exception:  # noqa: BLE001 - not a key
        return None
    parts: list[str] = []
    while isinstance(node, dict) and len(node) == 1:
        name, node = next(iter(node.items()))
        parts.append(name)
    return tuple(parts)


def _toml_duplicate(text: str, line: int, loads: Callable[[str], dict[str, Any]]) -> tuple[str, str, int] | None:
    """Where the key that TOML's reader found twice on *line* is: its pointer, its name and its column.

    Only on the error path. The tables declared before *line* give the
    pointer's start (an array of tables its index); the statement on the
    line, a header or a key, gives the rest.
    """
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    table: tuple[str, ...] = ()
    indexes: dict[tuple[str, ...], int] = {}  # the last index of each array of tables

    def pointer(parts: tuple[str, ...]) -> str:
        tokens = []
        for end in range(1, len(parts) + 1):
            tokens.append(escape_pointer(parts[end - 1]))
            if parts[:end] in indexes:
                tokens.append(str(indexes[parts[:end]]))
        return "".join(f"/{token}" for token in tokens)

    for before in lines[: line - 1]:
        header = re.match(_TOML_HEADER, before)
        parts = None if header is None else _toml_key(header[2], loads)
        if header is None or parts is None:
            continue
        if header[1] == "[[":
            indexes[parts] = indexes.get(parts, -1) + 1
            for nested in [known for known in indexes if known[: len(parts)] == parts and known != parts]:
                del indexes[nested]
        table = parts
    here = lines[line - 1]
    column = len(here) - len(here.lstrip(" \t")) + 1
    header = re.match(_TOML_HEADER, here)
    if header is not None:
        parts = _toml_key(header[2], loads)
        return None if not parts else (pointer(parts), shorten(header[2].strip()), column)
    key_text = here.split("=", 1)[0] if "=" in here else ""
    parts = _toml_key(key_text, loads)
    return None if not parts else (pointer(table + parts), shorten(key_text.strip()), column)


#: A string as Python writes it (``repr``), as TOML's reader quotes keys in its messages.
_PYTHON_STRING = re.compile(r"'[^'\\\n]*(?:\\.[^'\\\n]*)*'|\"[^\"\\\n]*(?:\\.[^\"\\\n]*)*\"")


def _shorten_quoted(message: str, at_most: int = 40) -> str:
    """The TOML reader's *message*, each string it quotes from the text cut as :func:`shorten` cuts one."""
    return _PYTHON_STRING.sub(
        lambda found: found[0] if len(found[0]) <= at_most else found[0][: at_most - 4] + found[0][0] + "…",
        message,
    )


#: A run of digits too long to be a number allowed (looked for only where Python's own limit is lifted).
_LONG_DIGITS = rf"[0-9_]{{{MAX_INTEGER_DIGITS + 1},}}"


def _yaml() -> Any:
    try:
        import yaml  # noqa: PLC0415 - optional dependency, imported when needed
    except ImportError:
        _fail("yaml-unavailable", N_("reading YAML needs PyYAML: install 'backext[yaml]'"))
    return yaml


def _parse_yaml(text: str, limits: Limits) -> object:
    yaml = _yaml()
    from . import _yaml as strict  # noqa: PLC0415 - needs PyYAML

    loader = None
    try:
        loader = strict.Loader(text, limits)
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        deep = _yaml_too_deep(text, limits) if error.problem == _LIBYAML_TOO_DEEP else None
        if deep is not None:  # libyaml's own bound, far past the limit: where the document crosses the limit
            raise ParseFailure(deep) from None
        first, *more = [_yaml_problem(text, found) for found in (error, *getattr(error, "backext_more", ()))]
        unreported = Unreported(getattr(error, "backext_unreported", 0), exact=getattr(error, "backext_exact", True))
        raise ParseFailure(first, more, unreported) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, such as a control character
        _unacceptable_character(text, error, from_bytes=strict.Loader is not strict.StrictLoader)
    except yaml.YAMLError as error:
        _fail("syntax-error", _INVALID, {"format": "YAML", "detail": str(error)})
    except RecursionError:
        raise
    except Exception as error:  # noqa: BLE001 - PyYAML's constructors raise ValueError, TypeError...
        # A value its tag cannot hold, should one escape the loader's own checks.
        _fail("syntax-error", _INVALID, {"format": "YAML", "detail": f"{type(error).__name__}: {str(error)[:200]}"})
    finally:
        if loader is not None:
            loader.dispose()
    return document


def _unacceptable_character(text: str, error: Any, *, from_bytes: bool) -> NoReturn:
    """Fail at the character that PyYAML's reader refuses (*error*, a ``ReaderError``), naming it.

    PyYAML's own reader counts the position in characters; libyaml counts it
    in bytes of the UTF-8 text (*from_bytes*).
    """
    offset = error.position
    if from_bytes:
        offset = len(text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "ignore"))
    line, column = _line_column(text, offset) if 0 <= offset <= len(text) else (None, None)
    detail = Message(
        # Translators: {character} is a Unicode code point, such as U+009D (a control character).
        template=N_("the character {character} is not allowed in YAML"),
        values={"character": f"U+{error.character:04X}"},
    )
    _fail("syntax-error", _INVALID, {"format": "YAML", "detail": detail}, line, column)


def _yaml_problem(text: str, error: Any) -> Problem:
    """The problem that the YAML reader's *error* (a ``MarkedYAMLError``) stands for."""
    mark = error.problem_mark
    # From the mark's offset: PyYAML counts NEL, U+2028 and U+2029 as line ends, which editors and the
    # positions of other problems do not.
    line, column = _line_column(text, mark.index) if mark is not None else (None, None)
    code = getattr(error, "backext_code", "syntax-error")
    if code == "syntax-error" and error.problem == _LIBYAML_TOO_DEEP:
        code = "too-deep"  # libyaml's own bound on nesting, far beyond max_depth
    detail: Value = getattr(error, "backext_message", None) or str(error.problem or error)  # ours, or PyYAML's
    if error.problem == _ANOTHER_DOCUMENT and line is not None:
        detail = Message(
            template=N_("a pack is a single document, but a second document starts at line {line}, column {column}"),
            values={"line": str(line), "column": str(column)},
        )
    path = getattr(error, "backext_path", "")
    if code in {"wrong-type", "too-large"} and isinstance(detail, Message):  # valid YAML, not a pack: said so
        return problem(path, code, detail.template, dict(detail.values), line=line, column=column)
    return problem(path, code, _INVALID, {"format": "YAML", "detail": detail}, line=line, column=column)


#: What PyYAML and libyaml say of a second document in the text.
_ANOTHER_DOCUMENT = "but found another document"

#: What libyaml says of a document nested more than 1,000 deep.
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


_PARSERS: dict[Format, Callable[[str, Limits], object]] = {
    "json": _parse_json,
    "toml": _parse_toml,
    "yaml": _parse_yaml,
}


def serialize(document: object, format: Format) -> str:  # noqa: A002 - the public name
    """Write plain Python data as *format* text."""
    if format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if format == "toml":
        import tomli_w  # noqa: PLC0415 - only needed to write TOML

        if not isinstance(document, dict):
            raise TypeError("a TOML document must be a table")
        return tomli_w.dumps(document)
    _yaml()  # refuses to write without PyYAML, as it refuses to read
    from . import _yaml as strict  # noqa: PLC0415 - needs PyYAML

    return strict.dump(document)
