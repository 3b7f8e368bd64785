"""The width text takes on a terminal: the one measure every padded column and underline uses."""

from __future__ import annotations

import functools
import itertools
import unicodedata
from collections.abc import Sequence


__all__ = ["column_offsets", "display_width", "is_narrow", "pad"]

#: General categories that take no column of their own: nonspacing and enclosing marks (they sit on the character
#: before them), format characters (zero-width space and joiners, direction marks, the soft hyphen as terminals
#: draw it) and control characters.
_ZERO_WIDTH_CATEGORIES = frozenset({"Mn", "Me", "Cf", "Cc"})
#: The medial vowels and final consonants of conjoining Hangul jamo: drawn inside the syllable the leading
#: consonant (two columns wide) begins.
_CONJOINING_JAMO = range(0x1160, 0x1200)


@functools.lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    """The columns one character takes: 0, 1 or 2."""
    if unicodedata.combining(char) or unicodedata.category(char) in _ZERO_WIDTH_CATEGORIES:
        return 0
    if ord(char) in _CONJOINING_JAMO:
        return 0
    return 2 if unicodedata.east_asian_width(char) in {"W", "F"} else 1


def display_width(text: str) -> int:
    """The number of terminal columns *text* takes.

    East Asian Wide and Fullwidth characters take two columns; combining
    marks, format characters (zero-width space, joiners, direction marks)
    and control characters take none; every other character takes one
    (East Asian Ambiguous ones too, as terminals outside East Asia draw them).

    Example:
        >>> display_width("Rest"), display_width("前腕"), display_width("e\u0301")
        (4, 4, 1)
    """
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(_char_width(char) for char in text)


def pad(text: str, width: int) -> str:
    """*text* followed by spaces up to *width* terminal columns (as it is if it is that wide already).

    Example:
        >>> pad("前腕", 6) + "|"
        '前腕  |'
    """
    return text + " " * max(width - display_width(text), 0)


def is_narrow(text: str) -> bool:
    """Whether every character of *text* but white space takes one column: its width is its length, as it wraps.

    Example:
        >>> is_narrow("Brust heben"), is_narrow("前腕"), is_narrow("e\u0301")
        (True, False, False)
    """
    return text.isascii() or all(char.isspace() or _char_width(char) == 1 for char in text)


def column_offsets(text: str) -> Sequence[int]:
    """The column each character of *text* starts at, then its whole width: where it can be cut, in columns.

    A piece ``text[i:j]`` takes ``offsets[j] - offsets[i]`` columns; the
    offsets never go down, so :mod:`bisect` finds the longest piece that fits.

    Example:
        >>> list(column_offsets("a前b"))
        [0, 1, 3, 4]
    """
    if text.isascii() and text.isprintable():
        return range(len(text) + 1)
    return list(itertools.accumulate(map(_char_width, text), initial=0))
