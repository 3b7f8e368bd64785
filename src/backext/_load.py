"""Loading packs from files, text, bytes or mappings, and dumping them."""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Union

import attrs

from . import _fastload as fastload
from . import _paths
from ._clean import links_clean
from ._formats import (
    FORMATS,
    SUFFIXES,
    Format,
    ParseFailure,
    decode,
    integer_hook,
    parse,
    refuse_many_values,
    serialize,
)
from ._i18n import N_
from ._limits import (
    COUNTED_PAST_THE_LIMIT,
    DEFAULT_LIMITS,
    Gathered,
    LimitExceeded,
    Limits,
    Unreported,
    check_document,
    shorten,
    truncate_problems,
)
from ._messages import Message
from ._migrations import migrate
from ._model import SCHEMA_VERSION, Pack, ensure_pack
from ._problems import Problem, problem, sort_problems
from ._wrong import WrongType, WrongValue
from .exceptions import PackError


__all__ = ["PackSource", "analyse_document", "checked", "dump_pack", "load_pack", "validate_pack"]

#: What :func:`load_pack` reads: a path, text or bytes (with ``format=``), or
#: an already parsed mapping.
PackSource = Union[str, bytes, "os.PathLike[str]", Mapping[str, object]]


def _format_for(name: str, format: str | None, *, shown: str | None = None) -> Format:  # noqa: A002
    """The format *format* names, or else the one of *name*'s suffix (said as *shown*, if given, in an error)."""
    if format is not None:
        if format not in FORMATS:
            raise ValueError(f"unknown format {shorten(str(format))}: expected one of {', '.join(FORMATS)}")
        return format
    suffix = _paths.suffix(name).lower()
    try:
        return SUFFIXES[suffix]
    except KeyError:
        said = name if shown is None else shown
        raise ValueError(
            f"{said if len(said) <= 200 else shorten(said, 200)}: cannot tell the format from the suffix "
            f"{shorten(suffix)}: "
            f"use .json, .toml, .yaml or .yml, or pass format="
        ) from None


def _unreadable(name: str, reason: str | Message) -> PackError:
    return PackError([problem("", "unreadable", N_("cannot read the file: {reason}"), {"reason": reason})], name)


#: A pack larger than the limit, before it is read whole (or, in YAML, once its aliases are expanded).
MORE_BYTES = N_("the pack has more than {limit} bytes; the limit is {limit}")


def _too_large(name: str, max_bytes: int, size: int | None = None) -> PackError:
    if size is None:
        found = problem("", "too-large", MORE_BYTES, {"limit": str(max_bytes)})
    else:
        found = problem(
            "",
            "too-large",
            N_("the pack has {size} bytes; the limit is {limit}"),
            {"size": str(size), "limit": str(max_bytes)},
        )
    return PackError([found], name)


def _looks_like_text(source: str) -> bool:
    """Whether a :class:`str` given without a format is surely a pack's text, not a path."""
    return "\n" in source or source.lstrip().startswith(("{", "[")) or len(source) > 4096


def _read_file(path: str, name: str, format: str | None, max_bytes: int) -> tuple[str, Format, bytes]:  # noqa: A002
    """Read a regular file of at most *max_bytes* bytes; never wait on a FIFO or a device.

    Raises:
        PackError: If the file cannot be read, is not a regular file, or is too large.
        ValueError: If its format cannot be told from its suffix.
    """
    fmt: Format | None = None

    def checked() -> None:
        nonlocal fmt
        fmt = _format_for(path, format, shown=name)  # the path's own suffix: the name shown may be cut short

    try:
        data = read_regular_file(path, max_bytes, checked)
    except UnreadableFileError as error:
        if error.too_large:
            raise _too_large(name, max_bytes, error.size) from None
        raise _unreadable(name, error.reason) from None
    assert fmt is not None  # noqa: S101 - checked() ran before any byte was read
    return name, fmt, data


class UnreadableFileError(Exception):
    """A file that :func:`read_regular_file` does not read: why, and its size if it is too large.

    The reason is the system's words (``strerror``) or ours, as a message to say in any language.
    """

    def __init__(self, reason: str | Message, *, too_large: bool = False, size: int | None = None) -> None:
        super().__init__(reason if isinstance(reason, str) else reason.render())
        self.reason = reason
        self.too_large = too_large
        self.size = size


def read_regular_file(path: str, max_bytes: int, checked: Callable[[], None] | None = None) -> bytes:
    """The bytes of the regular file *path*, at most *max_bytes*: the one rule for every file backext reads.

    A directory, a FIFO, a socket or a device is refused at once (a FIFO is
    opened without waiting for a writer), and so is a file larger than
    *max_bytes*, which is never read whole. *checked* runs once the file is
    known to be a regular one, before it is opened.

    Raises:
        UnreadableFileError: If the file cannot be read, is not a regular file, or is too large.
    """
    not_regular = Message(template=N_("it is not a regular file (a pipe, a socket or a device)"))
    try:
        kind = os.stat(path).st_mode  # noqa: PTH116 - pathlib is slow to import
    except ValueError:  # a NUL character: no file has such a name
        raise UnreadableFileError(Message(template=N_("the path contains a NUL character"))) from None
    except OSError as error:
        raise UnreadableFileError(error.strerror or str(error)) from None
    if stat.S_ISDIR(kind):
        raise UnreadableFileError(Message(template=N_("it is a directory")))
    if not stat.S_ISREG(kind):
        raise UnreadableFileError(not_regular)
    if checked is not None:
        checked()
    chunks: list[bytes] = []
    total = 0
    try:
        # Opened without waiting: a FIFO swapped in after the check above must not block.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # pragma: no cover - replaced since the check
                raise UnreadableFileError(not_regular)
            size = os.fstat(descriptor).st_size
            if size > max_bytes:
                raise UnreadableFileError("too large", too_large=True, size=size)
            while chunk := os.read(descriptor, min(_CHUNK, max_bytes + 1 - total)):
                chunks.append(chunk)
                total += len(chunk)
                if total > max_bytes:
                    raise UnreadableFileError("too large", too_large=True)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise UnreadableFileError(error.strerror or str(error)) from None
    return b"".join(chunks)


def _path_text(source: str | os.PathLike[str]) -> str:
    """*source* written as ``str(pathlib.Path(source))`` writes it (:mod:`._paths`): the file to open and its name.

    Raises:
        TypeError: If *source* is a :class:`os.PathLike` whose ``__fspath__`` gives no :class:`str`.
    """
    try:
        text = os.fspath(source)
    except TypeError:
        text = None
    if type(text) is not str:  # not a plain path: pathlib says what it makes of it, or what is wrong
        from pathlib import Path  # noqa: PLC0415

        try:
            text = str(Path(source))
        except TypeError as error:  # a PathLike whose __fspath__ gives no str
            raise TypeError(f"cannot read a pack from {type(source).__name__}: {error}") from None
    return _paths.normalized(text)


#: Files are read this many bytes at a time, so that a high limit reserves no memory of its own.
_CHUNK = 1 << 20


def _read(source: PackSource, format: str | None, max_bytes: int) -> tuple[str, Format, bytes] | Mapping[str, object]:  # noqa: A002
    """The display name, format and bytes of *source*, or *source* itself if it is a mapping.

    Raises:
        PackError: If the file cannot be read or is too large.
        ValueError: If the format is unknown, or cannot be told.
        TypeError: If *source* is of a type that cannot hold a pack.
    """
    if isinstance(source, Mapping):
        return source if type(source) is dict else dict(source)  # any mapping: read as the object it stands for
    if isinstance(source, bytes):
        name, data = "<bytes>", source
    elif isinstance(source, str) and format is not None:
        name = "<string>"
        if len(source) > max_bytes:  # each character is at least one byte
            raise _too_large(name, max_bytes)
        data = source.encode("utf-8", "surrogatepass")
    elif isinstance(source, str) and _looks_like_text(source):
        raise ValueError("this str looks like a pack's text, not a path: pass format='json', 'toml' or 'yaml'")
    elif isinstance(source, (str, os.PathLike)):
        path = _path_text(source)
        name = path if len(path) <= 1000 else path[:997] + "..."
        return _read_file(path, name, format, max_bytes)
    else:
        raise TypeError(f"cannot read a pack from {type(source).__name__}")
    if format is None:
        raise ValueError("pass format='json', 'toml' or 'yaml' to read a pack from text or bytes")
    fmt = _format_for(name, format)
    if len(data) > max_bytes:
        raise _too_large(name, max_bytes)
    return name, fmt, data


def _analyse_source(
    source: PackSource,
    format: str | None,  # noqa: A002
    limits: Limits,
    *,
    files: bool = False,
) -> tuple[str, Pack | None, list[Problem], Unreported]:
    """Read, parse, structure and check *source*: its display name, the pack (if built), every problem listed.

    And how many more problems were found than are listed (past the most
    reported, only counted).

    With *files*, a pack read from a file has the pictures it names in the
    file's folder checked too (:func:`backext._addresses.check_media_files`).

    Raises:
        PackError: If *source* cannot be read or parsed, or crosses a limit before it is structured (or if
            the memory runs out, as a last resort: ``unreadable``).
    """
    read = _read(source, format, limits.max_bytes)
    name = "<mapping>" if isinstance(read, Mapping) else read[0]
    try:
        return _analyse_read(read, source, format, limits, files=files)
    except MemoryError:
        # A last resort: the limits keep any pack far from it, but a process may be given little memory.
        raise _unreadable(name, os.strerror(errno.ENOMEM)) from None


_PLAIN = (dict, list, str, int, float, bool, type(None))


def _not_plain(document: object) -> bool:
    """Whether *document* holds a value of a type JSON does not give: an ``OrderedDict``, a ``str`` subclass..."""
    seen: set[int] = set()
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if type(node) not in _PLAIN:
            return True
        if type(node) in (dict, list) and id(node) not in seen:
            seen.add(id(node))
            stack.extend(node.values() if type(node) is dict else node)
    return False


def _plain(document: object) -> object:
    """A copy of *document* with every mapping a ``dict``, list a ``list``, string a ``str``, number a plain one.

    A mapping from Python may hold an ``OrderedDict``, a ``dict`` or ``str`` subclass or a ``str`` enum member:
    the values a JSON document holds, in other types. A part shared stays shared; the caller's data is not
    changed. Only after :func:`check_document` bounded its size and depth.
    """
    copies: dict[int, Any] = {}

    def copy(value: object) -> Any:
        if type(value) in (int, float, bool, type(None)) or type(value) is str:
            return value
        if id(value) in copies:
            return copies[id(value)]
        if isinstance(value, Mapping):
            made: Any = {}
        elif isinstance(value, (list, tuple)):
            made = []
        elif isinstance(value, str):
            return str.__str__(value)
        elif isinstance(value, int) and not isinstance(value, bool):  # an IntEnum member, an int subclass
            return int(value)
        elif isinstance(value, float):
            return float(value)
        else:
            return value  # a set, bytes...: the checks say what is wrong with it
        copies[id(value)] = made
        pending.append((value, made))
        return made

    pending: list[tuple[Any, Any]] = []
    root = copy(document)
    while pending:
        value, made = pending.pop()
        if isinstance(made, dict):
            for key, item in value.items():
                made[str.__str__(key) if isinstance(key, str) else key] = copy(item)
        else:
            made.extend(copy(item) for item in value)
    return root


def _analyse_read(
    read: tuple[str, Format, bytes] | Mapping[str, object],
    source: PackSource,
    format: str | None,  # noqa: A002
    limits: Limits,
    *,
    files: bool,
) -> tuple[str, Pack | None, list[Problem], Unreported]:
    """:func:`_analyse_source` of what :func:`_read` has read of *source*."""
    if isinstance(read, Mapping):
        name = "<mapping>"
        try:
            # A mapping may share objects, or contain itself: count what it stands for.
            check_document(read, limits, count_values=True)
        except LimitExceeded as exceeded:
            raise PackError([exceeded.problem], name) from None
        gathered = Gathered(limits.max_problems)
        built, problems, unreported = _analyse(read, limits, gathered)
        if problems and _not_plain(read):  # an OrderedDict, a str subclass: read again as the JSON values they are
            gathered = Gathered(limits.max_problems)
            built, problems, unreported = _analyse(_plain(read), limits, gathered)
        return name, built, problems, gathered.unreported(unreported)
    folder = None
    if files and (isinstance(source, os.PathLike) or (isinstance(source, str) and format is None)):
        folder = os.path.dirname(_path_text(source)) or "."  # noqa: PTH120 - pathlib is slow to import
    name, fmt, data = read
    text = None
    gathered = Gathered(limits.max_problems)
    try:
        text = decode(data)
        if fmt == "json":
            refuse_many_values(text, limits)
            fast = _fast_json(text, data)
            if fast is not None:
                problems = _with_files(fast[1].value, folder, checked(fast[1], limits, fast[0], gathered), gathered)
                placed = _placed(text, fmt, problems, limits.max_problems)
                return name, fast[1].value, placed, gathered.unreported()
            document = parse(text, fmt, limits)
        else:
            # TOML and YAML refuse duplicate keys as they parse: only the structuring can be quicker.
            document = parse(text, fmt, limits)
            structured = _fast_structure(document)
            if structured is not None:
                problems = checked(structured, limits, document, gathered)
                problems = _with_files(structured.value, folder, problems, gathered)
                placed = _placed(text, fmt, problems, limits.max_problems)
                return name, structured.value, placed, gathered.unreported()
        # Read from text: a YAML alias, the one way a file shares a part, was counted as the file was read.
        check_document(document, limits, count_values=True, shared=False)
    except (ParseFailure, LimitExceeded) as failure:
        problems = failure.problems if isinstance(failure, ParseFailure) else [failure.problem]
        unreported = failure.unreported if isinstance(failure, ParseFailure) else Unreported()
        if text is not None:
            problems = _placed(text, fmt, problems, limits.max_problems)
        raise PackError(truncate_problems(problems, limits.max_problems, unreported), name) from None
    built, problems, unreported = _analyse(document, limits, gathered, folder)
    problems = _with_files(built, folder, problems, gathered)
    return name, built, _placed(text, fmt, problems, limits.max_problems), gathered.unreported(unreported)


def _with_files(pack: Pack | None, folder: str | None, problems: list[Problem], gathered: Gathered) -> list[Problem]:
    """*problems*, and those of the pictures that *pack* names in *folder* (if both are known), in *gathered*."""
    if pack is None or folder is None or gathered.done:
        return problems
    from ._addresses import check_media_files  # noqa: PLC0415 - only for a pack read from a file

    listed = list(problems)  # a copy: *problems* may be the gathered list itself, which grows below
    before = len(gathered.kept)
    check_media_files(pack, folder, gathered)
    return [*listed, *gathered.kept[before:]]


def _placed(text: str, fmt: Format, problems: list[Problem], limit: int) -> list[Problem]:
    """*problems* with the line and column of each in *text*; nothing is done (or imported) when there is none.

    Only the problems that can be reported (the first *limit*, errors
    first, as :func:`~backext._limits.truncate_problems` keeps them) are
    placed: a pack with a hundred thousand warnings costs no more to place
    than one with a thousand.
    """
    if not problems:
        return problems
    from ._positions import locate  # noqa: PLC0415 - the error path only

    if len(problems) <= limit:
        return locate(text, fmt, problems)
    kept = sorted(sorted(range(len(problems)), key=lambda index: (problems[index].severity != "error", index))[:limit])
    out = list(problems)
    for index, placed in zip(kept, locate(text, fmt, [problems[index] for index in kept]), strict=True):
        out[index] = placed
    return out


#: The JSON escape of a surrogate (``\ud800``): alone, it makes a string UTF-8 cannot hold.
_SURROGATE_ESCAPE = r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}"  # compiled on first use: only for a text with an escape


def _fast_json(text: str, data: bytes) -> tuple[dict[str, object], fastload.Structured[Pack]] | None:
    """The document and pack in the JSON *text* if it is well-formed, has no duplicate key and structures."""
    if "\\u" in text and re.search(_SURROGATE_ESCAPE, text):  # perhaps a lone surrogate: the exact way finds it
        return None
    try:
        document = json.loads(text, parse_int=integer_hook())
    except Exception:  # noqa: BLE001 - any failure: the exact path will say what it is
        return None
    structured = _fast_structure(document)
    if structured is None or not fastload.json_has_no_duplicates(data, structured.entries):
        return None
    return document, structured


def _fast_structure(document: object) -> fastload.Structured[Pack] | None:
    """The pack in a parsed *document* of the current schema version, if the generated code builds it.

    ``None`` means "not here": the document, checked against the limits
    first, goes the exact way, which says what is wrong.
    """
    if type(document) is not dict or document.get("schema_version", SCHEMA_VERSION) != SCHEMA_VERSION:
        return None
    if "$schema" in document:  # the schema an editor checks the pack with: not part of the pack
        if type(document["$schema"]) is not str:
            return None
        del document["$schema"]
    try:
        return fastload.structure(document, Pack)
    except Exception:  # noqa: BLE001 - any failure: the exact path will say what it is
        return None


def analyse_document(document: object, limits: Limits = DEFAULT_LIMITS) -> tuple[Pack | None, list[Problem]]:
    """Structure and check parsed data: the pack (if it could be built) and every problem, in document order.

    The document must be within *limits* already (see :func:`~backext._limits.check_document`).
    """
    return _analyse(document, limits)[:2]


def _analyse(
    document: object, limits: Limits, gathered: Gathered | None = None, folder: str | None = None
) -> tuple[Pack | None, list[Problem], Unreported]:
    """:func:`analyse_document`, and how many more problems were found than are listed (past the most reported).

    With *gathered*, the problems are gathered there too, in bounded memory
    (see :class:`~backext._limits.Gathered`): those listed are those it kept,
    and the count is its own and the structuring's. With *folder* (and
    *gathered*), a pack refused for unknown fields alone has the pictures it
    names checked there too, as a valid one has by :func:`_with_files`.
    """
    if not isinstance(document, dict):
        wrong = WrongType(N_("an object"), document)
        return None, [Problem(path="", code="wrong-type", message=str(wrong), template=wrong.template)], Unreported()
    document = dict(document)
    named = document.pop("$schema", "")  # the schema an editor checks the pack with: not part of the pack
    if not isinstance(named, str):  # null too, as the JSON Schema says
        wrong = WrongType(N_("a string"), named)
        return (
            None,
            [Problem(path="/$schema", code="wrong-type", message=str(wrong), template=wrong.template)],
            Unreported(),
        )
    document, problems = migrate(document)
    if problems:
        return None, problems, Unreported()
    try:
        structured = fastload.structure(document, Pack)
    except Exception:  # noqa: BLE001 - any failure: structure again, collecting every problem
        # cattrs is imported only here, when something is wrong: a clean pack loads without it.
        from cattrs.errors import BaseValidationError  # noqa: PLC0415

        from ._converter import ERROR_BUDGET, converter, problems_from_exception  # noqa: PLC0415

        budget = [limits.max_problems, 0, COUNTED_PAST_THE_LIMIT * limits.max_problems, 0]
        token = ERROR_BUDGET.set(budget)
        try:
            pack = converter.structure(document, Pack)
        except (BaseValidationError, WrongType, WrongValue) as error:
            problems = problems_from_exception(error, gathered=gathered, document=document)
            problems = _beyond_unknown_fields(document, problems, limits, gathered, folder)
            return None, sort_problems(document, problems), Unreported(budget[1], exact=not budget[3])
        finally:
            ERROR_BUDGET.reset(token)
        # Not reached while the fast path refuses only what the converter refuses (tests/test_fastload.py).
        from ._checks import check_pack  # noqa: PLC0415  # pragma: no cover - as below

        return (  # pragma: no cover
            pack,
            sort_problems(document, check_pack(pack, limits, gathered)),
            Unreported(budget[1], exact=not budget[3]),
        )
    return structured.value, sort_problems(document, checked(structured, limits, gathered=gathered)), Unreported()


def _beyond_unknown_fields(
    document: dict[str, Any], problems: list[Problem], limits: Limits, gathered: Gathered | None, folder: str | None
) -> list[Problem]:
    """*problems*, and, where they are all unknown fields, the problems of the pack without those fields.

    A misspelt key is the commonest mistake in a pack written by hand; the content, ladder and safety checks
    of everything else still say what they find, in the same run, rather than after the key is fixed.
    """
    if not problems or any(p.code != "unknown-field" for p in problems) or len(problems) >= limits.max_problems:
        return problems
    from ._converter import converter  # noqa: PLC0415

    trimmed = _without(document, [p.path for p in problems])
    if trimmed is None:
        return problems
    try:
        pack = converter.structure(trimmed, Pack)
    except Exception:  # noqa: BLE001 - something else wrong as well: the unknown fields are all that is said
        return problems
    from ._checks import check_pack  # noqa: PLC0415

    found = list(problems)  # a copy: *problems* may be the gathered list itself, which grows below
    seen = {id(p) for p in found}
    found += [p for p in check_pack(pack, limits, gathered) if id(p) not in seen]
    if gathered is not None:
        found = _with_files(pack, folder, found, gathered)
    return found


def _without(document: dict[str, Any], pointers: list[str]) -> dict[str, Any] | None:
    """*document* without the keys at *pointers* (containers along the way copied), or ``None`` if one is not there."""
    root: dict[str, Any] = dict(document)
    copied: dict[tuple[str, ...], Any] = {(): root}
    for pointer in pointers:
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
        node: Any = root
        for depth, token in enumerate(tokens[:-1]):
            key: Any = int(token) if isinstance(node, list) and token.isdigit() else token
            try:
                child = node[key]
            except (KeyError, IndexError, TypeError):
                return None
            path = tuple(tokens[: depth + 1])
            if path not in copied:
                if not isinstance(child, (dict, list)):
                    return None
                copied[path] = dict(child) if isinstance(child, dict) else list(child)
                node[key] = copied[path]
            node = copied[path]
        if not tokens or not isinstance(node, dict) or tokens[-1] not in node:
            return None
        del node[tokens[-1]]
    return root


#: The limits that the fast loader's proof of cleanliness assumes (see :mod:`backext._clean`); a pack
#: the model can hold nests far less deep than the default ``max_depth``, but not less than any depth asked for.
_PROVEN_LIMITS = ("max_string_length", "max_number", "max_ladder_rungs", "max_session_cues", "max_depth")


def checked(
    structured: fastload.Structured[Pack],
    limits: Limits = DEFAULT_LIMITS,
    document: object = None,
    gathered: Gathered | None = None,
) -> list[Problem]:
    """Every problem of a pack the fast loader built (usually none, which is quick to prove).

    *document*, if given, is the JSON it was built from, which has not been
    checked against the limits yet: it is, if the pack is not proved clean.
    With *gathered*, the problems are gathered there, in bounded memory, and
    those it keeps are returned (see :class:`~backext._limits.Gathered`).

    Raises:
        LimitExceeded: If *document* crosses a limit.
    """
    pack = structured.value
    if (
        structured.clean
        and len(pack.exercises) <= limits.max_exercises
        and (limits is DEFAULT_LIMITS or all(getattr(limits, n) >= getattr(DEFAULT_LIMITS, n) for n in _PROVEN_LIMITS))
        and links_clean(pack, locales=structured.locales, plain=structured.plain)
    ):
        return []
    if document is not None:
        check_document(document, limits, count_values=True)
    from ._checks import check_pack  # noqa: PLC0415 - the detailed checks: only for a pack not proved clean

    return check_pack(pack, limits, gathered)


def _limits(limits: Limits | None, max_bytes: int | None) -> Limits:
    if limits is not None and not isinstance(limits, Limits):
        raise TypeError(f"limits must be a backext.Limits or None, not {type(limits).__name__}")
    chosen = DEFAULT_LIMITS if limits is None else limits
    if max_bytes is not None and max_bytes != chosen.max_bytes:
        chosen = attrs.evolve(chosen, max_bytes=max_bytes)
    return chosen


def validate_pack(
    source: PackSource,
    *,
    format: str | None = None,  # noqa: A002 - the public name
    max_bytes: int | None = None,
    limits: Limits | None = None,
) -> list[Problem]:
    """Return every problem of a pack, errors and warnings, without raising for bad content.

    It reads the same sources as :func:`load_pack`. A file that cannot be
    read, a syntax error, a wrong type: all are problems in the list, in
    document order (by line and column, errors and warnings together; for a
    mapping, which has no lines, in the order of the values they point at),
    each with a JSON Pointer that resolves in the parsed document. A problem
    without a place, such as the warning that some were left out, comes
    last. An empty list means a valid pack without warnings.

    Whatever the source holds, the answer comes in a bounded time and
    memory: input beyond *limits* is a problem too (see
    :doc:`/limits`), and at most ``limits.max_problems`` problems are listed.

    Raises:
        ValueError: If *format* is unknown or cannot be told from the suffix,
            or a :class:`str` that is a pack's text is given without *format*.
        TypeError: If *source* is of a type that cannot hold a pack.

    Example:
        >>> import backext
        >>> for problem in backext.validate_pack('{"id": "My Pack"}', format="json"):
        ...     print(problem)
        1:1: error missing-field: the required field 'title' is missing (at "")
        1:1: error missing-field: the required field 'version' is missing (at "")
        1:1: error missing-field: the required field 'exercises' is missing (at "")

    .. versionadded:: 0.1.0
    """
    chosen = _limits(limits, max_bytes)
    try:
        _, _, problems, unreported = _analyse_source(source, format, chosen, files=True)
    except PackError as error:
        return _in_text_order(error.problems)  # at most the most reported already, and a warning that counts the rest
    return _in_text_order(truncate_problems(problems, chosen.max_problems, unreported))


def _in_text_order(problems: Iterable[Problem]) -> list[Problem]:
    """*problems* by line and column, those without a place last; otherwise in their order (the sort is stable)."""
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0, p.column or 0))


def load_pack(
    source: PackSource,
    *,
    format: str | None = None,  # noqa: A002 - the public name
    max_bytes: int | None = None,
    limits: Limits | None = None,
) -> Pack:
    """Load a pack from a file, text, bytes or an already parsed mapping.

    Args:
        source: A path (:class:`str` or :class:`os.PathLike`; the format comes
            from the suffix: ``.json``, ``.toml``, ``.yaml`` or ``.yml``), the
            text or bytes of a pack (then *format* is required), or a mapping
            parsed already.
        format: ``"json"``, ``"toml"`` or ``"yaml"``. With a :class:`str`
            *source*, giving a format means the string is the pack's text,
            not a path.
        max_bytes: Files or texts larger than this are refused before they
            are parsed; the default is ``limits.max_bytes`` (16 MiB).
        limits: The bounds on size, nesting, strings, numbers, exercises,
            ladders and problems reported (see :class:`~backext.Limits` and
            :doc:`/limits`); by default ``Limits()``.

    Returns:
        The pack, structured and checked.

    Raises:
        PackError: If the pack cannot be read, parsed, crosses a limit, or is
            invalid. Its ``problems`` list every error at once (up to
            ``limits.max_problems``), each with a JSON Pointer.
        ValueError: If *format* is unknown or cannot be told from the suffix,
            or a :class:`str` that is a pack's text is given without *format*.
        TypeError: If *source* is of a type that cannot hold a pack.

    Example:
        >>> import backext
        >>> pack = backext.load_pack(backext.dump_pack(backext.builtin_pack()), format="json")
        >>> pack == backext.builtin_pack()
        True

    .. versionadded:: 0.1.0
    """
    chosen = _limits(limits, max_bytes)
    name, pack, problems, unreported = _analyse_source(source, format, chosen)
    errors = [p for p in problems if p.severity == "error"]
    if pack is None or errors:
        raise PackError(truncate_problems(errors, chosen.max_problems, unreported.errors()), name)
    return pack


def dump_pack(pack: Pack, format: str = "json") -> str:  # noqa: A002 - the public name
    """Write *pack* as JSON, TOML or YAML text.

    Fields at their default values are left out, so the text stays short
    (and TOML, which has no null, can hold every pack). Loading the text
    gives back an equal pack.

    Raises:
        ValueError: If *format* is unknown.
        TypeError: If *pack* is not a :class:`~backext.Pack` (a mapping is loaded first: :func:`load_pack`).

    Example:
        >>> import backext
        >>> print(backext.dump_pack(backext.builtin_pack(), "toml").splitlines()[0])
        schema_version = 1

    .. versionadded:: 0.1.0
    """
    from ._converter import converter  # noqa: PLC0415 - cattrs is slow to import: only when needed

    ensure_pack(pack, ": load a mapping with load_pack first")
    fmt = _format_for("", format)
    document = converter.unstructure(pack, Pack)
    # The schema version is always written, so that a future reader knows it.
    return serialize({"schema_version": pack.schema_version, **document}, fmt)
