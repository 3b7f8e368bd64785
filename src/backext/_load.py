"""Loading packs from files, text, bytes or mappings, and dumping them."""

from __future__ import annotations

import contextlib
import gc
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Union

from . import _fastload as fastload
from ._checks import check_pack
from ._clean import links_clean
from ._formats import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    SUFFIXES,
    Format,
    ParseFailure,
    check_keys,
    decode,
    parse,
    serialize,
)
from ._migrations import migrate
from ._model import SCHEMA_VERSION, Pack
from ._problems import Problem, sort_problems
from ._wrong import WrongType, WrongValue
from .exceptions import PackError


__all__ = ["PackSource", "analyse_document", "checked", "dump_pack", "load_pack", "validate_pack"]

#: What :func:`load_pack` reads: a path, text or bytes (with ``format=``), or
#: an already parsed mapping.
PackSource = Union[str, bytes, "os.PathLike[str]", Mapping[str, object]]


def _format_for(name: str, format: str | None) -> Format:  # noqa: A002
    if format is not None:
        if format not in FORMATS:
            raise ValueError(f"unknown format {format!r}: expected one of {', '.join(FORMATS)}")
        return format
    suffix = Path(name).suffix.lower()
    try:
        return SUFFIXES[suffix]
    except KeyError:
        raise ValueError(
            f"{name}: cannot tell the format from the suffix {suffix!r}: "
            f"use .json, .toml, .yaml or .yml, or pass format="
        ) from None


def _read(source: PackSource, format: str | None, max_bytes: int) -> tuple[str, Format, bytes] | Mapping[str, object]:  # noqa: A002
    """The display name, format and bytes of *source*, or *source* itself if it is a mapping.

    Raises:
        PackError: If the file cannot be read or is too large.
    """
    if isinstance(source, Mapping):
        return source
    if isinstance(source, bytes):
        name, data = "<bytes>", source
    elif isinstance(source, str) and format is not None:
        name, data = "<string>", source.encode("utf-8", "surrogatepass")
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = str(path)
        fmt = _format_for(name, format)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise PackError(
                    [
                        Problem(
                            path="", code="too-large", message=f"the file has {size} bytes; the limit is {max_bytes}"
                        )
                    ],
                    name,
                )
            with path.open("rb") as stream:
                data = stream.read(max_bytes + 1)
        except OSError as error:
            reason = error.strerror or str(error)
            raise PackError(
                [Problem(path="", code="unreadable", message=f"cannot read the file: {reason}")], name
            ) from None
        return name, fmt, _within_limit(data, name, max_bytes)
    else:
        raise TypeError(f"cannot read a pack from {type(source).__name__}")
    if format is None:
        raise ValueError("pass format= to read a pack from text or bytes")
    return name, _format_for(name, format), _within_limit(data, name, max_bytes)


def _within_limit(data: bytes, name: str, max_bytes: int) -> bytes:
    if len(data) > max_bytes:
        raise PackError(
            [Problem(path="", code="too-large", message=f"the pack has more than {max_bytes} bytes, the limit")],
            name,
        )
    return data


#: Documents at least this large are structured with the cyclic garbage
#: collector paused (see :func:`_collector_paused`).
_PAUSE_COLLECTOR_BYTES = 1 << 20


@contextlib.contextmanager
def _collector_paused(size: int) -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large document is turned into objects.

    Building hundreds of thousands of objects makes the collector run again
    and again over everything alive, which made loading a 13 MB pack about
    40 % slower and its cost grow faster than its size. The objects built
    here hold no reference cycles, so there is nothing for it to find; it is
    enabled again (if it was enabled) as soon as the work is done. This is
    the same remedy as Mercurial's ``util.nogc``.
    """
    if size < _PAUSE_COLLECTOR_BYTES or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _analyse_source(
    source: PackSource,
    format: str | None,  # noqa: A002
    max_bytes: int,
) -> tuple[str, Pack | None, list[Problem]]:
    """Read, parse, structure and check *source*: its display name, the pack (if built) and every problem.

    Raises:
        PackError: If *source* cannot be read or parsed.
    """
    read = _read(source, format, max_bytes)
    if isinstance(read, Mapping):
        try:
            check_keys(read)
        except ParseFailure as failure:
            raise PackError([failure.problem], "<mapping>") from None
        return ("<mapping>", *analyse_document(read))
    name, fmt, data = read
    with _collector_paused(len(data)):
        try:
            text = decode(data)
        except ParseFailure as failure:
            raise PackError([failure.problem], name) from None
        if fmt == "json":
            structured = _fast_json(text, data)
            if structured is not None:
                return name, structured.value, checked(structured)
        try:
            document = parse(text, fmt)
        except ParseFailure as failure:
            raise PackError([failure.problem], name) from None
        return (name, *analyse_document(document))


def _fast_json(text: str, data: bytes) -> fastload.Structured[Pack] | None:
    """The pack in the JSON *text* if it is well-formed, has no duplicate key and structures; else ``None``."""
    try:
        document = json.loads(text)
        if type(document) is not dict or document.get("schema_version", SCHEMA_VERSION) != SCHEMA_VERSION:
            return None
        structured = fastload.structure(document, Pack)
    except Exception:  # noqa: BLE001 - any failure: the exact path will say what it is
        return None
    return structured if fastload.json_has_no_duplicates(data, structured.entries) else None


def analyse_document(document: object) -> tuple[Pack | None, list[Problem]]:
    """Structure and check parsed data: the pack (if it could be built) and every problem, in document order."""
    if not isinstance(document, dict):
        return None, [Problem(path="", code="wrong-type", message=str(WrongType("an object", document)))]
    document, problems = migrate(dict(document))
    if problems:
        return None, problems
    try:
        structured = fastload.structure(document, Pack)
    except Exception:  # noqa: BLE001 - any failure: structure again, collecting every problem
        # cattrs is imported only here, when something is wrong: a clean pack loads without it.
        from cattrs.errors import BaseValidationError  # noqa: PLC0415

        from ._converter import converter, problems_from_exception  # noqa: PLC0415

        try:
            pack = converter.structure(document, Pack)
        except (BaseValidationError, WrongType, WrongValue) as error:
            return None, sort_problems(document, problems_from_exception(error))
        # Not reached while the fast path refuses only what the converter refuses (tests/test_fastload.py).
        return pack, sort_problems(document, check_pack(pack))  # pragma: no cover
    return structured.value, sort_problems(document, checked(structured))


def checked(structured: fastload.Structured[Pack]) -> list[Problem]:
    """Every problem of a pack the fast loader built (usually none, which is quick to prove)."""
    pack = structured.value
    if structured.clean and links_clean(pack, locales=structured.locales, plain=structured.plain):
        return []
    return check_pack(pack)


def validate_pack(
    source: PackSource,
    *,
    format: str | None = None,  # noqa: A002 - the public name
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[Problem]:
    """Return every problem of a pack, errors and warnings, without raising for bad content.

    It reads the same sources as :func:`load_pack`. A file that cannot be
    read, a syntax error, a wrong type: all are problems in the list, in
    document order, each with a JSON Pointer that resolves in the parsed
    document. An empty list means a valid pack without warnings.

    Raises:
        ValueError: If *format* is unknown or cannot be told from the suffix.
        TypeError: If *source* is of a type that cannot hold a pack.

    Example:
        >>> import backext
        >>> for problem in backext.validate_pack('{"id": "My Pack"}', format="json"):
        ...     print(problem)
        /: error missing-field: the required field 'title' is missing
        /: error missing-field: the required field 'version' is missing
        /: error missing-field: the required field 'exercises' is missing

    .. versionadded:: 0.1.0
    """
    try:
        return _analyse_source(source, format, max_bytes)[2]
    except PackError as error:
        return list(error.problems)


def load_pack(
    source: PackSource,
    *,
    format: str | None = None,  # noqa: A002 - the public name
    max_bytes: int = DEFAULT_MAX_BYTES,
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
            are parsed.

    Returns:
        The pack, structured and checked.

    Raises:
        PackError: If the pack cannot be read, parsed, or is invalid. Its
            ``problems`` list every error at once, each with a JSON Pointer.
        ValueError: If *format* is unknown or cannot be told from the suffix.

    Example:
        >>> import backext
        >>> pack = backext.load_pack(backext.dump_pack(backext.builtin_pack()), format="json")
        >>> pack == backext.builtin_pack()
        True

    .. versionadded:: 0.1.0
    """
    name, pack, problems = _analyse_source(source, format, max_bytes)
    errors = [p for p in problems if p.severity == "error"]
    if pack is None or errors:
        raise PackError(errors, name)
    return pack


def dump_pack(pack: Pack, format: str = "json") -> str:  # noqa: A002 - the public name
    """Write *pack* as JSON, TOML or YAML text.

    Fields at their default values are left out, so the text stays short
    (and TOML, which has no null, can hold every pack). Loading the text
    gives back an equal pack.

    Raises:
        ValueError: If *format* is unknown.

    Example:
        >>> import backext
        >>> print(backext.dump_pack(backext.builtin_pack(), "toml").splitlines()[0])
        schema_version = 1

    .. versionadded:: 0.1.0
    """
    from ._converter import converter  # noqa: PLC0415 - cattrs is slow to import: only when needed

    fmt = _format_for("", format)
    document = converter.unstructure(pack, Pack)
    # The schema version is always written, so that a future reader knows it.
    return serialize({"schema_version": pack.schema_version, **document}, fmt)
