"""The engine's safety guarantees, as hypothesis properties over what a person actually does.

The properties are stated over the *effective* prescription (variations
applied), against the pack the app has *now*, and are numbered as on the
rules page:

1. The dose never goes up after pain above the tolerated band, next-day pain
   above it, or a red flag.
2. A red flag or severe pain always gives STOP and is recorded, whatever else
   is wrong with the log; nothing is prescribed until a clearance.
3. Worse pain never gives a higher next dose than better pain.
4. The level changes by at most one per decision.
5. Every PROGRESS raises exactly one dimension by at most one step (or moves
   to the next exercise's start); every REGRESS strictly lowers the effective
   prescription, unless it is already the lowest and says so.
6. The prescription stays within the limits of the pack given now.
7. No PROGRESS before the required run of counted, settled sessions.
8. A variation that needs clearance never appears without one in force.
9. Same inputs, same decision; a state survives JSON and ``load_state``.
10. ``plan`` and ``replay`` of perfect logs agree.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

import attrs
import pytest
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import backext
from backext import Action, Pack, Prescription, State
from strategies import packs, rules, session_logs


def index_of(pack: Pack, exercise_id: str) -> int:
    """Where the exercise is on the pack's ladder (packs from the strategies form one, in list order)."""
    return [e.id for e in pack.exercises].index(exercise_id)


def effective(prescription: Prescription) -> tuple[int, int]:
    return round(prescription.hold_seconds * 10), prescription.repetitions


def check_within_limits(pack: Pack, prescription: Prescription) -> None:  # 6
    exercise = pack.exercise(prescription.exercise_id)
    assert exercise.hold.start_seconds <= prescription.hold_seconds <= exercise.hold.target_seconds
    assert round(prescription.hold_seconds * 10) == prescription.hold_seconds * 10, "exact to a tenth"
    assert exercise.repetitions.minimum <= prescription.repetitions <= exercise.repetitions.maximum
    assert prescription.sets == exercise.repetitions.sets
    assert prescription.level is exercise.level


def check_clearances(pack: Pack, state: State) -> None:  # 8
    exercise = pack.exercise(state.prescription.exercise_id)
    for modification_id in state.prescription.modifications:
        if exercise.modification(modification_id).requires_clearance:
            assert state.allows(modification_id, exercise.id)


def check_move(pack: Pack, before: Prescription, decision: backext.Decision) -> None:
    """Properties 4 and 5 for one decision that prescribes."""
    after = decision.prescription
    assert after is not None
    old, new = pack.exercise(before.exercise_id), pack.exercise(after.exercise_id)
    assert abs(new.level.rank - old.level.rank) <= 1  # 4
    assert abs(index_of(pack, new.id) - index_of(pack, old.id)) <= 1
    if decision.action is Action.PROGRESS:
        if new.id == old.id:
            (old_hold, old_reps), (new_hold, new_reps) = effective(before), effective(after)
            raised = [new_hold > old_hold, new_reps > old_reps]
            assert sum(raised) == 1, (before, after)
            assert new_hold >= old_hold
            assert new_reps >= old_reps
            increment = old.hold.increment_seconds or 0
            assert new_hold - old_hold <= round(increment * 10)
            assert new_reps - old_reps <= 1
        else:
            assert index_of(pack, new.id) == index_of(pack, old.id) + 1
            assert effective(after) == (round(new.hold.start_seconds * 10), new.repetitions.minimum)
    elif decision.action is Action.REGRESS:
        if new.id == old.id:
            (old_hold, old_reps), (new_hold, new_reps) = effective(before), effective(after)
            lowered = (new_hold, new_reps) != (old_hold, old_reps) and new_hold <= old_hold and new_reps <= old_reps
            assert lowered or "lowest-dose" in decision.codes, (before, after, decision.codes)
        else:
            assert index_of(pack, new.id) == index_of(pack, old.id) - 1


def check_valid(value: object) -> None:
    """Every attrs object in *value* (a decision, a state, and all they hold) passes its class's validators."""
    if attrs.has(type(value)):
        attrs.validate(value)  # type: ignore[arg-type]
        for field in attrs.fields(type(value)):
            check_valid(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            check_valid(item)


@contextlib.contextmanager
def validating_constructors() -> Iterator[None]:
    """The engine as it would run with attrs's own constructors: every state by attrs.evolve, no reason reused."""
    from backext import _engine, _reasons  # noqa: PLC0415 - the shortcuts under test

    evolved, plain = _engine.evolved, _reasons._PLAIN
    _engine.evolved, _reasons._PLAIN = attrs.evolve, frozenset()
    try:
        yield
    finally:
        _engine.evolved, _reasons._PLAIN = evolved, plain


def check_made(decision: backext.Decision, again: backext.Decision) -> None:
    """*decision* is valid throughout, and the same as *again*, made by the engine with validating constructors."""
    check_valid(decision)
    assert again == decision
    assert [r.message for r in again.reasons] == [r.message for r in decision.reasons]
    assert repr(again.state) == repr(decision.state)  # the same values, of the same types


def check_stop(decision: backext.Decision, flags: frozenset[backext.RedFlag]) -> None:  # 2
    assert decision.action is Action.STOP
    assert decision.prescription is None
    assert decision.state.stopped
    assert set(flags) <= set(decision.state.stop.red_flags)


def updated(pack: Pack, data: st.DataObject) -> Pack:
    """A new version of *pack*: limits lowered, a variation newly needing clearance, a ladder cut short."""
    exercises = []
    for exercise in pack.exercises:
        hold = exercise.hold
        if data.draw(st.booleans(), label="lower the hold"):
            target = max(hold.start_seconds, hold.target_seconds - data.draw(st.sampled_from([1, 2.5, 5])))
            increment = hold.increment_seconds
            if increment is not None and target > hold.start_seconds and increment > target - hold.start_seconds:
                increment = target - hold.start_seconds
            hold = backext.Hold(
                start_seconds=hold.start_seconds,
                target_seconds=target,
                increment_seconds=increment if target > hold.start_seconds else None,
            )
        reps = exercise.repetitions
        if data.draw(st.booleans(), label="lower the repetitions"):
            reps = attrs.evolve(reps, maximum=max(reps.minimum, reps.maximum - data.draw(st.integers(1, 3))))
        modifications = tuple(
            attrs.evolve(m, requires_clearance=m.requires_clearance or data.draw(st.booleans(), label="clearance"))
            for m in exercise.modifications
        )
        exercises.append(attrs.evolve(exercise, hold=hold, repetitions=reps, modifications=modifications))
    return attrs.evolve(pack, version=pack.version + "+1", exercises=tuple(exercises))


class EngineMachine(RuleBasedStateMachine):
    """Random sessions, next-day reports, clearances, variation choices and pack updates."""

    @initialize(pack=packs(warnings=True), rules=rules(), data=st.data())
    def begin(self, pack: Pack, rules: backext.Rules, data: st.DataObject) -> None:
        self.pack = pack
        self.rules = rules
        exercise = data.draw(st.sampled_from(pack.exercises))
        self.state = backext.start(pack, exercise.id)

    def reconciled_exercise(self) -> backext.Exercise:
        return self.pack.exercise(reconciled(self.pack, self.state, self.rules).dose.exercise_id)

    def check(self, before: State, decision: backext.Decision, *, hurt: bool) -> None:
        after = decision.state
        if hurt:  # 1
            assert decision.action is not Action.PROGRESS
        assert decision.action is not Action.STOP
        assert not after.stopped
        assert decision.prescription == after.prescription
        was = reconciled(self.pack, before, self.rules)
        check_move(self.pack, was.prescription, decision)
        if decision.action is Action.PROGRESS:  # 7
            exercise = self.pack.exercise(was.dose.exercise_id)
            required = max(self.rules.tolerated_sessions, exercise.progression.tolerated_sessions)
            assert was.tolerated_streak + 1 >= required

    @rule(data=st.data())
    def session(self, data: st.DataObject) -> None:
        before = self.state
        after = max(filter(None, (before.last_session, before.resume_on)), default=None)
        log = data.draw(session_logs(before.prescription, after))
        note(f"log: {log}")
        decision = backext.step(self.pack, before, log, self.rules)
        assert backext.step(self.pack, before, log, self.rules) == decision  # 9
        with validating_constructors():
            check_made(decision, backext.step(self.pack, before, log, self.rules))
        severe = log.pain >= self.rules.severe_pain or (log.pain_next_day or 0) >= self.rules.severe_pain
        if log.red_flags or severe or before.stopped:  # 2
            check_stop(decision, log.red_flags)
            self.state = decision.state
            return
        if log.pain_next_day is None and self.rules.require_next_day_report:  # 7: nothing counts yet
            assert decision.action is not Action.PROGRESS
        hurt = log.pain > self.rules.tolerated_pain or (log.pain_next_day or 0) > self.rules.next_day_pain
        self.check(before, decision, hurt=hurt)
        asked = before.prescription
        held = log.repetitions_completed >= asked.repetitions * asked.sets and round(log.hold_seconds * 10) >= round(
            asked.hold_seconds * 10
        )
        if "tolerated" in decision.codes:  # 7: counted only when done at the prescription of the day, as it is now
            now = reconciled(self.pack, before, self.rules, on=log.date).prescription
            assert log.exercise_id == now.exercise_id
            assert log.repetitions_completed >= now.repetitions * now.sets
            assert round(log.hold_seconds * 10) >= round(now.hold_seconds * 10)
        if (hurt or not held) and before.pack_version == self.pack.version:  # 1, over what was asked, not reconciled
            after = decision.prescription
            assert after is not None
            if after.exercise_id == asked.exercise_id:
                assert all(a <= b for a, b in zip(effective(after), effective(asked), strict=True)), (asked, after)
        self.state = decision.state

    @precondition(lambda self: self.state.pending is not None)
    @rule(pain=st.integers(0, 10), flags=st.frozensets(st.sampled_from(backext.RedFlag), max_size=1))
    def next_day(self, pain: int, flags: frozenset[backext.RedFlag]) -> None:
        before = self.state
        decision = backext.report_next_day(self.pack, before, pain, red_flags=flags, rules=self.rules)
        with validating_constructors():
            check_made(decision, backext.report_next_day(self.pack, before, pain, red_flags=flags, rules=self.rules))
        if flags or pain >= self.rules.severe_pain:  # 2
            check_stop(decision, flags)
        else:
            self.check(before, decision, hurt=pain > self.rules.next_day_pain)
        self.state = decision.state

    @rule(data=st.data())
    def messy_log_with_a_red_flag(self, data: st.DataObject) -> None:  # 2: bookkeeping never hides a red flag
        before = self.state
        exercise_id = data.draw(st.sampled_from([e.id for e in self.pack.exercises]), label="exercise")
        date = (before.last_session or datetime.date(2026, 1, 5)) + datetime.timedelta(
            days=data.draw(st.integers(-30, 3), label="days")
        )
        flags = data.draw(st.frozensets(st.sampled_from(backext.RedFlag), min_size=1, max_size=2))
        log = backext.SessionLog(
            date=date, exercise_id=exercise_id, repetitions_completed=0, hold_seconds=0, pain=0, red_flags=flags
        )
        decision = backext.step(self.pack, before, log, self.rules)
        with validating_constructors():
            check_made(decision, backext.step(self.pack, before, log, self.rules))
        check_stop(decision, flags)
        self.state = decision.state

    # Preconditions, not assume(): a rule that cannot apply is not chosen, where an assume() would throw the whole
    # run away (and, often enough, trip Hypothesis's filter_too_much health check).
    @precondition(lambda self: self.state.last_session is not None and not self.state.stopped)
    @rule(data=st.data())
    def messy_log_without_a_flag(self, data: st.DataObject) -> None:  # bookkeeping problems are SessionErrors
        before = self.state
        assert before.last_session is not None
        log = data.draw(session_logs(before.prescription, before.last_session))
        log = attrs.evolve(
            log,
            red_flags=frozenset(),
            pain=min(log.pain, self.rules.severe_pain - 1),
            pain_next_day=None,
            date=before.last_session - datetime.timedelta(days=data.draw(st.integers(1, 30), label="days back")),
        )
        if data.draw(st.booleans(), label="wrong exercise"):
            log = attrs.evolve(log, exercise_id="not-" + log.exercise_id)
        with pytest.raises(backext.SessionError):
            backext.step(self.pack, before, log, self.rules)

    @precondition(lambda self: any(e.id != self.state.dose.exercise_id for e in self.pack.exercises))
    @rule(data=st.data())
    def exercise_removed(self, data: st.DataObject) -> None:  # a typed error, never a bare KeyError
        current = self.state.dose.exercise_id
        others = tuple(e for e in self.pack.exercises if e.id != current)
        pack = attrs.evolve(self.pack, version=self.pack.version + "-cut", exercises=others)
        log = backext.SessionLog.as_prescribed(
            self.state.prescription, (self.state.last_session or datetime.date(2026, 1, 5)) + datetime.timedelta(1)
        )
        if self.state.stopped:
            assert backext.step(pack, self.state, log, self.rules).action is Action.STOP
            return
        if self.state.resume_on is not None and log.date < self.state.resume_on:
            return
        with pytest.raises(backext.UnknownIdError):
            backext.step(pack, self.state, log, self.rules)
        flagged = attrs.evolve(log, red_flags={backext.RedFlag.LEG_WEAKNESS})
        check_stop(backext.step(pack, self.state, flagged, self.rules), flagged.red_flags)

    @precondition(lambda self: any(e.id != self.state.dose.exercise_id for e in self.pack.exercises))
    @rule(data=st.data())
    def other_exercise_removed_for_good(self, data: st.DataObject) -> None:
        # Found by a black-box attack: an update that removed the exercise a person had stepped back along (pain
        # took them down a level through it) crashed load_state and step with "max() arg is an empty sequence",
        # and a red flag logged then was lost.
        current = self.state.dose.exercise_id
        gone = data.draw(st.sampled_from([e.id for e in self.pack.exercises if e.id != current]), label="removed")
        kept = []
        for exercise in self.pack.exercises:
            if exercise.id == gone:
                continue
            links = {
                name: None
                for name in ("next_exercise", "previous_exercise")
                if getattr(exercise.progression, name) == gone
            }
            kept.append(attrs.evolve(exercise, progression=attrs.evolve(exercise.progression, **links)))
        self.pack = attrs.evolve(self.pack, version=self.pack.version + "-less", exercises=tuple(kept))
        note(f"removed {gone}")
        document = backext.converter.unstructure(self.state)
        log = backext.SessionLog(
            date=max(filter(None, (self.state.last_session, self.state.resume_on)), default=datetime.date(2026, 1, 5)),
            exercise_id=current,
            repetitions_completed=0,
            hold_seconds=0,
            pain=0,
            red_flags={backext.RedFlag.LEG_WEAKNESS},
        )
        unrefreshed = backext.load_state(document, self.pack, rules=self.rules, refresh=False)
        check_stop(backext.step(self.pack, unrefreshed, log, self.rules), log.red_flags)
        self.state = backext.load_state(document, self.pack, rules=self.rules)

    @rule(data=st.data())
    def clearance(self, data: st.DataObject) -> None:
        exercise = self.pack.exercise(self.state.dose.exercise_id)
        allowed = data.draw(st.lists(st.sampled_from([m.id for m in exercise.modifications] or ["none"])))
        allowed = [m for m in allowed if m != "none"]
        since = self.state.last_session or datetime.date(2026, 1, 1)
        if self.state.stop is not None:  # never older than the report that stopped the engine (the next day's pain)
            since = max(since, self.state.stop.latest)
        date = since + datetime.timedelta(days=data.draw(st.integers(0, 3), label="clearance after"))
        lasts = data.draw(st.none() | st.integers(0, 6), label="days it lasts")
        until = None if lasts is None else date + datetime.timedelta(days=lasts)
        was_stopped = self.state.stopped
        self.state = backext.record_clearance(self.state, date=date, modifications=allowed, pack=self.pack, until=until)
        check_valid(self.state)
        assert not self.state.stopped
        if was_stopped:
            assert self.state.resume_on == date
            assert self.state.prescription.exercise_id == self.state.dose.exercise_id
            exercise = self.pack.exercise(self.state.dose.exercise_id)
            assert self.state.dose == backext.start(self.pack, exercise.id).dose, "resumes at the start"

    @precondition(lambda self: not self.state.stopped and self.reconciled_exercise().modifications)
    @rule(data=st.data())
    def choose_variations(self, data: st.DataObject) -> None:
        state = reconciled(self.pack, self.state, self.rules)
        exercise = self.pack.exercise(state.dose.exercise_id)
        wanted = data.draw(st.lists(st.sampled_from([m.id for m in exercise.modifications]), unique=True))
        needs = [m for m in wanted if exercise.modification(m).requires_clearance]
        days = [d for d in (state.last_session, *(c.date for c in state.clearances)) if d is not None]
        on = max(days) if days else None
        if all(state.allows(m, exercise.id, on) for m in needs):
            try:
                chosen = backext.choose_modifications(self.pack, self.state, wanted, self.rules, on=on)
            except backext.SessionError as error:
                message = str(error)
                assert any(
                    said in message
                    for said in (
                        "more than one step",
                        "nothing is raised until one is",
                        "not chosen until",
                        "not left until",
                    )
                )
                return
            check_valid(chosen)
            assert chosen.prescription.modifications == tuple(wanted)
            assert chosen.tolerated_streak == 0  # 9: a new prescription starts a new run
            (old_hold, old_reps), (new_hold, new_reps) = effective(state.prescription), effective(chosen.prescription)
            increment = round((exercise.hold.increment_seconds or 0) * 10) if exercise.hold.progresses else 0
            assert new_hold - old_hold <= increment
            assert new_reps - old_reps <= 1
            assert not (new_hold > old_hold and new_reps > old_reps)
            if untried(state):  # 1: nothing raised, no harder variation added, until a session was tolerated
                assert new_hold <= old_hold
                assert new_reps <= old_reps
                added = set(chosen.prescription.modifications) - set(state.prescription.modifications)
                assert all(exercise.modification(m).direction is not backext.Direction.HARDER for m in added)
                left = set(state.prescription.modifications) - set(chosen.prescription.modifications)
                assert all(  # nor an easier one that changes no number left
                    exercise.modification(m).direction is not backext.Direction.EASIER
                    or exercise.modification(m).hold_seconds_change
                    or exercise.modification(m).repetitions_change
                    for m in left
                    if any(known.id == m for known in exercise.modifications)
                )
            if (new_hold, new_reps) == (old_hold, old_reps) or new_hold > old_hold or new_reps > old_reps:
                assert chosen.untolerated_streak == state.untolerated_streak  # a change of variations forgets none
            self.state = chosen
        else:
            with pytest.raises(backext.ClearanceRequiredError) as caught:
                backext.choose_modifications(self.pack, self.state, wanted, self.rules, on=on)
            assert caught.value.modification_id in needs

    @rule(data=st.data())
    def pack_update(self, data: st.DataObject) -> None:
        self.pack = updated(self.pack, data)
        note(f"pack updated: {self.pack}")

    @rule(data=st.data())
    def tampered_state(self, data: st.DataObject) -> None:  # 3 of the issue: stored states are validated
        document = backext.converter.unstructure(self.state)
        field, value = data.draw(
            st.sampled_from(
                [
                    (("dose", "hold_seconds"), 999),
                    (("dose", "hold_seconds"), -5),
                    (("dose", "repetitions"), 10_000),
                    (("tolerated_streak",), 99),
                    (("prescription", "hold_seconds"), 999),
                    (("dose", "exercise_id"), "no-such-exercise"),
                    (("prescription", "modifications"), ["no-such-variation"]),
                ]
            )
        )
        target = document
        for key in field[:-1]:
            target = target[key]
        target[field[-1]] = value
        try:
            loaded = backext.load_state(document, self.pack, rules=self.rules)
        except backext.StateError as error:
            problems = error.problems
            assert problems
            return
        # Accepted: it must fit the pack once reconciled, and be no higher than a step of the ladder.
        fitted = reconciled(self.pack, loaded, self.rules)
        check_within_limits(self.pack, fitted.prescription)

    @invariant()
    def within_limits(self) -> None:  # 6, 8: against the pack as it is now
        if self.state.stopped:
            return
        state = reconciled(self.pack, self.state, self.rules)
        check_within_limits(self.pack, state.prescription)
        check_clearances(self.pack, state)

    @invariant()
    def survives_json(self) -> None:  # 9
        document = backext.converter.unstructure(self.state)
        assert backext.converter.structure(document, State) == self.state
        if self.state.pack_version == self.pack.version:
            assert backext.load_state(document, self.pack, rules=self.rules) == self.state


def untried(state: State) -> bool:
    """Whether no session at the prescription as it is has been tolerated yet (the engine's rule, restated)."""
    return bool(
        (state.last_session is not None and state.tolerated_streak == 0)
        or state.painful_streak
        or state.untolerated_streak
        or state.pending is not None
    )


def reconciled(
    pack: Pack,
    state: State,
    rules: backext.Rules = backext.Rules(),  # noqa: B008
    on: datetime.date | None = None,
) -> State:
    from backext._reconcile import reconcile  # noqa: PLC0415 - the derivation under test

    return reconcile(pack, state, on, rules)[0]


TestEngineMachine = EngineMachine.TestCase
TestEngineMachine.settings = settings(settings.get_profile(settings._current_profile), stateful_step_count=25)


@st.composite
def state_and_log(draw: st.DrawFn) -> tuple[Pack, State, backext.SessionLog, backext.Rules]:
    pack = draw(packs(warnings=True))
    rules_ = draw(rules())
    state = backext.start(pack, draw(st.sampled_from(pack.exercises)).id)
    for _ in range(draw(st.integers(0, 12))):  # a random history, played without stops
        log = draw(session_logs(state.prescription, state.last_session))
        log = attrs.evolve(
            log, red_flags=frozenset(), pain=min(log.pain, 6), pain_next_day=min(log.pain_next_day or 0, 6)
        )
        state = backext.step(pack, state, log, rules_).state
    log = draw(session_logs(state.prescription, state.last_session))
    return pack, state, attrs.evolve(log, red_flags=frozenset()), rules_


def rank(pack: Pack, decision: backext.Decision) -> tuple[int, int, int]:
    """The effective prescription's place: stopped lowest, then by exercise and dose."""
    if decision.prescription is None:
        return (-1, 0, 0)
    return (index_of(pack, decision.prescription.exercise_id), *effective(decision.prescription))


@given(case=state_and_log(), worse_pain=st.integers(0, 10), worse_next=st.none() | st.integers(0, 10))
def test_worse_pain_never_gives_a_higher_dose(case, worse_pain, worse_next):  # 3
    pack, state, better, rules_ = case
    worse = attrs.evolve(
        better,
        pain=max(better.pain, worse_pain),
        # Unknown next-day pain stays unknown: knowing it is settled is more information, not less pain.
        pain_next_day=None if better.pain_next_day is None else max(better.pain_next_day, worse_next or 0),
    )
    after_better = backext.step(pack, state, better, rules_)
    after_worse = backext.step(pack, state, worse, rules_)
    assert rank(pack, after_worse) <= rank(pack, after_better) or after_better.prescription is None


@given(
    case=state_and_log(),
    flags=st.frozensets(st.sampled_from(backext.RedFlag), min_size=1),
    wrong_exercise=st.booleans(),
    days_back=st.integers(0, 40),
)
def test_a_red_flag_always_stops_whatever_else_is_wrong(case, flags, wrong_exercise, days_back):  # 2
    pack, state, log, rules_ = case
    log = attrs.evolve(log, red_flags=flags, date=log.date - datetime.timedelta(days=days_back))
    if wrong_exercise:
        log = attrs.evolve(log, exercise_id="not-" + log.exercise_id)
    decision = backext.step(pack, state, log, rules_)
    check_stop(decision, flags)
    follow_up = backext.SessionLog.as_prescribed(state.prescription, log.date + datetime.timedelta(days=1))
    assert backext.step(pack, decision.state, follow_up, rules_).prescription is None
    with pytest.raises(backext.StoppedError):
        backext.plan(pack, decision.state, start_date=log.date)
    with pytest.raises(backext.StoppedError):
        backext.timeline(pack, decision.state)


@given(case=state_and_log(), pain=st.integers(7, 10), next_day=st.booleans())
def test_severe_pain_stops(case, pain, next_day):  # 2
    pack, state, log, _ = case
    log = attrs.evolve(log, pain_next_day=pain) if next_day else attrs.evolve(log, pain=pain)
    decision = backext.step(pack, state, log)
    check_stop(decision, frozenset())
    assert decision.state.stop.pain >= pain
    assert "pain-severe" in decision.codes


@given(case=state_and_log())
def test_sessions_without_next_day_reports_never_progress(case):  # 7
    pack, state, log, rules_ = case
    rules_ = attrs.evolve(rules_, require_next_day_report=True)
    for _ in range(8):
        log = backext.SessionLog(
            date=log.date + datetime.timedelta(days=2),
            exercise_id=state.prescription.exercise_id,
            repetitions_completed=state.prescription.repetitions * state.prescription.sets,
            hold_seconds=state.prescription.hold_seconds,
            pain=0,
        )
        decision = backext.step(pack, state, log, rules_)
        assert decision.action is not Action.PROGRESS
        state = decision.state


@given(
    pack=packs(warnings=True),
    rules_=rules(),
    days_per_week=st.integers(1, 7),
    weeks=st.integers(1, 8),
    data=st.data(),
)
def test_plan_and_replay_of_perfect_logs_agree(pack, rules_, days_per_week, weeks, data):  # 10
    state = backext.start(pack, data.draw(st.sampled_from(pack.exercises)).id)
    start_date = datetime.date(2026, 3, 2)
    plan = backext.plan(pack, state, start_date=start_date, days_per_week=days_per_week, weeks=weeks, rules=rules_)
    assert len(plan.sessions) == days_per_week * weeks
    for planned in plan.sessions:
        gap = None if state.last_session is None else (planned.date - state.last_session).days
        if gap is None or gap <= rules_.max_gap_days:
            assert planned.prescription == state.prescription
        else:  # after a long gap the session is planned at the dose the gap rule gives, never higher
            assert planned.prescription.exercise_id == state.prescription.exercise_id
            assert planned.prescription.hold_seconds <= state.prescription.hold_seconds
            assert planned.prescription.repetitions <= state.prescription.repetitions
        # The person does what the plan says; the engine then agrees with the plan, session after session.
        decision = backext.step(
            pack, state, backext.SessionLog.as_prescribed(planned.prescription, planned.date), rules_
        )
        state = decision.state
    assert state == plan.state
    levels = [s.prescription.level for s in plan.sessions]
    assert levels == sorted(levels), "a perfect plan never goes down a level"
    for milestone in plan.milestones:
        assert plan.level_reached(milestone.level) <= milestone.date


@given(
    case=state_and_log(),
    days_per_week=st.integers(1, 7),
    weeks=st.integers(1, 6),
    days_later=st.integers(1, 60),
)
def test_every_plan_the_engine_makes_is_written_as_a_calendar(case, days_per_week, weeks, days_later):  # 10
    pytest.importorskip("icalendar")
    pack, state, _, rules_ = case
    assume(state.stop is None)  # a stopped engine plans nothing
    start_date = (state.last_session or datetime.date(2026, 1, 5)) + datetime.timedelta(days=days_later)
    plan = backext.plan(pack, state, start_date=start_date, days_per_week=days_per_week, weeks=weeks, rules=rules_)
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    backext.plan_calendar(pack, plan, now=now, rules=rules_)
    if rules_ != backext.Rules():  # under other rules the plan may differ: made again, it is refused, never trusted
        made_by_default = backext.plan(pack, state, start_date=start_date, days_per_week=days_per_week, weeks=weeks)
        if made_by_default != plan:
            with pytest.raises(backext.SessionError, match="plan again"):
                backext.plan_calendar(pack, plan, now=now)
