"""Did you mean: the nearest known name to one that is not known, within bounds."""

from __future__ import annotations

import re
from collections.abc import Collection

from ._i18n import _OUT_OF_ORDER, _SUBTAG_TOO_LONG, _TOO_LONG, _TWICE, N_, tag_problem, well_formed
from ._messages import Message


__all__ = ["Suggester", "did_you_mean", "hint", "locale_hint", "locale_suggestion", "nearest", "suggestion"]

#: Names are compared only with at most this many known ones, and only if at
#: most this long: each comparison costs time in the product of the lengths.
MAX_KNOWN = 1000
MAX_LENGTH = 100


# Translators: added at the end of a problem's message, right after it; {name} is a quoted name.
_HINT = N_("; did you mean {name}?")


def hint(name: str | None) -> Message | str:
    """The hint that suggests *name* instead, as a message of its own (rendered in any locale); ``""`` for none.

    Example:
        >>> hint("de-DE").render("fr")
        " ; vouliez-vous dire 'de-DE' ?"
    """
    if name is None:
        return ""
    from ._limits import shorten  # noqa: PLC0415 - the table of limits imports this module's callers

    return Message(template=_HINT, values={"name": shorten(name)})  # at most about 40 characters, as every value


def nearest(name: str, known: Collection[str]) -> str | None:
    """The known name nearest to *name*, if one is near (see :func:`_nearest`)."""
    return _nearest(name, known)


#: Names a pack's author may write for a field, as the docs speak of it ("variations"), and the field they mean.
_SAID = {
    "variation": "modifications",
    "variations": "modifications",
    "start": "start_seconds",
    "target": "target_seconds",
    "increment": "increment_seconds",
    "min": "minimum",
    "max": "maximum",
    "next": "next_exercise",
    "previous": "previous_exercise",
    "prev": "previous_exercise",
    "picture": "media",
    "pictures": "media",
    "image": "media",
    "images": "media",
    "photo": "media",
    "video": "media",
    "reps": "repetitions",
    "instructions": "steps",
    "references": "sources",
    "citations": "sources",
    "contraindications": "avoid",
}


def _nearest(name: str, known: Collection[str]) -> str | None:
    if len(name) > MAX_LENGTH or not known or len(known) > MAX_KNOWN:
        return None
    meant = _SAID.get(name.casefold())
    if meant is not None and meant in known:  # the word the docs use, before any look-alike ("repetitions")
        return meant
    import difflib  # noqa: PLC0415 - only when there is something to suggest

    candidates = [k for k in known if len(k) <= MAX_LENGTH]
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if close:
        return close[0]
    # A short name is far from any other by difflib's measure ("s3" and "s1" share half their letters): the one
    # known name that differs from it only in case, or by one letter changed, added, dropped or swapped.
    folded = [k for k in candidates if k.casefold() == name.casefold()]
    near = folded or [k for k in candidates if min(len(name), len(k)) >= 2 and _one_edit(name, k)]
    return near[0] if len(near) == 1 else None


def _one_edit(a: str, b: str) -> bool:
    """Whether *a* becomes *b* by changing, adding or dropping one character, or swapping two side by side."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    if len(a) == len(b):
        swapped = a[start + 1 : start + 2] + a[start : start + 1] + a[start + 2 :] == b[start:]
        return a[start + 1 :] == b[start + 1 :] or swapped
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[start + 1 :] == shorter[start:]


def _fixed_locale(tag: str) -> str | None:
    """The tag *tag* plainly means, or ``None``.

    ``de_DE`` and ``de_DE.UTF-8`` are ``de-DE``, ``sr_RS@latin`` is ``sr-Latn-RS``, ``german`` is ``de`` and
    ``german_germany`` ``de-DE`` (names the system's locale aliases know).
    """
    if len(tag) > MAX_LENGTH:
        return None
    posix, _, modifier = tag.strip().partition("@")  # language_TERRITORY.codeset@modifier
    posix = re.sub(r"[ _-]+", "_", posix.split(".", 1)[0]).strip("_")  # "de AT", "de-": written loosely
    posix = _NAMES.get(posix.lower(), posix)
    if modifier.split(".", 1)[0].lower() not in _MODIFIERS:
        return None  # a modifier that changes the language's form, unknown here: no plain fix
    if not well_formed(posix.replace("_", "-")) and re.fullmatch(r"[^\W\d_][\w-]{3,60}", posix):
        import locale  # noqa: PLC0415 - only for a tag that is not one

        name = posix.lower()
        known = locale.normalize(name).split(".", 1)[0]
        if known != name and "_" in known and name.split("_", 1)[0] not in _NOT_LANGUAGES:
            # A language's name alone ("german") names the language alone, whatever region the alias adds.
            posix = known.split("_", 1)[0] if name.isalpha() else known
    language, *rest = posix.replace("_", "-").split("-")
    language = _RETIRED.get(language.lower(), language)
    script, variant = _MODIFIERS[modifier.split(".", 1)[0].lower()]
    fixed = "-".join([language, *([script] if script else []), *rest, *([variant] if variant else [])])
    return fixed if fixed != tag and well_formed(fixed) else None


#: Names the system's locale aliases know that name no language (a default, a character set): no hint.
_NOT_LANGUAGES = frozenset({"universal", "univ", "cextend", "posix", "iso", "utf"})

#: The POSIX locale modifiers whose meaning a BCP 47 tag says: a script or a variant (``@euro`` names a currency,
#: no part of a language); any other leaves a tag with no plain fix.
_MODIFIERS = {
    "": (None, None),
    "euro": (None, None),
    "latin": ("Latn", None),
    "cyrillic": ("Cyrl", None),
    "devanagari": ("Deva", None),
    "iqtelif": ("Latn", None),  # Tatar in the Latin alphabet
    "valencia": (None, "valencia"),
}

#: Names of the languages the library speaks, in their own words, that the system's locale aliases lack.
_NAMES = {"español": "es", "espanol": "es", "castellano": "es", "english": "en", "deutsch": "de", "français": "fr"}

#: Language codes ISO 639 withdrew, as the system's locales still write them, and the codes BCP 47 uses now.
_RETIRED = {"iw": "he", "in": "id", "ji": "yi"}


def locale_meant(tag: str) -> Message | str:
    """:func:`hint` of the tag *tag* plainly means (``de_DE.UTF-8``: ``de-DE``, ``german``: ``de``), or ``""``."""
    fixed = _fixed_locale(tag)
    return "" if fixed is None else hint(fixed)


def suggestion(name: str, known: Collection[str]) -> Message | str:
    """:func:`hint` of the known name nearest to *name*, or ``""`` if none is near."""
    return hint(_nearest(name, known))


#: What is wrong with a tag of letters and digits that is not a tag all the same, added after the problem's message.
_WHY = {
    _TWICE: N_("; a subtag comes twice"),
    _SUBTAG_TOO_LONG: N_("; a subtag has at most 8 letters or digits"),
    _TOO_LONG: N_("; it is longer than 64 characters, the longest tag read"),
    _OUT_OF_ORDER: N_("; BCP 47 gives the language, then at most one script, one region, variants and extensions"),
}


def locale_suggestion(tag: str) -> Message | str:
    """:func:`hint` of how to write *tag*, a tag that is not BCP 47, if the fix is plain; else why it is not one."""
    fixed = _fixed_locale(tag)
    if fixed is not None:
        return hint(fixed)
    malformed = tag_problem(tag[: MAX_LENGTH + 1])  # a longer tag is too long all the same: not all of it is read
    why = None if malformed is None else _WHY.get(malformed[0])
    return "" if why is None else Message(template=why)


def did_you_mean(name: str, known: Collection[str]) -> str:
    """``"; did you mean 'x'?"`` for the known name nearest to *name*, or ``""`` if none is near.

    Example:
        >>> did_you_mean("chest-lift-arm-down", ["chest-lift-arms-down", "forearm-rest"])
        "; did you mean 'chest-lift-arms-down'?"
    """
    found = suggestion(name, known)
    return found if isinstance(found, str) else found.render()


def locale_hint(tag: str) -> str:
    """How to write *tag*, a tag that is not BCP 47, if the fix is plain (``de_DE`` is ``de-DE``), or ``""``.

    Example:
        >>> locale_hint("de_DE")
        "; did you mean 'de-DE'?"
    """
    found = locale_suggestion(tag)
    return found if isinstance(found, str) else found.render()


class Suggester:
    """:func:`suggestion` at most *budget* times: a pack with thousands of wrong references stays quick to check.

    Example:
        >>> suggest = Suggester(budget=1)
        >>> suggest("forearm-res", ["forearm-rest"]).render("de"), suggest("forearm-res", ["forearm-rest"])
        ("; meinten Sie 'forearm-rest'?", '')
    """

    def __init__(self, budget: int = 20) -> None:
        self.budget = budget

    def __call__(self, name: str, known: Collection[str]) -> Message | str:
        if self.budget <= 0:
            return ""
        self.budget -= 1
        return suggestion(name, known)
