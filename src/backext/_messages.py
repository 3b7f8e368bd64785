"""Messages kept as their template and values, so that they can be put into words in any locale later.

The engine is pure and speaks no language: a :class:`~backext.Reason` keeps
its English sentence and a :class:`Message`, the English template (a gettext
message id) with the values of its placeholders. Rendering the message in a
locale looks the template up in that language's catalog and fills in the
values, each one rendered in the same locale.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
import string
from collections.abc import Mapping
from typing import Any, TypeAlias, Union

import attrs

from ._i18n import N_plural, gettext, ngettext, parse_locale, pgettext, plural_count
from ._text import LocalizedText


__all__ = ["MAX_FORMAT_WIDTH", "Message", "Value", "listed", "quoted"]

#: The value of a placeholder: a number (written the locale's way), a date (ISO 8601), a string (shown as it
#: is: an id, a name), a pack's text in several languages, or a message of its own.
Value: TypeAlias = Union[int, float, str, datetime.date, LocalizedText, "Message"]


def _freeze(values: Mapping[str, Value] | tuple[tuple[str, Value], ...]) -> tuple[tuple[str, Value], ...]:
    return tuple(values.items()) if isinstance(values, Mapping) else tuple(values)


#: The widest field and the longest precision a template may ask for (``{name:>20}``, ``{value:.2f}``): a wider
#: one would build a huge string from a small message.
MAX_FORMAT_WIDTH = 100

_NUMBERS_IN_SPEC = re.compile(r"\d+")
_NESTED = re.compile(r"\{(\w+)\}")


def _real_number(what: str, value: object) -> None:
    """Refuse a number that is not a real, finite ``int`` or ``float`` (``True`` and ``"2"`` are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} must be an int or a float, not {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, not {value!r}")


def _check_count(message: Message, attribute: attrs.Attribute[float | None], value: float | None) -> None:
    del message
    if value is not None:
        _real_number(f"the {attribute.name} of a message", value)


_VALUE_TYPES = (int, float, str, datetime.date, LocalizedText)


def _check_values(
    message: Message, attribute: attrs.Attribute[tuple[tuple[str, Value], ...]], values: tuple[tuple[str, Value], ...]
) -> None:
    """Every value of a type a message can write, and every placeholder of the templates given a value."""
    del attribute
    given: dict[str, object] = {}
    for pair in values:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)):  # type: ignore[redundant-expr]
            raise TypeError(f"the values of a message must be (name, value) pairs, not {pair!r}")
        name, value = pair
        if isinstance(value, (int, float)):
            _real_number(f"the value of {{{name}}}", value)
        elif not isinstance(value, (*_VALUE_TYPES, Message)):
            raise TypeError(
                f"the value of {{{name}}} must be a number, a string, a date, a LocalizedText or a Message,"
                f" not {type(value).__name__}"
            )
        given[name] = value
    for template in (message.template, message.plural):
        if template is not None:
            _check_placeholders(template, given)


def _check_default_locale(message: Message, attribute: attrs.Attribute[str], value: str) -> None:
    """The default locale is a well-formed language tag: a message falls back to it when it is rendered."""
    del message, attribute
    if value != "en":
        parse_locale(value)  # a ValueError, in the same words as everywhere a tag is given


@functools.lru_cache(maxsize=1024)
def _placeholders(template: str) -> tuple[tuple[str, str], ...]:
    """The ``(name, format spec)`` of every placeholder of *template*, nested ones (``{w}`` in ``{n:>{w}}``) too.

    Raises:
        ValueError: If *template* is not a :meth:`str.format` string with named placeholders only.
    """
    found: list[tuple[str, str]] = []

    def scan(text: str, depth: int) -> None:
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as error:
            raise ValueError(f"the message {template!r} is not a format string: {error}") from None
        for _, name, spec, conversion in parsed:
            if name is None:
                continue
            if conversion not in (None, "r", "s", "a"):
                raise ValueError(f"{{{name}!{conversion}}} is no conversion Python knows, in the message {template!r}")
            if not name.isidentifier():
                raise ValueError(
                    f"{name!r} is not a named placeholder (such as {{seconds}}) in the message {template!r}"
                )
            found.append((name, spec or ""))
            if spec and depth == 0:
                scan(spec, 1)

    scan(template, 0)
    return tuple(found)


def _check_placeholders(template: str, values: Mapping[str, object]) -> None:
    """Refuse a template with a placeholder that has no value, or that would be written too wide."""
    if not isinstance(template, str):
        raise TypeError(f"a message's template must be a string, not {type(template).__name__}")
    placeholders = _placeholders(template)
    for name, _ in placeholders:
        if name not in values:
            raise ValueError(f"the message {template!r} has the placeholder {{{name}}} but no value for it")
    for name, spec in placeholders:
        for nested in _NESTED.findall(spec):  # a width or precision given by a value: a whole number, as Python's
            if type(values.get(nested)) is not int:
                raise ValueError(
                    f"the placeholder {{{nested}}} in the format of {{{name}}} of the message {template!r} must be a"
                    f" whole number (a width or a precision), not {values.get(nested)!r}"
                )
        written = spec.format_map(values) if "{" in spec else spec
        if any(len(digits) > 3 or int(digits) > MAX_FORMAT_WIDTH for digits in _NUMBERS_IN_SPEC.findall(written)):
            raise ValueError(
                f"the placeholder {{{name}}} of the message {template!r} asks for a width or precision"
                f" above {MAX_FORMAT_WIDTH} ({written!r})"
            )
        if written:
            try:
                format("", written)  # every value is written as text first: the spec must be a text's
            except ValueError as error:
                raise ValueError(
                    f"the placeholder {{{name}}} of the message {template!r} has the format {written!r}, which text"
                    f" cannot take (values are written as text, in the language's way): {error}"
                ) from None


@attrs.frozen(kw_only=True)
class Message:
    """A sentence for a person, kept as its English template and its values, to be rendered in any locale.

    Attributes:
        template: The English template, a :meth:`str.format` string with named
            placeholders; it is the gettext message id the catalogs translate.
        plural: The plural form of *template*, for a message whose words depend
            on :attr:`count`; ``None`` otherwise.
        count: The number that chooses between *template* and *plural*.
        context: The gettext context that tells apart two uses of the same
            words, or ``None``.
        values: The placeholders' values, as ``(name, value)`` pairs (a mapping
            is accepted): numbers, dates, strings shown as they are, a pack's
            :class:`~backext.LocalizedText`, or other messages.
        default_locale: The locale to fall back to, for the values' texts and
            the library's words alike: the pack's default locale.

    Example:
        >>> message = Message(
        ...     template="well tolerated {count} session in a row",
        ...     plural="well tolerated {count} sessions in a row",
        ...     count=3,
        ...     values={"count": 3},
        ... )
        >>> message.render()
        'well tolerated 3 sessions in a row'
        >>> message.render("de-AT")
        '3 Einheiten in Folge gut vertragen'

    A message is checked when it is made. The count and every number among
    the values must be a real, finite ``int`` or ``float`` (not ``True``,
    not ``"2"``, not ``nan``); every placeholder of the templates must be
    named (``{seconds}``, not ``{0}`` nor ``{a.b}``) and have a value; every
    value is written as text (numbers and dates in the language's way), so a
    placeholder's format must be one text takes (``{name:>10}``, not
    ``{seconds:.2f}``); no placeholder may ask for a width or precision above
    100 (which would build a huge string from a small message); and the
    default locale must be a well-formed language tag:

        >>> Message(template="Hold for {seconds} seconds")
        Traceback (most recent call last):
        ...
        ValueError: the message 'Hold for {seconds} seconds' has the placeholder {seconds} but no value for it

    Numbers are written in full and exactly, never rounded nor in
    scientific notation, with the decimal separator of the language
    (``1234567,5`` in German); an integer of more than 64 bits is described
    by its number of digits, in the language's words:

        >>> Message(template="{seconds} s", values={"seconds": 1234567.5}).render("de")
        '1234567,5 s'
        >>> Message(template="{n}", values={"n": 10**30}).render("fr")
        "un nombre entier d'environ 31 chiffres"

    Raises:
        TypeError: If the count or a value is of a type a message cannot write.
        ValueError: If a number is not finite, a placeholder is positional,
            has no value, has a format text cannot take or asks for too wide a
            field, or the default locale is not a language tag.

    .. versionadded:: 0.1.0
    """

    template: str
    plural: str | None = None
    count: float | None = attrs.field(default=None, validator=_check_count)
    context: str | None = None
    values: tuple[tuple[str, Value], ...] = attrs.field(default=(), converter=_freeze, validator=_check_values)
    default_locale: str = attrs.field(default="en", validator=_check_default_locale)

    def render(self, locale: str | None = None) -> str:
        """The message in *locale*: the language's template with each value in the same language.

        The library's catalog is chosen as for every text: *locale*, then ever
        shorter prefixes of it (``de-AT``, ``de``), then
        :attr:`default_locale`, then English. ``None`` is the default locale.

        Raises:
            ValueError: If *locale* is not a well-formed language tag, or a
                translation's placeholders do not fit the values (a broken
                catalog).
        """
        if locale is not None:
            parse_locale(locale)
        elif self.default_locale == "en":
            return self._english()
        tags = (locale, self.default_locale)
        if self.plural is not None:
            count = plural_count(self.count if self.count is not None else 0, *tags)
            if self.context is None:
                template = ngettext(self.template, self.plural, count, *tags)
            else:
                from ._i18n import translation  # noqa: PLC0415

                template = translation(*tags).npgettext(self.context, self.template, self.plural, count)
        elif self.context is not None:
            template = pgettext(self.context, self.template, *tags)
        else:
            template = gettext(self.template, *tags)
        return self._fill(template, {name: _value(value, locale, self.default_locale) for name, value in self.values})

    def _fill(self, template: str, values: dict[str, Any]) -> str:
        """*template* with *values*; a translation that names a placeholder the message has not is a ValueError."""
        try:
            return template.format(**values)
        except (KeyError, IndexError, AttributeError) as error:
            raise ValueError(
                f"the translation {template!r} of the message {self.template!r} does not fit its values ({error!r})"
            ) from None

    def _english(self) -> str:
        """The message in English, the language of its templates: no catalog to look in (problems are many)."""
        template = self.template
        if self.plural is not None and plural_count(self.count if self.count is not None else 0) != 1:
            template = self.plural
        values = {name: value if type(value) is str else _value(value, None, "en") for name, value in self.values}
        return self._fill(template, values)


def _value(value: Value, locale: str | None, default_locale: str) -> str:
    """*value* written for *locale*."""
    if isinstance(value, Message):
        return value.render(locale)
    if isinstance(value, LocalizedText):
        return value.resolve(locale, default_locale=default_locale)
    if isinstance(value, datetime.date):
        from ._render import localized_date  # noqa: PLC0415 - _render imports the model

        return localized_date(value, locale, default_locale)
    if isinstance(value, (int, float)):
        from ._render import localized_number  # noqa: PLC0415 - _render imports the model

        return localized_number(value, locale, default_locale)
    return value


def quoted(text: str) -> str:
    r"""*text* in quotes as :func:`repr` writes it, but a backslash kept as the author wrote it, not doubled.

    Characters that do not print (a tab, a control character) are escaped as
    :func:`repr` escapes them, so that a message stays one line and shows them.

    Example:
        >>> print(quoted("C:\\pics\\a.png"), quoted("tab\there"), quoted("it's"))
        'C:\pics\a.png' 'tab\there' "it's"
    """
    quote = '"' if "'" in text and '"' not in text else "'"
    written = (
        "\\" + character if character == quote else character if character.isprintable() else repr(character)[1:-1]
        for character in text
    )
    return quote + "".join(written) + quote


#: A list cut short in a message: the names shown, then how many more there are.
MORE = N_plural("{names} and {count} other", "{names} and {count} others")


def listed(names: list[str], most: int = 5) -> Value:
    """*names* joined for a message, at most *most* of them, then how many more (a report never grows with a pack).

    Example:
        >>> listed(["'de'", "'fr'"])
        "'de', 'fr'"
        >>> listed([f"'{n}'" for n in "abcdefg"], 3).render("de")
        "'a', 'b', 'c' und 4 weitere"
    """
    if len(names) <= most:
        return ", ".join(names)
    rest = len(names) - most
    return Message(
        template=MORE[0], plural=MORE[1], count=rest, values={"names": ", ".join(names[:most]), "count": rest}
    )
