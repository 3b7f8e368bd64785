"""Localized text: a plain string or translations keyed by BCP 47 locale tag."""

from __future__ import annotations

import functools
import re
import types
import typing
from collections.abc import Iterator, Mapping
from typing import TypeAlias, Union

import attrs

from ._i18n import TAG_PATTERN, candidates, parse_locale, well_formed


__all__ = ["INVISIBLE", "LOCALE_TAG", "LocalizedText", "Text", "blank", "is_text_type", "localize", "unshowable"]

#: A simplified BCP 47 language tag: a 2-3 letter language subtag followed by
#: optional subtags of 1-8 letters or digits, e.g. ``en``, ``de-CH``,
#: ``zh-Hant-TW``, ``es-419`` (see :data:`backext._i18n.TAG_PATTERN`): the pattern, for the JSON Schema.
LOCALE_TAG = rf"^{TAG_PATTERN}$"

#: What a text may hold and still show nothing, as a regular expression's class (Python's and ECMAScript's alike):
#: white space, control characters and the characters of the Basic Multilingual Plane that Unicode calls default
#: ignorable (the soft hyphen, the combining grapheme joiner, zero-width and direction marks, word joiners, the
#: Hangul fillers, variation selectors and the byte order mark). A text of these alone is blank (``empty-value``):
#: a handout would print an empty heading.
INVISIBLE = (
    r"\s\x00-\x1f\x7f-\x9f\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
)
#: The default-ignorable characters beyond the Basic Multilingual Plane (shorthand format controls, musical
#: formatting, tags and the supplementary variation selectors). :func:`blank` counts them as showing nothing too;
#: an ECMAScript pattern without the ``u`` flag cannot name them, so the JSON Schema's pattern leaves them out.
_ASTRAL_INVISIBLE = "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
_INVISIBLE = re.compile(f"[{INVISIBLE}{_ASTRAL_INVISIBLE}]*")


def blank(text: str) -> bool:
    """Whether *text* shows nothing: it holds only white space and characters that print as nothing.

    Example:
        >>> blank("  "), blank("\ufeff\u200b"), blank("Rest")
        (True, True, False)
    """
    return _INVISIBLE.fullmatch(text) is not None


#: Characters a pack's text may hold but no page or calendar shows: C0 controls other than tab and line feed
#: (a carriage return is a line break's part, normalized first), DEL, C1 controls and lone surrogates. HTML
#: counts them as parse errors, RFC 5545 (section 3.3.11) forbids them, and no reader shows them usefully: the
#: renderings that leave the library (the handout, the calendar) drop them. Compiled on first use.
_UNSHOWABLE = "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]"


@functools.cache
def unshowable() -> re.Pattern[str]:
    """The characters a pack's text may hold but no page or calendar shows (see above)."""
    return re.compile(_UNSHOWABLE)


def _freeze(value: Mapping[str, str] | tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    if isinstance(value, Mapping):
        return tuple(value.items())
    return tuple(value)


def _one_tag_each(_: object, __: object, translations: tuple[tuple[str, str], ...]) -> None:
    """Refuse a key that is no language tag as a pack writes it, and two keys that are one tag in another case.

    The same rules as a pack's ``invalid-locale`` and ``duplicate-locale``
    problems, with the same messages.

    Raises:
        TypeError: If a key or a text is not a string.
        ValueError: If there is no translation, a key is not a well-formed tag, or two keys are one tag.
    """
    if not translations:
        raise ValueError("a LocalizedText needs at least one translation: pass a plain string for one language")
    seen: dict[str, str] = {}  # each tag in lower case: its first spelling
    for tag, text in translations:
        if not isinstance(tag, str):
            raise TypeError(f"a language tag must be a string, not {type(tag).__name__}")
        if not isinstance(text, str):
            raise TypeError(f"the text in {tag!r} must be a string, not {type(text).__name__}")
        if not well_formed(tag):
            raise _refusal("text-locale", tag)
        first = seen.get(tag.lower())
        if first is not None:
            raise _refusal("duplicate-locale", tag, first)
        seen[tag.lower()] = tag


def _refusal(name: str, tag: str, other: str | None = None) -> ValueError:
    """The error for *tag*, a key the rule *name* refuses, with the message a pack's problem has for it."""
    # Imported here: the rules know this module's class, and a refused key is rare.
    from ._constraints import rule  # noqa: PLC0415
    from ._limits import shorten  # noqa: PLC0415
    from ._suggest import locale_suggestion  # noqa: PLC0415

    if other is None:
        found = rule(name).problem("", value=shorten(tag), hint=locale_suggestion(tag))
    elif other == tag:  # only pairs can give one key twice: a mapping, like a pack's object, cannot
        return ValueError(f"the language tag {shorten(tag)} is given twice: keep one translation")
    else:
        found = rule(name).problem("", value=shorten(tag), other=shorten(other))
    return ValueError(found.message)


@attrs.frozen
class LocalizedText(Mapping[str, str]):
    """Translations of one piece of text, keyed by BCP 47 locale tag.

    It behaves as a read-only mapping from locale tag to text and is
    hashable, so the frozen model classes that hold it stay hashable. A
    tag is looked up as :meth:`resolve` reads it: the case does not matter
    and ``_`` is read as ``-`` (``text["DE"]`` is ``text["de"]``), but
    there is no fallback to a shorter tag.

    Attributes:
        translations: The ``(locale tag, text)`` pairs, in the order they were
            given. A mapping passed to the constructor is frozen into pairs.
            Each tag is written as a pack writes it (``de-AT``, not
            ``de_AT``), and no two are the same tag in another case.

    Raises:
        ValueError: If a tag is not a well-formed language tag
            (``invalid-locale`` in a pack), or two tags are one tag written in
            another case (``duplicate-locale``); the message is the problem's.
        TypeError: If a tag is not a string.

    Example:
        >>> greeting = LocalizedText({"en": "Breathe out", "de": "Ausatmen"})
        >>> greeting["de"], greeting["DE"]
        ('Ausatmen', 'Ausatmen')
        >>> greeting.resolve("de-AT", default_locale="en")
        'Ausatmen'
        >>> greeting.resolve("fr", default_locale="en")
        'Breathe out'

    .. versionadded:: 0.1.0
    .. versionchanged:: Unreleased
       A malformed tag, or one tag given twice, is a :exc:`ValueError`; a tag
       is looked up regardless of its case.
    """

    translations: tuple[tuple[str, str], ...] = attrs.field(converter=_freeze, validator=_one_tag_each)

    def __getitem__(self, locale: str) -> str:
        if isinstance(locale, str):
            wanted = _key(locale)
            for tag, text in self.translations:
                if _key(tag) == wanted:
                    return text
        raise KeyError(locale)

    def __iter__(self) -> Iterator[str]:
        return (tag for tag, _ in self.translations)

    def __len__(self) -> int:
        return len(self.translations)

    def resolve(self, locale: str | None, *, default_locale: str) -> str:
        """Return the best text for *locale*.

        The lookup tries *locale* itself, then ever shorter prefixes of it
        (``de-CH-1996``, ``de-CH``, ``de``), then the same for
        *default_locale*, and last the first translation given: the chain the
        library's own words follow (:doc:`/languages`). The tags are read as
        everywhere else: case does not matter, as BCP 47 asks, and ``_`` is
        read as ``-`` (``de_DE`` is ``de-DE``).

        Args:
            locale: The locale tag wanted, or ``None`` for the default.
            default_locale: The locale to fall back to.

        Raises:
            ValueError: If *locale* or *default_locale* is not a well-formed language tag.
            TypeError: If either is not a string (or ``None``).
            LookupError: If there are no translations at all.
        """
        return self.resolve_tagged(locale, default_locale=default_locale)[1]

    def resolve_tagged(self, locale: str | None, *, default_locale: str) -> tuple[str, str]:
        """The best ``(locale tag, text)`` for *locale*, found as :meth:`resolve` finds it.

        The tag tells which language the text is in, so that a page can mark
        a text that fell back to another language than the page's.

        Example:
            >>> LocalizedText({"en": "Rest", "fr": "Repos"}).resolve_tagged("de", default_locale="en")
            ('en', 'Rest')

        Raises:
            ValueError: If *locale* or *default_locale* is not a well-formed language tag.
            TypeError: If either is not a string (or ``None``).
            LookupError: If there are no translations at all.
        """
        # The tags are read by the same rule as for the library's words (backext._i18n.parse_locale): a
        # malformed one is an error, ``de_DE`` is ``de-DE``, and the case does not matter.
        wanted = [candidates(tag) for tag in (locale, default_locale) if tag is not None]  # both checked first
        by_tag: dict[str, tuple[str, str]] = {}
        for tag, text in self.translations:
            by_tag.setdefault(_key(tag), (tag, text))
        for tags in wanted:
            for candidate in tags:
                found = by_tag.get(candidate.lower())
                if found is not None:
                    return found
        if not self.translations:
            raise LookupError("this text has no translations")
        return self.translations[0]


def unchecked(translations: tuple[tuple[str, str], ...]) -> LocalizedText:
    """A :class:`LocalizedText` of *translations* whose tags are not checked: those of a pack read from a document.

    The pack's checks report a malformed or repeated tag as a problem
    (``invalid-locale``, ``duplicate-locale``) with the rest, where the
    constructor would stop at the first.
    """
    instance = _new(LocalizedText)
    _set_translations(instance, translations)
    return instance


_new = object.__new__
_set_translations = LocalizedText.__dict__["translations"].__set__


@functools.lru_cache(maxsize=256)
def _key(tag: str) -> str:
    """A translation's tag as looked up: normalized as a locale asked for is (``de_CH`` is ``de-ch``)."""
    try:
        return parse_locale(tag).lower()
    except (TypeError, ValueError):  # a pack that did not validate: the tag as it is, for an exact match only
        return str(tag).lower()


#: A human-readable text in the content: a plain string (in the pack's default
#: locale) or a :class:`LocalizedText`.
Text: TypeAlias = Union[str, LocalizedText]  # noqa: UP007 - Sphinx needs a runtime alias


def localize(text: Text, locale: str | None = None, *, default_locale: str = "en") -> str:
    """Return *text* for *locale*, falling back to *default_locale*.

    A plain string is returned as it is: it is already in the pack's default
    locale.

    Example:
        >>> localize("Lie face down")
        'Lie face down'
        >>> localize(LocalizedText({"en": "Rest", "fr": "Repos"}), "fr-CA")
        'Repos'

    The locale tags are read as for the library's own words: ``de_DE`` is
    ``de-DE``, and a malformed tag is an error, even for a plain string.

    Raises:
        TypeError: If *text* is neither, or a locale tag is not a string.
        ValueError: If *locale* or *default_locale* is not a well-formed language tag.

    .. versionadded:: 0.1.0
    """
    for tag in (locale, default_locale):
        if tag is not None:
            parse_locale(tag)
    if isinstance(text, str):
        return text
    if not isinstance(text, LocalizedText):
        raise TypeError(f"text must be a string or a LocalizedText, not {type(text).__name__}")
    return text.resolve(locale, default_locale=default_locale)


def is_text_type(hint: object) -> bool:
    """Whether the type *hint* is :data:`Text` (``str | LocalizedText``), optional or not."""
    origin = typing.get_origin(hint)
    if origin is not Union and origin is not types.UnionType:
        return False
    return {a for a in typing.get_args(hint) if a is not type(None)} == {str, LocalizedText}
