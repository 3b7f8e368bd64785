"""Messages kept as their template and values, so that they can be put into words in any locale later.

The engine is pure and speaks no language: a :class:`~backext.Reason` keeps
its English sentence and a :class:`Message`, the English template (a gettext
message id) with the values of its placeholders. Rendering the message in a
locale looks the template up in that language's catalog and fills in the
values, each one rendered in the same locale.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TypeAlias, Union

import attrs

from ._i18n import gettext, ngettext, parse_locale, pgettext, plural_count
from ._text import LocalizedText


__all__ = ["Message", "Value"]

#: The value of a placeholder: a number (written the locale's way), a date (ISO 8601), a string (shown as it
#: is: an id, a name), a pack's text in several languages, or a message of its own.
Value: TypeAlias = Union[int, float, str, datetime.date, LocalizedText, "Message"]


def _freeze(values: Mapping[str, Value] | tuple[tuple[str, Value], ...]) -> tuple[tuple[str, Value], ...]:
    return tuple(values.items()) if isinstance(values, Mapping) else tuple(values)


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

    .. versionadded:: 0.1.0
    """

    template: str
    plural: str | None = None
    count: float | None = None
    context: str | None = None
    values: tuple[tuple[str, Value], ...] = attrs.field(default=(), converter=_freeze)
    default_locale: str = "en"

    def render(self, locale: str | None = None) -> str:
        """The message in *locale*: the language's template with each value in the same language.

        The library's catalog is chosen as for every text: *locale*, then ever
        shorter prefixes of it (``de-AT``, ``de``), then
        :attr:`default_locale`, then English. ``None`` is the default locale.

        Raises:
            ValueError: If *locale* is not a well-formed language tag.
        """
        if locale is not None:
            parse_locale(locale)
        tags = (locale, self.default_locale)
        if self.plural is not None:
            count = plural_count(self.count if self.count is not None else 0)
            if self.context is None:
                template = ngettext(self.template, self.plural, count, *tags)
            else:
                from ._i18n import translation  # noqa: PLC0415

                template = translation(*tags).npgettext(self.context, self.template, self.plural, count)
        elif self.context is not None:
            template = pgettext(self.context, self.template, *tags)
        else:
            template = gettext(self.template, *tags)
        return template.format(**{name: _value(value, locale, self.default_locale) for name, value in self.values})


def _value(value: Value, locale: str | None, default_locale: str) -> str:
    """*value* written for *locale*."""
    if isinstance(value, Message):
        return value.render(locale)
    if isinstance(value, LocalizedText):
        return value.resolve(locale, default_locale=default_locale)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        from ._render import localized_number  # noqa: PLC0415 - _render imports the model

        return localized_number(value, locale, default_locale)
    if isinstance(value, int):
        from ._render import number  # noqa: PLC0415

        return number(value)
    return value
