"""What a person reports: one session's log, and the red flags it may carry."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from ._i18n import N_
from ._wrong import SECONDS_FROM_0, WHOLE_FROM_0, WordedError, out_of_range


if TYPE_CHECKING:
    from ._state import Prescription


__all__ = ["RedFlag", "SessionLog"]


class RedFlag(enum.Enum):
    """Signs that mean: stop exercising and contact a clinician.

    Any red flag in a :class:`SessionLog` (or a next-day report) makes the
    engine answer :attr:`Action.STOP <backext.Action.STOP>`, and nothing more
    is prescribed until a clinician's clearance is recorded with
    :func:`~backext.record_clearance`.

    Example:
        >>> RedFlag("numbness-or-tingling").description
        'numbness or tingling'

    .. versionadded:: 0.1.0
    """

    SUDDEN_SEVERE_PAIN = "sudden-severe-back-pain"
    """Sudden or severe back pain with no clear cause, possibly a new vertebral fracture."""
    NUMBNESS_OR_TINGLING = "numbness-or-tingling"
    """Numbness or tingling, in the legs or the saddle area."""
    LEG_WEAKNESS = "new-leg-weakness"
    """New weakness in one or both legs."""
    BLADDER_OR_BOWEL_CHANGE = "bladder-or-bowel-change"
    """A new change in bladder or bowel control."""
    LASTING_PAIN = "pain-over-48-hours"
    """Pain that has not eased within 48 hours."""
    RIB_OR_CHEST_PAIN = "rib-or-chest-pain"
    """New pain in the ribs or chest wall, which prone exercise can strain."""

    @property
    def description(self) -> str:
        """The sign, in plain English words."""
        return _RED_FLAG_WORDS[self]

    def describe(self, locale: str | None = None) -> str:
        """The sign in plain words in *locale* (BCP 47 fallback, then English), for a checklist shown to a person.

        Raises:
            ValueError: If *locale* is not a well-formed language tag.

        Example:
            >>> RedFlag.NUMBNESS_OR_TINGLING.describe("de")
            'Taubheitsgefühl oder Kribbeln'

        .. versionadded:: 0.1.0
        """
        from ._i18n import gettext  # noqa: PLC0415

        return gettext(_RED_FLAG_WORDS[self], locale)


# Translators: the red flags: signs that mean "stop exercising and contact a clinician", said to the person.
_RED_FLAG_WORDS = {
    RedFlag.SUDDEN_SEVERE_PAIN: N_("sudden or severe back pain"),
    RedFlag.NUMBNESS_OR_TINGLING: N_("numbness or tingling"),
    RedFlag.LEG_WEAKNESS: N_("new weakness in the legs"),
    RedFlag.BLADDER_OR_BOWEL_CHANGE: N_("a change in bladder or bowel control"),
    RedFlag.LASTING_PAIN: N_("pain lasting more than 48 hours"),
    RedFlag.RIB_OR_CHEST_PAIN: N_("pain in the ribs or chest"),
}


def flag_words(flag: RedFlag) -> str:
    """The English words of *flag*: the message id its translations are found by."""
    return _RED_FLAG_WORDS[flag]


_FLAG_ORDER = {flag: index for index, flag in enumerate(RedFlag)}


def in_order(flags: Iterable[RedFlag]) -> tuple[RedFlag, ...]:
    """*flags* without repeats, in the order :class:`RedFlag` lists them."""
    return tuple(sorted(set(flags), key=_FLAG_ORDER.__getitem__))


def red_flags(values: Iterable[RedFlag | str]) -> frozenset[RedFlag]:
    """Red flags from flags or their codes."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"red_flags must be a collection of red flags, not the single value {values!r}")
    return frozenset(_red_flag(v) for v in values)


def _red_flag(value: RedFlag | str) -> RedFlag:
    try:
        return RedFlag(value)
    except ValueError:
        from ._limits import shorten  # noqa: PLC0415 - only for a message

        raise WordedError(N_("{code} is not a red flag backext knows"), {"code": shorten(str(value))}) from None


def pain_rating(_: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    """Validate a 0-10 pain rating (``None`` allowed)."""
    if value is None:
        return
    if type(value) is not int or not 0 <= value <= 10:
        raise out_of_range("invalid-value", WHOLE_FROM_0, attribute.name, 10, value)


#: The longest hold a log may report, in seconds, and the most repetitions (our choice: far beyond any session).
_MOST_SECONDS, _MOST_REPETITIONS = 86_400, 1_000_000


def _count(_: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if type(value) is not int or not 0 <= value <= _MOST_REPETITIONS:
        raise out_of_range("invalid-value", WHOLE_FROM_0, attribute.name, _MOST_REPETITIONS, value)


def _seconds(_: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if type(value) not in (int, float) or not 0 <= value <= _MOST_SECONDS:
        raise out_of_range("invalid-value", SECONDS_FROM_0, attribute.name, _MOST_SECONDS, value)


def day(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate a day: a :class:`datetime.date`, not a datetime."""
    if type(value) is not datetime.date:
        raise TypeError(f"{attribute.name} must be a datetime.date (a day, not a datetime), not {value!r}")


def _text_id(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not str:
        raise TypeError(f"{attribute.name} must be a string, not {value!r}")


@attrs.frozen(kw_only=True)
class SessionLog:
    """What a person did and felt in one session.

    Attributes:
        date: The day of the session.
        exercise_id: The exercise done (it must be the one prescribed).
        repetitions_completed: Repetitions completed, all sets together.
        hold_seconds: The hold achieved in the repetitions, in seconds.
        pain: Pain during the session, 0 (none) to 10 (the worst imaginable).
        pain_next_day: Pain the next day, 0 to 10, if it is already known.
            Usually it is not: report it the next day with
            :func:`~backext.report_next_day`.
        red_flags: Red flags reported, from :class:`RedFlag` (or their codes).

    Example:
        >>> import datetime
        >>> log = SessionLog(
        ...     date=datetime.date(2026, 1, 5), exercise_id="forearm-press-up",
        ...     repetitions_completed=10, hold_seconds=5, pain=1,
        ... )
        >>> log.red_flags
        frozenset()

    .. versionadded:: 0.1.0
    """

    date: datetime.date = attrs.field(validator=day)
    exercise_id: str = attrs.field(validator=_text_id)
    repetitions_completed: int = attrs.field(validator=_count)
    hold_seconds: float = attrs.field(validator=_seconds)
    pain: int = attrs.field(validator=pain_rating)
    pain_next_day: int | None = attrs.field(default=None, validator=pain_rating)
    red_flags: frozenset[RedFlag] = attrs.field(default=frozenset(), converter=red_flags)

    @classmethod
    def as_prescribed(cls, prescription: Prescription, date: datetime.date) -> SessionLog:
        """A session done in full as *prescription* asks, with no pain that day or the next: a perfect day."""
        from ._state import Prescription  # noqa: PLC0415 - the state module imports this one

        if not isinstance(prescription, Prescription):
            raise TypeError(f"prescription must be a backext.Prescription, not {type(prescription).__name__}")
        return cls(
            date=date,
            exercise_id=prescription.exercise_id,
            repetitions_completed=prescription.repetitions * prescription.sets,
            hold_seconds=prescription.hold_seconds,
            pain=0,
            pain_next_day=0,
        )
