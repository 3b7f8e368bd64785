"""The progression engine: from one session's log, the next session's dose.

The engine is a set of pure functions. :func:`start` makes a person's
:class:`~backext.State`; :func:`step` takes the state and a
:class:`~backext.SessionLog` and returns a :class:`~backext.Decision` with the
next state; :func:`report_next_day` adds the next morning's pain;
:func:`replay` folds many logs. Nothing here reads a clock, touches a file or
draws a random number: the same inputs always give the same decision.

At every call the state is checked against the pack given *now*: the
prescription is derived from the pack, the place on the ladder and the
variations, never taken from the stored state.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import attrs

from ._i18n import N_, N_plural
from ._ladder import (
    Dose,
    fit,
    full_dose,
    previous_exercise,
    refused,
    rungs,
    start_dose,
    step_within,
    tenths,
)
from ._limits import shorten
from ._messages import Message, Value
from ._model import Exercise, Pack, ensure_pack
from ._reasons import Action, Decision, Reason, because, words
from ._reconcile import (
    clearances_within,
    dose_words,
    effective,
    exercise_named,
    exercise_of,
    fitted_all,
    has_exercise,
    held_below_full,
    higher,
    kept_while_stopped,
    lower_than,
    modification_of,
    never_prescribed,
    prescribe,
    raise_cap,
    reachable,
    reached,
    reconcile,
    required_sessions,
    stopped_since,
    untried,
    variation_names,
    wrong_pack,
)
from ._remembered import memory
from ._render import LEVEL_WORDS
from ._rules import DEFAULT_RULES, Rules
from ._session import RedFlag, SessionLog, flag_words, in_order
from ._session import red_flags as _flags
from ._state import Clearance, Pending, Prescription, State, Stop, evolved
from ._suggest import suggestion
from ._vocabulary import Direction
from ._wrong import WHOLE_FROM_0, WordedError, refused_value
from .exceptions import (
    CLEARANCE_ENDED,
    CLEARANCE_LATER,
    CLEARANCE_NEEDED,
    ClearanceRequiredError,
    SessionError,
    StateError,
    StoppedError,
    UnknownIdError,
)


#: The longest note or clinician's name a clearance keeps, in characters (our choice): a
#: stored state stays small.
MAX_NOTE = 2000

__all__ = [
    "choose_modifications",
    "record_clearance",
    "replay",
    "report_next_day",
    "start",
    "step",
]


# --- Arguments ------------------------------------------------------------------


def _arguments(pack: object, state: object, rules: object = DEFAULT_RULES) -> None:
    """Refuse arguments of the wrong type with a :class:`TypeError` that names them."""
    if type(pack) is Pack and type(state) is State and type(rules) is Rules:
        return  # the usual case, at once
    for name, value, kind in (("pack", pack, Pack), ("state", state, State), ("rules", rules, Rules)):
        if not isinstance(value, kind):
            hint = (
                ": read a stored state with backext.load_state()" if kind is State and isinstance(value, dict) else ""
            )
            raise TypeError(f"{name} must be a backext.{kind.__name__}, not {type(value).__name__}{hint}")


def start(pack: Pack, exercise_id: str) -> State:
    """Start a person on *exercise_id* at its starting dose.

    Raises:
        UnknownIdError: If the pack has no such exercise (a :class:`KeyError`).
        TypeError: If *pack* is not a pack or *exercise_id* not a string.
        ValueError: If the exercise is tagged with a movement osteoporosis
            guidance advises against (a pack built in Python may have one;
            :func:`~backext.load_pack` refuses it).

    Example:
        >>> import backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> state.prescription.hold_seconds, state.prescription.repetitions
        (5, 10)

    .. versionadded:: 0.1.0
    """
    ensure_pack(pack)
    if type(exercise_id) is not str:
        raise TypeError(f"exercise_id must be a string, not {type(exercise_id).__name__}")
    exercise = exercise_of(pack, exercise_id)
    if refused(exercise):
        raise never_prescribed(exercise)
    dose = start_dose(exercise)
    return State(pack_id=pack.id, pack_version=pack.version, dose=dose, prescription=prescribe(exercise, dose, ()))


# --- Moving along the ladder -------------------------------------------------


def _tolerated_now(state: State) -> tuple[Dose, ...]:
    """The state's tolerated doses with the current prescription, as done, recorded for its exercise."""
    done = state.prescription
    tolerated = state.tolerated
    if (
        tolerated
        and (first := tolerated[0]).exercise_id == done.exercise_id
        and first.repetitions == done.repetitions
        and first.hold_seconds == done.hold_seconds
        and type(first.hold_seconds) is type(done.hold_seconds)
        and all(d.exercise_id != done.exercise_id for d in tolerated[1:])
    ):
        return tolerated  # already recorded so: the same doses, without building them again
    dose = state.dose
    if not (
        dose.exercise_id == done.exercise_id
        and dose.repetitions == done.repetitions
        and dose.hold_seconds == done.hold_seconds
        and type(dose.hold_seconds) is type(done.hold_seconds)
    ):  # the place on the ladder is the dose as done when no variation changes it: no need to build it again
        dose = Dose(exercise_id=done.exercise_id, hold_seconds=done.hold_seconds, repetitions=done.repetitions)
    return (dose, *(d for d in tolerated if d.exercise_id != dose.exercise_id))


def _moved(  # noqa: PLR0917 - a private helper
    pack: Pack,
    state: State,
    dose: Dose,
    modifications: tuple[str, ...],
    reasons: list[Reason],
    action: Action,
) -> Decision:
    """A decision that moves to *dose*: the move's reasons, a fresh count."""
    exercise = pack.exercise(dose.exercise_id)
    prescription = prescribe(exercise, dose, modifications)
    before = state.prescription
    if prescription.exercise_id != before.exercise_id:
        up = action is Action.PROGRESS
        values: dict[str, Value] = {
            "exercise": exercise.name,
            "level": words(pack.default_locale, LEVEL_WORDS[exercise.level], context="level"),
            "dose": dose_words(prescription, pack.default_locale),
        }
        if up:
            reasons.append(because("level-up", pack.default_locale, N_("on to {exercise} ({level}), {dose}"), values))
        else:
            reasons.append(
                because("level-down", pack.default_locale, N_("back to {exercise} ({level}), {dose}"), values)
            )
    else:
        old_hold, old_reps = effective(before)
        new_hold, new_reps = effective(prescription)
        if new_hold != old_hold:
            held = {"seconds": prescription.hold_seconds}
            if new_hold > old_hold:
                reasons.append(because("hold-up", pack.default_locale, N_("hold lengthened to {seconds} s"), held))
            else:
                reasons.append(because("hold-down", pack.default_locale, N_("hold shortened to {seconds} s"), held))
        if new_reps != old_reps:
            done = {"count": prescription.repetitions}
            if new_reps > old_reps:
                more = N_("more repetitions: {count} a set")
                reasons.append(because("repetitions-up", pack.default_locale, more, done))
            else:
                fewer = N_("fewer repetitions: {count} a set")
                reasons.append(because("repetitions-down", pack.default_locale, fewer, done))
    new_state = attrs.evolve(
        state,
        dose=dose,
        prescription=prescription,
        tolerated_streak=0,
        untolerated_streak=0,
    )
    return Decision(action=action, state=new_state, prescription=prescription, reasons=tuple(reasons))


def _lower_than(prescription: Prescription, base: tuple[int, int]) -> bool:
    hold, reps = effective(prescription)
    return hold <= base[0] and reps <= base[1] and (hold, reps) != base


def _down(
    pack: Pack, exercise: Exercise, state: State, dose: Dose, modifications: tuple[str, ...]
) -> tuple[Dose, tuple[str, ...]]:
    """The next dose down whose prescription is lower, or the previous exercise, or *dose* at the bottom.

    Within the exercise: the dose steps down until the prescription is lower; failing that, the harder
    variations are dropped; failing that, the previous exercise at the last dose tolerated there.
    """
    base = effective(prescribe(exercise, dose, modifications))
    current = dose
    while (move := step_within(exercise, current, up=False)) is not None:
        current = move.dose
        if _lower_than(prescribe(exercise, current, modifications), base):
            return current, modifications
    easier = tuple(m for m in modifications if exercise.modification(m).direction is not Direction.HARDER)
    if easier != modifications and _lower_than(prescribe(exercise, dose, easier), base):
        return dose, easier
    # No step down from an exercise whose steps down, followed, would climb the ladder (a pack built in Python is
    # never checked: validate calls it progression-cycle): the person stays at its lowest dose.
    preceding = None if exercise.id in _climbing(pack) else previous_exercise(pack, exercise)
    if preceding is None:
        return current, modifications
    landing = state.last_tolerated(preceding.id)
    return (start_dose(preceding) if landing is None else fit(preceding, landing)), ()


def _climbing(pack: Pack) -> frozenset[str]:
    """The exercises of *pack* whose steps down, followed, climb the ladder or go round a loop (remembered)."""
    remembered = memory(pack)
    if remembered.climbing is None:
        from ._ladder import Reach, climbing_down, endless, leading_links, next_links, steps_down  # noqa: PLC0415

        reach = Reach(next_links(pack))
        below = steps_down(pack, leading_links(pack), reach)
        # Round a loop of steps down, the person would come back to where they were, or above it; on a loop of
        # next links, every exercise of the loop is above every other.
        remembered.climbing = (
            frozenset(climbing_down(pack, below, reach)) | frozenset(endless(below)) | frozenset(reach.on_loop())
        )
    return remembered.climbing


def gap_steps(gap: int | None, rules: Rules) -> int:
    """How many steps back a gap of *gap* days since the last session takes: the long-gap rule (:doc:`/rules`)."""
    if gap is None or gap <= rules.max_gap_days:
        return 0
    return -(-(gap - rules.max_gap_days) // rules.gap_days_per_step)


def prescription_on(pack: Pack, state: State, date: datetime.date, rules: Rules = DEFAULT_RULES) -> Prescription:
    """The dose of a session on *date*: the state's, stepped back for a long gap as :func:`step` steps it back.

    :func:`step` applies the long-gap rule when the first session after the
    gap is logged; the session itself should already be done at the dose
    the rule gives, and this is that dose (the state's own, without a gap).
    """
    steps = gap_steps(None if state.last_session is None else (date - state.last_session).days, rules)
    if not steps:
        return state.prescription
    return _step_back(pack, state, [], within=steps, one_more=False).state.prescription


def session_on(
    pack: Pack, state: State, day: datetime.date, rules: Rules, before_last: str
) -> tuple[State, Prescription | None]:
    """What is in force for a session on *day*: the state brought to it, and the dose (``None`` while stopped).

    A clearance that lets sessions resume later moves the day to its date. A
    day before the state's last session is refused with the message
    *before_last* (a template of ``{day}`` and ``{last}``): what was done
    cannot be undone by going back in time.
    """
    resume = state.resume_on
    first = day if resume is None else max(day, resume)
    last = state.last_session
    if last is not None and day < last:  # the day asked for, not the resume date it would be moved to
        raise SessionError(Message(template=before_last, values={"day": day, "last": last}))
    state = reconcile(pack, state, first, rules)[0]
    return state, None if state.stop is not None else prescription_on(pack, state, first, rules)


def _step_back(pack: Pack, state: State, reasons: list[Reason], *, within: int, one_more: bool) -> Decision:
    """Step back *within* steps inside the exercise (a gap), then one more that may leave it (pain)."""
    exercise = pack.exercise(state.dose.exercise_id)
    modifications = state.prescription.modifications
    dose = state.dose
    for _ in range(min(within, rungs(exercise))):
        move = step_within(exercise, dose, up=False)
        if move is None:
            break
        dose = move.dose
    if one_more:
        dose, modifications = _down(pack, exercise, state, dose, modifications)
    after = prescribe(pack.exercise(dose.exercise_id), dose, modifications)
    if after.exercise_id == state.prescription.exercise_id and effective(after) == effective(state.prescription):
        new_state = attrs.evolve(state, tolerated_streak=0, untolerated_streak=0)
        if one_more:
            lowest = N_("already at the lowest dose: talk to a clinician before going on")
            reasons.append(because("lowest-dose", pack.default_locale, lowest))
            return Decision(
                action=Action.REGRESS, state=new_state, prescription=state.prescription, reasons=tuple(reasons)
            )
        return Decision(
            action=Action.REPEAT, state=new_state, prescription=state.prescription, reasons=_no_step(pack, reasons)
        )
    return _moved(pack, state, dose, modifications, reasons, Action.REGRESS)


def _no_step(pack: Pack, reasons: list[Reason]) -> tuple[Reason, ...]:
    """*reasons*, a long gap's saying that the dose stays where it is: it was at the start already."""
    said = []
    for reason in reasons:
        if reason.code == "long-gap" and reason.template is not None:
            days = dict(reason.template.values)["days"]
            assert isinstance(days, int)  # noqa: S101 - the gap's days, as step() gives them
            stays = N_plural(
                "{days} day since the last session: the dose stays at the start of the exercise",
                "{days} days since the last session: the dose stays at the start of the exercise",
            )
            reason = because("long-gap", pack.default_locale, stays, {"days": days}, count=days)  # noqa: PLW2901
        said.append(reason)
    return tuple(said)


# --- Stopping ----------------------------------------------------------------


def _alarms(
    pack: Pack, flags: frozenset[RedFlag], pains: Iterable[tuple[int | None, str]], rules: Rules
) -> list[Reason]:
    """The reasons to stop: each red flag, and each pain rating (with its message) that is severe."""
    language = pack.default_locale
    reported = N_("{sign} reported: stop and contact a clinician")
    reasons = [
        because("red-flag", language, reported, {"sign": words(language, flag_words(flag))}) for flag in in_order(flags)
    ]
    reasons.extend(
        because("pain-severe", language, template, {"pain": pain})
        for pain, template in pains
        if pain is not None and pain >= rules.severe_pain
    )
    return reasons


def _stop(  # noqa: PLR0917 - a private helper
    pack: Pack,
    state: State,
    date: datetime.date | None,
    flags: frozenset[RedFlag],
    severe: int | None,
    reasons: list[Reason],
    reported: datetime.date | None = None,
) -> Decision:
    """Stop, recording the flags: nothing is prescribed until a clearance; the dose to resume at is reduced.

    Without a *date* (a next-day report with no session and no day), the stop is recorded undated. *reported* is a
    later day the alarm belongs to (severe pain the day after the session, given with it): no clearance may be
    older.
    """
    day = datetime.date.min if date is None else date
    if state.stop is not None:
        old = state.stop
        pains = [p for p in (old.pain, severe) if p is not None]
        stop = Stop(
            date=old.date,
            red_flags=in_order((*old.red_flags, *flags)),
            pain=max(pains) if pains else None,
            last_reported=max(old.latest, reported or day) if flags or severe is not None else old.last_reported,
        )
        stopped = N_("stopped: a clinician's clearance is needed before going on")
        reasons.append(because("awaiting-clearance", pack.default_locale, stopped))
    else:
        stop = Stop(date=day, red_flags=in_order(flags), pain=severe, last_reported=reported)
        if pack.id == state.pack_id and has_exercise(pack, state.dose.exercise_id):
            # The dose to resume at after clearance: the start of the exercise, with only the variations
            # that need no clearance and lower the dose (the new clearance must name the others again).
            exercise = pack.exercise(state.dose.exercise_id)
            kept = kept_while_stopped(exercise, state.prescription.modifications)
            if state.pack_version != pack.version and not reached(pack, exercise, state):
                # An update moved the levels: the person moves as reconcile moves them, without the variations.
                exercise, kept = reachable(pack, exercise, state), ()
            state = attrs.evolve(
                state,
                pack_version=pack.version,
                dose=start_dose(exercise),
                prescription=prescribe(exercise, start_dose(exercise), kept),
                tolerated=fitted_all(pack, state.tolerated),
                # Stamped with the pack's version: what that version no longer has is forgotten, as reconcile does.
                clearances=clearances_within(pack, state.clearances),
            )
        elif pack.id == state.pack_id:
            # An update removed the exercise: the stop is kept on it, stamped with the version it was recorded under.
            # The old version's start is not known here, so the state must not claim to fit that version (read
            # with it, as after a rolled-back update, it is brought to its start as any update brings a stop).
            state = attrs.evolve(state, pack_version=pack.version, clearances=clearances_within(pack, state.clearances))
    last = (
        state.last_session if date is None else (date if state.last_session is None else max(date, state.last_session))
    )
    new_state = attrs.evolve(
        state,
        stop=stop,
        tolerated_streak=0,
        untolerated_streak=0,
        pending=None,
        last_session=last,
    )
    return Decision(action=Action.STOP, state=new_state, prescription=None, reasons=tuple(reasons))


def _wrong_pack(pack: Pack, state: State) -> Reason:
    message = wrong_pack(pack, state)
    return Reason(code="wrong-pack", message=message.render("en"), template=message)


def _refused(pack: Pack, reasons: list[Reason]) -> SessionError:
    """The error of a log or report that does not fit the state: every bookkeeping reason, in any language."""
    return SessionError(_joined(pack, [_said(reason.template, reason.message) for reason in reasons]))


def _cause(pack: Pack, error: SessionError | StateError) -> Message:
    """What *error* says, as a message in any language (a log that replay leaves out, and why)."""
    if isinstance(error, SessionError):
        return _said(error.template, str(error))
    return _joined(pack, [_said(problem.template, problem.message) for problem in error.problems])


def _said(template: Message | None, english: str) -> Message:
    """*template*, or else (for an error made with English words only) those words, as they are."""
    return template if template is not None else Message(template="{message}", values={"message": english})


def _joined(pack: Pack, messages: list[Message]) -> Message:
    """*messages* said one after the other: "first; then"."""
    joined = messages[0]
    for then in messages[1:]:
        # Translators: two problems with a log, said one after the other.
        joined = words(pack.default_locale, N_("{first}; {then}"), {"first": joined, "then": then})
    return joined


def _bookkeeping(pack: Pack, state: State, log: SessionLog) -> list[Reason]:
    language = pack.default_locale
    reasons = []
    if state.pack_id != pack.id:
        reasons.append(_wrong_pack(pack, state))
    prescribed = state.prescription.exercise_id
    if state.pack_id == pack.id and state.pack_version != pack.version and state.stop is None:
        # A state not yet brought within an updated pack (load_state(refresh=False)): the exercise is the one the
        # engine prescribes now, which the handout and the plan showed (the update may have moved the person).
        # Whatever bringing it within the pack raises is raised again, and said, when that is done for the session;
        # here it must not keep a red flag in the log from being recorded.
        with contextlib.suppress(Exception):
            prescribed = reconcile(pack, state, log.date)[0].prescription.exercise_id
    if log.exercise_id not in (prescribed, state.prescription.exercise_id):  # as shown now, or as stored
        reasons.append(
            because(
                "wrong-exercise",
                language,
                N_("the log is for {logged}, but {prescribed} was prescribed"),
                # The exercises by their names in the pack (an id it does not know, quoted).
                {
                    "logged": exercise_named(pack, log.exercise_id),
                    "prescribed": exercise_named(pack, prescribed) if state.pack_id == pack.id else repr(prescribed),
                },
            )
        )
    if state.last_session is not None and log.date < state.last_session:
        reasons.append(
            because(
                "out-of-order",
                language,
                N_("the log ({date}) is dated before the last session ({last})"),
                {"date": log.date, "last": state.last_session},
            )
        )
    resume = state.resume_on
    if state.stop is None and resume is not None and log.date < resume:
        reasons.append(
            because(
                "before-clearance",
                language,
                N_("the log ({date}) is dated before the clearance that lifted the stop ({resume})"),
                {"date": log.date, "resume": resume},
            )
        )
    return reasons


# --- Counting -----------------------------------------------------------------


def _advice(pack: Pack, painful_streak: int, rules: Rules) -> list[Reason]:
    if painful_streak >= rules.painful_sessions:
        template = N_plural(
            "pain in {count} session in a row: see a clinician before going on",
            "pain in {count} sessions in a row: see a clinician before going on",
        )
        count = painful_streak
        return [because("see-clinician", pack.default_locale, template, {"count": count}, count=count)]
    return []


def _count(
    pack: Pack, state: State, reasons: list[Reason], rules: Rules, session: dict[str, Any] | None = None
) -> Decision:
    """A well-tolerated, settled session at the current dose: count it, and step up after a full run.

    *session*: changes the session makes to *state* (the day, the counts), made in the same new state.
    """
    changes = {} if session is None else dict(session)
    exercise = pack.exercise(state.dose.exercise_id)
    streak = changes.get("tolerated_streak", state.tolerated_streak) + 1
    required = required_sessions(exercise, rules)
    changes["untolerated_streak"] = 0
    changes["tolerated"] = _tolerated_now(state)
    if streak < required:
        template = N_plural(
            "well tolerated: {streak} of {required} session before a step up",
            "well tolerated: {streak} of {required} sessions before a step up",
        )
        values = {"streak": streak, "required": required}
        reasons.append(because("tolerated", pack.default_locale, template, values, count=required))
        changes["tolerated_streak"] = streak
        state = evolved(state, **changes)
        return Decision(action=Action.REPEAT, state=state, prescription=state.prescription, reasons=tuple(reasons))
    dose, modifications = higher(pack, exercise, state.dose, state.prescription.modifications)
    if dose == state.dose:
        if held_below_full(exercise, full_dose(exercise), state.prescription.modifications):
            held = N_plural(
                "well tolerated, but the variation {names} holds the dose below the full dose of this exercise:"
                " leave it to go on",
                "well tolerated, but the variations {names} hold the dose below the full dose of this exercise:"
                " leave them to go on",
            )
            in_use, top = state.prescription.modifications, full_dose(exercise)
            # Only those without which the prescription would rise (a cleared harder one may stay); when none
            # does alone (two that each take a repetition, the limits absorbing one), those that hold together.
            holding = [m for m in in_use if _holds(exercise, top, in_use, m)] or _hold_together(exercise, top, in_use)
            count = len(holding)
            names = variation_names(exercise, holding, pack.default_locale)
            reasons.append(because("held-by-variation", pack.default_locale, held, {"names": names}, count=count))
        else:
            full = N_("well tolerated, and already at the full dose: keep it up")
            reasons.append(because("full-dose", pack.default_locale, full))
        changes["tolerated_streak"] = required
        state = evolved(state, **changes)
        return Decision(action=Action.REPEAT, state=state, prescription=state.prescription, reasons=tuple(reasons))
    in_a_row = N_plural("well tolerated {count} session in a row", "well tolerated {count} sessions in a row")
    reasons.append(because("tolerated", pack.default_locale, in_a_row, {"count": streak}, count=streak))
    return _moved(pack, evolved(state, **changes), dose, modifications, reasons, Action.PROGRESS)


def _holds(exercise: Exercise, dose: Dose, in_use: tuple[str, ...], modification_id: str) -> bool:
    """Whether leaving *modification_id* alone of *in_use* would raise the prescription of *dose* in some number."""
    without = tuple(m for m in in_use if m != modification_id)
    held, left = prescribe(exercise, dose, in_use), prescribe(exercise, dose, without)
    return tenths(left.hold_seconds) > tenths(held.hold_seconds) or left.repetitions > held.repetitions


def _hold_together(exercise: Exercise, dose: Dose, in_use: tuple[str, ...]) -> list[str]:
    """The variations of *in_use* that take away from a number *in_use* holds below what *dose* asks for."""
    held, alone = prescribe(exercise, dose, in_use), prescribe(exercise, dose, ())
    hold_held = tenths(held.hold_seconds) < tenths(alone.hold_seconds)
    repetitions_held = held.repetitions < alone.repetitions
    together = [
        m
        for m in in_use
        if (hold_held and exercise.modification(m).hold_seconds_change < 0)
        or (repetitions_held and exercise.modification(m).repetitions_change < 0)
    ]
    return together or list(in_use)


def _made(pack: Pack, rules: Rules, decision: Decision) -> Decision:
    """*decision*, its state remembered as made for *pack* under *rules* (:mod:`._remembered`).

    Only for decisions made after :func:`reconcile` checked the state given against *pack*: the
    state made from it fits the pack too, and is not checked again if it comes straight back.
    """
    memory(pack).remember(decision.state, rules)
    return decision


def _repeat(state: State, reasons: list[Reason]) -> Decision:
    return Decision(action=Action.REPEAT, state=state, prescription=state.prescription, reasons=tuple(reasons))


class _After(NamedTuple):
    """What :func:`step` knows of the session, to finish each of its decisions with."""

    pack: Pack
    rules: Rules
    log: SessionLog
    advice: tuple[Reason, ...]
    painful: bool
    awaiting: bool


def _pending(
    after: _After, decision: Decision, *, counts: bool = False, changes: dict[str, Any] | None = None
) -> Decision:
    """*decision*, its state waiting for the next-day report where one is awaited (with *changes* too)."""
    log = after.log
    if log.pain_next_day is not None:
        return decision
    mark = Pending(
        date=log.date,
        counts=counts and after.awaiting,
        stepped_back=decision.action is Action.REGRESS,
        painful=after.painful,
    )
    return _made(
        after.pack,
        after.rules,
        Decision(
            action=decision.action,
            state=evolved(decision.state, **{**(changes or {}), "pending": mark}),
            prescription=decision.prescription,
            reasons=(*decision.reasons, *after.advice),
        ),
    )


def _finish(after: _After, decision: Decision) -> Decision:
    if after.log.pain_next_day is None:
        return _pending(after, decision)
    if after.advice:
        decision = attrs.evolve(decision, reasons=(*decision.reasons, *after.advice))
    return _made(after.pack, after.rules, decision)


# --- The public steps ---------------------------------------------------------


def step(pack: Pack, state: State, log: SessionLog, rules: Rules = DEFAULT_RULES) -> Decision:
    """Decide the next session's dose from *log*, the session just done.

    The rules, in the order they apply (:doc:`/rules` has the details and
    the sources):

    1. Any red flag, or severe pain during the session or the next day:
       :attr:`~backext.Action.STOP`, recorded in the state, whatever else is
       wrong with the log (bookkeeping problems come as further reasons).
       While stopped, every session gives STOP.
    2. Bookkeeping: a log for another exercise, dated before the last
       session or before the clearance that lifted a stop raises
       :class:`~backext.SessionError`.
    3. The state is checked against the pack as it is now: a changed pack
       brings the dose within its limits (``pack-changed``).
    4. Pain during at or above ``rules.regress_pain``, next-day pain above
       ``rules.next_day_pain``, or a gap longer than ``rules.max_gap_days``:
       the dose steps back (:attr:`~backext.Action.REGRESS`).
    5. Pain during above ``rules.tolerated_pain``, or an incomplete session:
       :attr:`~backext.Action.REPEAT`, or a step back once that has happened
       ``rules.untolerated_sessions`` times in a row.
    6. Otherwise the session was well tolerated. It counts once its next-day
       pain is known and settled (in the log, or later through
       :func:`report_next_day`), and if it was not too soon after the last
       one; once enough counted sessions come in a row,
       :attr:`~backext.Action.PROGRESS`, one step up.

    Raises:
        SessionError: For the bookkeeping problems above, or a state of
            another pack (unless the log stops the engine).
        UnknownIdError: If the pack no longer has the state's exercise.
        StateError: If the state does not fit the very pack version it was
            stored against.
        ValueError: If the state's exercise is tagged with a movement
            osteoporosis guidance advises against (a pack built in Python):
            it is never prescribed; a red flag is still recorded.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> for day in (5, 7, 9):
        ...     when = datetime.date(2026, 1, day)
        ...     log = backext.SessionLog.as_prescribed(state.prescription, when)
        ...     decision = backext.step(pack, state, log)
        ...     state = decision.state
        >>> decision.action, decision.prescription.hold_seconds
        (<Action.PROGRESS: 'progress'>, 10)

    .. versionadded:: 0.1.0
    """
    _arguments(pack, state, rules)
    if not isinstance(log, SessionLog):
        raise TypeError(f"log must be a backext.SessionLog, not {type(log).__name__}")
    bookkeeping = _bookkeeping(pack, state, log)
    if _alarming(log, rules):
        alarms = _alarms(
            pack,
            log.red_flags,
            [
                (log.pain, N_("severe pain of {pain}/10 during the session: stop and contact a clinician")),
                (log.pain_next_day, N_("severe pain of {pain}/10 the next day: stop and contact a clinician")),
            ],
            rules,
        )
        severe = max(
            (p for p in (log.pain, log.pain_next_day) if p is not None and p >= rules.severe_pain), default=None
        )
        severe_next_day = log.pain_next_day is not None and log.pain_next_day >= rules.severe_pain
        # The next day's pain was felt the next day: a clearance may not be older than that (as after report_next_day).
        reported = log.date + datetime.timedelta(days=1) if severe_next_day and log.date < datetime.date.max else None
        return _stop(pack, state, log.date, log.red_flags, severe, alarms + bookkeeping, reported)
    if state.stop is not None:
        return _stop(pack, state, log.date, frozenset(), None, bookkeeping)
    if bookkeeping:
        raise _refused(pack, bookkeeping)
    asked = state.prescription  # what the person was asked to do, before a clearance that ran out is dropped
    gap = None if state.last_session is None else (log.date - state.last_session).days
    next_day_high = log.pain_next_day is not None and log.pain_next_day > rules.next_day_pain
    awaiting = log.pain_next_day is None and rules.require_next_day_report
    state, reasons = reconcile(pack, state, log.date, rules)
    streak = state.tolerated_streak
    if state.pending is not None and state.pending.counts:
        unreported = N_("the next-day pain after {date} was not reported: the count starts again")
        reasons.append(because("next-day-unreported", pack.default_locale, unreported, {"date": state.pending.date}))
        streak = 0
    prescription = state.prescription
    pain_high = log.pain >= rules.regress_pain
    painful = log.pain > rules.tolerated_pain or next_day_high
    # What the session changes in the state; made together with the decision's own changes where it counts.
    session: dict[str, Any] = {
        "pending": None,
        "tolerated_streak": streak,
        "last_session": log.date,
        "painful_streak": state.painful_streak + 1 if painful else 0,
    }
    advice = _advice(pack, session["painful_streak"], rules)
    language = pack.default_locale

    after = _After(pack, rules, log, tuple(advice), painful, awaiting)

    steps_away = gap_steps(gap, rules)
    if pain_high or next_day_high or steps_away:
        if pain_high:
            high = N_("pain of {pain}/10 during the session: a step back")
            reasons.append(because("pain-high", language, high, {"pain": log.pain}))
        if next_day_high:
            next_day = N_("pain of {pain}/10 the next day: a step back")
            reasons.append(because("pain-next-day", language, next_day, {"pain": int(log.pain_next_day or 0)}))
        if steps_away:
            assert gap is not None  # noqa: S101 - a gap is what steps away
            back_words = N_plural("{count} step back", "{count} steps back")
            back = words(language, back_words, {"count": steps_away}, count=steps_away)
            since = N_plural(
                "{days} day since the last session: {back}, never below the start of the exercise",
                "{days} days since the last session: {back}, never below the start of the exercise",
            )
            reasons.append(because("long-gap", language, since, {"days": gap, "back": back}, count=gap))
        return _finish(
            after,
            _step_back(
                pack, evolved(state, **session), reasons, within=steps_away, one_more=pain_high or next_day_high
            ),
        )
    # Judged against what was asked: a prescription that a pack update or a clearance running out raised (or an
    # exercise an update moved the person to) since is not held against it. But the session counts towards a step
    # up only where the prescription did not change that day: a log does not say which variations were done.
    held_now = log.exercise_id == prescription.exercise_id and _held(log, prescription)
    complete = held_now or (log.exercise_id == asked.exercise_id and _held(log, asked))
    counts = held_now and prescription == asked
    if log.pain > rules.tolerated_pain or not complete:
        if log.pain > rules.tolerated_pain:
            moderate = N_("pain of {pain}/10 during the session: the same dose again")
            reasons.append(because("pain-moderate", language, moderate, {"pain": log.pain}))
        else:
            incomplete = N_("not every repetition reached the full hold: the same dose again")
            reasons.append(because("incomplete", language, incomplete))
        untolerated = state.untolerated_streak + 1
        if untolerated >= rules.untolerated_sessions:
            not_tolerated = N_plural(
                "not well tolerated {count} session in a row: a step back",
                "not well tolerated {count} sessions in a row: a step back",
            )
            reasons.append(because("not-tolerated", language, not_tolerated, {"count": untolerated}, count=untolerated))
            return _finish(after, _step_back(pack, evolved(state, **session), reasons, within=0, one_more=True))
        changes = {**session, "tolerated_streak": 0, "untolerated_streak": untolerated}
        return _finish(after, _repeat(evolved(state, **changes), reasons))
    if not counts:
        before = N_("the prescription changed on the day of this session: it does not count towards a step up")
        reasons.append(because("dose-changed", language, before))
        return _finish(after, _repeat(evolved(state, **{**session, "tolerated_streak": 0}), reasons))
    if gap is not None and gap < rules.min_rest_days:
        soon = N_("too soon after the last session to count towards a step up")
        reasons.append(because("too-soon", language, soon))
        return _finish(after, _repeat(evolved(state, **session), reasons))
    if awaiting:
        awaited = N_("well tolerated: it counts once the pain the next day is reported settled")
        reasons.append(because("awaiting-next-day", language, awaited))
        return _pending(after, _repeat(state, reasons), counts=True, changes=session)
    return _finish(after, _count(pack, state, reasons, rules, session))


def _held(log: SessionLog, prescription: Prescription) -> bool:
    """Whether *log* did every repetition of *prescription* at its full hold."""
    return log.repetitions_completed >= prescription.repetitions * prescription.sets and tenths(
        log.hold_seconds
    ) >= tenths(prescription.hold_seconds)


def report_next_day(
    pack: Pack,
    state: State,
    pain: int,
    *,
    red_flags: Iterable[RedFlag | str] = (),
    date: datetime.date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> Decision:
    """Report the pain the day after the last session, and decide again.

    The ordinary app flow: log a session with :func:`step` right after it,
    then ask about pain the next morning and report it here. A session
    counts towards a step up only once its next-day pain is reported
    settled (unless ``rules.require_next_day_report`` is ``False``).

    Severe pain or any red flag stops the engine, whatever else is wrong.
    Pain above ``rules.next_day_pain`` steps the dose back (unless the
    session already did). Settled pain lets the session count, which may
    step the dose up.

    Args:
        pack: The pack, as it is now.
        state: The state :func:`step` returned for the session.
        pain: Pain the next day, 0 to 10.
        red_flags: Red flags reported with it.
        date: The day of the report, if known: it may not be before the
            session. Give it: a stop reported without a date is dated by
            the latest day the state knows (its last session, or a
            clearance on record if later, even one dated ahead; a state
            with neither gives 0001-01-01), so that no clearance already on
            record lifts it, and a clearance that lifts it must be dated
            that day or later.
        rules: The engine's policy.

    Raises:
        SessionError: If no session is waiting for its next-day report, or
            *date* is before the session (unless the report stops the
            engine).
        UnknownIdError: If the pack no longer has the state's exercise.
        StateError: If the state does not fit the very pack version it was
            stored against.
        ValueError: If the state's exercise is tagged with a movement
            osteoporosis guidance advises against (a pack built in Python):
            it is never prescribed; a red flag is still recorded.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> for day in (5, 7, 9):
        ...     log = backext.SessionLog(
        ...         date=datetime.date(2026, 1, day), exercise_id="forearm-press-up",
        ...         repetitions_completed=10, pain=1,
        ...         hold_seconds=state.prescription.hold_seconds,
        ...     )
        ...     state = backext.step(pack, state, log).state  # right after the session
        ...     decision = backext.report_next_day(pack, state, pain=0)  # the next morning
        ...     state = decision.state
        >>> decision.action, decision.prescription.hold_seconds
        (<Action.PROGRESS: 'progress'>, 10)

    .. versionadded:: 0.1.0
    """
    _arguments(pack, state, rules)
    flags = _flags(red_flags)
    rating_ok = type(pain) is int and 0 <= pain <= 10
    date_ok = date is None or type(date) is datetime.date
    if not (flags or (rating_ok and pain >= rules.severe_pain)):
        if not rating_ok:
            raise WordedError(WHOLE_FROM_0, {"name": "pain", "most": 10, "value": refused_value(pain)})
        if not date_ok:
            raise TypeError(f"date must be a datetime.date, not {date!r}")
    if not date_ok:  # a stop is recorded whatever is wrong with the date: the day of the session stands in
        date = None
    if not rating_ok:
        pain = 0  # the red flags stop the engine; the rating given could not be read
    pending = state.pending
    session_day = pending.date if pending is not None else state.last_session
    # A stop is never dated before the session it reports on; an undated report is dated by the latest day the
    # state knows (its session or a clearance), so that no clearance older than that can lift the stop.
    known = [d for d in (session_day, *(c.date for c in state.clearances)) if d is not None]
    when = max(known, default=None) if date is None else max(date, session_day or date)
    after = N_("severe pain of {pain}/10 the day after the session: stop and contact a clinician")
    alarms = _alarms(pack, flags, [(pain, after)], rules)
    bookkeeping: list[Reason] = []
    if state.pack_id != pack.id:
        bookkeeping.append(_wrong_pack(pack, state))
    if pending is not None and date is not None and date < pending.date:
        early = N_("the report ({date}) is dated before the session ({session})")
        bookkeeping.append(because("out-of-order", pack.default_locale, early, {"date": date, "session": pending.date}))
    if alarms:
        return _stop(pack, state, when, flags, pain if pain >= rules.severe_pain else None, alarms + bookkeeping)
    if state.stop is not None:
        return _stop(pack, state, when, frozenset(), None, bookkeeping)
    if bookkeeping:
        raise _refused(pack, bookkeeping)
    if pending is None:
        raise SessionError(Message(template=N_("no session is waiting for its next-day report")))
    asked = state.prescription
    state, reasons = reconcile(pack, state, date or pending.date, rules)
    pending = state.pending or pending  # a pack update may have taken away its right to count
    changed = pending.counts and state.prescription != asked  # a clearance ended since: done with the variation
    if changed:
        pending = attrs.evolve(pending, counts=False, changed=True)
    state = attrs.evolve(state, pending=None)
    if pain > rules.next_day_pain:
        if not pending.painful:
            state = attrs.evolve(state, painful_streak=state.painful_streak + 1)
        advice = _advice(pack, state.painful_streak, rules)
        reasons.append(
            because(
                "pain-next-day", pack.default_locale, N_("pain of {pain}/10 the next day: a step back"), {"pain": pain}
            )
        )
        if pending.stepped_back:
            already = N_("the session already stepped the dose back")
            reasons.append(because("pain-next-day", pack.default_locale, already))
            decision = _repeat(attrs.evolve(state, tolerated_streak=0), reasons)
        else:
            decision = _step_back(pack, state, reasons, within=0, one_more=True)
        return _made(pack, rules, attrs.evolve(decision, reasons=(*decision.reasons, *advice)))
    if pending.counts:
        return _made(pack, rules, _count(pack, state, reasons, rules))
    if pending.changed:  # here, or before the state came back (an update read by load_state, say)
        since = N_("the prescription or the pack changed since this session: it does not count towards a step up")
        reasons.append(because("dose-changed", pack.default_locale, since))
    settled = N_("pain of {pain}/10 the next day: settled")
    reasons.append(because("next-day-settled", pack.default_locale, settled, {"pain": pain}))
    return _made(pack, rules, _repeat(state, reasons))


def replay(pack: Pack, state: State, logs: Iterable[SessionLog], rules: Rules = DEFAULT_RULES) -> list[Decision]:
    """Apply :func:`step` to each log in turn; return every decision.

    The last decision's ``state`` is the state after all the logs. A log
    that does not fit the state raises :class:`~backext.SessionError`, as
    :func:`step` does, unless a later log of the batch reports a red flag or
    severe pain: then the logs in between are not applied, the stop is
    recorded, and a ``log-skipped`` reason names each log left out (the
    first with what was wrong with it).

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "hand-press-up")
        >>> days = [datetime.date(2026, 1, d) for d in (5, 7, 9)]
        >>> perfect = backext.SessionLog.as_prescribed
        >>> logs = [perfect(state.prescription, day) for day in days]
        >>> [d.action.value for d in backext.replay(pack, state, logs)]
        ['repeat', 'repeat', 'progress']

    .. versionadded:: 0.1.0
    """
    _arguments(pack, state, rules)
    if isinstance(logs, (str, bytes, Mapping)) or not isinstance(logs, Iterable):
        raise TypeError(f"logs must be an iterable of backext.SessionLog, not {type(logs).__name__}")
    batch = list(logs)
    decisions: list[Decision] = []
    index = 0
    while index < len(batch):
        try:
            decision = step(pack, state, batch[index], rules)
        except (SessionError, StateError) as error:
            # A later log of the batch that stops the engine must not be lost with this one.
            stopping = next((i for i in range(index + 1, len(batch)) if _alarming(batch[i], rules)), None)
            if stopping is None:
                raise
            decision = step(pack, state, batch[stopping], rules)
            # The error's own message, said in the language the decision is rendered in.
            not_applied = N_("the log of {date} was not applied: {error}")
            values: dict[str, Value] = {"date": batch[index].date, "error": _cause(pack, error)}
            skipped = [because("log-skipped", pack.default_locale, not_applied, values)]
            after = N_("the log of {date} was not applied: it came after the log of {first}, which could not be")
            skipped.extend(
                because("log-skipped", pack.default_locale, after, {"date": day, "first": batch[index].date})
                for day in (getattr(log, "date", None) for log in batch[index + 1 : stopping])
                if type(day) is datetime.date  # anything else in the batch is no log: nothing to name
            )
            decision = attrs.evolve(decision, reasons=(*decision.reasons, *skipped))
            index = stopping
        decisions.append(decision)
        state = decision.state
        index += 1
    return decisions


def _alarming(log: object, rules: Rules) -> bool:
    if not isinstance(log, SessionLog):
        return False
    severe = rules.severe_pain
    return bool(log.red_flags) or log.pain >= severe or (log.pain_next_day is not None and log.pain_next_day >= severe)


# --- Variations and clearances ------------------------------------------------


def _ids(values: Iterable[str], what: str) -> tuple[str, ...]:
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{what} must be a collection of ids, not the single value {values!r}")
    ids = tuple(dict.fromkeys(values))
    for value in ids:
        if type(value) is not str:
            raise TypeError(f"{what} must be strings, not {value!r}")
    return ids


def _clearance_required(
    pack: Pack, exercise: Exercise, state: State, missing: list[str], day: datetime.date | None
) -> ClearanceRequiredError:
    """The error for the variations *missing* a clearance on *day*, each said in its kind.

    Never cleared, then cleared until a day gone by (a new clearance is needed), then cleared from a later day (pass
    that day): each kind in a sentence of its own.
    """
    never = [m for m in missing if not state.allows(m, exercise.id)]
    later = [
        m for m in missing if m not in never and day is not None and _cleared_from_later(state, m, exercise.id, day)
    ]
    ended = [m for m in missing if m not in never and m not in later]
    parts: list[Message] = []
    for ids, template in ((never, CLEARANCE_NEEDED), (ended, CLEARANCE_ENDED), (later, CLEARANCE_LATER)):
        if ids:
            values: dict[str, Value] = {
                "variation": variation_names(exercise, ids, pack.default_locale),
                "on": day or "",
            }
            parts.append(Message(template=template[0], plural=template[1], count=len(ids), values=values))
    named = never + ended + later
    message = parts[0]
    for part in parts[1:]:
        # Translators: two sentences about variations that lack a clearance, in one message.
        message = Message(template=N_("{first}; {second}"), values={"first": message, "second": part})
    return ClearanceRequiredError(
        named[0], day if later and not never and not ended else None, None, named, message=message
    )


def _cleared_from_later(state: State, modification_id: str, exercise_id: str, day: datetime.date) -> bool:
    """Whether a clearance of *state* allows *modification_id* on *exercise_id* from a day after *day*."""
    return any(
        c.date > day and modification_id in c.modifications and c.covers(exercise_id)
        for c in state._current_clearances()  # noqa: SLF001 - the engine's own view of the state
    )


def _named(pack: Pack, exercise: Exercise, template: tuple[str, str], modification_ids: Sequence[str]) -> Message:
    """A refusal of *template* (singular and plural) naming the variations *modification_ids* of *exercise*."""
    ids = list(dict.fromkeys(modification_ids))
    names = variation_names(exercise, ids, pack.default_locale)
    return Message(template=template[0], plural=template[1], count=len(ids), values={"names": names})


def choose_modifications(
    pack: Pack,
    state: State,
    modification_ids: Iterable[str],
    rules: Rules = DEFAULT_RULES,
    *,
    on: datetime.date | None = None,
) -> State:
    """Use the variations *modification_ids* of the current exercise from now on.

    Pass an empty list to go back to the plain exercise. A variation that
    needs a clearance needs one in force on the day *on* (by default the
    day of the last session, if there was one). The run of
    well-tolerated sessions starts again, and the new prescription is at
    most one step above the current one (and above what the person last
    tolerated), in one dimension. Until a session at the current
    prescription has been tolerated and its next-day report settled (after
    pain above the tolerated band, a session not held in full, a step back
    or up, another change of variations or a clearance that lifted a stop)
    it is no higher than the current one at all, no harder variation is
    added, and an easier one is left only for a prescription that asks for
    less (never for one that changes no number). If the
    variations would raise it more (dropping an easier variation, say), the
    dose underneath is lowered until they do not.

    Raises:
        UnknownIdError: If the current exercise has no such variation (a
            :class:`KeyError`).
        ClearanceRequiredError: If a variation needs a clinician's clearance
            that the state does not record.
        StoppedError: If the state is stopped.
        SessionError: If the state belongs to another pack, the variations
            raise the dose by more than that even from the exercise's start,
            or a harder variation is added (or an easier one left for a
            prescription that asks no less) before a session at the current
            prescription has been tolerated.
        StateError: If the state does not fit the pack version it was
            stored against.
        ValueError: If the state's exercise is tagged with a movement
            osteoporosis guidance advises against (a pack built in Python):
            it is never prescribed.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "prone-chest-lift")
        >>> state = backext.record_clearance(
        ...     state, date=datetime.date(2026, 3, 2), modifications=["leg-lift"], pack=pack
        ... )
        >>> chosen = backext.choose_modifications(pack, state, ["leg-lift"])
        >>> chosen.prescription.modifications
        ('leg-lift',)

    .. versionadded:: 0.1.0
    """
    chosen = _ids(modification_ids, "modification_ids")
    _arguments(pack, state, rules)
    if on is not None and type(on) is not datetime.date:
        raise TypeError(f"on must be a datetime.date, not {on!r}")
    if on is not None and state.last_session is not None and on < state.last_session:
        raise SessionError(
            Message(
                template=N_("the variations cannot start ({on}) before the last session ({last})"),
                values={"on": on, "last": state.last_session},
            )
        )
    if state.stop is not None:
        raise StoppedError(stopped_since(state.stop.date))
    state, _ = reconcile(pack, state, None, rules)
    exercise = pack.exercise(state.dose.exercise_id)
    day = on if on is not None else state.last_session
    missing = [
        m
        for m in chosen
        if modification_of(exercise, m, pack.default_locale).requires_clearance
        and not state.allows(m, exercise.id, day)
    ]
    if missing:
        raise _clearance_required(pack, exercise, state, missing, day)
    dose = state.dose
    hurt = untried(state)
    new_harder = [
        m
        for m in chosen
        if exercise.modification(m).direction is Direction.HARDER and m not in state.prescription.modifications
    ]
    if hurt and new_harder:  # a harder variation is a step up, whatever its numbers
        not_yet = N_plural(
            "the harder variation {names} is not chosen until a session at the prescription as it is has been"
            " tolerated",
            "the harder variations {names} are not chosen until a session at the prescription as it is has been"
            " tolerated",
        )
        raise SessionError(_named(pack, exercise, not_yet, new_harder))
    fits = raise_cap(exercise, state)
    while not fits(prescription := prescribe(exercise, dose, chosen)):
        move = step_within(exercise, dose, up=False)
        if move is None:
            too_far = (
                N_plural(
                    "the variation {names} raises the dose even from the start of the exercise, and no session at the"
                    " prescription as it is has been tolerated yet: nothing is raised until one is",
                    "the variations {names} raise the dose even from the start of the exercise, and no session at the"
                    " prescription as it is has been tolerated yet: nothing is raised until one is",
                )
                if hurt
                else N_plural(
                    "the variation {names} raises the dose by more than one step, even from the start of the exercise",
                    "the variations {names} raise the dose by more than one step, even from the start of the exercise",
                )
            )
            raise SessionError(_named(pack, exercise, too_far, chosen))
        dose = move.dose
    # So is leaving an easier variation, judged on what the person then does: only for a prescription that asks for
    # less (one that changes no number, or none at the dose it is used at, changes the exercise all the same).
    left = [
        m
        for m in state.prescription.modifications
        if m not in chosen
        and any(known.id == m for known in exercise.modifications)  # reconcile left only those the exercise has
        and exercise.modification(m).direction is Direction.EASIER
    ]
    if hurt and left and not lower_than(prescription, state):
        not_yet = N_plural(
            "the easier variation {names} is not left until a session at the prescription as it is has been tolerated",
            "the easier variations {names} are not left until a session at the prescription as it is has been"
            " tolerated",
        )
        raise SessionError(_named(pack, exercise, not_yet, left))
    pending = state.pending
    if pending is not None and pending.counts:  # done at the prescription before: it no longer counts
        pending = attrs.evolve(pending, counts=False, changed=True)
    # The sessions not tolerated in a row start again only at a prescription that asks for less (switching between
    # variations back and forth does not forget them).
    untolerated = 0 if lower_than(prescription, state) else state.untolerated_streak
    chosen_state = attrs.evolve(
        state,
        dose=dose,
        prescription=prescription,
        tolerated_streak=0,
        untolerated_streak=untolerated,
        pending=pending,
    )
    memory(pack).remember(chosen_state, rules)
    return chosen_state


def record_clearance(
    state: State,
    *,
    date: datetime.date,
    modifications: Iterable[str] = (),
    note: str | None = None,
    pack: Pack | None = None,
    clinician: str | None = None,
    exercises: Iterable[str] = (),
    until: datetime.date | None = None,
) -> State:
    """Record a clinician's clearance: lift a stop and allow named variations.

    After a stop the person resumes, from *date* on, at the start of the
    exercise they were on, without the variations that need a clearance;
    variations allowed before the stop must be named again. The clearance
    does not lift the stop before its date: sessions dated earlier are
    refused.

    Args:
        state: The state.
        date: The day from which the clearance holds.
        modifications: Ids of variations the clinician allows.
        note: Free text.
        pack: The pack, to check the ids against (recommended).
        clinician: Who gave the clearance.
        exercises: Ids of the exercises the clearance covers; all if empty.
            A clearance that lifts a stop must cover the current exercise.
        until: The last day the variations are allowed, if the clearance
            ends.

    Raises:
        SessionError: If *date* is before the stop it lifts (or before a
            session logged while stopped: the engine did not judge that
            session, so the person has done none since the clearance only
            if it is dated on or after it), *until* is before *date*, or a
            clearance that lifts a stop does not cover the current exercise.
        UnknownIdError: If *pack* is given and has no such exercise or
            variation.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> log = backext.SessionLog(
        ...     date=datetime.date(2026, 1, 5), exercise_id="forearm-press-up",
        ...     repetitions_completed=4, hold_seconds=5, pain=6,
        ...     red_flags={"sudden-severe-back-pain"},
        ... )
        >>> stopped = backext.step(pack, state, log).state
        >>> stopped.stopped
        True
        >>> cleared = backext.record_clearance(
        ...     stopped, date=datetime.date(2026, 1, 20), pack=pack,
        ...     note="GP review", clinician="Dr Rivera",
        ... )
        >>> cleared.stopped, cleared.stopped_on(datetime.date(2026, 1, 19))
        (False, True)

    .. versionadded:: 0.1.0
    """
    if not isinstance(state, State):
        raise TypeError(f"state must be a backext.State, not {type(state).__name__}")
    for name, day in (("date", date), ("until", until)):
        if (day is not None or name == "date") and type(day) is not datetime.date:
            raise TypeError(f"{name} must be a datetime.date (a day, not a datetime), not {day!r}")
    for name, text in (("note", note), ("clinician", clinician)):
        if text is not None and type(text) is not str:
            raise TypeError(f"{name} must be a string, not {type(text).__name__}")
        if text is not None and len(text) > MAX_NOTE:
            raise ValueError(f"{name} may have at most {MAX_NOTE} characters, not {len(text)}")
    if pack is not None:
        ensure_pack(pack)
    allowed = _ids(modifications, "modifications")
    covered = _ids(exercises, "exercises")
    if state.stop is not None and date < state.stop.latest:
        raise SessionError(
            Message(
                template=N_(
                    "the clearance ({date}) is dated before the last report that stopped the engine ({latest})"
                ),
                values={"date": date, "latest": state.stop.latest},
            )
        )
    if state.stop is not None and state.last_session is not None and date < state.last_session:
        # A session logged while stopped came after the clearance's day: read as done after it, the person would not
        # resume at the start (and an update would not bring them to its start).
        raise SessionError(
            Message(
                template=N_(
                    "the clearance ({date}) is dated before the last session ({last}): date it on or after that day"
                ),
                values={"date": date, "last": state.last_session},
            )
        )
    if until is not None and until < date:
        raise SessionError(
            Message(
                template=N_("the clearance ends ({until}) before it begins ({date})"),
                values={"until": until, "date": date},
            )
        )
    if pack is not None:
        if pack.id != state.pack_id:
            raise SessionError(wrong_pack(pack, state))
        in_scope = [exercise_of(pack, e) for e in covered] or list(pack.exercises)
        for modification_id in allowed:
            if not any(m.id == modification_id for e in in_scope for m in e.modifications):
                known = sorted({m.id for e in in_scope for m in e.modifications})
                template = Message(
                    template=N_("no exercise the clearance covers has a variation {value}{hint}"),
                    values={"value": shorten(modification_id), "hint": suggestion(modification_id, known)},
                )
                raise UnknownIdError("variation", modification_id, template.render(), template)
    lifts = state.stop is not None
    if lifts and covered and state.dose.exercise_id not in covered:
        raise SessionError(
            Message(
                template=N_("the clearance does not cover {exercise}, the exercise the person was stopped on"),
                values={"exercise": repr(state.dose.exercise_id)},
            )
        )
    clearance = Clearance(
        date=date,
        modifications=allowed,
        note=note,
        clinician=clinician,
        exercises=covered,
        until=until,
        lifts_stop=lifts,
    )
    pending = state.pending
    if lifts and pending is not None and pending.counts:  # a session before the stop never counts after it
        pending = attrs.evolve(pending, counts=False)
    cleared = attrs.evolve(
        state,
        stop=None,
        tolerated_streak=0 if lifts else state.tolerated_streak,
        pending=pending,
        clearances=(*state.clearances, clearance),
    )
    if pack is not None:  # the dose to resume at, within the pack as it is now
        if lifts and has_exercise(pack, state.dose.exercise_id):
            # The start of the exercise as the pack given now has it (an update may have lowered it).
            cleared = attrs.evolve(cleared, dose=start_dose(pack.exercise(state.dose.exercise_id)))
        cleared = reconcile(pack, cleared, date)[0]
    return cleared
