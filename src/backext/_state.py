"""What an app stores between sessions: a person's :class:`State` and its parts.

A state is data, not a promise: the engine checks it against the pack it is
given at every call and derives the prescription from the pack, the ladder
position and the variations (see :func:`~backext.load_state`).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from typing import Any

import attrs

from ._ladder import Dose
from ._session import RedFlag, day, pain_rating
from ._vocabulary import Level
from ._wrong import WHOLE_FROM_0, out_of_range


__all__ = ["STATE_FORMAT_VERSION", "Clearance", "Pending", "Prescription", "State", "Stop", "evolved"]

#: The version of the stored-state format this library writes. Stored states
#: of older versions are upgraded by :func:`~backext.load_state`.
STATE_FORMAT_VERSION = 1


def _count(_: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if type(value) is not int or not 0 <= value <= _MOST:
        raise out_of_range("out-of-range", WHOLE_FROM_0, attribute.name, _MOST, value)


#: The largest count a state may hold (our choice: far beyond any run of sessions).
_MOST = 100_000


def _optional_day(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        day(instance, attribute, value)


@attrs.frozen(kw_only=True)
class Prescription:
    """The dose for one session: what the person is asked to do.

    The engine derives it from the pack, the place on the ladder and the
    variations in use; a stored one is checked, never believed.

    Attributes:
        exercise_id: The exercise to do.
        level: The exercise's level.
        hold_seconds: Seconds to hold each repetition, variations included.
        repetitions: Repetitions in each set, variations included.
        sets: Sets in the session.
        modifications: Ids of the variations in use.

    Example:
        >>> import backext
        >>> state = backext.start(backext.builtin_pack(), "prone-chest-lift")
        >>> prescription = state.prescription
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
class Stop:
    """Why and since when the engine has stopped prescribing.

    Attributes:
        date: The day of the session (or next-day report) that stopped the
            engine.
        red_flags: The red flags reported, in a stable order; more reported
            while stopped are added.
        pain: The severe pain rating (0-10) that stopped the engine, if it was
            severe pain; the highest, if more came while stopped.
        last_reported: The day of the latest red flag or severe pain reported
            while already stopped, if any; for a stop from severe pain the
            day after the session, given with it, that next day.

    Example:
        >>> import datetime
        >>> stop = Stop(date=datetime.date(2026, 1, 5), red_flags=(RedFlag.LEG_WEAKNESS,))
        >>> stop.red_flags[0].value
        'new-leg-weakness'

    .. versionadded:: 0.1.0
    """

    date: datetime.date = attrs.field(validator=day)
    red_flags: tuple[RedFlag, ...] = ()
    pain: int | None = attrs.field(default=None, validator=pain_rating)
    last_reported: datetime.date | None = attrs.field(default=None, validator=_optional_day)

    @property
    def latest(self) -> datetime.date:
        """The day of the latest red flag or severe pain reported: a clearance must not be older."""
        return self.date if self.last_reported is None else max(self.date, self.last_reported)


@attrs.frozen(kw_only=True)
class Clearance:
    """A clinician's clearance, as the app recorded it.

    Attributes:
        date: The day from which the clearance holds.
        modifications: Ids of variations the clinician allowed.
        note: Free text.
        clinician: Who gave the clearance.
        exercises: Ids of the exercises the clearance covers; empty for all.
        until: The last day the clearance holds for its variations, if it
            ends.
        lifts_stop: Whether the clearance lifted a stop. Clearances recorded
            before the last stop no longer allow any variation.

    Example:
        >>> import datetime
        >>> clearance = Clearance(date=datetime.date(2026, 2, 1), modifications=("leg-lift",))
        >>> clearance.modifications
        ('leg-lift',)

    .. versionadded:: 0.1.0
    """

    date: datetime.date = attrs.field(validator=day)
    modifications: tuple[str, ...] = ()
    note: str | None = None
    clinician: str | None = None
    exercises: tuple[str, ...] = ()
    until: datetime.date | None = attrs.field(default=None, validator=_optional_day)
    lifts_stop: bool = False

    def covers(self, exercise_id: str) -> bool:
        """Whether the clearance applies to *exercise_id*."""
        return not self.exercises or exercise_id in self.exercises

    def allows(self, modification_id: str, exercise_id: str, on: datetime.date | None) -> bool:
        """Whether the clearance allows *modification_id* on *exercise_id* on the day *on*.

        Raises:
            TypeError: If an id is not a string, or *on* is neither a date nor ``None``.
        """
        _check_allows(modification_id, exercise_id, on)
        return self._allows(modification_id, exercise_id, on)

    def _allows(self, modification_id: str, exercise_id: str, on: datetime.date | None) -> bool:
        """:meth:`allows`, its arguments checked already (:meth:`State.allows` asks each clearance)."""
        if modification_id not in self.modifications or not self.covers(exercise_id):
            return False
        return on is None or (self.date <= on and (self.until is None or on <= self.until))


def _check_allows(modification_id: object, exercise_id: object, on: object) -> None:
    """Refuse what :meth:`Clearance.allows` cannot answer for: a day where an id goes would be a silent yes."""
    for name, value in (("modification_id", modification_id), ("exercise_id", exercise_id)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if on is not None and type(on) is not datetime.date:
        raise TypeError(f"on must be a datetime.date or None, not {type(on).__name__}")


@attrs.frozen(kw_only=True)
class Pending:
    """The last session, waiting for its next-day pain report.

    Attributes:
        date: The day of the session.
        counts: Whether the session counts towards a step up once its
            next-day pain is reported settled.
        stepped_back: Whether the session already stepped the dose back.
        painful: Whether the session already counted as a painful one.
        changed: Whether the prescription changed since the session (a
            pack update, another choice of variations, an ended
            clearance), so that it no longer counts: its next-day report
            says so (``dose-changed``).

            .. versionadded:: 0.1.0

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> log = backext.SessionLog(
        ...     date=datetime.date(2026, 1, 5), exercise_id="forearm-press-up",
        ...     repetitions_completed=10, hold_seconds=5, pain=0,
        ... )
        >>> backext.step(pack, state, log).state.pending
        Pending(date=datetime.date(2026, 1, 5), counts=True, stepped_back=False, painful=False, changed=False)

    .. versionadded:: 0.1.0
    """

    date: datetime.date = attrs.field(validator=day)
    counts: bool = False
    stepped_back: bool = False
    painful: bool = False
    changed: bool = False


@attrs.frozen(kw_only=True)
class State:
    """A person's place in the programme: what an app stores between sessions.

    Make one with :func:`~backext.start`; every other state comes from the
    engine. Store it as JSON with :data:`backext.converter`'s
    ``unstructure``, and read it back with :func:`~backext.load_state`,
    which checks it against the pack.

    Attributes:
        format_version: The version of this stored format
            (:data:`STATE_FORMAT_VERSION`).
        pack_id: The id of the pack the state belongs to.
        pack_version: The version of the pack the state was last checked
            against; when the pack given differs, the engine brings the state
            within the new pack's limits and says so (``pack-changed``).
        dose: The place on the ladder, before variations.
        prescription: The next session's dose, variations included (while
            stopped: the dose to resume at after clearance).
        tolerated_streak: Well-tolerated, complete, counted sessions in a row at
            this dose.
        untolerated_streak: Sessions in a row at this dose that were not well
            tolerated.
        painful_streak: Sessions in a row with pain above the tolerated band.
        last_session: The day of the last session logged.
        pending: The last session, while its next-day report is awaited.
        stop: Set while the engine is stopped by a red flag or severe pain.
        clearances: Every clearance recorded, oldest first.
        tolerated: What the person last tolerated on each exercise done, as
            done (variations applied): stepping back to an earlier exercise
            lands no higher, and no prescription goes more than one step
            beyond it.

    Example:
        >>> import backext
        >>> state = backext.start(backext.builtin_pack(), "forearm-press-up")
        >>> document = backext.converter.unstructure(state)  # JSON-ready data
        >>> document["dose"]
        {'exercise_id': 'forearm-press-up', 'hold_seconds': 5, 'repetitions': 10}
        >>> backext.load_state(document, backext.builtin_pack()) == state
        True

    .. versionadded:: 0.1.0
    """

    format_version: int = STATE_FORMAT_VERSION
    pack_id: str
    pack_version: str | None = None
    dose: Dose
    prescription: Prescription
    tolerated_streak: int = attrs.field(default=0, validator=_count)
    untolerated_streak: int = attrs.field(default=0, validator=_count)
    painful_streak: int = attrs.field(default=0, validator=_count)
    last_session: datetime.date | None = attrs.field(default=None, validator=_optional_day)
    pending: Pending | None = None
    stop: Stop | None = None
    clearances: tuple[Clearance, ...] = ()
    tolerated: tuple[Dose, ...] = ()

    @property
    def stopped(self) -> bool:
        """Whether the engine is stopped until a clinician's clearance."""
        return self.stop is not None

    @property
    def resume_on(self) -> datetime.date | None:
        """The day from which sessions may resume after the last stop was lifted, if one was."""
        for clearance in reversed(self.clearances):
            if clearance.lifts_stop:
                return clearance.date
        return None

    def stopped_on(self, date: datetime.date) -> bool:
        """Whether nothing may be prescribed for a session on *date*: stopped, or before the lifting clearance."""
        resume = self.resume_on
        return self.stop is not None or (resume is not None and date < resume)

    def _current_clearances(self) -> tuple[Clearance, ...]:
        """The clearances since the last one that lifted a stop (older ones lapsed with the stop)."""
        for index in range(len(self.clearances) - 1, -1, -1):
            if self.clearances[index].lifts_stop:
                return self.clearances[index:]
        return self.clearances

    @property
    def cleared_modifications(self) -> frozenset[str]:
        """Ids of every variation a clearance still in force may allow (whatever its dates and exercises)."""
        return frozenset(m for clearance in self._current_clearances() for m in clearance.modifications)

    def allows(self, modification_id: str, exercise_id: str, on: datetime.date | None = None) -> bool:
        """Whether a clearance in force allows *modification_id* on *exercise_id* on the day *on*.

        Without *on*, the clearances' dates are not looked at.

        Raises:
            TypeError: If an id is not a string, or *on* is neither a date nor ``None``.
        """
        _check_allows(modification_id, exercise_id, on)
        return any(c._allows(modification_id, exercise_id, on) for c in self._current_clearances())  # noqa: SLF001

    def last_tolerated(self, exercise_id: str) -> Dose | None:
        """The last dose tolerated on *exercise_id*, if any."""
        for dose in self.tolerated:
            if dose.exercise_id == exercise_id:
                return dose
        return None


def evolved(state: State, **changes: Any) -> State:
    """*state* with *changes*, as :func:`attrs.evolve` makes it (validators included), for the engine's hot path.

    :func:`attrs.evolve` looks the class's fields up at every call, and
    ``State(**values)`` parses its keywords, which together cost about as much
    again as setting the values. The copy made here sets each slot directly
    and runs every field's validator, as attrs does (unless validators are
    switched off with :func:`attrs.validators.set_disabled`); a test checks
    that it makes what :func:`attrs.evolve` makes, and refuses what it refuses.
    """
    return _copier()(state, **changes)


@functools.cache
def _copier() -> Callable[..., State]:
    """The function :func:`evolved` calls, written once from :func:`attrs.fields` of :class:`State`."""
    fields: tuple[attrs.Attribute[Any], ...] = attrs.fields(State)
    namespace: dict[str, Any] = {
        "new": object.__new__,
        "State": State,
        "KEEP": object(),
        "disabled": attrs.validators.get_disabled,
    }
    lines = []
    checks = []
    for index, field in enumerate(fields):
        if field.converter is not None or not field.init or field.alias != field.name:  # pragma: no cover - none has
            raise TypeError(f"State.{field.name}: evolved() copies plain fields only")
        slot = State.__dict__[field.name]
        namespace[f"get{index}"], namespace[f"set{index}"] = slot.__get__, slot.__set__
        lines.append(f"    set{index}(copy, get{index}(state) if {field.name} is KEEP else {field.name})")
        if field.validator is not None:
            namespace[f"check{index}"], namespace[f"field{index}"] = field.validator, field
            checks.append(f"        check{index}(copy, field{index}, get{index}(copy))")
    parameters = ", ".join(f"{field.name}=KEEP" for field in fields)
    source = "\n".join(
        [
            f"def copy_state(state, *, {parameters}):",
            "    copy = new(State)",
            *lines,
            *(["    if not disabled():", *checks] if checks else []),
            "    return copy",
        ]
    )
    exec(compile(source, "<backext evolved State>", "exec"), namespace)  # noqa: S102 - written from the fields above
    return namespace["copy_state"]  # type: ignore[no-any-return]
