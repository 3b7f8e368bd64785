"""Values of the wrong type or not allowed: the errors structuring raises, carrying what was found.

They live apart from :mod:`backext._converter` so that code which only
reports them (the fast loader, the file parsers) need not import cattrs.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping

from ._i18n import N_
from ._messages import Message, Value, quoted


__all__ = [
    "WordedError",
    "WrongType",
    "WrongValue",
    "json_type",
    "json_type_name",
    "out_of_range",
    "show_number",
    "shown_number",
]

_EXPECTED = N_("expected {expected}, found {found}")


class WrongType(TypeError):
    """A value of the wrong JSON type; carries what was expected and what was found.

    *expected* is a message id marked with ``N_`` (``"a string"``) or a
    :class:`~backext.Message`; :attr:`template` is the whole message, to be
    rendered in any locale.
    """

    def __init__(self, expected: str | Message, value: object) -> None:
        self.expected = expected if isinstance(expected, Message) else Message(template=expected)
        found = json_type(value)
        self.template = Message(template=_EXPECTED, values={"expected": self.expected, "found": found})
        self.found = found.render()
        super().__init__(self.template.render())


class WrongValue(ValueError):
    """A value of the right type that is not allowed; carries the reason, and the field where it is known.

    *message* is a :class:`~backext.Message` (rendered in any locale) or, from
    code that has no template, English words.
    """

    def __init__(self, code: str, message: str | Message, field: str | None = None) -> None:
        self.code = code
        self.field = field
        self.template = message if isinstance(message, Message) else None
        super().__init__(message if isinstance(message, str) else message.render())


class WordedError(ValueError):
    """A value refused, its message kept as a :class:`~backext.Message`.

    Its string is English; :attr:`template` says it in any language (the
    command line says it in the person's).
    """

    def __init__(
        self, template: str | tuple[str, str], values: Mapping[str, Value] | None = None, count: float | None = None
    ) -> None:
        singular, plural = (template, None) if isinstance(template, str) else template
        self.template = Message(template=singular, plural=plural, count=count, values=dict(values or {}))
        super().__init__(self.template.render())

    def render(self, locale: str | None = None) -> str:
        """The message in *locale*'s words (``None``: English)."""
        return self.template.render(locale)


#: The message of a number of days a week that is not 1 to 7 (a plan, a FHIR request's timing).
DAYS_PER_WEEK = N_("days_per_week must be a whole number from 1 to 7, not {value}")

#: The messages of a number out of its range, in the model's own checks (a log, a dose, a stored state).
WHOLE_FROM_0 = N_("{name} must be a whole number from 0 to {most}, not {value}")
NUMBER_FROM_0 = N_("{name} must be a number from 0 to {most}, not {value}")
SECONDS_FROM_0 = N_("{name} must be a number of seconds from 0 to {most}, not {value}")


def out_of_range(code: str, template: str, name: str, most: int, value: object, *, at_field: bool = True) -> WrongValue:
    """The error (a ``ValueError``) of the field *name* whose *value* is not from 0 to *most*.

    An integer too long for 64 bits is described by its size (:func:`shown_number`). With *at_field*
    false, the problem points at the object rather than at the field.
    """
    message = Message(template=template, values={"name": name, "most": str(most), "value": shown_number(value)})
    return WrongValue(code, message, name if at_field else None)


def json_type(value: object) -> Message:
    """Name *value*'s type the way a pack author knows it (JSON's names), as a message in any locale."""
    if value is None:
        return Message(template="{value}", values={"value": "null"})  # JSON's word, the same in every language
    if isinstance(value, bool):
        return Message(template=N_("a boolean ({value})"), values={"value": str(value).lower()})
    if isinstance(value, int):
        return Message(template=N_("an integer ({value})"), values={"value": shown_number(value)})
    if isinstance(value, float) and not math.isfinite(value):
        # JSON's 1e400 is read as infinity, as YAML's .inf is: both are beyond what a number of a pack may be.
        return _not_finite(value)
    if isinstance(value, float):
        # A whole float keeps its ".0", which says why it is not an integer; any other in the language's digits.
        whole = value.is_integer() and abs(value) < 1e18  # written in full as an integer, then ".0"
        # Translators: a whole number written as a decimal one, with the language's separator: "1500,0".
        sign = "-" if math.copysign(1.0, value) < 0 and value == 0 else ""  # -0.0 keeps its sign, as written
        point = Message(template=N_("{number}.0"), values={"number": f"{sign}{int(value)}" if sign else int(value)})
        written: Value = point if whole else shown_number(value)
        if isinstance(written, Message) and not whole:  # "a number of about 301 digits": a number already
            return written
        return Message(template=N_("a number ({value})"), values={"value": written})
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return Message(template=N_("a string ({value})"), values={"value": quoted(shown)})
    if isinstance(value, (list, tuple)):
        return Message(template=N_("a list"))
    if isinstance(value, dict):
        return Message(template=N_("an object"))
    if isinstance(value, (bytes, bytearray)):  # YAML's !!binary
        return Message(template=N_("binary data"))
    # YAML and TOML read a date or a time written bare as one (version: 2026-01-05): named as the author wrote it.
    # A date is shown as it is written (YYYY-MM-DD in both); a time may be written in several ways (10:00:00Z,
    # 10:00:00+00:00, a space for the T), and Python keeps no more than microseconds: it is not shown.
    if isinstance(value, datetime.datetime):
        return Message(template=N_("a date with a time"))
    if isinstance(value, datetime.date):
        return Message(template=N_("a date ({value})"), values={"value": value.isoformat()})
    if isinstance(value, datetime.time):
        return Message(template=N_("a time of day"))
    if isinstance(value, (set, frozenset)):  # YAML's !!set, or a Python set
        return Message(template=N_("a set"))
    return Message(template=N_("a value of type {name}"), values={"name": type(value).__name__})


def refused_value(value: object) -> Value:
    """*value*, refused, for a message: never in Python's words (``None``, ``True``).

    An integer is a number (its digits counted past 64 bits), any other value named by its type ("a boolean
    (true)", "a number (2,5)"), NaN by JSON's word.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return shown_number(value)
    if isinstance(value, float) and math.isnan(value):
        return Message(template="{value}", values={"value": "NaN"})
    return json_type(value)


def json_type_name(value: object) -> str:
    """Name *value*'s type the way a pack author knows it (JSON's names), in English."""
    return json_type(value).render()


def shown_number(value: object) -> Message | str | float:
    """Write a number for a message; an integer too long to write in full is described by its length, in words.

    (Python refuses to write integers of more than 4300 digits, and writing
    them takes time quadratic in their length.) The words are a message of
    their own, rendered in the locale of the message they are part of.

    Example:
        >>> shown_number(-(10**400)).render("de")
        'eine negative ganze Zahl mit etwa 401 Ziffern'
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        digits = str(int(value.bit_length() * 0.30103) + 1)  # about: log10(2) digits per bit
        template = (
            N_("a negative integer of about {digits} digits")
            if value < 0
            else N_("an integer of about {digits} digits")
        )
        return Message(template=template, values={"digits": digits})
    if isinstance(value, float) and not math.isfinite(value):  # never Python's "inf" or "nan"
        return _not_finite(value)
    if isinstance(value, float) and math.isfinite(value):
        if abs(value) < _LONGEST_FLOAT:
            return value  # written with the language's decimal separator, positional, when the message is rendered
        digits = str(int(math.log10(abs(value))) + 1)
        template = (
            N_("a negative number of about {digits} digits") if value < 0 else N_("a number of about {digits} digits")
        )
        return Message(template=template, values={"digits": digits})
    return repr(value)


#: The largest magnitude of a float written digit by digit in a message; a larger one is described by its size.
_LONGEST_FLOAT = 1e21


def show_number(value: object) -> str:
    """:func:`shown_number` in English."""
    shown = shown_number(value)
    if isinstance(shown, float):
        from ._render import number  # noqa: PLC0415 - _render imports the model

        return number(shown)
    return shown if isinstance(shown, str) else shown.render()


def _not_finite(value: float) -> Message:
    """*value*, not a finite number, in words: never Python's ``inf`` or ``nan``."""
    if math.isnan(value):  # a phrase that reads after "found" and after "not" alike
        return Message(template=N_("NaN (not a number)"))
    if value < 0:
        return Message(template=N_("a negative number too large to hold"))
    return Message(template=N_("a number too large to hold"))
