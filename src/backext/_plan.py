"""The plan: the calendar of doses if every session goes well."""

from __future__ import annotations

import datetime

import attrs

from ._engine import _arguments, prescription_on, step
from ._i18n import N_, N_plural
from ._messages import Message
from ._model import Pack
from ._reasons import Action
from ._reconcile import asks_less, reconcile, stopped_since
from ._rules import DEFAULT_RULES, Rules
from ._session import SessionLog
from ._state import Prescription, State
from ._vocabulary import Level
from ._wrong import DAYS_PER_WEEK, WordedError, refused_value
from .exceptions import SessionError, StoppedError


__all__ = ["BEST_CASE", "Milestone", "Plan", "PlannedSession", "day_after_last_session", "plan", "session_dates"]

#: What every rendering of a plan says about it (translated where it is shown).
BEST_CASE = N_("A best case: every session done in full, without pain. Real sessions decide the real doses.")


@attrs.frozen(kw_only=True)
class PlannedSession:
    """One day of a plan.

    Attributes:
        date: The day.
        prescription: The dose to do that day.
        action: How this dose came about: :attr:`Action.PROGRESS` when it is a
            step up from the session before, :attr:`Action.REGRESS` when it is
            a step back (after a gap longer than the rules allow) or less than
            the session before (a harder variation's clearance ended),
            :attr:`Action.REPEAT` otherwise (and for the first session, unless
            a long gap stepped it back).

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> calendar = backext.plan(pack, state, start_date=datetime.date(2026, 1, 5))
        >>> first = calendar.sessions[0]
        >>> first.date, first.prescription.hold_seconds
        (datetime.date(2026, 1, 5), 5)

    .. versionadded:: 0.1.0
    """

    date: datetime.date
    prescription: Prescription
    action: Action


@attrs.frozen(kw_only=True)
class Milestone:
    """The first day of a plan on a new exercise.

    Attributes:
        date: The day.
        exercise_id: The exercise first done that day.
        level: Its level.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> result = backext.plan(pack, state, start_date=datetime.date(2026, 1, 5))
        >>> [(m.date.isoformat(), m.exercise_id) for m in result.milestones][1]
        ('2026-02-16', 'hand-press-up')

    .. versionadded:: 0.1.0
    """

    date: datetime.date
    exercise_id: str
    level: Level


@attrs.frozen(kw_only=True)
class Plan:
    """The doses on each planned day if every session is done in full, without pain.

    A plan is the best case, for showing a person where the programme leads;
    real sessions decide the real doses.

    Attributes:
        sessions: The planned days, in order.
        milestones: The first day on each exercise, in order, the start
            included.
        state: The state after the last planned session.
        origin: The state the plan was made from, as it was given, and
            *days_per_week*, its training days a week: what
            :func:`~backext.plan_calendar` plans again from, so that a
            calendar holds only what the engine makes (``None`` for a plan
            not made by :func:`plan`, which a calendar refuses).
        days_per_week: See *origin*.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> result = backext.plan(pack, state, start_date=datetime.date(2026, 1, 5))
        >>> len(result.sessions), result.level_reached(backext.Level.ADVANCED)
        (36, datetime.date(2026, 2, 23))

    .. versionadded:: 0.1.0
    """

    sessions: tuple[PlannedSession, ...]
    milestones: tuple[Milestone, ...]
    state: State
    origin: State | None = None
    days_per_week: int | None = None

    def level_reached(self, level: Level) -> datetime.date | None:
        """The first planned day at *level*, or ``None`` if the plan does not reach it."""
        for milestone in self.milestones:
            if milestone.level is level:
                return milestone.date
        return None


def session_dates(start_date: datetime.date, *, days_per_week: int, weeks: int) -> list[datetime.date]:
    """The training days: *days_per_week* days in each of *weeks* weeks, spread evenly.

    The first day is *start_date*; within each week the days are spaced as
    evenly as whole days allow (three days a week: days 0, 2 and 5).

    Example:
        >>> import datetime
        >>> days = session_dates(datetime.date(2026, 1, 5), days_per_week=3, weeks=2)
        >>> [d.day for d in days]
        [5, 7, 10, 12, 14, 17]

    Raises:
        TypeError: If *start_date* is not a :class:`datetime.date`.
        ValueError: If *days_per_week* is not 1 to 7, *weeks* is below 1, or
            the last week would end after the last day a date can hold
            (9999-12-31).
    """
    if not isinstance(start_date, datetime.date) or isinstance(start_date, datetime.datetime):  # type: ignore[redundant-expr]
        raise TypeError(f"start_date must be a datetime.date, not {type(start_date).__name__}")
    if type(days_per_week) is not int or not 1 <= days_per_week <= 7:
        raise WordedError(DAYS_PER_WEEK, {"value": refused_value(days_per_week)})
    if type(weeks) is not int or weeks < 1:
        raise WordedError(
            N_("{name} must be a whole number of at least {least}, not {value}"),
            {"name": "weeks", "least": "1", "value": refused_value(weeks)},
        )
    most = (datetime.date.max.toordinal() - start_date.toordinal() + 1) // 7
    if weeks > most:  # said by the weeks there is room for: the weeks asked may be a number of any length
        raise WordedError(
            N_plural(
                "a plan from {start} has room for at most {most} week before {last}, the last day a date can hold",
                "a plan from {start} has room for at most {most} weeks before {last}, the last day a date can hold",
            ),
            {"most": most, "start": start_date, "last": datetime.date.max},
            count=most,
        )
    offsets = [round(i * 7 / days_per_week) for i in range(days_per_week)]
    return [start_date + datetime.timedelta(days=7 * week + offset) for week in range(weeks) for offset in offsets]


def day_after_last_session(state: State) -> datetime.date | None:
    """The first day after *state*'s last session, or ``None`` if it has none.

    Raises:
        SessionError: If the last session is on the last day a date can hold (9999-12-31): no day follows it.
    """
    last = state.last_session
    if last is None:
        return None
    if last >= datetime.date.max:
        raise SessionError(
            Message(
                template=N_("the last session is on {last}, the last day a date can hold: no session can follow it"),
                values={"last": last},
            )
        )
    return last + datetime.timedelta(days=1)


def plan(
    pack: Pack,
    state: State,
    *,
    start_date: datetime.date,
    days_per_week: int = 3,
    weeks: int = 12,
    rules: Rules = DEFAULT_RULES,
) -> Plan:
    """Plan *weeks* weeks of sessions from *state*, as if every session went perfectly.

    Each planned day's dose is the one :func:`~backext.step` gives after the
    perfect sessions before it, so replaying perfect logs on the same days
    reaches the same doses on the same days. A session after a gap longer
    than ``rules.max_gap_days`` (the first one, when *start_date* is long
    after the state's last session) is planned at the dose the long-gap rule
    steps back to, which :func:`~backext.step` prescribes after it too.

    The state is first checked against the pack as it is now, as
    :func:`~backext.step` does.

    Raises:
        StoppedError: If the state is stopped, or *start_date* is before the
            clearance that lifted its last stop (and not before its last
            session, which is a SessionError).
        SessionError: If *start_date* is before its last session, the last
            session is on 9999-12-31 (no day follows it), or the state
            belongs to another pack.
        UnknownIdError: If the pack no longer has the state's exercise.
        StateError: If the state does not fit the pack version it was
            stored against.
        ValueError: If the state's exercise is tagged with a movement
            osteoporosis guidance advises against (a pack built in Python):
            it is never prescribed.
        ValueError: If *days_per_week* or *weeks* is out of range.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> result = backext.plan(
        ...     pack, backext.start(pack, "forearm-press-up"),
        ...     start_date=datetime.date(2026, 1, 5), days_per_week=3, weeks=12,
        ... )
        >>> result.sessions[3].prescription.hold_seconds
        10
        >>> result.level_reached(backext.Level.INTERMEDIATE)
        datetime.date(2026, 2, 16)

    .. versionadded:: 0.1.0
    """
    _arguments(pack, state, rules)
    origin = state
    if state.stop is not None:
        raise StoppedError(stopped_since(state.stop.date))
    day_after_last_session(state)  # a last session on the last day leaves no day to plan
    if state.last_session is not None and start_date < state.last_session:
        raise SessionError(
            Message(
                template=N_("the plan starts ({start}) before the last session ({last})"),
                values={"start": start_date, "last": state.last_session},
            )
        )
    if state.stopped_on(start_date):
        raise StoppedError(
            Message(
                template=N_("the plan starts ({start}) before the clearance that lifted the stop"),
                values={"start": start_date},
            )
        )
    reconcile(pack, state, start_date, rules)  # a state that does not fit the pack is refused before anything
    sessions: list[PlannedSession] = []
    milestones: list[Milestone] = []
    action = Action.REPEAT
    for date in session_dates(start_date, days_per_week=days_per_week, weeks=weeks):
        shown = reconcile(pack, state, date, rules)[0]  # a pack update, or a clearance ending between two sessions
        prescription = prescription_on(pack, shown, date, rules)  # after a long gap: the dose the gap rule gives
        if prescription != shown.prescription:
            action = Action.REGRESS
        elif action is Action.REPEAT and sessions and asks_less(prescription, sessions[-1].prescription):
            action = Action.REGRESS  # less than the session before, though no session asked for it (a clearance ended)
        sessions.append(PlannedSession(date=date, prescription=prescription, action=action))
        if not milestones or milestones[-1].exercise_id != prescription.exercise_id:
            milestones.append(Milestone(date=date, exercise_id=prescription.exercise_id, level=prescription.level))
        # Logged as the person would log it, on the state as it stands: a session on a day the prescription
        # changed is judged as step() judges it then (it does not count towards a step up: ``dose-changed``).
        decision = step(pack, state, SessionLog.as_prescribed(prescription, date), rules)
        state, action = decision.state, decision.action
        if action is Action.REGRESS and decision.prescription == prescription:
            action = Action.REPEAT  # the gap's step back, already planned for this session
    return Plan(
        sessions=tuple(sessions),
        milestones=tuple(milestones),
        state=state,
        origin=origin,
        days_per_week=days_per_week,
    )
