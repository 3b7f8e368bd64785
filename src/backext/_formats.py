"""Reading and writing the three file formats: JSON, TOML and YAML.

Parsing is strict where the formats are lenient: duplicate keys are an error
in every format (never a silent last-one-wins), JSON's ``NaN`` and
``Infinity`` are refused, and YAML is read with the safe loader only. Every
failure becomes a :class:`~backext.Problem` with a line and column where the
format tells them.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from typing import Any, Literal, NoReturn

from ._problems import Problem, escape_pointer
from ._wrong import json_type_name


__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "SUFFIXES",
    "Format",
    "ParseFailure",
    "check_keys",
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

#: The largest pack file read by default: 16 MiB.
DEFAULT_MAX_BYTES = 16 * 1024 * 1024


class ParseFailure(Exception):
    """A document could not be parsed; carries the problem."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def _fail(code: str, message: str, line: int | None = None, column: int | None = None) -> NoReturn:
    raise ParseFailure(Problem(path="", code=code, message=message, line=line, column=column))


def decode(data: bytes) -> str:
    """Decode UTF-8 *data* (a leading byte-order mark is allowed)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        _fail(
            "not-utf8",
            f"the file is not UTF-8: byte {error.start} (0x{data[error.start]:02x}) cannot be decoded",
            line,
            column,
        )


def parse(text: str, format: Format) -> object:  # noqa: A002 - the public name
    """Parse *text* in *format* into plain Python data."""
    try:
        return _PARSERS[format](text)
    except RecursionError:
        _fail("too-deep", "the document is nested too deeply to read")


def _reject_constant(name: str) -> NoReturn:
    _fail("not-finite", f"{name} is not allowed: numbers must be finite")


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                _fail("duplicate-key", f"the key {key!r} appears twice in one object")
            seen.add(key)
    return result


def _parse_json(text: str) -> object:
    try:
        return json.loads(text, object_pairs_hook=_json_pairs, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        _fail("syntax-error", f"invalid JSON: {error.msg}", error.lineno, error.colno)
    except ValueError as error:  # e.g. an integer with too many digits
        _fail("syntax-error", f"invalid JSON: {error}")


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def _parse_toml(text: str) -> object:
    # Imported here, as the TOML writer is: reading JSON need not pay for it.
    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib  # noqa: PLC0415
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_POSITION.search(message)
        line, column = (int(found[1]), int(found[2])) if found else (None, None)
        message = _TOML_POSITION.sub("", message).strip()
        code = "duplicate-key" if "overwrite" in message.lower() or "redefin" in message.lower() else "syntax-error"
        _fail(code, f"invalid TOML: {message}", line, column)
    except ValueError as error:
        _fail("syntax-error", f"invalid TOML: {error}")


def _yaml() -> Any:
    try:
        import yaml  # noqa: PLC0415 - optional dependency, imported when needed
    except ImportError:
        _fail("yaml-unavailable", "reading YAML needs PyYAML: install 'backext[yaml]'")
    return yaml


def _parse_yaml(text: str) -> object:
    yaml = _yaml()
    from ._yaml import StrictLoader  # noqa: PLC0415 - needs PyYAML

    loader = None
    try:
        loader = StrictLoader(text)
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        code = getattr(error, "backext_code", "syntax-error")
        _fail(code, f"invalid YAML: {error.problem or error}", line, column)
    except yaml.YAMLError as error:
        _fail("syntax-error", f"invalid YAML: {error}")
    finally:
        if loader is not None:
            loader.dispose()
    check_keys(document)
    return document


def check_keys(document: object) -> None:
    """Refuse mapping keys that are not strings (YAML allows numbers, dates, null...)."""
    stack: list[tuple[object, str]] = [(document, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str):
                    raise ParseFailure(
                        Problem(
                            path=pointer,
                            code="wrong-type",
                            message=f"keys must be strings, found {json_type_name(key)}",
                        )
                    )
                stack.append((value, f"{pointer}/{escape_pointer(key)}"))
        elif isinstance(node, list):
            stack.extend((item, f"{pointer}/{index}") for index, item in enumerate(node))


_PARSERS: dict[Format, Callable[[str], object]] = {
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
    yaml = _yaml()
    dumped: str = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return dumped
