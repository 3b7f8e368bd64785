"""File names as :mod:`pathlib` writes them, without importing it on POSIX systems.

Importing :mod:`pathlib` imports :mod:`urllib.parse`, :mod:`ipaddress` and
:mod:`fnmatch` with it: about a twentieth of the start-up of ``backext show``.
The reading of a pack and the command line need only two things from it:
the name of a file written the way ``str(Path(name))`` writes it (repeated
and trailing slashes and ``.`` parts taken out), which is also the file that
is opened, and its suffix. Elsewhere than on POSIX, :mod:`pathlib` answers.
``tests/test_paths.py`` checks with hypothesis that the answers are
:mod:`pathlib`'s.
"""

from __future__ import annotations

import os


__all__ = ["File", "normalized", "suffix"]


def normalized(name: str) -> str:
    """*name* as ``str(pathlib.PurePath(name))`` writes it."""
    if os.name != "posix":  # pragma: no cover - the tests run on POSIX
        from pathlib import PurePath  # noqa: PLC0415

        return str(PurePath(name))
    root = ""
    if name.startswith("/"):
        rest = name.lstrip("/")
        root = "//" if len(name) - len(rest) == 2 else "/"  # POSIX keeps exactly two leading slashes
        name = rest
    parts = [part for part in name.split("/") if part and part != "."]
    return (root + "/".join(parts)) or "."


def suffix(name: str) -> str:
    """The suffix of the file *name*, as ``pathlib.PurePath(name).suffix`` gives it."""
    if os.name != "posix":  # pragma: no cover - the tests run on POSIX
        from pathlib import PurePath  # noqa: PLC0415

        return PurePath(name).suffix
    last = normalized(name).rpartition("/")[2]
    if last in {".", ""}:
        return ""
    dot = last.rfind(".")
    return last[dot:] if 0 < dot < len(last) - 1 else ""


class File:
    """The name of a file, to pass where a :class:`os.PathLike` is read as a path (a :class:`str` may be a text)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __fspath__(self) -> str:
        return self.name
