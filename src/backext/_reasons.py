"""The engine's answers: an action, a new state, and reasons with stable codes.

:data:`REASON_CODES` is the catalogue of every reason code the engine gives,
as data, so that the documentation renders it and apps can look a code up.
A code, once published, keeps its meaning; the message that comes with it
may be reworded.
"""

from __future__ import annotations

import datetime
import enum
import functools
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from ._i18n import N_, gettext, parse_locale
from ._messages import Message, Value
from ._state import Prescription, State


__all__ = ["REASON_CODES", "Action", "Decision", "Reason", "ReasonCode", "because", "words"]


class Action(enum.Enum):
    """What the engine decided after a session.

    Example:
        >>> Action("progress") is Action.PROGRESS
        True

    .. versionadded:: 0.1.0
    """

    PROGRESS = "progress"
    """The dose goes one step up."""
    REPEAT = "repeat"
    """The same dose again."""
    REGRESS = "regress"
    """The dose goes down (or stays, if it is already the lowest, and a reason says so)."""
    STOP = "stop"
    """Stop exercising and contact a clinician; nothing is prescribed until clearance."""


@attrs.frozen(kw_only=True)
class Reason:
    """One reason for a decision: a stable code and a sentence for the person.

    The code never changes with the language; the sentence can be rendered in
    any locale with :meth:`render`.

    Attributes:
        code: A stable kebab-case code from :data:`~backext.REASON_CODES`, such
            as ``pain-high``.
        message: The reason in plain English words.
        template: The same sentence kept as its English template and values,
            for :meth:`render`; ``None`` for a reason made without one (then
            :meth:`render` gives :attr:`message`).

    Example:
        >>> reason = Reason(code="pain-moderate", message="pain of 3/10: the same dose again")
        >>> reason.code, reason.render("de")
        ('pain-moderate', 'pain of 3/10: the same dose again')

    .. versionadded:: 0.1.0
    """

    code: str
    message: str
    template: Message | None = attrs.field(default=None, repr=False)

    def render(self, locale: str | None = None) -> str:
        """The reason in *locale*'s words (BCP 47 fallback, then the pack's default locale, then English).

        ``None`` is the pack's default locale. Rendering is done afterwards,
        outside the engine: the same decision renders in every language.

        Raises:
            ValueError: If *locale* is not a well-formed language tag.

        Example:
            >>> import datetime, backext
            >>> pack = backext.builtin_pack()
            >>> state = backext.start(pack, "forearm-press-up")
            >>> log = backext.SessionLog.as_prescribed(state.prescription, datetime.date(2026, 1, 5))
            >>> reason = backext.step(pack, state, log).reasons[0]
            >>> reason.message
            'well tolerated: 1 of 3 sessions before a step up'
            >>> print(reason.render("fr-CH"))
            bien tolérée : 1 sur 3 séances avant de monter d'un palier
        """
        if self.template is None:
            if locale is not None:
                parse_locale(locale)
            return self.message
        return self.template.render(locale)


def because(
    code: str,
    default_locale: str,
    template: str | tuple[str, str],
    values: Mapping[str, Value] | None = None,
    *,
    count: float | None = None,
) -> Reason:
    """A reason with the code *code*: its English message and its template, for rendering in any locale.

    *template* is a message id marked with ``N_`` or, for a sentence with a
    plural, a pair marked with ``N_plural`` chosen by *count*.

    The engine gives the same few reasons again and again, so a reason whose
    values are all whole numbers, strings or dates is made once and the same
    (frozen) object given again, from a bounded table keyed by the values
    *and their types* (``5`` and ``5.0`` are written differently).
    """
    if values:
        items = tuple(values.items())
        kinds = tuple(map(type, values.values()))
        if not _PLAIN.issuperset(kinds):
            return _made_reason(code, default_locale, template, values, count)
    else:
        items = kinds = ()
    return _remembered_reason(code, default_locale, template, items, kinds, count, type(count) is float)


#: The types of value whose reasons are remembered: hashable, and written the same whatever their equals are.
_PLAIN = frozenset({int, str, datetime.date})


@functools.lru_cache(maxsize=1024)
def _remembered_reason(  # noqa: PLR0917 - a cache's key
    code: str,
    default_locale: str,
    template: str | tuple[str, str],
    items: tuple[tuple[str, Value], ...],
    kinds: tuple[object, ...],  # noqa: ARG001 - part of the key
    count: float | None,
    count_is_float: bool,  # noqa: ARG001 - part of the key
) -> Reason:
    return _made_reason(code, default_locale, template, dict(items), count)


def _made_reason(
    code: str,
    default_locale: str,
    template: str | tuple[str, str],
    values: Mapping[str, Value] | None,
    count: float | None,
) -> Reason:
    message = words(default_locale, template, values, count=count)
    return Reason(code=code, message=_english(message), template=message)


def _english(message: Message) -> str:
    """*message* in English, remembered: the engine gives the same few reasons again and again."""
    try:
        return _rendered_in_english(message)
    except TypeError:  # a value that cannot be hashed: rendered each time
        return message.render("en")


@functools.lru_cache(maxsize=1024)
def _rendered_in_english(message: Message) -> str:
    return message.render("en")


def words(
    default_locale: str,
    template: str | tuple[str, str],
    values: Mapping[str, Value] | None = None,
    *,
    count: float | None = None,
    context: str | None = None,
) -> Message:
    """A :class:`Message` of *template* (a pair: singular and plural, chosen by *count*) and *values*."""
    singular, plural = (template, None) if isinstance(template, str) else template
    return Message(
        template=singular,
        plural=plural,
        count=count,
        context=context,
        values=dict(values or {}),
        default_locale=default_locale,
    )


@attrs.frozen(kw_only=True)
class Decision:
    """The engine's answer to one session (or one next-day report).

    Attributes:
        action: What was decided.
        state: The state to store for the next session.
        prescription: The next session's dose; ``None`` on :attr:`Action.STOP`.
        reasons: Why, most important first.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> day = datetime.date(2026, 1, 5)
        >>> log = backext.SessionLog.as_prescribed(state.prescription, day)
        >>> decision = backext.step(pack, state, log)
        >>> decision.action, decision.prescription == state.prescription
        (<Action.REPEAT: 'repeat'>, True)

    .. versionadded:: 0.1.0
    """

    action: Action
    state: State
    prescription: Prescription | None
    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the reasons, in order."""
        return tuple(reason.code for reason in self.reasons)

    def messages(self, locale: str | None = None) -> tuple[str, ...]:
        """The reasons in *locale*'s words, in order (see :meth:`Reason.render`).

        Raises:
            ValueError: If *locale* is not a well-formed language tag.

        Example:
            >>> import datetime, backext
            >>> pack = backext.builtin_pack()
            >>> state = backext.start(pack, "forearm-press-up")
            >>> log = backext.SessionLog.as_prescribed(state.prescription, datetime.date(2026, 1, 5))
            >>> decision = backext.step(pack, state, log)
            >>> decision.messages("es")
            ('bien tolerada: 1 de 3 sesiones antes de subir un paso',)
        """
        return tuple(reason.render(locale) for reason in self.reasons)


@attrs.frozen(kw_only=True)
class ReasonCode:
    """One entry of the catalogue of reason codes.

    Attributes:
        code: The stable, kebab-case code.
        actions: The actions a decision with this reason can have.
        description: What the reason means.

    Example:
        >>> import backext
        >>> backext.REASON_CODES["pain-severe"].actions
        (<Action.STOP: 'stop'>,)

    .. versionadded:: 0.1.0
    """

    code: str
    actions: tuple[Action, ...]
    description: str

    def describe(self, locale: str | None = None) -> str:
        """The :attr:`description` in *locale*'s words (English for ``None``, or where there is no translation).

        Example:
            >>> import backext
            >>> backext.REASON_CODES["pain-severe"].describe("fr").split(" (")[0]
            'Douleur forte'

        .. versionadded:: 0.1.0
        """
        return gettext(self.description, locale)


_ALL = (Action.PROGRESS, Action.REPEAT, Action.REGRESS, Action.STOP)
_GOING_ON = (Action.PROGRESS, Action.REPEAT, Action.REGRESS)


def _catalogue(*entries: tuple[str, tuple[Action, ...], str]) -> Mapping[str, ReasonCode]:
    return MappingProxyType(
        {code: ReasonCode(code=code, actions=actions, description=text) for code, actions, text in entries}
    )


#: Every reason code the engine gives, keyed by code, in the order the docs list them.
REASON_CODES: Mapping[str, ReasonCode] = _catalogue(
    # Stops
    ("red-flag", (Action.STOP,), N_("A red flag was reported: stop and contact a clinician.")),
    ("pain-severe", (Action.STOP,), N_("Severe pain (7/10 or more by default), during or the day after a session.")),
    ("awaiting-clearance", (Action.STOP,), N_("The engine is stopped: a clinician's clearance must be recorded.")),
    # Bookkeeping, alongside a stop (otherwise a SessionError)
    ("wrong-exercise", (Action.STOP,), N_("The log names another exercise than the one prescribed.")),
    ("out-of-order", (Action.STOP,), N_("The log is dated before the last session logged.")),
    ("before-clearance", (Action.STOP,), N_("The log is dated before the clearance that lifted the last stop.")),
    ("wrong-pack", (Action.STOP,), N_("The state belongs to another pack than the one given.")),
    (
        "log-skipped",
        (Action.STOP,),
        N_("replay: a log did not fit the state and was not applied; a later log of the batch stopped the engine."),
    ),
    # Stepping back
    ("pain-high", (Action.REGRESS, Action.REPEAT), N_("Pain during the session at or above the step-back threshold.")),
    ("pain-next-day", (Action.REGRESS, Action.REPEAT), N_("Pain the next day above the settled threshold.")),
    (
        "not-tolerated",
        (Action.REGRESS,),
        N_("The dose was not well tolerated several sessions in a row (moderate pain or not completed): a step back."),
    ),
    (
        "long-gap",
        (Action.REGRESS, Action.REPEAT),
        N_("A long gap since the last session: the dose steps back in proportion to the time away."),
    ),
    ("lowest-dose", (Action.REGRESS,), N_("Already at the lowest dose: talk to a clinician before going on.")),
    # Repeating
    (
        "pain-moderate",
        (Action.REPEAT, Action.REGRESS),
        N_(
            "Pain during the session above the tolerated band: the same dose again (or a step back, see not-tolerated)."
        ),
    ),
    (
        "incomplete",
        (Action.REPEAT, Action.REGRESS),
        N_("Not every repetition reached the full hold: the same dose again (or a step back, see not-tolerated)."),
    ),
    ("too-soon", (Action.REPEAT,), N_("Too soon after the last session to count towards a step up.")),
    (
        "dose-changed",
        (Action.REPEAT,),
        N_(
            "The prescription changed on the day of the session (a pack update, an ended clearance, or a move to"
            " another exercise): the session is judged for pain, but does not count towards a step up."
        ),
    ),
    (
        "awaiting-next-day",
        (Action.REPEAT,),
        N_("The session went well; it counts once its next-day pain is reported settled (report_next_day)."),
    ),
    (
        "next-day-unreported",
        (Action.REPEAT, Action.REGRESS, Action.PROGRESS),
        N_("The last session's next-day pain was never reported: it did not count, and the count starts again."),
    ),
    ("next-day-settled", (Action.REPEAT,), N_("The next-day pain was settled.")),
    ("tolerated", (Action.REPEAT, Action.PROGRESS), N_("The session was well tolerated and counted.")),
    ("full-dose", (Action.REPEAT,), N_("Well tolerated, at the top of the whole ladder.")),
    (
        "held-by-variation",
        (Action.REPEAT,),
        N_(
            "Well tolerated, but a variation in use that takes something away holds the dose below the exercise's"
            " full dose: there is no step up, to the next exercise or beyond, until the variation is left."
        ),
    ),
    # Moves
    ("hold-up", (Action.PROGRESS,), N_("The hold is lengthened by one step.")),
    ("repetitions-up", (Action.PROGRESS,), N_("One more repetition a set.")),
    ("level-up", (Action.PROGRESS,), N_("On to the next exercise, at its starting dose.")),
    ("hold-down", (Action.REGRESS,), N_("The hold is shortened.")),
    ("repetitions-down", (Action.REGRESS,), N_("Fewer repetitions a set.")),
    (
        "level-down",
        (Action.REGRESS,),
        N_("Back to the previous exercise, at the last dose tolerated there (or its start)."),
    ),
    # Advice and changes around the session
    (
        "see-clinician",
        _GOING_ON,
        N_("Pain above the tolerated band several sessions in a row: see a clinician before going on."),
    ),
    (
        "pack-changed",
        _ALL,
        N_(
            "The pack changed since the state was stored: the dose or the variations were brought within its limits;"
            " where the dose stays as it was, the run of well-tolerated sessions starts again."
        ),
    ),
    ("clearance-expired", _GOING_ON, N_("A variation's clearance has ended: the variation is dropped.")),
)
