"""The width text takes on a terminal: the one measure every padded column and underline uses."""

from __future__ import annotations

import functools
import unicodedata


__all__ = ["display_width", "pad"]

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
