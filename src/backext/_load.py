"""Loading packs from files, text, bytes or mappings, and dumping them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Union

from cattrs.errors import BaseValidationError

from ._checks import check_pack
from ._converter import WrongType, WrongValue, converter, fast_converter
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
from ._model import Pack
from ._problems import Problem, problems_from_exception, sort_problems
from .exceptions import PackError


__all__ = ["PackSource", "analyse_document", "dump_pack", "load_pack", "read_document", "validate_pack"]

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


def read_document(
    source: PackSource,
    *,
    format: str | None = None,  # noqa: A002 - the public name
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[str, object]:
    """Read *source* into plain data; return its display name and the data.

    Raises:
        PackError: If it cannot be read or parsed.
        ValueError: If the format is unknown or cannot be told.
    """
    if isinstance(source, Mapping):
        try:
            check_keys(source)
        except ParseFailure as failure:
            raise PackError([failure.problem], "<mapping>") from None
        return "<mapping>", source
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
        return name, _parse_bytes(data, fmt, name, max_bytes)
    else:
        raise TypeError(f"cannot read a pack from {type(source).__name__}")
    if format is None:
        raise ValueError("pass format= to read a pack from text or bytes")
    return name, _parse_bytes(data, _format_for(name, format), name, max_bytes)


def _parse_bytes(data: bytes, fmt: Format, name: str, max_bytes: int) -> object:
    if len(data) > max_bytes:
        raise PackError(
            [Problem(path="", code="too-large", message=f"the pack has more than {max_bytes} bytes, the limit")],
            name,
        )
    try:
        return parse(decode(data), fmt)
    except ParseFailure as failure:
        raise PackError([failure.problem], name) from None


def analyse_document(document: object) -> tuple[Pack | None, list[Problem]]:
    """Structure and check parsed data: the pack (if it could be built) and every problem, in document order."""
    if not isinstance(document, dict):
        return None, [Problem(path="", code="wrong-type", message=str(WrongType("an object", document)))]
    document, problems = migrate(dict(document))
    if problems:
        return None, problems
    try:
        pack = fast_converter.structure(document, Pack)
    except Exception:  # noqa: BLE001 - any failure: structure again, collecting every problem
        try:
            pack = converter.structure(document, Pack)
        except (BaseValidationError, WrongType, WrongValue) as error:
            return None, sort_problems(document, problems_from_exception(error))
    return pack, sort_problems(document, check_pack(pack))


def structure_document(document: object, name: str = "<pack>") -> Pack:
    """Turn parsed data into a :class:`Pack`, raising :class:`PackError` with every error."""
    pack, problems = analyse_document(document)
    errors = [p for p in problems if p.severity == "error"]
    if pack is None or errors:
        raise PackError(errors, name)
    return pack


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
        _, document = read_document(source, format=format, max_bytes=max_bytes)
    except PackError as error:
        return list(error.problems)
    return analyse_document(document)[1]


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
    name, document = read_document(source, format=format, max_bytes=max_bytes)
    return structure_document(document, name)


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
    fmt = _format_for("", format)
    document = converter.unstructure(pack, Pack)
    # The schema version is always written, so that a future reader knows it.
    return serialize({"schema_version": pack.schema_version, **document}, fmt)
