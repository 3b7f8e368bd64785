"""Did you mean: the nearest known name to one that is not known, within bounds."""

from __future__ import annotations

from collections.abc import Collection

from ._text import LOCALE_TAG


__all__ = ["Suggester", "did_you_mean", "locale_hint"]

#: Names are compared only with at most this many known ones, and only if at
#: most this long: each comparison costs time in the product of the lengths.
MAX_KNOWN = 1000
MAX_LENGTH = 100


def did_you_mean(name: str, known: Collection[str]) -> str:
    """``"; did you mean 'x'?"`` for the known name nearest to *name*, or ``""`` if none is near.

    Example:
        >>> did_you_mean("chest-lift-arm-down", ["chest-lift-arms-down", "forearm-rest"])
        "; did you mean 'chest-lift-arms-down'?"
    """
    if len(name) > MAX_LENGTH or not known or len(known) > MAX_KNOWN:
        return ""
    import difflib  # noqa: PLC0415 - only when there is something to suggest

    close = difflib.get_close_matches(name, [k for k in known if len(k) <= MAX_LENGTH], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def locale_hint(tag: str) -> str:
    """How to write *tag*, a tag that is not BCP 47, if the fix is plain (``de_DE`` is ``de-DE``), or ``""``.

    Example:
        >>> locale_hint("de_DE")
        "; did you mean 'de-DE'?"
    """
    if len(tag) > MAX_LENGTH:
        return ""
    fixed = tag.strip().replace("_", "-")
    return f"; did you mean {fixed!r}?" if fixed != tag and LOCALE_TAG.match(fixed) else ""


class Suggester:
    """:func:`did_you_mean` at most *budget* times: a pack with thousands of wrong references stays quick to check.

    Example:
        >>> suggest = Suggester(budget=1)
        >>> suggest("forearm-res", ["forearm-rest"]), suggest("forearm-res", ["forearm-rest"])
        ("; did you mean 'forearm-rest'?", '')
    """

    def __init__(self, budget: int = 20) -> None:
        self.budget = budget

    def __call__(self, name: str, known: Collection[str]) -> str:
        if self.budget <= 0:
            return ""
        self.budget -= 1
        return did_you_mean(name, known)
