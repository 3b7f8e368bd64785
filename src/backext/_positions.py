"""Where each value of a pack's text stands: line and column for every JSON Pointer.

Used on the error path only: a pack that loads cleanly never comes here. The
text is read a second time by a reader that keeps positions, and each
problem is given the line and column (and the end) of the value it points
at; of the key, for an unknown or duplicate key or a translation's bad
language tag; of the object, for a
missing field. JSON is read with the standard library's own string and
number scanners, YAML with PyYAML's composer (whose nodes carry marks), TOML
with a small reader written here (the standard reader keeps no positions);
``tests/test_positions.py`` checks each against the standard parser. Each
reader looks only along the pointers reported, and lines are counted only
as far as the last position given, so that a problem near the top of a
large file costs little to place.

A position is a half-open range of characters: the end column is that of
the first character past the value, as in SARIF.
"""

from __future__ import annotations

import contextlib
import functools
import json
import json.decoder
import json.scanner
import re
import sys
from collections.abc import Iterable
from typing import Any

import attrs

from ._formats import POSSESSIVE
from ._limits import DEFAULT_LIMITS, KEY_SURROGATE, KEY_TOO_LONG
from ._problems import Problem, escape_pointer


__all__ = ["Entry", "Index", "index_json", "index_toml", "index_yaml", "json_duplicates", "json_pointer_at", "locate"]

#: A range of characters: start offset and end offset in the text.
Range = tuple[int, int]


@attrs.define
class Entry:
    """Where one value stands: its own range, and its key's where it has one."""

    value: Range
    key: Range | None = None


@attrs.define
class Index:
    """The entries of a document by JSON Pointer, and the keys that appear twice (pointer and key range)."""

    entries: dict[str, Entry] = attrs.Factory(dict)
    duplicates: list[tuple[str, Range]] = attrs.Factory(list)


class _Lines:
    """Turns offsets in *text* into 1-based lines and columns, lines ending at LF, CR LF or a CR alone.

    Nothing is made per line: the line breaks are counted (by ``str.count``,
    in C) only between the offsets asked for, in increasing order, so that
    placing a few problems in a file of millions of lines costs one pass
    over the text up to the last of them, and no memory. An offset inside a
    CR LF stays on the line the CR ends.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.known: dict[int, tuple[int, int]] = {}

    def place(self, offsets: Iterable[int]) -> None:
        """Count the lines up to each of *offsets* (any order)."""
        text = self.text
        at, line, start = 0, 1, 0  # an offset, its line, and the offset where that line starts
        for offset in sorted(set(offsets) - self.known.keys()):
            if offset > at:
                breaks = (
                    text.count("\n", at, offset) + text.count("\r", at, offset) - text.count("\r\n", at, offset + 1)
                )
                if breaks:
                    line += breaks
                    start = _line_start(text, at, offset)
                at = offset
            self.known[offset] = (line, offset - start + 1)

    def position(self, offset: int) -> tuple[int, int]:
        if offset not in self.known:
            self.place([offset])
        return self.known[offset]


def _line_start(text: str, low: int, offset: int) -> int:
    """Where the line that *offset* lies on starts, a line break lying between *low* and *offset*."""
    newline = text.rfind("\n", low, offset)
    low = max(low, newline + 1)
    carriage = text.rfind("\r", low, offset)
    if carriage >= 0 and carriage + 1 == offset and text.startswith("\n", offset):  # inside a CR LF: its line
        carriage = text.rfind("\r", low, carriage)
    return max(newline, carriage) + 1


# --- JSON ------------------------------------------------------------------------------------------------------------

_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_LITERAL = re.compile(r"true|false|null|NaN|-?Infinity")


class _Enough(Exception):
    """Raised inside :func:`index_json` to stop reading."""


def index_json(text: str, wanted: frozenset[str] | None = None, *, most_duplicates: int | None = None) -> Index:
    """Index the JSON *text* (parsed already by :func:`json.loads`).

    With *wanted* (pointers and all their prefixes), only they are indexed:
    values elsewhere are skipped by the standard decoder, which is much
    quicker, and so is the rest of an object or a list once every value
    wanted in it is found (a problem at the start of a list of a million
    items costs little to place).

    With *most_duplicates*, only keys that appear twice are indexed, and the
    reading stops at the first *most_duplicates* of them: a text of millions
    of keys written twice costs no more than one of that many.
    """
    index = Index()
    with contextlib.suppress(_Enough):
        _index_json(text, None if most_duplicates is not None else wanted, index, most_duplicates)
    return index


def _index_json(text: str, wanted: frozenset[str] | None, index: Index, most_duplicates: int | None) -> None:
    skip = json.JSONDecoder(parse_int=len).raw_decode  # skipped, so never converted: a long integer costs nothing
    number = json.scanner.NUMBER_RE
    scanstring: Any = getattr(json.decoder, "scanstring")  # noqa: B009 - not in the type stubs
    inside: dict[str, int] = {}  # how many values wanted each object or list holds, not found yet
    for pointer in wanted or ():
        if pointer:
            parent = pointer.rsplit("/", 1)[0]
            inside[parent] = inside.get(parent, 0) + 1

    def space(pos: int) -> int:
        return _JSON_SPACE.match(text, pos).end()  # type: ignore[union-attr]

    def found(pointer: str) -> bool:
        """Whether every value wanted in the object or list at *pointer* is found, now that one more is."""
        left = inside.get(pointer)
        if left is None:
            return False
        inside[pointer] = left - 1
        return left == 1

    def value(pos: int, pointer: str, key: Range | None) -> int:
        start = pos
        char = text[pos]
        if wanted is not None and pointer not in wanted:
            return int(skip(text, pos)[1])
        if char == "{":
            seen: set[str] = set()
            pos = space(pos + 1)
            while text[pos] != "}":
                name, after = scanstring(text, pos + 1)
                child = f"{pointer}/{escape_pointer(name)}"
                if name in seen:
                    index.duplicates.append((child, (pos, after)))
                    if len(index.duplicates) == most_duplicates:
                        raise _Enough
                elif wanted is not None and child in wanted and found(pointer):
                    value(space(space(after) + 1), child, (pos, after))
                    pos = skip(text, start)[1] - 1  # nothing more wanted here: the rest at once
                    break
                seen.add(name)
                pos = space(value(space(space(after) + 1), child, (pos, after)))
                if text[pos] == ",":
                    pos = space(pos + 1)
            end = pos + 1
        elif char == "[":
            pos = space(pos + 1)
            item = 0
            while text[pos] != "]":
                child = f"{pointer}/{item}"
                if wanted is not None and child in wanted and found(pointer):
                    value(pos, child, None)
                    pos = skip(text, start)[1] - 1  # nothing more wanted here: the rest at once
                    break
                pos = space(value(pos, child, None))
                item += 1
                if text[pos] == ",":
                    pos = space(pos + 1)
            end = pos + 1
        elif char == '"':
            end = scanstring(text, pos + 1)[1]
        else:
            matched = number.match(text, pos) or _JSON_LITERAL.match(text, pos)
            if matched is None:
                raise ValueError(pos)
            end = matched.end()
        if most_duplicates is None and pointer not in index.entries:
            index.entries[pointer] = Entry((start, end), key)
        return end

    value(space(0), "", None)


def json_duplicates(text: str, keep: int, most: int) -> tuple[list[tuple[str, Range, Range]], int]:
    """The keys of the JSON *text* that appear twice in their object, looked for up to the first *most*.

    The first *keep* of them, each with its pointer and the line and column
    of its start and end; and how many were found in all.
    """
    duplicates = index_json(text, most_duplicates=most).duplicates
    placed = duplicates[:keep]
    lines = _Lines(text)
    lines.place(offset for _, where in placed for offset in where)
    return [(pointer, lines.position(start), lines.position(end)) for pointer, (start, end) in placed], len(duplicates)


def json_pointer_at(text: str, offset: int) -> str:
    """The pointer of the value of the JSON *text* that starts at *offset* (``""`` if none does).

    Only on the error path: the whole text is read again, positions kept.
    """
    try:
        entries = index_json(text).entries
    except Exception:  # noqa: BLE001 - a text the reader cannot follow: the document
        return ""
    return next((pointer for pointer, entry in entries.items() if entry.value[0] == offset), "")


# --- TOML ------------------------------------------------------------------------------------------------------------


class _Run:
    """A run of statements of a regular expression *body*, matched without memory per statement.

    Python's engine keeps a state for each repetition of a group it may
    have to go back into: ``(?:a|b)*`` over millions of comment lines took
    gigabytes. Nothing follows the run, so going back never helps: the run
    is possessive (``*+``, Python 3.11 on), or, before 3.11, matched a
    bounded number of statements at a time.
    """

    def __init__(self, body: str) -> None:
        self._whole = re.compile(f"(?:{body})*+") if sys.version_info >= (3, 11) else None
        self._some = re.compile(f"(?:{body}){{0,4096}}")

    def end(self, text: str, pos: int) -> int:
        """Where the run that starts at *pos* of *text* ends (*pos* itself, if none does)."""
        if self._whole is not None:
            whole = self._whole.match(text, pos)
            return pos if whole is None else whole.end()
        while True:  # pragma: no cover - exercised on Python 3.10 only
            some = self._some.match(text, pos)
            if some is None or some.end() == pos:
                return pos
            pos = some.end()


#: Blank lines, spaces and comments (each alternative takes one character at least, as the runs need).
_TOML_BLANK = _Run(r"[ \t\r\n]+|#[^\n]*[ \t\r\n]*")
_TOML_INLINE_SPACE = re.compile(r"[ \t]*")
_TOML_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
#: Multi-line basic, multi-line literal, basic and literal strings. Each is an "unrolled loop": a run of
#: ordinary characters is one step, and the alternatives exclude each other, so matching takes linear time.
#: Where the reader has possessive repetition (Python 3.11 on), the loops use it: a string ends at the first
#: quote that closes it, so nothing inside is ever tried again (:data:`backext._formats.POSSESSIVE`).
_ONCE = POSSESSIVE
_TOML_STRINGS = (
    re.compile(r'"""[^"\\]*' + _ONCE + r'(?:(?:\\[\s\S]|"(?!""))[^"\\]*' + _ONCE + ")*" + _ONCE + '"{3,5}'),
    re.compile(r"'''[^']*" + _ONCE + r"(?:'(?!'')[^']*" + _ONCE + ")*" + _ONCE + "'{3,5}"),
    re.compile(r'"[^"\\\n]*' + _ONCE + r'(?:\\.[^"\\\n]*' + _ONCE + ")*" + _ONCE + '"'),
    re.compile(r"'[^'\n]*'"),
)
_TOML_SCALAR = re.compile(r"[^\s,\]}#]+(?: [0-9]{2}:[^\s,\]}#]*)?")


def _toml_statement() -> str:
    """One statement that the reader need not look into, as a regular expression.

    Repeated (:data:`_TOML_SKIP`), it consumes blank lines, comments and
    assignments whose value is a string, a scalar or an array of those, all
    in the regular-expression engine. It stops at a header (``[``), at the
    end, or before an assignment of an inline table or of a nested array,
    which the reader then reads itself.

    An array must end with a ``]``, and the engine backtracks to find one:
    so a comment runs to the end of its line, and a scalar as far as it
    goes, or a ``]`` inside them could pass for the array's end.
    """
    strings = "|".join(pattern.pattern for pattern in _TOML_STRINGS)
    scalar = r"[^\s,\[\]{}#\"'][^\s,\]}#]*(?: [0-9]{2}:[^\s,\]}#]*)?(?![^\s,\]}#])"
    comment = r"#[^\n]*(?![^\n])"
    key_part = rf"(?:[A-Za-z0-9_-]+|{_TOML_STRINGS[2].pattern}|{_TOML_STRINGS[3].pattern})"
    key = rf"{key_part}(?:[ \t]*\.[ \t]*{key_part})*"
    flat_array = rf"\[(?:[ \t\r\n,]|{comment}|{strings}|{scalar})*\]"
    value = rf"(?:{strings}|{flat_array}|{scalar})"
    return rf"[ \t\r\n]+|{comment}|{key}[ \t]*=[ \t]*{value}"


_TOML_STATEMENT = _toml_statement()
_TOML_SKIP = _Run(_TOML_STATEMENT)


@functools.lru_cache(maxsize=64)
def _toml_skip_within(names: tuple[str, ...]) -> _Run:
    """:data:`_TOML_SKIP`, and the headers of tables inside the last table of the array of tables *names*.

    After ``[[exercises]]``, ``[exercises.hold]`` and ``[[exercises.steps]]``
    belong to that exercise; when it is of no interest, so are they. Only
    headers of bare names are passed over.
    """
    dotted = r"[ \t]*\.[ \t]*".join(map(re.escape, names))
    inside = rf"\[\[?[ \t]*{dotted}(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)+[ \t]*\]\]?"
    return _Run(f"{_TOML_STATEMENT}|{inside}")


#: A table's or an array of tables' header whose key has bare parts only (the usual case), with its opening
#: bracket(s) and dotted key as groups.
_TOML_PLAIN_HEADER = re.compile(r"(\[\[?)[ \t]*([A-Za-z0-9_-]+(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)*)[ \t]*\]\]?")


def _toml_string(token: str) -> str:
    if token.startswith("'"):
        return token[1:-1]
    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415 - only for quoted keys
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib  # noqa: PLC0415

    decoded: str = tomllib.loads(f"k = {token}")["k"]
    return decoded


def index_toml(text: str, pointers: Iterable[str] | None = None) -> Index:
    """Index the TOML *text* (parsed already by the standard reader).

    With *pointers*, only they and the tables they lie in are indexed, so
    that the cost follows what is asked for rather than the size of the
    document: the statements of a table that holds none of them are passed
    over by a regular expression (:func:`_toml_skip`), the headers of such
    tables are only counted, and reading stops once each pointer is found.
    """
    index = Index()
    wanted = None if pointers is None else _prefixes(pointers)
    remaining = None if pointers is None else set(pointers) - {""}  # not found yet, or not for good
    arrays: dict[tuple[object, ...], int] = {}  # arrays of tables: the last index of each
    defined: set[tuple[object, ...]] = set()

    def inline(pos: int) -> int:
        return _TOML_INLINE_SPACE.match(text, pos).end()  # type: ignore[union-attr]

    def blank(pos: int) -> int:
        return _TOML_BLANK.end(text, pos)

    def key(pos: int) -> tuple[int, list[tuple[str, Range]]]:
        parts: list[tuple[str, Range]] = []
        while True:
            pos = inline(pos)
            bare = _TOML_BARE_KEY.match(text, pos)
            if bare is not None and text[pos] not in "\"'":
                parts.append((bare.group(), (pos, bare.end())))
                pos = bare.end()
            else:
                quoted = _TOML_STRINGS[2].match(text, pos) or _TOML_STRINGS[3].match(text, pos)
                if quoted is None:
                    raise ValueError(pos)
                parts.append((_toml_string(quoted.group()), (pos, quoted.end())))
                pos = quoted.end()
            pos = inline(pos)
            if text.startswith(".", pos):
                pos += 1
            else:
                return pos, parts

    def pointer_of(path: Iterable[object]) -> str:
        return "".join(f"/{escape_pointer(part)}" for part in path)

    def resolve(names: list[str]) -> tuple[object, ...]:
        path: list[object] = []
        for name in names:
            path.append(name)
            last = arrays.get(tuple(path))
            if last is not None:
                path.append(last)
        return tuple(path)

    def record(path: tuple[object, ...], value: Range, key_range: Range | None) -> None:
        pointer = pointer_of(path)
        if wanted is None or pointer in wanted:
            index.entries.setdefault(pointer, Entry(value, key_range))

    def assignment(pos: int, table: tuple[object, ...]) -> int:
        pos, parts = key(pos)
        pos = inline(pos + 1)  # past "="
        for depth, (_, part_range) in enumerate(parts[:-1]):
            path = table + tuple(name for name, _ in parts[: depth + 1])
            record(path, (parts[0][1][0], parts[-1][1][1]), part_range)
        path = table + tuple(name for name, _ in parts)
        return value(pos, path, parts[-1][1])

    def value(pos: int, path: tuple[object, ...], key_range: Range | None) -> int:
        start = pos
        char = text[pos]
        if char == "[":
            pos = blank(pos + 1)
            item = 0
            while text[pos] != "]":
                pos = blank(value(pos, (*path, item), None))
                item += 1
                if text[pos] == ",":
                    pos = blank(pos + 1)
            end = pos + 1
        elif char == "{":
            pos = inline(pos + 1)
            while text[pos] != "}":
                pos = inline(assignment(pos, path))
                if text[pos] == ",":
                    pos = inline(pos + 1)
            end = pos + 1
        else:
            for pattern in _TOML_STRINGS if char in "\"'" else (_TOML_SCALAR,):
                found = pattern.match(text, pos)
                if found is not None:
                    end = found.end()
                    break
            else:
                raise ValueError(pos)
        pointer = pointer_of(path)
        if wanted is None or pointer in wanted:
            index.entries[pointer] = Entry((start, end), key_range)
        if remaining is not None:
            remaining.discard(pointer)
        return end

    def along(path: tuple[object, ...]) -> list[str]:
        """The pointers of *path* and of the tables it lies in, outermost first."""
        pointers, pointer = [], ""
        for part in path:
            pointer = f"{pointer}/{escape_pointer(part)}"
            pointers.append(pointer)
        return pointers

    def put(pointer: str, value: Range, key_range: Range | None) -> None:
        if wanted is None or pointer in wanted:
            index.entries.setdefault(pointer, Entry(value, key_range))

    paths = None if wanted is None else {_tokens(pointer) for pointer in wanted}
    met: set[tuple[str, ...]] = set()  # the tables that some header lies in, so far

    def concerns(table: tuple[object, ...]) -> bool:
        """Whether the header of *table* gives a wanted entry: its own, or the first of a table it lies in."""
        if paths is None:
            return True
        tokens = tuple(map(str, table))
        found = tokens in paths
        for depth in range(1, len(tokens)):
            outer = tokens[:depth]
            if outer not in met:
                met.add(outer)
                found = found or outer in paths
        return found

    def passed(pos: int) -> tuple[int, tuple[object, ...]] | None:
        """Past a header of plain names that concerns nothing wanted, counted: where it ends, and its table.

        ``None`` for any other header, which is read in full.
        """
        plain = _TOML_PLAIN_HEADER.match(text, pos)
        if plain is None:
            return None
        names = [name.strip(" \t") for name in plain[2].split(".")]
        if plain[1] == "[[":
            array = (*resolve(names[:-1]), names[-1])
            number = arrays.get(array, -1) + 1
            if concerns((*array, number)):
                return None
            arrays[array] = number
            # Nothing inside this table is wanted either: its statements and inner tables go by at once.
            return _toml_skip_within(tuple(names)).end(text, plain.end()), (*array, number)
        named = resolve(names)
        if concerns(named):
            return None
        defined.add(named)
        return plain.end(), named

    index.entries[""] = Entry((0, len(text)))
    table: tuple[object, ...] = ()
    reading = True  # whether the current table's statements are looked into
    pos = blank(0)
    while pos < len(text):
        if text.startswith("[", pos) and paths is not None and (counted := passed(pos)) is not None:
            pos, table = counted
            reading = False
        elif text.startswith("[[", pos):
            after, parts = key(pos + 2)
            names = [name for name, _ in parts]
            array = (*resolve(names[:-1]), names[-1])
            arrays[array] = arrays.get(array, -1) + 1
            table = (*array, arrays[array])
            header = (pos, text.index("]]", after) + 2)
            *outer, array_pointer, table_pointer = along(table)
            for pointer in outer:  # the tables it lies in, if no header names them
                put(pointer, header, None)
            put(array_pointer, header, parts[-1][1])
            put(table_pointer, header, parts[-1][1])
            if remaining is not None:  # for good: the array's first header, the table's only one
                remaining.difference_update((array_pointer, table_pointer))
            reading = wanted is None or table_pointer in wanted
            pos = header[1]
        elif text.startswith("[", pos):
            after, parts = key(pos + 1)
            table = resolve([name for name, _ in parts])
            header = (pos, text.index("]", after) + 1)
            *outer, table_pointer = along(table)
            for pointer in outer:
                put(pointer, header, None)
            if table not in defined:
                defined.add(table)
                if wanted is None or table_pointer in wanted:
                    index.entries[table_pointer] = Entry(header, parts[-1][1])
                if remaining is not None:
                    remaining.discard(table_pointer)
            reading = wanted is None or table_pointer in wanted
            pos = header[1]
        elif reading:
            pos = assignment(pos, table)
        else:
            pos = _TOML_SKIP.end(text, pos)
            if pos < len(text) and text[pos] != "[":  # an inline table or a nested array: read it
                pos = assignment(pos, table)
        if remaining is not None and not remaining:
            break
        pos = blank(pos)
    return index


def _tokens(pointer: str) -> tuple[str, ...]:
    """The reference tokens of *pointer*, unescaped."""
    return tuple(raw.replace("~1", "/").replace("~0", "~") for raw in pointer.split("/")[1:])


# --- YAML ------------------------------------------------------------------------------------------------------------


def index_yaml(text: str, pointers: Iterable[str]) -> Index:
    """Index the YAML *text* (loaded already by the strict loader) along *pointers*."""
    import yaml  # noqa: PLC0415 - only here, on the error path

    from ._yaml import compose  # noqa: PLC0415

    # The loader that read the text: libyaml's, where there is one, takes a tab wherever YAML allows one
    # (PyYAML's own scanner refuses ``key:\tvalue``, and no problem of the file would have a position).
    root = compose(text, DEFAULT_LIMITS)
    index = Index()
    if root is None:
        return index

    def span(node: Any) -> Range:
        return node.start_mark.index, node.end_mark.index

    def pairs(node: Any) -> list[tuple[Any, Any]]:
        """The key and value nodes of a mapping: its own first, then those it merges (``<<: *base``)."""
        own = [pair for pair in node.value if pair[0].tag != "tag:yaml.org,2002:merge"]
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                own.extend(pair for base in merged if isinstance(base, yaml.MappingNode) for pair in pairs(base))
        return own

    keys: dict[int, dict[str, tuple[Any, Any]]] = {}  # each mapping's keys and values, once one is looked into

    def named(node: Any) -> dict[str, tuple[Any, Any]]:
        """The key and value nodes of a mapping by the key's text: the first of each, as :func:`pairs` has them."""
        found = keys.get(id(node))
        if found is None:
            found = keys[id(node)] = {}
            for key_node, value_node in pairs(node):
                if isinstance(key_node, yaml.ScalarNode):
                    found.setdefault(key_node.value, (key_node, value_node))
        return found

    index.entries[""] = Entry(span(root))
    for pointer in pointers:
        node, walked = root, ""
        for raw in pointer.split("/")[1:]:
            token = raw.replace("~1", "/").replace("~0", "~")
            child, key_range = None, None
            if isinstance(node, yaml.MappingNode):
                pair = named(node).get(token)
                if pair is not None:
                    child, key_range = pair[1], span(pair[0])
            elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
                child = node.value[int(token)]
            if child is None:
                break
            node, walked = child, f"{walked}/{raw}"
            index.entries.setdefault(walked, Entry(span(node), key_range))
    return index


# --- Problems --------------------------------------------------------------------------------------------------------

#: Codes whose pointer names a key that should not be there: the key is shown, not its value.
_AT_KEY = frozenset({"unknown-field", "duplicate-key", "duplicate-locale"})

#: The one ``invalid-locale`` whose tag is a value; every other names a translation by its tag, a key.
_LOCALE_VALUE = "/default_locale"


def _prefixes(pointers: Iterable[str]) -> frozenset[str]:
    wanted = {""}
    for pointer in pointers:
        parts = pointer.split("/")
        wanted.update("/".join(parts[:end]) for end in range(2, len(parts) + 1))
    return frozenset(wanted)


def _index(text: str, fmt: str, problems: list[Problem]) -> Index:
    pointers = [p.path for p in problems]
    if fmt == "json":
        duplicates = any(p.code == "duplicate-key" and p.line is None for p in problems)
        return index_json(text, None if duplicates else _prefixes(pointers))
    if fmt == "toml":
        return index_toml(text, pointers)
    return index_yaml(text, pointers)


def locate(text: str, fmt: str, problems: list[Problem]) -> list[Problem]:
    """Give each of *problems* the line and column of what it points at in *text*, a document in *fmt*.

    Problems that have a line already keep it. If the text cannot be read
    again (it was refused before it was parsed, say), the problems are
    returned as they are.
    """
    if not problems or all(p.line is not None for p in problems):
        return problems
    if all(not p.path and p.code == "too-many-values" for p in problems if p.line is None):
        # Too many values to index: the document's start, without reading it all again.
        return [
            p if p.line is not None else attrs.evolve(p, line=1, column=1, end_line=1, end_column=1) for p in problems
        ]
    try:
        index = _index(text, fmt, problems)
    except Exception:  # noqa: BLE001 - a document that could not be parsed: the problems stand without positions
        return problems
    duplicates = iter(index.duplicates)
    found: list[tuple[Problem, Range | None, str | None]] = []  # each problem, where it stands, its new path
    for problem in problems:
        if problem.line is not None:
            found.append((problem, None, None))
            continue
        if problem.code == "duplicate-key" and not problem.path:
            duplicate = next(duplicates, None)
            found.append((problem, None, None) if duplicate is None else (problem, duplicate[1], duplicate[0]))
            continue
        pointer = problem.path
        while pointer not in index.entries and pointer:
            pointer = pointer.rsplit("/", 1)[0]
        entry = index.entries.get(pointer)
        if entry is None:
            # Nothing to point at (an empty document, or only comments): the whole document starts at its start.
            found.append((problem, (0, 0) if not pointer else None, None))
            continue
        where = entry.value
        at_key = (
            problem.code in _AT_KEY
            or (problem.code == "invalid-locale" and problem.path != _LOCALE_VALUE)
            or (
                problem.template is not None
                and problem.template.template in (KEY_SURROGATE, KEY_TOO_LONG, KEY_SURROGATE)
            )
        )
        if entry.key is not None and pointer == problem.path and at_key:
            where = entry.key
        elif entry.key is not None and (problem.code == "missing-field" or _breaks(text, entry.key[0], entry.value[0])):
            # An object, or a value starting below its key (a YAML block): from the key, which names it.
            where = (min(entry.key[0], entry.value[0]), max(entry.key[1], entry.value[1]))
        found.append((problem, where, None))
    # Lines are counted only as far as the last position reported: near the top of a large file, that is little.
    lines = _Lines(text)
    lines.place(offset for _, where, _ in found if where is not None for offset in where)
    result: list[Problem] = []
    for problem, at, path in found:
        if at is None:
            result.append(problem)
            continue
        (line, column), (end_line, end_column) = lines.position(at[0]), lines.position(at[1])
        result.append(
            attrs.evolve(
                problem,
                path=problem.path if path is None else path,
                line=line,
                column=column,
                end_line=end_line,
                end_column=end_column,
            )
        )
    return result


def _breaks(text: str, start: int, end: int) -> bool:
    """Whether a line ends between the offsets *start* and *end* of *text*."""
    return text.find("\n", start, end) >= 0 or text.find("\r", start, end) >= 0
