"""Choosing the language to speak to a person: asked for, from the environment, or the pack's.

The command line takes ``--locale``, then the first usable language of the
environment (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``, as gettext
reads them, without changing the process's locale), then the pack's default
locale; English is the last fallback of every text. The same BCP 47 fallback
serves the pack's texts and the library's words: ``de-AT``, ``de``, the
pack's default locale, English.
"""

from __future__ import annotations

import locale as _locale
from collections.abc import Callable, Iterator, Mapping

import attrs

from ._i18n import N_, available_languages, candidates, parse_locale, tag_problem
from ._messages import Message, listed
from ._model import Pack
from ._text import LocalizedText
from ._wrong import WordedError


__all__ = [
    "UnknownLocaleError",
    "choose_among",
    "choose_locale",
    "environment_locales",
    "pack_languages",
    "pack_speaks",
    "spoken",
]

#: The environment variables that name the person's language, in the order gettext reads them.
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


class UnknownLocaleError(WordedError):
    """A language asked for that neither the library nor the pack has texts in."""


def environment_locales(environ: Mapping[str, str]) -> list[str]:
    """The language tags the environment asks for, best first (``de_DE.UTF-8`` is ``de-DE``).

    As Python's :mod:`gettext` does: the first of ``LANGUAGE``, ``LC_ALL``,
    ``LC_MESSAGES`` and ``LANG`` that is set and not empty counts;
    ``LANGUAGE`` may list several (``de:fr``), and it comes first even when
    the locale is ``C`` or ``C.UTF-8``, the usual default of a container
    (GNU gettext would ignore it then). ``C`` and ``POSIX`` mean no
    language, wherever they are given (in ``LANGUAGE``, no language from
    that entry on); the names gettext knows as aliases (``german``,
    ``french``) stand for their locales; malformed values are left out, and
    a variable of malformed values only counts as unset.

    Example:
        >>> environment_locales({"LANG": "de_AT.UTF-8"})
        ['de-AT']
        >>> environment_locales({"LANGUAGE": "fr:es", "LANG": "de_DE.UTF-8"})
        ['fr', 'es']
        >>> environment_locales({"LC_ALL": "C.UTF-8", "LANG": "de_DE"})
        []
        >>> environment_locales({"LANGUAGE": "de", "LANG": "C.UTF-8"})
        ['de']
        >>> environment_locales({"LANGUAGE": "C", "LANG": "de_DE.UTF-8"})
        []
        >>> environment_locales({"LANGUAGE": "french:de"})
        ['fr-FR', 'de']
    """
    for name in ENVIRONMENT:
        value = environ.get(name, "")
        if not value:
            continue
        found: list[str] = []
        for entry in value.split(":") if name == "LANGUAGE" else [value]:
            tag = entry.split(".", 1)[0].split("@", 1)[0]
            if not _plain_tag(tag):  # perhaps a name gettext knows as an alias ("german_germany", "c-french")
                alias = _locale.normalize(tag.lower())
                if alias.lower() != tag.lower():
                    tag = alias.split(".", 1)[0].split("@", 1)[0]
            if tag in ("C", "POSIX"):
                return found  # no language from here on, as gettext reads it: "LANGUAGE=de:C" is German, then none
            if not tag:
                continue
            try:
                found.append(parse_locale(tag))
            except ValueError:
                continue
        if not found:
            continue  # malformed only: the next variable counts
        return found
    return []


def _plain_tag(tag: str) -> bool:
    """Whether *tag* reads as a language tag whose language is a code of two or three letters (``de``, ``de_AT``)."""
    try:
        parsed = parse_locale(tag)
    except ValueError:
        return False
    language = parsed.split("-", 1)[0]
    return 2 <= len(language) <= 3


def _texts(value: object) -> Iterator[LocalizedText]:
    if isinstance(value, LocalizedText):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _texts(item)
    elif attrs.has(type(value)):
        for field in getattr(type(value), "__attrs_attrs__", ()):
            yield from _texts(getattr(value, field.name))


def pack_languages(pack: Pack) -> set[str]:
    """Every language tag the pack has texts in (its default locale included), normalized."""
    tags = {pack.default_locale}
    for text in _texts(pack):
        tags.update(text)
    found = set()
    for tag in tags:
        try:
            found.add(parse_locale(tag))
        except ValueError:
            continue
    return found


def spoken(pack: Pack) -> list[str]:
    """The languages texts can be shown in: the library's and the pack's, sorted."""
    return sorted({*available_languages(), *pack_languages(pack)})


def _served(tag: str, languages: set[str]) -> bool:
    """Whether *tag*, or a shorter prefix of it, is one of *languages*."""
    lowered = {language.lower() for language in languages}
    return any(candidate.lower() in lowered for candidate in candidates(tag))


def _language_of(tag: str) -> str:
    """The primary language subtag of *tag*, in lower case: ``de`` for ``de-AT``."""
    return tag.split("-", 1)[0].lower()


def pack_speaks(pack: Pack, tag: str) -> bool:
    """Whether *pack*'s texts come out in *tag*'s language when shown for *tag*.

    As :meth:`Pack.localize <backext.Pack.localize>` looks a text up: *tag*,
    its shorter prefixes (``de-CH``, ``de``), then the pack's default locale
    and its prefixes. So a pack speaks *tag*'s language when one of its texts
    is under *tag* or a prefix of it, or when its default locale is of that
    language: a pack written in ``en-GB`` speaks English to a person who asks
    for ``en`` or ``en-US``, and one written in ``de-AT`` German to one who
    asks for ``de`` or ``de-CH``, since every text then comes out in English,
    or German. The lookup truncates the tag asked for, as RFC 4647 does; it
    never widens it: ``de`` does not reach a ``de-AT`` text of a pack whose
    default locale is English, and that pack does not speak German.

    Example:
        >>> import backext
        >>> pack = backext.builtin_pack()
        >>> pack_speaks(pack, "de-AT"), pack_speaks(pack, "en-US"), pack_speaks(pack, "ja")
        (True, True, False)
    """
    wanted = _language_of(tag)
    try:
        default = parse_locale(pack.default_locale)
    except ValueError:
        default = None
    if default is not None and _language_of(default) == wanted:
        return True  # every text comes out in its default language, failing a closer one: in *tag*'s language
    return _served(tag, pack_languages(pack))


def _library_speaks(tag: str) -> bool:
    """Whether the library has its words in *tag*'s language (itself, or a shorter prefix of it)."""
    return _served(tag, set(available_languages()))


def choose_locale(asked: str | None, environ: Mapping[str, str], pack: Pack) -> str:
    """The locale to show *pack* and the library's words in.

    *asked* (``--locale``) comes first and must be served: by the library
    (itself, or a shorter prefix of it) or by the pack (:func:`pack_speaks`).
    Failing that, the first language of the environment that both the
    library and the pack speak (``LANGUAGE=fr:de`` on a pack in English and
    German is German throughout, not French words around English texts; a
    pack written in ``en-GB`` speaks English, so ``LANGUAGE=en:de`` is
    English); failing that, the first language of the environment that
    either speaks; failing that, the pack's default locale.

    Raises:
        ValueError: If *asked* is not a well-formed tag (the message lists the languages there are).
        UnknownLocaleError: If nothing is in *asked*'s language; the message lists the languages there are.
    """
    if asked is None:
        for tag in environment_locales(environ):
            if _library_speaks(tag) and pack_speaks(pack, tag):
                return tag
    return _choose(
        asked,
        environ,
        lambda tag: _library_speaks(tag) or pack_speaks(pack, tag),
        {*available_languages(), *pack_languages(pack)},
        pack.default_locale,
    )


def choose_among(asked: str | None, environ: Mapping[str, str], languages: set[str], default: str) -> str:
    """The locale to speak in, among *languages*: *asked*, else the environment's first served, else *default*.

    :func:`choose_locale` for a pack; ``backext validate``, which speaks only
    the library's words about files that may not load, passes the library's
    languages and English.

    Raises:
        ValueError: If *asked* is not a well-formed tag (the message lists the languages there are).
        UnknownLocaleError: If nothing is in *asked*'s language; the message lists the languages there are.

    Example:
        >>> choose_among(None, {"LANG": "de_AT.UTF-8"}, {"en", "de"}, "en")
        'de-AT'
        >>> choose_among(None, {"LANG": "pt_BR"}, {"en", "de"}, "en")
        'en'
    """
    return _choose(asked, environ, lambda tag: _served(tag, languages), languages, default)


def _choose(
    asked: str | None, environ: Mapping[str, str], served: Callable[[str], bool], languages: set[str], default: str
) -> str:
    """*asked* if *served* serves it, else the environment's first tag it serves, else *default*.

    *languages* are the ones listed to a person whose *asked* is refused.
    """
    if asked is not None:
        choices = Message(
            template=N_("choose one of {languages} (or a regional variant of one, such as de-AT)"),
            values={"languages": listed(sorted(languages), 12)},
        )
        malformed = tag_problem(asked)
        if malformed is not None:
            from ._suggest import locale_meant  # noqa: PLC0415 - only for a tag refused

            why = Message(template=malformed[0], values={"tag": repr(malformed[1])})
            meant = locale_meant(asked)  # "; did you mean 'de-DE'?" for de_DE.UTF-8
            raise WordedError(N_("{problem}: {choices}{hint}"), {"problem": why, "hint": meant, "choices": choices})
        tag = parse_locale(asked)
        if not served(tag):
            raise UnknownLocaleError(
                N_("there are no texts in {tag}: {choices}"), {"tag": repr(asked), "choices": choices}
            )
        return tag
    for tag in environment_locales(environ):
        if served(tag):
            return tag
    return default
