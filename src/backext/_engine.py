"""The progression engine: from one session's log, the next session's dose.

The engine is a set of pure functions. :func:`start` makes a person's
:class:`State`; :func:`step` takes the state and a :class:`SessionLog` and
returns a :class:`Decision` with the next state; :func:`replay` folds many
logs. Nothing here reads a clock, touches a file or draws a random number:
the same inputs always give the same decision.
"""

from __future__ import annotations

import datetime
import enum
import math
from collections.abc import Iterable
from typing import Any

import attrs

from ._ladder import Dose, Move, start_dose, step_down, step_up
from ._model import Exercise, Pack
from ._render import number
from ._vocabulary import Level
from .exceptions import BackextError


__all__ = [
    "Action",
    "Clearance",
    "ClearanceRequiredError",
    "Decision",
    "Prescription",
    "Reason",
    "RedFlag",
    "Rules",
    "SessionError",
    "SessionLog",
    "State",
    "Stop",
    "choose_modifications",
    "record_clearance",
    "replay",
    "start",
    "step",
]


class SessionError(BackextError, ValueError):
    """A session log or a call does not fit the state it is applied to.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> log = backext.SessionLog(
        ...     date=datetime.date(2026, 1, 5), exercise_id="hand-press-up",
        ...     repetitions_completed=10, hold_seconds=1, pain=0,
        ... )
        >>> backext.step(pack, state, log)
        Traceback (most recent call last):
        ...
        backext._engine.SessionError: the log is for 'hand-press-up', but 'forearm-press-up' was prescribed

    .. versionadded:: 0.1.0
    """


class ClearanceRequiredError(SessionError):
    """A variation that needs a clinician's clearance was asked for without one.

    Attributes:
        modification_id: The variation asked for.

    Example:
        >>> import backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "prone-chest-lift")
        >>> try:
        ...     backext.choose_modifications(pack, state, ["leg-lift"])
        ... except backext.ClearanceRequiredError as error:
        ...     print(error.modification_id)
        leg-lift

    .. versionadded:: 0.1.0
    """

    def __init__(self, modification_id: str) -> None:
        self.modification_id = modification_id
        super().__init__(
            f"the variation {modification_id!r} needs a clinician's clearance: record it with record_clearance()"
        )


class RedFlag(enum.Enum):
    """Signs that mean: stop exercising and contact a clinician.

    Any red flag in a :class:`SessionLog` makes the engine answer
    :attr:`Action.STOP`, and nothing more is prescribed until a clinician's
    clearance is recorded with :func:`record_clearance`.

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
        """The sign, in plain words."""
        return _RED_FLAG_WORDS[self]


_RED_FLAG_WORDS = {
    RedFlag.SUDDEN_SEVERE_PAIN: "sudden or severe back pain",
    RedFlag.NUMBNESS_OR_TINGLING: "numbness or tingling",
    RedFlag.LEG_WEAKNESS: "new weakness in the legs",
    RedFlag.BLADDER_OR_BOWEL_CHANGE: "a change in bladder or bowel control",
    RedFlag.LASTING_PAIN: "pain lasting more than 48 hours",
    RedFlag.RIB_OR_CHEST_PAIN: "pain in the ribs or chest",
}


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
    """The dose goes one step down (or stays, if it is already at the bottom)."""
    STOP = "stop"
    """Stop exercising and contact a clinician; nothing is prescribed until clearance."""


def _pain(_: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is None:
        return
    if type(value) is not int or not 0 <= value <= 10:
        raise ValueError(f"{attribute.name} must be a whole number from 0 to 10, not {value!r}")


def _non_negative(_: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if type(value) not in (int, float) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{attribute.name} must be a finite number of at least 0, not {value!r}")


def _day(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not datetime.date:
        raise TypeError(f"{attribute.name} must be a datetime.date (a day, not a datetime), not {value!r}")


def _text_id(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not str:
        raise TypeError(f"{attribute.name} must be a string, not {value!r}")


def _red_flags(values: Iterable[RedFlag | str]) -> frozenset[RedFlag]:
    return frozenset(RedFlag(v) for v in values)


@attrs.frozen(kw_only=True)
class Prescription:
    """The dose for one session: what the person is asked to do.

    Attributes:
        exercise_id: The exercise to do.
        level: The exercise's level.
        hold_seconds: Seconds to hold each repetition, variations included.
        repetitions: Repetitions in each set, variations included.
        sets: Sets in the session.
        modifications: Ids of the variations in use.

    Example:
        >>> import backext
        >>> prescription = backext.start(backext.builtin_pack(), "prone-chest-lift").prescription
        >>> prescription.hold_seconds, prescription.repetitions, prescription.sets
        (5, 8, 1)

    .. versionadded:: 0.1.0
    """

    exercise_id: str
    level: Level
    hold_seconds: float
    repetitions: int
    sets: int
    modifications: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class SessionLog:
    """What a person did and felt in one session.

    Attributes:
        date: The day of the session.
        exercise_id: The exercise done (it must be the one prescribed).
        repetitions_completed: Repetitions completed, all sets together.
        hold_seconds: The hold achieved in the repetitions, in seconds.
        pain: Pain during the session, 0 (none) to 10 (the worst imaginable).
        pain_next_day: Pain the next day, 0 to 10, if it was recorded.
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

    date: datetime.date = attrs.field(validator=_day)
    exercise_id: str = attrs.field(validator=_text_id)
    repetitions_completed: int = attrs.field(validator=_non_negative)
    hold_seconds: float = attrs.field(validator=_non_negative)
    pain: int = attrs.field(validator=_pain)
    pain_next_day: int | None = attrs.field(default=None, validator=_pain)
    red_flags: frozenset[RedFlag] = attrs.field(default=frozenset(), converter=_red_flags)

    @classmethod
    def as_prescribed(cls, prescription: Prescription, date: datetime.date) -> SessionLog:
        """A session done in full as *prescription* asks, with no pain: the log of a perfect day."""
        return cls(
            date=date,
            exercise_id=prescription.exercise_id,
            repetitions_completed=prescription.repetitions * prescription.sets,
            hold_seconds=prescription.hold_seconds,
            pain=0,
            pain_next_day=0,
        )


@attrs.frozen(kw_only=True)
class Stop:
    """Why and since when the engine has stopped prescribing.

    Attributes:
        date: The day of the session that reported the red flags.
        red_flags: The red flags reported, in a stable order.

    Example:
        >>> import datetime
        >>> Stop(date=datetime.date(2026, 1, 5), red_flags=(RedFlag.LEG_WEAKNESS,)).red_flags[0].value
        'new-leg-weakness'

    .. versionadded:: 0.1.0
    """

    date: datetime.date
    red_flags: tuple[RedFlag, ...]


@attrs.frozen(kw_only=True)
class Clearance:
    """A clinician's clearance, as the app recorded it.

    Attributes:
        date: The day the clearance was given.
        modifications: Ids of variations the clinician allowed.
        note: Free text, such as who gave the clearance.

    Example:
        >>> import datetime
        >>> Clearance(date=datetime.date(2026, 2, 1), modifications=("leg-lift",)).modifications
        ('leg-lift',)

    .. versionadded:: 0.1.0
    """

    date: datetime.date = attrs.field(validator=_day)
    modifications: tuple[str, ...] = ()
    note: str | None = None


@attrs.frozen(kw_only=True)
class State:
    """A person's place in the programme: what an app stores between sessions.

    Make one with :func:`start`; every other state comes from the engine.
    It round-trips through JSON with :data:`backext.converter`.

    Attributes:
        pack_id: The id of the pack the state belongs to.
        dose: The place on the ladder, before variations.
        prescription: The next session's dose, variations included (while
            stopped: the dose to resume at after clearance).
        tolerated_streak: Well-tolerated, complete, counted sessions in a row at
            this dose.
        last_session: The day of the last session logged.
        stop: Set while the engine is stopped by a red flag.
        clearances: Every clearance recorded, oldest first.

    Example:
        >>> import backext
        >>> state = backext.start(backext.builtin_pack(), "forearm-press-up")
        >>> document = backext.converter.unstructure(state)  # JSON-ready data
        >>> document["dose"]
        {'exercise_id': 'forearm-press-up', 'hold_seconds': 5, 'repetitions': 10}
        >>> backext.converter.structure(document, backext.State) == state
        True

    .. versionadded:: 0.1.0
    """

    pack_id: str
    dose: Dose
    prescription: Prescription
    tolerated_streak: int = 0
    last_session: datetime.date | None = None
    stop: Stop | None = None
    clearances: tuple[Clearance, ...] = ()

    @property
    def stopped(self) -> bool:
        """Whether the engine is stopped until a clinician's clearance."""
        return self.stop is not None

    @property
    def cleared_modifications(self) -> frozenset[str]:
        """Ids of every variation a recorded clearance allows."""
        return frozenset(m for clearance in self.clearances for m in clearance.modifications)


@attrs.frozen(kw_only=True)
class Reason:
    """One reason for a decision: a stable code and a sentence for the person.

    Attributes:
        code: A stable kebab-case code, such as ``pain-high``.
        message: The reason in plain words.

    Example:
        >>> Reason(code="pain-moderate", message="pain of 3/10 during the session: the same dose again").code
        'pain-moderate'

    .. versionadded:: 0.1.0
    """

    code: str
    message: str


@attrs.frozen(kw_only=True)
class Decision:
    """The engine's answer to one session.

    Attributes:
        action: What was decided.
        state: The state to store for the next session.
        prescription: The next session's dose; ``None`` on :attr:`Action.STOP`.
        reasons: Why, most important first.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> log = backext.SessionLog.as_prescribed(state.prescription, datetime.date(2026, 1, 5))
        >>> decision = backext.step(pack, state, log)
        >>> decision.action, decision.prescription == state.prescription
        (<Action.REPEAT: 'repeat'>, True)

    .. versionadded:: 0.1.0
    """

    action: Action
    state: State
    prescription: Prescription | None
    reasons: tuple[Reason, ...]


def _positive_int(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value < 1:
        raise ValueError(f"{attribute.name} must be a whole number of at least 1, not {value!r}")


def _non_negative_int(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value < 0:
        raise ValueError(f"{attribute.name} must be a whole number of at least 0, not {value!r}")


def _rating(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or not 0 <= value <= 10:
        raise ValueError(f"{attribute.name} must be a whole number from 0 to 10, not {value!r}")


@attrs.frozen(kw_only=True)
class Rules:
    """The engine's policy. Every default is documented with its source.

    Attributes:
        tolerated_pain: The most pain during a session (0-10) that counts as
            well tolerated. Default 2.
        regress_pain: Pain during a session (0-10) from which the dose steps
            back. Between the two, the dose is repeated. Default 5.
        next_day_pain: The most pain the next day (0-10) that counts as
            settled; above it the dose steps back. Default 2.
        tolerated_sessions: Well-tolerated sessions in a row at one dose before
            it steps up. An exercise may ask for more, never for fewer.
            Default 3.
        max_gap_days: After a gap of more than this many days, the next session
            does not progress, and the count starts again. Default 7.
        min_rest_days: A session fewer days than this after the previous one
            does not count towards progression. Default 1 (a second session on
            the same day does not count).

    Example:
        >>> Rules().tolerated_sessions
        3
        >>> Rules(tolerated_sessions=4).regress_pain
        5

    .. versionadded:: 0.1.0
    """

    tolerated_pain: int = attrs.field(default=2, validator=_rating)
    regress_pain: int = attrs.field(default=5, validator=_rating)
    next_day_pain: int = attrs.field(default=2, validator=_rating)
    tolerated_sessions: int = attrs.field(default=3, validator=_positive_int)
    max_gap_days: int = attrs.field(default=7, validator=_positive_int)
    min_rest_days: int = attrs.field(default=1, validator=_non_negative_int)

    def __attrs_post_init__(self) -> None:
        if self.regress_pain <= self.tolerated_pain:
            raise ValueError(f"regress_pain ({self.regress_pain}) must be above tolerated_pain ({self.tolerated_pain})")


def _prescribe(pack: Pack, dose: Dose, modifications: tuple[str, ...]) -> Prescription:
    exercise = pack.exercise(dose.exercise_id)
    hold, reps = dose.hold_seconds, dose.repetitions
    for modification_id in modifications:
        modification = exercise.modification(modification_id)
        hold += modification.hold_seconds_change
        reps += modification.repetitions_change
    return Prescription(
        exercise_id=exercise.id,
        level=exercise.level,
        hold_seconds=min(max(hold, exercise.hold.start_seconds), exercise.hold.target_seconds),
        repetitions=min(max(reps, exercise.repetitions.minimum), exercise.repetitions.maximum),
        sets=exercise.repetitions.sets,
        modifications=modifications,
    )


def start(pack: Pack, exercise_id: str) -> State:
    """Start a person on *exercise_id* at its starting dose.

    Raises:
        KeyError: If the pack has no such exercise.

    Example:
        >>> import backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> state.prescription.hold_seconds, state.prescription.repetitions
        (5, 10)

    .. versionadded:: 0.1.0
    """
    dose = start_dose(pack.exercise(exercise_id))
    return State(pack_id=pack.id, dose=dose, prescription=_prescribe(pack, dose, ()))


def _check_pack(pack: Pack, state: State) -> None:
    if pack.id != state.pack_id:
        raise SessionError(f"the state belongs to the pack {state.pack_id!r}, not {pack.id!r}")


def choose_modifications(pack: Pack, state: State, modification_ids: Iterable[str]) -> State:
    """Use the variations *modification_ids* of the current exercise from now on.

    Pass an empty list to go back to the plain exercise.

    Raises:
        KeyError: If the current exercise has no such variation.
        ClearanceRequiredError: If a variation needs a clinician's clearance
            that the state does not record.
        SessionError: If the state is stopped or belongs to another pack.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "prone-chest-lift")
        >>> state = backext.record_clearance(state, date=datetime.date(2026, 3, 2), modifications=["leg-lift"])
        >>> backext.choose_modifications(pack, state, ["leg-lift"]).prescription.modifications
        ('leg-lift',)

    .. versionadded:: 0.1.0
    """
    _check_pack(pack, state)
    if state.stopped:
        raise SessionError("the engine is stopped by a red flag: record a clinician's clearance first")
    exercise = pack.exercise(state.dose.exercise_id)
    chosen = tuple(dict.fromkeys(modification_ids))
    for modification_id in chosen:
        modification = exercise.modification(modification_id)
        if modification.requires_clearance and modification_id not in state.cleared_modifications:
            raise ClearanceRequiredError(modification_id)
    return attrs.evolve(state, prescription=_prescribe(pack, state.dose, chosen))


def record_clearance(
    state: State,
    *,
    date: datetime.date,
    modifications: Iterable[str] = (),
    note: str | None = None,
) -> State:
    """Record a clinician's clearance: lift a STOP and allow named variations.

    After a STOP the person resumes at the dose they had, and the count of
    well-tolerated sessions starts again.

    Raises:
        SessionError: If *date* is before the session that stopped the engine.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> log = backext.SessionLog(
        ...     date=datetime.date(2026, 1, 5), exercise_id="forearm-press-up",
        ...     repetitions_completed=4, hold_seconds=5, pain=6, red_flags={"sudden-severe-back-pain"},
        ... )
        >>> stopped = backext.step(pack, state, log).state
        >>> stopped.stopped
        True
        >>> backext.record_clearance(stopped, date=datetime.date(2026, 1, 20), note="GP review").stopped
        False

    .. versionadded:: 0.1.0
    """
    if state.stop is not None and date < state.stop.date:
        raise SessionError(f"the clearance ({date}) is dated before the stop it lifts ({state.stop.date})")
    clearance = Clearance(date=date, modifications=tuple(dict.fromkeys(modifications)), note=note)
    return attrs.evolve(
        state,
        stop=None,
        tolerated_streak=0 if state.stopped else state.tolerated_streak,
        clearances=(*state.clearances, clearance),
    )


def _move_reason(move: Move, pack: Pack, *, up: bool) -> Reason:
    dose = move.dose
    if move.changed is None:
        exercise = pack.exercise(dose.exercise_id)
        code = "level-up" if up else "level-down"
        where = "on to" if up else "back to"
        return Reason(
            code=code,
            message=f"{where} {pack.localize(exercise.name)} ({exercise.level.value}),"
            f" {number(dose.hold_seconds)} s hold, {dose.repetitions} repetitions",
        )
    if move.changed.value == "hold":
        return Reason(
            code="hold-up" if up else "hold-down",
            message=f"hold {'lengthened' if up else 'shortened'} to {number(dose.hold_seconds)} s",
        )
    return Reason(
        code="repetitions-up" if up else "repetitions-down",
        message=f"{'one more' if up else 'one fewer'} repetition: {dose.repetitions} a set",
    )


def _moved(pack: Pack, state: State, move: Move, reasons: list[Reason], action: Action, *, up: bool) -> Decision:
    reasons.append(_move_reason(move, pack, up=up))
    same_exercise = move.dose.exercise_id == state.dose.exercise_id
    modifications = state.prescription.modifications if same_exercise else ()
    new_state = attrs.evolve(
        state, dose=move.dose, prescription=_prescribe(pack, move.dose, modifications), tolerated_streak=0
    )
    return Decision(action=action, state=new_state, prescription=new_state.prescription, reasons=tuple(reasons))


def _required_sessions(exercise: Exercise, rules: Rules) -> int:
    return max(rules.tolerated_sessions, exercise.progression.tolerated_sessions)


def step(pack: Pack, state: State, log: SessionLog, rules: Rules = Rules()) -> Decision:
    """Decide the next session's dose from *log*, the session just done.

    The rules, in the order they apply:

    1. Stopped, or any red flag: :attr:`Action.STOP`.
    2. Pain during at or above ``rules.regress_pain``, or next-day pain above
       ``rules.next_day_pain``: :attr:`Action.REGRESS`, one step back.
    3. Pain during above ``rules.tolerated_pain``: :attr:`Action.REPEAT`.
    4. Otherwise the session was well tolerated. It counts towards
       progression if it was complete (every repetition at the full hold),
       not too soon after the last one and not after a long gap; once
       enough counted sessions come in a row, :attr:`Action.PROGRESS`, one
       step up; until then :attr:`Action.REPEAT`.

    Raises:
        SessionError: If the log is for another exercise than the one
            prescribed, is dated before the last session, or the state
            belongs to another pack.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> for day in (5, 7, 9):
        ...     log = backext.SessionLog.as_prescribed(state.prescription, datetime.date(2026, 1, day))
        ...     decision = backext.step(pack, state, log)
        ...     state = decision.state
        >>> decision.action, decision.prescription.hold_seconds
        (<Action.PROGRESS: 'progress'>, 10)

    .. versionadded:: 0.1.0
    """
    _check_pack(pack, state)
    prescription = state.prescription
    if log.exercise_id != prescription.exercise_id:
        raise SessionError(f"the log is for {log.exercise_id!r}, but {prescription.exercise_id!r} was prescribed")
    if state.last_session is not None and log.date < state.last_session:
        raise SessionError(f"the log ({log.date}) is dated before the last session ({state.last_session})")
    gap = None if state.last_session is None else (log.date - state.last_session).days
    state = attrs.evolve(state, last_session=log.date)
    reasons: list[Reason] = []

    if state.stop is not None or log.red_flags:
        flags = sorted(log.red_flags, key=lambda f: list(RedFlag).index(f))
        reasons.extend(
            Reason(code="red-flag", message=f"{flag.description} reported: stop and contact a clinician")
            for flag in flags
        )
        if state.stop is None:
            state = attrs.evolve(state, stop=Stop(date=log.date, red_flags=tuple(flags)), tolerated_streak=0)
        else:
            reasons.append(
                Reason(code="awaiting-clearance", message="stopped since a red flag: a clinician's clearance is needed")
            )
        return Decision(action=Action.STOP, state=state, prescription=None, reasons=tuple(reasons))

    if log.pain >= rules.regress_pain:
        reasons.append(Reason(code="pain-high", message=f"pain of {log.pain}/10 during the session: a step back"))
    if log.pain_next_day is not None and log.pain_next_day > rules.next_day_pain:
        reasons.append(
            Reason(code="pain-next-day", message=f"pain of {log.pain_next_day}/10 the next day: a step back")
        )
    if reasons:
        move = step_down(pack, state.dose)
        if move is None:
            reasons.append(
                Reason(
                    code="lowest-dose",
                    message="already at the lowest dose: talk to a clinician before going on",
                )
            )
            state = attrs.evolve(state, tolerated_streak=0)
            return Decision(action=Action.REGRESS, state=state, prescription=prescription, reasons=tuple(reasons))
        return _moved(pack, state, move, reasons, Action.REGRESS, up=False)

    def repeat(*more: Reason, streak: int) -> Decision:
        new_state = attrs.evolve(state, tolerated_streak=streak)
        return Decision(action=Action.REPEAT, state=new_state, prescription=prescription, reasons=(*reasons, *more))

    if log.pain > rules.tolerated_pain:
        return repeat(
            Reason(code="pain-moderate", message=f"pain of {log.pain}/10 during the session: the same dose again"),
            streak=0,
        )
    complete = (
        log.repetitions_completed >= prescription.repetitions * prescription.sets
        and log.hold_seconds >= prescription.hold_seconds
    )
    if not complete:
        return repeat(
            Reason(code="incomplete", message="not every repetition reached the full hold: the same dose again"),
            streak=0,
        )
    if gap is not None and gap > rules.max_gap_days:
        return repeat(
            Reason(code="long-gap", message=f"{gap} days since the last session: the same dose again to start back"),
            streak=0,
        )
    if gap is not None and gap < rules.min_rest_days:
        return repeat(
            Reason(code="too-soon", message="too soon after the last session to count towards a step up"),
            streak=state.tolerated_streak,
        )
    streak = state.tolerated_streak + 1
    required = _required_sessions(pack.exercise(state.dose.exercise_id), rules)
    if streak < required:
        return repeat(
            Reason(code="tolerated", message=f"well tolerated: {streak} of {required} sessions before a step up"),
            streak=streak,
        )
    move = step_up(pack, state.dose)
    if move is None:
        return repeat(
            Reason(code="full-dose", message="well tolerated, and already at the full dose: keep it up"),
            streak=streak,
        )
    reasons.append(Reason(code="tolerated", message=f"well tolerated {streak} sessions in a row"))
    return _moved(pack, state, move, reasons, Action.PROGRESS, up=True)


def replay(pack: Pack, state: State, logs: Iterable[SessionLog], rules: Rules = Rules()) -> list[Decision]:
    """Apply :func:`step` to each log in turn; return every decision.

    The last decision's ``state`` is the state after all the logs.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "hand-press-up")
        >>> days = [datetime.date(2026, 1, d) for d in (5, 7, 9)]
        >>> logs = [backext.SessionLog.as_prescribed(state.prescription, day) for day in days]
        >>> [d.action.value for d in backext.replay(pack, state, logs)]
        ['repeat', 'repeat', 'progress']

    .. versionadded:: 0.1.0
    """
    decisions: list[Decision] = []
    for log in logs:
        decision = step(pack, state, log, rules)
        decisions.append(decision)
        state = decision.state
    return decisions
