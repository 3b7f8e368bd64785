"""Deriving a prescription from a pack, and checking a person's state against the pack given now.

The engine never believes a stored prescription: :func:`reconcile` derives
it from the pack, the place on the ladder and the variations at every call,
brings a state stored against an older version of the pack within the new
limits, and refuses (:func:`check_state`) a state that does not fit the very
version it was stored against. :func:`~backext.load_state` uses the same
checks.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping

import attrs

from ._i18n import N_, N_plural
from ._ladder import (
    Dose,
    fit,
    from_tenths,
    next_exercise,
    on_ladder,
    refused,
    start_dose,
    step_within,
    tenths,
)
from ._limits import shorten
from ._messages import MORE, Message, Value
from ._model import Exercise, Modification, Pack
from ._problems import Problem
from ._problems import problem as made
from ._reasons import Reason, because, words
from ._remembered import memory
from ._render import amount
from ._rules import DEFAULT_RULES, Rules
from ._state import STATE_FORMAT_VERSION, Clearance, Prescription, State
from ._suggest import suggestion
from ._wrong import WordedError
from .exceptions import SessionError, StateError, UnknownIdError


__all__ = [
    "check_state",
    "clearances_within",
    "dose_words",
    "effective",
    "exercise_named",
    "exercise_of",
    "fitted_all",
    "has_exercise",
    "held_below_full",
    "higher",
    "kept_while_stopped",
    "modification_of",
    "names_words",
    "prescribe",
    "reachable",
    "reached",
    "reconcile",
    "reference",
    "required_sessions",
    "resumes_at_start",
    "state_exercise",
    "within_reach",
    "wrong_pack",
]


# --- Deriving a prescription ------------------------------------------------


def exercise_of(pack: Pack, exercise_id: str) -> Exercise:
    """The pack's exercise *exercise_id*, or :class:`UnknownIdError`."""
    try:
        return pack.exercise(exercise_id)
    except KeyError as error:
        known = [e.id for e in pack.exercises]
        template = _unknown(N_("no exercise with the id {value}{hint}"), exercise_id, known, pack.default_locale)
        raise UnknownIdError("exercise", exercise_id, str(error.args[0]), template) from None


def state_exercise(pack: Pack, state: State) -> Exercise:
    """The exercise of *state* in *pack*, or :class:`UnknownIdError`; for a stopped state, one that says it is stopped.

    A stopped state outlives an update that removed its exercise (it prescribes nothing until cleared); what needs
    the exercise itself (a page of it, a FHIR request for it) says so, and that the stop stands.
    """
    try:
        return pack.exercise(state.dose.exercise_id)
    except KeyError:
        if state.stop is None:
            return exercise_of(pack, state.dose.exercise_id)
        template = Message(
            template=N_(
                "the person is stopped since {date} and the pack no longer has their exercise {value}: the stop"
                " stands; once a clinician's clearance is recorded, start them on an exercise of the pack"
            ),
            values={"date": state.stop.date, "value": shorten(state.dose.exercise_id)},
        )
        raise UnknownIdError("exercise", state.dose.exercise_id, template.render(), template) from None


def modification_of(exercise: Exercise, modification_id: str, default_locale: str = "en") -> Modification:
    try:
        return exercise.modification(modification_id)
    except KeyError as error:
        known = [m.id for m in exercise.modifications]
        template = _unknown(N_("no variation with the id {value}{hint}"), modification_id, known, default_locale)
        raise UnknownIdError("variation", modification_id, str(error.args[0]), template) from None


def wrong_pack(pack: Pack, state: State) -> Message:
    """The message of a state used with another pack than its own."""
    stored, given = shorten(state.pack_id), shorten(pack.id)
    template = N_("the state belongs to the pack {stored}, not {given}")
    return words(pack.default_locale, template, {"stored": stored, "given": given})


def stopped_since(date: datetime.date) -> Message:
    """The message of a call that would prescribe for a person stopped since *date*."""
    return Message(
        template=N_("the engine is stopped since {date}: record a clinician's clearance first"), values={"date": date}
    )


def untried(state: State) -> bool:
    """Whether no session at *state*'s prescription as it is has been tolerated and settled yet.

    After pain, a session not held in full, a next-day report still awaited, a step (back or up) or another change
    of variations, which start the run of good sessions again: nothing is raised until a session is tolerated.
    """
    return (
        (state.last_session is not None and state.tolerated_streak == 0)
        or state.painful_streak > 0
        or state.untolerated_streak > 0
        or state.pending is not None
    )


def raise_cap(exercise: Exercise, state: State, *, hurt: bool = False) -> Callable[[Prescription], bool]:
    """The test a new prescription of *exercise* for *state* must pass: the one rule of how far a change may raise.

    At most one step above the prescription as it is and above what the person last tolerated, in one dimension
    only; and nothing at all above the prescription as it is while it is :func:`untried`, or when *hurt* (the
    session being judged was not tolerated).
    """
    ceiling = reference(exercise, state)
    now = effective(state.prescription)
    hurt = hurt or untried(state)

    def fits(candidate: Prescription) -> bool:
        hold, repetitions = effective(candidate)
        if hurt and (hold > now[0] or repetitions > now[1]):
            return False
        return within_reach(exercise, ceiling, candidate, one_dimension=True) and within_reach(
            exercise, now, candidate, one_dimension=True
        )

    return fits


def lower_than(candidate: Prescription, state: State) -> bool:
    """Whether *candidate* has the person do less than *state*'s prescription: lower somewhere, higher nowhere."""
    return asks_less(candidate, state.prescription)


def asks_less(candidate: Prescription, than: Prescription) -> bool:
    """Whether *candidate* asks for less than *than*, of the same exercise: lower somewhere, higher nowhere."""
    (hold, repetitions), (was_hold, was_repetitions) = effective(candidate), effective(than)
    return (
        candidate.exercise_id == than.exercise_id
        and hold <= was_hold
        and repetitions <= was_repetitions
        and (hold, repetitions) != (was_hold, was_repetitions)
    )


def _adds(modification: Modification) -> bool:
    """Whether *modification* adds to the dose in some dimension."""
    return modification.hold_seconds_change > 0 or modification.repetitions_change > 0


def never_prescribed(exercise: Exercise) -> WordedError:
    """The error of an exercise tagged with a movement osteoporosis guidance advises against."""
    movement = next(m for m in exercise.movements if m.contraindicated)
    return WordedError(
        N_(
            "{exercise} is tagged with {movement}, a movement osteoporosis guidance advises against: it is never"
            " prescribed"
        ),
        {"exercise": repr(exercise.id), "movement": movement.value},
    )


def _unknown(template: str, wanted: str, known: list[str], default_locale: str) -> Message:
    """The message of an unknown id, in any language: the id, and the known one nearest to it, if any."""
    # Translators: {hint} is empty, or the suggestion "; did you mean {name}?", translated on its own.
    values: dict[str, Value] = {"value": shorten(wanted), "hint": suggestion(wanted, known)}
    return Message(template=template, values=values, default_locale=default_locale)


def prescribe(exercise: Exercise, dose: Dose, modifications: tuple[str, ...]) -> Prescription:
    """The prescription of *dose* with *modifications*, within the exercise's limits, exact to a tenth."""
    hold = tenths(dose.hold_seconds)
    reps = dose.repetitions
    for modification_id in modifications:
        modification = exercise.modification(modification_id)
        hold += tenths(modification.hold_seconds_change)
        reps += modification.repetitions_change
    low, high = tenths(exercise.hold.start_seconds), tenths(exercise.hold.target_seconds)
    return Prescription(
        exercise_id=exercise.id,
        level=exercise.level,
        hold_seconds=from_tenths(min(max(hold, low), max(high, low))),
        repetitions=min(max(reps, exercise.repetitions.minimum), exercise.repetitions.maximum),
        sets=exercise.repetitions.sets,
        modifications=modifications,
    )


def effective(prescription: Prescription) -> tuple[int, int]:
    return tenths(prescription.hold_seconds), prescription.repetitions


def required_sessions(exercise: Exercise, rules: Rules) -> int:
    return max(rules.tolerated_sessions, exercise.progression.tolerated_sessions)


# --- Checking a state against a pack -----------------------------------------


_REPETITIONS = N_plural("{count} repetition", "{count} repetitions")


def check_state(pack: Pack, state: State, rules: Rules = DEFAULT_RULES) -> list[Problem]:
    """Every problem of *state* against *pack*, each with a JSON Pointer into the stored state.

    What depends on the pack's content (the ladder, the variations, the
    clearances' ids) is checked only when the state was stored against this
    version of the pack: after an update the engine brings the state within
    the new limits instead.
    """
    problems: list[Problem] = []

    def problem(
        path: str,
        code: str,
        template: str | tuple[str, str],
        values: Mapping[str, Value] | None = None,
        count: int | None = None,
    ) -> None:
        problems.append(made(path, code, template, values, count=count))

    if state.format_version != STATE_FORMAT_VERSION:
        problem(
            "/format_version",
            "unsupported-state-version",
            N_("unknown state format {version}"),
            {"version": repr(state.format_version)},
        )
    if state.pack_id != pack.id:
        problem(
            "/pack_id",
            "wrong-pack",
            N_("the state belongs to the pack {stored}, not {given}"),
            {"stored": shorten(state.pack_id), "given": shorten(pack.id)},
        )
        return problems
    if state.prescription.exercise_id != state.dose.exercise_id:
        problem(
            "/prescription/exercise_id",
            "prescription-mismatch",
            N_("the prescription is for {prescribed}, the dose for {dosed}"),
            {"prescribed": shorten(state.prescription.exercise_id), "dosed": shorten(state.dose.exercise_id)},
        )
    try:
        exercise = pack.exercise(state.dose.exercise_id)
    except KeyError:
        if state.stop is not None:
            # A stopped state whose exercise an update removed: it prescribes nothing until a clinician's clearance,
            # and the stop must not be lost to the update (a calendar still cancels, the engine still says stop).
            # A stop recorded under the update itself names the update's version (see _engine._stop).
            _check_stop(state, rules, problem)
            return problems
        problem(
            "/dose/exercise_id",
            "unknown-exercise",
            N_("no exercise with the id {value}{hint}"),
            {
                "value": shorten(state.dose.exercise_id),
                "hint": suggestion(state.dose.exercise_id, [e.id for e in pack.exercises]),
            },
        )
        return problems
    if state.pending is not None and (state.last_session is None or state.pending.date != state.last_session):
        problem("/pending/date", "out-of-range", N_("the session awaiting its next-day report is not the last one"))
    _check_stop(state, rules, problem)
    if state.stop is not None and state.pack_version == pack.version and state.dose != start_dose(exercise):
        # The engine stops at the start of the exercise, where the person resumes: another dose was edited in.
        problem("/dose", "out-of-range", N_("a stopped state's dose is the start of its exercise, where it resumes"))
    if not problems and state.pack_version == pack.version and not reached(pack, exercise, state):
        # Within one version of the pack, only an edit skips a level; after an update the engine moves the
        # person to an exercise they can reach (reconcile), since the update may have moved the levels.
        problems.append(_skipped(exercise))
    if state.pack_version != pack.version:
        return problems
    _check_clearances(pack, state, problem)
    if resumes_at_start(state):  # cleared after a stop, and no session since: nothing of the run before counts
        if state.dose != start_dose(exercise):
            problem(
                "/dose",
                "out-of-range",
                N_("no session since the clearance that lifted the stop: the dose is the start of the exercise"),
                {},
            )
        if state.tolerated_streak:
            problem(
                "/tolerated_streak",
                "out-of-range",
                N_("no session since the clearance that lifted the stop: no well-tolerated session counts yet"),
                {},
            )
        if state.pending is not None and state.pending.counts:
            problem(
                "/pending/counts",
                "out-of-range",
                N_("the session awaiting its next-day report came before the stop was lifted: it cannot count"),
                {},
            )
    dose = state.dose
    if not on_ladder(exercise, dose):
        problem(
            "/dose",
            "not-on-ladder",
            N_("the dose ({seconds} s, {repetitions}) is not a step of the ladder of {exercise}"),
            {
                "seconds": amount(dose.hold_seconds),
                "repetitions": Message(
                    template=_REPETITIONS[0],
                    plural=_REPETITIONS[1],
                    count=dose.repetitions,
                    values={"count": str(dose.repetitions)},
                ),
                "exercise": repr(exercise.id),
            },
        )
    known = {m.id for m in exercise.modifications}
    modifications = state.prescription.modifications
    for index, modification_id in enumerate(modifications):
        at = f"/prescription/modifications/{index}"
        if modification_id not in known:
            problem(
                at,
                "unknown-variation",
                N_("{exercise} has no variation {value}{hint}"),
                {
                    "exercise": repr(exercise.id),
                    "value": shorten(modification_id),
                    "hint": suggestion(modification_id, known),
                },
            )
        elif exercise.modification(modification_id).requires_clearance and not state.allows(
            modification_id, exercise.id
        ):
            problem(
                at,
                "uncleared-variation",
                N_("no clearance in force allows the variation {value}"),
                {"value": shorten(modification_id)},
            )
        elif (
            state.last_session is not None
            and exercise.modification(modification_id).requires_clearance
            and not _in_force_at_last(state, modification_id, exercise.id)
        ):
            # The engine drops a variation on the first day its clearance no longer allows: not kept past it.
            problem(
                at,
                "uncleared-variation",
                N_("the clearance for the variation {value} ended before the last session ({last})"),
                {"value": shorten(modification_id), "last": state.last_session},
            )
    if not problems and prescribe(exercise, dose, modifications) != state.prescription:
        problem(
            "/prescription",
            "prescription-mismatch",
            N_("the prescription is not the one the dose and variations give"),
        )
    modifications = tuple(m for m in modifications if m in known)
    required = required_sessions(exercise, rules)
    at_top = higher(pack, exercise, dose, modifications) == (dose, modifications)
    if state.tolerated_streak > required or (state.tolerated_streak == required and not at_top):
        problem(
            "/tolerated_streak",
            "out-of-range",
            _RUN_TOO_LONG,
            {"count": state.tolerated_streak},
            state.tolerated_streak,
        )
    if not problems and not within_reach(exercise, reference(exercise, state), state.prescription, one_dimension=False):
        problem(
            "/prescription", "out-of-range", N_("the prescription is more than one step above the last one tolerated")
        )
    for index, tolerated in enumerate(state.tolerated):
        try:
            ok = within_limits(pack.exercise(tolerated.exercise_id), tolerated)
        except KeyError:
            ok = False
        if not ok:
            problem(
                f"/tolerated/{index}", "out-of-range", N_("not a dose within the limits of an exercise of the pack")
            )
    return problems


def _in_force_at_last(state: State, modification_id: str, exercise_id: str) -> bool:
    """Whether a clearance allowing *modification_id* had not ended by *state*'s last session (if it has one).

    Only the clearances since the last one that lifted a stop count: the older ones lapsed with the stop.
    """
    last = state.last_session
    return last is None or any(
        clearance.allows(modification_id, exercise_id, None) and (clearance.until is None or clearance.until >= last)
        for clearance in state._current_clearances()  # noqa: SLF001 - the state's own rule of which are current
    )


def _skipped(exercise: Exercise) -> Problem:
    """The problem of a state on *exercise*, more than one level above anything the person has tolerated."""
    return made(
        "/dose/exercise_id",
        "out-of-range",
        N_("{exercise} is more than one level above every exercise the person has tolerated: no level is skipped"),
        {"exercise": repr(exercise.id)},
    )


def reachable(pack: Pack, exercise: Exercise, state: State) -> Exercise:
    """The exercise to move a person to whose *exercise* their history does not reach after a pack update.

    The highest-level exercise at or below *exercise*'s level that :func:`reached` allows, the most recently
    tolerated first among equals; there is always one, as every exercise tolerated is reached.
    """
    recent = {d.exercise_id: index for index, d in enumerate(state.tolerated)}
    candidates = [e for e in pack.exercises if e.level.rank <= exercise.level.rank and reached(pack, e, state)]
    return max(candidates, key=lambda e: (e.level.rank, recent.get(e.id, -1)))


def reached(pack: Pack, exercise: Exercise, state: State) -> bool:
    """Whether the engine could have brought a person with *state*'s history to *exercise* without skipping a level.

    A person starts on any exercise (:func:`~backext.start`, with no history);
    from then on the engine moves up only to the next exercise of one done,
    and down as pain steps back. So the exercise is the next of one
    tolerated, or at a level no higher than one tolerated: a pack update may
    have removed the exercises and links a person stepped back along, and
    being lower than before skips no level.
    """
    done = [pack.exercise(d.exercise_id) for d in state.tolerated if has_exercise(pack, d.exercise_id)]
    if not done or exercise.level.rank <= max(e.level.rank for e in done):
        return True
    return any((following := next_exercise(pack, start)) is not None and following.id == exercise.id for start in done)


def _check_stop(state: State, rules: Rules, problem: Callable[[str, str, str, Mapping[str, Value]], None]) -> None:
    """A stop as only the engine makes one: for a red flag or severe pain; and clearances that end after they begin."""
    stop = state.stop
    if stop is not None:
        if not stop.red_flags and stop.pain is None:
            problem("/stop", "out-of-range", N_("a stop needs a red flag or a severe pain rating"), {})
        if stop.pain is not None and stop.pain < rules.severe_pain:
            problem(
                "/stop/pain",
                "out-of-range",
                N_("a pain of {pain}/10 does not stop the engine: severe pain is {severe}/10 or more"),
                {"pain": str(stop.pain), "severe": str(rules.severe_pain)},
            )
        if len(set(stop.red_flags)) != len(stop.red_flags):
            problem("/stop/red_flags", "out-of-range", N_("a red flag is given more than once"), {})
    for index, clearance in enumerate(state.clearances):
        if clearance.until is not None and clearance.until < clearance.date:
            problem(
                f"/clearances/{index}/until",
                "out-of-range",
                N_("the clearance ends ({until}) before it begins ({date})"),
                {"until": clearance.until, "date": clearance.date},
            )


def _check_clearances(pack: Pack, state: State, problem: Callable[[str, str, str, Mapping[str, Value]], None]) -> None:
    """Report each exercise and variation id in *state*'s clearances that *pack* does not have.

    A variation id must belong to an exercise the clearance covers (any
    exercise of the pack, for a clearance that names none), as
    :func:`~backext.record_clearance` requires.
    """
    exercise_ids = [e.id for e in pack.exercises]
    for index, clearance in enumerate(state.clearances):
        covered = []
        for position, exercise_id in enumerate(clearance.exercises):
            try:
                covered.append(pack.exercise(exercise_id))
            except KeyError:
                problem(
                    f"/clearances/{index}/exercises/{position}",
                    "unknown-exercise",
                    N_("no exercise with the id {value}{hint}"),
                    {"value": shorten(exercise_id), "hint": suggestion(exercise_id, exercise_ids)},
                )
        # A clearance for an unknown exercise is reported once, not again for each of its variations.
        in_scope = covered if len(covered) == len(clearance.exercises) > 0 else pack.exercises
        known = sorted({m.id for e in in_scope for m in e.modifications})
        for position, modification_id in enumerate(clearance.modifications):
            if modification_id not in known:
                problem(
                    f"/clearances/{index}/modifications/{position}",
                    "unknown-variation",
                    N_("no exercise the clearance covers has a variation {value}{hint}"),
                    {"value": shorten(modification_id), "hint": suggestion(modification_id, known)},
                )


def within_limits(exercise: Exercise, dose: Dose) -> bool:
    hold = tenths(dose.hold_seconds)
    return (
        tenths(exercise.hold.start_seconds) <= hold <= tenths(exercise.hold.target_seconds)
        and exercise.repetitions.minimum <= dose.repetitions <= exercise.repetitions.maximum
        and hold == dose.hold_seconds * 10
    )


def reference(exercise: Exercise, state: State) -> tuple[int, int]:
    """What the person last tolerated on *exercise*, as done (variations applied); else its start.

    Every decision the engine makes keeps the prescription within one step of it; a stored
    state beyond that was edited.
    """
    last = state.last_tolerated(exercise.id)
    low, high = tenths(exercise.hold.start_seconds), tenths(exercise.hold.target_seconds)
    if last is None:
        return low, exercise.repetitions.minimum
    reps = exercise.repetitions
    return min(max(tenths(last.hold_seconds), low), high), min(max(last.repetitions, reps.minimum), reps.maximum)


def within_reach(
    exercise: Exercise, reference: tuple[int, int], prescription: Prescription, *, one_dimension: bool
) -> bool:
    """Whether *prescription* is at most one step above *reference* (in one dimension only, if so asked)."""
    new_hold, new_reps = effective(prescription)
    increment = tenths(exercise.hold.increment_seconds) if exercise.hold.progresses else 0  # type: ignore[arg-type]
    raised_both = new_hold > reference[0] and new_reps > reference[1]
    return new_hold - reference[0] <= increment and new_reps - reference[1] <= 1 and not (one_dimension and raised_both)


def _after_update(
    exercise: Exercise, state: State, dose: Dose, kept: tuple[str, ...], prescription: Prescription
) -> tuple[Dose, tuple[str, ...], Prescription]:
    """The dose, variations and prescription after a pack update: the highest that does not raise what is done.

    A new version of the pack never raises what the person does: the prescription stays within one step of
    what they last tolerated and, in each dimension, at most what they were prescribed before (a variation that
    now adds more is dropped before the dose is lowered). Only the exercise's start, without variations, may be
    above the old prescription: the pack given now says what an exercise begins with.
    """
    ceiling = reference(exercise, state)
    before = effective(state.prescription)
    same_exercise = state.prescription.exercise_id == exercise.id  # else moved by the update: its own history

    def fits(candidate: Prescription) -> bool:
        hold, repetitions = effective(candidate)
        return within_reach(exercise, ceiling, candidate, one_dimension=False) and (
            not same_exercise
            or (hold <= before[0] and repetitions <= before[1] and candidate.sets <= state.prescription.sets)
        )

    current: Dose | None = dose
    while current is not None:
        for modifications in dict.fromkeys((kept, ())):  # the variations kept first, then none
            candidate = (
                prescription
                if (current, modifications) == (dose, kept)
                else prescribe(exercise, current, modifications)
            )
            if fits(candidate):
                return current, modifications, candidate
        move = step_within(exercise, current, up=False)
        current = None if move is None else move.dose
    start = start_dose(exercise)
    return start, (), prescribe(exercise, start, ())


def _check_stop_only(pack: Pack, state: State, rules: Rules) -> None:
    """Refuse a stopped state whose exercise the pack lacks if what it holds does not fit (:func:`check_state`)."""
    problems = check_state(pack, state, rules)
    if problems:
        raise StateError(problems)


#: A run longer than the rules ask for: the engine shortens it (an app may change its rules between calls).
_RUN_TOO_LONG = N_plural(
    "a run of {count} tolerated session would already have stepped the dose up",
    "a run of {count} tolerated sessions would already have stepped the dose up",
)


def resumes_at_start(state: State, *, that_day: bool = False) -> bool:
    """Whether *state* was cleared after a stop and has had no session since: it resumes at the exercise's start.

    Nothing of the run before the stop counts then (no tolerated session, no counting next-day report), and a pack
    update brings the person to the start of the exercise they resume on, as it does a stopped state. A session on
    the day of the clearance may have come before it (the stop's own) or after: with *that_day*, it is taken to
    have come before, which a pack update may safely assume (the start asks for no more than any other dose).
    """
    resume, last = state.resume_on, state.last_session
    if state.stop is not None or resume is None:
        return False
    return last is None or last < resume or (that_day and last == resume)


def kept_while_stopped(exercise: Exercise, modifications: tuple[str, ...]) -> tuple[str, ...]:
    """The variations a stopped state keeps: those that need no clearance and only lower the dose.

    The person resumes with them at the start of the exercise; a clinician's clearance must name the others again.
    A stop keeps these, and so does a pack update of a stopped state (which may have made one need a clearance).
    """
    lowering = {
        m.id
        for m in exercise.modifications
        if not m.requires_clearance and m.hold_seconds_change <= 0 and m.repetitions_change <= 0
    }
    return tuple(m for m in modifications if m in lowering)


def reconcile(
    pack: Pack, state: State, on: datetime.date | None = None, rules: Rules = DEFAULT_RULES
) -> tuple[State, list[Reason]]:
    """*state* brought within *pack* as it is now, with the reasons for any change.

    The prescription is derived from the pack, the place on the ladder and
    the variations. When the pack's version differs from the one the state
    was stored against, the dose is brought within the new limits, variations
    the exercise no longer has or that now need a clearance not on record
    are dropped, and a ``pack-changed`` reason says so; the clearances
    forget the exercises and variations the pack no longer has
    (:func:`clearances_within`). Variations whose
    clearance is not in force on the day *on* are dropped
    (``clearance-expired``); what they took away does not come back that
    day: the dose underneath is lowered so that the prescription rises
    nowhere (whatever the session of that day turns out to be, every
    rendering of the day shows the same dose as the engine).

    Raises:
        SessionError: If the state belongs to another pack.
        UnknownIdError: If the pack no longer has the state's exercise (a
            stopped state is returned as it is: it prescribes nothing
            until a clinician's clearance is recorded).
        StateError: If the state was stored against this very version of the
            pack and does not fit it: it was edited or corrupted.
    """
    if state.pack_id != pack.id:
        raise SessionError(wrong_pack(pack, state))
    if state.stop is not None and not has_exercise(pack, state.dose.exercise_id):
        _check_stop_only(pack, state, rules)
        return state, []  # stopped, its exercise gone with an update: nothing to bring within limits until cleared
    exercise = exercise_of(pack, state.dose.exercise_id)
    if refused(exercise) and state.stop is None:  # a pack built in Python: the engine never prescribes it
        raise never_prescribed(exercise)
    same = state.pack_version == pack.version
    if same and not memory(pack).knows(state, rules):  # a state the engine made for this pack was checked then
        # The run of sessions is judged against the rules; an app may change its rules between calls, so a
        # run longer than the rules now ask for is shortened below, not refused.
        problems = [
            p for p in check_state(pack, state, rules) if p.template is None or p.template.template != _RUN_TOO_LONG[0]
        ]
        if problems:
            raise StateError(problems)
        memory(pack).remember(state, rules)  # checked: not again while this very object comes back
    moved = forgotten = False
    if not same and not reached(pack, exercise, state):
        # The update moved the levels (or removed one in between): never a level skipped, so the person goes to
        # the highest exercise, at or below this one's level, that their history reaches in the pack given now.
        exercise, moved = reachable(pack, exercise, state), True
    reasons: list[Reason] = []
    dose = state.dose
    if not same and (state.stop is not None or resumes_at_start(state, that_day=True)):
        dose = start_dose(exercise)  # stopped, or cleared with no session since: the start, as the pack has it now
    elif not same:
        # Nothing tolerated on this exercise yet: its start, whatever the old pack's start was.
        last = state.last_tolerated(exercise.id)
        dose = start_dose(exercise) if last is None else fit(exercise, last if moved else state.dose)
    kept: list[str] = []
    dropped: list[str] = []
    for modification_id in dict.fromkeys(state.prescription.modifications):
        try:
            modification = exercise.modification(modification_id)
        except KeyError:
            dropped.append(modification_id)
            continue
        in_force = (
            state.allows(modification_id, exercise.id, on)
            if on is not None
            else state.allows(modification_id, exercise.id) and _in_force_at_last(state, modification_id, exercise.id)
        )
        if modification.requires_clearance and not in_force:
            if state.allows(modification_id, exercise.id):
                expired = N_("the clearance for the variation {variation} is not in force: it is dropped")
                reasons.append(
                    because("clearance-expired", pack.default_locale, expired, {"variation": modification.name})
                )
            else:
                dropped.append(modification_id)
            continue
        kept.append(modification_id)
    kept_ids = tuple(kept)
    if not same and state.stop is not None:  # stopped: only what a stop keeps, as the pack given now has it
        dropped.extend(m for m in kept_ids if m not in kept_while_stopped(exercise, kept_ids))
        kept_ids = kept_while_stopped(exercise, kept_ids)
    prescription = (
        state.prescription
        if same and kept_ids == state.prescription.modifications
        else prescribe(exercise, dose, kept_ids)
    )
    if same and kept_ids != state.prescription.modifications:
        # A variation left (its clearance ran out): what it took away does not come back that day (a step up
        # comes later, from a run of good sessions); the dose underneath is lowered as far as needed.
        fits = raise_cap(exercise, state, hurt=True)
        while not fits(prescription):
            move = step_within(exercise, dose, up=False)
            if move is None:  # at the start, and still more: the variations that add load go too
                adding = [m for m in kept_ids if _adds(exercise.modification(m))]
                if not adding:
                    break
                for modification_id in adding:
                    too_much = N_("without it, the variation {variation} would raise the dose too far: it is dropped")
                    name = exercise.modification(modification_id).name
                    reasons.append(because("clearance-expired", pack.default_locale, too_much, {"variation": name}))
                kept_ids = tuple(m for m in kept_ids if m not in adding)
            else:
                dose = move.dose
            prescription = prescribe(exercise, dose, kept_ids)
    if not same:
        offered = kept_ids
        dose, kept_ids, prescription = _after_update(exercise, state, dose, kept_ids, prescription)
        dropped.extend(m for m in offered if m not in kept_ids)
        pending = state.pending
        forgotten = state.tolerated_streak > 0 or (pending is not None and pending.counts)
        if pending is not None and pending.counts:  # done under the old pack: it does not count under the new one
            state = attrs.evolve(state, pending=attrs.evolve(pending, counts=False, changed=True))
    changed = (dose is not state.dose and dose != state.dose) or (
        prescription is not state.prescription and prescription != state.prescription
    )
    if changed and not same:
        # The pack by its title and the variations by their names, in the language the reason is said in.
        values: dict[str, Value] = {
            "pack": pack.title,
            "old": str(state.pack_version),
            "new": pack.version,
            "dose": dose_words(prescription, pack.default_locale),
        }
        if moved:  # on another exercise: said first, the variations of the old one go with it
            values["exercise"] = exercise.name
            moved_to = N_("the pack {pack} changed (version {old} to {new}): the exercise is now {exercise}, at {dose}")
            reasons.insert(0, because("pack-changed", pack.default_locale, moved_to, values))
        elif dropped:
            values["dropped"] = names_words(
                [_variation_named(exercise, m) for m in dict.fromkeys(dropped)], pack.default_locale
            )
            reasons.insert(
                0,
                because(
                    "pack-changed",
                    pack.default_locale,
                    N_plural(
                        "the pack {pack} changed (version {old} to {new}): the dose is now {dose}; the variation"
                        " {dropped} is dropped",
                        "the pack {pack} changed (version {old} to {new}): the dose is now {dose}; the variations"
                        " {dropped} are dropped",
                    ),
                    values,
                    count=len(dict.fromkeys(dropped)),
                ),
            )
        else:
            template = N_("the pack {pack} changed (version {old} to {new}): the dose is now {dose}")
            reasons.insert(0, because("pack-changed", pack.default_locale, template, values))
    elif not same and forgotten:
        # The same dose, but a new version: the sessions done under the old one do not count towards a step up.
        again = N_(
            "the pack {pack} changed (version {old} to {new}): the dose stays {dose}, and the run of well-tolerated"
            " sessions starts again"
        )
        values = {
            "pack": pack.title,
            "old": str(state.pack_version),
            "new": pack.version,
            "dose": dose_words(prescription, pack.default_locale),
        }
        reasons.insert(0, because("pack-changed", pack.default_locale, again, values))
    tolerated = state.tolerated if same else fitted_all(pack, state.tolerated)
    clearances = state.clearances if same else clearances_within(pack, state.clearances)
    # A new version of the pack, or a variation whose clearance ran out: a new prescription, the count starts again.
    streak = state.tolerated_streak if same and prescription.modifications == state.prescription.modifications else 0
    at_top = higher(pack, exercise, dose, prescription.modifications) == (dose, prescription.modifications)
    streak = min(streak, required_sessions(exercise, rules) - (0 if at_top else 1))
    if (
        not changed
        and same
        and streak == state.tolerated_streak
        and tolerated == state.tolerated
        and state.untolerated_streak < rules.untolerated_sessions
    ):
        return state, reasons
    return (
        attrs.evolve(
            state,
            pack_version=pack.version,
            dose=dose,
            prescription=prescription,
            tolerated_streak=streak,
            untolerated_streak=min(state.untolerated_streak, rules.untolerated_sessions - 1)
            if dose == state.dose
            else 0,
            tolerated=tolerated,
            clearances=clearances,
        ),
        reasons,
    )


def clearances_within(pack: Pack, clearances: tuple[Clearance, ...]) -> tuple[Clearance, ...]:
    """*clearances* naming only exercises and variations that *pack* has, for a state brought to a new version.

    A clearance keeps its date, note, clinician, end and whether it lifted a
    stop; it loses the ids the pack no longer has, which allowed nothing in
    it. One that covered only exercises the pack no longer has allows
    nothing any more (no exercises, no variations).
    """
    kept = []
    for clearance in clearances:
        covered = tuple(e for e in clearance.exercises if has_exercise(pack, e))
        if clearance.exercises and not covered:
            kept.append(attrs.evolve(clearance, exercises=(), modifications=()))
            continue
        scope = [pack.exercise(e) for e in covered] or pack.exercises
        known = {m.id for e in scope for m in e.modifications}
        allowed = tuple(m for m in clearance.modifications if m in known)
        if (covered, allowed) == (clearance.exercises, clearance.modifications):
            kept.append(clearance)
        else:
            kept.append(attrs.evolve(clearance, exercises=covered, modifications=allowed))
    return tuple(kept)


def has_exercise(pack: Pack, exercise_id: str) -> bool:
    try:
        pack.exercise(exercise_id)
    except KeyError:
        return False
    return True


def fitted_all(pack: Pack, doses: tuple[Dose, ...]) -> tuple[Dose, ...]:
    """Tolerated doses (as done) brought within the pack's limits, without those of exercises it no longer has."""
    fitted = []
    for dose in doses:
        if not has_exercise(pack, dose.exercise_id):
            continue
        exercise = pack.exercise(dose.exercise_id)
        low, high = tenths(exercise.hold.start_seconds), tenths(exercise.hold.target_seconds)
        reps = exercise.repetitions
        fitted.append(
            Dose(
                exercise_id=dose.exercise_id,
                hold_seconds=from_tenths(min(max(tenths(dose.hold_seconds), low), max(low, high))),
                repetitions=min(max(dose.repetitions, reps.minimum), reps.maximum),
            )
        )
    return tuple(fitted)


def dose_words(prescription: Prescription, default_locale: str) -> Message:
    """The prescription's dose in a few words, such as "5 s hold, 10 repetitions", and "2 sets" when more than one.

    Example:
        >>> import backext
        >>> state = backext.start(backext.builtin_pack(), "prone-chest-lift")
        >>> dose_words(state.prescription, "en").render()
        '5 s hold, 8 repetitions'
        >>> dose_words(attrs.evolve(state.prescription, sets=2), "en").render()
        '5 s hold, 8 repetitions, 2 sets'
    """
    dose = words(
        default_locale,
        # Translators: a dose in a few words, as in "on to Press-up on the hands (intermediate), 1 s hold, 10
        # repetitions". "hold" is the noun, the hold of the glossary (how long each repetition is held), not the verb.
        N_plural("{hold} s hold, {count} repetition", "{hold} s hold, {count} repetitions"),
        {"hold": prescription.hold_seconds, "count": prescription.repetitions},
        count=prescription.repetitions,
    )
    if prescription.sets == 1:
        return dose
    sets = words(default_locale, _SETS, {"count": prescription.sets}, count=prescription.sets)
    # The same words as the dose of a routine: "8 to 10 repetitions, 2 sets".
    return words(default_locale, N_("{repetitions}, {sets}"), {"repetitions": dose, "sets": sets})


#: A number of sets, as the dose of a routine says it (:func:`~backext._render.describe_repetitions`).
_SETS = N_plural("{count} set", "{count} sets")


def names_words(names: list[Value], default_locale: str) -> Value:
    """*names* (a pack's texts, or ids where it has none) as one value of a message, each said in its language.

    Example:
        >>> from backext import LocalizedText
        >>> both = names_words([LocalizedText({"en": "Leg lift", "de": "Beine heben"}), "'arms-up'"], "en")
        >>> both.render("de")
        "Beine heben, 'arms-up'"
    """
    shown = _joined(names[:_MOST_NAMES], default_locale)
    if len(names) <= _MOST_NAMES:
        return shown
    rest = len(names) - _MOST_NAMES  # a message never grows with the pack
    return words(default_locale, MORE, {"names": shown, "count": rest}, count=rest)


#: The most names a message lists (our choice): the others are counted.
_MOST_NAMES = 10


def _joined(names: list[Value], default_locale: str) -> Value:
    """*names* joined in halves, so that the message nests only as deep as the logarithm of their number."""
    if len(names) == 1:
        return names[0]
    half = len(names) // 2
    left, right = _joined(names[:half], default_locale), _joined(names[half:], default_locale)
    # Translators: a list of names (a pack's variations), one more added at its end: "Leg lift, Arms overhead".
    return words(default_locale, N_("{names}, {name}"), {"names": left, "name": right})


def variation_names(exercise: Exercise, modification_ids: list[str], default_locale: str) -> Value:
    """The names of *exercise*'s variations *modification_ids*, as one value of a message (:func:`names_words`)."""
    return names_words([_variation_named(exercise, m) for m in dict.fromkeys(modification_ids)], default_locale)


def _variation_named(exercise: Exercise, modification_id: str) -> Value:
    """The variation's name in the exercise's pack, or its id quoted when the exercise no longer has it."""
    try:
        return exercise.modification(modification_id).name
    except KeyError:
        return shorten(modification_id)


def exercise_named(pack: Pack, exercise_id: str) -> Value:
    """The exercise's name in *pack*, or its id quoted when the pack has no such exercise."""
    try:
        return pack.exercise(exercise_id).name
    except KeyError:
        return shorten(exercise_id)


def held_below_full(exercise: Exercise, dose: Dose, modifications: tuple[str, ...]) -> bool:
    """Whether *modifications* hold the prescription of *dose* below what *dose* asks for alone, in some number."""
    if not modifications:
        return False
    held, alone = prescribe(exercise, dose, modifications), prescribe(exercise, dose, ())
    return tenths(held.hold_seconds) < tenths(alone.hold_seconds) or held.repetitions < alone.repetitions


def higher(pack: Pack, exercise: Exercise, dose: Dose, modifications: tuple[str, ...]) -> tuple[Dose, tuple[str, ...]]:
    """The next dose up whose prescription is higher, or the next exercise's start, or *dose* at the top.

    The answer depends on the pack alone, so it is remembered per pack (:mod:`._remembered`).
    """
    remembered = memory(pack)
    answer = remembered.higher(exercise, dose, modifications)
    if answer is False:
        answer = _higher(pack, exercise, dose, modifications)
        remembered.keep_higher(exercise, dose, modifications, answer)
    return (dose, modifications) if answer is None else answer  # type: ignore[return-value]


def _higher(
    pack: Pack, exercise: Exercise, dose: Dose, modifications: tuple[str, ...]
) -> tuple[Dose, tuple[str, ...]] | None:
    """:func:`higher`, worked out; ``None`` at the top.

    The next exercise comes only once the person does this one's full dose: where a variation holds the
    prescription below it (the dose underneath at its top), there is no step up until the variation is left.
    """
    base = effective(prescribe(exercise, dose, modifications))
    current = dose
    while (move := step_within(exercise, current, up=True)) is not None:
        current = move.dose
        if effective(prescribe(exercise, current, modifications)) != base:
            return current, modifications
    if held_below_full(exercise, current, modifications):
        return None
    following = next_exercise(pack, exercise)
    if following is None:
        return None
    return start_dose(following), ()
