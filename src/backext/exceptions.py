"""The exceptions backext raises: one base class, errors that carry data.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Sequence

from ._problems import Problem


__all__ = ["BackextError", "PackError"]


class BackextError(Exception):
    """The base class of every exception this library raises on purpose.

    Example:
        >>> import backext
        >>> issubclass(backext.PackError, backext.BackextError)
        True

    .. versionadded:: 0.1.0
    """


class PackError(BackextError, ValueError):
    """A pack could not be read: it is unreadable, malformed or invalid.

    The exception lists every problem at once, not just the first.

    Attributes:
        problems: Every error found, in document order.
        source: The file name (or ``"<string>"``, ``"<bytes>"``, ``"<mapping>"``)
            the pack came from.

    Example:
        >>> import backext
        >>> try:
        ...     backext.load_pack('{"id": 5}', format="json")
        ... except backext.PackError as error:
        ...     print(error.problems[0])
        /: error missing-field: the required field 'title' is missing

    .. versionadded:: 0.1.0
    """

    problems: tuple[Problem, ...]
    source: str

    def __init__(self, problems: Sequence[Problem], source: str = "<pack>") -> None:
        self.problems = tuple(problems)
        self.source = source
        super().__init__(self._describe())

    def _describe(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{self.source}: invalid pack, {count} {noun}:"]
        lines.extend(f"  {self.source}:{problem}" for problem in self.problems)
        return "\n".join(lines)

    def __reduce__(self) -> tuple[type[PackError], tuple[tuple[Problem, ...], str]]:
        return (type(self), (self.problems, self.source))
