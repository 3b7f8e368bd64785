"""The engine's policy: thresholds and counts, each with its source, and the guard rails around them."""

from __future__ import annotations

from typing import Any

import attrs

from ._i18n import N_
from ._messages import Message
from ._wrong import WrongValue, refused_value


__all__ = ["ACCEPTABLE_PAIN", "SEVERE_PAIN", "Rules"]

#: The most pain (0-10) during or after exercise that the pain-monitoring
#: model of Silbernagel et al. (2007) accepts at all: no setting may let the
#: dose go up with more.
ACCEPTABLE_PAIN = 5

#: Where severe pain begins on the 0-10 scale: 7 (Serlin et al., 1995, bands
#: 1-4 mild, 5-6 moderate, 7-10 severe). The engine stops at it or above.
SEVERE_PAIN = 7

#: The longest a gap setting may be, in days (our choice): four weeks.
_LONGEST_GAP = 28

#: The most sessions in a row an escalation setting may wait (our choice).
_MOST_SESSIONS = 10


def _whole(low: int, high: int | None = None) -> Any:
    def check(_: object, attribute: attrs.Attribute[int], value: int) -> None:
        if type(value) is not int or value < low or (high is not None and value > high):
            shown: Any = refused_value(value)
            values = {"name": attribute.name, "least": str(low), "value": shown}
            if high is None:
                template = N_("{name} must be a whole number of at least {least}, not {value}")
            else:
                template = N_("{name} must be a whole number from {least} to {most}, not {value}")
                values["most"] = str(high)
            raise WrongValue("out-of-range", Message(template=template, values=values), attribute.name)

    return check


def _above(name: str, value: int, other: str, bound: int, template: str) -> WrongValue:
    """The error of the setting *name* that does not fit the setting *other*, pointed at *name*."""
    values = {"name": name, "value": str(value), "other": other, "bound": str(bound)}
    return WrongValue("invalid-value", Message(template=template, values=values), name)


def _flag(_: object, attribute: attrs.Attribute[bool], value: bool) -> None:
    if type(value) is not bool:
        raise TypeError(f"{attribute.name} must be True or False, not {value!r}")


@attrs.frozen(kw_only=True)
class Rules:
    """The engine's policy. Every default is documented with its source, or as our choice.

    Settings that would let the dose go up with more pain than the evidence
    accepts, or switch a safety gate off, are refused with a
    :class:`ValueError`: the pain settings can be made stricter, not looser
    (see :doc:`/rules`).

    Attributes:
        tolerated_pain: The most pain during a session (0-10) that counts as
            well tolerated. Default 2; at most 5.
        regress_pain: Pain during a session (0-10) from which the dose steps
            back; between the two, the dose is repeated. Default 5; above
            ``tolerated_pain`` and at most ``severe_pain``.
        next_day_pain: The most pain the next day (0-10) that counts as
            settled; above it the dose steps back. Default 2; at most 5 and
            below ``severe_pain``.
        severe_pain: Pain (0-10), during the session or the next day, that
            stops the engine until a clinician has reviewed the person, as a
            red flag does. Default 7; at most 7.
        tolerated_sessions: Well-tolerated sessions in a row at one dose before
            it steps up. An exercise may ask for more, never for fewer: the
            larger of this and the exercise's
            ``progression.tolerated_sessions`` (3 unless the pack sets it)
            counts. Default 3.
        untolerated_sessions: Sessions in a row at one dose that were not
            well tolerated (moderate pain, or not completed) after which the
            dose steps back instead of being repeated again. Default 3; 1 to
            10.
        painful_sessions: Sessions in a row with pain above
            ``tolerated_pain`` (during, or above ``next_day_pain`` the next
            day) after which every decision also advises seeing a clinician.
            Default 3; 1 to 10.
        max_gap_days: After a gap of more than this many days, the dose steps
            back and the count starts again. Default 7; 1 to 28.
        gap_days_per_step: After such a gap, one step back for each of these
            many days (or part of them) beyond ``max_gap_days``, never below
            the start of the exercise. Default 7; 1 to 28.
        min_rest_days: A session fewer days than this after the previous one
            does not count towards progression. Default 1 (a second session on
            the same day does not count); 0 to 7.
        require_next_day_report: Whether a session counts towards a step up
            only once its next-day pain is known and settled. Default
            ``True``. An app that cannot ask the next day may set it to
            ``False``: a session without a next-day report then counts as
            settled.

    Example:
        >>> Rules().tolerated_sessions
        3
        >>> Rules(tolerated_sessions=4).regress_pain
        5
        >>> try:
        ...     Rules(tolerated_pain=9, regress_pain=10, next_day_pain=10)
        ... except ValueError as error:
        ...     print(error)
        tolerated_pain must be a whole number from 0 to 5, not 9

    An app that stores the rules a clinician chose reads them back with
    :func:`~backext.load_rules`; the command line takes them with ``--rules``.

    .. versionadded:: 0.1.0
    """

    tolerated_pain: int = attrs.field(default=2, validator=_whole(0, ACCEPTABLE_PAIN))
    regress_pain: int = attrs.field(default=5, validator=_whole(1, SEVERE_PAIN))
    next_day_pain: int = attrs.field(default=2, validator=_whole(0, ACCEPTABLE_PAIN))
    severe_pain: int = attrs.field(default=SEVERE_PAIN, validator=_whole(1, SEVERE_PAIN))
    tolerated_sessions: int = attrs.field(default=3, validator=_whole(1))
    untolerated_sessions: int = attrs.field(default=3, validator=_whole(1, _MOST_SESSIONS))
    painful_sessions: int = attrs.field(default=3, validator=_whole(1, _MOST_SESSIONS))
    max_gap_days: int = attrs.field(default=7, validator=_whole(1, _LONGEST_GAP))
    gap_days_per_step: int = attrs.field(default=7, validator=_whole(1, _LONGEST_GAP))
    min_rest_days: int = attrs.field(default=1, validator=_whole(0, 7))
    require_next_day_report: bool = attrs.field(default=True, validator=_flag)

    def __attrs_post_init__(self) -> None:
        if self.regress_pain <= self.tolerated_pain:
            raise _above("regress_pain", self.regress_pain, "tolerated_pain", self.tolerated_pain, _MUST_BE_ABOVE)
        if self.regress_pain > self.severe_pain:
            raise _above("regress_pain", self.regress_pain, "severe_pain", self.severe_pain, _MAY_NOT_BE_ABOVE)
        if self.next_day_pain >= self.severe_pain:
            raise _above("next_day_pain", self.next_day_pain, "severe_pain", self.severe_pain, _MUST_BE_BELOW)


_MUST_BE_ABOVE = N_("{name} ({value}) must be above {other} ({bound})")
_MAY_NOT_BE_ABOVE = N_("{name} ({value}) may not be above {other} ({bound})")
_MUST_BE_BELOW = N_("{name} ({value}) must be below {other} ({bound})")

#: The messages of two settings that do not fit one another: said at ``{name}``, of the setting ``{other}`` too.
CLASHES = frozenset({_MUST_BE_ABOVE, _MAY_NOT_BE_ABOVE, _MUST_BE_BELOW})


#: The rules used when none are given.
DEFAULT_RULES = Rules()
