"""The library's own words in the person's language: gettext catalogs and locale tags.

One gettext domain, ``backext``. The catalogs live inside the package, in
``locale/<language>/LC_MESSAGES/backext.mo``, compiled ahead of time from the
``.po`` files beside them (nothing is compiled at import time). At run time
only the standard library's :mod:`gettext` reads them; Babel is a tool for
extracting, updating and compiling, never imported here.

Nothing here changes process-wide state: no :func:`gettext.install`, no
:func:`locale.setlocale`. A catalog is looked up by an explicit locale tag,
and the translation objects are cached per tag.

Messages use named placeholders only (``_("Hold for {seconds} seconds")`` then
:meth:`str.format`), plurals go through :func:`ngettext`, and sentence pieces
are never concatenated.
"""

from __future__ import annotations

import functools
import os
import re
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    import gettext as _gettext


__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "NC_",
    "N_",
    "CatalogMissingError",
    "N_plural",
    "available_languages",
    "candidates",
    "gettext",
    "language",
    "ngettext",
    "parse_locale",
    "pgettext",
    "plural_count",
    "translation",
    "well_formed",
]

#: The gettext domain of every catalog of the library.
DOMAIN = "backext"

#: Where the compiled catalogs are: ``LOCALE_DIR/<language>/LC_MESSAGES/backext.mo``.
LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")  # noqa: PTH118, PTH120 - pathlib is slow to import

#: The languages the library's catalogs are shipped in, besides English (the
#: source language, which needs no catalog).
LANGUAGES = ("de", "es", "fr")

#: A language tag as backext reads it: an ISO 639 language subtag of two or three letters, then subtags of one to
#: eight letters or digits. BCP 47 also allows a primary subtag of five to eight letters for languages registered
#: later; none is registered, so "english" is refused rather than taken for a language (our choice). It is the one
#: pattern of a tag: :data:`backext._text.LOCALE_TAG` (a pack's keys, the JSON Schema) is made from it. ``_`` is
#: accepted in place of ``-`` (``de_DE``) where a person writes a tag, and normalized.
#: Past the language subtag, the grammar of RFC 5646 (section 2.1): up to three extended language subtags, a script,
#: a region, variants, extensions (each a singleton and its subtags) and a private use part, in that order; no subtag
#: comes twice where RFC 5646 allows it once (:func:`well_formed`).
TAG_PATTERN = (
    r"[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(?:-[0-9A-WYZa-wyz](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?"
)
_TAG = TAG_PATTERN


@functools.cache
def _tag() -> re.Pattern[str]:
    """The compiled pattern of a tag: compiled on first use, so that importing this module costs next to nothing."""
    return re.compile(_TAG)


# What a tag must be, in the error for one that is not. BCP 47 also calls a private-use tag (``x-klingon``) and
# the grandfathered irregular ones (``i-default``) well-formed; they name no language, so they are refused.

#: The longest locale tag read, in characters (our choice): a tag from outside (the environment, a command line)
#: may be anything. The JSON Schema bounds a pack's tags by it too.
MAX_TAG = 64


def parse_locale(tag: str) -> str:
    """Return *tag* as a normalized BCP 47 tag, or raise :exc:`ValueError` if it is malformed.

    This is the one rule by which every locale tag is read: for the
    library's own words, for a pack's texts (:meth:`LocalizedText.resolve
    <backext.LocalizedText.resolve>`) and on the command line. A tag must
    start with a language subtag (``de``, ``fr-CA``, ``zh-Hant-TW``); the
    private-use (``x-klingon``) and grandfathered irregular (``i-default``)
    tags that BCP 47 also allows name no language, and are refused.

    ``_`` is accepted as a separator and becomes ``-``; the case is normalized
    the usual way (language lower case, a two-letter region upper case, a
    four-letter script title case, and every subtag after a singleton such as
    ``u`` or ``x`` lower case): ``de_de`` becomes ``de-DE``, ``zh_hant_tw``
    becomes ``zh-Hant-TW``, ``fr-ca-u-ca-gregory`` becomes ``fr-CA-u-ca-gregory``.

    Example:
        >>> parse_locale("de_DE")
        'de-DE'
        >>> parse_locale("fr")
        'fr'
        >>> parse_locale("FR-ca-U-CA-gregory")
        'fr-CA-u-ca-gregory'
        >>> try:
        ...     parse_locale("de DE")
        ... except ValueError as error:  # its render(locale) says it in another language
        ...     print(error.render().rpartition(";")[2])
         did you mean 'de-DE'?
    """
    if not isinstance(tag, str):
        raise TypeError(f"a language tag must be a string, not {type(tag).__name__}")
    return _parse(tag)


def tag_problem(tag: str) -> tuple[str, str] | None:
    """Why *tag* is malformed, if it is: a message id (marked with ``N_``) of ``{tag}``, and the tag as shown."""
    candidate = tag.replace("_", "-")
    if len(candidate) > MAX_TAG:
        return _TOO_LONG, tag[:MAX_TAG] + "…"
    if not _tag().fullmatch(candidate):
        if _LONG_SUBTAG.fullmatch(candidate):
            return _SUBTAG_TOO_LONG, tag
        if not _LOOSE.fullmatch(candidate):
            return _NOT_A_TAG, tag
        return (_TWICE if _repeats(candidate) else _OUT_OF_ORDER), tag
    if _repeats(candidate):
        return _TWICE, tag
    return None


@functools.lru_cache(maxsize=256)
def _parse(tag: str) -> str:
    """:func:`parse_locale` of a string, remembered: every text of a page asks for the same few tags."""
    malformed = tag_problem(tag)
    if malformed is not None:
        template, shown = malformed
        from ._messages import Message  # noqa: PLC0415 - _messages is built on this module
        from ._suggest import locale_meant  # noqa: PLC0415
        from ._wrong import WordedError  # noqa: PLC0415

        meant = locale_meant(tag)  # "; did you mean 'de-DE'?" for de_DE.UTF-8
        if not meant:
            raise WordedError(template, {"tag": repr(shown)})  # a ValueError, said in any language
        problem = Message(template=template, values={"tag": repr(shown)})
        raise WordedError("{problem}{hint}", {"problem": problem, "hint": meant})
    candidate = tag.replace("_", "-")
    language, *rest = candidate.split("-")
    subtags = [language.lower()]
    extended = False  # after a singleton (``u``, ``x``...), subtags are extensions: lower case, as BCP 47 writes them
    for subtag in rest:
        if len(subtag) == 1:
            extended = True
            subtags.append(subtag.lower())
        elif not extended and len(subtag) == 2 and subtag.isalpha():
            subtags.append(subtag.upper())
        elif not extended and len(subtag) == 4 and subtag.isalpha():
            subtags.append(subtag.title())
        else:
            subtags.append(subtag.lower())
    return "-".join(subtags)


def well_formed(tag: str) -> bool:
    """Whether *tag* is a language tag as a pack writes it (``de-AT``, not ``de_AT``): :func:`tag_problem` finds none.

    Example:
        >>> well_formed("de-AT"), well_formed("zh-Hant-TW"), well_formed("de-AT-AT"), well_formed("de-DE-AT")
        (True, True, False, False)
    """
    return "_" not in tag and tag_problem(tag) is None


def _repeats(tag: str) -> bool:
    """Whether *tag* gives a subtag twice where BCP 47 allows it once (RFC 5646, sections 2.2.5 and 2.2.6).

    Before the first singleton, no subtag may come twice (``de-AT-AT``, ``de-1996-1996``); no singleton may
    come twice (``de-a-bbb-a-ccc``), except inside the private use part, which says anything.
    """
    seen: set[str] = set()
    singletons: set[str] = set()
    extended = False
    for subtag in tag.lower().split("-")[1:]:  # the language subtag is of its own kind: "de-DE" repeats nothing
        if len(subtag) == 1:
            if subtag in singletons:
                return True
            singletons.add(subtag)
            if subtag == "x":
                return False  # private use: whatever follows
            extended = True
        elif not extended:
            if subtag in seen:
                return True
            seen.add(subtag)
    return False


def candidates(tag: str) -> tuple[str, ...]:
    """The tags to try for *tag*, longest first: ``de-CH-1996``, ``de-CH``, ``de``.

    Example:
        >>> candidates("de-AT")
        ('de-AT', 'de')
    """
    parts = parse_locale(tag).split("-")
    return tuple("-".join(parts[:end]) for end in range(len(parts), 0, -1))


def available_languages() -> tuple[str, ...]:
    """The languages the library speaks: English (the source) and each shipped catalog's, sorted.

    Example:
        >>> available_languages()
        ('de', 'en', 'es', 'fr')
    """
    return tuple(sorted(("en", *LANGUAGES)))


def _catalog_language(tag: str) -> str | None:
    """The language of the library that serves *tag* (``de`` for ``de-AT``, ``en`` for ``en-GB``), or ``None``."""
    for candidate in candidates(tag):
        if candidate == "en" or candidate in LANGUAGES:
            return candidate
    return None


def language(locale: str | None, default_locale: str | None = None) -> str:
    """The language the library speaks for *locale*: BCP 47 fallback, then *default_locale*'s, then English.

    ``de-AT`` gives ``de``; a language without a catalog gives the one of
    *default_locale* (a pack's default locale, say), and last ``en``.

    Raises:
        ValueError: If *locale* or *default_locale* is not a well-formed language tag.

    Example:
        >>> language("de-AT"), language("ja", "fr-CA"), language("ja"), language(None, "es")
        ('de', 'fr', 'en', 'es')
    """
    for tag in (locale, default_locale):
        if tag is not None:
            found = _catalog_language(tag)
            if found is not None:
                return found
    return "en"


class CatalogMissingError(RuntimeError):
    """A catalog the package ships cannot be read: the installation is incomplete or damaged.

    Not an :class:`OSError`, so that the command line cannot mistake it for
    its output failing; nothing falls back to English silently.
    """

    def __init__(self, language: str, path: str, reason: str) -> None:
        self.language, self.path, self.reason = language, path, reason
        super().__init__(
            f"backext's message catalog for {language!r} cannot be read at {path} ({reason}): "
            "the installation is incomplete; reinstall backext"
        )


@functools.cache
def _load(language: str) -> _gettext.NullTranslations:
    # gettext (and the locale module it imports) only when words are wanted: `backext validate` needs none.
    import gettext  # noqa: PLC0415

    if language == "en":
        return gettext.NullTranslations()
    path = os.path.join(LOCALE_DIR, language, "LC_MESSAGES", f"{DOMAIN}.mo")  # noqa: PTH118
    try:
        with open(path, "rb") as handle:  # noqa: PTH123
            return gettext.GNUTranslations(handle)
    except (OSError, UnicodeDecodeError) as error:  # gettext raises OSError for a damaged file too
        raise CatalogMissingError(language, path, getattr(error, "strerror", None) or str(error)) from error


@functools.cache
def _translation(locale: str | None, default_locale: str | None) -> _gettext.NullTranslations:
    return _load(language(locale, default_locale))


def translation(locale: str | None, default_locale: str | None = None) -> _gettext.NullTranslations:
    """The library's catalog for *locale*, with BCP 47 fallback, then *default_locale*'s, then English.

    ``de-AT`` is served by ``de`` if there is no ``de-AT`` catalog; a language
    without a catalog gets *default_locale*'s (a pack's default locale: the
    same chain as the pack's own texts), and last English, a
    :class:`gettext.NullTranslations`, which returns the source text. The
    result is cached per tag; no global state is changed.

    Raises:
        ValueError: If *locale* or *default_locale* is not a well-formed language tag.

    Example:
        >>> translation("de-AT").gettext("Steps")
        'Schritte'
        >>> translation("ja").gettext("Steps")
        'Steps'
        >>> translation("ja", "fr").gettext("Steps")
        'Étapes'
    """
    return _translation(
        None if locale is None else parse_locale(locale),
        None if default_locale is None else parse_locale(default_locale),
    )


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools look for
    """Mark *message* for extraction without translating it (it is translated where it is shown).

    Example:
        >>> N_("Dose")
        'Dose'
    """
    return message


# The three ways a tag is malformed, said in every language where the command line reports them.
_NOT_A_TAG = N_("{tag} is not a language tag with a primary language subtag (BCP 47, such as 'de' or 'de-AT')")
_TOO_LONG = N_("{tag} is longer than 64 characters, the longest tag read")
_TWICE = N_("{tag} gives a subtag twice, which BCP 47 does not allow: it is not a language tag")
_OUT_OF_ORDER = N_(
    "{tag} is not a language tag: BCP 47 gives the language, then at most one script, one region, variants and"
    " extensions, in that order (such as 'de-AT' or 'zh-Hant-TW')"
)
#: Subtags of letters and digits after a language subtag, in any number and order: a tag in shape, if not in grammar.
_LOOSE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_SUBTAG_TOO_LONG = N_("{tag} is not a language tag: a BCP 47 subtag has at most 8 letters or digits")
#: Subtags of letters and digits, the first of letters, one of them longer than BCP 47's eight characters.
_LONG_SUBTAG = re.compile(r"(?=[A-Za-z0-9-]*?(?:^|-)[A-Za-z0-9]{9})[A-Za-z]+(?:-[A-Za-z0-9]+)*")


def NC_(context: str, message: str) -> str:  # noqa: N802 - named like N_
    """Mark *message* in *context* for extraction (as ``pgettext`` would); look it up with :func:`pgettext`.

    Example:
        >>> NC_("level", "beginner")
        'beginner'
    """
    del context
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - named like N_
    """Mark a singular and plural pair for extraction (as ``ngettext`` would), translated where it is shown.

    ``tools/catalogs.py`` tells Babel to extract it as it extracts ``ngettext``.

    Example:
        >>> N_plural("{count} set", "{count} sets")
        ('{count} set', '{count} sets')
    """
    return singular, plural


def gettext(message: str, locale: str | None, default_locale: str | None = None) -> str:
    """*message* translated for *locale* (then *default_locale*, then English: see :func:`translation`).

    Example:
        >>> gettext("Steps", "fr")
        'Étapes'
        >>> gettext("Steps", "es")
        'Pasos'
    """
    return translation(locale, default_locale).gettext(message)


def ngettext(singular: str, plural: str, n: int, locale: str | None, default_locale: str | None = None) -> str:
    """The form of *singular*/*plural* for the number *n* in *locale*, translated.

    The placeholders are filled by the caller (``.format(n=n)``): the
    catalog chooses the plural form, the caller the numbers.

    Example:
        >>> ngettext("{seconds} second", "{seconds} seconds", 1, "en").format(seconds=1)
        '1 second'
        >>> ngettext("{seconds} second", "{seconds} seconds", 5, "de").format(seconds=5)
        '5 Sekunden'
    """
    return translation(locale, default_locale).ngettext(singular, plural, n)


def pgettext(context: str, message: str, locale: str | None, default_locale: str | None = None) -> str:
    """*message* in *context* (``msgctxt``) translated for *locale*: for words that differ by use.

    Example:
        >>> pgettext("level", "beginner", "de")
        'Einsteiger'
    """
    return translation(locale, default_locale).pgettext(context, message)


#: Languages whose fractions take the plural form of their whole part, as CLDR's plural rules say (French
#: "1,5 seconde": ``one`` is ``i = 0,1``); in the others a fraction takes the form of "2" ("1.5 seconds").
_FRACTION_BY_WHOLE_PART = frozenset({"fr", "pt", "hy", "kab", "ff"})


def plural_count(value: float, locale: str | None = None, default_locale: str | None = None) -> int:
    """The number that chooses the plural form for *value* in *locale*'s language.

    A whole number is itself, without its sign (CLDR: "-1 second"); a
    fraction is 2 (the plural) in English, German and Spanish, and its whole
    part in French ("0,5 seconde", "1,5 seconde", "2,5 secondes"). The
    language is found as for the words (:func:`language`).

    Example:
        >>> plural_count(1), plural_count(1.0), plural_count(1.5), plural_count(-1)
        (1, 1, 2, 1)
        >>> plural_count(1.5, "fr-CA"), plural_count(0.5, "fr"), plural_count(2.5, "fr")
        (1, 0, 2)
    """
    if isinstance(value, int):
        return abs(value)
    if float(value).is_integer():
        return abs(int(value))
    if language(locale, default_locale) in _FRACTION_BY_WHOLE_PART:
        return int(abs(value))
    return 2
