"""Stand-in for the l10n branch's gettext module (issue #14): English only, same signatures.

Replaced wholesale when the ``l10n`` branch is merged.
"""

from __future__ import annotations


__all__ = ["N_", "gettext", "ngettext"]


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools look for
    """Mark *message* for extraction."""
    return message


def gettext(message: str, locale: str | None) -> str:  # noqa: ARG001 - English only until l10n lands
    """*message* for *locale*."""
    return message


def ngettext(singular: str, plural: str, n: int, locale: str | None) -> str:  # noqa: ARG001
    """The form of *singular*/*plural* for *n*."""
    return singular if n == 1 else plural
